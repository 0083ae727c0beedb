//! `locking-migration`: PostgreSQL DDL that takes a long, write-blocking
//! lock on a table an earlier migration created (so it may hold data).

use std::collections::BTreeMap;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::sql::SqlDialect;
use redflag_syntax::FileKind;

use crate::facts::data::SchemaSource;
use crate::facts::sql::{AlterOp, ConstraintFact, DdlStatement, MigrationRole};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};
use crate::source::Location;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(LockingMigration { meta: meta() })
}

struct LockingMigration {
    meta: RuleMeta,
}

/// One risky operation found while replaying.
struct Risk {
    location: Location,
    what: String,
    instead: String,
}

impl Rule for LockingMigration {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        if model.sql_dialect != SqlDialect::PostgreSql {
            return;
        }
        // Which migration file created each table, in replay order.
        let mut created_in: BTreeMap<String, String> = BTreeMap::new();
        for facts in &model.files {
            let (statements, source) = match (&facts.sql, &facts.schema) {
                (Some(sql), _) if sql.role == MigrationRole::Up => {
                    (&sql.statements, SchemaSource::Sql)
                }
                (_, Some(schema)) if schema.source.is_migration() => {
                    (&schema.statements, schema.source)
                }
                _ => continue,
            };
            for statement in statements {
                let existing = |table: &str| {
                    created_in
                        .get(table)
                        .filter(|path| **path != facts.path)
                        .cloned()
                };
                for risk in risks(statement, source, &existing) {
                    ctx.report(ProjectDiagnostic {
                        location: Some(risk.location),
                        message: risk.what,
                        help: Some(risk.instead),
                        severity: None,
                        confidence: None,
                    });
                }
                match statement {
                    DdlStatement::CreateTable { table, .. } => {
                        created_in.insert(table.clone(), facts.path.clone());
                    }
                    DdlStatement::AlterTable { table, ops, .. } => {
                        for op in ops {
                            if let AlterOp::RenameTable { to } = op {
                                if let Some(path) = created_in.remove(table) {
                                    created_in.insert(to.clone(), path);
                                }
                            }
                        }
                    }
                    DdlStatement::DropTables(tables) => {
                        for table in tables {
                            created_in.remove(table);
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

/// How to build an index without blocking writes, in the tool at hand.
fn concurrent_index_advice(source: SchemaSource) -> &'static str {
    match source {
        SchemaSource::Alembic => {
            "pass `postgresql_concurrently=True` to `op.create_index` and run it outside the transaction (`with op.get_context().autocommit_block():`)"
        }
        SchemaSource::DjangoMigration => {
            "use `AddIndexConcurrently` from `django.contrib.postgres.operations` in a migration with `atomic = False`"
        }
        SchemaSource::SequelizeMigration => {
            "pass `concurrently: true` to `queryInterface.addIndex` (outside a transaction)"
        }
        _ => "use `CREATE INDEX CONCURRENTLY` in a migration that does not run inside a transaction",
    }
}

fn risks(
    statement: &DdlStatement,
    source: SchemaSource,
    existing: &dyn Fn(&str) -> Option<String>,
) -> Vec<Risk> {
    let mut found = Vec::new();
    match statement {
        DdlStatement::CreateIndex(index) if !index.concurrently => {
            let (Some(location), Some(created)) = (&index.location, existing(&index.table)) else {
                return found;
            };
            found.push(Risk {
                location: location.clone(),
                what: format!(
                    "index on `{}` built without CONCURRENTLY: `{}` was created by {created}, so it may hold rows, and a plain CREATE INDEX blocks every write to it until the build ends",
                    index.table, index.table
                ),
                instead: concurrent_index_advice(source).to_string(),
            });
        }
        DdlStatement::AlterTable {
            table,
            ops,
            location: Some(location),
        } => {
            let Some(created) = existing(table) else {
                return found;
            };
            for op in ops {
                let (what, instead) = match op {
                    AlterOp::AddColumn(column) if column.not_null && !column.has_default => (
                        format!(
                            "`{}` gains NOT NULL column `{}` with no default: on a table with rows (created by {created}) the statement fails, and backfilling it in one go locks the table",
                            table, column.name
                        ),
                        "add the column nullable (or with a constant default), backfill in batches, then `SET NOT NULL` after a `CHECK (… IS NOT NULL) NOT VALID` constraint is validated".to_string(),
                    ),
                    AlterOp::AlterColumnType { column } => (
                        format!(
                            "changing the type of `{table}.{column}` rewrites `{table}` (created by {created}) under an ACCESS EXCLUSIVE lock: reads and writes wait until it ends"
                        ),
                        "add a new column of the new type, backfill it in batches, switch the code over, then drop the old column".to_string(),
                    ),
                    AlterOp::AddConstraint {
                        constraint: constraint @ (ConstraintFact::ForeignKey(_) | ConstraintFact::Check { .. }),
                        not_valid: false,
                    } => {
                        let kind = match constraint {
                            ConstraintFact::ForeignKey(_) => "foreign key",
                            _ => "CHECK constraint",
                        };
                        (
                            format!(
                                "adding a {kind} to `{table}` (created by {created}) checks every existing row while holding a lock that blocks writes"
                            ),
                            "add it with `NOT VALID`, then `ALTER TABLE … VALIDATE CONSTRAINT …` in a later migration (validation does not block writes)".to_string(),
                        )
                    }
                    _ => continue,
                };
                found.push(Risk {
                    location: location.clone(),
                    what,
                    instead,
                });
            }
        }
        _ => {}
    }
    found
}

const DOCS: &str = r#"
## What it does
Replays the migrations in order (SQL files, Alembic, Django, knex, Sequelize
and TypeORM migrations) and, for PostgreSQL, reports DDL on a table that an
*earlier* migration created — a table that may already hold rows — when the
statement takes a long write-blocking lock:
- `CREATE INDEX` without `CONCURRENTLY` (Alembic without
  `postgresql_concurrently=True`, Django `AddIndex` rather than
  `AddIndexConcurrently`);
- `ADD COLUMN … NOT NULL` without a default;
- `ALTER COLUMN … TYPE`;
- adding a foreign key or `CHECK` constraint without `NOT VALID`.

Statements on a table created in the same migration are fine: it is empty.

## Why it matters
Checklist SCOPE-2.4 (zero-downtime migrations). These statements hold a lock
that blocks writes (or reads and writes) for as long as they scan or rewrite
the table: seconds on a small table, minutes of outage on a large one, and
every request queued behind the lock times out.

## Example
```sql
-- V7__index_orders_status.sql (orders was created in V1)
CREATE INDEX orders_status_idx ON orders (status);
```

## Use instead
```sql
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
```

## Configuration
Only runs when the project's SQL dialect is PostgreSQL (configured with
`sql-dialect`, guessed from the migrations, or assumed when nothing says).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("locking-migration", "SCOPE-2.4")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A migration takes a long write-blocking lock on a table that may already hold rows.")
        .kinds(&[
            FileKind::Sql,
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
        ])
        .tags(&["database", "migrations", "availability"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Sql,
            "migrations/V7__orders_status.sql",
            r#"
            CREATE INDEX orders_status_idx ON orders (status);
            ALTER TABLE orders ADD COLUMN channel TEXT NOT NULL;
            ALTER TABLE orders ALTER COLUMN total TYPE NUMERIC(14, 2);
            ALTER TABLE orders ADD CONSTRAINT orders_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id);
            "#,
            4,
        )
        .with_file(
            "migrations/V1__orders.sql",
            FileKind::Sql,
            "CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, status TEXT, total NUMERIC(10, 2), shop_id BIGINT);\n",
        )
        .valid_at(
            FileKind::Sql,
            "migrations/V7__orders_status.sql",
            r#"
            CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
            ALTER TABLE orders ADD COLUMN channel TEXT NOT NULL DEFAULT 'web';
            ALTER TABLE orders ADD CONSTRAINT orders_shop_fk FOREIGN KEY (shop_id) REFERENCES shops (id) NOT VALID;
            ALTER TABLE orders VALIDATE CONSTRAINT orders_shop_fk;
            CREATE TABLE refunds (id BIGSERIAL PRIMARY KEY, order_id BIGINT NOT NULL);
            CREATE INDEX refunds_order_idx ON refunds (order_id);
            ALTER TABLE refunds ADD COLUMN reason TEXT NOT NULL;
            "#,
        )
        .with_file(
            "migrations/V1__orders.sql",
            FileKind::Sql,
            "CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, status TEXT, total NUMERIC(10, 2), shop_id BIGINT);\n",
        )
}
