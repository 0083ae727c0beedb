//! Diesel and SeaORM queries.
//!
//! Diesel: chains from a schema table (`users::table`, or `users` after
//! `use crate::schema::users::dsl::*`) through `filter`, `order`,
//! `group_by`, joins and limits; columns are the receivers of the
//! expression methods (`users::email.eq(e)`, `created_at.desc()`), named
//! by their table module. SeaORM: `Order::find()` / `order::Entity::find()`
//! with `order::Column::CreatedAt` conditions, named by the entity module
//! and the column variant in snake case.

#[cfg(test)]
mod tests;

use redflag_syntax::tree_sitter::Node;

use super::{
    add_table, add_use, is_capitalised, read_chains, snake_case, Chain, Facts, Grammar, Step,
};
use crate::facts::data::{Clause, QueryFact};
use crate::facts::routes::walk;
use crate::semantics::compact;
use crate::source::SourceFile;

static GRAMMAR: Grammar = Grammar {
    call: "call_expression",
    member: "field_expression",
    member_object: "value",
    member_property: "field",
    subscript: None,
    wrappers: &[
        "parenthesized_expression",
        "await_expression",
        "try_expression",
    ],
    names: &["identifier", "scoped_identifier", "self"],
    functions: &["function_item", "closure_expression"],
    loops: &[
        ("for_expression", Some("value")),
        ("while_expression", None),
        ("loop_expression", None),
    ],
    per_element: &[
        "for_each",
        "try_for_each",
        "map",
        "filter_map",
        "flat_map",
        "then",
    ],
};

/// Diesel expression methods whose receiver is a column.
const DIESEL_OPERATORS: &[&str] = &[
    "eq",
    "ne",
    "gt",
    "ge",
    "lt",
    "le",
    "like",
    "ilike",
    "not_like",
    "not_ilike",
    "eq_any",
    "ne_all",
    "is_null",
    "is_not_null",
    "between",
    "not_between",
    "desc",
    "asc",
    "is_distinct_from",
    "is_not_distinct_from",
    "contains",
    "is_contained_by",
    "overlaps_with",
];

/// Diesel calls that return one row or a number.
const DIESEL_LIMITING: &[&str] = &["limit", "first", "get_result", "find"];

/// SeaORM calls that return one row or a number.
const SEAORM_LIMITING: &[&str] = &["limit", "one", "count", "paginate", "find_by_id"];

/// SeaORM entity functions that start a query.
const SEAORM_STARTS: &[&str] = &[
    "find",
    "find_by_id",
    "delete_many",
    "update_many",
    "delete_by_id",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Diesel,
    SeaOrm,
}

#[derive(Debug, Clone)]
struct State {
    flavor: Flavor,
    model: String,
}

pub(super) fn collect(file: &SourceFile) -> Vec<QueryFact> {
    if !file.text.contains("diesel") && !file.text.contains("sea_orm") {
        return Vec::new();
    }
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    let mut reader = Reader {
        file,
        facts: Facts::new(file, &GRAMMAR),
        states: Vec::new(),
        dsl_tables: dsl_tables(file, tree.root_node()),
    };
    read_chains(file, &GRAMMAR, tree.root_node(), |chain| {
        reader.chain(chain)
    });
    reader.facts.finish()
}

/// Tables whose `dsl` module the file imports (`use crate::schema::users::dsl::*;`):
/// their names and columns may appear bare.
fn dsl_tables(file: &SourceFile, root: Node<'_>) -> Vec<String> {
    let mut tables = Vec::new();
    walk(root, |node| {
        if node.kind() != "use_declaration" {
            return true;
        }
        let text = compact(file.text_of(node));
        let mut rest = text.as_str();
        while let Some(at) = rest.find("::dsl") {
            let before = &rest[..at];
            let table = before.rsplit([':', '{', ',', ' ']).next().unwrap_or("");
            if !table.is_empty() && !tables.iter().any(|t| t == table) {
                tables.push(table.to_string());
            }
            rest = &rest[at + 5..];
        }
        false
    });
    tables
}

struct Reader<'f> {
    file: &'f SourceFile,
    facts: Facts<'f>,
    states: Vec<State>,
    dsl_tables: Vec<String>,
}

impl Reader<'_> {
    fn chain(&mut self, chain: &Chain<'_, '_>) {
        let index = self
            .continued(chain)
            .or_else(|| self.diesel(chain))
            .or_else(|| self.sea_orm(chain));
        if let Some(index) = index {
            if let Some(name) = assigned_name(self.file, chain) {
                self.facts.bind(chain, name, index);
            }
        }
    }

    fn start(&mut self, chain: &Chain<'_, '_>, api: String, state: State) -> usize {
        let index = self.facts.start(chain, api);
        add_table(self.facts.get(index), &state.model);
        self.states.push(state);
        index
    }

    /// `query = query.filter(…)` on a boxed query kept in a variable.
    fn continued(&mut self, chain: &Chain<'_, '_>) -> Option<usize> {
        if chain.head.len() != 1 || chain.root.kind() != "identifier" {
            return None;
        }
        let index = self.facts.bound(chain, chain.head[0])?;
        match self.states[index].flavor {
            Flavor::Diesel => self.diesel_steps(index, &chain.steps),
            Flavor::SeaOrm => self.sea_orm_steps(index, &chain.steps),
        }
        Some(index)
    }

    // ----- Diesel -----

    fn diesel(&mut self, chain: &Chain<'_, '_>) -> Option<usize> {
        let [head] = chain.head.as_slice() else {
            return None;
        };
        let model = match head.rsplit_once("::") {
            Some((path, "table")) => path.rsplit("::").next().unwrap_or(path).to_string(),
            Some(_) => return None,
            None if self.dsl_tables.iter().any(|t| t == head) => (*head).to_string(),
            None => return None,
        };
        let first = chain.steps.first()?;
        // `users::table.on(…)` is the target of a join, read with it.
        if first.name == "on" {
            return None;
        }
        // A table's query methods take no closures: `users.filter(|u| …)`
        // is an iterator.
        let closure = first
            .args()
            .and_then(|a| a.named_child(0))
            .is_some_and(|a| a.kind() == "closure_expression");
        if closure || first.args().is_none() {
            return None;
        }
        let api = format!("{head}.{}", first.name);
        let index = self.start(
            chain,
            api,
            State {
                flavor: Flavor::Diesel,
                model,
            },
        );
        self.diesel_steps(index, &chain.steps);
        Some(index)
    }

    fn diesel_steps(&mut self, index: usize, steps: &[Step<'_>]) {
        let file = self.file;
        let model = self.states[index].model.clone();
        let bare_table = if self.dsl_tables.contains(&model) {
            Some(model.clone())
        } else if self.dsl_tables.len() == 1 {
            Some(self.dsl_tables[0].clone())
        } else {
            None
        };
        for step in steps {
            let Some(args) = step.args() else {
                continue;
            };
            let fact = self.facts.get(index);
            if DIESEL_LIMITING.contains(&step.name) {
                fact.limited = true;
            }
            let (clause, direct) = match step.name {
                "filter" | "or_filter" => (Clause::Where, false),
                "order" | "order_by" | "then_order_by" => (Clause::OrderBy, true),
                "group_by" => (Clause::GroupBy, true),
                "inner_join" | "left_join" | "left_outer_join" => {
                    for table in joined_tables(file, args) {
                        add_table(fact, &table);
                    }
                    (Clause::Join, false)
                }
                _ => continue,
            };
            for (table, column) in diesel_columns(file, args, direct, bare_table.as_deref()) {
                add_use(fact, &table, &column, clause);
            }
        }
    }

    // ----- SeaORM -----

    fn sea_orm(&mut self, chain: &Chain<'_, '_>) -> Option<usize> {
        if !chain.head.is_empty() {
            return None;
        }
        let first = chain.steps.first()?;
        let (entity, start) = first.name.rsplit_once("::")?;
        if !SEAORM_STARTS.contains(&start) || !self.file.text.contains("sea_orm") {
            return None;
        }
        // `Entity::find()` takes nothing; `find_by_id(id)` one key.
        let arity = first.args().map_or(0, |a| a.named_child_count());
        let expected =
            usize::from(start != "find" && start != "delete_many" && start != "update_many");
        if arity != expected {
            return None;
        }
        let model = self.entity_module(entity)?;
        let state = State {
            flavor: Flavor::SeaOrm,
            model,
        };
        let index = self.start(chain, first.name.to_string(), state);
        self.sea_orm_steps(index, &chain.steps);
        Some(index)
    }

    /// `order::Entity` → `order`; `Order` → the module its import names
    /// (`use entity::order::Entity as Order`), else `order`.
    fn entity_module(&self, entity: &str) -> Option<String> {
        if let Some((path, "Entity")) = entity.rsplit_once("::") {
            return Some(path.rsplit("::").next().unwrap_or(path).to_string());
        }
        if entity.contains("::") || !is_capitalised(entity) || entity == "Entity" {
            return None;
        }
        let imported = self.file.imports().binding(entity).and_then(|path| {
            let (module, last) = path.rsplit_once("::")?;
            (last == "Entity").then(|| module.rsplit("::").next().unwrap_or(module).to_string())
        });
        Some(imported.unwrap_or_else(|| snake_case(entity)))
    }

    fn sea_orm_steps(&mut self, index: usize, steps: &[Step<'_>]) {
        let file = self.file;
        let model = self.states[index].model.clone();
        for step in steps {
            let Some(args) = step.args() else {
                continue;
            };
            let name = step.name.rsplit("::").next().unwrap_or(step.name);
            if SEAORM_LIMITING.contains(&name) {
                self.facts.get(index).limited = true;
            }
            let clause = match name {
                "filter" => Clause::Where,
                "order_by" | "order_by_asc" | "order_by_desc" => Clause::OrderBy,
                "group_by" => Clause::GroupBy,
                "inner_join" | "left_join" | "right_join" | "find_also_related"
                | "find_with_related" => {
                    let related = args
                        .named_child(0)
                        .map(|a| compact(file.text_of(a)))
                        .and_then(|text| {
                            let (path, last) = text.rsplit_once("::")?;
                            (last == "Entity")
                                .then(|| path.rsplit("::").next().unwrap_or(path).to_string())
                        });
                    if let Some(related) = related {
                        add_table(self.facts.get(index), &related);
                    }
                    continue;
                }
                _ => continue,
            };
            let fact = self.facts.get(index);
            for (module, column) in sea_orm_columns(self.file, args, &model) {
                add_use(fact, &module, &column, clause);
            }
        }
    }
}

/// `let query = …;`, `query = …;`: the variable a chain is assigned to.
fn assigned_name<'t>(file: &'t SourceFile, chain: &Chain<'_, 't>) -> Option<&'t str> {
    let (parent, _) = chain.outer(&[
        "parenthesized_expression",
        "await_expression",
        "try_expression",
    ])?;
    let name = match parent.kind() {
        "let_declaration" => parent.child_by_field_name("pattern")?,
        "assignment_expression" => parent.child_by_field_name("left")?,
        _ => return None,
    };
    (name.kind() == "identifier").then(|| file.text_of(name))
}

/// `posts::table` (and `posts` from a `dsl` import) joined in.
fn joined_tables(file: &SourceFile, args: Node<'_>) -> Vec<String> {
    let mut tables = Vec::new();
    walk(args, |node| {
        if node.kind() == "scoped_identifier" {
            let text = compact(file.text_of(node));
            if let Some((path, "table")) = text.rsplit_once("::") {
                tables.push(path.rsplit("::").next().unwrap_or(path).to_string());
            }
            return false;
        }
        true
    });
    tables
}

/// A column reference: `users::email` (named by its table module), or a
/// bare `email` when a `dsl` import names the table.
fn diesel_column(
    file: &SourceFile,
    node: Node<'_>,
    bare_table: Option<&str>,
) -> Option<(String, String)> {
    match node.kind() {
        "scoped_identifier" => {
            let text = compact(file.text_of(node));
            let (path, column) = text.rsplit_once("::")?;
            let table = path.rsplit("::").next().unwrap_or(path);
            let lowercase = |s: &str| s.starts_with(|c: char| c.is_ascii_lowercase());
            let schema_like = lowercase(table)
                && lowercase(column)
                && !matches!(
                    table,
                    "diesel" | "dsl" | "std" | "schema" | "self" | "crate" | "super"
                );
            (schema_like && column != "table" && column != "star")
                .then(|| (table.to_string(), column.to_string()))
        }
        "identifier" => {
            let table = bare_table?;
            let name = file.text_of(node);
            (name != table).then(|| (table.to_string(), name.to_string()))
        }
        _ => None,
    }
}

/// The columns of a Diesel call's arguments: those its expression methods
/// use, and for `order`/`group_by` (`direct`) the plain columns and tuples
/// given, in the order written.
fn diesel_columns(
    file: &SourceFile,
    args: Node<'_>,
    direct: bool,
    bare_table: Option<&str>,
) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    let mut push = |pair: Option<(String, String)>| {
        if let Some(pair) = pair {
            if !found.contains(&pair) {
                found.push(pair);
            }
        }
    };
    let mut cursor = args.walk();
    for arg in args.named_children(&mut cursor) {
        let mut inner = arg.walk();
        let elements: Vec<Node<'_>> = if direct && arg.kind() == "tuple_expression" {
            arg.named_children(&mut inner).collect()
        } else {
            vec![arg]
        };
        for element in elements {
            match diesel_column(file, element, bare_table).filter(|_| direct) {
                Some(pair) => push(Some(pair)),
                None => operator_columns(file, element, bare_table, &mut push),
            }
        }
    }
    found
}

/// The columns the expression methods under `expr` are called on
/// (`users::email.eq(e)`, `lower(users::name).like(q)`) or compare with
/// (`posts::user_id.eq(users::id)`).
fn operator_columns(
    file: &SourceFile,
    expr: Node<'_>,
    bare_table: Option<&str>,
    push: &mut impl FnMut(Option<(String, String)>),
) {
    walk(expr, |node| {
        if node.kind() == "closure_expression" {
            return false;
        }
        if node.kind() != "call_expression" {
            return true;
        }
        let Some(function) = node
            .child_by_field_name("function")
            .filter(|f| f.kind() == "field_expression")
        else {
            return true;
        };
        let method = function
            .child_by_field_name("field")
            .map_or("", |f| file.text_of(f));
        if !DIESEL_OPERATORS.contains(&method) {
            return true;
        }
        if let Some(receiver) = function.child_by_field_name("value") {
            match diesel_column(file, receiver, bare_table) {
                Some(pair) => push(Some(pair)),
                None if receiver.kind() == "call_expression" => {
                    if let Some(inner) = receiver.child_by_field_name("arguments") {
                        let mut cursor = inner.walk();
                        for arg in inner.named_children(&mut cursor) {
                            push(diesel_column(file, arg, bare_table));
                        }
                    }
                }
                None => {}
            }
        }
        if let Some(compared) = node.child_by_field_name("arguments") {
            let mut cursor = compared.walk();
            for arg in compared.named_children(&mut cursor) {
                if arg.kind() == "scoped_identifier" {
                    push(diesel_column(file, arg, None));
                }
            }
        }
        true
    });
}

/// The `Column::X` variants a SeaORM expression names, with their entity
/// module: `order::Column::CreatedAt` → (`order`, `created_at`); a bare
/// `Column::Status` belongs to the query's own entity.
fn sea_orm_columns(file: &SourceFile, args: Node<'_>, model: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = Vec::new();
    walk(args, |node| {
        if node.kind() != "scoped_identifier" {
            return true;
        }
        let text = compact(file.text_of(node));
        let mut segments: Vec<&str> = text.split("::").collect();
        let Some(variant) = segments.pop() else {
            return false;
        };
        if segments.last() != Some(&"Column") {
            return true;
        }
        segments.pop();
        let module = match segments.last() {
            Some(module) => (*module).to_string(),
            None => file
                .imports()
                .binding("Column")
                .and_then(|path| {
                    let (module, _) = path.rsplit_once("::Column")?;
                    Some(module.rsplit("::").next().unwrap_or(module).to_string())
                })
                .unwrap_or_else(|| model.to_string()),
        };
        let pair = (module, snake_case(variant));
        if !found.contains(&pair) {
            found.push(pair);
        }
        false
    });
    found
}
