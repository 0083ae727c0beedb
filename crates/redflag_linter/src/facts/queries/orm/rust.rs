//! todo
use crate::facts::data::QueryFact;
use crate::source::SourceFile;
pub(super) fn collect(_file: &SourceFile) -> Vec<QueryFact> { Vec::new() }
