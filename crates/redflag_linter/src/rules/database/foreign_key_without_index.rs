//! `foreign-key-without-index`: a foreign key whose columns no index covers,
//! found by replaying every SQL migration into the schema model.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::sql::SqlDialect;
use redflag_syntax::FileKind;

use crate::facts::data::SchemaSource;
use crate::project::data::index_advice;
use crate::project::{DialectOrigin, ProjectModel};
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(ForeignKeyWithoutIndex { meta: meta() })
}

struct ForeignKeyWithoutIndex {
    meta: RuleMeta,
}

impl Rule for ForeignKeyWithoutIndex {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        // InnoDB creates an index for every foreign key by itself.
        if model.sql_dialect == SqlDialect::MySql {
            return;
        }
        let assumed = match model.sql_dialect_origin {
            DialectOrigin::Default => " (dialect assumed PostgreSQL; set `sql-dialect` if this is MySQL)",
            _ => "",
        };
        for table in model.data.schema.tables.values() {
            for (_, fk) in &table.foreign_keys {
                if table.covering(&fk.columns).is_some() {
                    continue;
                }
                let columns = fk.columns.join(", ");
                let from = match table.source {
                    Some(SchemaSource::Sql) | None => String::new(),
                    Some(source) => format!(" ({})", source.name()),
                };
                let referenced = if fk.referenced_columns.is_empty() {
                    fk.referenced_table.clone()
                } else {
                    format!("{}({})", fk.referenced_table, fk.referenced_columns.join(", "))
                };
                ctx.report(ProjectDiagnostic {
                    location: Some(fk.location.clone()),
                    message: format!(
                        "foreign key `{}({columns})` → `{referenced}` has no index on `{}({columns})`{from}: every delete or key update in `{}`, and every join through this key, scans the whole `{}` table{assumed}",
                        table.name, table.name, fk.referenced_table, table.name
                    ),
                    help: Some(index_advice(&model.data, table.source, &table.name, &fk.columns)),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Replays the repository's migrations in order — SQL (sqlx, Diesel `up.sql`,
Flyway `V1__*.sql`, golang-migrate, dbmate and plain `schema.sql` folders;
down migrations are skipped), Alembic, Django, knex, Sequelize and TypeORM —
and merges the models it finds (Django, SQLAlchemy/SQLModel, Prisma, TypeORM,
Sequelize, Diesel `table!`/`joinable!`) into one schema model — tables,
columns, primary keys, unique constraints, foreign keys declared inline, at
table level, with `ALTER TABLE … ADD CONSTRAINT` or by relations, indexes,
renames and drops — and reports every
foreign key whose columns are not the leading columns of an index, primary key
or unique constraint after the last migration. Partial and expression indexes
do not count. It reports at the line where the foreign key is declared.

## Why it matters
Checklist TASK-2.1 (proper constraints, indexes and foreign keys) and red flag
RF-5 (database queries without indexes). PostgreSQL and SQLite do not index
the referencing side of a foreign key. Every `DELETE` or key `UPDATE` on the
parent table, and every join from parent to children, then scans the child
table: fine with a hundred rows, a lock-holding full scan with ten million.

## Example
```sql
CREATE TABLE orders (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id)
);
```

## Use instead
```sql
CREATE TABLE orders (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id)
);
CREATE INDEX orders_user_id_idx ON orders (user_id);
```

## Configuration
The rule does not run for MySQL, whose InnoDB engine indexes foreign keys by
itself, and Django foreign keys count as indexed (Django creates the index
unless `db_index=False`). The dialect comes from `sql-dialect` in the configuration; otherwise
it is guessed from the migrations' syntax (backticks, `ENGINE=`,
`AUTO_INCREMENT` mean MySQL) and the Prisma `datasource` provider, and
PostgreSQL is assumed when nothing tells.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("foreign-key-without-index", "TASK-2.1")
        .red_flag("RF-5")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A foreign key's columns are not covered by any index, so parent deletes and joins scan the child table.")
        .kinds(&[
            FileKind::Sql,
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
            FileKind::Prisma,
            FileKind::Rust,
        ])
        .tags(&["performance", "database"])
        .docs(DOCS)
        .invalid(
            FileKind::Sql,
            r#"
            CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE);
            CREATE TABLE orders (
              id BIGSERIAL PRIMARY KEY,
              user_id BIGINT NOT NULL REFERENCES users (id),
              coupon_id BIGINT
            );
            ALTER TABLE orders ADD CONSTRAINT orders_coupon_fk FOREIGN KEY (coupon_id) REFERENCES coupons (id);
            CREATE INDEX orders_active_user ON orders (user_id) WHERE deleted_at IS NULL;
            "#,
            2,
        )
        .valid(
            FileKind::Sql,
            r#"
            CREATE TABLE users (id BIGSERIAL PRIMARY KEY);
            CREATE TABLE orders (
              id BIGSERIAL PRIMARY KEY,
              user_id BIGINT NOT NULL REFERENCES users (id),
              shop_id BIGINT NOT NULL REFERENCES shops (id)
            );
            CREATE INDEX orders_user_id_idx ON orders (user_id);
            CREATE INDEX orders_shop_created_idx ON orders (shop_id, created_at);
            CREATE TABLE memberships (
              user_id BIGINT REFERENCES users (id),
              group_id BIGINT REFERENCES groups (id),
              PRIMARY KEY (user_id, group_id),
              UNIQUE (group_id, user_id)
            );
            "#,
        )
        .valid(
            FileKind::Sql,
            r#"
            CREATE TABLE `orders` (
              `id` INT AUTO_INCREMENT PRIMARY KEY,
              `user_id` INT NOT NULL,
              CONSTRAINT `orders_user_fk` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)
            ) ENGINE=InnoDB;
            "#,
        )
        .invalid(
            FileKind::Sql,
            r#"
            CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, author_id INTEGER REFERENCES authors (id));
            "#,
            1,
        )
}
