//! Data-layer facts beyond raw SQL files: schema declared by ORM models
//! and code migrations, and the queries application code runs.
//!
//! Every schema source speaks the same small DDL language as SQL
//! migrations ([`DdlStatement`]), with table and column names already
//! resolved by the ORM's naming rules, so one model holds them all.
//! Queries name either tables (raw SQL) or models (ORM calls); the project
//! model resolves models to tables through [`ModelFact`]s.

use redflag_syntax::sql::SqlDialect;

use super::sql::DdlStatement;
use crate::source::Location;

/// The tool a piece of schema comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SchemaSource {
    /// `.sql` migrations and schema files.
    Sql,
    Alembic,
    DjangoMigration,
    KnexMigration,
    SequelizeMigration,
    TypeOrmMigration,
    DjangoModel,
    SqlAlchemyModel,
    PrismaSchema,
    TypeOrmEntity,
    SequelizeModel,
    DieselSchema,
}

impl SchemaSource {
    /// The name shown in messages and the inventory.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            SchemaSource::Sql => "SQL migration",
            SchemaSource::Alembic => "Alembic migration",
            SchemaSource::DjangoMigration => "Django migration",
            SchemaSource::KnexMigration => "knex migration",
            SchemaSource::SequelizeMigration => "Sequelize migration",
            SchemaSource::TypeOrmMigration => "TypeORM migration",
            SchemaSource::DjangoModel => "Django model",
            SchemaSource::SqlAlchemyModel => "SQLAlchemy model",
            SchemaSource::PrismaSchema => "Prisma schema",
            SchemaSource::TypeOrmEntity => "TypeORM entity",
            SchemaSource::SequelizeModel => "Sequelize model",
            SchemaSource::DieselSchema => "Diesel schema",
        }
    }

    /// True for sources that describe changes in order (replayed), false
    /// for declarations of the current state (merged after the replay).
    #[must_use]
    pub fn is_migration(self) -> bool {
        matches!(
            self,
            SchemaSource::Sql
                | SchemaSource::Alembic
                | SchemaSource::DjangoMigration
                | SchemaSource::KnexMigration
                | SchemaSource::SequelizeMigration
                | SchemaSource::TypeOrmMigration
        )
    }
}

/// Schema one code or Prisma file declares.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaFacts {
    pub source: SchemaSource,
    /// Statements in the order the file applies them. Model sources emit
    /// one `CreateTable` per model (with its location) plus the indexes
    /// the ORM creates, including implicit ones (Django indexes every
    /// `ForeignKey` unless `db_index=False`).
    pub statements: Vec<DdlStatement>,
    /// Models code queries by name, with the tables they map to.
    pub models: Vec<ModelFact>,
    /// The migration's way back, for sources that support reversal.
    pub down: Option<DownFact>,
    /// The database the file says it targets (Prisma `provider`, …).
    pub dialect: Option<SqlDialect>,
}

impl SchemaFacts {
    #[must_use]
    pub fn new(source: SchemaSource) -> SchemaFacts {
        SchemaFacts {
            source,
            statements: Vec::new(),
            models: Vec::new(),
            down: None,
            dialect: None,
        }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty() && self.models.is_empty() && self.down.is_none()
    }
}

/// An ORM model: the name code uses for it and the table behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFact {
    /// As code refers to it: `Order` (Django, SQLAlchemy, TypeORM,
    /// Sequelize), `order` (Prisma client `prisma.order`), `orders`
    /// (Diesel `orders::table`).
    pub name: String,
    /// The table after the ORM's naming rules (`shop_order`, `@@map`, …).
    pub table: String,
    /// Attribute → column, for every attribute queries may name
    /// (`user` → `user_id` for a Django `ForeignKey`, `@map` renames).
    pub fields: Vec<(String, String)>,
    pub location: Location,
}

/// How a migration can be reverted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DownFact {
    /// A down step that does something.
    Present,
    /// No way back: Alembic `downgrade()` that only passes, knex /
    /// Sequelize / TypeORM `down` with an empty body, Django `RunPython`
    /// without `reverse_code` or `RunSQL` without `reverse_sql`. The
    /// location is the empty down step or the irreversible operation.
    Missing { location: Location, what: String },
}

/// Which clause of a query uses a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Clause {
    Where,
    Join,
    OrderBy,
    GroupBy,
}

impl Clause {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Clause::Where => "filters",
            Clause::Join => "joins",
            Clause::OrderBy => "sorts",
            Clause::GroupBy => "groups",
        }
    }
}

/// A column a query uses, on the table (raw SQL, aliases resolved) or
/// model (ORM) it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnUse {
    pub table: String,
    pub column: String,
    pub clause: Clause,
}

/// What a query's names refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryNames {
    /// Table and column names, as in raw SQL.
    Tables,
    /// Model and attribute names, resolved through [`ModelFact`]s.
    Models,
}

/// One query application code runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryFact {
    /// The call that runs it (the query string, or the ORM call).
    pub location: Location,
    /// The API as written, for messages: `cursor.execute`,
    /// `Order.objects.filter`, `prisma.user.findMany`.
    pub api: String,
    pub names: QueryNames,
    /// Tables or models read or written.
    pub tables: Vec<String>,
    /// Columns in `WHERE`/`JOIN … ON`/`ORDER BY`/`GROUP BY`, or the ORM's
    /// filter and ordering arguments.
    pub uses: Vec<ColumnUse>,
    /// Bounded by `LIMIT`/`take`/`first()`/a unique lookup, or returning
    /// one row by nature (an aggregate without `GROUP BY`, a count).
    pub limited: bool,
    /// Returns rows to the caller (a `SELECT`, an ORM list or get), as
    /// opposed to writing them (`INSERT`/`UPDATE`/`DELETE`, ORM updates).
    pub reads: bool,
    /// Runs inside a loop body.
    pub in_loop: bool,
    /// The function it runs in, if any.
    pub function: Option<String>,
}
