//! Queries from application code: raw SQL handed to a driver (parsed with
//! `sqlparser` into tables, columns and limits) and ORM calls (read from
//! their arguments).
//!
//! A file is parsed only when a cheap text check finds a driver or ORM
//! name it could use.

mod orm;
pub(crate) mod raw;

use super::data::QueryFact;
use crate::source::SourceFile;

/// The queries one code file runs.
#[must_use]
pub fn collect(file: &SourceFile) -> Vec<QueryFact> {
    if file.kind.language().is_none() {
        return Vec::new();
    }
    let mut queries = raw::collect(file);
    queries.extend(orm::collect(file));
    queries.sort_by_key(|q| q.location.range.start);
    queries
}
