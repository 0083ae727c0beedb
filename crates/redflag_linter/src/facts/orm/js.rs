//! Not written yet.

use crate::facts::data::SchemaFacts;
use crate::source::SourceFile;

pub(super) fn collect(_file: &SourceFile) -> Option<SchemaFacts> {
    None
}
