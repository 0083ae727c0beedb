//! Django's schema vocabulary, shared by models and migrations: fields and
//! the columns they make, model options (`Meta` in a model, `options=` in
//! a migration), and the naming rules that turn them into tables.
//!
//! Django names a model's table `<app_label>_<model>` (lower case) unless
//! `db_table` says otherwise, stores a `ForeignKey`/`OneToOneField` named
//! `user` in a column `user_id`, indexes every foreign key by itself
//! unless `db_index=False` (a one-to-one is unique instead), gives each
//! model an `id` primary key unless a field is the primary key, and
//! creates a `<table>_<field>` table for a `ManyToManyField` without
//! `through=`. Every Django column is `NOT NULL` unless `null=True`.

use std::collections::{HashMap, HashSet};

use redflag_syntax::tree_sitter::Node;

use super::{
    argument, callee, callee_last, elements, flag, given, index_on, keyword, last_segment,
    positionals, string_value, strings, TableBuilder,
};
use crate::facts::data::ModelFact;
use crate::facts::sql::{ColumnFact, ConstraintFact, DdlStatement, ForeignKeyFact, IndexFact};
use crate::source::{Location, SourceFile};

/// A table's name and primary key column, by lower-cased model name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KnownModel {
    pub table: String,
    pub pk: String,
}

/// What names resolve against in one file: its app and its models.
pub(super) struct Naming<'f> {
    pub file: &'f SourceFile,
    pub app: Option<String>,
    pub models: HashMap<String, KnownModel>,
}

/// The model a relation points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Related {
    pub table: String,
    pub pk: String,
    /// Lower-cased model name, for many-to-many column names.
    pub model: String,
}

/// `<app>_<model>` as Django names tables by default.
pub(super) fn default_table(app: Option<&str>, model: &str) -> String {
    let model = model.to_ascii_lowercase();
    match app {
        Some(app) if !app.is_empty() => format!("{app}_{model}"),
        _ => model,
    }
}

impl Naming<'_> {
    /// The model a `to` argument names: a class of this file, `"self"`,
    /// `"app.Model"`, `"Model"`, an imported class (its app read from the
    /// module path), or the user model.
    pub(super) fn related(&self, node: Node<'_>, own: &Related) -> Option<Related> {
        if let Some(text) = string_value(self.file, node) {
            if text == "self" {
                return Some(own.clone());
            }
            return Some(match text.split_once('.') {
                Some((app, model)) => self.in_app(Some(app), model),
                None => self.in_app(None, &text),
            });
        }
        let text = crate::semantics::compact(self.file.text_of(node));
        if text.ends_with("AUTH_USER_MODEL") || text.starts_with("get_user_model(") {
            return Some(self.in_app(Some("auth"), "user"));
        }
        if !matches!(node.kind(), "identifier" | "attribute") {
            return None;
        }
        let model = last_segment(&text);
        if self.models.contains_key(&model.to_ascii_lowercase()) && !text.contains('.') {
            return Some(self.in_app(None, model));
        }
        // `from customers.models import Customer`: the app is the package
        // holding the `models` module.
        let resolved = self.file.imports().resolve(&text);
        let segments: Vec<&str> = resolved.split('.').collect();
        let app = segments
            .iter()
            .rposition(|s| *s == "models")
            .and_then(|i| i.checked_sub(1))
            .map(|i| segments[i])
            .filter(|app| !app.is_empty());
        Some(self.in_app(app, model))
    }

    /// A model of `app` (this file's app when `None`).
    fn in_app(&self, app: Option<&str>, model: &str) -> Related {
        let lower = model.to_ascii_lowercase();
        let same_app = app.is_none_or(|a| Some(a) == self.app.as_deref());
        if let Some(known) = self.models.get(&lower).filter(|_| same_app) {
            return Related {
                table: known.table.clone(),
                pk: known.pk.clone(),
                model: lower,
            };
        }
        let app = app.or(self.app.as_deref());
        Related {
            table: default_table(app, &lower),
            pk: "id".to_string(),
            model: lower,
        }
    }
}

/// What a field makes in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FieldKind {
    Column,
    ForeignKey(Related),
    /// A relation table, unless the field names its own `through` model.
    ManyToMany {
        target: Related,
        db_table: Option<String>,
        through: bool,
    },
}

/// One model field.
#[derive(Debug, Clone)]
pub(super) struct Field {
    pub attribute: String,
    pub column: String,
    pub kind: FieldKind,
    pub primary_key: bool,
    pub unique: bool,
    /// Has an index of its own: `db_index=True`, or a foreign key.
    pub indexed: bool,
    pub not_null: bool,
    pub has_default: bool,
    pub location: Location,
}

impl Field {
    /// The implicit `id` key Django adds to a model without one.
    pub(super) fn implicit_id(location: Location) -> Field {
        Field {
            attribute: "id".to_string(),
            column: "id".to_string(),
            kind: FieldKind::Column,
            primary_key: true,
            unique: false,
            indexed: false,
            not_null: true,
            has_default: true,
            location,
        }
    }
}

/// True when a call builds a model field (`models.CharField`,
/// `ForeignKey`, `ArrayField`), by the name Django's fields share.
pub(super) fn is_field_call(file: &SourceFile, call: Node<'_>) -> bool {
    callee_last(file, call).is_some_and(|name| {
        name.ends_with("Field") || name == "ForeignKey" || name == "ParentalKey"
    })
}

/// True when a call builds a field of `django.db.models` (or a module
/// named `models`), not a form or serializer field.
pub(super) fn is_model_field_call(file: &SourceFile, call: Node<'_>) -> bool {
    if !is_field_call(file, call) {
        return false;
    }
    let Some(path) = callee(file, call) else {
        return false;
    };
    let resolved = file.imports().resolve(&path);
    resolved.starts_with("django.db.models")
        || resolved.starts_with("django.contrib.postgres.fields")
        || path.split('.').next() == Some("models")
}

/// Reads a field declaration `attribute = models.XField(…)`; `None` when
/// the call is not a field.
pub(super) fn read_field(
    naming: &Naming<'_>,
    own: &Related,
    attribute: &str,
    call: Node<'_>,
    location: Location,
) -> Option<Field> {
    let file = naming.file;
    if !is_field_call(file, call) {
        return None;
    }
    let name = callee_last(file, call)?;
    let primary_key = flag(file, call, "primary_key") == Some(true);
    let db_column = keyword(file, call, "db_column").and_then(|c| string_value(file, c));
    let mut field = Field {
        attribute: attribute.to_string(),
        column: db_column.clone().unwrap_or_else(|| attribute.to_string()),
        kind: FieldKind::Column,
        primary_key,
        unique: flag(file, call, "unique") == Some(true),
        indexed: flag(file, call, "db_index") == Some(true),
        not_null: primary_key || flag(file, call, "null") != Some(true),
        has_default: given(file, call, "default")
            || given(file, call, "db_default")
            || name.contains("AutoField"),
        location,
    };
    let related = || argument(file, call, 0, "to").and_then(|to| naming.related(to, own));
    match name {
        "ManyToManyField" => {
            field.kind = FieldKind::ManyToMany {
                target: related()?,
                db_table: keyword(file, call, "db_table").and_then(|t| string_value(file, t)),
                through: given(file, call, "through"),
            };
        }
        "ForeignKey" | "OneToOneField" | "ParentalKey" => {
            let mut target = related()?;
            if let Some(to_field) =
                keyword(file, call, "to_field").and_then(|f| string_value(file, f))
            {
                target.pk = to_field;
            }
            if db_column.is_none() {
                field.column = format!("{attribute}_id");
            }
            field.unique |= name == "OneToOneField";
            field.indexed = flag(file, call, "db_index") != Some(false);
            field.kind = FieldKind::ForeignKey(target);
        }
        _ => {}
    }
    Some(field)
}

/// Model options: a model's `class Meta` or a migration's `options=`.
#[derive(Debug, Default)]
pub(super) struct Options<'t> {
    pub db_table: Option<String>,
    pub app_label: Option<String>,
    pub is_abstract: bool,
    pub proxy: bool,
    /// `managed = False`: Django creates no table.
    pub unmanaged: bool,
    pub indexes: Vec<Node<'t>>,
    pub constraints: Vec<Node<'t>>,
    pub unique_together: Vec<Vec<String>>,
    pub index_together: Vec<Vec<String>>,
}

impl<'t> Options<'t> {
    /// Reads `name = value` pairs.
    pub(super) fn read(file: &SourceFile, pairs: &[(String, Node<'t>)]) -> Options<'t> {
        let mut options = Options::default();
        for (name, value) in pairs {
            let is_true = value.kind() == "true";
            match name.as_str() {
                "db_table" => options.db_table = string_value(file, *value),
                "app_label" => options.app_label = string_value(file, *value),
                "abstract" => options.is_abstract = is_true,
                "proxy" => options.proxy = is_true,
                "managed" => options.unmanaged = value.kind() == "false",
                "indexes" => options.indexes = elements(*value),
                "constraints" => options.constraints = elements(*value),
                "unique_together" => options.unique_together = together(file, *value),
                "index_together" => options.index_together = together(file, *value),
                _ => {}
            }
        }
        options
    }
}

/// `[("a", "b"), ("c", "d")]`, or one group `("a", "b")`.
fn together(file: &SourceFile, node: Node<'_>) -> Vec<Vec<String>> {
    let items = elements(node);
    if !items.is_empty() && items.iter().all(|i| string_value(file, *i).is_some()) {
        return vec![strings(file, node)];
    }
    items
        .into_iter()
        .map(|group| strings(file, group))
        .filter(|group| !group.is_empty())
        .collect()
}

/// A field name to its column (`user` → `user_id`), names Django would
/// reject left as written.
pub(super) fn column_of(fields: &[Field], name: &str) -> String {
    let name = name.trim_start_matches('-');
    fields
        .iter()
        .find(|f| f.attribute == name)
        .map_or_else(|| name.to_string(), |f| f.column.clone())
}

/// A `models.Index(fields=[…], name=…, condition=…)` or `Index(F(…), …)`.
pub(super) fn read_index(
    file: &SourceFile,
    call: Node<'_>,
    table: &str,
    fields: &[Field],
) -> Option<IndexFact> {
    if !matches!(
        callee_last(file, call)?,
        "Index" | "GinIndex" | "GistIndex" | "BTreeIndex" | "HashIndex" | "BrinIndex"
    ) {
        return None;
    }
    let mut columns: Vec<Option<String>> = keyword(file, call, "fields")
        .map(|f| strings(file, f))
        .unwrap_or_default()
        .iter()
        .map(|f| Some(column_of(fields, f)))
        .collect();
    columns.extend(positionals(call).into_iter().map(|_| None));
    Some(IndexFact {
        partial: given(file, call, "condition"),
        ..index_on(
            table,
            keyword(file, call, "name").and_then(|n| string_value(file, n)),
            columns,
            Some(super::location_of(file, call)),
        )
    })
}

/// A `Meta.constraints` entry: a unique constraint (a unique index when it
/// has a condition or expressions), a check, or something else.
pub(super) enum Constraint {
    Table(ConstraintFact),
    Index(IndexFact),
}

pub(super) fn read_constraint(
    file: &SourceFile,
    call: Node<'_>,
    table: &str,
    fields: &[Field],
) -> Option<Constraint> {
    let name = keyword(file, call, "name").and_then(|n| string_value(file, n));
    match callee_last(file, call)? {
        "UniqueConstraint" => {
            let columns: Vec<String> = keyword(file, call, "fields")
                .map(|f| strings(file, f))
                .unwrap_or_default()
                .iter()
                .map(|f| column_of(fields, f))
                .collect();
            let expressions = positionals(call).len();
            if given(file, call, "condition") || expressions > 0 {
                let mut columns: Vec<Option<String>> = columns.into_iter().map(Some).collect();
                columns.extend((0..expressions).map(|_| None));
                Some(Constraint::Index(IndexFact {
                    unique: true,
                    partial: given(file, call, "condition"),
                    ..index_on(table, name, columns, Some(super::location_of(file, call)))
                }))
            } else {
                Some(Constraint::Table(ConstraintFact::Unique { name, columns }))
            }
        }
        "CheckConstraint" => Some(Constraint::Table(ConstraintFact::Check { name })),
        _ => Some(Constraint::Table(ConstraintFact::Other { name })),
    }
}

/// A model's statements: its table with columns, keys and indexes, then
/// the relation tables of its many-to-many fields.
pub(super) fn model_statements(
    own: &Related,
    fields: &[Field],
    options: &Options<'_>,
    file: &SourceFile,
    location: &Location,
    out: &mut Vec<DdlStatement>,
) {
    let table = own.table.as_str();
    let mut builder = TableBuilder::new(table, Some(location.clone()));
    let mut relations = Vec::new();
    for field in fields {
        if let FieldKind::ManyToMany { .. } = field.kind {
            relations.push(field);
            continue;
        }
        builder.column(column_fact(field));
        if field.indexed && !field.unique && !field.primary_key {
            builder.indexes.push(index_on(
                table,
                None,
                vec![Some(field.column.clone())],
                Some(field.location.clone()),
            ));
        }
    }
    for group in &options.unique_together {
        builder.constraints.push(ConstraintFact::Unique {
            name: None,
            columns: group.iter().map(|f| column_of(fields, f)).collect(),
        });
    }
    for group in &options.index_together {
        let columns = group.iter().map(|f| Some(column_of(fields, f))).collect();
        builder
            .indexes
            .push(index_on(table, None, columns, Some(location.clone())));
    }
    for index in &options.indexes {
        builder
            .indexes
            .extend(read_index(file, *index, table, fields));
    }
    for constraint in &options.constraints {
        match read_constraint(file, *constraint, table, fields) {
            Some(Constraint::Table(c)) => builder.constraints.push(c),
            Some(Constraint::Index(i)) => builder.indexes.push(i),
            None => {}
        }
    }
    builder.finish(out);
    for field in relations {
        relation_table(own, field, out);
    }
}

pub(super) fn column_fact(field: &Field) -> ColumnFact {
    let foreign_key = match &field.kind {
        FieldKind::ForeignKey(target) => Some(ForeignKeyFact {
            name: None,
            columns: vec![field.column.clone()],
            referenced_table: target.table.clone(),
            referenced_columns: vec![target.pk.clone()],
            location: field.location.clone(),
        }),
        _ => None,
    };
    ColumnFact {
        name: field.column.clone(),
        primary_key: field.primary_key,
        unique: field.unique && !field.primary_key,
        foreign_key,
        not_null: field.not_null,
        has_default: field.has_default,
    }
}

/// The table Django creates for a many-to-many field without `through`:
/// an `id`, a foreign key to each side (indexed), unique together.
pub(super) fn relation_table(own: &Related, field: &Field, out: &mut Vec<DdlStatement>) {
    let FieldKind::ManyToMany {
        target,
        db_table,
        through: false,
    } = &field.kind
    else {
        return;
    };
    let table = db_table
        .clone()
        .unwrap_or_else(|| format!("{}_{}", own.table, field.attribute.to_ascii_lowercase()));
    let (from, to) = if target.table == own.table {
        (
            format!("from_{}_id", own.model),
            format!("to_{}_id", own.model),
        )
    } else {
        (format!("{}_id", own.model), format!("{}_id", target.model))
    };
    let mut builder = TableBuilder::new(&table, Some(field.location.clone()));
    builder.column(column_fact(&Field::implicit_id(field.location.clone())));
    for (column, side) in [(&from, own), (&to, target)] {
        let side_field = Field {
            attribute: column.clone(),
            column: column.clone(),
            kind: FieldKind::ForeignKey(side.clone()),
            primary_key: false,
            unique: false,
            indexed: true,
            not_null: true,
            has_default: false,
            location: field.location.clone(),
        };
        builder.column(column_fact(&side_field));
        builder.indexes.push(index_on(
            &table,
            None,
            vec![Some(column.clone())],
            Some(field.location.clone()),
        ));
    }
    builder.constraints.push(ConstraintFact::Unique {
        name: None,
        columns: vec![from, to],
    });
    builder.finish(out);
}

/// The model as queries name it: every attribute with its column, the
/// `_id` column of a relation under its own name too, and `pk`.
pub(super) fn model_fact(
    name: &str,
    table: &str,
    fields: &[Field],
    location: Location,
) -> ModelFact {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut push = |attribute: &str, column: &str| {
        if seen.insert(attribute.to_string()) {
            pairs.push((attribute.to_string(), column.to_string()));
        }
    };
    for field in fields {
        match field.kind {
            FieldKind::ManyToMany { .. } => {}
            FieldKind::ForeignKey(_) => {
                push(&field.attribute, &field.column);
                push(&field.column, &field.column);
            }
            FieldKind::Column => push(&field.attribute, &field.column),
        }
    }
    if let Some(pk) = fields.iter().find(|f| f.primary_key) {
        push("pk", &pk.column);
    }
    ModelFact {
        name: name.to_string(),
        table: table.to_string(),
        fields: pairs,
        location,
    }
}

/// The primary key column of a field list (`id` when none is declared).
pub(super) fn pk_column(fields: &[Field]) -> String {
    fields
        .iter()
        .find(|f| f.primary_key)
        .map_or_else(|| "id".to_string(), |f| f.column.clone())
}
