//! The rule abstraction.
//!
//! One trait, three shapes. A rule implements whichever it needs:
//! - **per-node**: declare node kinds per language ([`Rule::node_kinds`]) and
//!   inspect each such node ([`Rule::check_node`]) during the single
//!   traversal of a file;
//! - **file**: declare file kinds ([`Rule::file_kinds`]) and see a whole
//!   parsed file ([`Rule::check_file`]): a Dockerfile, SQL statements, YAML
//!   documents, raw text;
//! - **project**: run once over the merged project model
//!   ([`Rule::check_project`]).
//!
//! Everything else about a rule — name, checklist task, red flag, severity,
//! docs, examples — is its [`RuleMeta`], kept in the same file as its logic.

use std::ops::Range;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::{Node, QueryCursor};
use redflag_syntax::{FileKind, Language};

use crate::project::ProjectModel;
pub use crate::source::Location;
use crate::source::SourceFile;

/// Index of a rule in the registry.
pub type RuleId = usize;

/// Where the docs of built-in rules are published.
pub const DOCS_BASE_URL: &str = "https://redflag.dev/rules";

/// Which checklist item a rule's findings name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskRef {
    /// A catalog ID such as `TASK-3.4`.
    Fixed(String),
    /// Suppression hygiene: the finding names the task of the rule whose
    /// suppression it is about.
    OfSuppressedRule,
}

/// Where a rule was defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleOrigin {
    /// A Rust rule of this crate.
    Builtin,
    /// A YAML rule shipped in `rules/`.
    BuiltinYaml(String),
    /// A YAML rule loaded with `--rules` or the `rules` config key.
    User(String),
}

/// A code sample that documents and tests a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub kind: FileKind,
    /// File path the sample is checked as (rules may depend on it).
    pub path: Option<String>,
    pub code: String,
    /// Findings of this rule the sample must give: 0 for valid samples.
    pub findings: usize,
    /// Other files of the same repository, for project rules whose
    /// evidence spans files (a route and the probe that requests it):
    /// `(path, kind, code)`.
    pub other_files: Vec<(String, FileKind, String)>,
}

impl Example {
    /// The path the sample is analysed under.
    #[must_use]
    pub fn effective_path(&self) -> String {
        self.path
            .clone()
            .unwrap_or_else(|| default_example_path(self.kind).to_string())
    }
}

/// A file name of the right kind for a sample without one.
#[must_use]
pub fn default_example_path(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Rust => "src/example.rs",
        FileKind::TypeScript => "src/example.ts",
        FileKind::Tsx => "src/example.tsx",
        FileKind::JavaScript => "src/example.js",
        FileKind::Python => "app/example.py",
        FileKind::Sql => "migrations/0001_example.sql",
        FileKind::Dockerfile => "Dockerfile",
        FileKind::Yaml => "deploy/example.yaml",
        FileKind::Json => "example.json",
        FileKind::Toml => "example.toml",
        FileKind::Env => ".env",
        FileKind::Prisma => "prisma/schema.prisma",
        FileKind::Text => "example.txt",
    }
}

/// Everything about a rule except its logic.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleMeta {
    /// Kebab-case, naming the bad pattern.
    pub name: String,
    pub task: TaskRef,
    pub red_flag: Option<String>,
    pub severity: Severity,
    pub confidence: Confidence,
    /// One sentence: what the rule finds.
    pub summary: String,
    /// Markdown docs: What it does / Why it matters / Example / Use instead /
    /// Configuration.
    pub docs: String,
    /// The file kinds the rule claims to cover.
    pub kinds: Vec<FileKind>,
    pub tags: Vec<String>,
    pub cwe: Vec<String>,
    pub security_severity: Option<f32>,
    pub valid: Vec<Example>,
    pub invalid: Vec<Example>,
    /// Which list the last example went to (`true`: valid), for
    /// [`RuleMeta::with_file`].
    pub last_added: Option<bool>,
    /// Where the rule's docs are published (empty for user rules without one).
    pub url: String,
    pub origin: RuleOrigin,
}

impl RuleMeta {
    /// Starts the metadata of a built-in Rust rule.
    #[must_use]
    pub fn new(name: &str, task: &str) -> Self {
        RuleMeta {
            name: name.to_string(),
            task: TaskRef::Fixed(task.to_string()),
            red_flag: None,
            severity: Severity::Warning,
            confidence: Confidence::High,
            summary: String::new(),
            docs: String::new(),
            kinds: Vec::new(),
            tags: Vec::new(),
            cwe: Vec::new(),
            security_severity: None,
            valid: Vec::new(),
            invalid: Vec::new(),
            last_added: None,
            url: format!("{DOCS_BASE_URL}/{name}"),
            origin: RuleOrigin::Builtin,
        }
    }

    #[must_use]
    pub fn red_flag(mut self, id: &str) -> Self {
        self.red_flag = Some(id.to_string());
        self
    }

    #[must_use]
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    #[must_use]
    pub fn confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = confidence;
        self
    }

    #[must_use]
    pub fn summary(mut self, text: &str) -> Self {
        self.summary = text.to_string();
        self
    }

    #[must_use]
    pub fn docs(mut self, text: &str) -> Self {
        self.docs = text.trim().to_string();
        self
    }

    #[must_use]
    pub fn kinds(mut self, kinds: &[FileKind]) -> Self {
        self.kinds = kinds.to_vec();
        self
    }

    #[must_use]
    pub fn tags(mut self, tags: &[&str]) -> Self {
        self.tags = tags.iter().map(|t| (*t).to_string()).collect();
        self
    }

    #[must_use]
    pub fn cwe(mut self, ids: &[&str]) -> Self {
        self.cwe = ids.iter().map(|t| (*t).to_string()).collect();
        self
    }

    #[must_use]
    pub fn security_severity(mut self, score: f32) -> Self {
        self.security_severity = Some(score);
        self
    }

    #[must_use]
    pub fn task_of_suppressed_rule(mut self) -> Self {
        self.task = TaskRef::OfSuppressedRule;
        self
    }

    /// A sample that must give no finding.
    #[must_use]
    pub fn valid(mut self, kind: FileKind, code: &str) -> Self {
        self.valid.push(Example {
            kind,
            path: None,
            code: unindent(code),
            findings: 0,
            other_files: Vec::new(),
        });
        self.last_added = Some(true);
        self
    }

    /// A sample, checked as `path`, that must give no finding.
    #[must_use]
    pub fn valid_at(mut self, kind: FileKind, path: &str, code: &str) -> Self {
        self.valid.push(Example {
            kind,
            path: Some(path.to_string()),
            code: unindent(code),
            findings: 0,
            other_files: Vec::new(),
        });
        self.last_added = Some(true);
        self
    }

    /// A sample that must give exactly `findings` findings of this rule.
    #[must_use]
    pub fn invalid(mut self, kind: FileKind, code: &str, findings: usize) -> Self {
        self.invalid.push(Example {
            kind,
            path: None,
            code: unindent(code),
            findings,
            other_files: Vec::new(),
        });
        self.last_added = Some(false);
        self
    }

    /// Like [`RuleMeta::invalid`], checked as `path`.
    #[must_use]
    pub fn invalid_at(mut self, kind: FileKind, path: &str, code: &str, findings: usize) -> Self {
        self.invalid.push(Example {
            kind,
            path: Some(path.to_string()),
            code: unindent(code),
            findings,
            other_files: Vec::new(),
        });
        self.last_added = Some(false);
        self
    }

    /// Adds a file to the repository of the last example added.
    #[must_use]
    pub fn with_file(mut self, path: &str, kind: FileKind, code: &str) -> Self {
        let last = match self.last_added {
            Some(true) => self.valid.last_mut(),
            Some(false) => self.invalid.last_mut(),
            None => None,
        };
        if let Some(example) = last {
            example
                .other_files
                .push((path.to_string(), kind, unindent(code)));
        }
        self
    }

    /// The catalog ID, when the rule has a fixed one.
    #[must_use]
    pub fn task_id(&self) -> Option<&str> {
        match &self.task {
            TaskRef::Fixed(id) => Some(id),
            TaskRef::OfSuppressedRule => None,
        }
    }
}

/// Removes the common leading indentation of a sample written inline in Rust
/// source, and a leading newline.
#[must_use]
pub fn unindent(code: &str) -> String {
    let code = code.strip_prefix('\n').unwrap_or(code);
    let indent = code
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(code.len());
    for line in code.lines() {
        out.push_str(line.get(indent..).unwrap_or(line.trim_start()));
        out.push('\n');
    }
    out
}

/// A problem a rule found, before the engine turns it into a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub range: Range<usize>,
    pub message: String,
    pub help: Option<String>,
    /// Overrides the rule's default severity for this finding.
    pub severity: Option<Severity>,
    /// Overrides the rule's default confidence for this finding.
    pub confidence: Option<Confidence>,
    /// The matched text is a secret and must be masked in every output.
    pub sensitive: bool,
    /// What the fingerprint hashes instead of the matched text.
    pub fingerprint_basis: Option<String>,
    /// The secret itself, for `--show-secrets`; never serialized.
    pub secret: Option<String>,
}

impl Diagnostic {
    #[must_use]
    pub fn new(range: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            range,
            message: message.into(),
            help: None,
            severity: None,
            confidence: None,
            sensitive: false,
            fingerprint_basis: None,
            secret: None,
        }
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    #[must_use]
    pub fn with_confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = Some(confidence);
        self
    }
}

/// What a per-node rule sees besides the node.
pub struct NodeContext<'a> {
    pub file: &'a SourceFile,
    /// The node's ancestors, outermost first; the last one is its parent.
    pub ancestors: &'a [Node<'a>],
    pub(crate) rule: RuleId,
    pub(crate) out: &'a mut Vec<(RuleId, Diagnostic)>,
    pub(crate) cursor: &'a mut QueryCursor,
}

impl NodeContext<'_> {
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.out.push((self.rule, diagnostic));
    }

    /// The text of a node.
    #[must_use]
    pub fn text(&self, node: Node<'_>) -> &str {
        self.file.text_of(node)
    }

    /// A query cursor reused across nodes on this thread.
    pub fn query_cursor(&mut self) -> &mut QueryCursor {
        self.cursor
    }

    /// The language of the file.
    #[must_use]
    pub fn language(&self) -> Language {
        self.file
            .kind
            .language()
            .expect("node rules only run on code files")
    }
}

/// What a file rule sees besides the file.
pub struct FileContext<'a> {
    pub(crate) rule: RuleId,
    pub(crate) out: &'a mut Vec<(RuleId, Diagnostic)>,
    pub(crate) notes: &'a mut Vec<String>,
    pub settings: FileSettings<'a>,
}

/// The parts of a run's settings file rules read.
#[derive(Debug, Clone, Copy)]
pub struct FileSettings<'a> {
    pub secrets: &'a crate::secrets::SecretsSettings,
    /// Rules explain dropped candidates in notes (`--verbose`).
    pub explain: bool,
}

impl FileContext<'_> {
    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.out.push((self.rule, diagnostic));
    }

    /// True when `--verbose` wants to know why candidates were dropped.
    #[must_use]
    pub fn explaining(&self) -> bool {
        self.settings.explain
    }

    /// A note for `--verbose` (why a candidate was not reported).
    pub fn note(&mut self, message: String) {
        if self.settings.explain {
            self.notes.push(message);
        }
    }
}

/// A finding of a project rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectDiagnostic {
    pub location: Option<Location>,
    pub message: String,
    pub help: Option<String>,
    pub severity: Option<Severity>,
    pub confidence: Option<Confidence>,
}

/// What a project rule reports into.
pub struct ProjectContext<'a> {
    pub(crate) rule: RuleId,
    pub(crate) out: &'a mut Vec<(RuleId, ProjectDiagnostic)>,
}

impl ProjectContext<'_> {
    pub fn report(&mut self, diagnostic: ProjectDiagnostic) {
        self.out.push((self.rule, diagnostic));
    }
}

/// A lint rule. Implement the shape(s) the rule needs; the defaults do nothing.
pub trait Rule: Send + Sync {
    fn meta(&self) -> &RuleMeta;

    /// Problems only found by preparing the rule (a query that does not
    /// compile); declarative rules compile lazily, so this forces it.
    fn self_check(&self) -> Vec<String> {
        Vec::new()
    }

    /// False for files (by display path) this rule never looks at; asked
    /// once per file, before the traversal.
    fn applies_to(&self, _path: &str) -> bool {
        true
    }

    /// Node kinds inspected in `language` (per-node shape).
    fn node_kinds(&self, _language: Language) -> Vec<String> {
        Vec::new()
    }

    /// Literals a file must contain for this rule to report in it
    /// (per-node shape): every group needs one of its literals to occur.
    /// The engine skips the rule — and the parse, when no other rule needs
    /// it — on other files. `None` means the rule runs on every file of the
    /// language.
    fn prefilter(&self, _language: Language) -> Option<Vec<Vec<String>>> {
        None
    }

    /// Called for every node of a kind from [`Rule::node_kinds`], once, in
    /// document order.
    fn check_node(&self, _node: Node<'_>, _ctx: &mut NodeContext<'_>) {}

    /// File kinds this rule reads whole (file shape).
    fn file_kinds(&self) -> Vec<FileKind> {
        Vec::new()
    }

    fn check_file(&self, _file: &SourceFile, _ctx: &mut FileContext<'_>) {}

    /// True for rules over the project model (project shape).
    fn is_project_rule(&self) -> bool {
        false
    }

    fn check_project(&self, _model: &ProjectModel, _ctx: &mut ProjectContext<'_>) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unindent_strips_common_indentation() {
        let code = "\n        def f():\n            return 1\n";
        assert_eq!(unindent(code), "def f():\n    return 1\n");
    }
}
