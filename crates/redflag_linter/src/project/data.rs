//! The data layer: one schema from every source the repository has, the
//! ORM models that name its tables, and the queries code runs, resolved
//! to tables and columns.
//!
//! Migrations (SQL files, then code migrations) are replayed in path order;
//! model declarations (Django, SQLAlchemy, Prisma, TypeORM, Sequelize,
//! Diesel) are merged afterwards, so a column counts as indexed when any
//! source says so — a disagreement between sources is not reported as a
//! missing index.

use std::collections::{BTreeMap, BTreeSet};

use crate::facts::data::{ColumnUse, ModelFact, QueryFact, QueryNames, SchemaSource};
use crate::facts::sql::MigrationRole;
use crate::facts::FileFacts;
use crate::source::Location;

use super::schema::Schema;

/// A query with its names resolved to tables and columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedQuery<'a> {
    pub fact: &'a QueryFact,
    /// Uses whose table the schema knows, with table and column names as
    /// the database sees them.
    pub uses: Vec<ColumnUse>,
}

/// The schema, models and seeded tables of the repository.
#[derive(Debug, Clone, Default)]
pub struct DataModel {
    pub schema: Schema,
    /// The sources that contributed, in replay order.
    pub sources: BTreeSet<SchemaSource>,
    /// Models by lower-cased name; several when names collide.
    pub models: BTreeMap<String, Vec<ModelFact>>,
    /// Tables migrations insert rows into (lookup data).
    pub seeded: BTreeSet<String>,
}

impl DataModel {
    /// Builds the model from facts in path order.
    #[must_use]
    pub fn build(files: &[FileFacts]) -> DataModel {
        let mut data = DataModel::default();
        for facts in files {
            if let Some(sql) = &facts.sql {
                if sql.role != MigrationRole::Up {
                    continue;
                }
                if !sql.statements.is_empty() {
                    data.sources.insert(SchemaSource::Sql);
                }
                for statement in &sql.statements {
                    data.schema.apply(statement, SchemaSource::Sql);
                }
                data.seeded.extend(sql.seeded_tables.iter().cloned());
            }
        }
        let declared = |migration: bool| {
            files
                .iter()
                .filter_map(|f| f.schema.as_ref())
                .filter(move |s| s.source.is_migration() == migration)
        };
        for schema in declared(true) {
            data.sources.insert(schema.source);
            for statement in &schema.statements {
                data.schema.apply(statement, schema.source);
            }
        }
        for schema in declared(false) {
            data.sources.insert(schema.source);
            for statement in &schema.statements {
                data.schema.declare(statement, schema.source);
            }
        }
        for schema in files.iter().filter_map(|f| f.schema.as_ref()) {
            for model in &schema.models {
                data.models
                    .entry(model.name.to_ascii_lowercase())
                    .or_default()
                    .push(model.clone());
            }
        }
        data
    }

    /// The one model a name refers to; `None` when unknown or ambiguous
    /// (two models of that name mapping to different tables).
    #[must_use]
    pub fn model(&self, name: &str) -> Option<&ModelFact> {
        let found = self.models.get(&name.to_ascii_lowercase())?;
        let first = found.first()?;
        found
            .iter()
            .all(|m| m.table == first.table)
            .then_some(first)
    }

    /// Resolves a query's uses to known tables and their columns. Uses of
    /// tables or models the schema does not know are dropped: the rules
    /// stay silent about what they cannot see.
    #[must_use]
    pub fn resolve<'a>(&self, fact: &'a QueryFact) -> ResolvedQuery<'a> {
        let uses = fact
            .uses
            .iter()
            .filter_map(|u| {
                let (table, column) = match fact.names {
                    QueryNames::Tables => (u.table.clone(), u.column.clone()),
                    QueryNames::Models => match self.model(&u.table) {
                        Some(model) => {
                            let column = model
                                .fields
                                .iter()
                                .find(|(field, _)| field == &u.column)
                                .map_or_else(|| u.column.clone(), |(_, column)| column.clone());
                            (model.table.clone(), column)
                        }
                        // Diesel and SeaORM name tables by their modules
                        // (`users::table`): without a model declaration, a
                        // table of exactly that name is the one meant.
                        None if !self.models.contains_key(&u.table.to_ascii_lowercase()) => {
                            (u.table.clone(), u.column.clone())
                        }
                        None => return None,
                    },
                };
                let known = self.schema.tables.get(&table)?;
                (known.created && known.columns.contains(&column)).then_some(ColumnUse {
                    table,
                    column,
                    clause: u.clause,
                })
            })
            .collect();
        ResolvedQuery { fact, uses }
    }

    /// Where a table is defined, for messages.
    #[must_use]
    pub fn defined_at(&self, table: &str) -> Option<&Location> {
        self.schema.tables.get(table)?.defined_at.as_ref()
    }
}

impl DataModel {
    /// The attribute a model gives a column (`customer_id` → `customerId`
    /// in Prisma or TypeORM), else the column.
    #[must_use]
    pub fn field_of(&self, table: &str, column: &str) -> String {
        self.models
            .values()
            .flatten()
            .filter(|m| m.table == table)
            .flat_map(|m| m.fields.iter())
            .find(|(field, col)| col == column && field != column)
            .map_or_else(|| column.to_string(), |(field, _)| field.clone())
    }
}

/// How to add an index in the tool that defines the table; model sources
/// name the model's attributes.
#[must_use]
pub fn index_advice(
    data: &DataModel,
    source: Option<SchemaSource>,
    table: &str,
    columns: &[String],
) -> String {
    let columns: Vec<String> = match source {
        Some(source) if !source.is_migration() => {
            columns.iter().map(|c| data.field_of(table, c)).collect()
        }
        _ => columns.to_vec(),
    };
    let columns = columns.as_slice();
    let list = columns.join(", ");
    let quoted = columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let first = columns.first().map_or("", String::as_str);
    match source {
        Some(SchemaSource::DjangoModel | SchemaSource::DjangoMigration) => format!(
            "add `db_index=True` to the field, or `models.Index(fields=[{quoted}])` to the model's `Meta.indexes`, and run `makemigrations`"
        ),
        Some(SchemaSource::SqlAlchemyModel | SchemaSource::Alembic) => format!(
            "declare `index=True` on the column (or `Index(...)` in `__table_args__`) and add it with `op.create_index(\"ix_{table}_{first}\", \"{table}\", [{quoted}])`"
        ),
        Some(SchemaSource::PrismaSchema) => {
            format!("add `@@index([{list}])` to the model and run `prisma migrate dev`")
        }
        Some(SchemaSource::TypeOrmEntity | SchemaSource::TypeOrmMigration) => format!(
            "add `@Index()` on the property (or `@Index([{quoted}])` on the entity) and generate a migration"
        ),
        Some(SchemaSource::SequelizeModel | SchemaSource::SequelizeMigration) => format!(
            "add `indexes: [{{ fields: [{quoted}] }}]` to the model and `queryInterface.addIndex(\"{table}\", [{quoted}])` in a migration"
        ),
        Some(SchemaSource::KnexMigration) => {
            format!("add `table.index([{quoted}])` in a new knex migration")
        }
        _ => format!(
            "add an index in a new migration: `CREATE INDEX {table}_{}_idx ON {table} ({list});` (`CREATE INDEX CONCURRENTLY` on a live PostgreSQL table)",
            columns.join("_")
        ),
    }
}
