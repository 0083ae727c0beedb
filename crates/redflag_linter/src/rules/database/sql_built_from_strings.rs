//! `sql-built-from-strings`: SQL put together from values — concatenation,
//! f-strings, `%`, `.format()`, `format!`, template literals — and handed to
//! a raw-SQL sink, where a value can rewrite the statement.
//!
//! The sinks and the reading of their strings are shared with the query
//! facts ([`crate::facts::queries::raw`]); this rule only judges the holes.

use std::fmt::Write as _;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::facts::queries::raw::{sink_at, Expects, Safety};
use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(SqlBuiltFromStrings { meta: meta() })
}

struct SqlBuiltFromStrings {
    meta: RuleMeta,
}

/// Holes named in a message before "and N more".
const HOLES_SHOWN: usize = 3;

/// Directories of schema migrations: their SQL is built from names the
/// migration itself chooses, and they run once, by an operator.
const MIGRATION_DIRS: &[&str] = &["migrations", "migration", "alembic"];

fn is_migration(path: &str) -> bool {
    path.split('/')
        .rev()
        .skip(1)
        .any(|dir| MIGRATION_DIRS.contains(&dir))
}

impl Rule for SqlBuiltFromStrings {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests and fixtures build SQL from their own constants; migrations
    /// from the names they create.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path) && !is_migration(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["execute", "fetch", "text(", "raw(", "RawSQL", "read_sql"],
            Language::Rust => &["query", "execute", "prepare", "sql_query", "sql(", "sql::<", "from_string"],
            _ => &[
                "query", "execute", "raw(", "Raw(", "Unsafe(", "unsafe(", "literal(", "here(", "aving(", "any(", "one(",
                "none(", "many(", "OrNone(", "result(", "multi(",
            ],
        };
        // A built statement spells a SQL keyword (or the sink is a raw
        // fragment API, whose name is in the text): files without one are
        // neither parsed nor walked for this rule.
        let sql: &[&str] = &[
            "SELECT", "select ", "INSERT", "insert into", "UPDATE", "update ", "DELETE", "delete from",
            "WHERE", "where ", "ORDER BY", "order by", "DROP", "drop ", "CREATE", "create ", "ALTER", "alter ",
            "TRUNCATE", "truncate ", "PRAGMA", "pragma ", "GRANT", "SET ", "CALL ", "EXEC", "COPY ", "Raw(",
            "Unsafe(", "unsafe(", "literal(", "raw(",
        ];
        Some(vec![
            words.iter().map(|w| (*w).to_string()).collect(),
            sql.iter().map(|w| (*w).to_string()).collect(),
        ])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kind = if language == Language::Python { "call" } else { "call_expression" };
        vec![kind.to_string()]
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        // A TypeORM migration kept outside a migrations directory.
        if ctx.file.text.contains("MigrationInterface") {
            return;
        }
        let Some(sink) = sink_at(ctx.file, node) else {
            return;
        };
        if sink.safety != Safety::Raw {
            return;
        }
        let Some(first) = sink.strings.iter().find(|s| s.has_open_holes()) else {
            return;
        };
        let mut holes: Vec<&str> = Vec::new();
        for hole in sink.strings.iter().flat_map(|s| &s.holes).filter(|h| !h.constant) {
            if !holes.contains(&hole.text.as_str()) {
                holes.push(&hole.text);
            }
        }
        let mut named = holes
            .iter()
            .take(HOLES_SHOWN)
            .map(|h| format!("`{h}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if holes.len() > HOLES_SHOWN {
            let _ = write!(named, " and {} more", holes.len() - HOLES_SHOWN);
        }
        let what = match sink.expects {
            Expects::Statement => "runs SQL",
            Expects::Fragment => "takes a SQL fragment",
        };
        let message = format!(
            "`{}` {what} {} from {named}: whatever the value holds becomes part of the statement (SQL injection)",
            sink.api,
            first.construction.describe()
        );
        let help = format!(
            "keep the SQL text constant: {}. Names that cannot be parameters (tables, columns, sort direction) must be picked from a fixed list in code",
            sink.parameters
        );
        ctx.report(
            Diagnostic::new(sink.argument.byte_range(), message)
                .help(help)
                .with_confidence(Confidence::High),
        );
    }
}

const DOCS: &str = r#"
## What it does
Finds SQL put together from values and handed to a raw-SQL API:
concatenation (`"… WHERE id = " + id`), f-strings, `%` formatting,
`.format()`, `format!`, `write!`/`push_str`, and template literals with
`${}`. The string may be built in place, or in a local variable (assigned,
then extended with `+=`) of the same function. The sinks are DB-API
cursors and connections (psycopg, sqlite3, pymysql, aiosqlite), asyncpg,
SQLAlchemy `text()` and `exec_driver_sql`, Django `Manager.raw()` and
`RawSQL`, pandas `read_sql`; node-postgres, mysql2, pg-promise, Sequelize
`query` and `literal`, knex `raw` and `whereRaw`-style builders, TypeORM
`query` and query-builder `where` with a built string, Prisma
`$queryRawUnsafe`/`$executeRawUnsafe`, postgres.js `sql.unsafe`; `sqlx::query*`,
`diesel::sql_query`/`sql`, SeaORM `Statement::from_string`, and the
`query`/`execute`/`prepare` methods of `tokio-postgres`, `postgres`,
`rusqlite` and sqlx executors.

A hole is fine when it is constant: a literal, an `UPPER_CASE` constant, a
local bound only to literals, a number conversion (`int(x)`, `Number(x)`,
`.len()`, a Rust parameter typed `i64`/`bool`/`Uuid`), a list of driver
placeholders (`", ".join(["%s"] * len(ids))`), a value through the driver's
quoting (`quote_name(…)`, `escapeId(…)`), the join of a local list whose
every item is constant (the `" AND ".join(conditions)` of a dynamic `WHERE`
whose conditions are literals with placeholders), or the table name an ORM
model declares (`Model._meta.db_table`, `__tablename__`). Tagged templates that bind
every `${}` (Prisma `$queryRaw\`…\``, `Prisma.sql`, postgres.js and slonik
`sql\`…\``) and `sqlx::query!` (a literal checked at compile time) are never
reported.

## Why it matters
Checklist TASK-3.1 and red flag RF-2 (missing input validation), CWE-89: a
value spliced into SQL is parsed as SQL. `name = "x' OR '1'='1"` turns a
lookup into a dump of the table; a stacked `; DROP TABLE` or a `UNION SELECT`
reads or destroys data. Escaping by hand fails on the next quote style or
encoding; placeholders do not, because the value never reaches the parser.

## Example
```python
def find_user(cursor, email):
    cursor.execute(f"SELECT * FROM users WHERE email = '{email}'")
```

## Use instead
```python
def find_user(cursor, email):
    cursor.execute("SELECT * FROM users WHERE email = %s", (email,))
```
```ts
await pool.query("SELECT * FROM users WHERE email = $1", [email]);
const users = await prisma.$queryRaw`SELECT * FROM users WHERE email = ${email}`;
```
```rust
sqlx::query_as::<_, User>("SELECT * FROM users WHERE email = $1").bind(email)
```
Identifiers (a sort column, a table per tenant) cannot be placeholders: map
the request value to one of a fixed set of names in code, and use an
`UPPER_CASE` constant or a literal for it.

## Configuration
Select or ignore it by name, `TASK-3.1` or `RF-2`. Tests, fixtures,
examples, migration directories (`migrations/`, `alembic/`) and TypeORM
migration classes are not checked. Not covered: SQL built in one function and run in another, query
builders' other raw escapes, and holes whose only guard is a check that
the value is in an allow-list (suppress those with a comment saying so).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("sql-built-from-strings", "TASK-3.1")
        .red_flag("RF-2")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("SQL is built from values by concatenation or formatting and handed to a raw-SQL API (SQL injection).")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .tags(&["security", "database"])
        .cwe(&["CWE-89"])
        .security_severity(9.0)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import psycopg
            from sqlalchemy import text

            def search_orders(conn, request):
                status = request.args["status"]
                with conn.cursor() as cur:
                    cur.execute(f"SELECT * FROM orders WHERE status = '{status}' ORDER BY placed_at DESC")
                    cur.execute("SELECT * FROM orders WHERE customer_id = %s" % request.args["customer"])
                    sql = "SELECT * FROM orders WHERE 1 = 1"
                    if request.args.get("region"):
                        sql += " AND region = '" + request.args["region"] + "'"
                    cur.execute(sql)
                return conn.execute(text("DELETE FROM carts WHERE owner = '{}'".format(request.user.name)))
            "#,
            4,
        )
        .invalid_at(
            FileKind::Python,
            "shop/views.py",
            r#"
            from django.db import connection
            from .models import Product

            def products(request):
                sort = request.GET.get("sort", "name")
                items = Product.objects.raw(f"SELECT * FROM shop_product ORDER BY {sort}")
                with connection.cursor() as cursor:
                    cursor.execute("UPDATE shop_product SET views = views + 1 WHERE slug = '%s'" % request.GET["slug"])
                return items
            "#,
            2,
        )
        .valid(
            FileKind::Python,
            r#"
            import sqlite3
            from sqlalchemy import text

            ORDERS_TABLE = "orders"

            def search_orders(conn, session, status, ids, limit):
                conn.execute("SELECT * FROM orders WHERE status = ?", (status,))
                placeholders = ", ".join("?" * len(ids))
                conn.execute(f"SELECT * FROM orders WHERE id IN ({placeholders})", ids)
                conn.execute(f"SELECT * FROM {ORDERS_TABLE} WHERE status = ? LIMIT {int(limit)}", (status,))
                column = "placed_at"
                conn.execute(f"SELECT * FROM orders ORDER BY {column} DESC")
                session.execute(text("SELECT * FROM orders WHERE status = :status"), {"status": status})
                conn.executescript("DELETE FROM carts; VACUUM;")

            def filter_orders(conn, status=None, region=None):
                conditions = ["deleted_at IS NULL"]
                params = []
                if status:
                    conditions.append("status = ?")
                    params.append(status)
                if region:
                    conditions.append("region = ?")
                    params.append(region)
                return conn.execute("SELECT * FROM orders WHERE " + " AND ".join(conditions), params)
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import { Pool } from "pg";
            import knex from "knex";
            import { PrismaClient } from "@prisma/client";

            const pool = new Pool();
            const db = knex({ client: "pg" });
            const prisma = new PrismaClient();

            export async function listOrders(req: Request) {
              const { rows } = await pool.query(`SELECT * FROM orders WHERE status = '${req.query.status}'`);
              const sorted = await db.raw("SELECT * FROM orders ORDER BY " + req.query.sort);
              const mine = await db("orders").whereRaw(`owner_id = ${req.user.id}`);
              const users = await prisma.$queryRawUnsafe(`SELECT * FROM users WHERE email = '${req.body.email}'`);
              return { rows, sorted, mine, users };
            }
            "#,
            4,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const { Sequelize, QueryTypes } = require("sequelize");
            const mysql = require("mysql2/promise");

            async function search(sequelize, connection, term) {
              let sql = "SELECT * FROM products WHERE 1 = 1";
              sql += " AND name LIKE '%" + term + "%'";
              const products = await sequelize.query(sql, { type: QueryTypes.SELECT });
              const [rows] = await connection.execute("SELECT * FROM reviews WHERE product = '" + term + "'");
              return { products, rows };
            }
            "#,
            2,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import { Pool } from "pg";
            import knex from "knex";
            import postgres from "postgres";
            import { PrismaClient, Prisma } from "@prisma/client";

            const pool = new Pool();
            const db = knex({ client: "pg" });
            const sql = postgres();
            const prisma = new PrismaClient();
            const ORDER_COLUMNS = "id, status, placed_at";

            export async function listOrders(req: Request, ids: number[]) {
              await pool.query("SELECT * FROM orders WHERE status = $1", [req.query.status]);
              await pool.query({ text: `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, values: [req.params.id] });
              const list = ids.map((_, i) => `$${i + 1}`).join(", ");
              await pool.query(`SELECT * FROM orders WHERE id IN (${list})`, ids);
              await db("orders").where({ status: req.query.status }).orderBy("placed_at", "desc");
              await db.raw("SELECT * FROM orders WHERE owner_id = ?", [req.user.id]);
              await sql`SELECT * FROM orders WHERE status = ${req.query.status}`;
              await prisma.$queryRaw`SELECT * FROM users WHERE email = ${req.body.email}`;
              await prisma.$queryRaw(Prisma.sql`SELECT * FROM users WHERE id = ${req.params.id}`);
              await prisma.$queryRawUnsafe("SELECT * FROM users WHERE id = $1", req.params.id);
            }
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use sqlx::PgPool;
            use tokio_postgres::Client;

            pub async fn find_user(pool: &PgPool, email: &str) -> sqlx::Result<User> {
                sqlx::query_as::<_, User>(&format!("SELECT * FROM users WHERE email = '{email}'"))
                    .fetch_one(pool)
                    .await
            }

            pub async fn search(client: &Client, name: &str, sort: &str) -> Result<Vec<Row>, Error> {
                let mut sql = String::from("SELECT * FROM products WHERE 1 = 1");
                sql.push_str(&format!(" AND name = '{}'", name));
                sql += " ORDER BY ";
                sql += sort;
                client.query(&sql, &[]).await
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            use sqlx::PgPool;

            const USERS: &str = "users";

            pub async fn find_user(pool: &PgPool, email: &str, limit: i64) -> sqlx::Result<Vec<User>> {
                let checked = sqlx::query_as!(User, "SELECT * FROM users WHERE email = $1", email)
                    .fetch_one(pool)
                    .await?;
                sqlx::query_as::<_, User>(&format!("SELECT * FROM {USERS} WHERE email = $1 LIMIT {limit}"))
                    .bind(email)
                    .fetch_all(pool)
                    .await
            }
            "#,
        )
        .valid_at(
            FileKind::Python,
            "app/migrations/0007_backfill.py",
            r#"
            from django.db import migrations

            def backfill(apps, schema_editor):
                last = apps.get_model("shop", "Order").objects.order_by("-id").first()
                for start in range(0, last.id if last else 0, 10000):
                    schema_editor.execute(f"UPDATE shop_order SET status = 'new' WHERE id >= {start} AND status IS NULL")

            class Migration(migrations.Migration):
                operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
            "#,
        )
        .valid_at(
            FileKind::Python,
            "tests/test_reports.py",
            r#"
            def test_report(cursor, table):
                cursor.execute(f"TRUNCATE {table}")
            "#,
        )
        .valid_at(
            FileKind::TypeScript,
            "src/database/1700000000000-RenameStatus.ts",
            r#"
            import { MigrationInterface, QueryRunner } from "typeorm";

            export class RenameStatus1700000000000 implements MigrationInterface {
              private table = "orders";
              public async up(queryRunner: QueryRunner): Promise<void> {
                await queryRunner.query(`ALTER TABLE "${this.table}" RENAME COLUMN "state" TO "status"`);
              }
            }
            "#,
        )
}
