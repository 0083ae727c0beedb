//! Schema from Python: Alembic migrations, Django models and migrations,
//! SQLAlchemy, Flask-SQLAlchemy and SQLModel declarative models and core
//! `Table`s.
//!
//! A file is read as at most one source, chosen by what it is: a module
//! with `upgrade()` importing Alembic is a migration even when it also
//! builds `sa.Table`s for data moves; a `migrations/` module with a
//! `Migration` class is a Django migration; a Django `models` module holds
//! models; anything else mentioning SQLAlchemy or SQLModel may declare
//! tables. Each reader resolves names the way its tool does (Django's
//! `app_model` tables and `_id` columns, Alembic's and SQLAlchemy's
//! `ix_<table>_<column>` index names), so the statements meet SQL
//! migrations and queries in one model. Trees are read by iterating over
//! children and with cursor walks, never by recursion.

mod alembic;
mod columns;
mod django;
mod django_migrations;
mod django_models;
mod sqlalchemy;

use std::collections::HashSet;

use redflag_syntax::sql::SqlDialect;
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use crate::facts::data::SchemaFacts;
use crate::facts::sql::{ColumnFact, ConstraintFact, DdlStatement, IndexFact};
use crate::semantics::name_path;
use crate::source::{Location, SourceFile};

/// The schema a Python file declares, read as the one source it is.
pub(super) fn collect(file: &SourceFile) -> Option<SchemaFacts> {
    let text = file.text.as_str();
    if alembic::is_migration(text) {
        return alembic::collect(file);
    }
    if let Some(app) = django_migrations::app_of(&file.path, text) {
        return django_migrations::collect(file, app.as_deref());
    }
    if let Some(app) = django_models::app_of(&file.path, text) {
        return django_models::collect(file, app.as_deref());
    }
    if sqlalchemy::may_declare_tables(text) {
        return sqlalchemy::collect(file);
    }
    None
}

/// The database a module's dialect imports and options name.
fn dialect(file: &SourceFile) -> Option<SqlDialect> {
    let modules = file.imports().modules();
    let imports = |name: &str| modules.iter().any(|m| m.contains(name));
    if imports("dialects.postgresql") || file.text.contains("postgresql_") {
        Some(SqlDialect::PostgreSql)
    } else if imports("dialects.mysql") || file.text.contains("mysql_") {
        Some(SqlDialect::MySql)
    } else if imports("dialects.sqlite") {
        Some(SqlDialect::Sqlite)
    } else {
        None
    }
}

/// A table being assembled from a model or `create_table` call, emitted as
/// its `CREATE TABLE` followed by the indexes created with it.
#[derive(Debug, Default)]
struct TableBuilder {
    table: String,
    columns: Vec<ColumnFact>,
    constraints: Vec<ConstraintFact>,
    indexes: Vec<IndexFact>,
    location: Option<Location>,
}

impl TableBuilder {
    fn new(table: &str, location: Option<Location>) -> TableBuilder {
        TableBuilder {
            table: table.to_string(),
            location,
            ..TableBuilder::default()
        }
    }

    /// Adds a column; a later one of the same name (a redeclared inherited
    /// field) replaces it when the table is finished.
    fn column(&mut self, column: ColumnFact) {
        self.columns.push(column);
    }

    /// The statements: several `primary_key=True` columns make one
    /// composite key, as the ORMs build it.
    fn finish(mut self, out: &mut Vec<DdlStatement>) {
        self.columns = last_wins(self.columns, |c| &c.name);
        let keys: Vec<String> = self
            .columns
            .iter()
            .filter(|c| c.primary_key)
            .map(|c| c.name.clone())
            .collect();
        if keys.len() > 1 {
            for column in &mut self.columns {
                column.primary_key = false;
            }
            self.constraints.insert(0, ConstraintFact::PrimaryKey(keys));
        }
        out.push(DdlStatement::CreateTable {
            table: self.table,
            if_not_exists: false,
            columns: self.columns,
            constraints: self.constraints,
            location: self.location,
        });
        out.extend(self.indexes.into_iter().map(DdlStatement::CreateIndex));
    }
}

/// Keeps the last item of each key, in the order of those last items: a
/// redeclared attribute replaces the inherited one. Linear, so a hostile
/// class with thousands of attributes costs no more than reading it.
fn last_wins<T>(items: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<T> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    for item in items.into_iter().rev() {
        if seen.insert(key(&item).to_string()) {
            kept.push(item);
        }
    }
    kept.reverse();
    kept
}

/// An index on columns with its name and declaration.
fn index_on(
    table: &str,
    name: Option<String>,
    columns: Vec<Option<String>>,
    location: Option<Location>,
) -> IndexFact {
    IndexFact {
        name,
        table: table.to_string(),
        columns,
        unique: false,
        partial: false,
        concurrently: false,
        location,
    }
}

fn location_of(file: &SourceFile, node: Node<'_>) -> Location {
    file.location(node.byte_range())
}

/// Where a class or function is declared: its header, `class Order(Base):`.
fn header_location(file: &SourceFile, node: Node<'_>) -> Location {
    // The header ends at its colon: a comment after it is not part of it.
    let mut cursor = node.walk();
    let colon = node
        .children(&mut cursor)
        .take_while(|c| c.kind() != "block")
        .filter(|c| c.kind() == ":")
        .last();
    let end = colon.map_or(node.end_byte(), |c| c.end_byte());
    file.location(node.start_byte()..end)
}

/// The text inside a string literal (escapes kept); adjacent literals are
/// joined. `None` for anything else, f-strings with holes included.
fn string_value(file: &SourceFile, node: Node<'_>) -> Option<String> {
    let node = unparenthesized(node);
    match node.kind() {
        "string" => literal_text(file, node),
        "concatenated_string" => {
            let mut cursor = node.walk();
            let parts: Option<Vec<String>> = node
                .named_children(&mut cursor)
                .map(|part| literal_text(file, part))
                .collect();
            parts.map(|parts| parts.concat())
        }
        _ => None,
    }
}

fn literal_text(file: &SourceFile, node: Node<'_>) -> Option<String> {
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
    if children.iter().any(|c| c.kind() == "interpolation") {
        return None;
    }
    let start = children.iter().find(|c| c.kind() == "string_start")?;
    let end = children.iter().rev().find(|c| c.kind() == "string_end")?;
    Some(file.slice(start.end_byte()..end.start_byte()).to_string())
}

/// A name given as a string or wrapped in a naming helper: `"ix_users"`,
/// `op.f("ix_users")`, `conv("ix_users")`.
fn name_value(file: &SourceFile, node: Node<'_>) -> Option<String> {
    let node = unparenthesized(node);
    if node.kind() == "call" && matches!(callee_last(file, node), Some("f" | "conv")) {
        return positional(node, 0).and_then(|n| string_value(file, n));
    }
    string_value(file, node)
}

/// Parentheses unwrapped in a loop: a hostile file may nest thousands.
fn unparenthesized(node: Node<'_>) -> Node<'_> {
    let mut node = node;
    while node.kind() == "parenthesized_expression" {
        match node.named_child(0) {
            Some(inner) => node = inner,
            None => break,
        }
    }
    node
}

/// The last segment of a call's callee: `Column` for `sa.Column(…)`.
fn callee_last<'f>(file: &'f SourceFile, call: Node<'_>) -> Option<&'f str> {
    if call.kind() != "call" {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    match function.kind() {
        "attribute" => Some(file.text_of(function.child_by_field_name("attribute")?)),
        "identifier" => Some(file.text_of(function)),
        _ => None,
    }
}

/// A call's callee as a dotted path (`op.create_table`).
fn callee(file: &SourceFile, call: Node<'_>) -> Option<String> {
    name_path(
        file,
        Language::Python,
        call.child_by_field_name("function")?,
    )
}

/// The arguments of a call that are neither keywords nor splats.
fn positionals(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(arguments) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut cursor = arguments.walk();
    let found = arguments
        .named_children(&mut cursor)
        .filter(|a| {
            !matches!(
                a.kind(),
                "keyword_argument" | "comment" | "list_splat" | "dictionary_splat"
            )
        })
        .collect();
    found
}

fn positional(call: Node<'_>, index: usize) -> Option<Node<'_>> {
    positionals(call).into_iter().nth(index)
}

/// The value of a call's keyword argument.
fn keyword<'t>(file: &SourceFile, call: Node<'t>, name: &str) -> Option<Node<'t>> {
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let found = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() == "keyword_argument")
        .find(|a| {
            a.child_by_field_name("name")
                .is_some_and(|n| file.text_of(n) == name)
        })
        .and_then(|a| a.child_by_field_name("value"));
    found
}

/// An argument by keyword, else by position.
fn argument<'t>(file: &SourceFile, call: Node<'t>, index: usize, name: &str) -> Option<Node<'t>> {
    keyword(file, call, name).or_else(|| positional(call, index))
}

/// A keyword argument that is a literal `True` or `False`.
fn flag(file: &SourceFile, call: Node<'_>, name: &str) -> Option<bool> {
    match keyword(file, call, name)?.kind() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// True when a keyword argument is given and is not `None`.
fn given(file: &SourceFile, call: Node<'_>, name: &str) -> bool {
    keyword(file, call, name).is_some_and(|v| v.kind() != "none")
}

/// The elements of a list, tuple or set literal.
fn elements(node: Node<'_>) -> Vec<Node<'_>> {
    let node = unparenthesized(node);
    if !matches!(node.kind(), "list" | "tuple" | "set" | "expression_list") {
        return Vec::new();
    }
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect();
    found
}

/// The strings of a list or tuple literal, or a lone string.
fn strings(file: &SourceFile, node: Node<'_>) -> Vec<String> {
    if let Some(one) = string_value(file, node) {
        return vec![one];
    }
    elements(node)
        .into_iter()
        .filter_map(|e| string_value(file, e))
        .collect()
}

/// The string-keyed entries of a dictionary literal.
fn dict_pairs<'t>(file: &SourceFile, node: Node<'t>) -> Vec<(String, Node<'t>)> {
    let node = unparenthesized(node);
    if node.kind() != "dictionary" {
        return Vec::new();
    }
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "pair")
        .filter_map(|pair| {
            let key = string_value(file, pair.child_by_field_name("key")?)?;
            Some((key, pair.child_by_field_name("value")?))
        })
        .collect();
    found
}

/// The statements of a block, unwrapped from `expression_statement`.
fn statements(block: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = block.walk();
    let found = block
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .map(|n| {
            if n.kind() == "expression_statement" {
                n.named_child(0).unwrap_or(n)
            } else {
                n
            }
        })
        .collect();
    found
}

/// Top-level definitions of a module or class body, decorators unwrapped.
fn definitions<'t>(block: Node<'t>, kind: &str) -> Vec<Node<'t>> {
    statements(block)
        .into_iter()
        .map(|n| {
            if n.kind() == "decorated_definition" {
                n.child_by_field_name("definition").unwrap_or(n)
            } else {
                n
            }
        })
        .filter(|n| n.kind() == kind)
        .collect()
}

/// `name = value` (or `name: T = value`, `name: T`) in a class body.
struct Attribute<'t> {
    name: String,
    annotation: Option<String>,
    value: Option<Node<'t>>,
    node: Node<'t>,
}

/// The simple attribute assignments of a class body, in order.
fn class_attributes<'t>(file: &SourceFile, class: Node<'t>) -> Vec<Attribute<'t>> {
    let Some(body) = class.child_by_field_name("body") else {
        return Vec::new();
    };
    statements(body)
        .into_iter()
        .filter(|n| n.kind() == "assignment")
        .filter_map(|n| {
            let left = n.child_by_field_name("left")?;
            (left.kind() == "identifier").then(|| Attribute {
                name: file.text_of(left).to_string(),
                annotation: n
                    .child_by_field_name("type")
                    .map(|t| crate::semantics::compact(file.text_of(t))),
                value: n.child_by_field_name("right"),
                node: n,
            })
        })
        .collect()
}

/// A class's name.
fn class_name(file: &SourceFile, class: Node<'_>) -> Option<String> {
    class
        .child_by_field_name("name")
        .map(|n| file.text_of(n).to_string())
}

/// A class's bases as written (`models.Model`), with its keyword
/// arguments (`table=True`) left out.
fn class_bases(file: &SourceFile, class: Node<'_>) -> Vec<String> {
    let Some(list) = class.child_by_field_name("superclasses") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    let found = list
        .named_children(&mut cursor)
        .filter(|n| matches!(n.kind(), "identifier" | "attribute"))
        .map(|n| crate::semantics::compact(file.text_of(n)))
        .collect();
    found
}

/// The nested `class Meta:` (or any named inner class) of a class.
fn inner_class<'t>(file: &SourceFile, class: Node<'t>, name: &str) -> Option<Node<'t>> {
    let body = class.child_by_field_name("body")?;
    definitions(body, "class_definition")
        .into_iter()
        .find(|c| class_name(file, *c).as_deref() == Some(name))
}

/// The last dotted segment: `users` of `public.users`.
fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

/// `"users.id"` (or `"public.users.id"`) → (`users`, `id`).
fn table_dot_column(target: &str) -> Option<(String, String)> {
    let (table, column) = target.rsplit_once('.')?;
    let table = last_segment(table);
    (!table.is_empty() && !column.is_empty()).then(|| (table.to_string(), column.to_string()))
}

#[cfg(test)]
mod tests;
