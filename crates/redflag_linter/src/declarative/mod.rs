//! Declarative rules: YAML files compiled into [`Rule`]s.
//!
//! A declarative rule matches code with tree-sitter queries or node-kind
//! matchers (per-node shape), Dockerfile instructions and environment
//! variables set in deployment files (file shape). Queries are anchored at
//! their root node: the engine calls the rule only for nodes of the pattern's
//! root kind, and the query runs with a start depth of zero there, so each
//! file is still traversed once.

pub mod prefilter;
pub mod query_text;
pub mod schema;

use globset::{Glob, GlobSet, GlobSetBuilder};
use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::{Node, Query};
use redflag_syntax::{FileKind, Language};
use regex::Regex;
use serde_saphyr::Spanned;
use streaming_iterator::StreamingIterator;

use crate::rule::{
    Diagnostic, Example, FileContext, NodeContext, Rule, RuleMeta, RuleOrigin, TaskRef,
    DOCS_BASE_URL,
};
use crate::secret_findings::placement::{placement, Placement};
use crate::secret_findings::secret_diagnostic;
use crate::secrets::custom::CustomFormat;
use crate::semantics::env_vars::{env_assignments, EnvSource};
use crate::source::SourceFile;
use schema::{
    ConfidenceName, DockerfileSpec, EnvSpec, ExampleSpec, LengthSpec, NodeMatcherSpec, OneOrMany,
    PathsSpec, PatternSpec, RuleSpec, SecretSpec, SeverityName, TextSpec,
};

/// A rule file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct RuleFileError {
    pub path: String,
    pub line: Option<u64>,
    pub message: String,
}

/// A compiled declarative rule.
pub struct DeclarativeRule {
    meta: RuleMeta,
    message: String,
    help: Option<String>,
    paths: Option<PathFilter>,
    node_patterns: Vec<NodePattern>,
    docker_patterns: Vec<DockerPattern>,
    env_patterns: Vec<EnvPattern>,
    secret_patterns: Vec<SecretPattern>,
}

struct PatternCommon {
    message: Option<String>,
    help: Option<String>,
    paths: Option<PathFilter>,
}

struct NodePattern {
    language: Language,
    root_kinds: Vec<String>,
    /// Literals one of which a matching file contains (`None`: unknown).
    literals: Option<Vec<String>>,
    matcher: NodeMatch,
    common: std::sync::Arc<PatternCommon>,
}

enum NodeMatch {
    Query(LazyQuery),
    Node(NodeMatcher),
}

/// A query compiled on first use: compiling is the costly part of loading
/// rules (milliseconds per pattern for the TypeScript grammars), and a scan
/// of a Python repository never needs the TSX queries.
struct LazyQuery {
    language: Language,
    source: String,
    /// Line of the query in the rule file, for errors.
    line: u64,
    /// Pattern number in the rule file, for errors.
    pattern: usize,
    path: String,
    constraints: Vec<(String, TextMatch)>,
    compiled: std::sync::OnceLock<Result<CompiledQuery, RuleFileError>>,
}

struct CompiledQuery {
    query: Query,
    report: Option<u32>,
    /// Capture index → index into `LazyQuery::constraints`.
    constraints: Vec<(u32, usize)>,
}

impl LazyQuery {
    fn get(&self) -> Result<&CompiledQuery, &RuleFileError> {
        self.compiled.get_or_init(|| self.compile()).as_ref()
    }

    fn compile(&self) -> Result<CompiledQuery, RuleFileError> {
        let error = |line: u64, message: String| RuleFileError {
            path: self.path.clone(),
            line: Some(line),
            message: format!("pattern {}: {message}", self.pattern),
        };
        let language = self.language;
        let query = Query::new(&language.grammar(), &self.source).map_err(|e| {
            use redflag_syntax::tree_sitter::QueryErrorKind as Kind;
            let what = match e.kind {
                Kind::Syntax => "syntax error",
                Kind::NodeType => "unknown node kind",
                Kind::Field => "unknown field",
                Kind::Capture => "unknown capture",
                Kind::Predicate => "invalid predicate",
                Kind::Structure => "impossible pattern",
                Kind::Language => "grammar mismatch",
            };
            // The line in the rule file: the query's first line plus the row.
            error(
                self.line + e.row as u64,
                format!(
                    "the {language} query does not compile: {what} `{}` at column {}",
                    e.message.trim().trim_matches('"'),
                    e.column + 1
                ),
            )
        })?;
        let names = query.capture_names();
        let capture = |name: &str| {
            names
                .iter()
                .position(|n| *n == name)
                .and_then(|i| u32::try_from(i).ok())
        };
        let mut constraints = Vec::new();
        for (index, (name, _)) in self.constraints.iter().enumerate() {
            let id = capture(name).ok_or_else(|| {
                error(
                    self.line,
                    format!("`where` names `@{name}`, which the query does not capture"),
                )
            })?;
            constraints.push((id, index));
        }
        Ok(CompiledQuery {
            report: capture("match"),
            constraints,
            query,
        })
    }
}

struct NodeMatcher {
    kinds: Vec<String>,
    text: TextMatch,
    fields: Vec<(String, NodeMatcher)>,
    has: Option<Box<NodeMatcher>>,
    not_has: Option<Box<NodeMatcher>>,
}

#[derive(Default)]
struct TextMatch {
    equals: Vec<String>,
    regex: Option<Regex>,
    not_regex: Option<Regex>,
}

struct DockerPattern {
    instructions: Vec<String>,
    key: Option<TextMatch>,
    value: Option<TextMatch>,
    command: Option<TextMatch>,
    stage: Option<TextMatch>,
    final_stage_only: bool,
    common: PatternCommon,
}

struct EnvPattern {
    key: TextMatch,
    value: Option<TextMatch>,
    sources: Vec<EnvSource>,
    common: PatternCommon,
}

struct SecretPattern {
    format: CustomFormat,
    common: PatternCommon,
}

struct PathFilter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl PathFilter {
    fn allows(&self, path: &str) -> bool {
        self.include.as_ref().is_none_or(|set| set.is_match(path))
            && !self.exclude.as_ref().is_some_and(|set| set.is_match(path))
    }
}

impl TextMatch {
    fn matches(&self, text: &str) -> bool {
        (self.equals.is_empty() || self.equals.iter().any(|e| e == text))
            && self.regex.as_ref().is_none_or(|r| r.is_match(text))
            && !self.not_regex.as_ref().is_some_and(|r| r.is_match(text))
    }

    fn is_trivial(&self) -> bool {
        self.equals.is_empty() && self.regex.is_none() && self.not_regex.is_none()
    }

    /// Literals one of which every text this matches contains.
    fn literals(&self) -> Option<Vec<String>> {
        if !self.equals.is_empty() {
            return Some(self.equals.clone());
        }
        self.regex
            .as_ref()
            .and_then(|r| prefilter::regex_literals(r.as_str()))
    }
}

impl NodeMatcher {
    /// Literal sets implied by constraints every match satisfies (`not_has`
    /// is left out: it constrains what is absent).
    fn literal_options(&self, out: &mut Vec<Vec<String>>) {
        out.extend(self.text.literals());
        for (_, child) in &self.fields {
            child.literal_options(out);
        }
        if let Some(has) = &self.has {
            has.literal_options(out);
        }
    }

    fn matches(&self, node: Node<'_>, file: &SourceFile) -> bool {
        if !self.kinds.is_empty() && !self.kinds.iter().any(|k| k == node.kind()) {
            return false;
        }
        if !self.text.is_trivial() && !self.text.matches(file.text_of(node)) {
            return false;
        }
        for (field, matcher) in &self.fields {
            match node.child_by_field_name(field) {
                Some(child) if matcher.matches(child, file) => {}
                _ => return false,
            }
        }
        let mut cursor = node.walk();
        if let Some(has) = &self.has {
            if !node
                .named_children(&mut cursor)
                .any(|c| has.matches(c, file))
            {
                return false;
            }
        }
        if let Some(not_has) = &self.not_has {
            if node
                .named_children(&mut cursor)
                .any(|c| not_has.matches(c, file))
            {
                return false;
            }
        }
        true
    }
}

// ------------------------------------------------------------------ loading

struct Loader<'a> {
    path: &'a str,
}

impl Loader<'_> {
    fn error(&self, line: Option<u64>, message: impl Into<String>) -> RuleFileError {
        RuleFileError {
            path: self.path.to_string(),
            line,
            message: message.into(),
        }
    }

    fn regex(&self, spec: &Spanned<String>) -> Result<Regex, RuleFileError> {
        Regex::new(&spec.value).map_err(|e| {
            self.error(
                Some(spec.referenced.line()),
                format!("invalid regex `{}`: {e}", spec.value),
            )
        })
    }

    fn text(&self, spec: &TextSpec) -> Result<TextMatch, RuleFileError> {
        Ok(TextMatch {
            equals: spec
                .equals
                .as_ref()
                .map(OneOrMany::to_vec)
                .unwrap_or_default(),
            regex: spec.regex.as_ref().map(|r| self.regex(r)).transpose()?,
            not_regex: spec.not_regex.as_ref().map(|r| self.regex(r)).transpose()?,
        })
    }

    fn paths(&self, spec: &PathsSpec) -> Result<PathFilter, RuleFileError> {
        let build = |globs: &[Spanned<String>]| -> Result<Option<GlobSet>, RuleFileError> {
            if globs.is_empty() {
                return Ok(None);
            }
            let mut builder = GlobSetBuilder::new();
            for glob in globs {
                builder.add(Glob::new(&glob.value).map_err(|e| {
                    self.error(
                        Some(glob.referenced.line()),
                        format!("invalid glob `{}`: {e}", glob.value),
                    )
                })?);
            }
            builder
                .build()
                .map(Some)
                .map_err(|e| self.error(None, format!("invalid globs: {e}")))
        };
        Ok(PathFilter {
            include: build(&spec.include)?,
            exclude: build(&spec.exclude)?,
        })
    }

    fn languages(&self, names: &[Spanned<String>]) -> Result<Vec<Language>, RuleFileError> {
        let mut languages = Vec::new();
        for name in names {
            let expanded: &[Language] = match name.value.as_str() {
                "python" => &[Language::Python],
                "javascript" => &[Language::JavaScript],
                "typescript" => &[Language::TypeScript, Language::Tsx],
                "tsx" => &[Language::Tsx],
                "rust" => &[Language::Rust],
                other => {
                    return Err(self.error(
                        Some(name.referenced.line()),
                        format!("unknown code language `{other}`: expected python, javascript, typescript, tsx or rust"),
                    ))
                }
            };
            for language in expanded {
                if !languages.contains(language) {
                    languages.push(*language);
                }
            }
        }
        Ok(languages)
    }

    fn node_matcher(
        &self,
        language: Language,
        spec: &NodeMatcherSpec,
    ) -> Result<NodeMatcher, RuleFileError> {
        let kinds = spec
            .kind
            .as_ref()
            .map(OneOrMany::to_vec)
            .unwrap_or_default();
        self.check_kinds(language, &kinds)?;
        let grammar = language.grammar();
        let mut fields = Vec::new();
        for (field, child) in &spec.fields {
            if grammar.field_id_for_name(field).is_none() {
                return Err(self.error(
                    None,
                    format!("`{field}` is not a field of the {language} grammar"),
                ));
            }
            fields.push((field.clone(), self.node_matcher(language, child)?));
        }
        Ok(NodeMatcher {
            kinds,
            text: self.text(&TextSpec {
                equals: spec.equals.clone(),
                regex: spec.regex.clone(),
                not_regex: spec.not_regex.clone(),
            })?,
            fields,
            has: spec
                .has
                .as_deref()
                .map(|h| self.node_matcher(language, h))
                .transpose()?
                .map(Box::new),
            not_has: spec
                .not_has
                .as_deref()
                .map(|h| self.node_matcher(language, h))
                .transpose()?
                .map(Box::new),
        })
    }

    fn check_kinds(&self, language: Language, kinds: &[String]) -> Result<(), RuleFileError> {
        for kind in kinds {
            if redflag_syntax::node_kind_ids(language, kind).is_empty() {
                return Err(self.error(
                    None,
                    format!("`{kind}` is not a node kind of the {language} grammar"),
                ));
            }
        }
        Ok(())
    }

    fn common(&self, pattern: &PatternSpec) -> Result<PatternCommon, RuleFileError> {
        Ok(PatternCommon {
            message: pattern.message.clone(),
            help: pattern.help.clone(),
            paths: pattern.paths.as_ref().map(|p| self.paths(p)).transpose()?,
        })
    }

    fn node_patterns(
        &self,
        index: usize,
        pattern: &PatternSpec,
    ) -> Result<Vec<NodePattern>, RuleFileError> {
        let languages = self.languages(&pattern.languages)?;
        if languages.is_empty() {
            return Err(self.error(
                None,
                format!(
                    "pattern {}: `languages` is required for `query` and `kind`",
                    index + 1
                ),
            ));
        }
        let common = std::sync::Arc::new(self.common(pattern)?);
        let mut compiled = Vec::new();
        for language in languages {
            let (literals, matcher, root_kinds) = if let Some(query) = &pattern.query {
                let mut roots = query_root_kinds(&query.value).map_err(|m| {
                    self.error(
                        Some(query.referenced.line()),
                        format!("pattern {}: {m}", index + 1),
                    )
                })?;
                roots.sort();
                roots.dedup();
                self.check_kinds(language, &roots)?;
                let constraints = pattern
                    .where_
                    .iter()
                    .map(|(name, spec)| Ok((name.clone(), self.text(spec)?)))
                    .collect::<Result<Vec<_>, RuleFileError>>()?;
                let literals = query_literals(&query.value, &constraints);
                (
                    literals,
                    NodeMatch::Query(LazyQuery {
                        language,
                        source: query.value.clone(),
                        line: query.referenced.line(),
                        pattern: index + 1,
                        path: self.path.to_string(),
                        constraints,
                        compiled: std::sync::OnceLock::new(),
                    }),
                    roots,
                )
            } else {
                let spec = NodeMatcherSpec {
                    kind: pattern.kind.clone(),
                    equals: pattern.equals.clone(),
                    regex: pattern.regex.clone(),
                    not_regex: pattern.not_regex.clone(),
                    fields: std::collections::BTreeMap::new(),
                    has: None,
                    not_has: None,
                };
                let mut matcher = self.node_matcher(language, &spec)?;
                for (field, child) in &pattern.fields {
                    if language.grammar().field_id_for_name(field).is_none() {
                        return Err(self.error(
                            None,
                            format!("`{field}` is not a field of the {language} grammar"),
                        ));
                    }
                    matcher
                        .fields
                        .push((field.clone(), self.node_matcher(language, child)?));
                }
                matcher.has = pattern
                    .has
                    .as_deref()
                    .map(|h| self.node_matcher(language, h))
                    .transpose()?
                    .map(Box::new);
                matcher.not_has = pattern
                    .not_has
                    .as_deref()
                    .map(|h| self.node_matcher(language, h))
                    .transpose()?
                    .map(Box::new);
                let roots = matcher.kinds.clone();
                if roots.is_empty() {
                    return Err(self.error(
                        None,
                        format!(
                            "pattern {}: a `kind` pattern needs at least one kind",
                            index + 1
                        ),
                    ));
                }
                let mut options = Vec::new();
                matcher.literal_options(&mut options);
                (
                    prefilter::most_selective(options),
                    NodeMatch::Node(matcher),
                    roots,
                )
            };
            compiled.push(NodePattern {
                language,
                root_kinds,
                literals,
                matcher,
                common: std::sync::Arc::clone(&common),
            });
        }
        Ok(compiled)
    }

    fn docker_pattern(
        &self,
        pattern: &PatternSpec,
        spec: &DockerfileSpec,
    ) -> Result<DockerPattern, RuleFileError> {
        Ok(DockerPattern {
            instructions: spec
                .instruction
                .to_vec()
                .iter()
                .map(|i| i.to_ascii_uppercase())
                .collect(),
            key: spec.key.as_ref().map(|t| self.text(t)).transpose()?,
            value: spec.value.as_ref().map(|t| self.text(t)).transpose()?,
            command: spec.command.as_ref().map(|t| self.text(t)).transpose()?,
            stage: spec.stage.as_ref().map(|t| self.text(t)).transpose()?,
            final_stage_only: spec.final_stage_only,
            common: self.common(pattern)?,
        })
    }

    fn env_pattern(
        &self,
        pattern: &PatternSpec,
        spec: &EnvSpec,
    ) -> Result<EnvPattern, RuleFileError> {
        let mut sources = Vec::new();
        for source in &spec.sources {
            sources.push(EnvSource::from_name(&source.value).ok_or_else(|| {
                self.error(
                    Some(source.referenced.line()),
                    format!("unknown env source `{}`: expected dotenv, dockerfile, compose or kubernetes", source.value),
                )
            })?);
        }
        if sources.is_empty() {
            sources = vec![
                EnvSource::Dotenv,
                EnvSource::Dockerfile,
                EnvSource::Compose,
                EnvSource::Kubernetes,
            ];
        }
        Ok(EnvPattern {
            key: self.text(&spec.key)?,
            value: spec.value.as_ref().map(|t| self.text(t)).transpose()?,
            sources,
            common: self.common(pattern)?,
        })
    }

    fn secret_pattern(
        &self,
        pattern: &PatternSpec,
        spec: &SecretSpec,
    ) -> Result<SecretPattern, RuleFileError> {
        let (min, max) = match spec.length {
            LengthSpec::Exact(n) => (n, n),
            LengthSpec::Range { min, max } => (min, max),
        };
        let format = CustomFormat::new(
            &spec.name,
            &spec.prefix.to_vec(),
            &spec.charset.value,
            min,
            max,
        )
        .map_err(|message| self.error(Some(spec.charset.referenced.line()), message))?;
        Ok(SecretPattern {
            format,
            common: self.common(pattern)?,
        })
    }

    fn example(&self, spec: &ExampleSpec, findings: usize) -> Result<Example, RuleFileError> {
        let kind = FileKind::from_name(&spec.language.value).ok_or_else(|| {
            self.error(
                Some(spec.language.referenced.line()),
                format!("unknown example language `{}`", spec.language.value),
            )
        })?;
        Ok(Example {
            kind,
            path: spec.path.clone(),
            code: spec.code.clone(),
            findings,
            other_files: Vec::new(),
        })
    }
}

/// Literals for a query: for each top-level pattern, the most selective
/// constraint on a capture every match binds; `None` when some pattern has
/// no such constraint.
fn query_literals(source: &str, constraints: &[(String, TextMatch)]) -> Option<Vec<String>> {
    let mut all = Vec::new();
    for item in query_text::parse(source).ok()? {
        let guaranteed = item.guaranteed_captures();
        let options = constraints
            .iter()
            .filter(|(name, _)| guaranteed.contains(name))
            .filter_map(|(_, text)| text.literals())
            .collect();
        all.extend(prefilter::most_selective(options)?);
    }
    all.sort();
    all.dedup();
    (!all.is_empty()).then_some(all)
}

/// The node kinds the top-level patterns of a query start at.
fn query_root_kinds(source: &str) -> Result<Vec<String>, String> {
    let items = query_text::parse(source)?;
    if items.is_empty() {
        return Err("the query has no pattern".to_string());
    }
    let mut kinds = Vec::new();
    for item in items {
        kinds.extend(item.root_kinds()?);
    }
    Ok(kinds)
}

fn severity(name: SeverityName) -> Severity {
    match name {
        SeverityName::Error => Severity::Error,
        SeverityName::Warning => Severity::Warning,
        SeverityName::Note => Severity::Note,
    }
}

fn confidence(name: ConfidenceName) -> Confidence {
    match name {
        ConfidenceName::High => Confidence::High,
        ConfidenceName::Medium => Confidence::Medium,
        ConfidenceName::Low => Confidence::Low,
    }
}

/// Compiles one rule file. `path` is how errors name it.
///
/// # Errors
/// YAML errors, unknown keys, bad values, queries that do not compile, node
/// kinds and fields the grammar does not have — with the line where possible.
pub fn load_rule(
    path: &str,
    text: &str,
    origin: RuleOrigin,
) -> Result<DeclarativeRule, RuleFileError> {
    let loader = Loader { path };
    let spec: RuleSpec = serde_saphyr::from_str(text).map_err(|e| {
        let line = e.location().map(|l| l.line()).filter(|l| *l > 0);
        let message = one_line(&e.without_snippet().to_string());
        // The position goes into `path:line`; keep the message plain.
        let message = message.trim_start_matches("error:").trim();
        let message = match message.split_once(": ") {
            Some((position, rest)) if position.starts_with("line ") => rest,
            _ => message,
        };
        loader.error(line, message.to_string())
    })?;
    let mut claimed = Vec::new();
    for name in &spec.languages {
        match (name.value.as_str(), FileKind::from_name(&name.value)) {
            ("typescript", _) => claimed.extend([FileKind::TypeScript, FileKind::Tsx]),
            (_, Some(kind)) => claimed.push(kind),
            (other, None) => {
                return Err(loader.error(
                    Some(name.referenced.line()),
                    format!("unknown language `{other}`"),
                ));
            }
        }
    }
    let mut node_patterns = Vec::new();
    let mut docker_patterns = Vec::new();
    let mut env_patterns = Vec::new();
    let mut secret_patterns = Vec::new();
    for (index, pattern) in spec.patterns.iter().enumerate() {
        let shapes = [
            pattern.query.is_some(),
            pattern.kind.is_some(),
            pattern.dockerfile.is_some(),
            pattern.env.is_some(),
            pattern.secret.is_some(),
        ];
        if shapes.iter().filter(|s| **s).count() != 1 {
            return Err(loader.error(
                None,
                format!(
                    "pattern {}: expected exactly one of `query`, `kind`, `dockerfile`, `env` or `secret`",
                    index + 1
                ),
            ));
        }
        if let Some(docker) = &pattern.dockerfile {
            docker_patterns.push(loader.docker_pattern(pattern, docker)?);
        } else if let Some(env) = &pattern.env {
            env_patterns.push(loader.env_pattern(pattern, env)?);
        } else if let Some(secret) = &pattern.secret {
            secret_patterns.push(loader.secret_pattern(pattern, secret)?);
        } else {
            node_patterns.extend(loader.node_patterns(index, pattern)?);
        }
    }
    let valid = spec
        .valid
        .iter()
        .map(|e| loader.example(e, 0))
        .collect::<Result<Vec<_>, _>>()?;
    let invalid = spec
        .invalid
        .iter()
        .map(|e| loader.example(e, e.findings.unwrap_or(1)))
        .collect::<Result<Vec<_>, _>>()?;
    let name = spec.name.value.clone();
    let url = spec.url.clone().unwrap_or_else(|| match origin {
        RuleOrigin::User(_) => String::new(),
        _ => format!("{DOCS_BASE_URL}/{name}"),
    });
    let meta = RuleMeta {
        name,
        task: TaskRef::Fixed(spec.task.value.clone()),
        red_flag: spec.red_flag.as_ref().map(|r| r.value.clone()),
        severity: severity(spec.severity),
        confidence: confidence(spec.confidence),
        summary: spec.summary.trim().to_string(),
        docs: spec.docs.trim().to_string(),
        kinds: claimed,
        tags: spec.tags.clone(),
        cwe: spec.cwe.clone(),
        security_severity: spec.security_severity,
        valid,
        invalid,
        last_added: None,
        url,
        origin,
    };
    Ok(DeclarativeRule {
        meta,
        message: spec.message.trim().to_string(),
        help: spec.help.clone(),
        paths: spec.paths.as_ref().map(|p| loader.paths(p)).transpose()?,
        node_patterns,
        docker_patterns,
        env_patterns,
        secret_patterns,
    })
}

fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Fills `{{name}}` placeholders.
fn render(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in vars {
        let shown: String = value
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(80)
            .collect();
        out = out.replace(&format!("{{{{{name}}}}}"), &shown);
    }
    out
}

impl DeclarativeRule {
    fn diagnostic(
        &self,
        common: &PatternCommon,
        range: std::ops::Range<usize>,
        vars: &[(&str, &str)],
    ) -> Diagnostic {
        let message = render(common.message.as_deref().unwrap_or(&self.message), vars);
        let mut diagnostic = Diagnostic::new(range, message);
        if let Some(help) = common.help.as_deref().or(self.help.as_deref()) {
            diagnostic = diagnostic.help(render(help, vars).trim().to_string());
        }
        diagnostic
    }

    fn pattern_allows(common: &PatternCommon, path: &str) -> bool {
        common.paths.as_ref().is_none_or(|p| p.allows(path))
    }
}

impl Rule for DeclarativeRule {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn self_check(&self) -> Vec<String> {
        self.compile_errors()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn applies_to(&self, path: &str) -> bool {
        self.paths.as_ref().is_none_or(|p| p.allows(path))
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        // Any pattern may match: one group, the union of their literals.
        let mut literals = Vec::new();
        for pattern in self.node_patterns.iter().filter(|p| p.language == language) {
            literals.extend(pattern.literals.clone()?);
        }
        literals.sort();
        literals.dedup();
        (!literals.is_empty()).then(|| vec![literals])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let mut kinds: Vec<String> = self
            .node_patterns
            .iter()
            .filter(|p| p.language == language)
            .flat_map(|p| p.root_kinds.iter().cloned())
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let Some(language) = file.kind.language() else {
            return;
        };
        let mut found: Vec<Diagnostic> = Vec::new();
        for pattern in &self.node_patterns {
            if pattern.language != language || !pattern.root_kinds.iter().any(|k| k == node.kind())
            {
                continue;
            }
            match &pattern.matcher {
                NodeMatch::Node(matcher) => {
                    if matcher.matches(node, file)
                        && Self::pattern_allows(&pattern.common, &file.path)
                    {
                        let text = file.text_of(node);
                        found.push(self.diagnostic(
                            &pattern.common,
                            node.byte_range(),
                            &[("match", text)],
                        ));
                    }
                }
                NodeMatch::Query(lazy) => {
                    // A built-in query that does not compile is caught by the
                    // registry tests; user queries are compiled at load time.
                    let Ok(CompiledQuery {
                        query,
                        report,
                        constraints,
                    }) = lazy.get()
                    else {
                        continue;
                    };
                    let cursor = ctx.query_cursor();
                    cursor.set_max_start_depth(Some(0));
                    let mut matches = cursor.matches(query, node, file.text.as_bytes());
                    while let Some(m) = matches.next() {
                        // A constraint holds for every node its capture took in
                        // this match; a capture absent from the taken branch of
                        // an alternation constrains nothing.
                        let satisfied = constraints.iter().all(|(capture, index)| {
                            let text = &lazy.constraints[*index].1;
                            m.captures()
                                .iter()
                                .filter(|c| c.index == *capture)
                                .all(|c| text.matches(file.text_of(c.node)))
                        });
                        if !satisfied || !Self::pattern_allows(&pattern.common, &file.path) {
                            continue;
                        }
                        let target = report
                            .and_then(|r| m.captures().iter().find(|c| c.index == r))
                            .map_or(node, |c| c.node);
                        let names = query.capture_names();
                        let vars: Vec<(&str, &str)> = m
                            .captures()
                            .iter()
                            .map(|c| (names[c.index as usize], file.text_of(c.node)))
                            .collect();
                        let diagnostic =
                            self.diagnostic(&pattern.common, target.byte_range(), &vars);
                        if !found.iter().any(|d| d.range == diagnostic.range) {
                            found.push(diagnostic);
                        }
                    }
                }
            }
        }
        for diagnostic in found {
            ctx.report(diagnostic);
        }
    }

    fn file_kinds(&self) -> Vec<FileKind> {
        if !self.secret_patterns.is_empty() {
            return FileKind::ALL.to_vec();
        }
        let mut kinds = Vec::new();
        if !self.docker_patterns.is_empty() {
            kinds.push(FileKind::Dockerfile);
        }
        for pattern in &self.env_patterns {
            for source in &pattern.sources {
                let kind = match source {
                    EnvSource::Dotenv => FileKind::Env,
                    EnvSource::Dockerfile => FileKind::Dockerfile,
                    EnvSource::Compose | EnvSource::Kubernetes => FileKind::Yaml,
                };
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
        }
        kinds
    }

    fn check_file(&self, file: &SourceFile, ctx: &mut FileContext<'_>) {
        if file.kind == FileKind::Dockerfile && !self.docker_patterns.is_empty() {
            self.check_dockerfile(file, ctx);
        }
        if !self.secret_patterns.is_empty() {
            self.check_secrets(file, ctx);
        }
        if self.env_patterns.is_empty() {
            return;
        }
        for assignment in env_assignments(file) {
            for pattern in &self.env_patterns {
                if pattern.sources.contains(&assignment.source)
                    && pattern.key.matches(&assignment.key)
                    && pattern
                        .value
                        .as_ref()
                        .is_none_or(|v| v.matches(&assignment.value))
                    && Self::pattern_allows(&pattern.common, &file.path)
                {
                    let vars = [
                        ("key", assignment.key.as_str()),
                        ("value", assignment.value.as_str()),
                    ];
                    ctx.report(self.diagnostic(&pattern.common, assignment.range.clone(), &vars));
                }
            }
        }
    }
}

impl DeclarativeRule {
    /// Compiles every query now and returns what did not compile.
    #[must_use]
    pub fn compile_errors(&self) -> Vec<RuleFileError> {
        self.node_patterns
            .iter()
            .filter_map(|pattern| match &pattern.matcher {
                NodeMatch::Query(lazy) => lazy.get().err().cloned(),
                NodeMatch::Node(_) => None,
            })
            .collect()
    }

    /// Declared credential formats: masked, fingerprinted by the secret and
    /// downgraded in test code like the built-in ones.
    fn check_secrets(&self, file: &SourceFile, ctx: &mut FileContext<'_>) {
        for pattern in &self.secret_patterns {
            if !Self::pattern_allows(&pattern.common, &file.path) {
                continue;
            }
            for found in pattern.format.find(&file.text) {
                let secret = file.slice(found.range.clone());
                let settings = ctx.settings.secrets;
                if let Some(why) = found.dropped {
                    let line = file.position(found.range.start).line;
                    ctx.note(format!(
                        "line {line}: {} not reported: {why}",
                        pattern.format.name
                    ));
                    continue;
                }
                if settings.allows(secret) {
                    continue;
                }
                let place = match placement(file, settings, found.range.start) {
                    Placement::TestCode => Placement::TestCode,
                    _ => Placement::Production,
                };
                let mut diagnostic = secret_diagnostic(
                    found.range.clone(),
                    secret,
                    &pattern.format.name,
                    self.meta.confidence,
                    "prefix, charset and length match",
                    place,
                    settings,
                );
                if let Some(help) = pattern.common.help.as_deref().or(self.help.as_deref()) {
                    diagnostic = diagnostic.help(help.trim().to_string());
                }
                ctx.report(diagnostic);
            }
        }
    }

    fn check_dockerfile(&self, file: &SourceFile, ctx: &mut FileContext<'_>) {
        let dockerfile = file.dockerfile();
        for instruction in &dockerfile.instructions {
            for pattern in &self.docker_patterns {
                if !pattern.instructions.contains(&instruction.keyword)
                    || (pattern.final_stage_only && !dockerfile.is_final_stage(instruction))
                    || !Self::pattern_allows(&pattern.common, &file.path)
                {
                    continue;
                }
                if let Some(stage) = &pattern.stage {
                    let name = dockerfile
                        .stage_of(instruction)
                        .and_then(|s| s.name.clone())
                        .unwrap_or_default();
                    if !stage.matches(&name) {
                        continue;
                    }
                }
                if pattern.key.is_some() || pattern.value.is_some() {
                    for pair in instruction.env_pairs(&file.text) {
                        let value = pair.value.clone().unwrap_or_default();
                        if pattern.key.as_ref().is_none_or(|k| k.matches(&pair.key))
                            && pattern.value.as_ref().is_none_or(|v| v.matches(&value))
                        {
                            let vars = [("key", pair.key.as_str()), ("value", value.as_str())];
                            ctx.report(self.diagnostic(&pattern.common, pair.range.clone(), &vars));
                        }
                    }
                    continue;
                }
                let command = instruction.command_words().join(" ");
                if pattern.command.as_ref().is_none_or(|c| c.matches(&command)) {
                    let first_line_end = file.text[instruction.range.clone()]
                        .find('\n')
                        .map_or(instruction.range.end, |e| instruction.range.start + e);
                    let vars = [("command", command.as_str())];
                    ctx.report(self.diagnostic(
                        &pattern.common,
                        instruction.range.start..first_line_end,
                        &vars,
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_query_errors_are_found_by_the_self_check() {
        let yaml = "name: bad-query\ntask: TASK-3.4\nseverity: error\nconfidence: high\nsummary: s\nmessage: m\nlanguages: [python]\npatterns:\n  - languages: [python]\n    query: |\n      (call nosuchfield: (identifier))\ndocs: d\n";
        let Ok(rule) = load_rule("r.yaml", yaml, RuleOrigin::User("r.yaml".into())) else {
            panic!("loads");
        };
        let problems = rule.self_check();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("r.yaml:11"), "{}", problems[0]);
        assert!(
            problems[0].contains("unknown field `nosuchfield`"),
            "{}",
            problems[0]
        );
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let yaml = "name: x\ntask: TASK-3.4\nseverity: fatal\n";
        let Err(error) = load_rule("team/x.yaml", yaml, RuleOrigin::User("team/x.yaml".into()))
        else {
            panic!("a bad severity must not load");
        };
        let text = error.to_string();
        assert!(text.starts_with("team/x.yaml"), "{text}");
        assert!(text.contains("fatal"), "{text}");
    }
}
