//! Schema from ORM models and code migrations: one module per ecosystem
//! turns a file into [`SchemaFacts`] in the shared DDL language, with
//! names resolved by that ORM's naming rules.
//!
//! A file is parsed only when a cheap text check finds the name of an ORM
//! or migration tool it could use.

mod diesel;
mod js;
mod prisma;
mod python;

use redflag_syntax::FileKind;

use super::data::SchemaFacts;
use crate::source::SourceFile;

/// The schema one file declares, if any.
#[must_use]
pub fn collect(file: &SourceFile) -> Option<SchemaFacts> {
    let facts = match file.kind {
        FileKind::Prisma => prisma::collect(file),
        FileKind::Python => python::collect(file),
        FileKind::JavaScript | FileKind::TypeScript | FileKind::Tsx => js::collect(file),
        FileKind::Rust => diesel::collect(file),
        _ => None,
    }?;
    (!facts.is_empty()).then_some(facts)
}
