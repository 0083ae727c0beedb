//! TypeORM: entities (`@Entity` classes and their column, relation, index
//! and unique decorators) and migrations (`MigrationInterface` classes
//! whose `up(queryRunner)` runs SQL or the `QueryRunner` schema API).
//!
//! Names follow TypeORM's `DefaultNamingStrategy`
//! (`src/naming-strategy/DefaultNamingStrategy.ts`): a table is the name
//! given to `@Entity`, else `snakeCase(className)` (`OrderItem` →
//! `order_item`); a column is its `name` option, else the property name as
//! written (`createdAt` stays `createdAt`); a relation's join column is its
//! `@JoinColumn` name, else `camelCase(property + "_" + referencedColumn)`
//! (`user` → `userId`). A project-wide `namingStrategy` (such as
//! `SnakeNamingStrategy`) is configured elsewhere and not seen.
//! TypeORM creates no index for a `@ManyToOne` foreign key; a `@OneToOne`
//! owner gets a unique constraint. Columns inherited from a base class are
//! known when the base class is in the same file.

use std::collections::HashMap;

use redflag_syntax::tree_sitter::Node;

use super::{args, first_param, typeorm_camel_case, typeorm_snake_case, value, Js};
use crate::facts::data::{ModelFact, SchemaFacts, SchemaSource};
use crate::facts::routes::walk;
use crate::facts::sql::{
    AlterOp, ColumnFact, ConstraintFact, DdlStatement, ForeignKeyFact, IndexFact,
};
use crate::source::Location;

/// Decorators that declare a column, and whether the database fills it.
const COLUMN_DECORATORS: &[(&str, bool)] = &[
    ("Column", false),
    ("PrimaryColumn", false),
    ("PrimaryGeneratedColumn", true),
    ("CreateDateColumn", true),
    ("UpdateDateColumn", true),
    ("DeleteDateColumn", false),
    ("VersionColumn", false),
    ("ObjectIdColumn", true),
];

/// How deep a chain of base classes is followed.
const MAX_BASES: usize = 8;

#[derive(Debug, Clone)]
struct Decorator<'a, 't> {
    name: &'a str,
    args: Vec<Node<'t>>,
    node: Node<'t>,
}

impl<'t> Decorator<'_, 't> {
    /// The last object argument: the options of most decorators.
    fn options(&self) -> Option<Node<'t>> {
        self.args
            .iter()
            .rev()
            .find(|a| a.kind() == "object")
            .copied()
    }
}

fn decorator<'a, 't>(js: &Js<'a>, node: Node<'t>) -> Option<Decorator<'a, 't>> {
    let inner = value(node.named_child(0)?);
    let (callee, arguments) = match inner.kind() {
        "call_expression" => (inner.child_by_field_name("function")?, args(inner)),
        "identifier" | "member_expression" => (inner, Vec::new()),
        _ => return None,
    };
    let name = js.text(callee).rsplit('.').next().unwrap_or("").trim();
    Some(Decorator {
        name,
        args: arguments,
        node,
    })
}

fn decorators_in<'a, 't>(js: &Js<'a>, node: Node<'t>) -> Vec<Decorator<'a, 't>> {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .filter(|c| c.kind() == "decorator")
        .filter_map(|c| decorator(js, c))
        .collect();
    found
}

struct Member<'a, 't> {
    property: &'a str,
    decorators: Vec<Decorator<'a, 't>>,
}

struct Class<'a, 't> {
    name: &'a str,
    name_node: Node<'t>,
    decorators: Vec<Decorator<'a, 't>>,
    members: Vec<Member<'a, 't>>,
    base: Option<&'a str>,
}

impl<'a, 't> Class<'a, 't> {
    fn decorator(&self, name: &str) -> Option<&Decorator<'a, 't>> {
        self.decorators.iter().find(|d| d.name == name)
    }
}

/// Reads a class; `decorators` are the ones written before `export`.
fn read_class<'a, 't>(
    js: &Js<'a>,
    node: Node<'t>,
    mut decorators: Vec<Decorator<'a, 't>>,
) -> Option<Class<'a, 't>> {
    let name_node = node.child_by_field_name("name")?;
    decorators.extend(decorators_in(js, node));
    let mut base = None;
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.kind() != "class_heritage" {
            continue;
        }
        let mut inner = child.walk();
        let extended = child
            .named_children(&mut inner)
            .find_map(|c| match c.kind() {
                "extends_clause" => c.child_by_field_name("value"),
                "implements_clause" => None,
                _ => Some(c),
            });
        base = extended.map(|b| js.text(b).rsplit('.').next().unwrap_or("").trim());
    }
    let mut members = Vec::new();
    if let Some(body) = node.child_by_field_name("body") {
        let mut pending = Vec::new();
        let mut cursor = body.walk();
        for child in body.named_children(&mut cursor) {
            match child.kind() {
                "decorator" => pending.extend(decorator(js, child)),
                "public_field_definition" | "field_definition" => {
                    let Some(property) = child
                        .child_by_field_name("name")
                        .or_else(|| child.child_by_field_name("property"))
                    else {
                        pending.clear();
                        continue;
                    };
                    let mut decorators = std::mem::take(&mut pending);
                    decorators.extend(decorators_in(js, child));
                    members.push(Member {
                        property: js.text(property),
                        decorators,
                    });
                }
                _ => pending.clear(),
            }
        }
    }
    Some(Class {
        name: js.text(name_node),
        name_node,
        decorators,
        members,
        base,
    })
}

/// What one property declares.
enum Declared<'t> {
    Column {
        column: String,
        primary: bool,
        unique: bool,
        nullable: bool,
        has_default: bool,
    },
    Relation {
        target: String,
        one_to_one: bool,
        /// `@JoinColumn` entries: column name and referenced property.
        joins: Vec<(Option<String>, Option<String>)>,
        nullable: bool,
        constraint_name: Option<String>,
        at: Node<'t>,
    },
}

struct Property<'a, 't> {
    property: &'a str,
    declared: Declared<'t>,
    /// `@Index(…)` on the property: name, unique, partial, decorator.
    index: Option<(Option<String>, bool, bool, Node<'t>)>,
}

fn read_property<'a, 't>(js: &Js<'a>, member: &Member<'a, 't>) -> Option<Property<'a, 't>> {
    let mut declared = None;
    let mut join = None;
    let mut index = None;
    for decorator in &member.decorators {
        let options = decorator.options();
        let option_bool = |key: &str| options.and_then(|o| js.property_bool(o, key));
        if let Some(&(_, generated)) = COLUMN_DECORATORS.iter().find(|(n, _)| *n == decorator.name)
        {
            let primary =
                decorator.name.starts_with("Primary") || decorator.name == "ObjectIdColumn";
            let default_name = if decorator.name == "ObjectIdColumn" {
                "_id"
            } else {
                member.property
            };
            declared = Some(Declared::Column {
                column: options
                    .and_then(|o| js.property_string(o, "name"))
                    .unwrap_or_else(|| default_name.to_string()),
                primary: primary || option_bool("primary") == Some(true),
                unique: option_bool("unique") == Some(true),
                nullable: option_bool("nullable").unwrap_or(decorator.name == "DeleteDateColumn"),
                has_default: generated
                    || options.is_some_and(|o| js.property(o, "default").is_some()),
            });
            continue;
        }
        match decorator.name {
            "ManyToOne" | "OneToOne" => {
                let target = decorator.args.first().and_then(|t| target_name(js, *t));
                if let Some(target) = target {
                    declared = Some(Declared::Relation {
                        target,
                        one_to_one: decorator.name == "OneToOne",
                        joins: Vec::new(),
                        nullable: option_bool("nullable") != Some(false),
                        constraint_name: None,
                        at: decorator.node,
                    });
                }
            }
            "JoinColumn" => join = Some(decorator.clone()),
            "Index" => {
                if options.is_some_and(|o| {
                    js.property_bool(o, "fulltext") == Some(true)
                        || js.property_bool(o, "spatial") == Some(true)
                }) {
                    continue;
                }
                let name = decorator.args.first().and_then(|a| js.string(*a));
                index = Some((
                    name,
                    option_bool("unique") == Some(true),
                    options.is_some_and(|o| js.property(o, "where").is_some()),
                    decorator.node,
                ));
            }
            _ => {}
        }
    }
    let mut declared = declared?;
    if let Declared::Relation {
        one_to_one,
        joins,
        constraint_name,
        ..
    } = &mut declared
    {
        match &join {
            Some(join) => {
                let entries: Vec<Node<'t>> = match join.args.first().map(|a| value(*a)) {
                    Some(array) if array.kind() == "array" => {
                        let mut cursor = array.walk();
                        let found = array.named_children(&mut cursor).collect();
                        found
                    }
                    Some(object) => vec![object],
                    None => Vec::new(),
                };
                for entry in &entries {
                    joins.push((
                        js.property_string(*entry, "name"),
                        js.property_string(*entry, "referencedColumnName"),
                    ));
                    if constraint_name.is_none() {
                        *constraint_name = js.property_string(*entry, "foreignKeyConstraintName");
                    }
                }
                if joins.is_empty() {
                    joins.push((None, None));
                }
            }
            // A `@ManyToOne` always holds the key; a `@OneToOne` only on
            // the side with `@JoinColumn`.
            None if *one_to_one => return None,
            None => joins.push((None, None)),
        }
    }
    Some(Property {
        property: member.property,
        declared,
        index,
    })
}

/// `() => User`, `(type) => User`, `'User'`, `User`.
fn target_name(js: &Js<'_>, node: Node<'_>) -> Option<String> {
    let node = value(node);
    match node.kind() {
        "arrow_function" | "function_expression" | "function" => {
            let body = value(node.child_by_field_name("body")?);
            (body.kind() == "identifier").then(|| js.text(body).to_string())
        }
        "identifier" => Some(js.text(node).to_string()),
        _ => js.string(node),
    }
}

/// The properties a class-level `@Index`/`@Unique` lists: an array of
/// names, or `(entity) => [entity.a, entity.b]`.
fn listed_properties(js: &Js<'_>, node: Node<'_>) -> Vec<String> {
    let node = value(node);
    let list = match node.kind() {
        "array" => node,
        "arrow_function" | "function_expression" | "function" => {
            match node.child_by_field_name("body").map(value) {
                Some(body) if body.kind() == "array" => body,
                _ => return Vec::new(),
            }
        }
        _ => return Vec::new(),
    };
    let mut cursor = list.walk();
    let found = list
        .named_children(&mut cursor)
        .filter_map(|element| match element.kind() {
            "member_expression" => element
                .child_by_field_name("property")
                .map(|p| js.text(p).to_string()),
            _ => js.string(element),
        })
        .collect();
    found
}

pub(super) fn entities(js: &Js<'_>, root: Node<'_>) -> Option<SchemaFacts> {
    let mut classes = Vec::new();
    // `@Entity() export class …`: the decorators belong to the export.
    let mut exported: HashMap<usize, Vec<Decorator<'_, '_>>> = HashMap::new();
    walk(root, |node| {
        match node.kind() {
            "export_statement" => {
                if let Some(declaration) = node.child_by_field_name("declaration") {
                    exported.insert(declaration.id(), decorators_in(js, node));
                }
            }
            "class_declaration" | "abstract_class_declaration" | "class" => {
                let before = exported.remove(&node.id()).unwrap_or_default();
                classes.extend(read_class(js, node, before));
            }
            _ => {}
        }
        true
    });
    let by_name: HashMap<&str, &Class<'_, '_>> = classes.iter().map(|c| (c.name, c)).collect();
    let entities: Vec<&Class<'_, '_>> = classes
        .iter()
        .filter(|c| c.decorator("Entity").is_some())
        .collect();
    if entities.is_empty() {
        return None;
    }
    let tables: HashMap<&str, String> =
        entities.iter().map(|c| (c.name, table_of(js, c))).collect();
    let reader = Reader {
        js,
        classes: by_name,
        tables,
    };
    let mut facts = SchemaFacts::new(SchemaSource::TypeOrmEntity);
    for entity in entities {
        reader.entity(entity, &mut facts);
    }
    Some(facts)
}

fn table_of(js: &Js<'_>, class: &Class<'_, '_>) -> String {
    let given = class.decorator("Entity").and_then(|d| {
        let first = d.args.first()?;
        js.string(*first)
            .or_else(|| js.property_string(*first, "name"))
    });
    given.unwrap_or_else(|| typeorm_snake_case(class.name))
}

struct Reader<'r, 'a, 't> {
    js: &'r Js<'a>,
    classes: HashMap<&'a str, &'r Class<'a, 't>>,
    tables: HashMap<&'a str, String>,
}

impl<'a, 't> Reader<'_, 'a, 't> {
    /// The properties of a class and of its bases in this file, bases first.
    fn properties(&self, class: &Class<'a, 't>) -> Vec<Property<'a, 't>> {
        let mut chain = vec![class];
        let mut current = class;
        for _ in 0..MAX_BASES {
            match current.base.and_then(|b| self.classes.get(b)) {
                Some(base) if !chain.iter().any(|c| c.name == base.name) => {
                    chain.push(base);
                    current = base;
                }
                _ => break,
            }
        }
        chain
            .iter()
            .rev()
            .flat_map(|c| c.members.iter())
            .filter_map(|m| read_property(self.js, m))
            .collect()
    }

    /// A class's primary key as (property, column) pairs; `id` when the
    /// class is not in this file.
    fn primary_key(&self, class_name: &str) -> Vec<(String, String)> {
        let found: Vec<(String, String)> = self
            .classes
            .get(class_name)
            .map(|class| {
                self.properties(class)
                    .into_iter()
                    .filter_map(|p| match p.declared {
                        Declared::Column {
                            column,
                            primary: true,
                            ..
                        } => Some((p.property.to_string(), column)),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        if found.is_empty() {
            vec![("id".into(), "id".into())]
        } else {
            found
        }
    }

    fn column_of(&self, class_name: &str, property: &str) -> String {
        self.classes
            .get(class_name)
            .and_then(|class| {
                self.properties(class)
                    .into_iter()
                    .find_map(|p| match p.declared {
                        Declared::Column { column, .. } if p.property == property => Some(column),
                        _ => None,
                    })
            })
            .unwrap_or_else(|| property.to_string())
    }

    fn entity(&self, class: &Class<'a, 't>, facts: &mut SchemaFacts) {
        let js = self.js;
        let table = self.tables.get(class.name).cloned().unwrap_or_default();
        let properties = self.properties(class);
        let mut columns: Vec<ColumnFact> = Vec::new();
        let mut constraints = Vec::new();
        let mut fields: Vec<(String, String)> = Vec::new();
        // Property → its columns (several for a composite join).
        let mut columns_of: HashMap<&str, Vec<String>> = HashMap::new();
        let mut primary = Vec::new();
        for property in &properties {
            if let Declared::Column {
                column,
                primary: is_primary,
                unique,
                nullable,
                has_default,
            } = &property.declared
            {
                if *is_primary {
                    primary.push(column.clone());
                }
                fields.push((property.property.to_string(), column.clone()));
                columns_of.insert(property.property, vec![column.clone()]);
                if columns.iter().any(|c| &c.name == column) {
                    continue;
                }
                columns.push(ColumnFact {
                    name: column.clone(),
                    primary_key: false,
                    unique: *unique,
                    foreign_key: None,
                    not_null: !nullable || *is_primary,
                    has_default: *has_default,
                });
            }
        }
        if let [key] = primary.as_slice() {
            if let Some(column) = columns.iter_mut().find(|c| &c.name == key) {
                column.primary_key = true;
            }
        } else if primary.len() > 1 {
            constraints.push(ConstraintFact::PrimaryKey(primary));
        }
        for property in &properties {
            let Declared::Relation {
                target,
                one_to_one,
                joins,
                nullable,
                constraint_name,
                at,
            } = &property.declared
            else {
                continue;
            };
            let target_key = self.primary_key(target);
            let mut own = Vec::new();
            let mut referenced = Vec::new();
            for (i, (name, referenced_property)) in joins.iter().enumerate() {
                let referenced_property = referenced_property
                    .clone()
                    .or_else(|| target_key.get(i).map(|(p, _)| p.clone()))
                    .unwrap_or_else(|| "id".into());
                own.push(name.clone().unwrap_or_else(|| {
                    typeorm_camel_case(&format!("{}_{referenced_property}", property.property))
                }));
                referenced.push(self.column_of(target, &referenced_property));
            }
            let fk = ForeignKeyFact {
                name: constraint_name.clone(),
                columns: own.clone(),
                referenced_table: self
                    .tables
                    .get(target.as_str())
                    .cloned()
                    .unwrap_or_else(|| typeorm_snake_case(target)),
                referenced_columns: referenced,
                location: js.location(*at),
            };
            if let Some(first) = own.first() {
                fields.push((property.property.to_string(), first.clone()));
            }
            columns_of.insert(property.property, own.clone());
            for name in &own {
                if !columns.iter().any(|c| &c.name == name) {
                    columns.push(ColumnFact {
                        name: name.clone(),
                        primary_key: false,
                        unique: false,
                        foreign_key: None,
                        not_null: !nullable,
                        has_default: false,
                    });
                }
            }
            match own.as_slice() {
                [single] => {
                    if let Some(column) = columns.iter_mut().find(|c| &c.name == single) {
                        column.unique |= *one_to_one;
                        column.foreign_key = Some(fk);
                    }
                }
                _ => {
                    if *one_to_one {
                        constraints.push(ConstraintFact::Unique {
                            name: None,
                            columns: own.clone(),
                        });
                    }
                    constraints.push(ConstraintFact::ForeignKey(fk));
                }
            }
        }
        let column_list = |names: &[String]| -> Vec<String> {
            names
                .iter()
                .flat_map(|n| {
                    columns_of
                        .get(n.as_str())
                        .cloned()
                        .unwrap_or_else(|| vec![n.clone()])
                })
                .collect()
        };
        let mut indexes = Vec::new();
        for property in &properties {
            if let Some((name, unique, partial, at)) = &property.index {
                let columns = column_list(&[property.property.to_string()]);
                indexes.push(index_fact(
                    &table,
                    name.clone(),
                    columns,
                    *unique,
                    *partial,
                    js.location(*at),
                ));
            }
        }
        for decorator in &class.decorators {
            let listed = decorator
                .args
                .iter()
                .map(|a| listed_properties(js, *a))
                .find(|l| !l.is_empty());
            let Some(listed) = listed else {
                continue;
            };
            let name = decorator.args.first().and_then(|a| js.string(*a));
            let options = decorator.options();
            let columns = column_list(&listed);
            match decorator.name {
                "Unique" => constraints.push(ConstraintFact::Unique { name, columns }),
                "Index" => {
                    let flag =
                        |key: &str| options.and_then(|o| js.property_bool(o, key)) == Some(true);
                    if flag("fulltext") || flag("spatial") {
                        continue;
                    }
                    indexes.push(index_fact(
                        &table,
                        name,
                        columns,
                        flag("unique"),
                        options.is_some_and(|o| js.property(o, "where").is_some()),
                        js.location(decorator.node),
                    ));
                }
                _ => {}
            }
        }
        let location = js.location(class.name_node);
        facts.statements.push(DdlStatement::CreateTable {
            table: table.clone(),
            if_not_exists: false,
            columns,
            constraints,
            location: Some(location.clone()),
        });
        facts
            .statements
            .extend(indexes.into_iter().map(DdlStatement::CreateIndex));
        facts.models.push(ModelFact {
            name: class.name.to_string(),
            table,
            fields,
            location,
        });
    }
}

fn index_fact(
    table: &str,
    name: Option<String>,
    columns: Vec<String>,
    unique: bool,
    partial: bool,
    location: Location,
) -> IndexFact {
    IndexFact {
        name,
        table: table.to_string(),
        columns: columns.into_iter().map(Some).collect(),
        unique,
        partial,
        concurrently: false,
        location: Some(location),
    }
}

pub(super) fn migration(js: &Js<'_>, root: Node<'_>) -> Option<SchemaFacts> {
    let steps = js.steps(root);
    if steps.up.is_empty() {
        return None;
    }
    let mut facts = SchemaFacts::new(SchemaSource::TypeOrmMigration);
    let mut runner_calls = 0usize;
    for step in &steps.up {
        let runner = first_param(js, step.function).unwrap_or("queryRunner");
        for (receiver, method, call) in js.member_calls(step.function) {
            if receiver == runner || receiver.ends_with("queryRunner") {
                runner_calls += 1;
                runner_call(js, method, call, &mut facts.statements);
            }
        }
    }
    // An `up` that never uses the query runner is not a migration.
    if runner_calls == 0 {
        return None;
    }
    facts.down = js.down(&steps);
    Some(facts)
}

/// The object a `new Table({…})`/`new TableIndex({…})` wraps, or a plain
/// object.
fn options_of(node: Node<'_>) -> Option<Node<'_>> {
    let node = value(node);
    match node.kind() {
        "new_expression" => args(node).first().copied(),
        "object" => Some(node),
        _ => None,
    }
}

/// Elements of an array argument (or the one argument itself).
fn elements(node: Node<'_>) -> Vec<Node<'_>> {
    let node = value(node);
    if node.kind() != "array" {
        return vec![node];
    }
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .map(value)
        .collect();
    found
}

fn table_column(js: &Js<'_>, node: Node<'_>) -> Option<ColumnFact> {
    let object = options_of(node)?;
    let flag = |key: &str| js.property_bool(object, key) == Some(true);
    let primary_key = flag("isPrimary");
    Some(ColumnFact {
        name: js.property_string(object, "name")?,
        primary_key,
        unique: flag("isUnique"),
        foreign_key: None,
        not_null: primary_key || !flag("isNullable"),
        has_default: flag("isGenerated") || js.property(object, "default").is_some(),
    })
}

fn table_index(js: &Js<'_>, table: &str, node: Node<'_>) -> Option<IndexFact> {
    let object = options_of(node)?;
    let columns = js.property_strings(object, "columnNames");
    if columns.is_empty() {
        return None;
    }
    Some(IndexFact {
        name: js.property_string(object, "name"),
        table: table.to_string(),
        columns: columns.into_iter().map(Some).collect(),
        unique: js.property_bool(object, "isUnique") == Some(true),
        partial: js.property(object, "where").is_some(),
        concurrently: false,
        location: Some(js.location(node)),
    })
}

fn table_foreign_key(js: &Js<'_>, node: Node<'_>) -> Option<ForeignKeyFact> {
    let object = options_of(node)?;
    Some(ForeignKeyFact {
        name: js.property_string(object, "name"),
        columns: js.property_strings(object, "columnNames"),
        referenced_table: js.property_string(object, "referencedTableName")?,
        referenced_columns: js.property_strings(object, "referencedColumnNames"),
        location: js.location(node),
    })
}

fn table_unique(js: &Js<'_>, node: Node<'_>) -> Option<ConstraintFact> {
    let object = options_of(node)?;
    let columns = js.property_strings(object, "columnNames");
    (!columns.is_empty()).then(|| ConstraintFact::Unique {
        name: js.property_string(object, "name"),
        columns,
    })
}

/// A column, index or key argument given by name or as an object.
fn name_of(js: &Js<'_>, node: Node<'_>) -> Option<String> {
    js.string(node)
        .or_else(|| js.property_string(options_of(node)?, "name"))
}

fn runner_call(js: &Js<'_>, method: &str, call: Node<'_>, out: &mut Vec<DdlStatement>) {
    let arguments = args(call);
    let arg = |i: usize| arguments.get(i).copied();
    if method == "query" {
        if let Some(sql) = arg(0) {
            out.extend(js.sql(sql));
        }
        return;
    }
    if method == "createTable" {
        let Some(object) = arg(0).and_then(options_of) else {
            return;
        };
        let Some(table) = js.property_string(object, "name") else {
            return;
        };
        let list = |key: &str| js.property(object, key).map(elements).unwrap_or_default();
        let columns = list("columns")
            .into_iter()
            .filter_map(|c| table_column(js, c))
            .collect();
        let mut constraints: Vec<ConstraintFact> = list("foreignKeys")
            .into_iter()
            .filter_map(|f| table_foreign_key(js, f).map(ConstraintFact::ForeignKey))
            .collect();
        constraints.extend(
            list("uniques")
                .into_iter()
                .filter_map(|u| table_unique(js, u)),
        );
        let indexes: Vec<IndexFact> = list("indices")
            .into_iter()
            .filter_map(|i| table_index(js, &table, i))
            .collect();
        out.push(DdlStatement::CreateTable {
            if_not_exists: arg(1).and_then(Js::boolean) == Some(true),
            columns,
            constraints,
            location: Some(js.head_location(call, arg(0))),
            table,
        });
        out.extend(indexes.into_iter().map(DdlStatement::CreateIndex));
        return;
    }
    let Some(table) = arg(0).and_then(|t| js.string(t)) else {
        return;
    };
    let location = || Some(js.head_location(call, arg(0)));
    let alter = |ops: Vec<AlterOp>| DdlStatement::AlterTable {
        table: table.clone(),
        ops,
        location: location(),
    };
    let add = |constraint: ConstraintFact| AlterOp::AddConstraint {
        constraint,
        not_valid: false,
    };
    let many = |i: usize| arg(i).map(elements).unwrap_or_default();
    match method {
        "createIndex" | "createIndices" => out.extend(
            many(1)
                .into_iter()
                .filter_map(|i| table_index(js, &table, i))
                .map(DdlStatement::CreateIndex),
        ),
        "createForeignKey" | "createForeignKeys" => {
            let ops: Vec<AlterOp> = many(1)
                .into_iter()
                .filter_map(|f| table_foreign_key(js, f))
                .map(|fk| add(ConstraintFact::ForeignKey(fk)))
                .collect();
            if !ops.is_empty() {
                out.push(alter(ops));
            }
        }
        "createUniqueConstraint" | "createUniqueConstraints" => {
            let ops: Vec<AlterOp> = many(1)
                .into_iter()
                .filter_map(|u| table_unique(js, u))
                .map(add)
                .collect();
            if !ops.is_empty() {
                out.push(alter(ops));
            }
        }
        "createPrimaryKey" => {
            let columns = arg(1).map(|c| js.strings(c)).unwrap_or_default();
            if !columns.is_empty() {
                out.push(alter(vec![add(ConstraintFact::PrimaryKey(columns))]));
            }
        }
        "addColumn" | "addColumns" => {
            let ops: Vec<AlterOp> = many(1)
                .into_iter()
                .filter_map(|c| table_column(js, c))
                .map(AlterOp::AddColumn)
                .collect();
            if !ops.is_empty() {
                out.push(alter(ops));
            }
        }
        "dropColumn" | "dropColumns" => {
            let names: Vec<String> = many(1).into_iter().filter_map(|c| name_of(js, c)).collect();
            if !names.is_empty() {
                out.push(alter(vec![AlterOp::DropColumns(names)]));
            }
        }
        "renameColumn" => {
            if let (Some(from), Some(to)) = (
                arg(1).and_then(|c| name_of(js, c)),
                arg(2).and_then(|c| name_of(js, c)),
            ) {
                out.push(alter(vec![AlterOp::RenameColumn { from, to }]));
            }
        }
        "changeColumn" => {
            let Some(from) = arg(1).and_then(|c| name_of(js, c)) else {
                return;
            };
            let mut ops = vec![AlterOp::AlterColumnType {
                column: from.clone(),
            }];
            if let Some(to) = arg(2).and_then(|c| name_of(js, c)).filter(|to| *to != from) {
                ops.push(AlterOp::RenameColumn { from, to });
            }
            out.push(alter(ops));
        }
        "dropIndex" => {
            if let Some(name) = arg(1).and_then(|i| name_of(js, i)) {
                out.push(alter(vec![AlterOp::DropIndex { name }]));
            }
        }
        "dropForeignKey" | "dropUniqueConstraint" => {
            if let Some(name) = arg(1).and_then(|k| name_of(js, k)) {
                out.push(alter(vec![AlterOp::DropConstraint { name }]));
            }
        }
        "dropPrimaryKey" => out.push(alter(vec![AlterOp::DropPrimaryKey])),
        "dropTable" => out.push(DdlStatement::DropTables(vec![table.clone()])),
        "renameTable" => {
            if let Some(to) = arg(1).and_then(|t| js.string(t)) {
                out.push(alter(vec![AlterOp::RenameTable { to }]));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::facts;
    use super::*;
    use crate::facts::data::DownFact;
    use crate::facts::FileFacts;
    use crate::project::data::DataModel;
    use crate::project::schema::Coverage;

    const ENTITIES: &str = r#"import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryGeneratedColumn,
  Unique,
} from "typeorm";

export abstract class Timestamped {
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}

@Entity("users")
export class User extends Timestamped {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ unique: true })
  email!: string;
}

@Entity()
@Index(["status", "createdAt"])
@Unique("order_reference_uq", ["reference"])
export class OrderItem extends Timestamped {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "order_status", length: 32 })
  status!: string;

  @Column()
  reference!: string;

  @Index()
  @Column({ nullable: true })
  sku?: string;

  @ManyToOne(() => User, (user) => user.items, { nullable: false })
  owner!: User;

  @ManyToOne(() => User)
  @JoinColumn({ name: "reviewer_id" })
  reviewer?: User;

  @OneToOne(() => Shipment)
  @JoinColumn()
  shipment!: Shipment;

  @OneToOne(() => Invoice, (invoice) => invoice.item)
  invoice?: Invoice;
}
"#;

    fn create_table<'f>(
        facts: &'f SchemaFacts,
        name: &str,
    ) -> (&'f [ColumnFact], &'f [ConstraintFact]) {
        facts
            .statements
            .iter()
            .find_map(|s| match s {
                DdlStatement::CreateTable {
                    table,
                    columns,
                    constraints,
                    ..
                } if table == name => Some((columns.as_slice(), constraints.as_slice())),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no table {name} in {:?}", facts.statements))
    }

    #[test]
    fn entities_follow_the_default_naming_strategy() {
        let found = facts("src/entities/order-item.entity.ts", ENTITIES).expect("facts");
        assert_eq!(found.source, SchemaSource::TypeOrmEntity);
        let (users, _) = create_table(&found, "users");
        let names: Vec<&str> = users.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["createdAt", "id", "email"]);
        assert!(users[1].primary_key && users[2].unique);
        let (items, constraints) = create_table(&found, "order_item");
        let names: Vec<&str> = items.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "createdAt",
                "id",
                "order_status",
                "reference",
                "sku",
                "ownerId",
                "reviewer_id",
                "shipmentId"
            ]
        );
        let owner = items[5].foreign_key.as_ref().expect("owner fk");
        assert_eq!(owner.referenced_table, "users");
        assert_eq!(owner.referenced_columns, ["id"]);
        assert_eq!(owner.location.start.line, 44);
        assert!(items[5].not_null && !items[6].not_null);
        let shipment = &items[7];
        assert!(shipment.unique);
        assert_eq!(
            shipment
                .foreign_key
                .as_ref()
                .map(|f| f.referenced_table.as_str()),
            Some("shipment")
        );
        assert_eq!(
            constraints,
            [ConstraintFact::Unique {
                name: Some("order_reference_uq".into()),
                columns: vec!["reference".into()]
            }]
        );
        let indexes: Vec<&IndexFact> = found
            .statements
            .iter()
            .filter_map(|s| match s {
                DdlStatement::CreateIndex(i) => Some(i),
                _ => None,
            })
            .collect();
        assert_eq!(indexes[0].columns, [Some("sku".to_string())]);
        assert_eq!(
            indexes[1].columns,
            [
                Some("order_status".to_string()),
                Some("createdAt".to_string())
            ]
        );
        let model = found
            .models
            .iter()
            .find(|m| m.name == "OrderItem")
            .expect("model");
        assert_eq!(model.table, "order_item");
        assert!(model
            .fields
            .contains(&("status".into(), "order_status".into())));
        assert!(model.fields.contains(&("owner".into(), "ownerId".into())));
        assert!(!model.fields.iter().any(|(f, _)| f == "invoice"));
    }

    #[test]
    fn composite_keys_and_partial_class_indexes() {
        let text = r#"import { Entity, PrimaryColumn, Column, Index } from "typeorm";

@Entity({ name: "memberships" })
@Index("memberships_role_idx", (m: Membership) => [m.role], { where: `"role" <> 'owner'` })
@Index("memberships_user_role_uq", ["userId", "role"], { unique: true })
export class Membership {
  @PrimaryColumn("uuid", { name: "team_id" })
  teamId: string;

  @PrimaryColumn({ type: "uuid", name: "user_id" })
  userId: string;

  @Column()
  role: string;
}
"#;
        let found = facts("src/membership.entity.ts", text).expect("facts");
        let (columns, constraints) = create_table(&found, "memberships");
        assert!(columns.iter().all(|c| !c.primary_key));
        assert_eq!(
            constraints,
            [ConstraintFact::PrimaryKey(vec![
                "team_id".into(),
                "user_id".into()
            ])]
        );
        assert!(found.statements.iter().any(|s| matches!(s,
            DdlStatement::CreateIndex(i) if i.partial && i.name.as_deref() == Some("memberships_role_idx"))));
        assert!(found.statements.iter().any(|s| matches!(s,
            DdlStatement::CreateIndex(i) if i.unique
                && i.columns == [Some("user_id".to_string()), Some("role".to_string())])));
    }

    const MIGRATION: &str = r#"import { MigrationInterface, QueryRunner, Table, TableIndex, TableForeignKey } from "typeorm";

export class CreateOrders1712000000000 implements MigrationInterface {
  name = "CreateOrders1712000000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "customer" ("id" SERIAL NOT NULL, "email" character varying NOT NULL, CONSTRAINT "PK_customer" PRIMARY KEY ("id"))`);
    await queryRunner.createTable(
      new Table({
        name: "orders",
        columns: [
          { name: "id", type: "int", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
          { name: "customer_id", type: "int" },
          { name: "status", type: "varchar", isNullable: true },
        ],
        foreignKeys: [
          { columnNames: ["customer_id"], referencedTableName: "customer", referencedColumnNames: ["id"] },
        ],
      }),
      true,
    );
    await queryRunner.createIndex("orders", new TableIndex({ name: "IDX_orders_status", columnNames: ["status"] }));
    await queryRunner.dropColumn("orders", "legacy");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {}
}
"#;

    #[test]
    fn migrations_with_sql_and_the_schema_api() {
        let found =
            facts("src/migrations/1712000000000-CreateOrders.ts", MIGRATION).expect("facts");
        assert_eq!(found.source, SchemaSource::TypeOrmMigration);
        let (customer, constraints) = create_table(&found, "customer");
        assert_eq!(customer.len(), 2);
        assert_eq!(constraints, [ConstraintFact::PrimaryKey(vec!["id".into()])]);
        let (orders, constraints) = create_table(&found, "orders");
        assert!(orders[0].primary_key && orders[0].has_default);
        assert!(orders[1].not_null && !orders[2].not_null);
        let [ConstraintFact::ForeignKey(fk)] = constraints else {
            panic!("{constraints:?}");
        };
        assert_eq!(
            (fk.referenced_table.as_str(), fk.location.start.line),
            ("customer", 17)
        );
        assert!(
            matches!(&found.statements[2], DdlStatement::CreateIndex(i) if i.name.as_deref() == Some("IDX_orders_status"))
        );
        assert!(
            matches!(&found.statements[3], DdlStatement::AlterTable { ops, .. } if ops == &[AlterOp::DropColumns(vec!["legacy".into()])])
        );
        let Some(DownFact::Missing { location, .. }) = &found.down else {
            panic!("{:?}", found.down);
        };
        assert_eq!(location.start.line, 26);
    }

    #[test]
    fn generated_migration_with_a_real_down() {
        let text = "import { MigrationInterface, QueryRunner } from \"typeorm\";\n\nexport class AddSku1712100000000 implements MigrationInterface {\n    public async up(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(`ALTER TABLE \"order_item\" ADD \"sku\" character varying`);\n        await queryRunner.query(`CREATE INDEX \"IDX_sku\" ON \"order_item\" (\"sku\") `);\n    }\n\n    public async down(queryRunner: QueryRunner): Promise<void> {\n        await queryRunner.query(`DROP INDEX \"public\".\"IDX_sku\"`);\n        await queryRunner.query(`ALTER TABLE \"order_item\" DROP COLUMN \"sku\"`);\n    }\n}\n";
        let found = facts("src/migrations/1712100000000-AddSku.ts", text).expect("facts");
        assert_eq!(found.down, Some(DownFact::Present));
        assert_eq!(
            found.statements.len(),
            2,
            "down statements are not replayed"
        );
        let DdlStatement::CreateIndex(index) = &found.statements[1] else {
            panic!("{:?}", found.statements);
        };
        assert_eq!(index.location.as_ref().map(|l| l.start.line), Some(6));
    }

    #[test]
    fn classes_without_entity_and_odd_decorators() {
        let dto = "import { IsEmail } from 'class-validator';\nexport class CreateUserDto {\n  @IsEmail()\n  email: string;\n}\n// see @Entity( in docs\n";
        assert!(facts("src/users/dto.ts", dto).is_none());
        let odd = "@Entity(name)\nclass A {\n  @Column(...opts) a;\n  @ManyToOne(x) b;\n  @Index([]) c;\n  @OneToOne(() => B) @JoinColumn([]) d;\n}\n";
        let found = facts("src/a.entity.ts", odd).expect("facts");
        assert!(
            matches!(&found.statements[0], DdlStatement::CreateTable { table, .. } if table == "a")
        );
    }

    #[test]
    fn replayed_into_the_data_model() {
        let files = vec![FileFacts {
            path: "src/entities/order-item.entity.ts".into(),
            schema: facts("src/entities/order-item.entity.ts", ENTITIES),
            ..FileFacts::default()
        }];
        let data = DataModel::build(&files);
        let items = &data.schema.tables["order_item"];
        assert!(items.covering(&["order_status".into()]).is_some());
        assert_eq!(
            items.covering(&["sku".into()]),
            Some(Coverage::Index("order_item_sku_idx".into()))
        );
        assert_eq!(items.covering(&["ownerId".into()]), None);
        assert_eq!(
            data.model("OrderItem").map(|m| m.table.as_str()),
            Some("order_item")
        );
    }
}
