//! Django models: the tables a `models.py` (or `models/` package) declares.
//!
//! A class is a model when it derives from `models.Model`, from another
//! model of the file, or declares fields of `django.db.models` (its base
//! then comes from another module). Abstract models give their fields and
//! `Meta` to the models deriving from them and have no table; proxy
//! models share their parent's table; a model deriving from a concrete one
//! gets the `<parent>_ptr_id` key Django links them with.

use std::collections::{HashMap, HashSet};

use redflag_syntax::tree_sitter::Node;

use super::django::{
    default_table, is_model_field_call, model_fact, model_statements, read_field, Field, FieldKind,
    KnownModel, Naming, Options, Related,
};
use super::{
    callee_last, class_attributes, class_bases, class_name, definitions, flag, header_location,
    inner_class, keyword, last_wins, string_value,
};
use crate::facts::data::{SchemaFacts, SchemaSource};
use crate::source::SourceFile;

/// The app label of a Django models module (`shop` for `shop/models.py`
/// and `shop/models/order.py`); `None` outside one, `Some(None)` when no
/// directory names the app.
pub(super) fn app_of(path: &str, text: &str) -> Option<Option<String>> {
    if !text.contains("django.db") && !text.contains("django.contrib.gis.db") {
        return None;
    }
    let parts: Vec<&str> = path.split('/').collect();
    let (name, dirs) = parts.split_last()?;
    if !name.ends_with(".py") {
        return None;
    }
    if *name == "models.py" {
        return Some(dirs.last().map(|d| (*d).to_string()));
    }
    let at = dirs.iter().rposition(|d| *d == "models")?;
    Some(at.checked_sub(1).map(|i| dirs[i].to_string()))
}

/// One class of the module and what it is to Django.
struct Class<'t> {
    node: Node<'t>,
    name: String,
    /// Bases that are classes of this file.
    local_bases: Vec<String>,
    options: Options<'t>,
    has_meta: bool,
    is_model: bool,
}

pub(super) fn collect(file: &SourceFile, app: Option<&str>) -> Option<SchemaFacts> {
    let tree = file.tree()?;
    let mut classes = read_classes(file, tree.root_node());
    mark_models(&mut classes);
    let by_name: HashMap<&str, usize> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();

    // First pass: the table and key of every concrete model, so relations
    // between models of the file resolve whatever their order.
    let mut known = HashMap::new();
    for class in classes
        .iter()
        .filter(|c| c.is_model && !c.options.is_abstract)
    {
        let label = class.options.app_label.as_deref().or(app);
        let table = class
            .options
            .db_table
            .clone()
            .unwrap_or_else(|| default_table(label, &class.name));
        let pk = declared_pk(file, &classes, &by_name, class).unwrap_or_else(|| "id".into());
        known.insert(class.name.to_ascii_lowercase(), KnownModel { table, pk });
    }
    let naming = Naming {
        file,
        app: app.map(str::to_string),
        models: known,
    };

    let mut facts = SchemaFacts::new(SchemaSource::DjangoModel);
    let mut emitted: HashMap<String, (String, Vec<Field>)> = HashMap::new();
    for class in classes
        .iter()
        .filter(|c| c.is_model && !c.options.is_abstract)
    {
        let location = header_location(file, class.node);
        let Some(own) = naming
            .models
            .get(&class.name.to_ascii_lowercase())
            .map(|k| Related {
                table: k.table.clone(),
                pk: k.pk.clone(),
                model: class.name.to_ascii_lowercase(),
            })
        else {
            continue;
        };
        if class.options.proxy {
            let parent = class
                .local_bases
                .iter()
                .find_map(|base| emitted.get(base.as_str()).cloned());
            if let Some((table, fields)) = parent {
                facts
                    .models
                    .push(model_fact(&class.name, &table, &fields, location));
                emitted.insert(class.name.clone(), (table, fields));
            }
            continue;
        }
        let mut fields = Vec::new();
        for ancestor in abstract_ancestors(&classes, &by_name, class) {
            for field in own_fields(&naming, &own, &classes[ancestor]) {
                add(&mut fields, field);
            }
        }
        // Multi-table inheritance links the child to each concrete parent.
        for base in &class.local_bases {
            let Some(parent) = by_name.get(base.as_str()).map(|i| &classes[*i]) else {
                continue;
            };
            if parent.is_model && !parent.options.is_abstract && !parent.options.proxy {
                if let Some(known) = naming.models.get(&parent.name.to_ascii_lowercase()) {
                    let attribute = format!("{}_ptr", parent.name.to_ascii_lowercase());
                    add(
                        &mut fields,
                        Field {
                            column: format!("{attribute}_id"),
                            attribute,
                            kind: FieldKind::ForeignKey(Related {
                                table: known.table.clone(),
                                pk: known.pk.clone(),
                                model: parent.name.to_ascii_lowercase(),
                            }),
                            primary_key: true,
                            unique: true,
                            indexed: false,
                            not_null: true,
                            has_default: false,
                            location: location.clone(),
                        },
                    );
                }
            }
        }
        for field in own_fields(&naming, &own, class) {
            add(&mut fields, field);
        }
        let mut fields = last_wins(fields, |f| &f.attribute);
        if !fields.iter().any(|f| f.primary_key) {
            fields.insert(0, Field::implicit_id(location.clone()));
        }
        // `Meta` is inherited from an abstract parent unless redeclared.
        let options = if class.has_meta {
            &class.options
        } else {
            abstract_ancestors(&classes, &by_name, class)
                .into_iter()
                .rev()
                .map(|i| &classes[i])
                .find(|c| c.has_meta)
                .map_or(&class.options, |c| &c.options)
        };
        if !class.options.unmanaged {
            model_statements(
                &own,
                &fields,
                options,
                file,
                &location,
                &mut facts.statements,
            );
        }
        facts
            .models
            .push(model_fact(&class.name, &own.table, &fields, location));
        emitted.insert(class.name.clone(), (own.table.clone(), fields));
    }
    Some(facts)
}

fn read_classes<'t>(file: &SourceFile, root: Node<'t>) -> Vec<Class<'t>> {
    let nodes = definitions(root, "class_definition");
    let names: HashSet<String> = nodes.iter().filter_map(|c| class_name(file, *c)).collect();
    nodes
        .into_iter()
        .filter_map(|node| {
            let name = class_name(file, node)?;
            let meta = inner_class(file, node, "Meta");
            let pairs: Vec<(String, Node<'_>)> = meta
                .map(|m| class_attributes(file, m))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|a| Some((a.name, a.value?)))
                .collect();
            let bases = class_bases(file, node);
            let derives_model = bases.iter().any(|b| {
                b == "models.Model"
                    || b == "Model"
                    || file.imports().resolve(b) == "django.db.models.Model"
            });
            let declares_fields = class_attributes(file, node)
                .iter()
                .filter_map(|a| a.value)
                .any(|v| v.kind() == "call" && is_model_field_call(file, v));
            Some(Class {
                node,
                local_bases: bases
                    .iter()
                    .filter(|b| names.contains(b.as_str()) && **b != name)
                    .cloned()
                    .collect(),
                options: Options::read(file, &pairs),
                has_meta: meta.is_some(),
                is_model: derives_model || declares_fields,
                name,
            })
        })
        .collect()
}

/// A class deriving from a model of the file is a model too.
fn mark_models(classes: &mut [Class<'_>]) {
    loop {
        let models: HashSet<String> = classes
            .iter()
            .filter(|c| c.is_model)
            .map(|c| c.name.clone())
            .collect();
        let mut changed = false;
        for class in classes.iter_mut().filter(|c| !c.is_model) {
            if class.local_bases.iter().any(|b| models.contains(b)) {
                class.is_model = true;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// The abstract models of the file a class inherits from, farthest first.
fn abstract_ancestors(
    classes: &[Class<'_>],
    by_name: &HashMap<&str, usize>,
    class: &Class<'_>,
) -> Vec<usize> {
    let mut found: Vec<usize> = Vec::new();
    let mut stack: Vec<&str> = class.local_bases.iter().rev().map(String::as_str).collect();
    while let Some(name) = stack.pop() {
        let Some(&index) = by_name.get(name) else {
            continue;
        };
        let base = &classes[index];
        if found.contains(&index) || !base.options.is_abstract {
            continue;
        }
        found.push(index);
        stack.extend(base.local_bases.iter().rev().map(String::as_str));
    }
    found.reverse();
    found
}

/// The fields a class body declares.
fn own_fields(naming: &Naming<'_>, own: &Related, class: &Class<'_>) -> Vec<Field> {
    class_attributes(naming.file, class.node)
        .into_iter()
        .filter_map(|attribute| {
            let value = attribute.value.filter(|v| v.kind() == "call")?;
            let location = naming.file.location(attribute.node.byte_range());
            read_field(naming, own, &attribute.name, value, location)
        })
        .collect()
}

/// Adds a field; a later declaration replaces an inherited one (see
/// [`super::last_wins`]).
fn add(fields: &mut Vec<Field>, field: Field) {
    fields.push(field);
}

/// The column of the field a model (or an abstract parent) marks
/// `primary_key=True`, read before relations can be resolved.
fn declared_pk(
    file: &SourceFile,
    classes: &[Class<'_>],
    by_name: &HashMap<&str, usize>,
    class: &Class<'_>,
) -> Option<String> {
    let mut candidates: Vec<&Class<'_>> = abstract_ancestors(classes, by_name, class)
        .into_iter()
        .map(|i| &classes[i])
        .collect();
    candidates.push(class);
    let mut found = None;
    for candidate in candidates {
        for attribute in class_attributes(file, candidate.node) {
            let Some(call) = attribute.value.filter(|v| v.kind() == "call") else {
                continue;
            };
            if flag(file, call, "primary_key") != Some(true) {
                continue;
            }
            let db_column = keyword(file, call, "db_column").and_then(|c| string_value(file, c));
            let relation = matches!(
                callee_last(file, call),
                Some("ForeignKey" | "OneToOneField")
            );
            found = Some(db_column.unwrap_or_else(|| {
                if relation {
                    format!("{}_id", attribute.name)
                } else {
                    attribute.name.clone()
                }
            }));
        }
    }
    if found.is_none() {
        // A child of a concrete model of the file is keyed by its link.
        let parent = class.local_bases.iter().find_map(|b| {
            let parent = &classes[*by_name.get(b.as_str())?];
            (parent.is_model && !parent.options.is_abstract && !parent.options.proxy)
                .then(|| format!("{}_ptr_id", parent.name.to_ascii_lowercase()))
        });
        return parent;
    }
    found
}

#[cfg(test)]
mod tests;
