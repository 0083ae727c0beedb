//! Configuration files: discovery, reading and validation.
//!
//! redflag reads `redflag.toml`, `.redflag.toml`, or the `[tool.redflag]`
//! table of `pyproject.toml`, from the scanned path's directory upwards; the
//! nearest one wins (in that order within one directory). Unknown keys and
//! bad values are errors that name the file, the key and the position.
//! Selectors (rule names, task and red-flag IDs) are checked later against
//! the rule registry, which this crate does not know.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Names of configuration files, in the order they win within one directory.
pub const CONFIG_FILE_NAMES: [&str; 3] = ["redflag.toml", ".redflag.toml", "pyproject.toml"];

/// The default largest file that is read (1 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 1024 * 1024;

/// A configuration problem. Always names the file.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// The settings a configuration file can hold. Keys are kebab-case, as in ruff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Replaces the default excluded directories.
    pub exclude: Option<Vec<String>>,
    /// Adds to the excluded paths.
    #[serde(default)]
    pub extend_exclude: Vec<String>,
    /// Replaces the default rule selection (all rules).
    pub select: Option<Vec<String>>,
    #[serde(default)]
    pub extend_select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Glob (relative to the config file) → selectors to ignore there.
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
    /// Rule name → severity (`error`, `warning`, `note`).
    #[serde(default)]
    pub severity: BTreeMap<String, SeverityName>,
    /// Lowest severity that makes the exit status 1.
    pub fail_on: Option<SeverityName>,
    /// Largest file read, in bytes or with a unit (`"2MiB"`, `"500KB"`).
    pub max_file_size: Option<ByteSize>,
    pub follow_symlinks: Option<bool>,
    /// Directories of user rules (relative to the config file).
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    /// Dialect of the SQL migrations: `postgresql`, `mysql` or `sqlite`.
    pub sql_dialect: Option<SqlDialectName>,
    /// Settings of the hardcoded-secrets rules.
    #[serde(default)]
    pub secrets: SecretsConfig,
    /// Evidence vocabularies of the service-model rules.
    #[serde(default)]
    pub services: ServicesConfig,
}

/// The `[services]` section: what counts as evidence for the service-model
/// rules. Lists add to the built-in vocabularies; marker entries are
/// case-insensitive regexes matched against the middleware, decorators,
/// dependencies and guards on a route's chain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServicesConfig {
    /// Extra health route paths (`/-/alive`).
    #[serde(default)]
    pub health_paths: Vec<String>,
    /// Extra packages that provide a health endpoint.
    #[serde(default)]
    pub health_libraries: Vec<String>,
    /// Extra auth markers (in-house decorators, guards, middleware).
    #[serde(default)]
    pub auth_markers: Vec<String>,
    /// Extra rate-limit markers.
    #[serde(default)]
    pub rate_limit_markers: Vec<String>,
    /// Extra security-header markers.
    #[serde(default)]
    pub security_header_markers: Vec<String>,
    /// Rate limiting is done in front of the services (an API gateway).
    #[serde(default)]
    pub rate_limit_at_gateway: bool,
    /// Authentication is done in front of the services.
    #[serde(default)]
    pub auth_at_gateway: bool,
    /// Security headers are set in front of the services.
    #[serde(default)]
    pub security_headers_at_gateway: bool,
    /// Routes that are public on purpose: globs over the full path,
    /// optionally after a method (`POST /webhooks/*`, `/public/**`).
    #[serde(default)]
    pub public_routes: Vec<String>,
    /// URL path convention: `kebab-case` (default), `snake_case`,
    /// `camelCase` or `any`.
    pub path_case: Option<String>,
    /// Path segments exempt from the convention.
    #[serde(default)]
    pub path_case_exceptions: Vec<String>,
}

/// The `[secrets]` section.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretsConfig {
    /// Values that are never reported (known public keys, test fixtures).
    #[serde(default)]
    pub allow: Vec<String>,
    /// Regexes; a value matching one is never reported.
    #[serde(default)]
    pub allow_regexes: Vec<String>,
    /// Extra words that make a name secret (`hmac_seed`, `vault_unseal`).
    #[serde(default)]
    pub secret_names: Vec<String>,
    /// Extra globs treated as test code, where findings are downgraded.
    #[serde(default)]
    pub test_paths: Vec<String>,
    /// Severity of findings in test code (default `note`).
    pub test_severity: Option<SeverityName>,
    /// Confidence of findings in test code (default `low`).
    pub test_confidence: Option<ConfidenceName>,
}

/// A confidence name, checked when the file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfidenceName {
    High,
    Medium,
    Low,
}

/// A severity name, checked when the file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
    Note,
}

impl SeverityName {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SeverityName::Error => "error",
            SeverityName::Warning => "warning",
            SeverityName::Note => "note",
        }
    }
}

/// A SQL dialect name, checked when the file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqlDialectName {
    #[serde(alias = "postgres")]
    Postgresql,
    #[serde(alias = "mariadb")]
    Mysql,
    Sqlite,
}

/// A size in bytes, written as a number or a string with a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        match Raw::deserialize(deserializer)? {
            Raw::Number(n) => Ok(ByteSize(n)),
            Raw::Text(text) => parse_byte_size(&text)
                .map(ByteSize)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// Parses `1048576`, `"1MiB"`, `"512KB"`, `"2 MB"`.
///
/// # Errors
/// Explains what was expected.
pub fn parse_byte_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().map_err(|_| {
        format!("`{text}` is not a size; expected bytes or a number with KB, KiB, MB or MiB")
    })?;
    let factor = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "kib" | "k" => 1024,
        "mb" => 1000 * 1000,
        "mib" | "m" => 1024 * 1024,
        "gb" => 1000 * 1000 * 1000,
        "gib" | "g" => 1024 * 1024 * 1024,
        other => {
            return Err(format!(
                "unknown size unit `{other}`; expected KB, KiB, MB, MiB, GB or GiB"
            ))
        }
    };
    number
        .checked_mul(factor)
        .ok_or_else(|| format!("`{text}` is too large"))
}

/// A configuration file that was found and read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedConfig {
    pub path: PathBuf,
    /// The directory of the file: relative paths in it are resolved from here.
    pub root: PathBuf,
    pub config: Config,
}

impl fmt::Display for LoadedConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())
    }
}

#[derive(Deserialize)]
struct PyProject {
    tool: Option<PyProjectTool>,
}

#[derive(Deserialize)]
struct PyProjectTool {
    redflag: Option<Config>,
}

/// Reads one configuration file. For `pyproject.toml`, returns `Ok(None)`
/// when it has no `[tool.redflag]` table.
///
/// # Errors
/// Unreadable files, TOML syntax errors, unknown keys and bad values.
pub fn load_config_file(path: &Path) -> Result<Option<LoadedConfig>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let invalid = |error: toml::de::Error| ConfigError::Invalid {
        path: path.to_path_buf(),
        message: describe_toml_error(&text, &error),
    };
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    let config = if is_pyproject {
        let project: PyProject = toml::from_str(&text).map_err(invalid)?;
        match project.tool.and_then(|t| t.redflag) {
            Some(config) => config,
            None => return Ok(None),
        }
    } else {
        toml::from_str::<Config>(&text).map_err(invalid)?
    };
    let root = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok(Some(LoadedConfig {
        path: path.to_path_buf(),
        root,
        config,
    }))
}

/// Turns a TOML error into one line: position, key and what was expected.
fn describe_toml_error(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().to_string();
    match error.span() {
        Some(span) => {
            let index = redflag_syntax::LineIndex::new(text);
            let position = index.position(text, span.start);
            let key = text
                .get(span.clone())
                .filter(|s| !s.contains('\n') && s.len() < 80)
                .map(|s| format!(" at `{s}`"))
                .unwrap_or_default();
            format!(
                "line {}, column {}{key}: {message}",
                position.line, position.column
            )
        }
        None => message,
    }
}

/// Finds the configuration nearest to `start` (a file or directory),
/// looking in its directory and then upwards.
///
/// # Errors
/// A configuration file that exists but is invalid.
pub fn discover_config(start: &Path) -> Result<Option<LoadedConfig>, ConfigError> {
    let joined = if start.is_absolute() {
        start.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|source| ConfigError::Io {
                path: start.to_path_buf(),
                source,
            })?
            .join(start)
    };
    // `.` components would otherwise show up in the config's path.
    let absolute: PathBuf = joined
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    let mut dir = if absolute.is_dir() {
        Some(absolute.as_path())
    } else {
        absolute.parent()
    };
    while let Some(current) = dir {
        for name in CONFIG_FILE_NAMES {
            let candidate = current.join(name);
            if candidate.is_file() {
                if let Some(loaded) = load_config_file(&candidate)? {
                    return Ok(Some(loaded));
                }
            }
        }
        dir = current.parent();
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn reads_every_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "redflag.toml",
            r#"
exclude = ["fixtures/"]
extend-exclude = ["gen/"]
select = ["TASK-3"]
extend-select = ["RF-8"]
ignore = ["debug-mode-enabled"]
fail-on = "error"
max-file-size = "2MiB"
follow-symlinks = true
rules = ["team-rules"]
sql-dialect = "postgres"

[per-file-ignores]
"tests/**" = ["blocking-call-in-async-function"]

[severity]
tls-verification-disabled = "warning"

[secrets]
allow = ["AKIAIOSFODNN7EXAMPLE"]
allow-regexes = ["^sk_test_"]
secret-names = ["hmac_seed"]
test-paths = ["qa/**"]
test-severity = "warning"
test-confidence = "medium"
"#,
        );
        let loaded = load_config_file(&path).unwrap().unwrap();
        let config = loaded.config;
        assert_eq!(
            config.exclude.as_deref(),
            Some(&["fixtures/".to_string()][..])
        );
        assert_eq!(config.fail_on, Some(SeverityName::Error));
        assert_eq!(config.max_file_size, Some(ByteSize(2 * 1024 * 1024)));
        assert_eq!(config.sql_dialect, Some(SqlDialectName::Postgresql));
        assert_eq!(
            config.per_file_ignores["tests/**"],
            ["blocking-call-in-async-function"]
        );
        assert_eq!(
            config.severity["tls-verification-disabled"],
            SeverityName::Warning
        );
        assert_eq!(loaded.root, dir.path());
        assert_eq!(config.secrets.allow, ["AKIAIOSFODNN7EXAMPLE"]);
        assert_eq!(config.secrets.test_confidence, Some(ConfidenceName::Medium));
    }

    #[test]
    fn unknown_keys_name_the_file_the_key_and_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "redflag.toml",
            "select = [\"ALL\"]\nexlude = [\"x\"]\n",
        );
        let error = load_config_file(&path).unwrap_err().to_string();
        assert!(error.contains("redflag.toml"), "{error}");
        assert!(error.contains("exlude"), "{error}");
        assert!(error.contains("line 2"), "{error}");
    }

    #[test]
    fn bad_values_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "redflag.toml", "fail-on = \"fatal\"\n");
        let error = load_config_file(&path).unwrap_err().to_string();
        assert!(error.contains("fatal"), "{error}");
        let path = write(
            dir.path(),
            "redflag.toml",
            "max-file-size = \"3 parsecs\"\n",
        );
        let error = load_config_file(&path).unwrap_err().to_string();
        assert!(error.contains("parsecs"), "{error}");
    }

    #[test]
    fn pyproject_without_a_table_is_not_a_config() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "pyproject.toml", "[project]\nname = \"x\"\n");
        assert!(discover_config(dir.path()).unwrap().is_none());
        write(
            dir.path(),
            "pyproject.toml",
            "[project]\nname = \"x\"\n[tool.redflag]\nignore = [\"RF-8\"]\n",
        );
        let found = discover_config(dir.path()).unwrap().unwrap();
        assert_eq!(found.config.ignore, ["RF-8"]);
    }

    #[test]
    fn nearest_config_wins_and_redflag_toml_beats_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "redflag.toml", "ignore = [\"outer\"]\n");
        write(
            dir.path(),
            "svc/pyproject.toml",
            "[tool.redflag]\nignore = [\"py\"]\n",
        );
        write(dir.path(), "svc/.redflag.toml", "ignore = [\"inner\"]\n");
        std::fs::create_dir_all(dir.path().join("svc/src")).unwrap();
        let found = discover_config(&dir.path().join("svc/src"))
            .unwrap()
            .unwrap();
        assert_eq!(found.config.ignore, ["inner"]);
        let found = discover_config(dir.path()).unwrap().unwrap();
        assert_eq!(found.config.ignore, ["outer"]);
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(parse_byte_size("1048576"), Ok(1_048_576));
        assert_eq!(parse_byte_size("1MiB"), Ok(1_048_576));
        assert_eq!(parse_byte_size("500 KB"), Ok(500_000));
        assert!(parse_byte_size("big").is_err());
    }
}
