//! Environment variables set by deployment files.
//!
//! The same setting — `NODE_ENV=development`, `NODE_TLS_REJECT_UNAUTHORIZED=0`
//! — can be written in a `.env` file, a Dockerfile `ENV`, a docker-compose
//! `environment:` block or a Kubernetes container's `env:` list. This module
//! reads all four into one list so rules match the setting, not the syntax.

use std::ops::Range;

use redflag_syntax::yaml::{self, YamlNode};
use redflag_syntax::FileKind;

use crate::source::SourceFile;

/// Where an environment variable was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnvSource {
    Dotenv,
    Dockerfile,
    Compose,
    Kubernetes,
}

impl EnvSource {
    #[must_use]
    pub fn from_name(name: &str) -> Option<EnvSource> {
        match name {
            "dotenv" => Some(EnvSource::Dotenv),
            "dockerfile" => Some(EnvSource::Dockerfile),
            "compose" => Some(EnvSource::Compose),
            "kubernetes" => Some(EnvSource::Kubernetes),
            _ => None,
        }
    }
}

/// One variable assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvAssignment {
    pub key: String,
    pub value: String,
    /// Byte range of the assignment (or of its value, in YAML).
    pub range: Range<usize>,
    pub source: EnvSource,
}

/// Every environment variable a `.env`, Dockerfile or YAML file sets.
#[must_use]
pub fn env_assignments(file: &SourceFile) -> Vec<EnvAssignment> {
    match file.kind {
        FileKind::Env => file
            .env_entries()
            .iter()
            .map(|entry| EnvAssignment {
                key: entry.key.clone(),
                value: entry.value.clone(),
                range: entry.key_range.start..entry.value_range.end.max(entry.key_range.end),
                source: EnvSource::Dotenv,
            })
            .collect(),
        FileKind::Dockerfile => {
            let dockerfile = file.dockerfile();
            dockerfile
                .instructions
                .iter()
                .filter(|i| i.keyword == "ENV")
                .flat_map(|i| i.env_pairs(&file.text))
                .map(|pair| EnvAssignment {
                    key: pair.key,
                    value: pair.value.unwrap_or_default(),
                    range: pair.range,
                    source: EnvSource::Dockerfile,
                })
                .collect()
        }
        FileKind::Yaml => match file.yaml() {
            Ok(documents) => documents
                .iter()
                .flat_map(|doc| yaml_assignments(file, doc))
                .collect(),
            Err(_) => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn yaml_assignments(file: &SourceFile, document: &YamlNode) -> Vec<EnvAssignment> {
    let mut found = Vec::new();
    // docker-compose: services.<name>.environment as a mapping or a list.
    if let Some(services) = yaml::get(document, "services") {
        for (_, service) in yaml::entries(services) {
            let Some(environment) = yaml::get(service, "environment") else {
                continue;
            };
            for (key, value) in yaml::entries(environment) {
                if let (Some(key_text), Some(value_text)) =
                    (yaml::scalar_text(key), yaml::scalar_text(value))
                {
                    found.push(EnvAssignment {
                        key: key_text.into_owned(),
                        value: value_text.into_owned(),
                        range: span(file, key).start
                            ..span(file, value).end.max(span(file, key).end),
                        source: EnvSource::Compose,
                    });
                }
            }
            for item in yaml::items(environment) {
                if let Some(text) = yaml::scalar_text(item) {
                    let (key, value) = text.split_once('=').unwrap_or((&text, ""));
                    found.push(EnvAssignment {
                        key: key.to_string(),
                        value: value.to_string(),
                        range: span(file, item),
                        source: EnvSource::Compose,
                    });
                }
            }
        }
    }
    // Kubernetes: any `env:` list of `{name, value}` items, wherever the
    // workload kind nests its pod template. Walked with an explicit stack.
    if yaml::get(document, "apiVersion").is_some() && yaml::get(document, "kind").is_some() {
        let mut stack = vec![document];
        while let Some(node) = stack.pop() {
            for (key, value) in yaml::entries(node) {
                if yaml::scalar_text(key).as_deref() == Some("env") {
                    for item in yaml::items(value) {
                        let (Some(name), Some(val)) =
                            (yaml::get(item, "name"), yaml::get(item, "value"))
                        else {
                            continue;
                        };
                        if let (Some(name_text), Some(value_text)) =
                            (yaml::scalar_text(name), yaml::scalar_text(val))
                        {
                            found.push(EnvAssignment {
                                key: name_text.into_owned(),
                                value: value_text.into_owned(),
                                range: span(file, name).start
                                    ..span(file, val).end.max(span(file, name).end),
                                source: EnvSource::Kubernetes,
                            });
                        }
                    }
                }
                stack.push(value);
            }
            stack.extend(yaml::items(node));
        }
    }
    found
}

fn span(file: &SourceFile, node: &YamlNode) -> Range<usize> {
    yaml::node_range(&file.line_index, &file.text, node)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignments(kind: FileKind, path: &str, text: &str) -> Vec<(String, String, EnvSource)> {
        let file = SourceFile::new(path.into(), kind, text.into(), None);
        env_assignments(&file)
            .into_iter()
            .map(|a| (a.key, a.value, a.source))
            .collect()
    }

    #[test]
    fn reads_every_source() {
        assert_eq!(
            assignments(FileKind::Env, ".env", "A=1\n"),
            [("A".into(), "1".into(), EnvSource::Dotenv)]
        );
        assert_eq!(
            assignments(FileKind::Dockerfile, "Dockerfile", "FROM x\nENV A=1 B=2\n").len(),
            2
        );
        let compose = "services:\n  api:\n    environment:\n      A: \"0\"\n  worker:\n    environment:\n      - B=1\n";
        assert_eq!(
            assignments(FileKind::Yaml, "docker-compose.yml", compose),
            [
                ("A".into(), "0".into(), EnvSource::Compose),
                ("B".into(), "1".into(), EnvSource::Compose)
            ]
        );
        let k8s = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - name: A\n              value: \"0\"\n";
        assert_eq!(
            assignments(FileKind::Yaml, "k8s/deploy.yaml", k8s),
            [("A".into(), "0".into(), EnvSource::Kubernetes)]
        );
    }

    #[test]
    fn yaml_ranges_point_at_the_assignment() {
        let text = "services:\n  api:\n    environment:\n      NODE_ENV: development\n";
        let file = SourceFile::new("c.yml".into(), FileKind::Yaml, text.into(), None);
        let found = env_assignments(&file);
        assert_eq!(file.slice(found[0].range.clone()), "NODE_ENV: development");
    }
}
