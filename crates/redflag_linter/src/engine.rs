//! The engine: the parallel per-file stage, the project stage, and the
//! filtering that turns rule output into the final, ordered findings.
//!
//! At start-up the engine builds, for each language, a table from node-kind
//! id to the enabled rules that inspect that kind, and per file kind the list
//! of file rules. Each code file is then traversed exactly once; a node meets
//! only the rules in its kind's bucket. Facts go to the project model, which
//! is built on one thread after the parallel stage, in path order, so the
//! output is the same whatever the thread count.

use std::collections::HashMap;

use rayon::prelude::*;
use redflag_diagnostics::{finalize, hash_hex, Finding, ScanError, Severity};
use redflag_syntax::sql::SqlDialect;
use redflag_syntax::tree_sitter::{Node, QueryCursor, Tree};
use redflag_syntax::{FileKind, Language};
use redflag_workspace::{read_source, ReadLimits, SkipReason, Skipped, WalkedFile};

use crate::catalog::Catalog;
use crate::facts::{self, FileFacts};
use crate::panic_guard;
use crate::project::ProjectModel;
use crate::registry::Registry;
use crate::rule::{
    Diagnostic, FileContext, FileSettings, Location, NodeContext, ProjectContext,
    ProjectDiagnostic, RuleId,
};
use crate::selection::PerFileIgnores;
use crate::source::SourceFile;
use crate::suppression::{parse_directives, Directive};

/// Worker stacks are large so that the parsers' and `syn`'s recursion has
/// room on hostile input; the memory is reserved, not committed.
const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Names of the engine's own rules about suppressions.
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";
pub const SUPPRESSION_WITHOUT_REASON: &str = "suppression-without-reason";

/// Settings of one run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub severity_overrides: HashMap<RuleId, Severity>,
    pub per_file_ignores: PerFileIgnores,
    pub sql_dialect: Option<SqlDialect>,
    pub read_limits: ReadLimits,
    pub secrets: crate::secrets::SecretsSettings,
    /// The service rules' evidence vocabularies.
    pub services: crate::project::vocabulary::ServiceSettings,
    /// Rules explain dropped candidates in notes (`--verbose`).
    pub explain: bool,
    /// Build the project model even when no project rule runs, and hand
    /// it back in the result (`redflag inventory`, the checklist report).
    pub keep_model: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            severity_overrides: HashMap::new(),
            per_file_ignores: PerFileIgnores::default(),
            sql_dialect: None,
            read_limits: ReadLimits {
                max_file_size: redflag_workspace::config::DEFAULT_MAX_FILE_SIZE,
            },
            secrets: crate::secrets::SecretsSettings::default(),
            services: crate::project::vocabulary::ServiceSettings::default(),
            explain: false,
            keep_model: false,
        }
    }
}

/// A file given as text rather than read from disk.
#[derive(Debug, Clone)]
pub struct SourceInput {
    pub path: String,
    pub kind: FileKind,
    pub text: String,
}

/// Something worth saying about a file with `--verbose`: a SQL statement
/// that did not parse, a YAML file that is not YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileNote {
    pub path: String,
    pub message: String,
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// In report order, with fingerprints.
    pub findings: Vec<Finding>,
    pub files_scanned: usize,
    /// Code files whose syntax tree was built (the rest were ruled out by
    /// the prefilter or needed no tree).
    pub files_parsed: usize,
    /// Files skipped while reading (the walk reports its own skips).
    pub skipped: Vec<Skipped>,
    /// Files whose analysis failed inside redflag.
    pub errors: Vec<ScanError>,
    pub notes: Vec<FileNote>,
    /// Problems that are not findings (a suppression naming no known rule).
    pub warnings: Vec<String>,
    /// The project model, when the settings asked to keep it.
    pub model: Option<ProjectModel>,
}

struct FileOutcome {
    path: String,
    parsed: bool,
    findings: Vec<Finding>,
    facts: Option<FileFacts>,
    directives: Vec<Directive>,
    notes: Vec<String>,
    skipped: Option<SkipReason>,
    error: Option<String>,
}

impl FileOutcome {
    fn empty(path: String) -> Self {
        FileOutcome {
            path,
            parsed: false,
            findings: Vec::new(),
            facts: None,
            directives: Vec::new(),
            notes: Vec::new(),
            skipped: None,
            error: None,
        }
    }
}

/// What a finding is built from, whatever shape of rule produced it.
struct Draft {
    location: Option<Location>,
    message: String,
    help: Option<String>,
    severity: Option<Severity>,
    confidence: Option<redflag_diagnostics::Confidence>,
    sensitive: bool,
    secret: Option<String>,
    /// Fingerprint input; the normalized matched text when absent.
    basis: Option<String>,
}

/// Per language, the literals that let node rules run on a file: one
/// Aho-Corasick pass over the text decides which rules can match at all.
#[derive(Default)]
struct Prefilter {
    /// Enabled node rules of this language.
    node_rules: Vec<RuleId>,
    automaton: Option<aho_corasick::AhoCorasick>,
    /// Literal index → (rule, group of that rule) it satisfies.
    literal_groups: Vec<Vec<(RuleId, usize)>>,
    /// Gated rules and the number of groups each must satisfy.
    gated: Vec<(RuleId, usize)>,
}

/// Groups of literals per rule are few; a bit per group.
const MAX_GROUPS: usize = 64;

impl Prefilter {
    fn build(registry: &Registry, enabled: &[bool], language: Language) -> Prefilter {
        let mut prefilter = Prefilter::default();
        let mut literals: Vec<String> = Vec::new();
        for (id, rule) in registry.rules().iter().enumerate() {
            if !enabled.get(id).copied().unwrap_or(false) || rule.node_kinds(language).is_empty() {
                continue;
            }
            prefilter.node_rules.push(id);
            let Some(groups) = rule.prefilter(language) else {
                continue;
            };
            if groups.is_empty() || groups.len() > MAX_GROUPS || groups.iter().any(Vec::is_empty) {
                continue;
            }
            prefilter.gated.push((id, groups.len()));
            for (group, required) in groups.into_iter().enumerate() {
                for literal in required {
                    let index = match literals.iter().position(|l| *l == literal) {
                        Some(index) => index,
                        None => {
                            literals.push(literal);
                            prefilter.literal_groups.push(Vec::new());
                            literals.len() - 1
                        }
                    };
                    prefilter.literal_groups[index].push((id, group));
                }
            }
        }
        if !literals.is_empty() {
            prefilter.automaton = aho_corasick::AhoCorasick::new(&literals).ok();
            if prefilter.automaton.is_none() {
                // Without an automaton every gated rule simply runs.
                prefilter.gated.clear();
            }
        }
        prefilter
    }

    /// Switches off gated rules some of whose literal groups the text does
    /// not satisfy.
    fn deactivate_unmatched(&self, text: &str, active: &mut [bool]) {
        let Some(automaton) = &self.automaton else {
            return;
        };
        let mut pending: Vec<(RuleId, usize)> = self
            .gated
            .iter()
            .copied()
            .filter(|&(id, _)| active[id])
            .collect();
        if pending.is_empty() {
            return;
        }
        let mut satisfied: Vec<u64> = vec![0; active.len()];
        let complete = |id: RuleId, groups: usize, satisfied: &[u64]| {
            satisfied[id].count_ones() as usize == groups
        };
        for found in automaton.find_overlapping_iter(text) {
            for &(id, group) in &self.literal_groups[found.pattern().as_usize()] {
                satisfied[id] |= 1 << group;
            }
            pending.retain(|&(id, groups)| !complete(id, groups, &satisfied));
            if pending.is_empty() {
                return;
            }
        }
        for (id, _) in pending {
            active[id] = false;
        }
    }
}

/// The rule engine of one run.
pub struct Engine {
    registry: Registry,
    enabled: Vec<bool>,
    /// Per language: node-kind id → rules inspecting that kind.
    node_tables: [Vec<Vec<RuleId>>; 5],
    prefilters: [Prefilter; 5],
    file_rules: HashMap<FileKind, Vec<RuleId>>,
    project_rules: Vec<RuleId>,
    settings: Settings,
}

impl Engine {
    /// Builds the dispatch tables for the enabled rules.
    #[must_use]
    pub fn new(registry: Registry, enabled: Vec<bool>, settings: Settings) -> Engine {
        let mut node_tables: [Vec<Vec<RuleId>>; 5] = Default::default();
        let mut file_rules: HashMap<FileKind, Vec<RuleId>> = HashMap::new();
        let mut project_rules = Vec::new();
        for (id, rule) in registry.rules().iter().enumerate() {
            if !enabled.get(id).copied().unwrap_or(false) {
                continue;
            }
            for language in Language::ALL {
                let table = &mut node_tables[language.index()];
                for kind in rule.node_kinds(language) {
                    for kind_id in redflag_syntax::node_kind_ids(language, &kind) {
                        let index = usize::from(kind_id);
                        if table.len() <= index {
                            table.resize(index + 1, Vec::new());
                        }
                        if !table[index].contains(&id) {
                            table[index].push(id);
                        }
                    }
                }
            }
            for kind in rule.file_kinds() {
                file_rules.entry(kind).or_default().push(id);
            }
            if rule.is_project_rule() {
                project_rules.push(id);
            }
        }
        let prefilters =
            Language::ALL.map(|language| Prefilter::build(&registry, &enabled, language));
        Engine {
            registry,
            enabled,
            node_tables,
            prefilters,
            file_rules,
            project_rules,
            settings,
        }
    }

    #[must_use]
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// True when the rule runs in this engine.
    #[must_use]
    pub fn is_enabled(&self, id: RuleId) -> bool {
        self.enabled.get(id).copied().unwrap_or(false)
    }

    /// Scans walked files in parallel; `on_file` is called after each file.
    pub fn scan(&self, files: &[WalkedFile], on_file: &(dyn Fn() + Sync)) -> ScanResult {
        let analyse = |file: &WalkedFile| {
            let outcome = match read_source(&file.path, self.settings.read_limits) {
                Ok(text) => self.analyse_guarded(file.display.clone(), file.kind, text),
                Err(reason) => FileOutcome {
                    skipped: Some(reason),
                    ..FileOutcome::empty(file.display.clone())
                },
            };
            on_file();
            outcome
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .stack_size(WORKER_STACK_BYTES)
            .build();
        let outcomes: Vec<FileOutcome> = match pool {
            Ok(pool) => pool.install(|| files.par_iter().map(analyse).collect()),
            Err(_) => files.iter().map(analyse).collect(),
        };
        self.finish(outcomes)
    }

    /// Scans files given as text, on the calling thread (tests, examples,
    /// editors).
    #[must_use]
    pub fn scan_sources(&self, sources: Vec<SourceInput>) -> ScanResult {
        let outcomes = sources
            .into_iter()
            .map(|s| self.analyse_guarded(s.path, s.kind, s.text))
            .collect();
        self.finish(outcomes)
    }

    fn analyse_guarded(&self, path: String, kind: FileKind, text: String) -> FileOutcome {
        let shown = path.clone();
        panic_guard::catch(|| self.analyse(path, kind, text)).unwrap_or_else(|message| {
            redflag_syntax::parse::reset_thread_parsers();
            FileOutcome {
                error: Some(message),
                ..FileOutcome::empty(shown)
            }
        })
    }

    fn analyse(&self, path: String, kind: FileKind, text: String) -> FileOutcome {
        let mut active: Vec<bool> = self
            .registry
            .rules()
            .iter()
            .enumerate()
            .map(|(id, rule)| self.enabled[id] && rule.applies_to(&path))
            .collect();
        let mut traverse = false;
        if let Some(language) = kind.language() {
            let prefilter = &self.prefilters[language.index()];
            prefilter.deactivate_unmatched(&text, &mut active);
            traverse = prefilter.node_rules.iter().any(|&id| active[id]);
        }
        let file = SourceFile::new(path.clone(), kind, text, self.settings.sql_dialect);
        let mut raw: Vec<(RuleId, Diagnostic)> = Vec::new();

        // The tree is parsed here only when some node rule can still match.
        if traverse {
            if let (Some(language), Some(tree)) = (kind.language(), file.tree()) {
                self.traverse(&file, language, tree, &active, &mut raw);
            }
        }
        let mut notes = Vec::new();
        if let Some(rules) = self.file_rules.get(&kind) {
            for &id in rules.iter().filter(|&&id| active[id]) {
                let mut ctx = FileContext {
                    rule: id,
                    out: &mut raw,
                    notes: &mut notes,
                    settings: FileSettings {
                        secrets: &self.settings.secrets,
                        explain: self.settings.explain,
                    },
                };
                self.registry.get(id).check_file(&file, &mut ctx);
            }
        }
        let facts = if self.project_rules.is_empty() && !self.settings.keep_model {
            None
        } else {
            facts::collect(&file)
        };

        let mut outcome = FileOutcome::empty(path);
        outcome.notes = notes;
        if kind == FileKind::Sql && facts.is_some() {
            outcome.notes.extend(
                file.sql()
                    .notes
                    .iter()
                    .map(|n| format!("line {}: {}", n.line, n.message)),
            );
        }
        if kind == FileKind::Yaml {
            if let Err(error) = file.yaml() {
                outcome.notes.push(format!("not read as YAML: {error}"));
            }
        }
        outcome.directives = parse_directives(&file);
        outcome.findings = raw
            .into_iter()
            .map(|(id, diagnostic)| self.finding(id, &file, diagnostic))
            .collect();
        outcome.facts = facts;
        outcome.parsed = file.was_parsed();
        outcome
    }

    /// One depth-first traversal with an explicit ancestor stack, so rules
    /// can look outwards without walking parent links (which tree-sitter
    /// answers by descending from the root).
    fn traverse(
        &self,
        file: &SourceFile,
        language: Language,
        tree: &Tree,
        active: &[bool],
        out: &mut Vec<(RuleId, Diagnostic)>,
    ) {
        let table = &self.node_tables[language.index()];
        let mut query_cursor = QueryCursor::new();
        let mut cursor = tree.walk();
        let mut ancestors: Vec<Node<'_>> = Vec::new();
        loop {
            let node = cursor.node();
            if let Some(rules) = table.get(usize::from(node.kind_id())) {
                for &id in rules.iter().filter(|&&id| active[id]) {
                    let mut ctx = NodeContext {
                        file,
                        ancestors: &ancestors,
                        rule: id,
                        out,
                        cursor: &mut query_cursor,
                    };
                    self.registry.get(id).check_node(node, &mut ctx);
                }
            }
            if cursor.goto_first_child() {
                ancestors.push(node);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
                ancestors.pop();
            }
        }
    }

    fn severity_of(&self, id: RuleId, requested: Option<Severity>) -> Severity {
        self.settings
            .severity_overrides
            .get(&id)
            .copied()
            .or(requested)
            .unwrap_or_else(|| self.registry.get(id).meta().severity)
    }

    fn task_of(&self, id: RuleId) -> (String, String) {
        let task = self
            .registry
            .get(id)
            .meta()
            .task_id()
            .unwrap_or_default()
            .to_string();
        let text = Catalog::builtin()
            .item(&task)
            .map(|i| i.text.clone())
            .unwrap_or_default();
        (task, text)
    }

    /// Builds a finding of rule `id`, naming the task of `task_from` (the
    /// rule itself, or the suppressed rule for suppression findings).
    fn assemble(&self, id: RuleId, task_from: RuleId, draft: Draft) -> Finding {
        let meta = self.registry.get(id).meta();
        let (task, task_text) = self.task_of(task_from);
        let basis = match (draft.basis, &draft.location) {
            (Some(basis), _) => basis,
            // A secret is fingerprinted by its hash, never by its text.
            (None, Some(location)) if draft.sensitive => hash_hex(&location.text),
            (None, Some(location)) => location.text.clone(),
            (None, None) => draft.message.clone(),
        };
        Finding {
            rule: meta.name.clone(),
            task,
            task_text,
            red_flag: meta.red_flag.clone(),
            red_flag_text: meta
                .red_flag
                .as_deref()
                .and_then(|rf| Catalog::builtin().item(rf))
                .map(|item| item.text.clone()),
            severity: self.severity_of(id, draft.severity),
            confidence: draft.confidence.unwrap_or(meta.confidence),
            message: draft.message,
            path: draft.location.as_ref().map(|l| l.path.clone()),
            start: draft.location.as_ref().map(|l| l.start),
            end: draft.location.as_ref().map(|l| l.end),
            fingerprint: String::new(),
            url: meta.url.clone(),
            help: draft.help,
            fix: None,
            byte_range: draft.location.map(|l| l.range),
            sensitive: draft.sensitive,
            secret: draft.secret,
            fingerprint_basis: basis,
        }
    }

    fn finding(&self, id: RuleId, file: &SourceFile, diagnostic: Diagnostic) -> Finding {
        let draft = Draft {
            location: Some(file.location(diagnostic.range)),
            message: diagnostic.message,
            help: diagnostic.help,
            severity: diagnostic.severity,
            confidence: diagnostic.confidence,
            sensitive: diagnostic.sensitive,
            secret: diagnostic.secret,
            basis: diagnostic.fingerprint_basis,
        };
        self.assemble(id, id, draft)
    }

    fn project_finding(&self, id: RuleId, diagnostic: ProjectDiagnostic) -> Finding {
        let draft = Draft {
            location: diagnostic.location,
            message: diagnostic.message,
            help: diagnostic.help,
            severity: diagnostic.severity,
            confidence: diagnostic.confidence,
            sensitive: false,
            secret: None,
            basis: None,
        };
        self.assemble(id, id, draft)
    }

    fn finish(&self, outcomes: Vec<FileOutcome>) -> ScanResult {
        let mut result = ScanResult::default();
        let mut findings = Vec::new();
        let mut all_facts = Vec::new();
        let mut directives: HashMap<String, Vec<Directive>> = HashMap::new();
        for outcome in outcomes {
            if let Some(reason) = outcome.skipped {
                result.skipped.push(Skipped {
                    display: outcome.path,
                    reason,
                });
                continue;
            }
            if let Some(message) = outcome.error {
                result.errors.push(ScanError {
                    path: outcome.path,
                    message: format!("internal error while analysing this file: {message}"),
                });
                continue;
            }
            result.files_scanned += 1;
            result.files_parsed += usize::from(outcome.parsed);
            findings.extend(outcome.findings);
            all_facts.extend(outcome.facts);
            result
                .notes
                .extend(outcome.notes.into_iter().map(|message| FileNote {
                    path: outcome.path.clone(),
                    message,
                }));
            if !outcome.directives.is_empty() {
                directives.insert(outcome.path, outcome.directives);
            }
        }

        let model = if self.project_rules.is_empty() && !self.settings.keep_model {
            None
        } else {
            let built = panic_guard::catch(|| {
                ProjectModel::build(
                    all_facts,
                    self.settings.sql_dialect,
                    self.settings.services.clone(),
                )
            });
            match built {
                Ok(model) => Some(model),
                Err(message) => {
                    result.errors.push(ScanError {
                        path: "<project>".to_string(),
                        message: format!(
                            "internal error while building the project model: {message}"
                        ),
                    });
                    None
                }
            }
        };
        if let Some(model) = &model {
            for &id in &self.project_rules {
                let mut raw = Vec::new();
                let run = panic_guard::catch(|| {
                    let mut ctx = ProjectContext {
                        rule: id,
                        out: &mut raw,
                    };
                    self.registry.get(id).check_project(model, &mut ctx);
                });
                match run {
                    Ok(()) => {
                        findings.extend(raw.into_iter().map(|(id, d)| self.project_finding(id, d)))
                    }
                    Err(message) => result.errors.push(ScanError {
                        path: "<project>".to_string(),
                        message: format!(
                            "internal error in project rule `{}`: {message}",
                            self.registry.get(id).meta().name
                        ),
                    }),
                }
            }
        }

        findings.retain(|finding| {
            let (Some(path), Some(id)) = (&finding.path, self.registry.id(&finding.rule)) else {
                return true;
            };
            !self.settings.per_file_ignores.is_ignored(path, id)
        });
        let mut findings = self.apply_suppressions(findings, &directives, &mut result.warnings);
        finalize(&mut findings);
        result.findings = findings;
        if self.settings.keep_model {
            result.model = model;
        }
        result.skipped.sort();
        result.errors.sort_by(|a, b| a.path.cmp(&b.path));
        result.notes.sort_by(|a, b| a.path.cmp(&b.path));
        result.warnings.sort();
        result
    }

    /// Drops suppressed findings and adds findings about the suppressions
    /// themselves: without a reason, suppressing nothing, naming no rule.
    fn apply_suppressions(
        &self,
        findings: Vec<Finding>,
        directives: &HashMap<String, Vec<Directive>>,
        warnings: &mut Vec<String>,
    ) -> Vec<Finding> {
        let mut used: std::collections::HashSet<(String, usize, String)> =
            std::collections::HashSet::new();
        let mut kept: Vec<Finding> = findings
            .into_iter()
            .filter(|finding| {
                let (Some(path), Some(start), Some(end)) =
                    (&finding.path, finding.start, finding.end)
                else {
                    return true;
                };
                let Some(list) = directives.get(path) else {
                    return true;
                };
                match list
                    .iter()
                    .position(|d| d.covers(&finding.rule, start.line, end.line))
                {
                    Some(index) => {
                        used.insert((path.clone(), index, finding.rule.clone()));
                        false
                    }
                    None => true,
                }
            })
            .collect();

        let unused_rule = self
            .registry
            .id(UNUSED_SUPPRESSION)
            .filter(|&id| self.is_enabled(id));
        let reasonless_rule = self
            .registry
            .id(SUPPRESSION_WITHOUT_REASON)
            .filter(|&id| self.is_enabled(id));
        let mut paths: Vec<&String> = directives.keys().collect();
        paths.sort();
        for path in paths {
            for (index, directive) in directives[path].iter().enumerate() {
                if directive.implicit {
                    continue;
                }
                let known: Vec<RuleId> = directive
                    .rules
                    .iter()
                    .filter_map(|r| self.registry.id(r))
                    .collect();
                if let (Some(meta_rule), None, Some(&first)) =
                    (reasonless_rule, &directive.reason, known.first())
                {
                    kept.push(self.suppression_finding(
                        meta_rule,
                        first,
                        path,
                        directive,
                        format!(
                            "this suppression of `{}` gives no reason; write why the finding does not apply after the `]`",
                            directive.rules.join("`, `")
                        ),
                        None,
                    ));
                }
                if directive.rules.is_empty() {
                    warnings.push(format!(
                        "{path}:{}: suppression names no rule",
                        directive.line
                    ));
                }
                for name in &directive.rules {
                    match self.registry.id(name) {
                        None => match (
                            unused_rule,
                            self.registry
                                .suggest(name)
                                .and_then(|s| self.registry.id(s)),
                        ) {
                            (Some(meta_rule), Some(suggested)) => {
                                let suggestion = self.registry.get(suggested).meta().name.clone();
                                kept.push(self.suppression_finding(
                                    meta_rule,
                                    suggested,
                                    path,
                                    directive,
                                    format!("`{name}` is not a redflag rule, so this suppression does nothing"),
                                    Some(format!("did you mean `{suggestion}`?")),
                                ));
                            }
                            _ => warnings.push(format!(
                                "{path}:{}: suppression names unknown rule `{name}`",
                                directive.line
                            )),
                        },
                        Some(id) if !self.is_enabled(id) => {}
                        Some(id) => {
                            if let Some(meta_rule) = unused_rule {
                                if !used.contains(&(path.clone(), index, name.clone())) {
                                    kept.push(self.suppression_finding(
                                        meta_rule,
                                        id,
                                        path,
                                        directive,
                                        format!("`{name}` reports nothing here, so this suppression does nothing"),
                                        Some("remove the suppression".to_string()),
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
        kept
    }

    fn suppression_finding(
        &self,
        meta_rule: RuleId,
        suppressed: RuleId,
        path: &str,
        directive: &Directive,
        message: String,
        help: Option<String>,
    ) -> Finding {
        let draft = Draft {
            location: Some(Location {
                path: path.to_string(),
                range: directive.range.clone(),
                start: directive.start,
                end: directive.end,
                text: String::new(),
            }),
            message,
            help,
            severity: None,
            confidence: None,
            sensitive: false,
            secret: None,
            basis: Some(format!(
                "{}:{}",
                directive.rules.join(","),
                directive.reason.as_deref().unwrap_or("")
            )),
        };
        self.assemble(meta_rule, suppressed, draft)
    }
}

/// Runs one built-in rule over one in-memory file (test code written
/// indented, as in rule examples), for rules' own tests.
#[cfg(test)]
pub(crate) fn findings_of_rule(rule: &str, path: &str, kind: FileKind, code: &str) -> Vec<Finding> {
    let registry = Registry::builtin().expect("built-in rules load");
    let enabled = registry
        .rules()
        .iter()
        .map(|r| r.meta().name == rule)
        .collect();
    let engine = Engine::new(registry, enabled, Settings::default());
    engine
        .scan_sources(vec![SourceInput {
            path: path.to_string(),
            kind,
            text: crate::rule::unindent(code),
        }])
        .findings
}
