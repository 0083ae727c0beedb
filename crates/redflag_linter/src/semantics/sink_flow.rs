//! What a handler does with a value between reading it and handing it to a
//! sink: the call's arguments, the binding a local name last received, and
//! the guard lines written before the sink.
//!
//! [`super::request_data`] answers "is this request data?"; the injection
//! rules also need "how was it built?" (is the host of a URL a constant
//! prefix, is a filter value coerced to a string) and "was it checked?"
//! (a containment or allow-list test on the same name earlier in the
//! handler). Both are read here, locally and textually: a guard is a line
//! of the handler, above the sink, that names the value and a checking
//! call. A check in another function is not seen.

use redflag_syntax::tree_sitter::Node;

use super::request_data::RequestFlow;
use super::walk;
use crate::source::SourceFile;

pub use super::sinks::{arguments, keyword, positionals as positional};

/// Most nodes read when listing the names inside an expression.
const MAX_NAMES_VISITED: usize = 5_000;

/// The request-data names (per `flow`) that occur in `node`, in source
/// order, without repeats.
#[must_use]
pub fn tainted_names_in(file: &SourceFile, flow: &RequestFlow, node: Node<'_>) -> Vec<String> {
    let known = flow.names();
    let mut found: Vec<String> = Vec::new();
    let mut budget = MAX_NAMES_VISITED;
    walk(node, |n| {
        budget = budget.saturating_sub(1);
        if matches!(
            n.kind(),
            "identifier" | "shorthand_property_identifier" | "shorthand_field_identifier"
        ) {
            let name = file.text_of(n);
            if known.contains(&name) && !found.iter().any(|f| f == name) {
                found.push(name.to_string());
            }
        }
        budget > 0
    });
    found
}

/// The last value bound to `name` inside `scope` before byte `before`.
#[derive(Debug, Clone, Copy)]
pub struct Binding<'t> {
    /// The right-hand side.
    pub value: Node<'t>,
    /// True when `name` is one of several names a pattern took apart
    /// (`const { user } = req.body`, `let Json(body) = …`): the value is
    /// the whole that the name is a piece of.
    pub destructured: bool,
}

/// The binding of `name` that reaches byte `before` in `scope`: the last
/// assignment or declaration above it (Python `=`/`:=`, JS `const`/`let`/
/// `=`, Rust `let`).
#[must_use]
pub fn binding_before<'t>(
    file: &SourceFile,
    scope: Node<'t>,
    name: &str,
    before: usize,
) -> Option<Binding<'t>> {
    let mut last: Option<Binding<'t>> = None;
    walk(scope, |node| {
        if node.start_byte() >= before {
            return false;
        }
        let (target, value) = match node.kind() {
            "assignment" | "assignment_expression" => (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ),
            "named_expression" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            "variable_declarator" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            "let_declaration" => (
                node.child_by_field_name("pattern"),
                node.child_by_field_name("value"),
            ),
            _ => (None, None),
        };
        if let (Some(target), Some(value)) = (target, value) {
            if value.end_byte() <= before {
                if target.kind() == "identifier" && file.text_of(target) == name {
                    last = Some(Binding {
                        value,
                        destructured: false,
                    });
                } else if target.kind() != "identifier" && pattern_binds(file, target, name) {
                    last = Some(Binding {
                        value,
                        destructured: true,
                    });
                }
            }
        }
        true
    });
    last
}

/// True when a destructuring pattern binds `name` (not as a key only).
fn pattern_binds(file: &SourceFile, pattern: Node<'_>, name: &str) -> bool {
    let mut found = false;
    walk(pattern, |node| {
        if found {
            return false;
        }
        match node.kind() {
            "identifier"
            | "shorthand_property_identifier_pattern"
            | "shorthand_field_identifier" => {
                if file.text_of(node) == name {
                    // `{ key: local }`: the key is a property identifier,
                    // not an identifier, so any identifier here binds.
                    found = true;
                }
                false
            }
            // `obj.attr = …` is not a binding of `attr`.
            "attribute" | "member_expression" | "field_expression" | "subscript" => false,
            _ => true,
        }
    });
    found
}

/// The lines of `scope` that end before byte `before`: where guards sit.
#[must_use]
pub fn lines_before<'a>(file: &'a SourceFile, scope: Node<'_>, before: usize) -> Vec<&'a str> {
    let start = scope.start_byte();
    if before <= start {
        return Vec::new();
    }
    // The line holding the sink may also hold its guard (`x if ok(x) else`),
    // but a sink never guards itself: stop at the sink.
    file.slice(start..before).lines().collect()
}

/// True when `line` names `name` as a whole word (`target`, not
/// `target_url`).
#[must_use]
pub fn mentions(line: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut from = 0;
    while let Some(at) = line[from..].find(name) {
        let start = from + at;
        let end = start + name.len();
        let before_ok = line[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word(c));
        let after_ok = line[end..].chars().next().is_none_or(|c| !is_word(c));
        if before_ok && after_ok {
            return true;
        }
        from = end;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_whole_words_only() {
        assert!(mentions("if not target.is_relative_to(BASE):", "target"));
        assert!(!mentions("if not target_url.startswith(x):", "target"));
        assert!(mentions("(u)", "u"));
        assert!(!mentions("url", "u"));
    }
}
