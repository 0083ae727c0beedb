//! The YAML schema of declarative rules.
//!
//! Built-in rules in `rules/<area>/*.yaml` and user rules loaded with
//! `--rules` share this schema. Unknown keys are errors, and values that
//! matter for error messages keep their YAML position.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

/// One or several values.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T: Clone> OneOrMany<T> {
    pub fn to_vec(&self) -> Vec<T> {
        match self {
            OneOrMany::One(one) => vec![one.clone()],
            OneOrMany::Many(many) => many.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
    Note,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfidenceName {
    High,
    Medium,
    Low,
}

/// A rule file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RuleSpec {
    pub name: Spanned<String>,
    pub task: Spanned<String>,
    pub red_flag: Option<Spanned<String>>,
    pub severity: SeverityName,
    pub confidence: ConfidenceName,
    /// One sentence: what the rule finds.
    pub summary: String,
    /// The default message; patterns may override it. `{{name}}` inserts a
    /// capture, or `key`/`value` for environment patterns.
    pub message: String,
    pub help: Option<String>,
    /// The file kinds the rule claims (documentation and tests).
    pub languages: Vec<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub cwe: Vec<String>,
    pub security_severity: Option<f32>,
    pub url: Option<String>,
    pub paths: Option<PathsSpec>,
    pub patterns: Vec<PatternSpec>,
    pub docs: String,
    #[serde(default)]
    pub valid: Vec<ExampleSpec>,
    #[serde(default)]
    pub invalid: Vec<ExampleSpec>,
}

/// Globs a file's path must (not) match, relative to the scanned project.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathsSpec {
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
}

/// One way the rule matches. Exactly one of `query`, `kind`, `dockerfile`,
/// `env` or `secret` is given.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PatternSpec {
    /// Code languages for `query` and `kind` patterns.
    #[serde(default)]
    pub languages: Vec<Spanned<String>>,
    /// A tree-sitter query; the finding is reported at `@match` (or at the
    /// pattern's root node).
    pub query: Option<Spanned<String>>,
    /// Regex constraints on query captures: capture name → text match.
    #[serde(default, rename = "where")]
    pub where_: BTreeMap<String, TextSpec>,
    /// A node-kind matcher, with optional constraints on its text, fields
    /// and children (the keys of [`NodeMatcherSpec`]).
    pub kind: Option<OneOrMany<String>>,
    pub equals: Option<OneOrMany<String>>,
    pub regex: Option<Spanned<String>>,
    pub not_regex: Option<Spanned<String>>,
    #[serde(default)]
    pub fields: BTreeMap<String, NodeMatcherSpec>,
    pub has: Option<Box<NodeMatcherSpec>>,
    pub not_has: Option<Box<NodeMatcherSpec>>,
    pub dockerfile: Option<DockerfileSpec>,
    pub env: Option<EnvSpec>,
    pub secret: Option<SecretSpec>,
    pub message: Option<String>,
    pub help: Option<String>,
    pub paths: Option<PathsSpec>,
}

/// A node matcher: kind, text, fields and children.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NodeMatcherSpec {
    pub kind: Option<OneOrMany<String>>,
    /// The node's text is one of these.
    pub equals: Option<OneOrMany<String>>,
    pub regex: Option<Spanned<String>>,
    pub not_regex: Option<Spanned<String>>,
    /// Field name → matcher of the child in that field.
    #[serde(default)]
    pub fields: BTreeMap<String, NodeMatcherSpec>,
    /// Some named child matches.
    pub has: Option<Box<NodeMatcherSpec>>,
    /// No named child matches.
    pub not_has: Option<Box<NodeMatcherSpec>>,
}

/// A constraint on text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct TextSpec {
    pub equals: Option<OneOrMany<String>>,
    pub regex: Option<Spanned<String>>,
    pub not_regex: Option<Spanned<String>>,
}

/// Matches Dockerfile instructions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DockerfileSpec {
    pub instruction: OneOrMany<String>,
    /// For `ENV`/`ARG`: the variable name.
    pub key: Option<TextSpec>,
    /// For `ENV`/`ARG`: the value.
    pub value: Option<TextSpec>,
    /// For `RUN`/`CMD`/`ENTRYPOINT`: the command words joined by spaces.
    pub command: Option<TextSpec>,
    /// The name of the build stage (empty when unnamed).
    pub stage: Option<TextSpec>,
    /// Only the last stage, the image that ships.
    #[serde(default)]
    pub final_stage_only: bool,
}

/// Matches environment variables set in deployment files.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EnvSpec {
    pub key: TextSpec,
    pub value: Option<TextSpec>,
    /// Where: `dotenv`, `dockerfile`, `compose`, `kubernetes` (default: all).
    #[serde(default, rename = "in")]
    pub sources: Vec<Spanned<String>>,
}

/// A credential format of the team's own: a prefix, a charset and a
/// length, found in every text file like the built-in provider formats.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SecretSpec {
    /// The credential kind in messages ("Acme live API key").
    pub name: String,
    /// The literal every token starts with (one or several).
    pub prefix: OneOrMany<String>,
    /// `alnum`, `alnum-upper`, `alnum-lower`, `hex`, `hex-upper`, `base64`,
    /// `base64url`, `base32`, `digits`, or a character class `[…]`.
    pub charset: Spanned<String>,
    /// Characters after the prefix: a number or `{min, max}`.
    pub length: LengthSpec,
}

/// An exact length or a range.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
pub enum LengthSpec {
    Exact(usize),
    Range { min: usize, max: usize },
}

/// A documented sample.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ExampleSpec {
    pub language: Spanned<String>,
    pub path: Option<String>,
    pub code: String,
    /// Findings expected from an invalid sample (default 1).
    pub findings: Option<usize>,
}
