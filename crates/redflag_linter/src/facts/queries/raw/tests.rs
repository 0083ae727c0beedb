use redflag_syntax::FileKind;

use super::*;
use crate::facts::routes::walk;
use crate::rule::unindent;

fn file(kind: FileKind, path: &str, code: &str) -> SourceFile {
    SourceFile::new(path.into(), kind, unindent(code), None)
}

/// One line per fact: api, tables, uses, then the flags that are set.
fn facts(kind: FileKind, path: &str, code: &str) -> Vec<String> {
    collect(&file(kind, path, code))
        .iter()
        .map(|fact| {
            let uses: Vec<String> = fact
                .uses
                .iter()
                .map(|u| format!("{}.{}:{}", u.table, u.column, u.clause.name()))
                .collect();
            let mut line = format!(
                "{} {} [{}]",
                fact.api,
                fact.tables.join(","),
                uses.join(" ")
            );
            if fact.limited {
                line.push_str(" limited");
            }
            if !fact.reads {
                line.push_str(" writes");
            }
            if fact.in_loop {
                line.push_str(" loop");
            }
            if let Some(function) = &fact.function {
                line.push_str(&format!(" in {function}"));
            }
            line
        })
        .collect()
}

/// One line per raw sink: api, how its string was built and its holes
/// (`!` marks an open one).
fn sinks(kind: FileKind, code: &str) -> Vec<String> {
    let file = file(kind, "app/code", code);
    let mut found = Vec::new();
    let tree = file.tree().unwrap();
    walk(tree.root_node(), |node| {
        if let Some(sink) = sink_at(&file, node) {
            for string in &sink.strings {
                let holes: Vec<String> = string
                    .holes
                    .iter()
                    .map(|h| format!("{}{}", if h.constant { "" } else { "!" }, h.text))
                    .collect();
                found.push(format!(
                    "{} {:?} {:?} [{}]",
                    sink.api,
                    sink.safety,
                    string.construction,
                    holes.join(", ")
                ));
            }
        }
        true
    });
    found
}

#[test]
fn python_drivers_give_query_facts() {
    let code = r#"
        import sqlite3
        from sqlalchemy import text
        from .models import Order

        ORDERS_BY_CUSTOMER = """
            SELECT o.id, o.total FROM orders o
            WHERE o.customer_id = %s ORDER BY o.placed_at DESC
        """

        def customer_orders(cursor, customer_id):
            cursor.execute(ORDERS_BY_CUSTOMER, (customer_id,))
            return cursor.fetchall()

        def find_user(conn, email):
            row = conn.execute("SELECT * FROM users WHERE email = ? LIMIT 1", (email,)).fetchone()
            return row

        def refresh(session, ids):
            for order_id in ids:
                session.execute(text("UPDATE orders SET seen = true WHERE id = :id"), {"id": order_id})

        async def load(conn, tenant):
            sql = f"SELECT id FROM invoices WHERE tenant_id = {tenant} AND status = 'open'"
            return await conn.fetch(sql)

        def recent(request):
            return Order.objects.raw("SELECT * FROM shop_order WHERE created_at > %s", [request.GET["since"]])
    "#;
    assert_eq!(
        facts(FileKind::Python, "app/db.py", code),
        [
            "cursor.execute orders [orders.customer_id:filters orders.placed_at:sorts] in customer_orders",
            "conn.execute users [users.email:filters] limited in find_user",
            "text orders [orders.id:filters] writes loop in refresh",
            "conn.fetch invoices [invoices.tenant_id:filters invoices.status:filters] in load",
            "Order.objects.raw shop_order [shop_order.created_at:filters] in recent",
        ]
    );
}

#[test]
fn python_strings_are_built_from_every_kind_of_piece() {
    let code = r#"
        import psycopg

        def search(cur, name, limit, ids):
            placeholders = ", ".join(["%s"] * len(ids))
            cur.execute(f"SELECT * FROM items WHERE id IN ({placeholders}) LIMIT {int(limit)}", ids)
            cur.execute("SELECT * FROM items WHERE name = '%s'" % name)
            cur.execute("SELECT * FROM items WHERE name = '{}' AND kind = '{kind}'".format(name, kind="book"))
            query = "SELECT * FROM items WHERE 1 = 1"
            if name:
                query += " AND name = '" + name + "'"
            cur.execute(query)
            cur.execute("SELECT * FROM items " "WHERE name = %s", (name,))
    "#;
    assert_eq!(
        sinks(FileKind::Python, code),
        [
            "cur.execute Raw FString [placeholders, int(limit)]",
            "cur.execute Raw Percent [!name]",
            "cur.execute Raw FormatMethod [!name, \"book\"]",
            "cur.execute Raw Concatenation [!name]",
            "cur.execute Raw Literal []",
        ]
    );
}

#[test]
fn unrelated_python_calls_stay_quiet() {
    let code = r#"
        import re
        from concurrent.futures import ThreadPoolExecutor

        def run(executor, job, client, text):
            executor.execute(job)
            executor.execute(f"select the fastest worker for {job}")
            client.fetch("https://example.com/users?select=id")
            pattern = re.compile("SELECT (.*) FROM")
            summary = text("SELECT * FROM users")
            return pattern, summary
    "#;
    assert!(sinks(FileKind::Python, code).is_empty());
    assert!(facts(FileKind::Python, "app/jobs.py", code).is_empty());
}

#[test]
fn javascript_drivers_give_query_facts() {
    let code = r#"
        import { Pool } from "pg";
        const pool = new Pool();

        const BY_EMAIL = `
          SELECT u.id, u.email FROM users u
          LEFT JOIN teams t ON t.id = u.team_id
          WHERE u.email = $1`;

        export async function findByEmail(email: string) {
          const { rows } = await pool.query(BY_EMAIL, [email]);
          return rows[0];
        }

        export const listOrders = async (userId: number) => {
          return pool.query({ text: "SELECT * FROM orders WHERE user_id = $1 ORDER BY created_at LIMIT 50", values: [userId] });
        };

        export async function touchAll(ids: number[]) {
          await Promise.all(ids.map((id) => pool.query("UPDATE sessions SET seen_at = now() WHERE id = $1", [id])));
          for (const id of ids) {
            await prisma.$queryRaw`SELECT * FROM audit_log WHERE session_id = ${id}`;
          }
        }

        app.get("/teams/:id", async (req, res) => {
          const team = await pool.query(`SELECT * FROM teams WHERE slug = '${req.params.id}'`);
          res.json(team.rows);
        });
    "#;
    assert_eq!(
        facts(FileKind::TypeScript, "src/users.ts", code),
        [
            "pool.query users,teams [teams.id:joins users.team_id:joins users.email:filters] in findByEmail",
            "pool.query orders [orders.user_id:filters orders.created_at:sorts] limited in listOrders",
            "pool.query sessions [sessions.id:filters] writes loop in touchAll",
            "prisma.$queryRaw audit_log [audit_log.session_id:filters] loop in touchAll",
            "pool.query teams [teams.slug:filters]",
        ]
    );
}

#[test]
fn javascript_sinks_of_each_driver() {
    let code = r#"
        const mysql = require("mysql2/promise");
        const { Sequelize, QueryTypes } = require("sequelize");
        const knex = require("knex")(config);

        async function report(connection, sequelize, prisma, req) {
          const sort = req.query.sort;
          await connection.execute("SELECT * FROM orders WHERE id = ?", [req.params.id]);
          await sequelize.query("SELECT * FROM orders WHERE status = :status", { replacements: { status: "paid" }, type: QueryTypes.SELECT });
          await knex.raw("SELECT * FROM orders ORDER BY " + sort);
          await knex("orders").whereRaw(`status = '${req.query.status}'`);
          await knex("orders").where({ status: req.query.status });
          await prisma.$queryRawUnsafe(`SELECT * FROM users WHERE name = '${req.body.name}'`);
          await prisma.$executeRaw(Prisma.sql`DELETE FROM sessions WHERE user_id = ${req.user.id}`);
          const TABLE = "orders";
          await connection.query(`SELECT * FROM ${TABLE} WHERE id = ?`, [1]);
        }
    "#;
    assert_eq!(
        sinks(FileKind::JavaScript, code),
        [
            "connection.execute Raw Literal []",
            "sequelize.query Raw Literal []",
            "knex.raw Raw Concatenation [!sort]",
            "knex(\"orders\").whereRaw Raw Template [!req.query.status]",
            "prisma.$queryRawUnsafe Raw Template [!req.body.name]",
            "prisma.$executeRaw Parameterised Template [!req.user.id]",
            "connection.query Raw Literal []",
        ]
    );
}

#[test]
fn typeorm_migrations_give_facts_only_for_data_changes() {
    let code = r#"
        import { MigrationInterface, QueryRunner } from "typeorm";

        export class AddStatus1700000000000 implements MigrationInterface {
          public async up(queryRunner: QueryRunner): Promise<void> {
            await queryRunner.query(`ALTER TABLE "orders" ADD "status" character varying NOT NULL DEFAULT 'new'`);
            await queryRunner.query(`CREATE INDEX "IDX_status" ON "orders" ("status")`);
            await queryRunner.query(`UPDATE "orders" SET "status" = 'paid' WHERE "paid_at" IS NOT NULL`);
          }
        }
    "#;
    assert_eq!(
        facts(
            FileKind::TypeScript,
            "src/migrations/1700000000000-AddStatus.ts",
            code
        ),
        ["queryRunner.query orders [orders.paid_at:filters] writes in up"]
    );
}

#[test]
fn unrelated_javascript_calls_stay_quiet() {
    let code = r#"
        import { gql } from "@apollo/client";

        export async function load(client, cache, req, index) {
          const { data } = await client.query({ query: gql`query Users { users { id } }` });
          const sort = req.query("sort");
          await cache.execute("warm " + sort);
          await index.query("select the best match for " + req.body.q);
          return String.raw`SELECT * FROM ${sort}`;
        }
    "#;
    assert!(sinks(FileKind::TypeScript, code).is_empty());
    assert!(facts(FileKind::TypeScript, "src/load.ts", code).is_empty());
}

#[test]
fn rust_drivers_give_query_facts() {
    let code = r##"
        use sqlx::PgPool;
        use diesel::sql_query;

        pub async fn user_by_email(pool: &PgPool, email: &str) -> sqlx::Result<User> {
            sqlx::query_as!(User, r#"SELECT id, email AS "email!" FROM users WHERE email = $1"#, email)
                .fetch_one(pool)
                .await
        }

        pub async fn count_open(pool: &PgPool, team: i64) -> sqlx::Result<i64> {
            sqlx::query_scalar!("SELECT count(*) FROM tickets WHERE team_id = $1 AND closed_at IS NULL", team)
                .fetch_one(pool)
                .await
        }

        pub async fn by_status(pool: &PgPool, status: &str, page: i64) -> sqlx::Result<Vec<Order>> {
            let sql = format!("SELECT * FROM orders WHERE status = $1 ORDER BY placed_at LIMIT {}", page * 50);
            sqlx::query_as::<_, Order>(&sql).bind(status).fetch_all(pool).await
        }

        pub fn archive(conn: &mut PgConnection, ids: &[i32]) {
            for id in ids {
                sql_query("UPDATE orders SET archived = true WHERE id = $1").bind::<Integer, _>(id).execute(conn).unwrap();
            }
        }
    "##;
    assert_eq!(
        facts(FileKind::Rust, "src/db.rs", code),
        [
            "sqlx::query_as! users [users.email:filters] limited in user_by_email",
            "sqlx::query_scalar! tickets [tickets.team_id:filters tickets.closed_at:filters] limited in count_open",
            "sqlx::query_as orders [orders.status:filters orders.placed_at:sorts] limited in by_status",
            "sql_query orders [orders.id:filters] writes loop in archive",
        ]
    );
}

#[test]
fn rust_postgres_and_rusqlite_clients() {
    let code = r#"
        use tokio_postgres::Client;

        const ACTIVE: &str = "SELECT id FROM accounts WHERE active AND region = $1";

        async fn regions(client: &Client, regions: &[String]) -> Result<(), Error> {
            for region in regions {
                let rows = client.query(ACTIVE, &[region]).await?;
            }
            let name = regions[0].clone();
            let stmt = client.prepare(&format!("SELECT * FROM accounts WHERE name = '{}'", name)).await?;
            client.execute("DELETE FROM sessions WHERE expires_at < now()", &[]).await?;
            Ok(())
        }
    "#;
    assert_eq!(
        facts(FileKind::Rust, "src/accounts.rs", code),
        [
            "client.query accounts [accounts.region:filters] loop in regions",
            "client.prepare accounts [accounts.name:filters] in regions",
            "client.execute sessions [sessions.expires_at:filters] writes in regions",
        ]
    );
    assert_eq!(
        sinks(FileKind::Rust, code),
        [
            "client.query Raw Literal []",
            "client.prepare Raw FormatMacro [!name]",
            "client.execute Raw Literal []",
        ]
    );
}

#[test]
fn rust_strings_built_in_steps() {
    let code = r#"
        use std::fmt::Write;
        use rusqlite::Connection;

        fn search(conn: &Connection, name: &str, limit: usize, ids: &[i64]) -> rusqlite::Result<usize> {
            let mut sql = String::from("SELECT * FROM items WHERE 1 = 1");
            sql.push_str(&format!(" AND name LIKE '%{name}%'"));
            write!(sql, " LIMIT {}", limit).unwrap();
            conn.execute(&sql, [])?;
            let placeholders = vec!["?"; ids.len()].join(",");
            conn.execute(&format!("DELETE FROM items WHERE id IN ({placeholders})"), rusqlite::params_from_iter(ids))
        }

        async fn fetch(pool: &sqlx::SqlitePool) {
            let rows = sqlx::query("SELECT * FROM items").execute(pool).await;
        }
    "#;
    assert_eq!(
        sinks(FileKind::Rust, code),
        [
            "conn.execute Raw FormatMacro [!name, limit]",
            "conn.execute Raw FormatMacro [placeholders]",
            "sqlx::query Raw Literal []",
        ]
    );
}

#[test]
fn unrelated_rust_calls_stay_quiet() {
    let code = r#"
        use reqwest::Client;

        async fn search(http: &Client, q: &str) {
            let url = format!("https://api.example.com/search?select={q}");
            http.get(&url).query(&[("q", q)]).send().await.unwrap();
            let plan = planner.execute("select the cheapest route");
        }
    "#;
    assert!(sinks(FileKind::Rust, code).is_empty());
}

#[test]
fn odd_input_gives_nothing_and_does_not_panic() {
    let deep = format!(
        "import psycopg\ndef f(cur, x):\n    cur.execute({}\"SELECT * FROM t WHERE a = \" + x{})\n",
        "(".repeat(3000),
        ")".repeat(3000)
    );
    let _ = facts(FileKind::Python, "app/deep.py", &deep);
    let chain = format!(
        "import psycopg\ndef f(cur, x):\n    cur.execute(\"SELECT * FROM t WHERE a = 1\"{})\n",
        " + x".repeat(5000)
    );
    assert_eq!(sinks(FileKind::Python, &chain).len(), 1);
    let nested = format!(
        "const {{ Pool }} = require('pg');\npool.query(`SELECT * FROM t WHERE a = {}x{}`);\n",
        "${`".repeat(2000),
        "`}".repeat(2000)
    );
    assert_eq!(sinks(FileKind::JavaScript, &nested).len(), 1);
    let subqueries = format!(
        "SELECT * FROM t WHERE a IN {}1{}",
        "(SELECT a FROM t WHERE a IN ".repeat(200),
        ")".repeat(200)
    );
    assert!(shape::analyse(&subqueries).is_empty());
    let broken = "const { Pool } = require('pg');\npool.query(`SELECT * FROM ${";
    let _ = facts(FileKind::JavaScript, "src/broken.js", broken);
    assert!(facts(
        FileKind::Rust,
        "src/lib.rs",
        "fn f() { sqlx::query!(); sqlx::query(); }"
    )
    .is_empty());
}

#[test]
fn loops_are_their_bodies_not_their_iterables() {
    let python = r#"
        import asyncpg

        async def totals(conn, ids):
            rows = [await conn.fetchrow("SELECT sum(total) FROM orders WHERE customer_id = $1", i) for i in ids]
            for row in await conn.fetch("SELECT id FROM customers WHERE region = $1", "eu"):
                await conn.execute("UPDATE customers SET checked = true WHERE id = $1", row["id"])
            while True:
                batch = await conn.fetch("SELECT id FROM jobs WHERE state = 'queued' LIMIT 100")
    "#;
    assert_eq!(
        facts(FileKind::Python, "app/totals.py", python),
        [
            "conn.fetchrow orders [orders.customer_id:filters] limited loop in totals",
            "conn.fetch customers [customers.region:filters] in totals",
            "conn.execute customers [customers.id:filters] writes loop in totals",
            "conn.fetch jobs [jobs.state:filters] limited loop in totals",
        ]
    );
    let js = r#"
        export class OrderRepository {
          constructor(db) { this.db = db; }
          async archive(ids) {
            for (const { id } of (await this.db.query("SELECT id FROM orders WHERE archived = false")).rows) {
              await this.db.query("UPDATE orders SET archived = true WHERE id = $1", [id]);
            }
            const loaders = ids.map(function (id) {
              return () => this.db.query("SELECT * FROM order_items WHERE order_id = $1", [id]);
            });
          }
        }
    "#;
    assert_eq!(
        facts(FileKind::JavaScript, "src/orders.js", js),
        [
            "this.db.query orders [orders.archived:filters] in archive",
            "this.db.query orders [orders.id:filters] writes loop in archive",
            "this.db.query order_items [order_items.order_id:filters] in archive",
        ]
    );
    let rust = r#"
        async fn drain(client: &tokio_postgres::Client) {
            loop {
                let rows = client.query("SELECT id FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT 10", &[]).await;
            }
        }
    "#;
    assert_eq!(
        facts(FileKind::Rust, "src/outbox.rs", rust),
        ["client.query outbox [outbox.sent_at:filters outbox.id:sorts] limited loop in drain"]
    );
}

#[test]
fn a_driver_import_or_a_database_receiver_is_needed_in_javascript() {
    let code = r#"
        export async function find(searchIndex, id) {
          return searchIndex.query("SELECT * FROM docs WHERE id = ?", [id]);
        }
    "#;
    assert!(facts(FileKind::JavaScript, "src/search.js", code).is_empty());
    let imported = format!("import mysql from \"mysql2/promise\";\n{}", unindent(code));
    assert_eq!(
        facts(FileKind::JavaScript, "src/search.js", &imported),
        ["searchIndex.query docs [docs.id:filters] in find"]
    );
}

#[test]
fn dynamic_where_clauses_joined_from_constant_conditions() {
    let python = r#"
        def search(cur, name=None, region=None, sort=None):
            conditions = ["deleted_at IS NULL"]
            params = []
            if name:
                conditions.append("name = %s")
                params.append(name)
            if region:
                conditions.append(f"region = '{region}'")
            where = " AND ".join(conditions)
            cur.execute(f"SELECT * FROM customers WHERE {where}", params)
            safe = ["active"]
            safe.append("tier = %s")
            cur.execute("SELECT * FROM customers WHERE " + " AND ".join(safe), params)
    "#;
    assert_eq!(
        sinks(FileKind::Python, python),
        [
            "cur.execute Raw FString [!where]",
            "cur.execute Raw Concatenation [\" AND \".join(safe)]",
        ]
    );
    let js = r#"
        import { Pool } from "pg";

        export async function search(pool, filters) {
          const clauses = [];
          const values = [];
          if (filters.status) {
            values.push(filters.status);
            clauses.push(`status = $${values.length}`);
          }
          const where = clauses.length ? `WHERE ${clauses.join(" AND ")}` : "";
          return pool.query(`SELECT * FROM orders ${where} ORDER BY id`, values);
        }
    "#;
    assert_eq!(
        sinks(FileKind::JavaScript, js),
        ["pool.query Raw Template [clauses.join(\" AND \")]"]
    );
}

#[test]
fn variables_that_fan_out_into_each_other_stay_cheap() {
    let mut code = String::from("def f(cur, x):\n    a0 = [x]\n");
    for i in 1..40 {
        code.push_str(&format!("    a{i} = [a{p}, a{p}, a{p}]\n", p = i - 1));
        for _ in 0..20 {
            code.push_str(&format!(
                "    a{i}.append(\" AND \".join(a{p}))\n",
                p = i - 1
            ));
        }
    }
    code.push_str("    cur.execute(\"SELECT * FROM t WHERE \" + \" AND \".join(a39))\n");
    let started = std::time::Instant::now();
    assert_eq!(sinks(FileKind::Python, &code).len(), 1);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn single_row_fetches_are_bounded() {
    let rust = r#"
        async fn product(pool: &sqlx::PgPool, id: i64) -> sqlx::Result<Product> {
            let one = sqlx::query_as::<_, Product>("SELECT * FROM products WHERE id = $1").bind(id).fetch_one(pool).await?;
            let all = sqlx::query_as::<_, Product>("SELECT * FROM products WHERE brand = $1").bind(id).fetch_all(pool).await?;
            Ok(one)
        }
    "#;
    assert_eq!(
        facts(FileKind::Rust, "src/products.rs", rust),
        [
            "sqlx::query_as products [products.id:filters] limited in product",
            "sqlx::query_as products [products.brand:filters] in product",
        ]
    );
    let python = r#"
        import sqlite3

        async def user(conn, db, email):
            row = conn.execute("SELECT * FROM users WHERE email = ?", (email,)).fetchone()
            other = (await db.execute("SELECT * FROM users WHERE handle = ?", (email,))).fetchone()
            return row, other
    "#;
    assert_eq!(
        facts(FileKind::Python, "app/users.py", python),
        [
            "conn.execute users [users.email:filters] limited in user",
            "db.execute users [users.handle:filters] limited in user",
        ]
    );
}
