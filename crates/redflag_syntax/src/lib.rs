//! Languages, file kinds and parsing for redflag.
//!
//! This crate turns a file's name and text into something rules can read:
//! its [`FileKind`], a tree-sitter tree for the code languages, statements for
//! SQL, instructions for Dockerfiles, entries for `.env` files, marked
//! documents for YAML, and on demand `syn` expressions for Rust macro
//! bodies. It also owns positions: byte offsets to 1-based lines and UTF-16
//! columns. It knows nothing about rules.

pub mod dockerfile;
pub mod env;
pub mod kind;
pub mod line_index;
pub mod parse;
pub mod rust_macro;
pub mod sql;
pub mod yaml;

pub use kind::{classify, FileKind, Language};
pub use line_index::{LineCol, LineIndex};
pub use tree_sitter;

/// Every id the grammar of `language` gives to the named node kind `name`.
/// A kind name can have several ids when the grammar aliases rules.
#[must_use]
pub fn node_kind_ids(language: Language, name: &str) -> Vec<u16> {
    let grammar = language.grammar();
    let count = u16::try_from(grammar.node_kind_count()).unwrap_or(u16::MAX);
    (0..count)
        .filter(|&id| grammar.node_kind_is_named(id) && grammar.node_kind_for_id(id) == Some(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_kind_ids_find_named_kinds_only() {
        assert!(!node_kind_ids(Language::Python, "call").is_empty());
        assert!(!node_kind_ids(Language::Rust, "call_expression").is_empty());
        assert!(node_kind_ids(Language::Rust, "no_such_kind").is_empty());
    }
}
