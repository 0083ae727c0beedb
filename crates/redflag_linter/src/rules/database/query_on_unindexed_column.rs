//! `query-on-unindexed-column`: a query filters, joins or sorts a known
//! table on columns no index leads with.

use std::collections::BTreeMap;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::data::{Clause, QueryNames};
use crate::project::data::{index_advice, DataModel, ResolvedQuery};
use crate::project::schema::Table;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(QueryOnUnindexedColumn { meta: meta() })
}

struct QueryOnUnindexedColumn {
    meta: RuleMeta,
}

/// What one query asks of one table.
#[derive(Default)]
struct TableUse {
    filters: Vec<String>,
    joins: Vec<String>,
    sorts: Vec<String>,
}

/// A column set the table cannot serve from an index.
pub(crate) struct Gap {
    pub table: String,
    pub columns: Vec<String>,
    pub clause: Clause,
}

fn leads_an_index(table: &Table, column: &str) -> bool {
    table.covering(&[column.to_string()]).is_some()
}

fn push_unique(list: &mut Vec<String>, column: &str) {
    if !list.iter().any(|c| c == column) {
        list.push(column.to_string());
    }
}

/// The tables a query makes the database scan.
///
/// A table's filters are served when an index leads with any one of
/// them (the planner narrows by that column and checks the others on the
/// rows it finds). A table reached only through a join needs an index on
/// its join column; a table that is only sorted needs one leading with
/// its first sort column. Sorting after a filter is not reported.
pub(crate) fn gaps(data: &DataModel, query: &ResolvedQuery<'_>) -> Vec<Gap> {
    let mut by_table: BTreeMap<&str, TableUse> = BTreeMap::new();
    for used in &query.uses {
        let entry = by_table.entry(used.table.as_str()).or_default();
        match used.clause {
            Clause::Where => push_unique(&mut entry.filters, &used.column),
            Clause::Join => push_unique(&mut entry.joins, &used.column),
            Clause::OrderBy => push_unique(&mut entry.sorts, &used.column),
            Clause::GroupBy => {}
        }
    }
    let mut found = Vec::new();
    for (name, uses) in by_table {
        let Some(table) = data.schema.tables.get(name) else {
            continue;
        };
        let gap = if !uses.filters.is_empty() {
            (!uses.filters.iter().any(|c| leads_an_index(table, c)))
                .then(|| (uses.filters.clone(), Clause::Where))
        } else if !uses.joins.is_empty() {
            (!uses.joins.iter().any(|c| leads_an_index(table, c)))
                .then(|| (uses.joins.clone(), Clause::Join))
        } else if let Some(first) = uses.sorts.first() {
            (!leads_an_index(table, first)).then(|| (vec![first.clone()], Clause::OrderBy))
        } else {
            None
        };
        if let Some((columns, clause)) = gap {
            found.push(Gap {
                table: name.to_string(),
                columns,
                clause,
            });
        }
    }
    found
}

impl Rule for QueryOnUnindexedColumn {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let data = &model.data;
        for facts in &model.files {
            for fact in &facts.queries {
                // MongoDB collections are not in the relational schema.
                if fact.api.starts_with("mongoose:") {
                    continue;
                }
                let resolved = data.resolve(fact);
                for gap in gaps(data, &resolved) {
                    let Some(table) = data.schema.tables.get(&gap.table) else {
                        continue;
                    };
                    let defined = table.defined_at.as_ref().map_or_else(String::new, |at| {
                        format!(
                            " (`{}` is defined at {}:{}{})",
                            gap.table,
                            at.path,
                            at.start.line,
                            table.source.map_or_else(String::new, |s| format!(", {}", s.name()))
                        )
                    });
                    let columns = gap
                        .columns
                        .iter()
                        .map(|c| format!("`{}.{c}`", gap.table))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let seeded = data.seeded.contains(&gap.table);
                    let confidence = if seeded {
                        Some(Confidence::Low)
                    } else if fact.names == QueryNames::Models {
                        Some(Confidence::Medium)
                    } else {
                        None
                    };
                    let note = if seeded {
                        " — it is seeded by a migration, so it may be a small lookup table"
                    } else {
                        ""
                    };
                    ctx.report(ProjectDiagnostic {
                        location: Some(fact.location.clone()),
                        message: format!(
                            "`{}` {} on {columns}, and no index, primary key or unique constraint on `{}` starts with {}{defined}: the query scans the whole table, growing with it{note}",
                            fact.api,
                            gap.clause.name(),
                            gap.table,
                            if gap.columns.len() == 1 { "it" } else { "any of them" },
                        ),
                        help: Some(index_advice(data, table.source, &gap.table, &gap.columns)),
                        severity: None,
                        confidence,
                    });
                }
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Puts the schema (replayed from SQL, Alembic, Django, knex, Sequelize and
TypeORM migrations, merged with Django, SQLAlchemy/SQLModel, Prisma,
TypeORM, Sequelize and Diesel models) beside the queries application code
runs (raw SQL handed to a driver, parsed; ORM calls, read from their
arguments) and reports a query that
- filters a table on columns none of which leads an index, primary key or
  unique constraint;
- reaches a table only through a join whose column no index leads with;
- sorts a whole table (no filter) on a column no index leads with.

A composite index counts for its leading column only; partial and
expression indexes do not count. Tables and models the schema does not know
are skipped: the rule never guesses. Findings on tables a migration seeds
with rows (lookup tables) have low confidence; findings through ORM models
medium.

## Why it matters
Checklist TASK-2.2 (efficient queries) and red flag RF-5 (database queries
without indexes): a query on an unindexed column reads every row. It is
fast in development and with a thousand rows, and grows linearly with the
table until it dominates the database's time.

## Example
```python
# models.py: status = models.CharField(max_length=16)
Order.objects.filter(status="pending").order_by("-created_at")[:50]
```

## Use instead
```python
class Order(models.Model):
    status = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["status", "-created_at"])]
```

## Configuration
No options. The schema sources and query APIs read are listed in the
README's data-layer section.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("query-on-unindexed-column", "TASK-2.2")
        .red_flag("RF-5")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A query filters, joins or sorts on a column no index covers, so it scans the whole table.")
        .kinds(&[
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
            FileKind::Rust,
        ])
        .tags(&["performance", "database"])
        .docs(DOCS)
        .invalid_at(
            FileKind::TypeScript,
            "src/orders/orders.service.ts",
            r#"
            import { PrismaClient } from "@prisma/client";

            const prisma = new PrismaClient();

            export async function pendingOrders() {
              return prisma.order.findMany({
                where: { status: "pending" },
                orderBy: { createdAt: "desc" },
                take: 50,
              });
            }

            export async function shopOrders(shopId: number) {
              return prisma.order.findMany({ where: { shopId }, orderBy: { createdAt: "desc" }, take: 50 });
            }

            export async function orderByNumber(number: string) {
              return prisma.order.findUnique({ where: { number } });
            }
            "#,
            1,
        )
        .with_file("prisma/schema.prisma", FileKind::Prisma, PRISMA_SCHEMA)
        .valid_at(
            FileKind::TypeScript,
            "src/orders/orders.service.ts",
            r#"
            import { PrismaClient } from "@prisma/client";

            const prisma = new PrismaClient();

            export async function shopOrders(shopId: number) {
              return prisma.order.findMany({ where: { shopId }, orderBy: { createdAt: "desc" }, take: 50 });
            }

            export async function customerOrders(customerId: number) {
              // Not in the schema: the rule does not guess.
              return prisma.invoice.findMany({ where: { customerId } });
            }
            "#,
        )
        .with_file("prisma/schema.prisma", FileKind::Prisma, PRISMA_SCHEMA)
        .invalid_at(
            FileKind::Rust,
            "src/handlers.rs",
            r#"
            use axum::extract::{Path, State};
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;

            use crate::schema::users;

            pub async fn by_handle(State(pool): State<Pool>, Path(handle): Path<String>) -> Result<Json<User>, AppError> {
                let mut conn = pool.get().await?;
                let user = users::table.filter(users::handle.eq(handle)).first(&mut conn).await?;
                Ok(Json(user))
            }

            pub async fn by_email(State(pool): State<Pool>, Path(email): Path<String>) -> Result<Json<User>, AppError> {
                let mut conn = pool.get().await?;
                let user = users::table.filter(users::email.eq(email)).first(&mut conn).await?;
                Ok(Json(user))
            }
            "#,
            1,
        )
        .with_file(
            "migrations/2024-01-01-000000_users/up.sql",
            FileKind::Sql,
            "CREATE TABLE users (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, handle TEXT NOT NULL);\n",
        )
}

const PRISMA_SCHEMA: &str = r#"
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Order {
  id        Int      @id @default(autoincrement())
  number    String   @unique
  status    String
  shopId    Int
  createdAt DateTime @default(now())

  @@index([shopId, createdAt])
  @@map("orders")
}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::data::{ColumnUse, QueryFact, SchemaSource};
    use crate::facts::sql::collect_sql_facts;
    use crate::facts::FileFacts;
    use crate::source::SourceFile;

    fn data(sql: &str) -> DataModel {
        let file = SourceFile::new("migrations/1.sql".into(), FileKind::Sql, sql.into(), None);
        let facts = FileFacts {
            path: file.path.clone(),
            sql: Some(collect_sql_facts(&file)),
            ..FileFacts::default()
        };
        DataModel::build(&[facts])
    }

    fn query(uses: &[(&str, &str, Clause)], limited: bool) -> QueryFact {
        let file = SourceFile::new("app/q.py".into(), FileKind::Python, "x".into(), None);
        QueryFact {
            location: file.location(0..1),
            api: "cursor.execute".into(),
            names: QueryNames::Tables,
            tables: Vec::new(),
            uses: uses
                .iter()
                .map(|(t, c, clause)| ColumnUse {
                    table: (*t).into(),
                    column: (*c).into(),
                    clause: *clause,
                })
                .collect(),
            limited,
            reads: true,
            in_loop: false,
            function: None,
        }
    }

    fn gap_list(data: &DataModel, fact: &QueryFact) -> Vec<(String, Vec<String>, Clause)> {
        gaps(data, &data.resolve(fact))
            .into_iter()
            .map(|g| (g.table, g.columns, g.clause))
            .collect()
    }

    #[test]
    fn filters_joins_and_sorts() {
        let data = data(
            "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email TEXT UNIQUE, name TEXT);\n\
             CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, user_id BIGINT REFERENCES users (id), status TEXT, shop_id BIGINT, created_at TIMESTAMPTZ);\n\
             CREATE INDEX orders_shop_created ON orders (shop_id, created_at);\n",
        );
        assert!(matches!(
            data.schema.tables["orders"].defined_at.as_ref(),
            Some(at) if at.start.line == 2
        ));
        use Clause::{Join, OrderBy, Where};
        // Unindexed filter.
        assert_eq!(
            gap_list(&data, &query(&[("orders", "status", Where)], false)),
            [("orders".to_string(), vec!["status".to_string()], Where)]
        );
        // One indexed filter column serves the query; the composite
        // index serves its leading column only.
        assert!(gap_list(
            &data,
            &query(&[("orders", "status", Where), ("orders", "shop_id", Where)], false)
        )
        .is_empty());
        assert_eq!(
            gap_list(&data, &query(&[("orders", "created_at", Where)], false)).len(),
            1
        );
        // Joined only through an unindexed foreign key: reported; through
        // the primary key: not.
        let join = query(
            &[
                ("users", "email", Where),
                ("users", "id", Join),
                ("orders", "user_id", Join),
            ],
            false,
        );
        assert_eq!(
            gap_list(&data, &join),
            [("orders".to_string(), vec!["user_id".to_string()], Join)]
        );
        // A sorted whole table; a sort after a filter is not reported.
        assert_eq!(
            gap_list(&data, &query(&[("users", "name", OrderBy)], true)).len(),
            1
        );
        assert!(gap_list(
            &data,
            &query(&[("users", "email", Where), ("users", "name", OrderBy)], false)
        )
        .is_empty());
        // Unknown tables and columns are never guessed about.
        assert!(gap_list(&data, &query(&[("payments", "state", Where)], false)).is_empty());
        assert!(gap_list(&data, &query(&[("orders", "nope", Where)], false)).is_empty());
        assert!(matches!(
            &data.schema.tables["users"].source,
            Some(SchemaSource::Sql)
        ));
    }
}
