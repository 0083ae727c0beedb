use redflag_syntax::tree_sitter::Node;
use super::Js;
use crate::facts::data::SchemaFacts;
pub(super) fn migration(_js: &Js<'_>, _root: Node<'_>) -> Option<SchemaFacts> { None }
pub(super) fn entities(_js: &Js<'_>, _root: Node<'_>) -> Option<SchemaFacts> { None }
pub(super) fn models(_js: &Js<'_>, _root: Node<'_>) -> Option<SchemaFacts> { None }
