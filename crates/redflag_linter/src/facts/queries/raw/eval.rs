//! Reading the SQL string a sink receives, the same way in every language:
//! each language says how its strings, formatting and assignments look
//! ([`Grammar`]); this module follows local variables (assigned in the same
//! function, or module constants), glues the pieces together and judges
//! every hole.
//!
//! Every search is bounded: variables are followed a few assignments
//! deep, and a scope is walked with a cursor over a bounded number of
//! nodes.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use redflag_syntax::tree_sitter::Node;

use super::{Construction, Hole, SqlString};
use crate::facts::routes::walk;
use crate::source::SourceFile;

/// How far a variable is followed through other variables.
const MAX_DEPTH: usize = 4;
/// Nodes visited when looking for a variable's assignments.
const MAX_SCOPE_NODES: usize = 20_000;
/// Expressions read at one call: a hostile file whose variables fan out
/// into each other gives up here instead of growing exponentially.
const MAX_STEPS: usize = 5_000;
/// Longest hole text kept for messages.
const MAX_HOLE_CHARS: usize = 48;

/// A piece of a string expression.
#[derive(Clone)]
pub(super) enum Piece<'t> {
    /// Literal SQL text.
    Text(String),
    /// A value spliced in: the node when it is one, and its text.
    Hole {
        node: Option<Node<'t>>,
        text: String,
    },
    /// An operand of a concatenation: a string expression when it can be
    /// read as one, else a hole.
    Operand(Node<'t>),
}

/// What an assignment does to a variable.
#[derive(Clone)]
pub(super) enum Assigned<'t> {
    /// `x = value`, `let x = value`.
    Set(Node<'t>),
    /// `x += value`, `x.push_str(value)`.
    Append(Node<'t>),
    /// `write!(x, "…", …)`: pieces appended.
    AppendPieces(Vec<Piece<'t>>, Construction),
    /// `x.append(item)`, `x.push(item)`: an item added to a list.
    Push(Node<'t>),
}

/// The shape of one language's strings, assignments and functions.
pub(super) trait Grammar {
    /// Node kinds that open a function scope.
    fn function_kinds(&self) -> &'static [&'static str];
    /// The value inside wrappers that do not change it (parentheses,
    /// references, `.as_str()`, `await`).
    fn unwrap<'t>(&self, file: &SourceFile, node: Node<'t>) -> Node<'t>;
    /// A string expression written in place, as pieces, with how it is
    /// built; `None` when the node is not one.
    fn pieces<'t>(
        &self,
        file: &SourceFile,
        node: Node<'t>,
    ) -> Option<(Vec<Piece<'t>>, Construction)>;
    /// The name, when the node is a plain identifier.
    fn identifier<'a>(&self, file: &'a SourceFile, node: Node<'_>) -> Option<&'a str>;
    /// If `node` assigns to `name`, what it assigns.
    fn assignment<'t>(&self, file: &SourceFile, node: Node<'t>, name: &str)
        -> Option<Assigned<'t>>;
    /// The branches of a conditional expression (`a if c else b`,
    /// `c ? a : b`).
    fn branches<'t>(&self, _node: Node<'t>) -> Option<[Node<'t>; 2]> {
        None
    }
    /// The items of a list, array or `vec![]` literal.
    fn elements<'t>(&self, file: &SourceFile, node: Node<'t>) -> Option<Vec<Node<'t>>>;
    /// Literals: strings without holes, numbers, booleans, null.
    fn is_literal(&self, file: &SourceFile, node: Node<'_>) -> bool;
    /// A variable whose declared type cannot carry SQL (a Rust `i64`
    /// parameter).
    fn typed_constant(&self, _file: &SourceFile, _scope: Node<'_>, _name: &str) -> bool {
        false
    }
    /// True when `child` is the part of loop `parent` that runs per
    /// iteration.
    fn loop_part(&self, parent: Node<'_>, child: Node<'_>) -> bool;
    /// True for a function passed to `.forEach`/`.map`/`.for_each`.
    fn iteration_callback(&self, file: &SourceFile, function: Node<'_>) -> bool;
    fn function_name(&self, file: &SourceFile, function: Node<'_>) -> Option<String>;
}

/// Where a call runs, for query facts.
pub(super) struct CallContext {
    pub in_loop: bool,
    pub function: Option<String>,
}

/// Whether a call runs in a loop of its function, and the function's name
/// (iteration callbacks are part of the function around them; anonymous
/// functions end the loop search but not the name search).
pub(super) fn call_context(
    file: &SourceFile,
    grammar: &dyn Grammar,
    call: Node<'_>,
) -> CallContext {
    let mut context = CallContext {
        in_loop: false,
        function: None,
    };
    let mut inside_function = false;
    let mut child = call;
    let mut current = call.parent();
    while let Some(node) = current {
        if !inside_function && grammar.loop_part(node, child) {
            context.in_loop = true;
        }
        if grammar.function_kinds().contains(&node.kind()) {
            if grammar.iteration_callback(file, node) {
                context.in_loop |= !inside_function;
            } else {
                inside_function = true;
                if let Some(name) = grammar.function_name(file, node) {
                    context.function = Some(name);
                    break;
                }
            }
        }
        child = node;
        current = node.parent();
    }
    context
}

/// Reads string expressions at one call.
pub(super) struct Eval<'a, 't> {
    pub file: &'a SourceFile,
    pub grammar: &'a dyn Grammar,
    /// The call the strings reach: assignments after it do not count.
    call: Node<'t>,
    /// The functions around the call, innermost first.
    scopes: Vec<Node<'t>>,
    root: Node<'t>,
    /// Assignments found per variable name: a string with many holes
    /// naming the same variable walks its scope once.
    found: RefCell<HashMap<String, Vec<Assigned<'t>>>>,
    /// Steps left before reading gives up.
    steps: Cell<usize>,
}

impl<'a, 't> Eval<'a, 't> {
    pub(super) fn new(file: &'a SourceFile, grammar: &'a dyn Grammar, call: Node<'t>) -> Self {
        let mut scopes = Vec::new();
        let mut root = call;
        let mut current = call.parent();
        while let Some(node) = current {
            if grammar.function_kinds().contains(&node.kind()) {
                scopes.push(node);
            }
            root = node;
            current = node.parent();
        }
        Eval {
            file,
            grammar,
            call,
            scopes,
            root,
            found: RefCell::new(HashMap::new()),
            steps: Cell::new(MAX_STEPS),
        }
    }

    /// Takes one step of the budget; false once it is spent.
    fn step(&self) -> bool {
        let left = self.steps.get();
        self.steps.set(left.saturating_sub(1));
        left > 0
    }

    /// The strings an expression may hold (empty when it is not a string
    /// expression this reader understands).
    pub(super) fn strings(&self, node: Node<'t>) -> Vec<SqlString> {
        self.strings_at(node, 0)
    }

    fn strings_at(&self, node: Node<'t>, depth: usize) -> Vec<SqlString> {
        if depth > MAX_DEPTH || !self.step() {
            return Vec::new();
        }
        let node = self.grammar.unwrap(self.file, node);
        if let Some(name) = self.grammar.identifier(self.file, node) {
            return self.resolve(name, depth + 1);
        }
        if let Some(branches) = self.grammar.branches(node) {
            return branches
                .into_iter()
                .flat_map(|branch| self.strings_at(branch, depth + 1))
                .collect();
        }
        match self.grammar.pieces(self.file, node) {
            Some((pieces, construction)) => vec![self.assemble(pieces, construction, depth)],
            None => Vec::new(),
        }
    }

    pub(super) fn assemble(
        &self,
        pieces: Vec<Piece<'t>>,
        construction: Construction,
        depth: usize,
    ) -> SqlString {
        let mut out = SqlString::literal("");
        for piece in pieces {
            match piece {
                Piece::Text(text) => out.text.push_str(&text),
                Piece::Operand(node) => {
                    let mut strings = self.strings_at(node, depth + 1);
                    let one = strings.len() == 1 || strings.iter().all(|s| !s.has_open_holes());
                    if one && !strings.is_empty() {
                        out.append(strings.swap_remove(0));
                    } else {
                        let text = self.file.text_of(node).to_string();
                        self.splice(&mut out, Some(node), &text, construction, depth);
                    }
                }
                Piece::Hole { node, text } => {
                    self.splice(&mut out, node, &text, construction, depth);
                }
            }
        }
        out
    }

    /// Adds a hole, or the text of a local bound to a constant string.
    fn splice(
        &self,
        out: &mut SqlString,
        node: Option<Node<'t>>,
        text: &str,
        how: Construction,
        depth: usize,
    ) {
        if let Some(name) = self.name_of(node, text) {
            let resolved = self.resolve(name, depth + 1);
            if let Some(first) = resolved.first() {
                if resolved.iter().all(|s| s.holes.iter().all(|h| h.constant)) {
                    out.append(first.clone());
                    return;
                }
            }
        }
        let hole = Hole {
            text: short(text),
            constant: self.is_constant(node, text, depth),
        };
        out.push_hole(hole, how);
    }

    fn name_of<'s>(&self, node: Option<Node<'t>>, text: &'s str) -> Option<&'s str>
    where
        'a: 's,
    {
        match node {
            Some(node) => self
                .grammar
                .identifier(self.file, self.grammar.unwrap(self.file, node)),
            None => is_identifier(text.trim()).then(|| text.trim()),
        }
    }

    /// True when a hole cannot carry input into the SQL.
    fn is_constant(&self, node: Option<Node<'t>>, text: &str, depth: usize) -> bool {
        if !self.step() {
            return false;
        }
        if let Some(node) = node {
            let node = self.grammar.unwrap(self.file, node);
            if self.grammar.is_literal(self.file, node) {
                return true;
            }
        }
        if constant_text(text) {
            return true;
        }
        if let Some(list) = joined_list(text) {
            return depth <= MAX_DEPTH && self.list_is_constant(list, depth + 1);
        }
        let Some(name) = self.name_of(node, text) else {
            return false;
        };
        let scope = self.scopes.first().copied().unwrap_or(self.root);
        if self.grammar.typed_constant(self.file, scope, name) {
            return true;
        }
        if depth > MAX_DEPTH {
            return false;
        }
        let assignments = self.assignments(name);
        !assignments.is_empty()
            && assignments.iter().all(|assigned| match assigned {
                Assigned::Set(value) | Assigned::Append(value) => {
                    let text = self.file.text_of(*value);
                    self.is_constant(Some(*value), text, depth + 1)
                        || self.closed(*value, depth + 1)
                }
                Assigned::AppendPieces(..) | Assigned::Push(_) => false,
            })
    }

    /// True when an expression is a string whose every reading has only
    /// constant holes.
    fn closed(&self, node: Node<'t>, depth: usize) -> bool {
        let strings = self.strings_at(node, depth);
        !strings.is_empty() && strings.iter().all(|s| !s.has_open_holes())
    }

    /// True when every item a local list is given is constant: the
    /// `" AND ".join(conditions)` of a dynamic `WHERE` whose conditions
    /// are literals with placeholders.
    fn list_is_constant(&self, name: &str, depth: usize) -> bool {
        let constant_item = |item: Node<'t>| {
            let text = self.file.text_of(item);
            self.is_constant(Some(item), text, depth + 1) || self.closed(item, depth + 1)
        };
        let assignments = self.assignments(name);
        !assignments.is_empty()
            && assignments.iter().all(|assigned| match assigned {
                Assigned::Set(value) | Assigned::Append(value) => self
                    .grammar
                    .elements(self.file, self.grammar.unwrap(self.file, *value))
                    .is_some_and(|items| items.into_iter().all(constant_item)),
                Assigned::Push(item) => constant_item(*item),
                Assigned::AppendPieces(..) => false,
            })
    }

    /// The strings a variable may hold at the call.
    fn resolve(&self, name: &str, depth: usize) -> Vec<SqlString> {
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let mut candidates: Vec<Option<SqlString>> = Vec::new();
        for assigned in self.assignments(name) {
            match assigned {
                Assigned::Set(value) => {
                    candidates.push(self.strings_at(value, depth).into_iter().next());
                }
                Assigned::Append(value) => {
                    if let Some(Some(last)) = candidates.last_mut() {
                        match self.strings_at(value, depth).into_iter().next() {
                            Some(string) => last.append(string),
                            None => {
                                let text = self.file.text_of(value).to_string();
                                let mut tail = SqlString::literal("");
                                self.splice(
                                    &mut tail,
                                    Some(value),
                                    &text,
                                    Construction::Concatenation,
                                    depth,
                                );
                                last.append(tail);
                            }
                        }
                    }
                }
                Assigned::AppendPieces(pieces, construction) => {
                    if let Some(Some(last)) = candidates.last_mut() {
                        last.append(self.assemble(pieces, construction, depth));
                    }
                }
                Assigned::Push(_) => {}
            }
        }
        candidates.into_iter().flatten().collect()
    }

    /// Assignments to a variable before the call in the innermost function
    /// that has some, else module-level ones (anywhere in the file when the
    /// call is inside a function, which may run later).
    fn assignments(&self, name: &str) -> Vec<Assigned<'t>> {
        if let Some(found) = self.found.borrow().get(name) {
            return found.clone();
        }
        let found = self.find_assignments(name);
        self.found
            .borrow_mut()
            .insert(name.to_string(), found.clone());
        found
    }

    fn find_assignments(&self, name: &str) -> Vec<Assigned<'t>> {
        let before = self.call.start_byte();
        for scope in &self.scopes {
            let local = self.assignments_in(*scope, name, Some(before));
            if !local.is_empty() {
                return local;
            }
        }
        let before = self.scopes.is_empty().then_some(before);
        self.assignments_in(self.root, name, before)
    }

    fn assignments_in(
        &self,
        scope: Node<'t>,
        name: &str,
        before: Option<usize>,
    ) -> Vec<Assigned<'t>> {
        let functions = self.grammar.function_kinds();
        let mut found = Vec::new();
        let mut budget = MAX_SCOPE_NODES;
        walk(scope, |node| {
            if budget == 0 || before.is_some_and(|b| node.start_byte() >= b) {
                return false;
            }
            budget -= 1;
            if node.id() != scope.id() && functions.contains(&node.kind()) {
                return false;
            }
            if let Some(assigned) = self.grammar.assignment(self.file, node, name) {
                found.push(assigned);
            }
            true
        });
        found
    }
}

/// The list a `join` hole joins: `" AND ".join(conditions)` (Python),
/// `conditions.join(" AND ")` (JavaScript, Rust).
fn joined_list(text: &str) -> Option<&str> {
    let text = text.trim();
    let (before, after) = text.split_once(".join(")?;
    let argument = after.strip_suffix(')')?.trim();
    if before.starts_with(['"', '\'']) && is_identifier(argument) {
        Some(argument)
    } else if is_identifier(before) {
        Some(before)
    } else {
        None
    }
}

/// `NAME`, `settings.TABLE`, `Self::COLUMNS`: an upper-case constant.
fn is_upper_name(text: &str) -> bool {
    let last = text.rsplit(['.', ':']).next().unwrap_or(text);
    !last.is_empty()
        && last.chars().any(|c| c.is_ascii_uppercase())
        && last
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | ':'))
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// Holes that are constant by their text alone: literals, upper-case
/// constants, number conversions, lists of driver placeholders and the
/// table name an ORM model declares.
pub(super) fn constant_text(text: &str) -> bool {
    let text = text.trim();
    let number = [
        "int(",
        "float(",
        "len(",
        "Number(",
        "parseInt(",
        "parseFloat(",
        "Math.",
    ]
    .iter()
    .any(|p| text.starts_with(p))
        || [".length", ".len()", ".count()"]
            .iter()
            .any(|s| text.ends_with(s))
        || [
            " as i32",
            " as i64",
            " as u32",
            " as u64",
            " as usize",
            " as f64",
        ]
        .iter()
        .any(|s| text.ends_with(s));
    let literal = text.starts_with(|c: char| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
    let orm_table = ["_meta.db_table", "__tablename__", "__table__.name"]
        .iter()
        .any(|s| text.ends_with(s));
    number
        || literal
        || orm_table
        || is_upper_name(text)
        || is_placeholder_list(text)
        || is_quoting_call(text)
}

/// `connection.ops.quote_name(table)`, `escapeId(column)`,
/// `client.escapeLiteral(value)`: a value passed through the driver's own
/// quoting.
fn is_quoting_call(text: &str) -> bool {
    let Some(callee) = text
        .strip_suffix(')')
        .and_then(|t| t.split_once('('))
        .map(|(callee, _)| callee)
    else {
        return false;
    };
    let name = callee
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(callee)
        .replace('_', "")
        .to_ascii_lowercase();
    (name.starts_with("quote") || name.starts_with("escape"))
        && callee
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | ':'))
}

/// `", ".join(["%s"] * len(ids))`, `ids.map(() => "?").join(",")`,
/// `(1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")`:
/// a list of driver placeholders, built to bind a list of values.
fn is_placeholder_list(text: &str) -> bool {
    if !(text.contains("join") || text.contains("repeat")) {
        return false;
    }
    let literals = string_literals(text);
    !literals.is_empty()
        && literals
            .iter()
            .any(|l| l.contains(['?', '$']) || l.contains("%s"))
        && literals.iter().all(|l| {
            l.replace("%s", "").chars().all(|c| {
                matches!(
                    c,
                    '?' | '$' | ',' | ' ' | '(' | ')' | ':' | '@' | '{' | '}' | '\n'
                ) || c.is_ascii_digit()
            })
        })
}

/// The contents of the string literals in a text (template and format
/// holes removed).
fn string_literals(text: &str) -> Vec<String> {
    let mut literals = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !matches!(c, '"' | '\'' | '`') {
            continue;
        }
        // `{…}` inside a literal is a template or format hole, not text.
        let mut literal = String::new();
        let mut depth = 0usize;
        while let Some(d) = chars.next() {
            match d {
                '\\' => {
                    chars.next();
                }
                '{' => depth += 1,
                '}' if depth > 0 => depth -= 1,
                d if d == c && depth == 0 => break,
                _ if depth > 0 => {}
                d => literal.push(d),
            }
        }
        literals.push(literal);
    }
    literals
}

/// A hole's text for messages: whitespace collapsed, cut short.
fn short(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.char_indices().nth(MAX_HOLE_CHARS) {
        Some((cut, _)) => format!("{}…", &joined[..cut]),
        None => joined,
    }
}

/// Decodes the common backslash escapes of a quoted string's body; other
/// escapes keep their character.
pub(super) fn unescape(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'r' | 't') => out.push(' '),
            Some('\n') => {}
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// The operands of a `+` chain (`"SELECT … " + a + b`), left to right,
/// as the pieces of a concatenation; `None` for other operators.
pub(super) fn concatenation<'t>(
    file: &SourceFile,
    node: Node<'t>,
    kind: &str,
) -> Option<(Vec<Piece<'t>>, Construction)> {
    let is_plus =
        |n: Node<'_>| n.child_by_field_name("operator").map(|o| file.text_of(o)) == Some("+");
    if !is_plus(node) {
        return None;
    }
    let mut operands = Vec::new();
    let mut current = node;
    while current.kind() == kind && is_plus(current) {
        operands.extend(current.child_by_field_name("right"));
        current = current.child_by_field_name("left")?;
    }
    operands.push(current);
    operands.reverse();
    Some((
        operands.into_iter().map(Piece::Operand).collect(),
        Construction::Concatenation,
    ))
}

/// The pieces of a brace format string (Python `.format()`, Rust
/// `format!`): text, and one hole per `{}`/`{0}`/`{name}` field resolved
/// to its argument by `hole(argument, field)`; `{{` and `}}` are braces.
/// `key_of` cuts a field to the name or index it refers to.
pub(super) fn brace_format<'t, T: Copy>(
    format: &str,
    key_of: fn(&str) -> &str,
    positional: &[T],
    named: &[(&str, T)],
    mut hole: impl FnMut(Option<T>, &str) -> Piece<'t>,
) -> Vec<Piece<'t>> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut next = 0usize;
    let mut chars = format.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '{' if chars.peek().is_some_and(|&(_, d)| d == '{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek().is_some_and(|&(_, d)| d == '}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let Some(close) = format[at..].find('}') else {
                    text.push(c);
                    continue;
                };
                let field = &format[at + 1..at + close];
                while chars.peek().is_some_and(|&(i, _)| i <= at + close) {
                    chars.next();
                }
                let key = key_of(field);
                let argument = if key.is_empty() {
                    next += 1;
                    positional.get(next - 1).copied()
                } else if let Ok(index) = key.parse::<usize>() {
                    positional.get(index).copied()
                } else {
                    named.iter().find(|(n, _)| *n == key).map(|(_, v)| *v)
                };
                pieces.push(Piece::Text(std::mem::take(&mut text)));
                pieces.push(hole(argument, field));
            }
            c => text.push(c),
        }
    }
    pieces.push(Piece::Text(text));
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_holes_by_their_text() {
        for text in [
            "TABLE",
            "settings.ORDERS_TABLE",
            "Self::COLUMNS",
            "int(limit)",
            "len(ids)",
            "ids.length",
            "42",
            "\", \".join([\"%s\"] * len(ids))",
            "ids.map(() => '?').join(',')",
            "ids.map((_, i) => `$${i + 1}`).join(', ')",
            "(1..=ids.len()).map(|i| format!(\"${i}\")).collect::<Vec<_>>().join(\", \")",
            "\"?,\".repeat(ids.len())",
            "Order._meta.db_table",
            "self.connection.ops.quote_name(table_name)",
            "connection.escapeId(req.query.sort)",
        ] {
            assert!(constant_text(text), "{text}");
        }
        for text in [
            "name",
            "request.args['q']",
            "req.query.sort",
            "\", \".join(names)",
            "\"', '\".join(names)",
            "user.Id",
            "quote_name(a) + b",
            "request.args.get(quote(x))",
        ] {
            assert!(!constant_text(text), "{text}");
        }
    }

    #[test]
    fn unescapes_common_escapes() {
        assert_eq!(unescape(r"a\nb\'c\\d"), "a b'c\\d");
        assert_eq!(short("a   very\n long"), "a very long");
    }
}
