//! SQLAlchemy's schema vocabulary, shared by Alembic migrations and
//! declarative models: `Column`/`mapped_column` with their keys, foreign
//! keys and index flags, and the table-level `PrimaryKeyConstraint`,
//! `UniqueConstraint`, `ForeignKeyConstraint`, `CheckConstraint` and
//! `Index`.
//!
//! SQLAlchemy names the index of `index=True` `ix_<table>_<column>` (its
//! default naming convention, which Alembic follows), and makes it a
//! unique index instead of a unique constraint when `unique=True` comes
//! with it.

use redflag_syntax::tree_sitter::Node;

use super::{
    callee_last, elements, flag, given, index_on, keyword, location_of, name_value, positionals,
    string_value, table_dot_column,
};
use crate::facts::sql::{ColumnFact, ConstraintFact, ForeignKeyFact, IndexFact};
use crate::source::{Location, SourceFile};

/// What a `Column(…)`, `sa.Column(…)` or `mapped_column(…)` call says.
#[derive(Debug, Clone, Default)]
pub(super) struct SaColumn {
    /// The name given as first argument or `name=`.
    pub name: Option<String>,
    pub primary_key: bool,
    pub unique: bool,
    pub index: bool,
    pub nullable: Option<bool>,
    /// `server_default=`, `Identity()`, `Computed()`, `Sequence()`.
    pub db_default: bool,
    pub foreign_key: Option<SaForeignKey>,
    /// The type as written, when given.
    pub type_text: Option<String>,
    pub location: Option<Location>,
}

/// A `ForeignKey(…)` inside a column.
#[derive(Debug, Clone)]
pub(super) struct SaForeignKey {
    pub target: Target,
    pub name: Option<String>,
    pub location: Location,
}

/// What a foreign key or constraint column names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// `"users.id"`: a table and its column.
    Column { table: String, column: String },
    /// `User.id`: a mapped class and its attribute.
    Attribute { class: String, attribute: String },
}

/// How a model resolves the names its constraints use.
pub(super) trait Names {
    /// The column behind one of the table's own keys (a declarative
    /// attribute name); `key` itself for Alembic.
    fn column(&self, key: &str) -> String;
    /// The table and column a foreign key target stands for.
    fn target(&self, target: &Target) -> Option<(String, String)>;
}

/// Names as Alembic writes them: already the database's.
pub(super) struct Verbatim;

impl Names for Verbatim {
    fn column(&self, key: &str) -> String {
        key.to_string()
    }

    fn target(&self, target: &Target) -> Option<(String, String)> {
        match target {
            Target::Column { table, column } => Some((table.clone(), column.clone())),
            Target::Attribute { .. } => None,
        }
    }
}

/// Reads a column call; `None` when the call is not one.
pub(super) fn read_column(file: &SourceFile, call: Node<'_>) -> Option<SaColumn> {
    if !matches!(callee_last(file, call), Some("Column" | "mapped_column")) {
        return None;
    }
    let mut column = SaColumn {
        location: Some(location_of(file, call)),
        ..SaColumn::default()
    };
    for (position, argument) in positionals(call).into_iter().enumerate() {
        if position == 0 {
            if let Some(name) = string_value(file, argument) {
                column.name = Some(name);
                continue;
            }
        }
        match callee_last(file, argument) {
            Some("ForeignKey") => column.foreign_key = foreign_key(file, argument),
            Some("Identity" | "Computed" | "Sequence" | "FetchedValue") => column.db_default = true,
            _ => {
                if column.type_text.is_none() {
                    column.type_text = Some(crate::semantics::compact(file.text_of(argument)));
                }
            }
        }
    }
    if let Some(name) = keyword(file, call, "name").and_then(|n| string_value(file, n)) {
        column.name = Some(name);
    }
    if let Some(type_) = keyword(file, call, "type_") {
        column.type_text = Some(crate::semantics::compact(file.text_of(type_)));
    }
    column.primary_key = flag(file, call, "primary_key") == Some(true);
    column.unique = flag(file, call, "unique") == Some(true);
    column.index = flag(file, call, "index") == Some(true);
    column.nullable = flag(file, call, "nullable");
    column.db_default |= given(file, call, "server_default");
    Some(column)
}

/// A `ForeignKey("users.id")` or `ForeignKey(User.id)` call.
pub(super) fn foreign_key(file: &SourceFile, call: Node<'_>) -> Option<SaForeignKey> {
    let first = *positionals(call).first()?;
    Some(SaForeignKey {
        target: target(file, first)?,
        name: keyword(file, call, "name").and_then(|n| name_value(file, n)),
        location: location_of(file, call),
    })
}

/// `"users.id"` or `User.id` as a foreign key target.
pub(super) fn target(file: &SourceFile, node: Node<'_>) -> Option<Target> {
    if let Some(text) = string_value(file, node) {
        let (table, column) = table_dot_column(&text)?;
        return Some(Target::Column { table, column });
    }
    if node.kind() == "attribute" {
        let class = node.child_by_field_name("object")?;
        let attribute = node.child_by_field_name("attribute")?;
        if class.kind() == "identifier" {
            return Some(Target::Attribute {
                class: file.text_of(class).to_string(),
                attribute: file.text_of(attribute).to_string(),
            });
        }
    }
    None
}

impl SaColumn {
    /// True when the type is one SQLAlchemy gives an autoincrement.
    fn integer(&self) -> bool {
        self.type_text.as_deref().is_some_and(|t| {
            t.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| {
                matches!(
                    word.to_ascii_lowercase().as_str(),
                    "int" | "integer" | "biginteger" | "smallinteger" | "bigint" | "smallint"
                )
            })
        })
    }

    /// The column as the database sees it, named `name`. `nullable` is
    /// what the column is when `nullable=` is not given.
    pub(super) fn fact(&self, name: &str, default_nullable: bool, names: &dyn Names) -> ColumnFact {
        let nullable = self
            .nullable
            .unwrap_or(default_nullable && !self.primary_key);
        let foreign_key = self.foreign_key.as_ref().and_then(|fk| {
            let (table, column) = names.target(&fk.target)?;
            Some(ForeignKeyFact {
                name: fk.name.clone(),
                columns: vec![name.to_string()],
                referenced_table: table,
                referenced_columns: vec![column],
                location: fk.location.clone(),
            })
        });
        ColumnFact {
            name: name.to_string(),
            primary_key: self.primary_key,
            unique: self.unique && !self.index,
            has_default: self.db_default
                || (self.primary_key && self.integer() && foreign_key.is_none()),
            foreign_key,
            not_null: !nullable,
        }
    }

    /// The index `index=True` creates, with SQLAlchemy's default name.
    pub(super) fn index(&self, table: &str, name: &str) -> Option<IndexFact> {
        self.index.then(|| IndexFact {
            unique: self.unique,
            ..index_on(
                table,
                Some(format!("ix_{table}_{name}")),
                vec![Some(name.to_string())],
                self.location.clone(),
            )
        })
    }
}

/// A table-level item of `create_table`, `Table` or `__table_args__`.
#[derive(Debug, Clone)]
pub(super) enum TableItem {
    Constraint(ConstraintFact),
    Index(IndexFact),
}

/// Reads a constraint or index call; `None` for anything else.
pub(super) fn table_item(
    file: &SourceFile,
    node: Node<'_>,
    table: &str,
    names: &dyn Names,
) -> Option<TableItem> {
    let name = || keyword(file, node, "name").and_then(|n| name_value(file, n));
    let own_columns = |nodes: Vec<Node<'_>>| -> Vec<String> {
        nodes
            .into_iter()
            .filter_map(|n| column_ref(file, n, names))
            .collect()
    };
    let item = match callee_last(file, node)? {
        "PrimaryKeyConstraint" => {
            TableItem::Constraint(ConstraintFact::PrimaryKey(own_columns(positionals(node))))
        }
        "UniqueConstraint" => TableItem::Constraint(ConstraintFact::Unique {
            name: name(),
            columns: own_columns(positionals(node)),
        }),
        "CheckConstraint" => TableItem::Constraint(ConstraintFact::Check { name: name() }),
        "ForeignKeyConstraint" => {
            let arguments = positionals(node);
            let columns = own_columns(elements(*arguments.first()?));
            let targets: Vec<(String, String)> = elements(*arguments.get(1)?)
                .into_iter()
                .filter_map(|n| names.target(&target(file, n)?))
                .collect();
            let referenced_table = targets.first()?.0.clone();
            TableItem::Constraint(ConstraintFact::ForeignKey(ForeignKeyFact {
                name: name(),
                columns,
                referenced_table,
                referenced_columns: targets.into_iter().map(|(_, c)| c).collect(),
                location: location_of(file, node),
            }))
        }
        "Index" => {
            let arguments = positionals(node);
            let index_name = arguments.first().and_then(|n| name_value(file, *n));
            let columns = arguments
                .iter()
                .skip(1)
                .map(|n| column_ref(file, *n, names))
                .collect();
            TableItem::Index(IndexFact {
                unique: flag(file, node, "unique") == Some(true),
                partial: partial(file, node),
                concurrently: concurrently(file, node),
                ..index_on(table, index_name, columns, Some(location_of(file, node)))
            })
        }
        _ => return None,
    };
    Some(item)
}

/// A column an index or constraint names: `"email"`, `User.email`,
/// `User.created_at.desc()`; `None` for expressions (`func.lower(…)`).
pub(super) fn column_ref(file: &SourceFile, node: Node<'_>, names: &dyn Names) -> Option<String> {
    if let Some(key) = string_value(file, node) {
        return Some(names.column(&key));
    }
    let mut node = node;
    if matches!(callee_last(file, node), Some("desc" | "asc")) && positionals(node).is_empty() {
        node = node
            .child_by_field_name("function")?
            .child_by_field_name("object")?;
    }
    match target(file, node)? {
        Target::Attribute { .. } => names.target(&target(file, node)?).map(|(_, c)| c),
        Target::Column { .. } => None,
    }
}

/// An index with a `WHERE` clause for some dialect.
pub(super) fn partial(file: &SourceFile, call: Node<'_>) -> bool {
    ["postgresql_where", "sqlite_where", "mssql_where"]
        .iter()
        .any(|k| given(file, call, k))
}

/// An index built with `CREATE INDEX CONCURRENTLY`.
pub(super) fn concurrently(file: &SourceFile, call: Node<'_>) -> bool {
    flag(file, call, "postgresql_concurrently") == Some(true)
}
