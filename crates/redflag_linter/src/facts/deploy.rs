//! Deployment facts: how a service is run and checked — Dockerfile
//! `HEALTHCHECK`/`EXPOSE`/`USER`/`CMD`, Kubernetes workloads with their
//! probes, Ingresses, and docker-compose services with their healthchecks.
//!
//! Read from Dockerfiles and from YAML files by content (a `kind:` of a
//! workload, a top-level `services:` mapping), whatever the file is named.

use redflag_syntax::yaml::{self, YamlNode};
use redflag_syntax::FileKind;

use crate::source::{Location, SourceFile};

/// Which check a probe is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
    /// Dockerfile `HEALTHCHECK`.
    Dockerfile,
    /// docker-compose `healthcheck`.
    Compose,
}

impl ProbeKind {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "livenessProbe",
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Startup => "startupProbe",
            ProbeKind::Dockerfile => "HEALTHCHECK",
            ProbeKind::Compose => "healthcheck",
        }
    }
}

/// What a probe does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeCheck {
    /// An HTTP request for `path` (from `httpGet`, or a `curl`/`wget` URL in
    /// a command).
    Http {
        path: String,
        port: Option<String>,
    },
    /// A command with no URL in it.
    Exec(String),
    Tcp(String),
    Grpc,
    /// `HEALTHCHECK NONE`, compose `disable: true`.
    Disabled,
}

/// One probe or healthcheck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    pub kind: ProbeKind,
    pub check: ProbeCheck,
    pub location: Location,
}

/// What a Dockerfile says about the container it builds (its last stage).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerfileFact {
    pub healthcheck: Option<Probe>,
    pub expose: Vec<String>,
    pub user: Option<String>,
    pub cmd: Option<String>,
    /// The last `FROM` image.
    pub image: Option<String>,
    pub location: Location,
}

/// A container of a Kubernetes workload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerFact {
    pub name: String,
    pub image: String,
    pub probes: Vec<Probe>,
    pub ports: Vec<String>,
    /// Literal `env:` values.
    pub env: Vec<EnvValue>,
    /// `env:` values taken from a Secret or ConfigMap key (`valueFrom`),
    /// with the value naming the reference: `secret db-credentials/url`.
    pub env_refs: Vec<EnvValue>,
    pub location: Location,
}

/// A compose volume mount (`data:/var/lib/app`, or the long syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeMount {
    /// The named volume or host path, as written (`""` for anonymous).
    pub source: String,
    pub target: String,
    pub read_only: bool,
    pub location: Location,
}

impl VolumeMount {
    /// A named volume, not a bind mount of a host path.
    #[must_use]
    pub fn is_named(&self) -> bool {
        !self.source.is_empty()
            && !self.source.starts_with(['.', '/', '~', '$'])
            && !self.source.contains('/')
    }
}

/// One environment variable a deployment file sets, at its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvValue {
    pub key: String,
    pub value: String,
    pub location: Location,
}

/// A Kubernetes workload (Deployment, StatefulSet, DaemonSet, Pod, Job,
/// CronJob, ReplicaSet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkloadFact {
    pub kind: String,
    pub name: String,
    pub containers: Vec<ContainerFact>,
    pub location: Location,
}

impl WorkloadFact {
    /// Jobs run to completion: probes are not expected.
    #[must_use]
    pub fn is_batch(&self) -> bool {
        matches!(self.kind.as_str(), "Job" | "CronJob")
    }
}

/// A Kubernetes Ingress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngressFact {
    pub name: String,
    pub tls: bool,
    /// Annotation keys and values.
    pub annotations: Vec<(String, String)>,
    /// Backend service names.
    pub backends: Vec<String>,
    pub location: Location,
}

/// A docker-compose service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposeServiceFact {
    pub name: String,
    pub image: Option<String>,
    /// The build context directory as written.
    pub build: Option<String>,
    pub healthcheck: Option<Probe>,
    /// Services it waits for with `condition: service_healthy`.
    pub waits_healthy_for: Vec<String>,
    pub ports: Vec<String>,
    /// Its `environment:` values, as a map or a `KEY=value` list.
    pub environment: Vec<EnvValue>,
    /// Its `volumes:` mounts.
    pub volumes: Vec<VolumeMount>,
    pub location: Location,
}

/// Everything one deployment file says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeployFacts {
    pub dockerfile: Option<DockerfileFact>,
    pub workloads: Vec<WorkloadFact>,
    pub ingresses: Vec<IngressFact>,
    pub compose: Vec<ComposeServiceFact>,
}

impl DeployFacts {
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.dockerfile.is_none()
            && self.workloads.is_empty()
            && self.ingresses.is_empty()
            && self.compose.is_empty()
    }
}

/// The deployment facts of a Dockerfile or YAML file.
#[must_use]
pub fn collect(file: &SourceFile) -> Option<DeployFacts> {
    let facts = match file.kind {
        FileKind::Dockerfile => DeployFacts {
            dockerfile: Some(dockerfile_fact(file)),
            ..DeployFacts::default()
        },
        FileKind::Yaml => {
            if !(file.text.contains("kind:") || file.text.contains("services:")) {
                return None;
            }
            let Ok(documents) = file.yaml() else {
                return None;
            };
            let mut facts = DeployFacts::default();
            for document in documents {
                read_document(file, document, &mut facts);
            }
            facts
        }
        _ => return None,
    };
    (!facts.is_empty()).then_some(facts)
}

fn dockerfile_fact(file: &SourceFile) -> DockerfileFact {
    let dockerfile = file.dockerfile();
    let mut fact = DockerfileFact {
        healthcheck: None,
        expose: Vec::new(),
        user: None,
        cmd: None,
        image: dockerfile.stages.last().map(|s| s.image.clone()),
        location: file.location(0..file.text.len().min(first_line_end(&file.text))),
    };
    for instruction in &dockerfile.instructions {
        if !dockerfile.is_final_stage(instruction) {
            continue;
        }
        let location = file.location(instruction.range.clone());
        match instruction.keyword.as_str() {
            "HEALTHCHECK" => {
                let args = instruction.args.trim();
                let check = if args.eq_ignore_ascii_case("none") {
                    ProbeCheck::Disabled
                } else {
                    let command = args
                        .find("CMD")
                        .map_or(args, |at| &args[at + 3..])
                        .trim()
                        .to_string();
                    command_check(&command)
                };
                fact.healthcheck = Some(Probe {
                    kind: ProbeKind::Dockerfile,
                    check,
                    location,
                });
            }
            "EXPOSE" => fact
                .expose
                .extend(instruction.args.split_whitespace().map(str::to_string)),
            "USER" => fact.user = Some(instruction.args.trim().to_string()),
            "CMD" | "ENTRYPOINT" => fact.cmd = Some(instruction.command_words().join(" ")),
            _ => {}
        }
    }
    fact
}

fn first_line_end(text: &str) -> usize {
    text.find('\n').unwrap_or(text.len())
}

/// A command's check: HTTP when it requests a URL (`curl -f
/// http://localhost:8000/healthz`), else exec.
fn command_check(command: &str) -> ProbeCheck {
    let command = command.trim_matches(|c| c == '[' || c == ']');
    for scheme in ["http://", "https://"] {
        if let Some(at) = command.find(scheme) {
            let rest = &command[at + scheme.len()..];
            let url_end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ']' | '|'))
                .unwrap_or(rest.len());
            let url = &rest[..url_end];
            let (authority, path) = match url.find('/') {
                Some(slash) => (&url[..slash], &url[slash..]),
                None => (url, "/"),
            };
            let path = path.split(['?', '#']).next().unwrap_or("/");
            let port = authority.rsplit_once(':').map(|(_, p)| p.to_string());
            return ProbeCheck::Http {
                path: path.to_string(),
                port,
            };
        }
    }
    ProbeCheck::Exec(command.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn text_of(node: Option<&YamlNode>) -> Option<String> {
    node.and_then(yaml::scalar_text).map(|s| s.into_owned())
}

fn read_document(file: &SourceFile, document: &YamlNode, facts: &mut DeployFacts) {
    let kind = text_of(yaml::get(document, "kind"));
    let location =
        |node: &YamlNode| file.location(yaml::node_range(&file.line_index, &file.text, node));
    let name = yaml::get(document, "metadata")
        .and_then(|m| yaml::get(m, "name"))
        .and_then(yaml::scalar_text)
        .map(|s| s.into_owned())
        .unwrap_or_default();
    match kind.as_deref() {
        Some(
            kind @ ("Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Pod" | "Job"
            | "CronJob"),
        ) => {
            let pod_spec = match kind {
                "Pod" => yaml::get(document, "spec"),
                "CronJob" => yaml::get(document, "spec")
                    .and_then(|s| yaml::get(s, "jobTemplate"))
                    .and_then(|s| yaml::get(s, "spec"))
                    .and_then(|s| yaml::get(s, "template"))
                    .and_then(|s| yaml::get(s, "spec")),
                _ => yaml::get(document, "spec")
                    .and_then(|s| yaml::get(s, "template"))
                    .and_then(|s| yaml::get(s, "spec")),
            };
            let containers = pod_spec
                .and_then(|s| yaml::get(s, "containers"))
                .map(|list| {
                    yaml::items(list)
                        .map(|c| container(file, c))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            let anchor = yaml::get(document, "kind").unwrap_or(document);
            facts.workloads.push(WorkloadFact {
                kind: kind.to_string(),
                name,
                containers,
                location: location(anchor),
            });
        }
        Some("Ingress") => {
            let annotations = yaml::get(document, "metadata")
                .and_then(|m| yaml::get(m, "annotations"))
                .map(|a| {
                    yaml::entries(a)
                        .filter_map(|(k, v)| {
                            Some((
                                yaml::scalar_text(k)?.into_owned(),
                                yaml::scalar_text(v)
                                    .map(|s| s.into_owned())
                                    .unwrap_or_default(),
                            ))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let spec = yaml::get(document, "spec");
            let tls = spec
                .and_then(|s| yaml::get(s, "tls"))
                .is_some_and(|t| yaml::items(t).next().is_some());
            let mut backends = Vec::new();
            if let Some(rules) = spec.and_then(|s| yaml::get(s, "rules")) {
                for rule in yaml::items(rules) {
                    let paths = yaml::get(rule, "http").and_then(|h| yaml::get(h, "paths"));
                    for path in paths.into_iter().flat_map(yaml::items) {
                        let service = yaml::get(path, "backend")
                            .and_then(|b| yaml::get(b, "service"))
                            .and_then(|s| yaml::get(s, "name"))
                            .or_else(|| {
                                yaml::get(path, "backend").and_then(|b| yaml::get(b, "serviceName"))
                            });
                        if let Some(service) = text_of(service) {
                            backends.push(service);
                        }
                    }
                }
            }
            let anchor = yaml::get(document, "kind").unwrap_or(document);
            facts.ingresses.push(IngressFact {
                name,
                tls,
                annotations,
                backends,
                location: location(anchor),
            });
        }
        None => {
            if let Some(services) = yaml::get(document, "services") {
                read_compose(file, services, facts);
            }
        }
        Some(_) => {}
    }
}

fn container(file: &SourceFile, node: &YamlNode) -> ContainerFact {
    let mut probes = Vec::new();
    for (key, kind) in [
        ("livenessProbe", ProbeKind::Liveness),
        ("readinessProbe", ProbeKind::Readiness),
        ("startupProbe", ProbeKind::Startup),
    ] {
        let Some(probe) = yaml::get(node, key) else {
            continue;
        };
        let check = if let Some(http) = yaml::get(probe, "httpGet") {
            ProbeCheck::Http {
                path: text_of(yaml::get(http, "path")).unwrap_or_else(|| "/".to_string()),
                port: text_of(yaml::get(http, "port")),
            }
        } else if let Some(exec) = yaml::get(probe, "exec") {
            let words: Vec<String> = yaml::get(exec, "command")
                .map(|c| {
                    yaml::items(c)
                        .filter_map(yaml::scalar_text)
                        .map(|s| s.into_owned())
                        .collect()
                })
                .unwrap_or_default();
            command_check(&words.join(" "))
        } else if let Some(tcp) = yaml::get(probe, "tcpSocket") {
            ProbeCheck::Tcp(text_of(yaml::get(tcp, "port")).unwrap_or_default())
        } else if yaml::get(probe, "grpc").is_some() {
            ProbeCheck::Grpc
        } else {
            ProbeCheck::Exec(String::new())
        };
        let key_node = yaml::entries(node)
            .find(|(k, _)| yaml::scalar_text(k).as_deref() == Some(key))
            .map_or(probe, |(k, _)| k);
        probes.push(Probe {
            kind,
            check,
            location: file.location(yaml::node_range(&file.line_index, &file.text, key_node)),
        });
    }
    let ports = yaml::get(node, "ports")
        .map(|list| {
            yaml::items(list)
                .filter_map(|p| text_of(yaml::get(p, "containerPort")))
                .collect()
        })
        .unwrap_or_default();
    let anchor = yaml::get(node, "name").unwrap_or(node);
    let env_refs = yaml::get(node, "env")
        .map(|list| {
            yaml::items(list)
                .filter_map(|item| {
                    let key = text_of(yaml::get(item, "name"))?;
                    let from = yaml::get(item, "valueFrom")?;
                    let (kind, reference) =
                        [("secret", "secretKeyRef"), ("configmap", "configMapKeyRef")]
                            .into_iter()
                            .find_map(|(kind, field)| Some((kind, yaml::get(from, field)?)))?;
                    let name = text_of(yaml::get(reference, "name"))?;
                    let ref_key = text_of(yaml::get(reference, "key"))?;
                    Some(EnvValue {
                        key,
                        value: format!("{kind} {name}/{ref_key}"),
                        location: file.location(yaml::node_range(
                            &file.line_index,
                            &file.text,
                            from,
                        )),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let env = yaml::get(node, "env")
        .map(|list| {
            yaml::items(list)
                .filter_map(|item| {
                    let key = text_of(yaml::get(item, "name"))?;
                    let value_node = yaml::get(item, "value")?;
                    Some(EnvValue {
                        key,
                        value: text_of(Some(value_node))?,
                        location: file.location(yaml::node_range(
                            &file.line_index,
                            &file.text,
                            value_node,
                        )),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    ContainerFact {
        name: text_of(yaml::get(node, "name")).unwrap_or_default(),
        image: text_of(yaml::get(node, "image")).unwrap_or_default(),
        probes,
        ports,
        env,
        env_refs,
        location: file.location(yaml::node_range(&file.line_index, &file.text, anchor)),
    }
}

/// A compose service's `volumes:`, short (`data:/srv:ro`) or long syntax.
fn compose_volumes(file: &SourceFile, list: &YamlNode) -> Vec<VolumeMount> {
    let at = |node: &YamlNode| file.location(yaml::node_range(&file.line_index, &file.text, node));
    yaml::items(list)
        .filter_map(|item| {
            if let Some(text) = yaml::scalar_text(item) {
                let parts: Vec<&str> = text.split(':').collect();
                let (source, target, mode) = match parts.as_slice() {
                    [target] => ("", *target, ""),
                    [source, target] => (*source, *target, ""),
                    [source, target, mode, ..] => (*source, *target, *mode),
                    [] => return None,
                };
                return Some(VolumeMount {
                    source: source.trim().to_string(),
                    target: target.trim().to_string(),
                    read_only: mode.split(',').any(|m| m.trim() == "ro"),
                    location: at(item),
                });
            }
            Some(VolumeMount {
                source: text_of(yaml::get(item, "source")).unwrap_or_default(),
                target: text_of(yaml::get(item, "target"))?,
                read_only: text_of(yaml::get(item, "read_only")).is_some_and(|v| v == "true"),
                location: at(item),
            })
        })
        .collect()
}

/// A compose `environment:` block: a map, or a list of `KEY=value`.
fn compose_environment(file: &SourceFile, env: &YamlNode) -> Vec<EnvValue> {
    let at = |node: &YamlNode| file.location(yaml::node_range(&file.line_index, &file.text, node));
    let mut values: Vec<EnvValue> = yaml::entries(env)
        .filter_map(|(key, value)| {
            Some(EnvValue {
                key: yaml::scalar_text(key)?.into_owned(),
                value: text_of(Some(value))?,
                location: at(value),
            })
        })
        .collect();
    values.extend(yaml::items(env).filter_map(|item| {
        let text = yaml::scalar_text(item)?;
        let (key, value) = text.split_once('=')?;
        Some(EnvValue {
            key: key.trim().to_string(),
            value: value.trim().to_string(),
            location: at(item),
        })
    }));
    values
}

fn read_compose(file: &SourceFile, services: &YamlNode, facts: &mut DeployFacts) {
    for (key, service) in yaml::entries(services) {
        let Some(name) = yaml::scalar_text(key).map(|s| s.into_owned()) else {
            continue;
        };
        let image = text_of(yaml::get(service, "image"));
        let build = yaml::get(service, "build")
            .and_then(|b| text_of(Some(b)).or_else(|| text_of(yaml::get(b, "context"))));
        if image.is_none() && build.is_none() {
            continue;
        }
        let healthcheck = yaml::get(service, "healthcheck").map(|h| {
            let disabled = text_of(yaml::get(h, "disable")).as_deref() == Some("true");
            let test = yaml::get(h, "test");
            let command = match test {
                Some(t) => text_of(Some(t)).unwrap_or_else(|| {
                    yaml::items(t)
                        .filter_map(yaml::scalar_text)
                        .map(|s| s.into_owned())
                        .filter(|w| w != "CMD" && w != "CMD-SHELL")
                        .collect::<Vec<_>>()
                        .join(" ")
                }),
                None => String::new(),
            };
            let check = if disabled || command.trim() == "NONE" {
                ProbeCheck::Disabled
            } else {
                command_check(&command)
            };
            Probe {
                kind: ProbeKind::Compose,
                check,
                location: file.location(yaml::node_range(&file.line_index, &file.text, h)),
            }
        });
        let mut waits_healthy_for = Vec::new();
        if let Some(depends) = yaml::get(service, "depends_on") {
            for (dep, condition) in yaml::entries(depends) {
                let healthy = yaml::get(condition, "condition")
                    .and_then(yaml::scalar_text)
                    .is_some_and(|c| c == "service_healthy");
                if healthy {
                    if let Some(dep) = yaml::scalar_text(dep) {
                        waits_healthy_for.push(dep.into_owned());
                    }
                }
            }
        }
        let ports = yaml::get(service, "ports")
            .map(|list| {
                yaml::items(list)
                    .filter_map(yaml::scalar_text)
                    .map(|s| s.into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let environment = yaml::get(service, "environment")
            .map(|env| compose_environment(file, env))
            .unwrap_or_default();
        let volumes = yaml::get(service, "volumes")
            .map(|list| compose_volumes(file, list))
            .unwrap_or_default();
        facts.compose.push(ComposeServiceFact {
            name,
            image,
            build,
            healthcheck,
            waits_healthy_for,
            ports,
            environment,
            volumes,
            location: file.location(yaml::node_range(&file.line_index, &file.text, key)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str, text: &str) -> DeployFacts {
        let kind = redflag_syntax::classify(std::path::Path::new(path)).expect("kind");
        let file = SourceFile::new(path.to_string(), kind, text.to_string(), None);
        collect(&file).unwrap_or_default()
    }

    #[test]
    fn compose_volumes_and_kubernetes_secret_refs() {
        let compose = facts(
            "docker-compose.yml",
            "services:\n  api:\n    build: .\n    volumes:\n      - .:/app\n      - data:/var/lib/app:ro\n      - /tmp\n      - type: volume\n        source: uploads\n        target: /srv/uploads\n",
        );
        let volumes = &compose.compose[0].volumes;
        let read: Vec<(&str, &str, bool, bool)> = volumes
            .iter()
            .map(|v| {
                (
                    v.source.as_str(),
                    v.target.as_str(),
                    v.read_only,
                    v.is_named(),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                (".", "/app", false, false),
                ("data", "/var/lib/app", true, true),
                ("", "/tmp", false, false),
                ("uploads", "/srv/uploads", false, true),
            ]
        );
        let k8s = facts(
            "k8s/api.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: acme/api:1\n          env:\n            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: url\n            - name: MODE\n              value: prod\n",
        );
        let container = &k8s.workloads[0].containers[0];
        assert_eq!(container.env.len(), 1);
        assert_eq!(container.env_refs.len(), 1);
        assert_eq!(container.env_refs[0].key, "DATABASE_URL");
        assert_eq!(container.env_refs[0].value, "secret db/url");
    }

    #[test]
    fn dockerfile_healthcheck_path_expose_user_and_cmd() {
        let found = facts(
            "Dockerfile",
            "FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim\nEXPOSE 3000\nUSER node\nHEALTHCHECK --interval=30s CMD curl -fsS http://localhost:3000/healthz || exit 1\nCMD [\"node\", \"dist/main.js\"]\n",
        );
        let docker = found.dockerfile.expect("dockerfile");
        assert_eq!(docker.expose, ["3000"]);
        assert_eq!(docker.user.as_deref(), Some("node"));
        assert_eq!(docker.cmd.as_deref(), Some("node dist/main.js"));
        assert_eq!(docker.image.as_deref(), Some("node:20-slim"));
        let probe = docker.healthcheck.expect("healthcheck");
        assert_eq!(
            probe.check,
            ProbeCheck::Http {
                path: "/healthz".into(),
                port: Some("3000".into())
            }
        );
        assert_eq!(probe.location.start.line, 6);
    }

    #[test]
    fn healthcheck_none_and_exec_forms() {
        let none = facts("Dockerfile", "FROM x\nHEALTHCHECK NONE\n");
        assert_eq!(
            none.dockerfile.unwrap().healthcheck.unwrap().check,
            ProbeCheck::Disabled
        );
        let exec = facts(
            "Dockerfile",
            "FROM x\nHEALTHCHECK CMD [\"python\", \"healthcheck.py\"]\n",
        );
        assert!(matches!(
            exec.dockerfile.unwrap().healthcheck.unwrap().check,
            ProbeCheck::Exec(_)
        ));
        let wget = facts(
            "Dockerfile",
            "FROM x\nHEALTHCHECK CMD wget -qO- http://127.0.0.1:8080/api/health?full=1\n",
        );
        assert_eq!(
            wget.dockerfile.unwrap().healthcheck.unwrap().check,
            ProbeCheck::Http {
                path: "/api/health".into(),
                port: Some("8080".into())
            }
        );
    }

    #[test]
    fn kubernetes_workloads_probes_and_ingress() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: orders\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: acme/orders:1.2\n          ports:\n            - containerPort: 8000\n          livenessProbe:\n            httpGet:\n              path: /healthz\n              port: 8000\n          readinessProbe:\n            tcpSocket:\n              port: 8000\n        - name: sidecar\n          image: envoy\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: orders\n  annotations:\n    nginx.ingress.kubernetes.io/limit-rps: \"10\"\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            backend:\n              service:\n                name: orders\n---\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: job\n              image: acme/job\n";
        let found = facts("k8s/orders.yaml", text);
        assert_eq!(found.workloads.len(), 2);
        let deployment = &found.workloads[0];
        assert_eq!(deployment.name, "orders");
        assert_eq!(deployment.containers.len(), 2);
        let api = &deployment.containers[0];
        assert_eq!(api.image, "acme/orders:1.2");
        assert_eq!(api.ports, ["8000"]);
        assert_eq!(api.probes.len(), 2);
        assert_eq!(api.probes[0].kind, ProbeKind::Liveness);
        assert_eq!(
            api.probes[0].check,
            ProbeCheck::Http {
                path: "/healthz".into(),
                port: Some("8000".into())
            }
        );
        assert_eq!(api.probes[0].location.start.line, 13);
        assert_eq!(api.probes[1].check, ProbeCheck::Tcp("8000".into()));
        assert!(deployment.containers[1].probes.is_empty());
        assert!(found.workloads[1].is_batch());
        let ingress = &found.ingresses[0];
        assert!(!ingress.tls);
        assert_eq!(ingress.backends, ["orders"]);
        assert_eq!(ingress.annotations[0].1, "10");
    }

    #[test]
    fn compose_services_healthchecks_and_conditions() {
        let text = "services:\n  api:\n    build: ./api\n    ports: [\"8000:8000\"]\n    healthcheck:\n      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8000/health\"]\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    image: postgres:16\n    healthcheck:\n      test: [\"CMD-SHELL\", \"pg_isready -U app\"]\n  worker:\n    build:\n      context: ./worker\n    healthcheck:\n      disable: true\nvolumes:\n  data: {}\n";
        let found = facts("docker-compose.yml", text);
        assert_eq!(found.compose.len(), 3);
        let api = &found.compose[0];
        assert_eq!(api.build.as_deref(), Some("./api"));
        assert_eq!(api.waits_healthy_for, ["db"]);
        assert_eq!(
            api.healthcheck.as_ref().unwrap().check,
            ProbeCheck::Http {
                path: "/health".into(),
                port: Some("8000".into())
            }
        );
        assert!(matches!(
            found.compose[1].healthcheck.as_ref().unwrap().check,
            ProbeCheck::Exec(ref c) if c == "pg_isready -U app"
        ));
        assert_eq!(found.compose[2].build.as_deref(), Some("./worker"));
        assert_eq!(
            found.compose[2].healthcheck.as_ref().unwrap().check,
            ProbeCheck::Disabled
        );
    }

    #[test]
    fn other_yaml_is_not_deployment() {
        assert!(facts(
            ".github/workflows/ci.yml",
            "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      - x\n"
        )
        .is_empty());
        assert!(facts("config.yaml", "kind: ConfigMap\nmetadata:\n  name: x\n").is_empty());
    }
}
