//! The data layer end to end: `redflag inventory` shows the schema replayed
//! from every source of each fixture repository with an
//! `expected-schema.txt`, as text and as JSON.

mod common;

use std::path::PathBuf;

use common::{json, redflag, stderr, stdout, workspace};

fn schema_fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(workspace().join("testdata/repos"))
        .expect("testdata/repos")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("expected-schema.txt").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// The schema section of a text inventory: from the `schema (` line on.
fn schema_section(text: &str) -> String {
    text.find("\nschema (")
        .map(|at| text[at + 1..].to_string())
        .or_else(|| text.starts_with("schema (").then(|| text.to_string()))
        .unwrap_or_default()
}

#[test]
fn inventory_shows_the_replayed_schema_of_every_fixture() {
    let fixtures = schema_fixtures();
    assert!(
        !fixtures.is_empty(),
        "no fixture has an expected-schema.txt"
    );
    let mut failures = Vec::new();
    for dir in fixtures {
        let expected = std::fs::read_to_string(dir.join("expected-schema.txt")).expect("read");
        let output = redflag(&dir, &["inventory"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let found = schema_section(&stdout(&output));
        if found != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}\n--- found\n{found}",
                dir.display()
            ));
        }
        // The JSON lists the same tables with the same keys.
        let output = redflag(&dir, &["inventory", "--output-format", "json"]);
        let inventory = json(&output);
        let tables: Vec<&str> = inventory["schema"]["tables"]
            .as_array()
            .expect("schema tables")
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        let text_tables: Vec<&str> = expected
            .lines()
            .filter_map(|l| l.strip_prefix("  table "))
            .filter_map(|l| l.split(' ').next())
            .collect();
        if tables != text_tables {
            failures.push(format!(
                "{}: JSON tables {tables:?} differ from text {text_tables:?}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn json_schema_records_keys_indexes_and_where_tables_are_defined() {
    let repo = common::repo(&[
        (
            "migrations/0001_init.sql",
            "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE);\n\
             CREATE TABLE orders (\n  id BIGSERIAL PRIMARY KEY,\n  user_id BIGINT REFERENCES users (id),\n  status TEXT\n);\n\
             CREATE INDEX orders_open ON orders (status) WHERE status <> 'done';\n",
        ),
        (
            "migrations/0002_rename.sql",
            "ALTER TABLE orders RENAME COLUMN status TO state;\n",
        ),
    ]);
    let output = redflag(repo.path(), &["inventory", "--output-format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let schema = &json(&output)["schema"];
    assert_eq!(schema["dialect"], "postgresql");
    assert_eq!(schema["sources"], serde_json::json!(["SQL migration"]));
    let orders = &schema["tables"][0];
    assert_eq!(orders["name"], "orders");
    assert_eq!(orders["defined_at"]["path"], "migrations/0001_init.sql");
    assert_eq!(orders["defined_at"]["line"], 2);
    assert_eq!(
        orders["columns"],
        serde_json::json!(["id", "user_id", "state"])
    );
    assert_eq!(orders["primary_key"], serde_json::json!(["id"]));
    assert_eq!(
        orders["indexes"][0]["columns"],
        serde_json::json!(["state"])
    );
    assert_eq!(orders["indexes"][0]["partial"], true);
    assert_eq!(orders["foreign_keys"][0]["references"]["table"], "users");
    let users = &schema["tables"][1];
    assert_eq!(users["uniques"][0]["columns"], serde_json::json!(["email"]));
}
