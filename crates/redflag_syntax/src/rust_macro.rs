//! Rust macro bodies through `syn`, on demand.
//!
//! tree-sitter-rust leaves the body of `format!`, `println!`, `sqlx::query!`
//! or `json!` as a flat token tree: calls and string literals inside it are
//! not nodes. A rule that needs them asks for the body to be read by `syn`,
//! lazily, only for the macro invocations it cares about.
//!
//! Span positions come from `proc-macro2`'s fallback span tracking, which
//! keeps a per-thread source map; it is cleared after every read so that a
//! long scan does not grow it.

use std::ops::Range;

use syn::punctuated::Punctuated;
use syn::{Expr, Token};

/// Macro bodies nested deeper than this are not read: `syn` parses
/// recursively, and a hostile file must not exhaust the stack.
pub const MAX_MACRO_NESTING: usize = 128;

/// Reads `body` (the text between the macro's delimiters) as comma-separated
/// expressions and hands them to `inspect`, together with a function turning
/// a `syn` span into a byte range of `body`.
///
/// Returns `None` when the body is not a list of expressions (e.g.
/// `tokio::select!` arms) or nests too deeply.
pub fn with_macro_expressions<R>(
    body: &str,
    inspect: impl FnOnce(&Punctuated<Expr, Token![,]>, &dyn Fn(proc_macro2::Span) -> Range<usize>) -> R,
) -> Option<R> {
    if nesting_depth(body) > MAX_MACRO_NESTING {
        return None;
    }
    let parsed =
        syn::parse::Parser::parse_str(Punctuated::<Expr, Token![,]>::parse_terminated, body);
    let result = parsed.ok().map(|exprs| {
        let to_range = |span: proc_macro2::Span| span.byte_range();
        inspect(&exprs, &to_range)
    });
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}

/// Deepest bracket nesting of a text, ignoring brackets inside string
/// literals (roughly: escapes are honoured, raw strings are not special).
#[must_use]
pub fn nesting_depth(text: &str) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'(' | b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_format_arguments_with_positions() {
        let body = r#""{}", std::fs::read_to_string("x").unwrap()"#;
        let found = with_macro_expressions(body, |exprs, range| {
            let second = exprs.iter().nth(1).expect("two arguments");
            let r = range(syn::spanned::Spanned::span(second));
            (exprs.len(), body[r].to_string())
        })
        .expect("parses");
        assert_eq!(found.0, 2);
        assert_eq!(found.1, r#"std::fs::read_to_string("x").unwrap()"#);
    }

    #[test]
    fn ranges_are_relative_to_each_body() {
        // The per-thread source map is cleared between reads, so the second
        // body's ranges start at zero again.
        for _ in 0..3 {
            let start = with_macro_expressions("a, b", |exprs, range| {
                range(syn::spanned::Spanned::span(exprs.first().unwrap())).start
            });
            assert_eq!(start, Some(0));
        }
    }

    #[test]
    fn deep_or_non_expression_bodies_are_refused() {
        let deep = format!("{}1{}", "[".repeat(1000), "]".repeat(1000));
        assert!(with_macro_expressions(&deep, |_, _| ()).is_none());
        assert!(with_macro_expressions("x = fut => { 1 }", |_, _| ()).is_none());
        assert_eq!(nesting_depth(r#"("(((")"#), 1);
    }
}
