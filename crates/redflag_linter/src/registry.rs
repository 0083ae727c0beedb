//! Every rule redflag knows: built-in Rust rules, built-in YAML rules and
//! user rules.
//!
//! Nothing here lists rules by hand. The build script collects
//! `src/rules/<area>/<rule>.rs` and `rules/<area>/<rule>.yaml`; user rule
//! directories are read at start-up. Validation — catalog IDs, docs,
//! examples, node kinds — is the same for all of them.

use std::collections::HashMap;
use std::path::Path;

use redflag_diagnostics::RuleDescriptor;
use redflag_syntax::Language;

use crate::catalog::Catalog;
use crate::declarative::{load_rule, RuleFileError};
use crate::rule::{Rule, RuleId, RuleOrigin, TaskRef};

/// A problem loading rules.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error(transparent)]
    RuleFile(#[from] RuleFileError),
    #[error("{path}: cannot read: {message}")]
    Io { path: String, message: String },
    #[error("{path}: rule `{name}` is already defined{}", other.as_ref().map(|o| format!(" in {o}")).unwrap_or_default())]
    Duplicate {
        path: String,
        name: String,
        other: Option<String>,
    },
    #[error("{path}: rule `{name}`: {problems}")]
    Invalid {
        path: String,
        name: String,
        problems: String,
    },
}

/// The rules of one run, by id.
pub struct Registry {
    rules: Vec<Box<dyn Rule>>,
    by_name: HashMap<String, RuleId>,
}

/// Headings every built-in rule's docs carry (DESIGN §3).
pub const DOCS_SECTIONS: [&str; 5] = [
    "## What it does",
    "## Why it matters",
    "## Example",
    "## Use instead",
    "## Configuration",
];

impl Registry {
    /// An empty registry (tests build their own).
    #[must_use]
    pub fn empty() -> Registry {
        Registry {
            rules: Vec::new(),
            by_name: HashMap::new(),
        }
    }

    /// The built-in rules.
    ///
    /// # Errors
    /// Only if a shipped YAML rule is broken, which the registry tests catch.
    pub fn builtin() -> Result<Registry, RegistryError> {
        let mut registry = Registry::empty();
        for rule in crate::rules::builtin_rust_rules() {
            registry.add(rule)?;
        }
        for (path, text) in crate::rules::EMBEDDED_YAML_RULES {
            let rule = load_rule(path, text, RuleOrigin::BuiltinYaml((*path).to_string()))?;
            registry.add(Box::new(rule))?;
        }
        Ok(registry)
    }

    /// Adds a rule, rejecting duplicate names.
    ///
    /// # Errors
    /// A rule with the same name is already registered.
    pub fn add(&mut self, rule: Box<dyn Rule>) -> Result<RuleId, RegistryError> {
        let name = rule.meta().name.clone();
        if let Some(&existing) = self.by_name.get(&name) {
            return Err(RegistryError::Duplicate {
                path: origin_path(&rule.meta().origin),
                name,
                other: Some(origin_path(&self.rules[existing].meta().origin)),
            });
        }
        let id = self.rules.len();
        self.by_name.insert(name, id);
        self.rules.push(rule);
        Ok(id)
    }

    /// Loads every `*.yaml`/`*.yml` rule under `dir`, in path order, and
    /// validates them like built-in rules (docs sections are not required).
    ///
    /// # Errors
    /// The first rule file that does not load or validate.
    pub fn load_rule_dir(&mut self, dir: &Path) -> Result<usize, RegistryError> {
        let mut paths = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(current) = pending.pop() {
            let entries = std::fs::read_dir(&current).map_err(|e| RegistryError::Io {
                path: current.display().to_string(),
                message: e.to_string(),
            })?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    paths.push(path);
                }
            }
        }
        paths.sort();
        let cwd = std::env::current_dir().unwrap_or_default();
        for path in &paths {
            let shown = redflag_workspace::display_path(path, &cwd);
            let text = std::fs::read_to_string(path).map_err(|e| RegistryError::Io {
                path: shown.clone(),
                message: e.to_string(),
            })?;
            let rule = load_rule(&shown, &text, RuleOrigin::User(shown.clone()))?;
            // A query that does not compile is reported at its own line.
            if let Some(error) = rule.compile_errors().into_iter().next() {
                return Err(error.into());
            }
            let problems = validate(&rule, false);
            if !problems.is_empty() {
                return Err(RegistryError::Invalid {
                    path: shown,
                    name: rule.meta().name.clone(),
                    problems: problems.join("; "),
                });
            }
            self.add(Box::new(rule))?;
        }
        Ok(paths.len())
    }

    #[must_use]
    pub fn rules(&self) -> &[Box<dyn Rule>] {
        &self.rules
    }

    #[must_use]
    pub fn get(&self, id: RuleId) -> &dyn Rule {
        self.rules[id].as_ref()
    }

    #[must_use]
    pub fn id(&self, name: &str) -> Option<RuleId> {
        self.by_name.get(name).copied()
    }

    /// The closest rule name, for "did you mean".
    #[must_use]
    pub fn suggest(&self, name: &str) -> Option<&str> {
        self.rules
            .iter()
            .map(|r| r.meta().name.as_str())
            .map(|candidate| (strsim::jaro_winkler(name, candidate), candidate))
            .filter(|(score, _)| *score > 0.85)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, candidate)| candidate)
    }

    /// "unknown rule `x`; did you mean `y`?", for errors.
    #[must_use]
    pub fn unknown_rule(&self, name: &str) -> String {
        let hint = self
            .suggest(name)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        format!("unknown rule `{name}`{hint}")
    }

    /// What renderers need to know about a rule.
    #[must_use]
    pub fn descriptor(&self, id: RuleId) -> RuleDescriptor {
        let meta = self.rules[id].meta();
        let catalog = Catalog::builtin();
        let task = meta.task_id().map(str::to_string);
        RuleDescriptor {
            name: meta.name.clone(),
            task_text: task
                .as_deref()
                .and_then(|t| catalog.item(t))
                .map(|i| i.text.clone())
                .unwrap_or_default(),
            task: task.unwrap_or_default(),
            red_flag: meta.red_flag.clone(),
            severity: meta.severity,
            confidence: meta.confidence,
            summary: meta.summary.clone(),
            docs: meta.docs.clone(),
            url: meta.url.clone(),
            tags: meta.tags.clone(),
            cwe: meta.cwe.clone(),
            security_severity: meta.security_severity,
        }
    }
}

fn origin_path(origin: &RuleOrigin) -> String {
    match origin {
        RuleOrigin::Builtin => "built-in rules".to_string(),
        RuleOrigin::BuiltinYaml(path) => format!("rules/{path}"),
        RuleOrigin::User(path) => path.clone(),
    }
}

fn is_kebab_case(name: &str) -> bool {
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// Everything wrong with a rule's metadata. `builtin` adds the checks user
/// rules are spared: the docs template and the valid/invalid examples.
#[must_use]
pub fn validate(rule: &dyn Rule, builtin: bool) -> Vec<String> {
    let meta = rule.meta();
    let catalog = Catalog::builtin();
    let mut problems = Vec::new();
    if !is_kebab_case(&meta.name) {
        problems.push(format!("name `{}` is not kebab-case", meta.name));
    }
    match &meta.task {
        TaskRef::Fixed(task) => {
            if task.starts_with("RF-") || catalog.item(task).is_none() {
                problems.push(format!(
                    "task `{task}` is not a TASK-x.y or SCOPE-x.y ID of the catalog"
                ));
            }
        }
        TaskRef::OfSuppressedRule => {
            if !matches!(meta.origin, RuleOrigin::Builtin) {
                problems.push(
                    "only built-in rules may take the task of the rule they suppress".to_string(),
                );
            }
        }
    }
    if let Some(flag) = &meta.red_flag {
        if !flag.starts_with("RF-") || catalog.item(flag).is_none() {
            problems.push(format!("redFlag `{flag}` is not an RF-n ID of the catalog"));
        }
    }
    if meta.summary.trim().is_empty() {
        problems.push("summary is empty".to_string());
    }
    if meta.docs.trim().is_empty() {
        problems.push("docs are empty".to_string());
    } else if builtin {
        for section in DOCS_SECTIONS {
            if !meta.docs.contains(section) {
                problems.push(format!("docs lack the section `{section}`"));
            }
        }
    }
    // Built-in rules prove themselves with examples; user rules may.
    if builtin && meta.valid.is_empty() {
        problems.push("needs at least one valid example".to_string());
    }
    if builtin && meta.invalid.is_empty() {
        problems.push("needs at least one invalid example".to_string());
    }
    if meta.invalid.iter().any(|e| e.findings == 0) {
        problems.push("an invalid example expects no finding".to_string());
    }
    for language in Language::ALL {
        for kind in rule.node_kinds(language) {
            if redflag_syntax::node_kind_ids(language, &kind).is_empty() {
                problems.push(format!(
                    "`{kind}` is not a node kind of the {language} grammar"
                ));
            }
        }
    }
    problems.extend(rule.self_check());
    problems
}
