//! Raw SQL handed to a driver: the sinks each language's drivers offer
//! (`cursor.execute`, `pool.query`, `sqlx::query`, …), the SQL string each
//! one receives — written in place, in a local variable or a module
//! constant, whole or built from pieces — and, for query facts, what that
//! SQL does ([`shape`]).
//!
//! The same sink list serves two readers: query facts for the data model,
//! and the `sql-built-from-strings` rule, which asks of every sink how its
//! string was built and what went into the holes. A call counts as a sink
//! by its method name, the import of a driver where the name alone is too
//! common, and — for the common names — by its string reading as SQL, so
//! an unrelated `.query()` or `.execute()` stays quiet.

mod eval;
mod js;
mod python;
mod rust;
pub(crate) mod shape;

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use crate::facts::data::{QueryFact, QueryNames};
use crate::source::SourceFile;

/// How a SQL string was put together, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Construction {
    Literal,
    Concatenation,
    FString,
    FormatMethod,
    Percent,
    FormatMacro,
    Template,
}

impl Construction {
    /// How the rule names the construction: "built with an f-string".
    #[must_use]
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Construction::Literal => "written as a literal",
            Construction::Concatenation => "built by string concatenation",
            Construction::FString => "built with an f-string",
            Construction::FormatMethod => "built with `.format()`",
            Construction::Percent => "built with `%` formatting",
            Construction::FormatMacro => "built with `format!`",
            Construction::Template => "built with a template literal",
        }
    }
}

/// A value spliced into a SQL string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hole {
    /// The expression as written (whitespace collapsed, cut short).
    pub text: String,
    /// A literal, an `UPPER_CASE` constant, a number conversion, a list of
    /// driver placeholders, or a local bound only to such values.
    pub constant: bool,
}

/// One SQL string a sink may receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SqlString {
    /// The SQL with every hole written as `$1`.
    pub text: String,
    pub construction: Construction,
    pub holes: Vec<Hole>,
}

impl SqlString {
    pub(crate) fn literal(text: impl Into<String>) -> SqlString {
        SqlString {
            text: text.into(),
            construction: Construction::Literal,
            holes: Vec::new(),
        }
    }

    /// True when a hole is not known to be constant.
    #[must_use]
    pub(crate) fn has_open_holes(&self) -> bool {
        self.holes.iter().any(|h| !h.constant)
    }

    fn push_hole(&mut self, hole: Hole, construction: Construction) {
        self.text.push_str(shape::HOLE);
        self.holes.push(hole);
        if self.construction == Construction::Literal {
            self.construction = construction;
        }
    }

    /// Appends another string; the first way of building one names it.
    fn append(&mut self, other: SqlString) {
        self.text.push_str(&other.text);
        if self.construction == Construction::Literal && !other.holes.is_empty() {
            self.construction = other.construction;
        }
        self.holes.extend(other.holes);
    }
}

/// Whether the SQL a sink receives reaches the database as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Safety {
    /// The string goes to the database as written: holes are injection.
    Raw,
    /// A tagged template (`$queryRaw\`…\``, `sql\`…\``): holes become
    /// bound parameters.
    Parameterised,
    /// A `sqlx::query!` macro: a literal checked at compile time.
    Checked,
}

/// What a sink takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expects {
    /// A whole statement (`cursor.execute`, `pool.query`).
    Statement,
    /// A piece of SQL inside a builder (`whereRaw`, `text()`, `RawSQL`,
    /// `Sequelize.literal`).
    Fragment,
}

/// A call that hands SQL to a database driver.
#[derive(Debug, Clone)]
pub(crate) struct Sink<'t> {
    /// The callee as written: `cursor.execute`, `sqlx::query!`.
    pub api: String,
    pub call: Node<'t>,
    /// The SQL argument as written at the call.
    pub argument: Node<'t>,
    /// The strings the argument may hold: one, or one per assignment when a
    /// local variable is assigned in branches.
    pub strings: Vec<SqlString>,
    pub safety: Safety,
    pub expects: Expects,
    /// How to pass values instead, for the rule's help.
    pub parameters: &'static str,
}

/// The sink a call node is, if any: a `call` (Python), `call_expression`
/// (JavaScript/TypeScript, Rust) or `macro_invocation` (Rust).
pub(crate) fn sink_at<'t>(file: &SourceFile, node: Node<'t>) -> Option<Sink<'t>> {
    let language = file.kind.language()?;
    let sink = match language {
        Language::Python => python::sink(file, node),
        Language::Rust => rust::sink(file, node),
        _ => js::sink(file, node),
    }?;
    let reads_as_sql = match sink.expects {
        Expects::Fragment => true,
        Expects::Statement => sink.strings.iter().any(|s| shape::mentions_sql(&s.text)),
    };
    (reads_as_sql && !sink.strings.is_empty()).then_some(sink)
}

/// Longest callee text kept as a sink's API name.
const MAX_API_CHARS: usize = 60;

/// The callee as written: its path when it is one (`cursor.execute`,
/// `sqlx::query`), else its text without whitespace, cut short.
fn api_text(file: &SourceFile, language: Language, call: Node<'_>, function: Node<'_>) -> String {
    if let Some(path) = crate::semantics::callee_path(file, language, call) {
        return path;
    }
    let text = crate::semantics::compact(file.text_of(function));
    let extra = text.chars().count().saturating_sub(MAX_API_CHARS);
    match text.char_indices().nth(extra) {
        Some((cut, _)) if extra > 0 => format!("…{}", &text[cut..]),
        _ => text,
    }
}

/// The names of every sink of a language, for finding candidate calls in
/// the text before any tree is walked.
fn sink_names(language: Language) -> Vec<&'static str> {
    match language {
        Language::Python => python::NAMES.to_vec(),
        Language::Rust => rust::NAMES.to_vec(),
        _ => js::NAMES.to_vec(),
    }
}

fn name_matcher(language: Language) -> Option<&'static aho_corasick::AhoCorasick> {
    static MATCHERS: std::sync::OnceLock<[Option<aho_corasick::AhoCorasick>; 3]> =
        std::sync::OnceLock::new();
    let matchers = MATCHERS.get_or_init(|| {
        [Language::Python, Language::Rust, Language::JavaScript].map(|language| {
            aho_corasick::AhoCorasickBuilder::new()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(sink_names(language))
                .ok()
        })
    });
    let index = match language {
        Language::Python => 0,
        Language::Rust => 1,
        _ => 2,
    };
    matchers[index].as_ref()
}

/// Byte ranges of sink names written as a callee: a whole word followed
/// by `(`, `!`, a template literal or generic arguments.
fn candidate_names(language: Language, text: &str) -> Vec<(usize, usize)> {
    let Some(matcher) = name_matcher(language) else {
        return Vec::new();
    };
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    matcher
        .find_iter(text)
        .filter(|m| {
            let before = m.start().checked_sub(1).map(|i| bytes[i]);
            let after = bytes[m.end()..].iter().find(|b| !b.is_ascii_whitespace());
            !before.is_some_and(is_word)
                && !bytes.get(m.end()).is_some_and(|&b| is_word(b))
                && matches!(after, Some(b'(' | b'!' | b'`' | b':' | b'<'))
        })
        .map(|m| (m.start(), m.end()))
        .collect()
}

/// Node kinds between a callee's name and its call.
const CALLEE_PARTS: &[&str] = &[
    "identifier",
    "property_identifier",
    "field_identifier",
    "attribute",
    "member_expression",
    "field_expression",
    "scoped_identifier",
    "generic_function",
];

/// The call a callee name belongs to.
fn call_of(root: Node<'_>, name: (usize, usize)) -> Option<Node<'_>> {
    let mut node = root.descendant_for_byte_range(name.0, name.1)?;
    for _ in 0..8 {
        if matches!(node.kind(), "call" | "call_expression" | "macro_invocation") {
            return Some(node);
        }
        if !CALLEE_PARTS.contains(&node.kind()) {
            return None;
        }
        node = node.parent()?;
    }
    None
}

/// True when the text holds a query keyword, in any case.
fn mentions_a_query_keyword(text: &str) -> bool {
    static MATCHER: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    MATCHER
        .get_or_init(|| {
            aho_corasick::AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(["select", "insert", "update", "delete"])
                .ok()
        })
        .as_ref()
        .is_some_and(|m| m.is_match(text))
}

/// The queries one code file runs through raw SQL. Candidate calls are
/// found from the sink names in the text, so the tree is parsed only for
/// files that call a sink, and never walked whole.
pub(super) fn collect(file: &SourceFile) -> Vec<QueryFact> {
    let Some(language) = file.kind.language() else {
        return Vec::new();
    };
    if !mentions_a_query_keyword(&file.text) {
        return Vec::new();
    }
    let names = candidate_names(language, &file.text);
    if names.is_empty() {
        return Vec::new();
    }
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    let root = tree.root_node();
    let mut seen = Vec::new();
    let mut facts = Vec::new();
    for name in names {
        let Some(call) = call_of(root, name) else {
            continue;
        };
        if seen.contains(&call.id()) {
            continue;
        }
        seen.push(call.id());
        if let Some(sink) = sink_at(file, call) {
            facts.extend(facts_of(file, language, &sink));
        }
    }
    facts
}

/// The string reader of a language.
fn grammar(language: Language) -> &'static dyn eval::Grammar {
    match language {
        Language::Python => &python::PythonGrammar,
        Language::Rust => &rust::RustGrammar,
        _ => &js::JsGrammar,
    }
}

fn facts_of(file: &SourceFile, language: Language, sink: &Sink<'_>) -> Vec<QueryFact> {
    let shapes: Vec<shape::Shape> = sink
        .strings
        .iter()
        .filter(|s| shape::looks_like_query(&s.text))
        .flat_map(|s| shape::analyse(&s.text))
        .filter(|s| !s.tables.is_empty())
        .collect();
    if shapes.is_empty() {
        return Vec::new();
    }
    let context = eval::call_context(file, grammar(language), sink.call);
    let location = file.location(sink.argument.byte_range());
    let one_row = fetches_one_row(file, sink.call);
    shapes
        .into_iter()
        .map(|shape| QueryFact {
            location: location.clone(),
            api: sink.api.clone(),
            names: QueryNames::Tables,
            tables: shape.tables,
            uses: shape.uses,
            limited: shape.limited || one_row,
            reads: shape.reads,
            in_loop: context.in_loop,
            function: context.function.clone(),
        })
        .collect()
}

/// Sink and fetch methods that return at most one row.
const ONE_ROW_METHODS: &[&str] = &[
    "fetchrow",
    "fetchval",
    "fetch_one",
    "fetch_val",
    "fetch_optional",
    "fetchone",
    "query_one",
    "query_opt",
    "query_row",
    "get_result",
    "first",
    "one",
    "one_or_none",
    "oneOrNone",
    "scalar",
    "scalar_one",
    "scalar_one_or_none",
];

/// Builder calls followed from a sink to the call that fetches its rows.
const MAX_CHAIN: usize = 16;

/// True when the sink, or a call chained on it (`.bind(…).fetch_one(…)`,
/// `.execute(…).fetchone()`), returns at most one row.
fn fetches_one_row(file: &SourceFile, call: Node<'_>) -> bool {
    let method_of = |call: Node<'_>| {
        let function = call.child_by_field_name("function")?;
        let name = match function.kind() {
            "attribute" => function.child_by_field_name("attribute"),
            "member_expression" => function.child_by_field_name("property"),
            "field_expression" => function.child_by_field_name("field"),
            _ => None,
        }?;
        Some(file.text_of(name))
    };
    let mut current = call;
    for _ in 0..MAX_CHAIN {
        if method_of(current).is_some_and(|m| ONE_ROW_METHODS.contains(&m)) {
            return true;
        }
        // Up through `await`, parentheses and `?` to the member access
        // the next call is made on.
        let mut parent = current.parent();
        while let Some(node) = parent.filter(|p| {
            matches!(
                p.kind(),
                "await" | "await_expression" | "parenthesized_expression" | "try_expression"
            )
        }) {
            parent = node.parent();
        }
        let Some(access) = parent.filter(|p| {
            matches!(
                p.kind(),
                "attribute" | "member_expression" | "field_expression"
            )
        }) else {
            return false;
        };
        match access
            .parent()
            .filter(|p| matches!(p.kind(), "call" | "call_expression"))
        {
            Some(next) => current = next,
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests;
