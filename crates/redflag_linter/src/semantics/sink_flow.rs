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

pub use super::sinks::{arguments, binding_before, keyword, positionals as positional, Binding};

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
