//! The finding contract (DESIGN §4) and the rule descriptors renderers need.
//!
//! Everything another tool reads from redflag is shaped here: the fields of a
//! finding, their JSON names, the order findings are reported in, and the
//! fingerprint that lets code scanning follow a finding when lines move.

use std::cmp::Ordering;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::Serialize;
use sha2::{Digest, Sha256};

/// How bad a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "note" => Ok(Severity::Note),
            "warning" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity `{other}`; expected one of: error, warning, note"
            )),
        }
    }
}

/// How sure the rule is that the finding is a real problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Confidence {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "low" => Ok(Confidence::Low),
            "medium" => Ok(Confidence::Medium),
            "high" => Ok(Confidence::High),
            other => Err(format!(
                "unknown confidence `{other}`; expected one of: high, medium, low"
            )),
        }
    }
}

/// A 1-based line and a 1-based column counted in UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Position {
    pub line: u32,
    pub column: u32,
}

/// One replacement of a fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub start: Position,
    pub end: Position,
    pub replacement: String,
}

/// A safe automatic fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

/// One problem found. Field names and JSON names are the public contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub rule: String,
    pub task: String,
    pub task_text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub red_flag: Option<String>,
    /// The red flag's text, shown next to its ID in the full output.
    #[serde(skip)]
    pub red_flag_text: Option<String>,
    pub severity: Severity,
    pub confidence: Confidence,
    pub message: String,
    /// Repository-relative path with `/` separators; absent for findings
    /// about the project as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<Position>,
    /// Exclusive end position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Position>,
    pub fingerprint: String,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// Byte range in the file, for code frames.
    #[serde(skip)]
    pub byte_range: Option<Range<usize>>,
    /// The matched text is a secret: renderers mask it.
    #[serde(skip)]
    pub sensitive: bool,
    /// The secret, shown only with `--show-secrets`.
    #[serde(skip)]
    pub secret: Option<String>,
    /// What the fingerprint hashes besides rule and path: the normalized
    /// matched text, or for secrets a hash of the secret.
    #[serde(skip)]
    pub fingerprint_basis: String,
}

impl Finding {
    /// The report order: path (project-wide findings last), line, column,
    /// rule, then message so that ties are still deterministic.
    #[must_use]
    pub fn report_order(&self, other: &Finding) -> Ordering {
        let path_order = match (&self.path, &other.path) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        path_order
            .then_with(|| self.start.cmp(&other.start))
            .then_with(|| self.rule.cmp(&other.rule))
            .then_with(|| self.message.cmp(&other.message))
            .then_with(|| self.end.cmp(&other.end))
    }
}

/// Collapses runs of whitespace so that reindenting code keeps fingerprints.
#[must_use]
pub fn normalize_for_fingerprint(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Hex SHA-256 of a text, used to fingerprint secrets without keeping them.
#[must_use]
pub fn hash_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Sorts findings into report order and fills in their fingerprints.
///
/// The fingerprint hashes the rule, the path, the normalized matched text and
/// the occurrence index of that text among the file's findings of the same
/// rule, so it survives lines moving but tells two identical lines apart.
pub fn finalize(findings: &mut [Finding]) {
    findings.sort_by(Finding::report_order);
    let mut seen: std::collections::HashMap<(String, Option<String>, String), u32> =
        std::collections::HashMap::new();
    for finding in findings.iter_mut() {
        let key = (
            finding.rule.clone(),
            finding.path.clone(),
            finding.fingerprint_basis.clone(),
        );
        let occurrence = seen.entry(key).or_insert(0);
        let mut hasher = Sha256::new();
        hasher.update(finding.rule.as_bytes());
        hasher.update([0]);
        hasher.update(finding.path.as_deref().unwrap_or("").as_bytes());
        hasher.update([0]);
        hasher.update(finding.fingerprint_basis.as_bytes());
        hasher.update([0]);
        hasher.update(occurrence.to_le_bytes());
        *occurrence += 1;
        finding.fingerprint = hex(&hasher.finalize()[..16]);
    }
}

/// What renderers need to know about a rule (SARIF `driver.rules`, docs).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleDescriptor {
    pub name: String,
    pub task: String,
    pub task_text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub red_flag: Option<String>,
    pub severity: Severity,
    pub confidence: Confidence,
    /// One sentence: what the rule finds.
    pub summary: String,
    /// The full docs, Markdown.
    pub docs: String,
    pub url: String,
    /// Tags such as `security`; task and red-flag tags are added by renderers.
    pub tags: Vec<String>,
    /// CWE identifiers, e.g. `CWE-295`.
    pub cwe: Vec<String>,
    /// CVSS-like score for security rules (SARIF `security-severity`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_severity: Option<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn finding(path: &str, line: u32, rule: &str, basis: &str) -> Finding {
        Finding {
            rule: rule.into(),
            task: "TASK-3.4".into(),
            task_text: "text".into(),
            red_flag: None,
            red_flag_text: None,
            severity: Severity::Error,
            confidence: Confidence::High,
            message: "m".into(),
            path: Some(path.into()),
            start: Some(Position { line, column: 1 }),
            end: Some(Position { line, column: 5 }),
            fingerprint: String::new(),
            url: String::new(),
            help: None,
            fix: None,
            byte_range: None,
            sensitive: false,
            secret: None,
            fingerprint_basis: basis.into(),
        }
    }

    #[test]
    fn fingerprints_survive_line_moves_and_tell_repeats_apart() {
        let mut before = vec![
            finding("a.py", 3, "r", "x = 1"),
            finding("a.py", 9, "r", "x = 1"),
        ];
        let mut after = vec![
            finding("a.py", 30, "r", "x = 1"),
            finding("a.py", 90, "r", "x = 1"),
        ];
        finalize(&mut before);
        finalize(&mut after);
        assert_eq!(before[0].fingerprint, after[0].fingerprint);
        assert_eq!(before[1].fingerprint, after[1].fingerprint);
        assert_ne!(before[0].fingerprint, before[1].fingerprint);
        assert_eq!(before[0].fingerprint.len(), 32);
    }

    #[test]
    fn report_order_is_path_line_column_rule() {
        let mut findings = vec![
            finding("b.py", 1, "a", ""),
            finding("a.py", 2, "b", ""),
            finding("a.py", 2, "a", ""),
            finding("a.py", 1, "z", ""),
        ];
        finalize(&mut findings);
        let order: Vec<(&str, u32, &str)> = findings
            .iter()
            .map(|f| {
                (
                    f.path.as_deref().unwrap(),
                    f.start.unwrap().line,
                    f.rule.as_str(),
                )
            })
            .collect();
        assert_eq!(
            order,
            [
                ("a.py", 1, "z"),
                ("a.py", 2, "a"),
                ("a.py", 2, "b"),
                ("b.py", 1, "a")
            ]
        );
    }

    #[test]
    fn normalization_ignores_indentation() {
        assert_eq!(normalize_for_fingerprint("  a(\n    b)  "), "a( b)");
    }
}
