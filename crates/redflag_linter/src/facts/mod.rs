//! Facts: what per-file analysis learns for project-level rules.
//!
//! Facts are plain data extracted in the parallel stage while a file is
//! open; syntax trees die with the file, facts live on into the project
//! model. Today they describe the SQL schema; later families add routes,
//! clients, queries and deployment facts here.

pub mod sql;

use redflag_syntax::FileKind;

use crate::source::SourceFile;

/// Everything one file contributes to the project model.
#[derive(Debug, Clone, PartialEq)]
pub struct FileFacts {
    pub path: String,
    pub sql: Option<sql::SqlFacts>,
}

/// Extracts the facts of one file, if its kind has any.
#[must_use]
pub fn collect(file: &SourceFile) -> Option<FileFacts> {
    match file.kind {
        FileKind::Sql => Some(FileFacts {
            path: file.path.clone(),
            sql: Some(sql::collect_sql_facts(file)),
        }),
        _ => None,
    }
}
