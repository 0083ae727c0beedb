//! Manifest facts: the package manifests that root a deployable unit and
//! name its dependencies — `package.json`, `pyproject.toml`,
//! `requirements*.txt`, `setup.cfg`, `Pipfile`, `Cargo.toml`.

use std::path::Path;

use crate::source::{Location, SourceFile};

/// Which manifest a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ManifestKind {
    PackageJson,
    Pyproject,
    Requirements,
    SetupCfg,
    Pipfile,
    Cargo,
}

impl ManifestKind {
    /// The language family of the packages it names.
    #[must_use]
    pub fn ecosystem(self) -> &'static str {
        match self {
            ManifestKind::PackageJson => "node",
            ManifestKind::Cargo => "rust",
            _ => "python",
        }
    }
}

/// One manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestFact {
    pub kind: ManifestKind,
    /// The package name, when the manifest has one.
    pub name: Option<String>,
    /// Runtime dependency names, lower-cased for Python (whose names are
    /// case-insensitive), as written otherwise.
    pub dependencies: Vec<String>,
    /// Development-only dependencies.
    pub dev_dependencies: Vec<String>,
    /// A Cargo workspace root with no package of its own roots nothing.
    pub is_package: bool,
    /// Cargo: declares a `[[bin]]`.
    pub declares_binary: bool,
    pub location: Location,
}

/// Which manifest a path names, if any.
#[must_use]
pub fn manifest_kind(path: &str) -> Option<ManifestKind> {
    let name = Path::new(path).file_name()?.to_str()?;
    match name {
        "package.json" => Some(ManifestKind::PackageJson),
        "pyproject.toml" => Some(ManifestKind::Pyproject),
        "setup.cfg" => Some(ManifestKind::SetupCfg),
        "Pipfile" => Some(ManifestKind::Pipfile),
        "Cargo.toml" => Some(ManifestKind::Cargo),
        _ if name.starts_with("requirements") && name.ends_with(".txt") => {
            Some(ManifestKind::Requirements)
        }
        _ => None,
    }
}

/// The manifest facts of a file, if it is a manifest that parses.
#[must_use]
pub fn collect(file: &SourceFile) -> Option<ManifestFact> {
    let kind = manifest_kind(&file.path)?;
    let location = file.location(0..file.text.find('\n').unwrap_or(file.text.len()));
    let mut fact = ManifestFact {
        kind,
        name: None,
        dependencies: Vec::new(),
        dev_dependencies: Vec::new(),
        is_package: true,
        declares_binary: false,
        location,
    };
    match kind {
        ManifestKind::PackageJson => {
            let value: serde_json::Value = serde_json::from_str(&file.text).ok()?;
            fact.name = value["name"].as_str().map(str::to_string);
            fact.dependencies = json_keys(&value["dependencies"]);
            fact.dependencies
                .extend(json_keys(&value["peerDependencies"]));
            fact.dev_dependencies = json_keys(&value["devDependencies"]);
        }
        ManifestKind::Cargo => {
            let value: toml::Table = toml::from_str(&file.text).ok()?;
            let package = value.get("package").and_then(toml::Value::as_table);
            fact.is_package = package.is_some();
            fact.name = package
                .and_then(|p| p.get("name"))
                .and_then(toml::Value::as_str)
                .map(str::to_string);
            fact.dependencies = toml_keys(value.get("dependencies"));
            fact.dev_dependencies = toml_keys(value.get("dev-dependencies"));
            fact.declares_binary = value.get("bin").is_some();
        }
        ManifestKind::Pyproject => {
            let value: toml::Table = toml::from_str(&file.text).ok()?;
            let project = value.get("project").and_then(toml::Value::as_table);
            let poetry = value
                .get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(toml::Value::as_table);
            fact.name = project
                .or(poetry)
                .and_then(|p| p.get("name"))
                .and_then(toml::Value::as_str)
                .map(str::to_string);
            if let Some(list) = project
                .and_then(|p| p.get("dependencies"))
                .and_then(toml::Value::as_array)
            {
                fact.dependencies = list
                    .iter()
                    .filter_map(toml::Value::as_str)
                    .filter_map(requirement_name)
                    .collect();
            }
            if let Some(groups) = project
                .and_then(|p| p.get("optional-dependencies"))
                .and_then(toml::Value::as_table)
            {
                for list in groups.values().filter_map(toml::Value::as_array) {
                    fact.dev_dependencies.extend(
                        list.iter()
                            .filter_map(toml::Value::as_str)
                            .filter_map(requirement_name),
                    );
                }
            }
            if let Some(poetry) = poetry {
                fact.dependencies.extend(
                    toml_keys(poetry.get("dependencies"))
                        .into_iter()
                        .filter(|d| d != "python")
                        .map(|d| d.to_ascii_lowercase()),
                );
                fact.dev_dependencies.extend(
                    toml_keys(poetry.get("dev-dependencies"))
                        .into_iter()
                        .map(|d| d.to_ascii_lowercase()),
                );
            }
        }
        ManifestKind::Pipfile => {
            let value: toml::Table = toml::from_str(&file.text).ok()?;
            fact.dependencies = toml_keys(value.get("packages"))
                .into_iter()
                .map(|d| d.to_ascii_lowercase())
                .collect();
            fact.dev_dependencies = toml_keys(value.get("dev-packages"))
                .into_iter()
                .map(|d| d.to_ascii_lowercase())
                .collect();
        }
        ManifestKind::Requirements => {
            let names = file
                .text
                .lines()
                .map(|l| l.split('#').next().unwrap_or("").trim())
                .filter(|l| !l.is_empty() && !l.starts_with('-'))
                .filter_map(requirement_name);
            if file.path.contains("dev") || file.path.contains("test") {
                fact.dev_dependencies = names.collect();
            } else {
                fact.dependencies = names.collect();
            }
        }
        ManifestKind::SetupCfg => {
            let mut in_requires = false;
            for line in file.text.lines() {
                let trimmed = line.trim();
                if trimmed.starts_with("install_requires") {
                    in_requires = true;
                    if let Some((_, rest)) = trimmed.split_once('=') {
                        fact.dependencies.extend(requirement_name(rest.trim()));
                    }
                    continue;
                }
                if in_requires {
                    if line.starts_with([' ', '\t']) && !trimmed.is_empty() {
                        fact.dependencies.extend(requirement_name(trimmed));
                    } else if !trimmed.is_empty() {
                        in_requires = false;
                    }
                }
                if let Some(name) = trimmed.strip_prefix("name") {
                    if let Some((_, value)) = name.split_once('=') {
                        if fact.name.is_none() {
                            fact.name = Some(value.trim().to_string());
                        }
                    }
                }
            }
        }
    }
    Some(fact)
}

fn json_keys(value: &serde_json::Value) -> Vec<String> {
    value
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn toml_keys(value: Option<&toml::Value>) -> Vec<String> {
    value
        .and_then(toml::Value::as_table)
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

/// `fastapi[all]>=0.110 ; python_version > "3.8"` → `fastapi`.
fn requirement_name(spec: &str) -> Option<String> {
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    (!name.is_empty()).then(|| name.to_ascii_lowercase().replace('_', "-"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use redflag_syntax::FileKind;

    fn fact(path: &str, kind: FileKind, text: &str) -> Option<ManifestFact> {
        collect(&SourceFile::new(
            path.to_string(),
            kind,
            text.to_string(),
            None,
        ))
    }

    #[test]
    fn package_json_names_and_dependencies() {
        let found = fact(
            "api/package.json",
            FileKind::Json,
            r#"{"name": "orders-api", "dependencies": {"express": "^4", "helmet": "^7"}, "devDependencies": {"jest": "^29"}}"#,
        )
        .unwrap();
        assert_eq!(found.name.as_deref(), Some("orders-api"));
        assert_eq!(found.dependencies, ["express", "helmet"]);
        assert_eq!(found.dev_dependencies, ["jest"]);
        assert!(fact("package.json", FileKind::Json, "{not json").is_none());
    }

    #[test]
    fn python_manifests() {
        let pyproject = fact(
            "pyproject.toml",
            FileKind::Toml,
            "[project]\nname = \"orders\"\ndependencies = [\"FastAPI[all]>=0.110\", \"slowapi\", \"python_jose ; python_version>'3'\"]\n",
        )
        .unwrap();
        assert_eq!(
            pyproject.dependencies,
            ["fastapi", "slowapi", "python-jose"]
        );
        let poetry = fact(
            "pyproject.toml",
            FileKind::Toml,
            "[tool.poetry]\nname = \"shop\"\n[tool.poetry.dependencies]\npython = \"^3.12\"\nDjango = \"^5\"\n",
        )
        .unwrap();
        assert_eq!(poetry.name.as_deref(), Some("shop"));
        assert_eq!(poetry.dependencies, ["django"]);
        let requirements = fact(
            "requirements.txt",
            FileKind::Text,
            "# web\nflask==3.0.0\n-r base.txt\nFlask-Limiter>=3  # limits\n",
        )
        .unwrap();
        assert_eq!(requirements.dependencies, ["flask", "flask-limiter"]);
        let setup = fact(
            "setup.cfg",
            FileKind::Text,
            "[metadata]\nname = svc\n[options]\ninstall_requires =\n    aiohttp>=3\n    structlog\npackages = find:\n",
        )
        .unwrap();
        assert_eq!(setup.dependencies, ["aiohttp", "structlog"]);
    }

    #[test]
    fn cargo_packages_and_workspaces() {
        let package = fact(
            "svc/Cargo.toml",
            FileKind::Toml,
            "[package]\nname = \"svc\"\n[dependencies]\naxum = \"0.7\"\ntokio = { version = \"1\" }\n[[bin]]\nname = \"svc\"\n",
        )
        .unwrap();
        assert!(package.is_package && package.declares_binary);
        assert_eq!(package.dependencies, ["axum", "tokio"]);
        let workspace = fact(
            "Cargo.toml",
            FileKind::Toml,
            "[workspace]\nmembers = [\"svc\"]\n",
        )
        .unwrap();
        assert!(!workspace.is_package);
    }
}
