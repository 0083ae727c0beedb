//! SQLAlchemy, Flask-SQLAlchemy and SQLModel models, and core `Table`s.
//!
//! A class is mapped to a table when it sets `__tablename__`, is a SQLModel
//! `table=True` class (named after the class, lower case), derives from
//! Flask-SQLAlchemy's `db.Model` with a primary key of its own (named in
//! snake case), or inherits a `__tablename__` function returning
//! `cls.__name__.lower()`. Mixins and base models of the file lend their
//! columns; a subclass of a mapped class without a table of its own shares
//! its parent's (single-table inheritance). Columns come from `Column`,
//! `mapped_column`, bare `Mapped[…]` annotations, SQLModel fields and
//! annotations, and `declared_attr` functions; `relationship` and
//! `Relationship` are not columns.
//!
//! The tables and attributes of every class are learnt before any is
//! built, so `ForeignKey(User.id)` resolves whatever the order.

use std::collections::{HashMap, HashSet};

use redflag_syntax::tree_sitter::Node;

use super::columns::{read_column, table_item, Names, SaColumn, TableItem, Target};
use super::{
    callee_last, class_attributes, class_bases, class_name, definitions, dict_pairs, elements,
    flag, header_location, keyword, location_of, name_value, positionals, statements, string_value,
    table_dot_column, TableBuilder,
};
use crate::facts::data::{ModelFact, SchemaFacts, SchemaSource};
use crate::facts::routes::walk;
use crate::facts::sql::DdlStatement;
use crate::source::SourceFile;

/// True when a file may declare SQLAlchemy tables.
pub(super) fn may_declare_tables(text: &str) -> bool {
    // Every declaration spells one of these; the bare package names would
    // send every file that merely runs queries to the parser.
    ["__tablename__", "table=True", "db.Model", "Table("]
        .iter()
        .any(|word| text.contains(word))
}

/// One class of the module.
struct Class<'t> {
    node: Node<'t>,
    name: String,
    local_bases: Vec<String>,
    /// `__tablename__ = "…"` in its own body.
    tablename: Option<String>,
    is_abstract: bool,
    /// SQLModel `table=True`.
    table_flag: bool,
    /// Its own body defines `__tablename__` as `cls.__name__.lower()`.
    lower_name_function: bool,
    /// Derives from Flask-SQLAlchemy's `db.Model`.
    flask_model: bool,
    sqlmodel: bool,
}

/// A column-making attribute of a class.
#[derive(Clone)]
struct ColumnAttribute {
    attribute: String,
    column: SaColumn,
    /// Nullable when `nullable=` is not given.
    default_nullable: bool,
}

/// The columns of a class's table: those of ancestors without a table of
/// their own (farthest first), then its own; a redeclared attribute wins.
/// `tables` is complete for the classes before `index`, and Python defines
/// a base before the classes deriving from it.
fn merged_columns(
    lineage: &[usize],
    own_columns: &[Vec<ColumnAttribute>],
    tables: &[Option<String>],
    index: usize,
) -> Vec<ColumnAttribute> {
    let mut columns: Vec<ColumnAttribute> = Vec::new();
    for &ancestor in lineage.iter().rev() {
        if ancestor != index && tables[ancestor].is_some() {
            continue;
        }
        columns.extend(own_columns[ancestor].iter().cloned());
    }
    super::last_wins(columns, |c| &c.attribute)
}

/// A mapped class: its table and columns.
struct Mapped {
    class: usize,
    table: String,
    columns: Vec<ColumnAttribute>,
    /// Its table belongs to a parent (single-table inheritance).
    inherited: bool,
}

/// A mapped class as other classes refer to it.
struct KnownClass {
    table: String,
    /// Attribute → column.
    fields: Vec<(String, String)>,
}

/// Mapped classes by name.
type Known = HashMap<String, KnownClass>;

/// How names resolve in a class: its own attributes, and the classes of
/// the module by name.
struct Resolver<'a> {
    own: &'a [(String, String)],
    classes: &'a Known,
}

impl Names for Resolver<'_> {
    fn column(&self, key: &str) -> String {
        lookup(self.own, key)
    }

    fn target(&self, target: &Target) -> Option<(String, String)> {
        match target {
            Target::Column { table, column } => Some((table.clone(), column.clone())),
            Target::Attribute { class, attribute } => {
                let known = self.classes.get(class)?;
                Some((known.table.clone(), lookup(&known.fields, attribute)))
            }
        }
    }
}

fn lookup(fields: &[(String, String)], attribute: &str) -> String {
    fields
        .iter()
        .find(|(a, _)| a == attribute)
        .map_or_else(|| attribute.to_string(), |(_, c)| c.clone())
}

pub(super) fn collect(file: &SourceFile) -> Option<SchemaFacts> {
    let tree = file.tree()?;
    let root = tree.root_node();
    let classes = read_classes(file, root);
    let by_name: HashMap<&str, usize> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();

    // Each class's own table, then the columns it maps: its own and those
    // of ancestors without a table (mixins, SQLModel bases).
    let lineages: Vec<Vec<usize>> = (0..classes.len())
        .map(|i| lineage(&classes, &by_name, i))
        .collect();
    let sqlmodel: Vec<bool> = lineages
        .iter()
        .map(|lineage| lineage.iter().any(|a| classes[*a].sqlmodel))
        .collect();
    // Classes an annotation may name as related objects.
    let models: HashSet<&str> = classes
        .iter()
        .enumerate()
        .filter(|(i, c)| sqlmodel[*i] || c.tablename.is_some() || c.flask_model)
        .map(|(_, c)| c.name.as_str())
        .collect();
    let own_columns: Vec<Vec<ColumnAttribute>> = (0..classes.len())
        .map(|i| class_columns(file, &classes[i], sqlmodel[i], &models))
        .collect();
    let mut tables: Vec<Option<String>> = vec![None; classes.len()];
    for index in 0..classes.len() {
        let columns = merged_columns(&lineages[index], &own_columns, &tables, index);
        tables[index] = table_of(&classes, &lineages[index], index, &columns);
    }
    let mut mapped: Vec<Mapped> = Vec::new();
    for index in 0..classes.len() {
        if let Some(table) = tables[index].clone() {
            mapped.push(Mapped {
                class: index,
                table,
                columns: merged_columns(&lineages[index], &own_columns, &tables, index),
                inherited: false,
            });
        }
    }
    // Subclasses of mapped classes without a table of their own share
    // their parent's (a grandchild its grandparent's: parents come first).
    let mut mapped_at: HashMap<usize, usize> = mapped
        .iter()
        .enumerate()
        .map(|(i, m)| (m.class, i))
        .collect();
    for (index, class) in classes.iter().enumerate() {
        if tables[index].is_some() || class.is_abstract {
            continue;
        }
        let parent = class.local_bases.iter().find_map(|base| {
            let base = *by_name.get(base.as_str())?;
            mapped_at.get(&base).copied()
        });
        if let Some(parent) = parent {
            let table = mapped[parent].table.clone();
            let mut columns = mapped[parent].columns.clone();
            columns.extend(own_columns[index].iter().cloned());
            mapped_at.insert(index, mapped.len());
            mapped.push(Mapped {
                class: index,
                table,
                columns,
                inherited: true,
            });
        }
    }

    let known: Known = mapped
        .iter()
        .map(|m| {
            (
                classes[m.class].name.clone(),
                KnownClass {
                    table: m.table.clone(),
                    fields: attribute_columns(&m.columns),
                },
            )
        })
        .collect();

    let mut facts = SchemaFacts::new(SchemaSource::SqlAlchemyModel);
    for model in &mapped {
        let class = &classes[model.class];
        let location = header_location(file, class.node);
        let fields = attribute_columns(&model.columns);
        facts.models.push(ModelFact {
            name: class.name.clone(),
            table: model.table.clone(),
            fields: fields.clone(),
            location: location.clone(),
        });
        if model.inherited {
            continue;
        }
        let resolver = Resolver {
            own: &fields,
            classes: &known,
        };
        let mut builder = TableBuilder::new(&model.table, Some(location));
        for column in &model.columns {
            let name = column
                .column
                .name
                .clone()
                .unwrap_or_else(|| column.attribute.clone());
            builder.column(
                column
                    .column
                    .fact(&name, column.default_nullable, &resolver),
            );
            builder
                .indexes
                .extend(column.column.index(&model.table, &name));
        }
        for arg in table_args(file, class.node) {
            match table_item(file, arg, &model.table, &resolver) {
                Some(TableItem::Constraint(constraint)) => builder.constraints.push(constraint),
                Some(TableItem::Index(index)) => builder.indexes.push(index),
                None => {}
            }
        }
        builder.finish(&mut facts.statements);
    }
    module_items(file, root, &known, &mut facts);
    facts.dialect = super::dialect(file);
    Some(facts)
}

fn read_classes<'t>(file: &SourceFile, root: Node<'t>) -> Vec<Class<'t>> {
    let nodes = definitions(root, "class_definition");
    let names: HashSet<String> = nodes.iter().filter_map(|c| class_name(file, *c)).collect();
    nodes
        .into_iter()
        .filter_map(|node| {
            let name = class_name(file, node)?;
            let bases = class_bases(file, node);
            let attributes = class_attributes(file, node);
            let value = |key: &str| {
                attributes
                    .iter()
                    .find(|a| a.name == key)
                    .and_then(|a| a.value)
            };
            let lower_name_function = node.child_by_field_name("body").is_some_and(|body| {
                definitions(body, "function_definition").iter().any(|f| {
                    let text = crate::semantics::compact(file.text_of(*f));
                    text.starts_with("def__tablename__") && text.contains("__name__.lower()")
                })
            });
            let table_flag = node
                .child_by_field_name("superclasses")
                .is_some_and(|list| {
                    let mut cursor = list.walk();
                    let found = list.named_children(&mut cursor).any(|a| {
                        a.kind() == "keyword_argument"
                            && crate::semantics::compact(file.text_of(a)) == "table=True"
                    });
                    found
                });
            Some(Class {
                node,
                tablename: value("__tablename__").and_then(|v| string_value(file, v)),
                is_abstract: value("__abstract__").is_some_and(|v| v.kind() == "true"),
                table_flag,
                lower_name_function,
                flask_model: bases
                    .iter()
                    .any(|b| b.ends_with(".Model") && b != "models.Model"),
                sqlmodel: bases
                    .iter()
                    .any(|b| b == "SQLModel" || b.ends_with(".SQLModel")),
                local_bases: bases
                    .into_iter()
                    .filter(|b| names.contains(b) && *b != name)
                    .collect(),
                name,
            })
        })
        .collect()
}

/// The class and its local ancestors, nearest first, each once.
fn lineage(classes: &[Class<'_>], by_name: &HashMap<&str, usize>, index: usize) -> Vec<usize> {
    let mut found = Vec::new();
    let mut queue = vec![index];
    while let Some(next) = queue.first().copied() {
        queue.remove(0);
        if found.contains(&next) {
            continue;
        }
        found.push(next);
        queue.extend(
            classes[next]
                .local_bases
                .iter()
                .filter_map(|b| by_name.get(b.as_str()).copied()),
        );
    }
    found
}

/// The table a class maps to, if it has one of its own. `own_columns` are
/// the columns its body declares (Flask-SQLAlchemy names a table only for
/// a class with its own primary key).
fn table_of(
    classes: &[Class<'_>],
    lineage: &[usize],
    index: usize,
    own_columns: &[ColumnAttribute],
) -> Option<String> {
    let class = &classes[index];
    if class.is_abstract {
        return None;
    }
    if let Some(table) = &class.tablename {
        return Some(table.clone());
    }
    if class.table_flag {
        return Some(class.name.to_ascii_lowercase());
    }
    let ancestors = || lineage.iter().skip(1).map(|i| &classes[*i]);
    let has_own_key = own_columns.iter().any(|c| c.column.primary_key);
    let parent_mapped = ancestors().any(|a| a.tablename.is_some() || a.table_flag);
    if parent_mapped && !has_own_key {
        return None;
    }
    if lineage.iter().any(|i| classes[*i].lower_name_function)
        && !class.lower_name_function
        && !own_columns.is_empty()
    {
        return Some(class.name.to_ascii_lowercase());
    }
    if (class.flask_model || ancestors().any(|a| a.flask_model)) && has_own_key {
        return Some(snake_case(&class.name));
    }
    None
}

/// Flask-SQLAlchemy's table names: `OrderItem` → `order_item`,
/// `HTTPRequest` → `http_request`.
fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let previous = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            if previous.is_ascii_lowercase() || previous.is_ascii_digit() || next_lower {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out.trim_start_matches('_').to_string()
}

/// Attribute → column pairs.
fn attribute_columns(columns: &[ColumnAttribute]) -> Vec<(String, String)> {
    columns
        .iter()
        .map(|c| {
            let column = c.column.name.clone().unwrap_or_else(|| c.attribute.clone());
            (c.attribute.clone(), column)
        })
        .collect()
}

/// True for a `Mapped[…]` or SQLModel annotation that may be a nullable
/// column.
fn optional(annotation: &str) -> bool {
    annotation.contains("Optional[")
        || annotation.contains("|None")
        || annotation.contains("None|")
        || annotation.contains("Union[None")
        || annotation.contains(",None]")
}

/// The inner type of `Mapped[…]`.
fn mapped_inner(annotation: &str) -> Option<&str> {
    let start = annotation.find("Mapped[")? + "Mapped[".len();
    annotation.get(start..annotation.len().checked_sub(1)?)
}

/// The columns a class body declares.
fn class_columns(
    file: &SourceFile,
    class: &Class<'_>,
    sqlmodel: bool,
    models: &HashSet<&str>,
) -> Vec<ColumnAttribute> {
    let mut found = Vec::new();
    for attribute in class_attributes(file, class.node) {
        if attribute.name.starts_with("__") {
            continue;
        }
        let annotation = attribute.annotation.clone().unwrap_or_default();
        if annotation.starts_with("ClassVar") {
            continue;
        }
        let typed_nullable = if annotation.is_empty() {
            true
        } else {
            optional(&annotation)
        };
        let value = attribute.value;
        let call = value.filter(|v| v.kind() == "call");
        let read = match call.map(|c| (c, callee_last(file, c))) {
            Some((call, Some("Column"))) => read_column(file, call).map(|c| (c, true)),
            Some((call, Some("mapped_column"))) => {
                read_column(file, call).map(|c| (c, typed_nullable))
            }
            Some((call, Some("Field"))) if sqlmodel => {
                sqlmodel_field(file, call, &annotation).map(|c| (c, typed_nullable))
            }
            Some(_) => None,
            None => {
                // A bare `Mapped[…]` is always a column: relations need
                // `relationship()`.
                let bare_mapped = mapped_inner(&annotation).is_some_and(|inner| {
                    !is_relation_type(inner, &HashSet::new()) && value.is_none()
                });
                let sqlmodel_plain =
                    sqlmodel && !annotation.is_empty() && !is_relation_type(&annotation, models);
                (bare_mapped || sqlmodel_plain).then(|| {
                    let type_text = mapped_inner(&annotation).unwrap_or(&annotation).to_string();
                    (
                        SaColumn {
                            type_text: Some(type_text),
                            location: Some(location_of(file, attribute.node)),
                            ..SaColumn::default()
                        },
                        typed_nullable,
                    )
                })
            }
        };
        if let Some((mut column, default_nullable)) = read {
            if column.type_text.is_none() && !annotation.is_empty() {
                column.type_text =
                    Some(mapped_inner(&annotation).unwrap_or(&annotation).to_string());
            }
            found.push(ColumnAttribute {
                attribute: attribute.name,
                column,
                default_nullable,
            });
        }
    }
    found.extend(declared_attr_columns(file, class.node));
    found
}

/// True for an annotation naming related objects rather than a value:
/// lists and sets, quoted class names, models of the file.
fn is_relation_type(annotation: &str, models: &HashSet<&str>) -> bool {
    let lower = annotation.to_ascii_lowercase();
    if lower.contains("list[") || lower.contains("set[") || annotation.contains(['"', '\'']) {
        return true;
    }
    annotation
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| models.contains(word))
}

/// A SQLModel `Field(…)`: its key, index, unique and foreign key options,
/// or the `sa_column=Column(…)` it wraps.
fn sqlmodel_field(file: &SourceFile, call: Node<'_>, annotation: &str) -> Option<SaColumn> {
    if let Some(column) = keyword(file, call, "sa_column").and_then(|c| read_column(file, c)) {
        return Some(column);
    }
    let extra = keyword(file, call, "sa_column_kwargs")
        .map(|kwargs| dict_pairs(file, kwargs))
        .unwrap_or_default();
    let extra_given = |key: &str| extra.iter().any(|(k, v)| k == key && v.kind() != "none");
    let foreign_key = keyword(file, call, "foreign_key")
        .and_then(|fk| {
            let (table, column) = table_dot_column(&string_value(file, fk)?)?;
            Some((table, column, location_of(file, fk)))
        })
        .map(|(table, column, location)| super::columns::SaForeignKey {
            target: Target::Column { table, column },
            name: None,
            location,
        });
    Some(SaColumn {
        name: extra
            .iter()
            .find(|(k, _)| k == "name")
            .and_then(|(_, v)| string_value(file, *v)),
        primary_key: flag(file, call, "primary_key") == Some(true),
        unique: flag(file, call, "unique") == Some(true),
        index: flag(file, call, "index") == Some(true),
        nullable: flag(file, call, "nullable"),
        db_default: extra_given("server_default"),
        foreign_key,
        type_text: (!annotation.is_empty()).then(|| annotation.to_string()),
        location: Some(location_of(file, call)),
    })
}

/// Columns of `@declared_attr` functions (mixins adding a foreign key per
/// model): the `Column`/`mapped_column` they return.
fn declared_attr_columns(file: &SourceFile, class: Node<'_>) -> Vec<ColumnAttribute> {
    let Some(body) = class.child_by_field_name("body") else {
        return Vec::new();
    };
    statements(body)
        .into_iter()
        .filter(|n| n.kind() == "decorated_definition")
        .filter(|n| file.text_of(*n).contains("declared_attr"))
        .filter_map(|n| {
            let function = n.child_by_field_name("definition")?;
            let name = file
                .text_of(function.child_by_field_name("name")?)
                .to_string();
            if name.starts_with("__") {
                return None;
            }
            let returned = statements(function.child_by_field_name("body")?)
                .into_iter()
                .find(|s| s.kind() == "return_statement")?
                .named_child(0)?;
            let column = read_column(file, returned)?;
            Some(ColumnAttribute {
                attribute: name,
                column,
                default_nullable: true,
            })
        })
        .collect()
}

/// The constraint and index calls of `__table_args__`.
fn table_args<'t>(file: &SourceFile, class: Node<'t>) -> Vec<Node<'t>> {
    class_attributes(file, class)
        .into_iter()
        .find(|a| a.name == "__table_args__")
        .and_then(|a| a.value)
        .map(elements)
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.kind() == "call")
        .collect()
}

/// Module-level `Table("t", metadata, Column(…), …)` and
/// `Index("ix", Model.a, Model.b)`.
fn module_items(file: &SourceFile, root: Node<'_>, known: &Known, facts: &mut SchemaFacts) {
    walk(root, |node| {
        if node.kind() == "class_definition" {
            return false;
        }
        if node.kind() != "call" {
            return true;
        }
        match callee_last(file, node) {
            Some("Table") => core_table(file, node, known, facts),
            Some("Index") => {
                let Some(KnownClass { table, fields }) = indexed_class(file, node, known) else {
                    return false;
                };
                let resolver = Resolver {
                    own: fields,
                    classes: known,
                };
                if let Some(TableItem::Index(index)) = table_item(file, node, table, &resolver) {
                    facts.statements.push(DdlStatement::CreateIndex(index));
                }
            }
            _ => return true,
        }
        false
    });
}

/// The mapped class a module-level `Index` names attributes of:
/// `Index("ix", func.lower(User.email))` is on `User`'s table.
fn indexed_class<'k>(
    file: &SourceFile,
    call: Node<'_>,
    known: &'k Known,
) -> Option<&'k KnownClass> {
    let arguments = call.child_by_field_name("arguments")?;
    let mut found = None;
    walk(arguments, |node| {
        if found.is_some() {
            return false;
        }
        if let Some(Target::Attribute { class, .. }) = super::columns::target(file, node) {
            found = known.get(&class);
        }
        true
    });
    found
}

/// A core table: `users = Table("users", metadata, Column("id", …), …)`.
fn core_table(file: &SourceFile, call: Node<'_>, known: &Known, facts: &mut SchemaFacts) {
    let arguments = positionals(call);
    let Some(table) = arguments.first().and_then(|t| name_value(file, *t)) else {
        return;
    };
    let columns: Vec<SaColumn> = arguments
        .iter()
        .skip(2)
        .filter_map(|a| read_column(file, *a))
        .filter(|c| c.name.is_some())
        .collect();
    // A reflected table (`autoload_with=engine`) says nothing here.
    if columns.is_empty() {
        return;
    }
    let fields: Vec<(String, String)> = columns
        .iter()
        .filter_map(|c| c.name.clone())
        .map(|n| (n.clone(), n))
        .collect();
    let resolver = Resolver {
        own: &fields,
        classes: known,
    };
    let location = location_of(file, call);
    let mut builder = TableBuilder::new(&table, Some(location.clone()));
    for column in &columns {
        let name = column.name.clone().unwrap_or_default();
        builder.column(column.fact(&name, true, &resolver));
        builder.indexes.extend(column.index(&table, &name));
    }
    for argument in arguments.iter().skip(2) {
        match table_item(file, *argument, &table, &resolver) {
            Some(TableItem::Constraint(constraint)) => builder.constraints.push(constraint),
            Some(TableItem::Index(index)) => builder.indexes.push(index),
            None => {}
        }
    }
    builder.finish(&mut facts.statements);
    let variable = call
        .parent()
        .filter(|p| p.kind() == "assignment")
        .and_then(|p| p.child_by_field_name("left"))
        .filter(|l| l.kind() == "identifier")
        .map(|l| file.text_of(l).to_string());
    if let Some(name) = variable {
        facts.models.push(ModelFact {
            name,
            table,
            fields,
            location,
        });
    }
}

#[cfg(test)]
mod tests;
