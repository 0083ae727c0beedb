//! YAML with source positions, through `saphyr`.
//!
//! Kubernetes manifests, docker-compose files, OpenAPI specs and CI workflows
//! are YAML, often several documents in one file. Rules need the values and
//! where they are, so documents are loaded as `saphyr` marked nodes and their
//! character-based markers are turned into byte ranges here.

use std::borrow::Cow;
use std::ops::Range;

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, YamlDataOwned};

use crate::line_index::LineIndex;

/// A YAML node that owns its data, with its span.
pub type YamlNode = MarkedYamlOwned;

/// Why a YAML text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Loads every document of a YAML stream.
///
/// # Errors
/// Returns the scanner's error, with its position, when the text is not YAML.
pub fn parse_yaml(text: &str) -> Result<Vec<YamlNode>, YamlError> {
    MarkedYamlOwned::load_from_str(text).map_err(|error| YamlError {
        line: error.marker().line(),
        column: error.marker().col() + 1,
        message: error.info().to_string(),
    })
}

/// Byte range of a node's start marker to its end marker.
#[must_use]
pub fn node_range(index: &LineIndex, text: &str, node: &YamlNode) -> Range<usize> {
    let start = index.offset_of_char_column(text, node.span.start.line(), node.span.start.col());
    let end = index.offset_of_char_column(text, node.span.end.line(), node.span.end.col());
    start..end.max(start)
}

/// Value of a mapping entry by key.
#[must_use]
pub fn get<'a>(node: &'a YamlNode, key: &str) -> Option<&'a YamlNode> {
    match &node.data {
        YamlDataOwned::Mapping(mapping) => mapping
            .iter()
            .find(|(k, _)| scalar_text(k).as_deref() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

/// The entries of a mapping node, in document order.
pub fn entries(node: &YamlNode) -> impl Iterator<Item = (&YamlNode, &YamlNode)> {
    let mapping = match &node.data {
        YamlDataOwned::Mapping(mapping) => Some(mapping),
        _ => None,
    };
    mapping.into_iter().flat_map(|m| m.iter())
}

/// The items of a sequence node.
pub fn items(node: &YamlNode) -> impl Iterator<Item = &YamlNode> {
    let sequence = match &node.data {
        YamlDataOwned::Sequence(sequence) => Some(sequence),
        _ => None,
    };
    sequence.into_iter().flat_map(|s| s.iter())
}

/// A scalar rendered as the text a reader sees (`0`, `true`, `"x"` → `x`).
#[must_use]
pub fn scalar_text(node: &YamlNode) -> Option<Cow<'_, str>> {
    match &node.data {
        YamlDataOwned::Value(scalar) => Some(match scalar {
            ScalarOwned::Null => Cow::Borrowed(""),
            ScalarOwned::Boolean(b) => Cow::Owned(b.to_string()),
            ScalarOwned::Integer(i) => Cow::Owned(i.to_string()),
            ScalarOwned::FloatingPoint(f) => Cow::Owned(f.to_string()),
            ScalarOwned::String(s) => Cow::Borrowed(s.as_str()),
        }),
        YamlDataOwned::Representation(text, _, _) => Some(Cow::Borrowed(text.as_str())),
        YamlDataOwned::Tagged(_, inner) => scalar_text(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_document_streams_keep_positions() {
        let text =
            "kind: Service\nmetadata:\n  name: api\n---\nkind: Deployment\nspec:\n  replicas: 2\n";
        let docs = parse_yaml(text).expect("yaml");
        assert_eq!(docs.len(), 2);
        let kind = get(&docs[1], "kind").expect("kind");
        assert_eq!(scalar_text(kind).as_deref(), Some("Deployment"));
        let index = LineIndex::new(text);
        let range = node_range(&index, text, kind);
        assert_eq!(index.position(text, range.start).line, 5);
        assert!(text[range].starts_with("Deployment"));
        let replicas = get(get(&docs[1], "spec").unwrap(), "replicas").unwrap();
        assert_eq!(scalar_text(replicas).as_deref(), Some("2"));
    }

    #[test]
    fn sequences_and_mappings_are_walkable() {
        let text = "env:\n  - name: A\n    value: \"0\"\n  - name: B\n    value: x\n";
        let docs = parse_yaml(text).expect("yaml");
        let names: Vec<String> = items(get(&docs[0], "env").unwrap())
            .filter_map(|item| {
                get(item, "name")
                    .and_then(scalar_text)
                    .map(|s| s.into_owned())
            })
            .collect();
        assert_eq!(names, ["A", "B"]);
        assert_eq!(entries(&docs[0]).count(), 1);
    }

    #[test]
    fn errors_carry_a_position() {
        let error = parse_yaml("a: [1, 2\nb: c\n").unwrap_err();
        assert!(error.line >= 1);
        assert!(!error.message.is_empty());
    }
}
