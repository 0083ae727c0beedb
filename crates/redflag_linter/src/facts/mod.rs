//! Facts: what per-file analysis learns for project-level rules.
//!
//! Facts are plain data extracted in the parallel stage while a file is
//! open; syntax trees die with the file, facts live on into the project
//! model: the SQL schema, and what code files say about their HTTP
//! service (routes, mounts, middleware).

pub mod routes;
pub mod service;
pub mod sql;

use redflag_syntax::FileKind;

use crate::source::SourceFile;

/// Everything one file contributes to the project model.
#[derive(Debug, Clone, PartialEq)]
pub struct FileFacts {
    pub path: String,
    pub sql: Option<sql::SqlFacts>,
    pub service: Option<service::ServiceFacts>,
}

/// Extracts the facts of one file, if its kind has any.
#[must_use]
pub fn collect(file: &SourceFile) -> Option<FileFacts> {
    match file.kind {
        FileKind::Sql => Some(FileFacts {
            path: file.path.clone(),
            sql: Some(sql::collect_sql_facts(file)),
            service: None,
        }),
        kind if kind.language().is_some() => routes::collect(file).map(|service| FileFacts {
            path: file.path.clone(),
            sql: None,
            service: Some(service),
        }),
        _ => None,
    }
}
