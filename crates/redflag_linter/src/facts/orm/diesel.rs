//! Schema from Diesel's `schema.rs`: `table!` and `joinable!` macros.
//!
//! tree-sitter leaves a macro body as a token tree; its leaves (names,
//! `->`, strings, brackets) are all this needs, so the body is flattened
//! into tokens with byte ranges and read by a small cursor:
//! `#[sql_name = "…"] schema.name (pk, …) { #[sql_name = "…"] column -> Type, … }`.
//! `joinable!(child -> parent (fk))` is the foreign key Diesel knows about;
//! Diesel creates no index for it (the migrations decide that).
//!
//! Names: code says `users::table` and `users::email`, the database sees
//! the `sql_name` when there is one. The primary key is `id` unless the
//! table lists its own.

use std::ops::Range;

use redflag_syntax::sql::SqlDialect;
use redflag_syntax::tree_sitter::Node;

use crate::facts::data::{ModelFact, SchemaFacts, SchemaSource};
use crate::facts::routes::walk;
use crate::facts::sql::{AlterOp, ColumnFact, ConstraintFact, DdlStatement, ForeignKeyFact};
use crate::source::SourceFile;

/// Types only `diesel print-schema` for PostgreSQL writes.
const POSTGRES_TYPES: &[&str] = &[
    "Int2",
    "Int4",
    "Int8",
    "Timestamptz",
    "Jsonb",
    "Uuid",
    "Bpchar",
    "Inet",
    "Cidr",
    "Interval",
    "Money",
];
/// Types only `diesel print-schema` for MySQL writes.
const MYSQL_TYPES: &[&str] = &["Unsigned", "Tinyint", "Datetime", "Mediumint"];

pub(super) fn collect(file: &SourceFile) -> Option<SchemaFacts> {
    if !file.text.contains("table!") {
        return None;
    }
    let tree = file.tree()?;
    let mut tables = Vec::new();
    let mut joins = Vec::new();
    walk(tree.root_node(), |node| {
        if node.kind() != "macro_invocation" {
            return true;
        }
        let name = node
            .child_by_field_name("macro")
            .map(|m| file.text_of(m).rsplit("::").next().unwrap_or("").trim())
            .unwrap_or("");
        let body = last_token_tree(node);
        match (name, body) {
            ("table", Some(body)) => tables.extend(read_tables(&tokens(file, body))),
            ("joinable", Some(body)) => {
                if let Some(join) = read_joinable(&tokens(file, body), node.byte_range()) {
                    joins.push(join);
                }
            }
            _ => {}
        }
        false
    });
    if tables.is_empty() && joins.is_empty() {
        return None;
    }
    Some(emit(file, &tables, &joins))
}

fn last_token_tree(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .filter(|c| c.kind() == "token_tree")
        .last();
    found
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    Str,
    Punct,
}

#[derive(Debug, Clone)]
struct Token<'a> {
    kind: Kind,
    /// The text; for strings, the contents.
    text: &'a str,
    range: Range<usize>,
}

/// The leaves of a macro's token tree, without its outer delimiters and
/// comments; a string literal is one token.
fn tokens<'a>(file: &'a SourceFile, tree: Node<'_>) -> Vec<Token<'a>> {
    let mut found = Vec::new();
    walk(tree, |node| {
        let kind = node.kind();
        if kind.ends_with("comment") {
            return false;
        }
        if kind == "string_literal" || kind == "raw_string_literal" {
            let mut text = file.text_of(node);
            text = text.trim_start_matches('r').trim_matches('#');
            found.push(Token {
                kind: Kind::Str,
                text: text
                    .strip_prefix('"')
                    .unwrap_or(text)
                    .strip_suffix('"')
                    .unwrap_or(text),
                range: node.byte_range(),
            });
            return false;
        }
        if node.child_count() > 0 {
            return true;
        }
        let text = file.text_of(node);
        let is_name = text
            .trim_start_matches("r#")
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_')
            && !text.is_empty();
        found.push(Token {
            kind: if is_name { Kind::Ident } else { Kind::Punct },
            text: text.trim_start_matches("r#"),
            range: node.byte_range(),
        });
        true
    });
    // Drop the outer delimiters.
    if found.len() >= 2 {
        found.pop();
        found.remove(0);
    }
    found
}

#[derive(Debug)]
struct Column {
    field: String,
    name: String,
    nullable: bool,
}

#[derive(Debug)]
struct Table {
    /// As code names it: `users::table`.
    module: String,
    name: String,
    primary_key: Vec<String>,
    columns: Vec<Column>,
    types: Vec<String>,
    range: Range<usize>,
}

impl Table {
    fn column_of(&self, field: &str) -> String {
        self.columns
            .iter()
            .find(|c| c.field == field)
            .map_or_else(|| field.to_string(), |c| c.name.clone())
    }
}

struct Cursor<'t, 'a> {
    tokens: &'t [Token<'a>],
    at: usize,
}

impl<'a> Cursor<'_, 'a> {
    fn peek(&self) -> Option<&Token<'a>> {
        self.tokens.get(self.at)
    }

    fn is(&self, text: &str) -> bool {
        self.peek().is_some_and(|t| t.text == text)
    }

    fn next(&mut self) -> Option<Token<'a>> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn ident(&mut self) -> Option<Token<'a>> {
        let token = self.peek()?;
        (token.kind == Kind::Ident).then(|| self.next())?
    }

    /// Skips to just after the bracket closing the one at the cursor.
    fn skip_group(&mut self) {
        let mut depth = 0usize;
        while let Some(token) = self.next() {
            match token.text {
                "(" | "[" | "{" => depth += 1,
                ")" | "]" | "}" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// Reads `#[…]` attributes; returns the `sql_name` if one is given.
    fn attributes(&mut self) -> Option<String> {
        let mut sql_name = None;
        while self.is("#") {
            self.at += 1;
            let start = self.at;
            self.skip_group();
            let inner = &self.tokens[start.min(self.at)..self.at];
            if let [_, name, eq, value, ..] = inner {
                if name.text == "sql_name" && eq.text == "=" && value.kind == Kind::Str {
                    sql_name = Some(value.text.to_string());
                }
            }
        }
        sql_name
    }
}

fn read_tables(tokens: &[Token<'_>]) -> Vec<Table> {
    let mut tables = Vec::new();
    let mut cursor = Cursor { tokens, at: 0 };
    while cursor.peek().is_some() {
        if cursor.is("use") {
            while cursor.next().is_some_and(|t| t.text != ";") {}
            continue;
        }
        let sql_name = cursor.attributes();
        let Some(mut name) = cursor.ident() else {
            cursor.at += 1;
            continue;
        };
        // `schema.table`
        while cursor.is(".") {
            cursor.at += 1;
            match cursor.ident() {
                Some(next) => name = next,
                None => break,
            }
        }
        let mut primary_key = Vec::new();
        if cursor.is("(") {
            cursor.at += 1;
            while let Some(token) = cursor.next() {
                match token.kind {
                    Kind::Ident => primary_key.push(token.text.to_string()),
                    _ if token.text == ")" => break,
                    _ => {}
                }
            }
        }
        if !cursor.is("{") {
            continue;
        }
        cursor.at += 1;
        let mut table = Table {
            module: name.text.to_string(),
            name: sql_name.unwrap_or_else(|| name.text.to_string()),
            primary_key,
            columns: Vec::new(),
            types: Vec::new(),
            range: name.range.clone(),
        };
        read_columns(&mut cursor, &mut table);
        if table.columns.is_empty() {
            continue;
        }
        if table.primary_key.is_empty() {
            table.primary_key.push("id".into());
        }
        tables.push(table);
    }
    tables
}

/// Reads `column -> Type,` entries up to the closing brace.
fn read_columns(cursor: &mut Cursor<'_, '_>, table: &mut Table) {
    loop {
        if cursor.peek().is_none() {
            return;
        }
        if cursor.is("}") {
            cursor.at += 1;
            return;
        }
        let sql_name = cursor.attributes();
        let Some(field) = cursor.ident() else {
            cursor.at += 1;
            continue;
        };
        if !cursor.is("->") {
            continue;
        }
        cursor.at += 1;
        let mut depth = 0usize;
        let mut nullable = false;
        while let Some(token) = cursor.peek() {
            match token.text {
                "<" => depth += 1,
                ">" => depth = depth.saturating_sub(1),
                "," if depth == 0 => {
                    cursor.at += 1;
                    break;
                }
                "}" => break,
                "Nullable" => nullable = true,
                text if token.kind == Kind::Ident => table.types.push(text.to_string()),
                _ => {}
            }
            cursor.at += 1;
        }
        table.columns.push(Column {
            name: sql_name.unwrap_or_else(|| field.text.to_string()),
            field: field.text.to_string(),
            nullable,
        });
    }
}

#[derive(Debug)]
struct Join {
    child: String,
    parent: String,
    columns: Vec<String>,
    range: Range<usize>,
}

/// `posts -> users (user_id)`
fn read_joinable(tokens: &[Token<'_>], range: Range<usize>) -> Option<Join> {
    let mut cursor = Cursor { tokens, at: 0 };
    let child = cursor.ident()?;
    if !cursor.is("->") {
        return None;
    }
    cursor.at += 1;
    let parent = cursor.ident()?;
    let columns: Vec<String> = tokens[cursor.at.min(tokens.len())..]
        .iter()
        .filter(|t| t.kind == Kind::Ident)
        .map(|t| t.text.to_string())
        .collect();
    if columns.is_empty() {
        return None;
    }
    Some(Join {
        child: child.text.to_string(),
        parent: parent.text.to_string(),
        columns,
        range,
    })
}

fn dialect(tables: &[Table]) -> Option<SqlDialect> {
    let types = || tables.iter().flat_map(|t| t.types.iter());
    if types().any(|t| POSTGRES_TYPES.contains(&t.as_str())) {
        Some(SqlDialect::PostgreSql)
    } else if types().any(|t| MYSQL_TYPES.contains(&t.as_str())) {
        Some(SqlDialect::MySql)
    } else {
        None
    }
}

fn emit(file: &SourceFile, tables: &[Table], joins: &[Join]) -> SchemaFacts {
    let mut facts = SchemaFacts::new(SchemaSource::DieselSchema);
    facts.dialect = dialect(tables);
    let by_module = |module: &str| tables.iter().find(|t| t.module == module);
    let foreign_key = |join: &Join| {
        let child = by_module(&join.child);
        let parent = by_module(&join.parent);
        ForeignKeyFact {
            name: None,
            columns: join
                .columns
                .iter()
                .map(|c| child.map_or_else(|| c.clone(), |t| t.column_of(c)))
                .collect(),
            referenced_table: parent.map_or_else(|| join.parent.clone(), |t| t.name.clone()),
            referenced_columns: parent.map_or_else(
                || vec!["id".to_string()],
                |t| t.primary_key.iter().map(|k| t.column_of(k)).collect(),
            ),
            location: file.location(join.range.clone()),
        }
    };
    for table in tables {
        let primary_key: Vec<String> = table
            .primary_key
            .iter()
            .map(|k| table.column_of(k))
            .collect();
        let single_key = (primary_key.len() == 1).then(|| primary_key[0].clone());
        let columns = table
            .columns
            .iter()
            .map(|c| ColumnFact {
                name: c.name.clone(),
                primary_key: single_key.as_ref() == Some(&c.name),
                unique: false,
                foreign_key: None,
                not_null: !c.nullable,
                has_default: false,
            })
            .collect();
        let mut constraints = Vec::new();
        if single_key.is_none() {
            constraints.push(ConstraintFact::PrimaryKey(primary_key));
        }
        constraints.extend(
            joins
                .iter()
                .filter(|j| j.child == table.module)
                .map(|j| ConstraintFact::ForeignKey(foreign_key(j))),
        );
        let location = file.location(table.range.clone());
        facts.statements.push(DdlStatement::CreateTable {
            table: table.name.clone(),
            if_not_exists: false,
            columns,
            constraints,
            location: Some(location.clone()),
        });
        facts.models.push(ModelFact {
            name: table.module.clone(),
            table: table.name.clone(),
            fields: table
                .columns
                .iter()
                .map(|c| (c.field.clone(), c.name.clone()))
                .collect(),
            location,
        });
    }
    // A `joinable!` whose child table is declared elsewhere.
    for join in joins.iter().filter(|j| by_module(&j.child).is_none()) {
        facts.statements.push(DdlStatement::AlterTable {
            table: join.child.clone(),
            ops: vec![AlterOp::AddConstraint {
                constraint: ConstraintFact::ForeignKey(foreign_key(join)),
                not_valid: false,
            }],
            location: Some(file.location(join.range.clone())),
        });
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::FileFacts;
    use crate::project::data::DataModel;
    use crate::project::schema::Coverage;
    use redflag_syntax::FileKind;

    fn facts(text: &str) -> Option<SchemaFacts> {
        let file = SourceFile::new("src/schema.rs".into(), FileKind::Rust, text.into(), None);
        collect(&file)
    }

    const SCHEMA: &str = r#"// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "order_status"))]
    pub struct OrderStatus;
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::OrderStatus;

    orders (id) {
        id -> Int8,
        user_id -> Int4,
        status -> OrderStatus,
        #[max_length = 64]
        #[sql_name = "ref"]
        reference -> Varchar,
        note -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    /// Accounts.
    #[sql_name = "accounts"]
    users {
        id -> Int4,
        email -> Varchar,
    }
}

diesel::table! {
    order_lines (order_id, line_no) {
        order_id -> Int8,
        line_no -> Int4,
    }
}

diesel::joinable!(orders -> users (user_id));
diesel::joinable!(order_lines -> orders (order_id));
diesel::allow_tables_to_appear_in_same_query!(order_lines, orders, users,);
"#;

    #[test]
    fn tables_keys_renames_and_joins() {
        let found = facts(SCHEMA).expect("facts");
        assert_eq!(found.source, SchemaSource::DieselSchema);
        assert_eq!(found.dialect, Some(SqlDialect::PostgreSql));
        let DdlStatement::CreateTable {
            table,
            columns,
            constraints,
            location,
            ..
        } = &found.statements[0]
        else {
            panic!("{:?}", found.statements[0]);
        };
        assert_eq!(table, "orders");
        assert_eq!(location.as_ref().map(|l| l.start.line), Some(13));
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["id", "user_id", "status", "ref", "note", "created_at"]
        );
        assert!(columns[0].primary_key);
        assert!(columns[3].not_null && !columns[4].not_null);
        let [ConstraintFact::ForeignKey(fk)] = constraints.as_slice() else {
            panic!("{constraints:?}");
        };
        assert_eq!(fk.columns, ["user_id"]);
        assert_eq!(fk.referenced_table, "accounts");
        assert_eq!(fk.referenced_columns, ["id"]);
        assert_eq!(fk.location.start.line, 41);
        let users = found
            .models
            .iter()
            .find(|m| m.name == "users")
            .expect("model");
        assert_eq!(users.table, "accounts");
        let orders = found
            .models
            .iter()
            .find(|m| m.name == "orders")
            .expect("model");
        assert!(orders.fields.contains(&("reference".into(), "ref".into())));
        let DdlStatement::CreateTable { constraints, .. } = &found.statements[2] else {
            panic!("order_lines");
        };
        assert_eq!(
            constraints[0],
            ConstraintFact::PrimaryKey(vec!["order_id".into(), "line_no".into()])
        );
    }

    #[test]
    fn older_syntax_and_schemas_elsewhere() {
        let text = "#[macro_use]\nextern crate diesel;\n\ntable! {\n    public.posts {\n        id -> Integer,\n        author_id -> Integer,\n        title -> Text,\n    }\n}\n\njoinable!(comments -> posts (post_id));\n";
        let found = facts(text).expect("facts");
        assert_eq!(found.dialect, None);
        assert!(
            matches!(&found.statements[0], DdlStatement::CreateTable { table, .. } if table == "posts")
        );
        let DdlStatement::AlterTable { table, ops, .. } = &found.statements[1] else {
            panic!("{:?}", found.statements);
        };
        assert_eq!(table, "comments");
        assert!(matches!(
            &ops[0],
            AlterOp::AddConstraint { constraint: ConstraintFact::ForeignKey(fk), .. } if fk.referenced_table == "posts"
        ));
    }

    #[test]
    fn other_macros_and_odd_input_give_nothing() {
        assert!(facts("fn main() { let t = prettytable::table!([\"a\", \"b\"]); }").is_none());
        assert!(facts("// mentions table! only\nfn main() {}").is_none());
        for odd in [
            "diesel::table! {",
            "diesel::table! { users (id) { id -> } }",
            "diesel::table! { users ( { id -> Int4 } }",
            "diesel::joinable!(posts -> );",
            "diesel::table! { #[sql_name = ] users { id -> Nullable<<Int4, } }",
        ] {
            let _ = facts(odd);
        }
        let nested = format!(
            "diesel::table! {{ users {{ id -> {}Int4{} }} }}",
            "Nullable<".repeat(5000),
            ">".repeat(5000)
        );
        let _ = facts(&nested);
    }

    #[test]
    fn replayed_into_the_data_model() {
        let files = vec![FileFacts {
            path: "src/schema.rs".into(),
            schema: facts(SCHEMA),
            ..FileFacts::default()
        }];
        let data = DataModel::build(&files);
        let orders = &data.schema.tables["orders"];
        assert_eq!(orders.covering(&["id".into()]), Some(Coverage::PrimaryKey));
        assert_eq!(orders.covering(&["user_id".into()]), None);
        assert_eq!(
            data.model("orders").map(|m| m.table.as_str()),
            Some("orders")
        );
        assert_eq!(
            data.model("users").map(|m| m.table.as_str()),
            Some("accounts")
        );
    }
}
