//! Which rules run, and where.
//!
//! Selectors are written the same way in the configuration and on the
//! command line: a rule name, a checklist item (`TASK-3.3`, `SCOPE-3.2`), a
//! checklist heading (`TASK-3`, `SCOPE-1`), a red flag (`RF-6`) or `ALL`.
//! The selection is `select` (default `ALL`) plus `extend-select`, minus
//! `ignore`. Per-file ignores apply selectors to files matching a glob.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher};

use crate::catalog::Catalog;
use crate::registry::Registry;
use crate::rule::{RuleId, RuleMeta};

/// One parsed selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    All,
    Rule(RuleId),
    /// A checklist item: `TASK-3.3`, `SCOPE-3.2`.
    Task(String),
    /// A checklist heading: `TASK-3`, `SCOPE-1`.
    Group(String),
    RedFlag(String),
}

/// Parses a selector, checking it against the registry and the catalog.
///
/// # Errors
/// Explains what was expected, with a suggestion for misspelt rule names.
pub fn parse_selector(text: &str, registry: &Registry) -> Result<Selector, String> {
    let text = text.trim();
    let catalog = Catalog::builtin();
    if text.eq_ignore_ascii_case("all") {
        return Ok(Selector::All);
    }
    if let Some(id) = registry.id(text) {
        return Ok(Selector::Rule(id));
    }
    let upper = text.to_ascii_uppercase();
    if upper.starts_with("RF-") && catalog.item(&upper).is_some() {
        return Ok(Selector::RedFlag(upper));
    }
    if catalog.item(&upper).is_some() {
        return Ok(Selector::Task(upper));
    }
    if catalog.is_group(&upper) {
        return Ok(Selector::Group(upper));
    }
    let hint = registry
        .suggest(text)
        .map(|name| format!("; did you mean `{name}`?"))
        .unwrap_or_default();
    Err(format!(
        "unknown selector `{text}`: expected a rule name, a checklist ID (TASK-3.3, SCOPE-3.2), a heading (TASK-3), a red flag (RF-6) or ALL{hint}"
    ))
}

fn matches(selector: &Selector, id: RuleId, meta: &RuleMeta) -> bool {
    match selector {
        Selector::All => true,
        Selector::Rule(rule) => *rule == id,
        Selector::Task(task) => meta.task_id() == Some(task.as_str()),
        Selector::Group(group) => meta
            .task_id()
            .is_some_and(|task| task.split_once('.').is_some_and(|(g, _)| g == group)),
        Selector::RedFlag(flag) => meta.red_flag.as_deref() == Some(flag.as_str()),
    }
}

/// The rules enabled by a selection, indexed by rule id.
#[must_use]
pub fn resolve_selection(
    registry: &Registry,
    select: Option<&[Selector]>,
    extend_select: &[Selector],
    ignore: &[Selector],
) -> Vec<bool> {
    let default = [Selector::All];
    let select = select.unwrap_or(&default);
    registry
        .rules()
        .iter()
        .enumerate()
        .map(|(id, rule)| {
            let meta = rule.meta();
            let selected = select
                .iter()
                .chain(extend_select)
                .any(|s| matches(s, id, meta));
            selected && !ignore.iter().any(|s| matches(s, id, meta))
        })
        .collect()
}

/// Rules switched off for files matching a glob.
#[derive(Debug, Clone)]
pub struct PerFileIgnore {
    matcher: GlobMatcher,
    /// Patterns without `/` match the file name anywhere, as in ruff.
    basename_only: bool,
    disabled: Vec<bool>,
}

/// The per-file ignores of a configuration.
#[derive(Debug, Clone, Default)]
pub struct PerFileIgnores {
    /// Directory patterns are relative to (the configuration's).
    root: PathBuf,
    /// Directory display paths are relative to.
    cwd: PathBuf,
    entries: Vec<PerFileIgnore>,
}

impl PerFileIgnores {
    /// Builds the matchers.
    ///
    /// # Errors
    /// Bad globs and bad selectors, naming the pattern.
    pub fn new(
        root: &Path,
        cwd: &Path,
        patterns: &[(String, Vec<String>)],
        registry: &Registry,
    ) -> Result<Self, String> {
        let mut entries = Vec::new();
        for (pattern, selectors) in patterns {
            let glob = Glob::new(pattern)
                .map_err(|e| format!("per-file-ignores: bad glob `{pattern}`: {e}"))?;
            let parsed = selectors
                .iter()
                .map(|s| {
                    parse_selector(s, registry)
                        .map_err(|e| format!("per-file-ignores `{pattern}`: {e}"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let disabled = resolve_selection(registry, Some(&parsed), &[], &[]);
            entries.push(PerFileIgnore {
                matcher: glob.compile_matcher(),
                basename_only: !pattern.contains('/'),
                disabled,
            });
        }
        Ok(PerFileIgnores {
            root: root.to_path_buf(),
            cwd: cwd.to_path_buf(),
            entries,
        })
    }

    /// True when `rule` is ignored for the file shown as `display_path`.
    #[must_use]
    pub fn is_ignored(&self, display_path: &str, rule: RuleId) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let absolute = self.cwd.join(display_path);
        let relative = absolute
            .strip_prefix(&self.root)
            .unwrap_or(Path::new(display_path));
        let name = relative.file_name().map(Path::new);
        self.entries.iter().any(|entry| {
            entry.disabled.get(rule).copied().unwrap_or(false)
                && (entry.matcher.is_match(relative)
                    || (entry.basename_only && name.is_some_and(|n| entry.matcher.is_match(n))))
        })
    }
}
