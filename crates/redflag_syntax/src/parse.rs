//! tree-sitter parsing with one parser per thread and language.
//!
//! Creating a parser and loading a grammar is cheap but not free; the scan
//! parses thousands of files on a handful of threads, so each thread keeps one
//! parser per language and reuses it.

use std::cell::RefCell;

use crate::kind::Language;

thread_local! {
    static PARSERS: RefCell<[Option<tree_sitter::Parser>; 5]> = const { RefCell::new([None, None, None, None, None]) };
}

/// Parses `source` as `language` with this thread's parser.
///
/// Returns `None` only when tree-sitter gives up (it does not fail on syntax
/// errors: those become `ERROR` nodes in the tree).
#[must_use]
pub fn parse(language: Language, source: &str) -> Option<tree_sitter::Tree> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let parser = parsers[language.index()].get_or_insert_with(|| {
            let mut parser = tree_sitter::Parser::new();
            // The grammars are compiled in with the same ABI range as the
            // runtime; a mismatch is a build error, not a data error.
            parser
                .set_language(&language.grammar())
                .expect("bundled grammar is ABI compatible");
            parser
        });
        let tree = parser.parse(source, None);
        if tree.is_none() {
            parser.reset();
        }
        tree
    })
}

/// Drops this thread's parsers; called after a panic inside analysis so that
/// a parser left mid-parse is not reused.
pub fn reset_thread_parsers() {
    PARSERS.with(|cell| {
        if let Ok(mut parsers) = cell.try_borrow_mut() {
            *parsers = [None, None, None, None, None];
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_language() {
        let samples = [
            (Language::Rust, "fn main() { let x = 1; }"),
            (Language::TypeScript, "const x: number = 1;"),
            (Language::Tsx, "const a = <div>{x}</div>;"),
            (
                Language::JavaScript,
                "const a = <div/>; async function f() {}",
            ),
            (Language::Python, "async def f():\n    return 1\n"),
        ];
        for (language, source) in samples {
            let tree = parse(language, source).expect("tree");
            assert!(!tree.root_node().has_error(), "{language}: {source}");
        }
    }

    #[test]
    fn syntax_errors_still_give_a_tree() {
        let tree = parse(Language::Python, "def (:\n").expect("tree");
        assert!(tree.root_node().has_error());
    }
}
