//! ORM queries in application code: Django and SQLAlchemy/SQLModel in
//! Python, Prisma, TypeORM, Sequelize and Mongoose in JS/TS, Diesel and
//! SeaORM in Rust.
//!
//! Every ORM writes a query as a call chain (`Order.objects.filter(…)
//! .order_by(…)[:20]`, `prisma.order.findMany({ where })`,
//! `users::table.filter(…).first(conn)`). Each language module flattens
//! the chains of a file into [`Chain`]s and reads the ones it recognises
//! into [`QueryFact`]s that name models and attributes as code writes
//! them; the project model resolves those to tables and columns through
//! the schema extractors' `ModelFact`s. A query built in steps through a
//! local variable (`qs = qs.filter(…)`, `qb.andWhere(…)`) is one fact: the
//! later steps add to the fact of the statement that started it.
//!
//! Lookalikes (`array.filter(fn)`, `dict.get("k")`, iterator adaptors) stay
//! silent because every recogniser needs the ORM's own shape: a manager,
//! a session, a client accessor, a repository bound to an entity, a schema
//! table.

mod js;
mod python;
mod rust;

use std::collections::HashMap;

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use crate::facts::data::{Clause, ColumnUse, QueryFact, QueryNames};
use crate::source::SourceFile;

/// Longest call chain followed; real code stays far below.
const MAX_CHAIN: usize = 64;
/// How far up a query looks for its loop and function.
const MAX_PARENT_WALK: usize = 256;
/// Deepest nesting of filter objects or condition expressions read.
const MAX_NESTING: usize = 32;

/// The ORM queries of one code file.
pub(super) fn collect(file: &SourceFile) -> Vec<QueryFact> {
    match file.kind.language() {
        Some(Language::Python) => python::collect(file),
        Some(Language::Rust) => rust::collect(file),
        Some(language) if language.is_js_family() => js::collect(file),
        _ => Vec::new(),
    }
}

/// One link of a call chain after its head.
#[derive(Debug, Clone, Copy)]
enum StepKind<'t> {
    /// A method call, with its argument list node.
    Call(Node<'t>),
    /// A property read that is not called (`page.items`, `result.rows`).
    Member,
    /// `[…]` on the chain: a Django slice or index.
    Index(Node<'t>),
}

#[derive(Debug, Clone, Copy)]
struct Step<'t> {
    /// The method or property name; empty for an index.
    name: &'t str,
    kind: StepKind<'t>,
    /// The chain up to and including this step.
    node: Node<'t>,
}

impl<'t> Step<'t> {
    fn args(&self) -> Option<Node<'t>> {
        match self.kind {
            StepKind::Call(args) => Some(args),
            _ => None,
        }
    }
}

/// A call chain read from its start: the head names the receiver
/// (`Order.objects`, `this.prisma.order`, `users::table`) and the steps
/// follow in the order they run.
#[derive(Debug, Clone)]
struct Chain<'a, 't> {
    /// The whole chain.
    top: Node<'t>,
    /// The nodes above `top`, nearest last, as the walk met them
    /// (`Node::parent` searches from the root: too slow in a deep tree).
    ancestors: &'a [Node<'t>],
    /// The node the chain starts from (identifier, `this`, path, or some
    /// other expression).
    root: Node<'t>,
    /// Names from the root to the first step, as written (`Order`,
    /// `objects`); empty when the root is not a name.
    head: Vec<&'t str>,
    steps: Vec<Step<'t>>,
}

impl<'t> Chain<'_, 't> {
    /// The API as messages show it: the head and the first `count` step
    /// names (`Order.objects.filter`).
    fn api(&self, separator: &str, count: usize) -> String {
        let mut parts: Vec<&str> = self.head.clone();
        parts.extend(
            self.steps
                .iter()
                .take(count)
                .filter(|s| !s.name.is_empty())
                .map(|s| s.name),
        );
        parts.join(separator)
    }

    /// The index of the first step called `name`.
    fn position(&self, name: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.name == name)
    }

    /// The first ancestor of the chain that is not one of `wrappers`, with
    /// the node below it.
    fn outer(&self, wrappers: &[&str]) -> Option<(Node<'t>, Node<'t>)> {
        let mut child = self.top;
        for parent in self.ancestors.iter().rev() {
            if wrappers.contains(&parent.kind()) {
                child = *parent;
                continue;
            }
            return Some((*parent, child));
        }
        None
    }
}

/// Visits `root` and its descendants in source order with a cursor (no
/// recursion: hostile nesting cannot exhaust the stack), giving each node
/// its ancestors, nearest last; `visit` returns whether to look inside.
fn walk_with_ancestors<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>, &[Node<'t>]) -> bool) {
    let mut cursor = root.walk();
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    loop {
        let node = cursor.node();
        if visit(node, &ancestors) && cursor.goto_first_child() {
            ancestors.push(node);
            continue;
        }
        loop {
            if cursor.node().id() == root.id() {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            ancestors.pop();
        }
    }
}

/// Reads every chain of the tree under `root`, outermost links only.
fn read_chains<'t>(
    file: &'t SourceFile,
    grammar: &Grammar,
    root: Node<'t>,
    mut read: impl FnMut(&Chain<'_, 't>),
) {
    walk_with_ancestors(root, |node, ancestors| {
        let kind = node.kind();
        let link = kind == grammar.call || grammar.subscript.is_some_and(|(s, _, _)| s == kind);
        if link && is_chain_top(grammar, node, ancestors) {
            if let Some(chain) = flatten(file, grammar, node, ancestors) {
                read(&chain);
            }
        }
        true
    });
}

/// Node kinds one grammar uses for the shapes chains and places are made
/// of.
struct Grammar {
    call: &'static str,
    member: &'static str,
    member_object: &'static str,
    member_property: &'static str,
    subscript: Option<(&'static str, &'static str, &'static str)>,
    /// Wrappers a chain passes through (`await`, parentheses, `?`).
    wrappers: &'static [&'static str],
    /// Nodes that start a chain by name.
    names: &'static [&'static str],
    /// Function-like nodes.
    functions: &'static [&'static str],
    /// Loops, with the field evaluated once before the loop starts (its
    /// iterable or initializer), if any.
    loops: &'static [(&'static str, Option<&'static str>)],
    /// Methods whose callback runs once per element.
    per_element: &'static [&'static str],
}

/// Reads the chain that ends at `top`, if `top` is a call or index at the
/// end of one.
fn flatten<'a, 't>(
    file: &'t SourceFile,
    grammar: &Grammar,
    top: Node<'t>,
    ancestors: &'a [Node<'t>],
) -> Option<Chain<'a, 't>> {
    let mut reversed: Vec<Step<'t>> = Vec::new();
    let mut pending_call: Option<(Node<'t>, Node<'t>)> = None;
    let mut node = top;
    let mut head: Vec<&'t str> = Vec::new();
    for _ in 0..MAX_CHAIN {
        let kind = node.kind();
        if kind == grammar.call {
            let function = node.child_by_field_name("function")?;
            let args = node.child_by_field_name("arguments")?;
            pending_call = Some((node, args));
            node = function;
            continue;
        }
        if kind == "generic_function" {
            node = node.child_by_field_name("function")?;
            continue;
        }
        if grammar.wrappers.contains(&kind) {
            node = node.named_child(0)?;
            continue;
        }
        if kind == grammar.member {
            let object = node.child_by_field_name(grammar.member_object)?;
            let property = node.child_by_field_name(grammar.member_property)?;
            let name = file.text_of(property);
            match pending_call.take() {
                Some((call, args)) => reversed.push(Step {
                    name,
                    kind: StepKind::Call(args),
                    node: call,
                }),
                None => reversed.push(Step {
                    name,
                    kind: StepKind::Member,
                    node,
                }),
            }
            node = object;
            continue;
        }
        if let Some((subscript, value, index)) = grammar.subscript {
            if kind == subscript {
                if pending_call.is_some() {
                    return None;
                }
                let index = node.child_by_field_name(index)?;
                reversed.push(Step {
                    name: "",
                    kind: StepKind::Index(index),
                    node,
                });
                node = node.child_by_field_name(value)?;
                continue;
            }
        }
        if grammar.names.contains(&kind) {
            let name = file.text_of(node);
            if let Some((call, args)) = pending_call.take() {
                reversed.push(Step {
                    name,
                    kind: StepKind::Call(args),
                    node: call,
                });
            } else {
                head.push(name);
            }
        } else if pending_call.is_some() {
            return None;
        }
        break;
    }
    let root = node;
    reversed.reverse();
    // Property reads right after the root belong to the head.
    let mut steps = reversed;
    let leading = steps
        .iter()
        .take_while(|s| matches!(s.kind, StepKind::Member))
        .count();
    if !head.is_empty() {
        head.extend(steps.drain(..leading).map(|s| s.name));
    }
    Some(Chain {
        top,
        ancestors,
        root,
        head,
        steps,
    })
}

/// True when `node` is the outermost link of its chain: nothing calls,
/// indexes or reads a property of it (through wrappers).
fn is_chain_top(grammar: &Grammar, node: Node<'_>, ancestors: &[Node<'_>]) -> bool {
    let mut child = node;
    for parent in ancestors.iter().rev().take(MAX_CHAIN) {
        let kind = parent.kind();
        if grammar.wrappers.contains(&kind) {
            child = *parent;
            continue;
        }
        let same =
            |field: &str| parent.child_by_field_name(field).map(|n| n.id()) == Some(child.id());
        if kind == grammar.member {
            return !same(grammar.member_object);
        }
        if kind == grammar.call || kind == "generic_function" {
            return !same("function");
        }
        if let Some((subscript, value, _)) = grammar.subscript {
            if kind == subscript {
                return !same(value);
            }
        }
        return true;
    }
    true
}

/// The method names called on the value of `node` further up its chain
/// (`session.execute(stmt).scalars().first()` from the `execute` call →
/// `scalars`, `first`); `ancestors` are those of `node`.
fn methods_after<'t>(
    file: &'t SourceFile,
    grammar: &Grammar,
    node: Node<'t>,
    ancestors: &[Node<'t>],
) -> Vec<&'t str> {
    let mut names = Vec::new();
    let mut child = node;
    for parent in ancestors.iter().rev().take(MAX_CHAIN) {
        let kind = parent.kind();
        let same =
            |field: &str| parent.child_by_field_name(field).map(|n| n.id()) == Some(child.id());
        let passes = grammar.wrappers.contains(&kind)
            || kind == "generic_function"
            || (kind == grammar.call && same("function"));
        if kind == grammar.member && same(grammar.member_object) {
            if let Some(property) = parent.child_by_field_name(grammar.member_property) {
                names.push(file.text_of(property));
            }
        } else if grammar
            .subscript
            .is_some_and(|(subscript, value, _)| kind == subscript && same(value))
        {
            names.push("[]");
        } else if !passes {
            break;
        }
        child = *parent;
    }
    names
}

/// Where a query runs: its function, whether a loop repeats it, and the
/// scope its local variables live in.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    function: Option<String>,
    in_loop: bool,
    /// The innermost function-like node (or the root), for local names.
    scope: usize,
}

fn place(file: &SourceFile, grammar: &Grammar, node: Node<'_>, ancestors: &[Node<'_>]) -> Place {
    let mut function = None;
    let mut in_loop = false;
    let mut loops_decided = false;
    let mut scope = None;
    let mut child = node;
    let start = ancestors.len().saturating_sub(MAX_PARENT_WALK);
    for index in (start..ancestors.len()).rev() {
        let parent = ancestors[index];
        let above = &ancestors[..index];
        let kind = parent.kind();
        if grammar.functions.contains(&kind) {
            scope.get_or_insert(parent.id());
            if !loops_decided {
                if is_per_element_callback(file, grammar, above) {
                    in_loop = true;
                } else {
                    loops_decided = true;
                }
            }
            if let Some(name) = function_name(file, parent, above.last().copied()) {
                function = Some(name);
                break;
            }
        } else if !loops_decided {
            if let Some((_, once)) = grammar.loops.iter().find(|(k, _)| *k == kind) {
                let evaluated_once = once.is_some_and(|field| {
                    parent.child_by_field_name(field).map(|n| n.id()) == Some(child.id())
                });
                if !evaluated_once && !is_first_iterable(parent, child) {
                    in_loop = true;
                }
            }
        }
        child = parent;
    }
    let root = ancestors.first().copied().unwrap_or(node);
    Place {
        function,
        in_loop,
        scope: scope.unwrap_or_else(|| root.id()),
    }
}

/// A Python comprehension evaluates its first iterable once.
fn is_first_iterable(parent: Node<'_>, child: Node<'_>) -> bool {
    if !parent.kind().ends_with("comprehension") && parent.kind() != "generator_expression" {
        return false;
    }
    // `child` is the clause the query is in; its left side is a pattern,
    // so a query in it is in the iterable.
    let mut cursor = parent.walk();
    let first = parent
        .named_children(&mut cursor)
        .find(|c| c.kind() == "for_in_clause")
        .map(|c| c.id());
    first == Some(child.id())
}

/// A function passed to `.forEach`/`.map`/`.for_each`: it runs per
/// element, so it is part of the loop rather than a boundary. `above` are
/// the function's ancestors.
fn is_per_element_callback(file: &SourceFile, grammar: &Grammar, above: &[Node<'_>]) -> bool {
    let [.., call, arguments] = above else {
        return false;
    };
    if !matches!(arguments.kind(), "arguments" | "argument_list") {
        return false;
    }
    let Some(callee) = call.child_by_field_name("function") else {
        return false;
    };
    if callee.kind() != grammar.member {
        return false;
    }
    callee
        .child_by_field_name(grammar.member_property)
        .is_some_and(|p| grammar.per_element.contains(&file.text_of(p)))
}

/// The name of a function-like node: its own, or the variable, property
/// or field it is assigned to. `None` for anonymous callbacks.
fn function_name(
    file: &SourceFile,
    function: Node<'_>,
    parent: Option<Node<'_>>,
) -> Option<String> {
    if let Some(name) = function.child_by_field_name("name") {
        return Some(file.text_of(name).to_string());
    }
    let parent = parent?;
    let name = match parent.kind() {
        "variable_declarator" => parent.child_by_field_name("name"),
        "pair" => parent.child_by_field_name("key"),
        "public_field_definition" | "field_definition" => parent
            .child_by_field_name("name")
            .or_else(|| parent.child_by_field_name("property")),
        "assignment_expression" => parent
            .child_by_field_name("left")
            .map(|left| left.child_by_field_name("property").unwrap_or(left)),
        _ => None,
    }?;
    matches!(
        name.kind(),
        "identifier" | "property_identifier" | "private_property_identifier"
    )
    .then(|| file.text_of(name).to_string())
}

/// ORM methods that write rows rather than return them.
const WRITE_METHODS: &[&str] = &[
    "update",
    "updateMany",
    "update_many",
    "upsert",
    "delete",
    "deleteMany",
    "delete_many",
    "delete_by_id",
    "destroy",
    "remove",
    "softDelete",
    "restore",
    "create",
    "createMany",
    "bulk_create",
    "bulk_update",
    "bulkCreate",
    "insert",
    "insert_into",
    "save",
    "increment",
    "decrement",
];

/// True when the API as written names a write (`Order.objects.update`,
/// `update(User).where`, `tx.account.updateMany`).
fn writes(api: &str) -> bool {
    api.split(['.', ':', '(', ')'])
        .any(|segment| WRITE_METHODS.contains(&segment))
}

/// True when the chain is the argument of a write (`diesel::update(
/// orders.filter(..))`, `diesel::delete(..)`): it selects rows to write.
fn inside_a_write(file: &SourceFile, ancestors: &[Node<'_>]) -> bool {
    let mut above = ancestors.iter().rev();
    let (Some(arguments), Some(call)) = (above.next(), above.next()) else {
        return false;
    };
    arguments.kind() == "arguments"
        && call.kind() == "call_expression"
        && call
            .child_by_field_name("function")
            .is_some_and(|f| writes(file.text_of(f)))
}

/// Builds the facts of one file: queries in source order, and the local
/// variables that hold a query being built.
struct Facts<'f> {
    file: &'f SourceFile,
    grammar: &'static Grammar,
    facts: Vec<QueryFact>,
    /// (scope, variable) → the fact of the query it holds.
    variables: HashMap<(usize, String), usize>,
}

impl<'f> Facts<'f> {
    fn new(file: &'f SourceFile, grammar: &'static Grammar) -> Self {
        Facts {
            file,
            grammar,
            facts: Vec::new(),
            variables: HashMap::new(),
        }
    }

    /// Starts a fact for the query a chain runs.
    fn start(&mut self, chain: &Chain<'_, '_>, api: String) -> usize {
        let place = place(self.file, self.grammar, chain.top, chain.ancestors);
        let reads = !writes(&api) && !inside_a_write(self.file, chain.ancestors);
        self.facts.push(QueryFact {
            location: self.file.location(chain.top.byte_range()),
            api,
            names: QueryNames::Models,
            tables: Vec::new(),
            uses: Vec::new(),
            limited: false,
            reads,
            in_loop: place.in_loop,
            function: place.function,
        });
        self.facts.len() - 1
    }

    fn get(&mut self, index: usize) -> &mut QueryFact {
        &mut self.facts[index]
    }

    /// Remembers that the variable `name`, assigned the chain, holds the
    /// query of fact `index`.
    fn bind(&mut self, chain: &Chain<'_, '_>, name: &str, index: usize) {
        let scope = place(self.file, self.grammar, chain.top, chain.ancestors).scope;
        self.variables.insert((scope, name.to_string()), index);
    }

    /// The query the variable `name`, read in the chain, holds.
    fn bound(&self, chain: &Chain<'_, '_>, name: &str) -> Option<usize> {
        if self.variables.is_empty() {
            return None;
        }
        let scope = place(self.file, self.grammar, chain.top, chain.ancestors).scope;
        self.variables.get(&(scope, name.to_string())).copied()
    }

    fn finish(self) -> Vec<QueryFact> {
        self.facts
    }
}

/// Adds a model to a fact once.
fn add_table(fact: &mut QueryFact, model: &str) {
    if !model.is_empty() && !fact.tables.iter().any(|t| t == model) {
        fact.tables.push(model.to_string());
    }
}

/// Adds a column use once (and its model to the tables).
fn add_use(fact: &mut QueryFact, model: &str, column: &str, clause: Clause) {
    if model.is_empty() || column.is_empty() {
        return;
    }
    add_table(fact, model);
    let exists = fact
        .uses
        .iter()
        .any(|u| u.table == model && u.column == column && u.clause == clause);
    if !exists {
        fact.uses.push(ColumnUse {
            table: model.to_string(),
            column: column.to_string(),
            clause,
        });
    }
}

/// The text of a string literal node without quotes or prefixes; `None`
/// for template strings with holes and anything else.
fn string_value<'t>(file: &'t SourceFile, node: Node<'_>) -> Option<&'t str> {
    match node.kind() {
        "string" | "string_literal" | "raw_string_literal" => {}
        "template_string" if node.named_child_count() == 0 => {}
        _ => return None,
    }
    let mut cursor = node.walk();
    if node
        .named_children(&mut cursor)
        .any(|c| matches!(c.kind(), "interpolation" | "template_substitution"))
    {
        return None;
    }
    let text = file.text_of(node);
    let text = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let text = text.trim_start_matches('#');
    Some(text.trim_matches(|c| matches!(c, '"' | '\'' | '`' | '#')))
}

/// `CreatedAt` → `created_at`.
fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else {
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c);
        }
    }
    out
}

fn is_capitalised(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && name.chars().any(|c| c.is_ascii_lowercase())
}

#[cfg(test)]
mod support {
    use redflag_syntax::FileKind;

    use crate::facts::data::{Clause, QueryFact};
    use crate::source::SourceFile;

    /// One line per fact: `api -> models: uses [limited] [loop] [@function]`,
    /// uses as `W:`/`J:`/`O:`/`G:` `Model.attr`.
    pub(crate) fn summary(fact: &QueryFact) -> String {
        let mut line = format!("{} -> {}:", fact.api, fact.tables.join(","));
        for u in &fact.uses {
            let clause = match u.clause {
                Clause::Where => 'W',
                Clause::Join => 'J',
                Clause::OrderBy => 'O',
                Clause::GroupBy => 'G',
            };
            line.push_str(&format!(" {clause}:{}.{}", u.table, u.column));
        }
        if fact.limited {
            line.push_str(" limited");
        }
        if fact.in_loop {
            line.push_str(" loop");
        }
        if let Some(function) = &fact.function {
            line.push_str(&format!(" @{function}"));
        }
        line
    }

    pub(crate) fn facts(path: &str, code: &str) -> Vec<QueryFact> {
        let kind = redflag_syntax::classify(std::path::Path::new(path)).unwrap_or(FileKind::Text);
        let file = SourceFile::new(path.to_string(), kind, code.to_string(), None);
        super::collect(&file)
    }

    pub(crate) fn summaries(path: &str, code: &str) -> Vec<String> {
        facts(path, code).iter().map(summary).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::support::summaries;

    #[test]
    fn snake_case_of_column_variants() {
        assert_eq!(super::snake_case("CreatedAt"), "created_at");
        assert_eq!(super::snake_case("Id"), "id");
        assert_eq!(super::snake_case("UserID"), "user_id");
        assert_eq!(super::snake_case("Line2"), "line2");
    }

    #[test]
    fn hostile_nesting_and_long_chains_do_not_overflow() {
        let depth = 50_000;
        let python = format!(
            "from .models import Order\ndef f():\n    Order.objects.filter({}Q(a=1){})\n    Order.objects{}.first()\n",
            "(".repeat(depth),
            ")".repeat(depth),
            ".filter(b=2)".repeat(5_000),
        );
        // The chain longer than anything real is not read; the nested
        // filter still is.
        assert_eq!(
            summaries("app/views.py", &python),
            ["Order.objects.filter -> Order: W:Order.a @f"]
        );

        let js = format!(
            "import {{ PrismaClient }} from \"@prisma/client\";\nprisma.order.findMany({{ where: {}1{} }});\nprisma.order{};\n",
            "{ user: ".repeat(depth),
            " }".repeat(depth),
            ".findMany()".repeat(5_000),
        );
        let found = summaries("src/deep.ts", &js);
        assert!(
            found
                .first()
                .is_some_and(|f| f.starts_with("prisma.order.findMany -> order: J:order.user")),
            "{found:?}"
        );

        let rust = format!(
            "use diesel::prelude::*;\nfn f() {{ users::table.filter({}users::email.eq(e){}).first(conn); }}\n",
            "(".repeat(depth),
            ")".repeat(depth),
        );
        assert_eq!(
            summaries("src/deep.rs", &rust),
            ["users::table.filter -> users: W:users.email limited @f"]
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        for (path, text) in [
            ("a.py", "Order.objects.filter(\n"),
            ("a.py", "Order.objects.filter(**{})[::]\nselect(\n"),
            ("a.py", "session.query().filter_by(\n"),
            (
                "a.ts",
                "prisma.order.findMany({ where: { ...rest, [k]: 1, 'é': { in: } } })",
            ),
            ("a.ts", "this.orders.createQueryBuilder('o').where('o.'"),
            (
                "a.js",
                "const mongoose = 1; User.find({ $or: 3 }).sort('-')",
            ),
            (
                "a.rs",
                "use diesel::prelude::*; fn f() { users::table.filter(users::.eq()).order(()) }",
            ),
            (
                "a.rs",
                "use sea_orm::*; fn f() { Order::find().filter(order::Column::.eq(1)) }",
            ),
        ] {
            let _ = summaries(path, text);
        }
    }
}
