//! The project model: every file's facts, merged after the parallel stage.
//!
//! Built once, on one thread, from the facts in path order, so it is the
//! same whatever the thread count. Project rules read it; they never see a
//! syntax tree.

pub mod data;
pub mod evidence;
pub mod operations;
pub mod schema;
pub mod services;
pub mod vocabulary;

use redflag_syntax::sql::SqlDialect;

use crate::facts::sql::MigrationRole;
use crate::facts::FileFacts;
use data::DataModel;
use schema::natural_cmp;
use services::ServiceModel;
use vocabulary::ServiceSettings;

/// Where the project's SQL dialect came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialectOrigin {
    /// `sql-dialect` in the configuration.
    Configured,
    /// Most migrations use syntax only this dialect has.
    Guessed,
    /// Nothing said; PostgreSQL is assumed.
    Default,
}

/// Everything project rules can see.
#[derive(Debug, Clone)]
pub struct ProjectModel {
    /// Facts of every file that had any, in path order.
    pub files: Vec<FileFacts>,
    pub sql_dialect: SqlDialect,
    pub sql_dialect_origin: DialectOrigin,
    /// The schema from every migration and model, the models naming its
    /// tables, and the seeded tables.
    pub data: DataModel,
    /// Services with their routes, stack and deployment.
    pub services: ServiceModel,
    /// The evidence vocabularies of the service rules.
    pub service_settings: ServiceSettings,
}

impl ProjectModel {
    /// Merges per-file facts.
    #[must_use]
    pub fn build(
        mut files: Vec<FileFacts>,
        configured_dialect: Option<SqlDialect>,
        service_settings: ServiceSettings,
    ) -> ProjectModel {
        files.sort_by(|a, b| natural_cmp(&a.path, &b.path));
        let guesses: Vec<SqlDialect> = files
            .iter()
            .filter_map(|f| match (&f.sql, &f.schema) {
                (Some(sql), _) if sql.role == MigrationRole::Up => sql.guessed_dialect,
                (_, Some(schema)) => schema.dialect,
                _ => None,
            })
            .collect();
        let (sql_dialect, sql_dialect_origin) = match configured_dialect {
            Some(dialect) => (dialect, DialectOrigin::Configured),
            None => match vote(&guesses) {
                Some(dialect) => (dialect, DialectOrigin::Guessed),
                None => (SqlDialect::PostgreSql, DialectOrigin::Default),
            },
        };
        let data = DataModel::build(&files);
        let services = ServiceModel::build(&files);
        ProjectModel {
            services,
            service_settings,
            files,
            sql_dialect,
            sql_dialect_origin,
            data,
        }
    }

    /// True when any migration or model defined a table.
    #[must_use]
    pub fn has_schema(&self) -> bool {
        self.data.schema.tables.values().any(|t| t.created)
    }
}

/// The dialect most migrations and schema files point at; ties favour
/// PostgreSQL, then SQLite.
fn vote(guesses: &[SqlDialect]) -> Option<SqlDialect> {
    let count = |d: SqlDialect| guesses.iter().filter(|g| **g == d).count();
    let (pg, my, lite) = (
        count(SqlDialect::PostgreSql),
        count(SqlDialect::MySql),
        count(SqlDialect::Sqlite),
    );
    if pg + my + lite == 0 {
        None
    } else if pg >= my && pg >= lite {
        Some(SqlDialect::PostgreSql)
    } else if lite >= my {
        Some(SqlDialect::Sqlite)
    } else {
        Some(SqlDialect::MySql)
    }
}
