//! Sequelize: models (`sequelize.define('User', attributes, options)`,
//! `User.init(attributes, { sequelize, … })`, `super.init(…)` inside the
//! class) and `queryInterface` migrations (`createTable`, `addIndex`,
//! `addColumn`, `addConstraint`, removals and renames, `sequelize.query`).
//!
//! Model names follow Sequelize (v6): the table is `tableName`, else the
//! model name when `freezeTableName`, else the model name in the plural
//! (see [`sequelize_pluralize`]) — snake_cased when `underscored`; a column
//! is the attribute's `field`, else its name (snake_cased when
//! `underscored`). A model without a primary key gets `id`; `timestamps`
//! (on by default) add `createdAt`/`updatedAt`, `paranoid` `deletedAt`.
//! Options set once for all models (`new Sequelize(…, { define: … })`)
//! are not seen. `references` adds a foreign key and no index.

use std::collections::HashMap;

use redflag_syntax::tree_sitter::Node;

use super::{args, first_param, sequelize_pluralize, sequelize_underscore, value, Js};
use crate::facts::data::{ModelFact, SchemaFacts, SchemaSource};
use crate::facts::routes::walk;
use crate::facts::sql::{
    AlterOp, ColumnFact, ConstraintFact, DdlStatement, ForeignKeyFact, IndexFact,
};
use crate::source::Location;

pub(super) fn migration(js: &Js<'_>, root: Node<'_>) -> Option<SchemaFacts> {
    let steps = js.steps(root);
    if steps.up.is_empty() {
        return None;
    }
    let mut facts = SchemaFacts::new(SchemaSource::SequelizeMigration);
    let mut interface_calls = 0usize;
    for step in &steps.up {
        let interface = first_param(js, step.function).unwrap_or("queryInterface");
        for (receiver, method, call) in js.member_calls(step.function) {
            if receiver == interface || receiver.ends_with("queryInterface") {
                interface_calls += 1;
                interface_call(js, method, call, &mut facts.statements);
            } else if method == "query"
                && (receiver == format!("{interface}.sequelize")
                    || receiver.ends_with(".sequelize"))
            {
                interface_calls += 1;
                if let Some(sql) = args(call).first() {
                    facts.statements.extend(js.sql(*sql));
                }
            }
        }
    }
    // An `up` that never touches the query interface is not a migration.
    if interface_calls == 0 {
        return None;
    }
    facts.down = js.down(&steps);
    Some(facts)
}

/// A table argument: `'users'` or `{ tableName: 'users', schema: 'app' }`.
fn table_name(js: &Js<'_>, node: Node<'_>) -> Option<String> {
    js.string(node)
        .or_else(|| js.property_string(node, "tableName"))
}

/// Sequelize's generated index name: `users_email`, `orders_user_id_status`.
fn generated_index_name(table: &str, fields: &[String]) -> String {
    sequelize_underscore(&format!("{table}_{}", fields.join("_")))
}

fn alter(table: String, ops: Vec<AlterOp>, location: Location) -> DdlStatement {
    DdlStatement::AlterTable {
        table,
        ops,
        location: Some(location),
    }
}

fn interface_call(js: &Js<'_>, method: &str, call: Node<'_>, out: &mut Vec<DdlStatement>) {
    let arguments = args(call);
    let Some(table) = arguments.first().and_then(|t| table_name(js, *t)) else {
        return;
    };
    let string_arg = |i: usize| arguments.get(i).and_then(|a| js.string(*a));
    let location = || js.head_location(call, arguments.first().copied());
    match method {
        "createTable" => {
            let attributes = arguments
                .get(1)
                .map(|a| js.properties(*a))
                .unwrap_or_default();
            let mut columns = Vec::new();
            let mut constraints = Vec::new();
            let mut composite: Vec<(String, Vec<String>)> = Vec::new();
            for (name, key, definition) in attributes {
                let column = column(js, &name, definition, key, &|model| model.to_string());
                if let Some(group) = column.composite_unique {
                    match composite.iter_mut().find(|(g, _)| *g == group) {
                        Some((_, columns)) => columns.push(name.clone()),
                        None => composite.push((group, vec![name.clone()])),
                    }
                }
                columns.push(column.fact);
            }
            constraints.extend(composite.into_iter().map(|(name, columns)| {
                ConstraintFact::Unique {
                    name: Some(name),
                    columns,
                }
            }));
            // `uniqueKeys: { order_line: { fields: ['order_id', 'line'] } }`
            if let Some(keys) = arguments.get(2).and_then(|o| js.property(*o, "uniqueKeys")) {
                for (name, _, key) in js.properties(keys) {
                    let fields = js.property_strings(key, "fields");
                    if !fields.is_empty() {
                        constraints.push(ConstraintFact::Unique {
                            name: Some(name),
                            columns: fields,
                        });
                    }
                }
            }
            // Sequelize writes `CREATE TABLE IF NOT EXISTS`.
            out.push(DdlStatement::CreateTable {
                table,
                if_not_exists: true,
                columns,
                constraints,
                location: Some(location()),
            });
        }
        "addIndex" => {
            let (fields, options) = match arguments.get(1) {
                Some(a) if a.kind() == "array" => (Some(*a), arguments.get(2).copied()),
                Some(a) => (js.property(*a, "fields"), Some(*a)),
                None => (None, None),
            };
            let columns = fields
                .map(|f| index_fields(js, f, None))
                .unwrap_or_default();
            if columns.is_empty() {
                return;
            }
            out.push(DdlStatement::CreateIndex(index(
                js,
                &table,
                columns,
                options,
                Some(js.location(call)),
            )));
        }
        "addColumn" => {
            let (Some(name), Some(definition)) = (string_arg(1), arguments.get(2)) else {
                return;
            };
            let column = column(js, &name, *definition, *definition, &|m| m.to_string());
            out.push(alter(
                table,
                vec![AlterOp::AddColumn(column.fact)],
                location(),
            ));
        }
        "removeColumn" => {
            if let Some(name) = string_arg(1) {
                out.push(alter(
                    table,
                    vec![AlterOp::DropColumns(vec![name])],
                    location(),
                ));
            }
        }
        "renameColumn" => {
            if let (Some(from), Some(to)) = (string_arg(1), string_arg(2)) {
                out.push(alter(
                    table,
                    vec![AlterOp::RenameColumn { from, to }],
                    location(),
                ));
            }
        }
        "changeColumn" => {
            if let Some(column) = string_arg(1) {
                out.push(alter(
                    table,
                    vec![AlterOp::AlterColumnType { column }],
                    location(),
                ));
            }
        }
        "removeIndex" => {
            let name = string_arg(1).or_else(|| {
                let fields = js.strings(*arguments.get(1)?);
                (!fields.is_empty()).then(|| generated_index_name(&table, &fields))
            });
            if let Some(name) = name {
                out.push(alter(table, vec![AlterOp::DropIndex { name }], location()));
            }
        }
        "addConstraint" => {
            // v5+: `(table, { fields, type, name, references })`; v4:
            // `(table, fields, { type, name, references })`.
            let (fields, options) = match arguments.get(1) {
                Some(a) if a.kind() == "array" => (js.strings(*a), arguments.get(2).copied()),
                Some(a) => (js.property_strings(*a, "fields"), Some(*a)),
                None => return,
            };
            let Some(options) = options else {
                return;
            };
            if let Some(constraint) = constraint(js, fields, options, js.location(call)) {
                out.push(alter(
                    table,
                    vec![AlterOp::AddConstraint {
                        constraint,
                        not_valid: false,
                    }],
                    location(),
                ));
            }
        }
        "removeConstraint" => {
            if let Some(name) = string_arg(1) {
                out.push(alter(
                    table,
                    vec![AlterOp::DropConstraint { name }],
                    location(),
                ));
            }
        }
        "dropTable" => out.push(DdlStatement::DropTables(vec![table])),
        "renameTable" => {
            if let Some(to) = arguments.get(1).and_then(|a| table_name(js, *a)) {
                out.push(alter(table, vec![AlterOp::RenameTable { to }], location()));
            }
        }
        _ => {}
    }
}

fn constraint(
    js: &Js<'_>,
    fields: Vec<String>,
    options: Node<'_>,
    location: Location,
) -> Option<ConstraintFact> {
    let kind = js.property_string(options, "type")?.to_ascii_lowercase();
    let name = js.property_string(options, "name");
    if fields.is_empty() && kind != "check" {
        return None;
    }
    Some(match kind.as_str() {
        "unique" => ConstraintFact::Unique {
            name,
            columns: fields,
        },
        "primary key" => ConstraintFact::PrimaryKey(fields),
        "foreign key" => {
            let references = js.property(options, "references")?;
            let table = js.property(references, "table")?;
            ConstraintFact::ForeignKey(ForeignKeyFact {
                name,
                columns: fields,
                referenced_table: table_name(js, table)?,
                referenced_columns: js.property_strings(references, "field"),
                location,
            })
        }
        "check" => ConstraintFact::Check { name },
        _ => ConstraintFact::Other { name },
    })
}

/// The columns of index `fields`: names, `{ name }`/`{ attribute }`
/// objects, and expressions (`sequelize.fn('lower', …)`) as `None`;
/// attribute names mapped to columns through `columns_of` when given.
fn index_fields(
    js: &Js<'_>,
    fields: Node<'_>,
    columns_of: Option<&HashMap<String, String>>,
) -> Vec<Option<String>> {
    let fields = value(fields);
    if fields.kind() != "array" {
        return Vec::new();
    }
    let mut cursor = fields.walk();
    let found = fields
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .map(|field| {
            let name = js.string(field).or_else(|| {
                js.property_string(field, "name")
                    .or_else(|| js.property_string(field, "attribute"))
            })?;
            Some(
                columns_of
                    .and_then(|m| m.get(&name).cloned())
                    .unwrap_or(name),
            )
        })
        .collect();
    found
}

fn index(
    js: &Js<'_>,
    table: &str,
    columns: Vec<Option<String>>,
    options: Option<Node<'_>>,
    location: Option<Location>,
) -> IndexFact {
    let option_bool = |key: &str| options.and_then(|o| js.property_bool(o, key)) == Some(true);
    let unique = option_bool("unique")
        || options
            .and_then(|o| js.property_string(o, "type"))
            .is_some_and(|t| t.eq_ignore_ascii_case("unique"));
    let name = options
        .and_then(|o| js.property_string(o, "name"))
        .unwrap_or_else(|| {
            let names: Vec<String> = columns.iter().flatten().cloned().collect();
            generated_index_name(table, &names)
        });
    IndexFact {
        name: Some(name),
        table: table.to_string(),
        columns,
        unique,
        partial: options.is_some_and(|o| js.property(o, "where").is_some()),
        concurrently: option_bool("concurrently"),
        location,
    }
}

/// A column read from an attribute definition.
struct Column {
    fact: ColumnFact,
    /// `unique: 'group'`: a composite unique constraint shared by the
    /// attributes naming the same group.
    composite_unique: Option<String>,
    /// `type: DataTypes.VIRTUAL`: no column at all.
    is_virtual: bool,
}

/// Reads `{ type, primaryKey, autoIncrement, allowNull, defaultValue,
/// unique, references }` (or a bare type); `table_of` turns a
/// `references.model` name into a table.
fn column(
    js: &Js<'_>,
    name: &str,
    definition: Node<'_>,
    at: Node<'_>,
    table_of: &dyn Fn(&str) -> String,
) -> Column {
    let definition = value(definition);
    let is_object = definition.kind() == "object";
    let flag = |key: &str| is_object && js.property_bool(definition, key) == Some(true);
    let type_text = if is_object {
        js.property(definition, "type").map(|t| js.text(t))
    } else {
        Some(js.text(definition))
    };
    let is_virtual = type_text.is_some_and(|t| t.contains("VIRTUAL"));
    let unique = is_object
        .then(|| js.property(definition, "unique"))
        .flatten();
    let composite_unique =
        unique.and_then(|u| js.string(u).or_else(|| js.property_string(u, "name")));
    let foreign_key = is_object
        .then(|| js.property(definition, "references"))
        .flatten()
        .and_then(|references| {
            let model = js.property(references, "model")?;
            let referenced_table = match model.kind() {
                "identifier" | "member_expression" => {
                    table_of(js.text(model).rsplit('.').next().unwrap_or(""))
                }
                _ => table_name(js, model)?,
            };
            Some(ForeignKeyFact {
                name: None,
                columns: vec![name.to_string()],
                referenced_table,
                referenced_columns: vec![js
                    .property_string(references, "key")
                    .unwrap_or_else(|| "id".into())],
                location: js.location(at),
            })
        });
    let primary_key = flag("primaryKey");
    Column {
        fact: ColumnFact {
            name: name.to_string(),
            primary_key,
            unique: unique.is_some_and(|u| Js::boolean(u) == Some(true)),
            foreign_key,
            not_null: primary_key
                || (is_object && js.property_bool(definition, "allowNull") == Some(false)),
            has_default: flag("autoIncrement")
                || (is_object && js.property(definition, "defaultValue").is_some()),
        },
        composite_unique,
        is_virtual,
    }
}

/// A model declaration found in the file.
struct Declared<'t> {
    /// The model name (`define`'s first argument, `modelName`, or the
    /// class name).
    model: String,
    /// Other names code uses for it: the variable or class.
    aliases: Vec<String>,
    attributes: Node<'t>,
    options: Option<Node<'t>>,
    at: Node<'t>,
}

/// What the walk learns around calls, read top-down (a parent walk costs
/// the depth of the tree per step in tree-sitter).
#[derive(Default)]
struct Context<'t> {
    /// Values of `const X = …` by node id, with the variable's name.
    assigned: HashMap<usize, String>,
    /// Classes seen so far: name, name node and byte range.
    classes: Vec<(String, Node<'t>, std::ops::Range<usize>)>,
}

impl<'t> Context<'t> {
    fn enclosing_class(&self, node: Node<'_>) -> Option<(String, Node<'t>)> {
        self.classes
            .iter()
            .filter(|(_, _, range)| {
                range.start <= node.start_byte() && node.end_byte() <= range.end
            })
            .min_by_key(|(_, _, range)| range.len())
            .map(|(name, at, _)| (name.clone(), *at))
    }
}

pub(super) fn models(js: &Js<'_>, root: Node<'_>) -> Option<SchemaFacts> {
    let mut declared = Vec::new();
    let mut context = Context::default();
    walk(root, |node| {
        match node.kind() {
            "variable_declarator" => {
                if let (Some(name), Some(value_node)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("value"),
                ) {
                    if name.kind() == "identifier" {
                        context
                            .assigned
                            .insert(value(value_node).id(), js.text(name).to_string());
                    }
                }
            }
            "class_declaration" | "class" => {
                if let Some(name) = node.child_by_field_name("name") {
                    context
                        .classes
                        .push((js.text(name).to_string(), name, node.byte_range()));
                }
            }
            "call_expression" => {
                if let Some(found) = declaration(js, node, &context) {
                    declared.push(found);
                }
            }
            _ => {}
        }
        true
    });
    if declared.is_empty() {
        return None;
    }
    let tables: Vec<String> = declared.iter().map(|d| table_of(js, d)).collect();
    let by_name: HashMap<String, String> = declared
        .iter()
        .zip(&tables)
        .flat_map(|(d, t)| {
            std::iter::once(&d.model)
                .chain(&d.aliases)
                .map(move |n| (n.clone(), t.clone()))
        })
        .collect();
    let referenced = |model: &str| {
        by_name
            .get(model)
            .cloned()
            .unwrap_or_else(|| sequelize_pluralize(model))
    };
    let mut facts = SchemaFacts::new(SchemaSource::SequelizeModel);
    for (declaration, table) in declared.iter().zip(tables) {
        model(js, declaration, table, &referenced, &mut facts);
    }
    Some(facts)
}

/// `sequelize.define('User', {…}, {…})`, `User.init({…}, { sequelize })`
/// or `super.init({…}, { sequelize })` in `class User`.
fn declaration<'t>(js: &Js<'_>, call: Node<'t>, context: &Context<'t>) -> Option<Declared<'t>> {
    let function = value(call.child_by_field_name("function")?);
    if function.kind() != "member_expression" {
        return None;
    }
    let method = js.text(function.child_by_field_name("property")?);
    let object = function.child_by_field_name("object")?;
    let arguments = args(call);
    match method {
        "define" => {
            let name = arguments.first()?;
            let model = js.string(*name)?;
            let attributes = *arguments.get(1).filter(|a| a.kind() == "object")?;
            let mut aliases = Vec::new();
            if let Some(variable) = context.assigned.get(&call.id()) {
                if *variable != model {
                    aliases.push(variable.clone());
                }
            }
            Some(Declared {
                model,
                aliases,
                attributes,
                options: arguments.get(2).copied(),
                at: *name,
            })
        }
        "init" => {
            let attributes = *arguments.first().filter(|a| a.kind() == "object")?;
            let options = *arguments.get(1).filter(|a| a.kind() == "object")?;
            js.property(options, "sequelize")?;
            let (class, at) = match object.kind() {
                "identifier" => (js.text(object).to_string(), object),
                "super" => context.enclosing_class(call)?,
                _ => return None,
            };
            let model = js
                .property_string(options, "modelName")
                .unwrap_or_else(|| class.clone());
            let aliases = if model == class {
                Vec::new()
            } else {
                vec![class]
            };
            Some(Declared {
                model,
                aliases,
                attributes,
                options: Some(options),
                at,
            })
        }
        _ => None,
    }
}

fn underscored(js: &Js<'_>, declared: &Declared<'_>) -> bool {
    declared
        .options
        .and_then(|o| js.property_bool(o, "underscored"))
        == Some(true)
}

fn table_of(js: &Js<'_>, declared: &Declared<'_>) -> String {
    let options = declared.options;
    if let Some(table) = options.and_then(|o| js.property_string(o, "tableName")) {
        return table;
    }
    if options.and_then(|o| js.property_bool(o, "freezeTableName")) == Some(true) {
        return declared.model.clone();
    }
    let plural = sequelize_pluralize(&declared.model);
    if underscored(js, declared) {
        sequelize_underscore(&plural)
    } else {
        plural
    }
}

fn model(
    js: &Js<'_>,
    declared: &Declared<'_>,
    table: String,
    referenced: &dyn Fn(&str) -> String,
    facts: &mut SchemaFacts,
) {
    let snake = underscored(js, declared);
    let column_name = |attribute: &str| {
        if snake {
            sequelize_underscore(attribute)
        } else {
            attribute.to_string()
        }
    };
    let mut columns: Vec<ColumnFact> = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut composite: Vec<(String, Vec<String>)> = Vec::new();
    for (attribute, key, definition) in js.properties(declared.attributes) {
        let definition = value(definition);
        let field = (definition.kind() == "object")
            .then(|| js.property_string(definition, "field"))
            .flatten()
            .unwrap_or_else(|| column_name(&attribute));
        let column = column(js, &field, definition, key, referenced);
        if column.is_virtual {
            continue;
        }
        if let Some(group) = column.composite_unique {
            match composite.iter_mut().find(|(g, _)| *g == group) {
                Some((_, members)) => members.push(field.clone()),
                None => composite.push((group, vec![field.clone()])),
            }
        }
        fields.push((attribute, field));
        columns.push(column.fact);
    }
    if !columns.iter().any(|c| c.primary_key) {
        columns.insert(
            0,
            ColumnFact {
                name: "id".into(),
                primary_key: true,
                unique: false,
                foreign_key: None,
                not_null: true,
                has_default: true,
            },
        );
        fields.insert(0, ("id".into(), "id".into()));
    }
    for (attribute, column) in timestamp_columns(js, declared.options, snake) {
        if !columns.iter().any(|c| c.name == column) {
            columns.push(ColumnFact {
                name: column.clone(),
                primary_key: false,
                unique: false,
                foreign_key: None,
                not_null: attribute != "deletedAt",
                has_default: false,
            });
            fields.push((attribute.to_string(), column));
        }
    }
    let constraints = composite
        .into_iter()
        .map(|(name, columns)| ConstraintFact::Unique {
            name: Some(name),
            columns,
        })
        .collect();
    let location = js.location(declared.at);
    facts.statements.push(DdlStatement::CreateTable {
        table: table.clone(),
        if_not_exists: false,
        columns,
        constraints,
        location: Some(location.clone()),
    });
    let by_attribute: HashMap<String, String> = fields.iter().cloned().collect();
    if let Some(indexes) = declared.options.and_then(|o| js.property(o, "indexes")) {
        let indexes = value(indexes);
        let mut cursor = indexes.walk();
        for definition in indexes.named_children(&mut cursor) {
            let Some(list) = js.property(definition, "fields") else {
                continue;
            };
            let columns = index_fields(js, list, Some(&by_attribute));
            if !columns.is_empty() {
                facts.statements.push(DdlStatement::CreateIndex(index(
                    js,
                    &table,
                    columns,
                    Some(definition),
                    Some(js.location(definition)),
                )));
            }
        }
    }
    for name in std::iter::once(&declared.model).chain(&declared.aliases) {
        facts.models.push(ModelFact {
            name: name.clone(),
            table: table.clone(),
            fields: fields.clone(),
            location: location.clone(),
        });
    }
}

/// The timestamp attributes and their columns: `createdAt`/`updatedAt`
/// unless `timestamps: false`, `deletedAt` with `paranoid`; each renamed
/// by a string option or left out by `false`.
fn timestamp_columns(
    js: &Js<'_>,
    options: Option<Node<'_>>,
    snake: bool,
) -> Vec<(&'static str, String)> {
    let option = |key: &str| options.and_then(|o| js.property(o, key));
    if option("timestamps").and_then(Js::boolean) == Some(false) {
        return Vec::new();
    }
    let paranoid = option("paranoid").and_then(Js::boolean) == Some(true);
    let mut found = Vec::new();
    for attribute in ["createdAt", "updatedAt", "deletedAt"] {
        if attribute == "deletedAt" && !paranoid {
            continue;
        }
        let setting = option(attribute);
        if setting.and_then(Js::boolean) == Some(false) {
            continue;
        }
        let column = setting.and_then(|s| js.string(s)).unwrap_or_else(|| {
            if snake {
                sequelize_underscore(attribute)
            } else {
                attribute.to_string()
            }
        });
        found.push((attribute, column));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::super::tests::facts;
    use super::*;
    use crate::facts::data::DownFact;
    use crate::facts::FileFacts;
    use crate::project::data::DataModel;
    use crate::project::schema::Coverage;

    fn table<'f>(facts: &'f SchemaFacts, name: &str) -> (&'f [ColumnFact], &'f [ConstraintFact]) {
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

    fn names(columns: &[ColumnFact]) -> Vec<&str> {
        columns.iter().map(|c| c.name.as_str()).collect()
    }

    const DEFINE: &str = r#"const { DataTypes } = require('sequelize');
const sequelize = require('../db');

const User = sequelize.define('User', {
  email: { type: DataTypes.STRING, allowNull: false, unique: true },
  displayName: DataTypes.STRING,
  fullName: {
    type: DataTypes.VIRTUAL,
    get() { return `${this.firstName} ${this.lastName}`; },
  },
});

const Order = sequelize.define('order', {
  id: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, primaryKey: true },
  userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: User, key: 'id' } },
  status: { type: DataTypes.STRING(32), allowNull: false, defaultValue: 'pending' },
  placedAt: { type: DataTypes.DATE, field: 'placed_on' },
  tenantId: { type: DataTypes.INTEGER, unique: 'tenant_reference' },
  reference: { type: DataTypes.STRING, unique: 'tenant_reference' },
}, {
  tableName: 'orders',
  underscored: true,
  paranoid: true,
  indexes: [
    { fields: ['status', 'createdAt'] },
    { unique: true, fields: ['reference'], name: 'orders_reference_uq' },
  ],
});

module.exports = { User, Order };
"#;

    #[test]
    fn defined_models_follow_sequelize_naming() {
        let found = facts("src/models/index.js", DEFINE).expect("facts");
        assert_eq!(found.source, SchemaSource::SequelizeModel);
        let (users, _) = table(&found, "Users");
        assert_eq!(
            names(users),
            ["id", "email", "displayName", "createdAt", "updatedAt"]
        );
        assert!(users[0].primary_key && users[1].unique && users[1].not_null);
        let (orders, constraints) = table(&found, "orders");
        assert_eq!(
            names(orders),
            [
                "id",
                "user_id",
                "status",
                "placed_on",
                "tenant_id",
                "reference",
                "created_at",
                "updated_at",
                "deleted_at"
            ]
        );
        let fk = orders[1].foreign_key.as_ref().expect("fk");
        assert_eq!(
            (fk.referenced_table.as_str(), fk.location.start.line),
            ("Users", 15)
        );
        assert_eq!(
            constraints,
            [ConstraintFact::Unique {
                name: Some("tenant_reference".into()),
                columns: vec!["tenant_id".into(), "reference".into()]
            }]
        );
        let indexes: Vec<(&str, &[Option<String>])> = found
            .statements
            .iter()
            .filter_map(|s| match s {
                DdlStatement::CreateIndex(i) => Some((i.name.as_deref()?, i.columns.as_slice())),
                _ => None,
            })
            .collect();
        assert_eq!(indexes[0].0, "orders_status_created_at");
        assert_eq!(
            indexes[0].1,
            [Some("status".to_string()), Some("created_at".to_string())]
        );
        assert_eq!(indexes[1].0, "orders_reference_uq");
        let order = found
            .models
            .iter()
            .find(|m| m.name == "order")
            .expect("model");
        assert!(order
            .fields
            .contains(&("placedAt".into(), "placed_on".into())));
        assert!(found
            .models
            .iter()
            .any(|m| m.name == "Order" && m.table == "orders"));
    }

    #[test]
    fn class_models_with_init() {
        let text = r#"'use strict';
const { Model } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
  class Category extends Model {
    static associate(models) {
      Category.hasMany(models.Product);
    }
  }
  Category.init({
    slug: { type: DataTypes.STRING, unique: true },
    parentId: DataTypes.INTEGER,
  }, {
    sequelize,
    modelName: 'Category',
    timestamps: false,
  });
  return Category;
};

class AuditEntry extends Model {
  static setup(sequelize) {
    return super.init({ action: DataTypes.STRING }, { sequelize, freezeTableName: true });
  }
}
"#;
        let found = facts("models/category.js", text).expect("facts");
        let (categories, _) = table(&found, "Categories");
        assert_eq!(names(categories), ["id", "slug", "parentId"]);
        let (audit, _) = table(&found, "AuditEntry");
        assert_eq!(names(audit), ["id", "action", "createdAt", "updatedAt"]);
    }

    const MIGRATION: &str = r#"'use strict';

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.createTable('Orders', {
      id: { allowNull: false, autoIncrement: true, primaryKey: true, type: Sequelize.INTEGER },
      userId: {
        type: Sequelize.INTEGER,
        allowNull: false,
        references: { model: 'Users', key: 'id' },
        onDelete: 'CASCADE',
      },
      status: { type: Sequelize.STRING, allowNull: false },
      createdAt: { allowNull: false, type: Sequelize.DATE },
      updatedAt: { allowNull: false, type: Sequelize.DATE },
    });
    await queryInterface.addIndex('Orders', ['status', 'createdAt']);
    await queryInterface.addIndex('Orders', {
      fields: ['userId'],
      name: 'orders_user_idx',
      concurrently: true,
    });
    await queryInterface.addColumn('Orders', 'note', { type: Sequelize.TEXT, allowNull: false });
    await queryInterface.addConstraint('Orders', {
      fields: ['couponId'],
      type: 'foreign key',
      name: 'orders_coupon_fk',
      references: { table: 'Coupons', field: 'id' },
    });
    await queryInterface.removeIndex('Orders', ['status', 'createdAt']);
    await queryInterface.sequelize.query('CREATE INDEX orders_note_idx ON "Orders" (note)');
  },

  async down(queryInterface, Sequelize) {
    await queryInterface.dropTable('Orders');
  },
};
"#;

    #[test]
    fn query_interface_migrations() {
        let found = facts("migrations/20240101000000-create-order.js", MIGRATION).expect("facts");
        assert_eq!(found.source, SchemaSource::SequelizeMigration);
        assert_eq!(found.down, Some(DownFact::Present));
        let (columns, _) = table(&found, "Orders");
        assert_eq!(
            names(columns),
            ["id", "userId", "status", "createdAt", "updatedAt"]
        );
        let fk = columns[1].foreign_key.as_ref().expect("fk");
        assert_eq!(
            (fk.referenced_table.as_str(), fk.location.start.line),
            ("Users", 8)
        );
        let DdlStatement::CreateIndex(first) = &found.statements[1] else {
            panic!("{:?}", found.statements[1]);
        };
        assert_eq!(first.name.as_deref(), Some("orders_status_created_at"));
        let DdlStatement::CreateIndex(second) = &found.statements[2] else {
            panic!("index");
        };
        assert!(second.concurrently);
        assert_eq!(second.name.as_deref(), Some("orders_user_idx"));
        assert!(
            matches!(&found.statements[3], DdlStatement::AlterTable { ops, .. } if matches!(&ops[0], AlterOp::AddColumn(c) if c.not_null && !c.has_default))
        );
        assert!(
            matches!(&found.statements[4], DdlStatement::AlterTable { ops, .. }
            if matches!(&ops[0], AlterOp::AddConstraint { constraint: ConstraintFact::ForeignKey(fk), .. } if fk.referenced_table == "Coupons"))
        );
        assert!(
            matches!(&found.statements[5], DdlStatement::AlterTable { ops, .. }
            if ops == &[AlterOp::DropIndex { name: "orders_status_created_at".into() }])
        );
        assert!(
            matches!(&found.statements[6], DdlStatement::CreateIndex(i) if i.table == "Orders" && !i.concurrently)
        );
    }

    #[test]
    fn empty_down_in_the_cli_template() {
        let text = "'use strict';\n\n/** @type {import('sequelize-cli').Migration} */\nmodule.exports = {\n  async up (queryInterface, Sequelize) {\n    await queryInterface.removeColumn('Users', 'legacyId');\n  },\n\n  async down (queryInterface, Sequelize) {\n    /**\n     * Add reverting commands here.\n     *\n     * Example:\n     * await queryInterface.dropTable('users');\n     */\n  }\n};\n";
        let found = facts("migrations/20240102-drop-legacy.js", text).expect("facts");
        let Some(DownFact::Missing { location, .. }) = &found.down else {
            panic!("{:?}", found.down);
        };
        assert_eq!(location.start.line, 9);
    }

    #[test]
    fn code_that_is_not_a_model() {
        let text = "const i18n = require('i18n');\ni18n.define('greeting', 'hello');\nconst Sequelize = require('sequelize');\nconst db = new Sequelize(process.env.DATABASE_URL);\nfoo.init({ a: 1 }, { b: 2 });\n";
        assert!(facts("src/db.js", text).is_none());
    }

    #[test]
    fn replayed_into_the_data_model() {
        let files = vec![
            FileFacts {
                path: "migrations/20240101000000-create-order.js".into(),
                schema: facts("migrations/20240101000000-create-order.js", MIGRATION),
                ..FileFacts::default()
            },
            FileFacts {
                path: "src/models/index.js".into(),
                schema: facts("src/models/index.js", DEFINE),
                ..FileFacts::default()
            },
        ];
        let data = DataModel::build(&files);
        let migrated = &data.schema.tables["Orders"];
        assert_eq!(
            migrated.covering(&["userId".into()]),
            Some(Coverage::Index("orders_user_idx".into()))
        );
        assert_eq!(migrated.covering(&["status".into()]), None, "index removed");
        let modelled = &data.schema.tables["orders"];
        assert_eq!(
            modelled.covering(&["status".into()]),
            Some(Coverage::Index("orders_status_created_at".into()))
        );
        assert_eq!(modelled.covering(&["user_id".into()]), None);
        assert_eq!(
            data.model("Order").map(|m| m.table.as_str()),
            Some("orders")
        );
    }
}
