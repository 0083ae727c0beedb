//! Django migrations: the `operations` of a `Migration` class as DDL, and
//! whether every operation can be reversed.
//!
//! Schema operations are replayed with the models they create tracked
//! through the file, so a later `AddField` or `RenameField` knows a
//! model's table and which fields are relations (stored in `_id`
//! columns). Models created by earlier migration files are named by
//! Django's default rules. Only the database side of
//! `SeparateDatabaseAndState` is read. `AlterField` restates a whole field
//! (a changed help text restates `db_index=True` too), so it adds no index
//! or constraint: the models module declares the field's current state.
//! Django reverses schema operations itself; `RunPython` without
//! `reverse_code` and `RunSQL` without `reverse_sql` it cannot.

use std::collections::HashMap;

use redflag_syntax::tree_sitter::Node;

use super::django::{
    column_fact, column_of, default_table, model_statements, pk_column, read_constraint,
    read_field, read_index, relation_table, Constraint, Field, FieldKind, KnownModel, Naming,
    Options, Related,
};
use super::{
    argument, callee_last, class_attributes, class_bases, definitions, dict_pairs, elements,
    index_on, keyword, location_of, positional, string_value,
};
use crate::facts::data::{DownFact, SchemaFacts, SchemaSource};
use crate::facts::sql::{AlterOp, ConstraintFact, DdlStatement};
use crate::source::{Location, SourceFile};

/// The app of a migration module (`shop` for `shop/migrations/0001_initial.py`);
/// `None` when the file is not one.
pub(super) fn app_of(path: &str, text: &str) -> Option<Option<String>> {
    if !text.contains("Migration") || !text.contains("migrations") {
        return None;
    }
    let parts: Vec<&str> = path.split('/').collect();
    let (name, dirs) = parts.split_last()?;
    if !name.ends_with(".py") || *name == "__init__.py" {
        return None;
    }
    let at = dirs.iter().rposition(|d| *d == "migrations")?;
    Some(at.checked_sub(1).map(|i| dirs[i].to_string()))
}

/// One operation call with what most operations name first.
struct Operation<'t> {
    call: Node<'t>,
    location: Location,
    /// `model_name=` (or the model's `name=` for model operations).
    model: Option<String>,
}

/// What the file has said so far about one model.
struct ModelState {
    table: String,
    fields: Vec<Field>,
}

struct Replay<'f> {
    naming: Naming<'f>,
    models: HashMap<String, ModelState>,
    statements: Vec<DdlStatement>,
    down: DownFact,
}

pub(super) fn collect(file: &SourceFile, app: Option<&str>) -> Option<SchemaFacts> {
    let tree = file.tree()?;
    let migration = definitions(tree.root_node(), "class_definition")
        .into_iter()
        .find(|class| {
            class_bases(file, *class)
                .iter()
                .any(|b| b.ends_with("Migration"))
        })?;
    let operations = class_attributes(file, migration)
        .into_iter()
        .find(|a| a.name == "operations")
        .and_then(|a| a.value)?;
    let mut replay = Replay {
        naming: Naming {
            file,
            app: app.map(str::to_string),
            models: HashMap::new(),
        },
        models: HashMap::new(),
        statements: Vec::new(),
        down: DownFact::Present,
    };
    let mut pending: Vec<Node<'_>> = elements(operations);
    pending.reverse();
    while let Some(operation) = pending.pop() {
        if callee_last(file, operation) == Some("SeparateDatabaseAndState") {
            if let Some(database) = keyword(file, operation, "database_operations") {
                pending.extend(elements(database).into_iter().rev());
            }
            continue;
        }
        replay.operation(operation);
    }
    let mut facts = SchemaFacts::new(SchemaSource::DjangoMigration);
    facts.statements = replay.statements;
    facts.down = Some(replay.down);
    Some(facts)
}

impl Replay<'_> {
    fn file(&self) -> &SourceFile {
        self.naming.file
    }

    fn text(&self, call: Node<'_>, index: usize, name: &str) -> Option<String> {
        argument(self.file(), call, index, name).and_then(|n| string_value(self.file(), n))
    }

    /// The model an operation names, as the relation target of its fields.
    fn model(&self, name: &str) -> Related {
        let lower = name.to_ascii_lowercase();
        match self.naming.models.get(&lower) {
            Some(known) => Related {
                table: known.table.clone(),
                pk: known.pk.clone(),
                model: lower,
            },
            None => Related {
                table: default_table(self.naming.app.as_deref(), &lower),
                pk: "id".to_string(),
                model: lower,
            },
        }
    }

    fn fields(&self, model: &str) -> &[Field] {
        self.models
            .get(&model.to_ascii_lowercase())
            .map_or(&[], |m| m.fields.as_slice())
    }

    fn alter(&mut self, table: String, ops: Vec<AlterOp>, location: &Location) {
        self.statements.push(DdlStatement::AlterTable {
            table,
            ops,
            location: Some(location.clone()),
        });
    }

    fn irreversible(&mut self, location: Location, what: &str) {
        if self.down == DownFact::Present {
            self.down = DownFact::Missing {
                location,
                what: what.to_string(),
            };
        }
    }

    fn operation(&mut self, call: Node<'_>) {
        let file = self.naming.file;
        let Some(name) = callee_last(file, call) else {
            return;
        };
        let location = location_of(file, call);
        let op = Operation {
            call,
            location,
            model: self
                .text(call, 0, "model_name")
                .or_else(|| self.text(call, 0, "name")),
        };
        match name {
            "CreateModel" => self.create_model(call, &op.location),
            "AddField" => self.add_field(call, &op.location),
            "RemoveField" => self.remove_field(&op),
            "RenameField" => self.rename_field(&op),
            "AddIndex" => self.add_index(&op, false),
            "AddIndexConcurrently" => self.add_index(&op, true),
            "RemoveIndex" | "RemoveIndexConcurrently" => {
                if let Some(index) = self.text(call, 1, "name") {
                    self.statements.push(DdlStatement::DropIndexes(vec![index]));
                }
            }
            "AddConstraint" => self.add_constraint(&op, false),
            "AddConstraintNotValid" => self.add_constraint(&op, true),
            "RemoveConstraint" => {
                if let (Some(model), Some(constraint)) = (&op.model, self.text(call, 1, "name")) {
                    let table = self.model(model).table;
                    let drop = AlterOp::DropConstraint { name: constraint };
                    self.alter(table, vec![drop], &op.location);
                }
            }
            "AlterUniqueTogether" => self.together(&op, "unique_together"),
            "AlterIndexTogether" => self.together(&op, "index_together"),
            "DeleteModel" => {
                if let Some(model) = &op.model {
                    let table = self.model(model).table;
                    self.statements.push(DdlStatement::DropTables(vec![table]));
                    let lower = model.to_ascii_lowercase();
                    self.models.remove(&lower);
                    self.naming.models.remove(&lower);
                }
            }
            "RenameModel" => self.rename_model(&op),
            "AlterModelTable" => self.alter_model_table(&op),
            "RunPython" => self.reversible(&op, "reverse_code", "RunPython without reverse_code"),
            "RunSQL" => self.reversible(&op, "reverse_sql", "RunSQL without reverse_sql"),
            _ => {}
        }
    }

    /// `RemoveField`: the column, or the relation table of a many-to-many.
    fn remove_field(&mut self, op: &Operation<'_>) {
        let (Some(model), Some(field)) = (&op.model, self.text(op.call, 1, "name")) else {
            return;
        };
        let own = self.model(model);
        let known = self
            .fields(model)
            .iter()
            .find(|f| f.attribute == field)
            .cloned();
        match known {
            Some(Field {
                kind:
                    FieldKind::ManyToMany {
                        through: false,
                        db_table,
                        ..
                    },
                attribute,
                ..
            }) => {
                let table = db_table.unwrap_or_else(|| format!("{}_{attribute}", own.table));
                self.statements.push(DdlStatement::DropTables(vec![table]));
            }
            Some(known) => {
                let drop = AlterOp::DropColumns(vec![known.column]);
                self.alter(own.table, vec![drop], &op.location);
            }
            // A relation added by an earlier file is stored in `_id`.
            None => {
                let drop = AlterOp::DropColumns(vec![field.clone(), format!("{field}_id")]);
                self.alter(own.table, vec![drop], &op.location);
            }
        }
        if let Some(state) = self.models.get_mut(&model.to_ascii_lowercase()) {
            state.fields.retain(|f| f.attribute != field);
        }
    }

    /// `RenameField`: the column, `_id` included for relations; both
    /// spellings when the field comes from an earlier file.
    fn rename_field(&mut self, op: &Operation<'_>) {
        let (Some(model), Some(from), Some(to)) = (
            &op.model,
            self.text(op.call, 1, "old_name"),
            self.text(op.call, 2, "new_name"),
        ) else {
            return;
        };
        let own = self.model(model);
        let known = self
            .fields(model)
            .iter()
            .find(|f| f.attribute == from)
            .map(|f| f.column.clone());
        let rename = |from: String, to: String| AlterOp::RenameColumn { from, to };
        let relation = format!("{from}_id");
        let ops = match known {
            Some(column) if column == from => vec![rename(from.clone(), to.clone())],
            Some(column) if column == relation => vec![rename(column, format!("{to}_id"))],
            // `db_column` keeps the column's name.
            Some(_) => Vec::new(),
            None => vec![
                rename(from.clone(), to.clone()),
                rename(relation.clone(), format!("{to}_id")),
            ],
        };
        if !ops.is_empty() {
            self.alter(own.table, ops, &op.location);
        }
        if let Some(state) = self.models.get_mut(&model.to_ascii_lowercase()) {
            for field in state.fields.iter_mut().filter(|f| f.attribute == from) {
                if field.column == from {
                    field.column.clone_from(&to);
                } else if field.column == relation {
                    field.column = format!("{to}_id");
                }
                field.attribute.clone_from(&to);
            }
        }
    }

    /// `AddIndex(model_name=…, index=models.Index(…))`.
    fn add_index(&mut self, op: &Operation<'_>, concurrently: bool) {
        let file = self.file();
        let Some(model) = &op.model else { return };
        let own = self.model(model);
        let index = argument(file, op.call, 1, "index")
            .and_then(|i| read_index(file, i, &own.table, self.fields(model)));
        if let Some(mut index) = index {
            index.concurrently = concurrently;
            index.location = Some(op.location.clone());
            self.statements.push(DdlStatement::CreateIndex(index));
        }
    }

    /// `AddConstraint`: a table constraint, or a unique index when it has
    /// a condition or expressions.
    fn add_constraint(&mut self, op: &Operation<'_>, not_valid: bool) {
        let file = self.file();
        let Some(model) = &op.model else { return };
        let own = self.model(model);
        let constraint = argument(file, op.call, 1, "constraint")
            .and_then(|c| read_constraint(file, c, &own.table, self.fields(model)));
        match constraint {
            Some(Constraint::Table(constraint)) => {
                let add = AlterOp::AddConstraint {
                    constraint,
                    not_valid,
                };
                self.alter(own.table, vec![add], &op.location);
            }
            Some(Constraint::Index(mut index)) => {
                index.location = Some(op.location.clone());
                self.statements.push(DdlStatement::CreateIndex(index));
            }
            None => {}
        }
    }

    /// `AlterUniqueTogether` / `AlterIndexTogether`: the groups they add
    /// (the groups they drop are not known here).
    fn together(&mut self, op: &Operation<'_>, key: &str) {
        let file = self.file();
        let Some(model) = &op.model else { return };
        let own = self.model(model);
        let Some(value) = argument(file, op.call, 1, key) else {
            return;
        };
        let options = Options::read(file, &[(key.to_string(), value)]);
        let fields = self.fields(model).to_vec();
        for group in &options.unique_together {
            let columns = group.iter().map(|f| column_of(&fields, f)).collect();
            let add = AlterOp::AddConstraint {
                constraint: ConstraintFact::Unique {
                    name: None,
                    columns,
                },
                not_valid: false,
            };
            self.alter(own.table.clone(), vec![add], &op.location);
        }
        for group in &options.index_together {
            let columns = group.iter().map(|f| Some(column_of(&fields, f))).collect();
            let index = index_on(&own.table, None, columns, Some(op.location.clone()));
            self.statements.push(DdlStatement::CreateIndex(index));
        }
    }

    /// `RenameModel`: the table follows unless `db_table` named it.
    fn rename_model(&mut self, op: &Operation<'_>) {
        let (Some(from), Some(to)) = (
            self.text(op.call, 0, "old_name"),
            self.text(op.call, 1, "new_name"),
        ) else {
            return;
        };
        let app = self.naming.app.clone();
        let old = self.model(&from);
        let renamed = old.table == default_table(app.as_deref(), &from);
        let table = if renamed {
            default_table(app.as_deref(), &to)
        } else {
            old.table.clone()
        };
        if renamed {
            let rename = AlterOp::RenameTable { to: table.clone() };
            self.alter(old.table.clone(), vec![rename], &op.location);
        }
        let (from, to) = (from.to_ascii_lowercase(), to.to_ascii_lowercase());
        let fields = self
            .models
            .remove(&from)
            .map(|m| m.fields)
            .unwrap_or_default();
        self.models.insert(
            to.clone(),
            ModelState {
                table: table.clone(),
                fields,
            },
        );
        self.naming.models.remove(&from);
        self.naming
            .models
            .insert(to, KnownModel { table, pk: old.pk });
    }

    /// `AlterModelTable(name=…, table=…)`: a renamed table.
    fn alter_model_table(&mut self, op: &Operation<'_>) {
        let Some(model) = self.text(op.call, 0, "name") else {
            return;
        };
        let old = self.model(&model);
        let table = self
            .text(op.call, 1, "table")
            .unwrap_or_else(|| default_table(self.naming.app.as_deref(), &model));
        if table != old.table {
            let rename = AlterOp::RenameTable { to: table.clone() };
            self.alter(old.table.clone(), vec![rename], &op.location);
        }
        let lower = model.to_ascii_lowercase();
        if let Some(state) = self.models.get_mut(&lower) {
            state.table.clone_from(&table);
        }
        self.naming
            .models
            .insert(lower, KnownModel { table, pk: old.pk });
    }

    /// `RunPython`/`RunSQL`: irreversible without their reverse (second
    /// argument or keyword), or with `None` as it.
    fn reversible(&mut self, op: &Operation<'_>, reverse: &str, what: &str) {
        let file = self.file();
        let given = keyword(file, op.call, reverse).or_else(|| positional(op.call, 1));
        if given.is_none_or(|r| r.kind() == "none") {
            self.irreversible(op.location.clone(), what);
        }
    }

    /// `CreateModel(name=…, fields=[(name, field), …], options={…})`.
    fn create_model(&mut self, call: Node<'_>, location: &Location) {
        let file = self.naming.file;
        let Some(name) = self.text(call, 0, "name") else {
            return;
        };
        let pairs = keyword(file, call, "options")
            .map(|o| dict_pairs(file, o))
            .unwrap_or_default();
        let options = Options::read(file, &pairs);
        // Proxy and unmanaged models have no table of their own.
        if options.proxy || options.unmanaged {
            return;
        }
        let lower = name.to_ascii_lowercase();
        let table = options
            .db_table
            .clone()
            .unwrap_or_else(|| default_table(self.naming.app.as_deref(), &lower));
        self.naming.models.insert(
            lower.clone(),
            KnownModel {
                table: table.clone(),
                pk: "id".into(),
            },
        );
        let own = self.model(&lower);
        let mut fields: Vec<Field> = argument(file, call, 1, "fields")
            .map(elements)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|pair| {
                let parts = elements(pair);
                let attribute = string_value(file, *parts.first()?)?;
                let field = *parts.get(1)?;
                read_field(
                    &self.naming,
                    &own,
                    &attribute,
                    field,
                    location_of(file, pair),
                )
            })
            .collect();
        if !fields.iter().any(|f| f.primary_key) {
            fields.insert(0, Field::implicit_id(location.clone()));
        }
        if let Some(known) = self.naming.models.get_mut(&lower) {
            known.pk = pk_column(&fields);
        }
        model_statements(
            &own,
            &fields,
            &options,
            file,
            location,
            &mut self.statements,
        );
        self.models.insert(lower, ModelState { table, fields });
    }

    /// `AddField(model_name=…, name=…, field=…)`.
    fn add_field(&mut self, call: Node<'_>, location: &Location) {
        let file = self.naming.file;
        let (Some(model), Some(attribute)) =
            (self.text(call, 0, "model_name"), self.text(call, 1, "name"))
        else {
            return;
        };
        let own = self.model(&model);
        let Some(field) = argument(file, call, 2, "field")
            .and_then(|f| read_field(&self.naming, &own, &attribute, f, location.clone()))
        else {
            return;
        };
        if let FieldKind::ManyToMany { .. } = field.kind {
            relation_table(&own, &field, &mut self.statements);
        } else {
            self.alter(
                own.table.clone(),
                vec![AlterOp::AddColumn(column_fact(&field))],
                location,
            );
            if field.indexed && !field.unique && !field.primary_key {
                self.statements.push(DdlStatement::CreateIndex(index_on(
                    &own.table,
                    None,
                    vec![Some(field.column.clone())],
                    Some(location.clone()),
                )));
            }
        }
        let state = self
            .models
            .entry(model.to_ascii_lowercase())
            .or_insert_with(|| ModelState {
                table: own.table.clone(),
                fields: Vec::new(),
            });
        state.fields.retain(|f| f.attribute != attribute);
        state.fields.push(field);
    }
}

#[cfg(test)]
mod tests;
