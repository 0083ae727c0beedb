//! Django and SQLAlchemy / SQLModel queries.
//!
//! Django: a manager on a model (`Order.objects`, a custom manager such as
//! `Order.active`, `get_object_or_404(Order, …)`) followed by queryset
//! methods; keyword lookups (`user__email__iexact=…`) name an attribute,
//! a related lookup joins on the first part. SQLAlchemy: `X.query(Model)`
//! (and Flask-SQLAlchemy's `Model.query`), `select(Model)` from
//! `sqlalchemy`/`sqlmodel`, `session.get(Model, id)`; conditions are
//! `Model.attr` expressions.

#[cfg(test)]
mod tests;

use redflag_syntax::tree_sitter::Node;

use super::{
    add_table, add_use, is_capitalised, methods_after, read_chains, string_value, Chain, Facts,
    Grammar, Step, StepKind, MAX_NESTING,
};
use crate::facts::data::{Clause, QueryFact};
use crate::facts::routes::walk;
use crate::source::SourceFile;

static GRAMMAR: Grammar = Grammar {
    call: "call",
    member: "attribute",
    member_object: "object",
    member_property: "attribute",
    subscript: Some(("subscript", "value", "subscript")),
    wrappers: &["parenthesized_expression", "await"],
    names: &["identifier"],
    functions: &["function_definition", "lambda"],
    loops: &[
        ("for_statement", Some("right")),
        ("while_statement", None),
        ("list_comprehension", None),
        ("set_comprehension", None),
        ("dictionary_comprehension", None),
        ("generator_expression", None),
    ],
    per_element: &[],
};

/// Words a file must contain to be read: a Django manager or shortcut, a
/// SQLAlchemy/SQLModel import or query, or an import of models (custom
/// managers). Words every Python file spells (`filter`, `.get(`) would
/// send every file to the parser.
const PREFILTER: &[&str] = &[
    "objects.",
    "_or_404(",
    "sqlalchemy",
    "sqlmodel",
    ".query(",
    ".query.",
    "models",
];

/// Django lookups and transforms: `field__<lookup>` names `field`.
const DJANGO_LOOKUPS: &[&str] = &[
    "exact",
    "iexact",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "contains",
    "icontains",
    "isnull",
    "range",
    "date",
    "year",
    "month",
    "day",
    "week",
    "week_day",
    "iso_week_day",
    "iso_year",
    "quarter",
    "time",
    "hour",
    "minute",
    "second",
    "regex",
    "iregex",
    "search",
    "unaccent",
    "trigram_similar",
    "contained_by",
    "overlap",
    "has_key",
    "has_keys",
    "has_any_keys",
    "len",
];

/// Queryset methods a manager chain starts with (`create`, `raw` and
/// custom manager methods are not read).
const DJANGO_METHODS: &[&str] = &[
    "in_bulk",
    "iterator",
    "distinct",
    "using",
    "select_for_update",
    "update",
    "delete",
    "filter",
    "exclude",
    "get",
    "order_by",
    "all",
    "first",
    "last",
    "count",
    "exists",
    "values",
    "values_list",
    "annotate",
    "aggregate",
    "select_related",
    "prefetch_related",
    "only",
    "defer",
    "get_or_create",
    "update_or_create",
    "latest",
    "earliest",
];

/// Queryset methods that return one row or a number.
const DJANGO_LIMITING: &[&str] = &[
    "get",
    "first",
    "last",
    "exists",
    "count",
    "aggregate",
    "latest",
    "earliest",
    "get_or_create",
    "update_or_create",
];

/// SQLAlchemy calls that return one row or a number.
const SQLALCHEMY_LIMITING: &[&str] = &[
    "limit",
    "first",
    "one",
    "one_or_none",
    "scalar",
    "scalar_one",
    "scalar_one_or_none",
    "get",
    "first_or_404",
    "one_or_404",
    "get_or_404",
    "paginate",
    "count",
    "exists",
];

/// Session methods that run a statement.
const EXECUTE: &[&str] = &[
    "execute",
    "exec",
    "scalars",
    "scalar",
    "stream",
    "stream_scalars",
];

/// Calls that page whatever queryset or statement they are given.
const PAGINATORS: &[&str] = &[
    "Paginator",
    "paginate",
    "paginate_queryset",
    "paginate_query",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Django,
    SqlAlchemy,
}

/// What a query being built remembers between steps.
#[derive(Debug, Clone)]
struct State {
    flavor: Flavor,
    /// The Django model, or the SQLAlchemy entity `filter_by` applies to.
    entity: String,
    /// Django `values(…)` fields, grouped by a following `annotate`.
    values: Vec<String>,
}

pub(super) fn collect(file: &SourceFile) -> Vec<QueryFact> {
    if !PREFILTER.iter().any(|w| file.text.contains(w)) {
        return Vec::new();
    }
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    let mut reader = Reader {
        file,
        facts: Facts::new(file, &GRAMMAR),
        states: Vec::new(),
    };
    read_chains(file, &GRAMMAR, tree.root_node(), |chain| {
        reader.chain(chain)
    });
    reader.facts.finish()
}

struct Reader<'f> {
    file: &'f SourceFile,
    facts: Facts<'f>,
    /// Per fact, parallel to the facts.
    states: Vec<State>,
}

impl Reader<'_> {
    fn chain(&mut self, chain: &Chain<'_, '_>) {
        let index = self
            .continued(chain)
            .or_else(|| self.django(chain))
            .or_else(|| self.sqlalchemy(chain));
        let Some(index) = index else {
            self.bound_arguments(chain);
            return;
        };
        if let Some(name) = assigned_name(self.file, chain) {
            self.facts.bind(chain, name, index);
        }
    }

    fn start(&mut self, chain: &Chain<'_, '_>, api: String, state: State) -> usize {
        let index = self.facts.start(chain, api);
        add_table(self.facts.get(index), &state.entity);
        self.states.push(state);
        index
    }

    /// A chain on a variable that holds a query: `qs.filter(…)`,
    /// `qs[:20]`, `stmt.where(…)`.
    fn continued(&mut self, chain: &Chain<'_, '_>) -> Option<usize> {
        if chain.head.len() != 1 || chain.root.kind() != "identifier" {
            return None;
        }
        let index = self.facts.bound(chain, chain.head[0])?;
        match self.states[index].flavor {
            Flavor::Django => self.django_steps(index, &chain.steps),
            Flavor::SqlAlchemy => self.sqlalchemy_steps(index, &chain.steps),
        }
        Some(index)
    }

    /// Calls given a variable that holds a query: a paginator bounds it,
    /// `session.execute(stmt).first()` runs it bounded.
    fn bound_arguments(&mut self, chain: &Chain<'_, '_>) {
        for (position, step) in chain.steps.iter().enumerate() {
            let Some(args) = step.args() else {
                continue;
            };
            let mut cursor = args.walk();
            for arg in args.named_children(&mut cursor) {
                if arg.kind() != "identifier" {
                    continue;
                }
                let Some(index) = self.facts.bound(chain, self.file.text_of(arg)) else {
                    continue;
                };
                let later = chain.steps[position + 1..].iter().map(|s| s.name);
                let limited = PAGINATORS.contains(&step.name)
                    || matches!(step.name, "scalar" | "first_or_404" | "one_or_404")
                    || (EXECUTE.contains(&step.name)
                        && later.clone().any(|m| SQLALCHEMY_LIMITING.contains(&m)));
                if limited {
                    self.facts.get(index).limited = true;
                }
            }
        }
    }

    // ----- Django -----

    fn django(&mut self, chain: &Chain<'_, '_>) -> Option<usize> {
        let first = chain.steps.first()?;
        if let [.., model, manager] = chain.head.as_slice() {
            let is_manager = DJANGO_METHODS.contains(&first.name)
                && (*manager == "objects"
                    || (*manager != "query"
                        && !manager.starts_with('_')
                        && manager.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                        && self.is_django_model(model)));
            if !is_capitalised(model) || !is_manager || first.args().is_none() {
                return None;
            }
            let api = chain.api(".", 1);
            let state = State {
                flavor: Flavor::Django,
                entity: (*model).to_string(),
                values: Vec::new(),
            };
            let index = self.start(chain, api, state);
            self.django_steps(index, &chain.steps);
            return Some(index);
        }
        // `get_object_or_404(Order, pk=pk)`, `get_list_or_404(Order, …)`.
        if chain.head.is_empty() && chain.steps.len() == 1 {
            let limited = match first.name {
                "get_object_or_404" => true,
                "get_list_or_404" => false,
                _ => return None,
            };
            let args = first.args()?;
            let model = args.named_child(0).filter(|m| m.kind() == "identifier")?;
            let model = self.file.text_of(model);
            if !is_capitalised(model) {
                return None;
            }
            let state = State {
                flavor: Flavor::Django,
                entity: model.to_string(),
                values: Vec::new(),
            };
            let index = self.start(chain, first.name.to_string(), state);
            let fact = self.facts.get(index);
            fact.limited = limited;
            django_lookups(self.file, fact, model, args);
            return Some(index);
        }
        None
    }

    /// A custom manager's model is a model when the file imports it from
    /// a models module or uses Django.
    fn is_django_model(&self, model: &str) -> bool {
        let imports = self.file.imports();
        imports
            .binding(model)
            .is_some_and(|path| path.contains("models"))
            || imports.modules().iter().any(|m| m.starts_with("django"))
    }

    fn django_steps(&mut self, index: usize, steps: &[Step<'_>]) {
        let file = self.file;
        let model = self.states[index].entity.clone();
        for step in steps {
            let fact = self.facts.get(index);
            match (step.name, step.kind) {
                ("", StepKind::Index(index))
                    if index.kind() != "slice" || slice_has_stop(file.text_of(index)) =>
                {
                    fact.limited = true;
                }
                (name, StepKind::Call(args)) => {
                    if DJANGO_LIMITING.contains(&name) {
                        fact.limited = true;
                    }
                    match name {
                        "filter" | "exclude" | "get" | "get_or_create" | "update_or_create" => {
                            django_lookups(file, fact, &model, args);
                        }
                        "order_by" => {
                            for field in django_field_names(file, args) {
                                let field = field.trim_start_matches(['-', '+']);
                                if field != "?" {
                                    django_field(fact, &model, field, Clause::OrderBy);
                                }
                            }
                        }
                        "values" | "values_list" => {
                            self.states[index].values = django_field_names(file, args);
                        }
                        "annotate" => {
                            for field in std::mem::take(&mut self.states[index].values) {
                                django_field(
                                    self.facts.get(index),
                                    &model,
                                    &field,
                                    Clause::GroupBy,
                                );
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
    }

    // ----- SQLAlchemy / SQLModel -----

    fn sqlalchemy(&mut self, chain: &Chain<'_, '_>) -> Option<usize> {
        let file = self.file;
        // `session.query(User)…`: the first step named `query` on any
        // receiver, given a model.
        if let Some(position) = chain.position("query") {
            let step = &chain.steps[position];
            let models = entities(file, step.args()?);
            let model = models.first()?.clone();
            let receiver = chain.api(".", position);
            let next = chain.steps.get(position + 1).map_or("", |s| s.name);
            let api = if next.is_empty() {
                format!("{receiver}.query({model})")
            } else {
                format!("{receiver}.query({model}).{next}")
            };
            let index = self.start(chain, api, sqlalchemy_state(&model));
            for other in &models[1..] {
                add_table(self.facts.get(index), other);
            }
            self.sqlalchemy_steps(index, &chain.steps[position + 1..]);
            return Some(index);
        }
        // Flask-SQLAlchemy: `User.query.filter_by(…)`.
        if let [.., model, "query"] = chain.head.as_slice() {
            if !is_capitalised(model) || chain.steps.first()?.args().is_none() {
                return None;
            }
            let index = self.start(chain, chain.api(".", 1), sqlalchemy_state(model));
            self.sqlalchemy_steps(index, &chain.steps);
            return Some(index);
        }
        let first = chain.steps.first()?;
        // `select(Order)`, `sa.select(Order.id)`, `update(User)`.
        if matches!(first.name, "select" | "update" | "delete") {
            let mut callee = chain.head.join(".");
            if !callee.is_empty() {
                callee.push('.');
            }
            callee.push_str(first.name);
            let resolved = file.imports().resolve(&callee);
            if !resolved.starts_with("sqlalchemy") && !resolved.starts_with("sqlmodel") {
                return None;
            }
            let models = entities(file, first.args()?);
            let model = models.first()?.clone();
            let api = match chain.steps.get(1) {
                Some(next) => format!("{callee}({model}).{}", next.name),
                None => format!("{callee}({model})"),
            };
            let index = self.start(chain, api, sqlalchemy_state(&model));
            for other in &models[1..] {
                add_table(self.facts.get(index), other);
            }
            self.sqlalchemy_steps(index, &chain.steps[1..]);
            self.consumer(index, chain);
            return Some(index);
        }
        // `session.get(User, user_id)`: by primary key.
        if let (Some(receiver), "get" | "get_one" | "get_or_404") = (chain.head.last(), first.name)
        {
            let lower = receiver.to_ascii_lowercase();
            if !(lower.contains("session") || lower == "db") {
                return None;
            }
            let model = first.args()?.named_child(0)?;
            let model = file.text_of(model);
            if !is_capitalised(model) {
                return None;
            }
            let index = self.start(chain, chain.api(".", 1), sqlalchemy_state(model));
            self.facts.get(index).limited = true;
            return Some(index);
        }
        None
    }

    /// `session.execute(select(…)).scalar_one()`: the statement is bounded
    /// by how the session runs it.
    fn consumer(&mut self, index: usize, chain: &Chain<'_, '_>) {
        let [.., call, arguments] = chain.ancestors else {
            return;
        };
        if arguments.kind() != "argument_list" {
            return;
        }
        let Some(callee) = call.child_by_field_name("function") else {
            return;
        };
        let method = match callee.kind() {
            "attribute" => callee
                .child_by_field_name("attribute")
                .map_or("", |a| self.file.text_of(a)),
            _ => "",
        };
        if matches!(
            method,
            "scalar" | "first_or_404" | "one_or_404" | "paginate"
        ) {
            self.facts.get(index).limited = true;
        } else if EXECUTE.contains(&method) {
            let above = &chain.ancestors[..chain.ancestors.len() - 2];
            let later = methods_after(self.file, &GRAMMAR, *call, above);
            if later.iter().any(|m| SQLALCHEMY_LIMITING.contains(m)) {
                self.facts.get(index).limited = true;
            }
        }
    }

    fn sqlalchemy_steps(&mut self, index: usize, steps: &[Step<'_>]) {
        let file = self.file;
        for step in steps {
            let StepKind::Call(args) = step.kind else {
                if let StepKind::Index(_) = step.kind {
                    self.facts.get(index).limited = true;
                }
                continue;
            };
            if SQLALCHEMY_LIMITING.contains(&step.name) {
                self.facts.get(index).limited = true;
            }
            let clause = match step.name {
                "filter" | "where" => Clause::Where,
                "order_by" => Clause::OrderBy,
                "group_by" => Clause::GroupBy,
                "filter_by" => {
                    let entity = self.states[index].entity.clone();
                    let fact = self.facts.get(index);
                    for name in keyword_arguments(file, args) {
                        add_use(fact, &entity, name, Clause::Where);
                    }
                    continue;
                }
                "join" | "outerjoin" | "join_from" | "select_from" => {
                    let mut cursor = args.walk();
                    let mut target = None;
                    for arg in args.named_children(&mut cursor) {
                        if arg.kind() == "identifier" && is_capitalised(file.text_of(arg)) {
                            target = Some(file.text_of(arg));
                            add_table(self.facts.get(index), file.text_of(arg));
                        } else if arg.kind() != "keyword_argument" {
                            add_columns(file, self.facts.get(index), arg, Clause::Join);
                        }
                    }
                    if let (Some(target), false) = (target, step.name == "select_from") {
                        self.states[index].entity = target.to_string();
                    }
                    continue;
                }
                _ => continue,
            };
            let fact = self.facts.get(index);
            let mut cursor = args.walk();
            for arg in args.named_children(&mut cursor) {
                add_columns(file, fact, arg, clause);
            }
        }
    }
}

fn sqlalchemy_state(model: &str) -> State {
    State {
        flavor: Flavor::SqlAlchemy,
        entity: model.to_string(),
        values: Vec::new(),
    }
}

/// `qs = …` / `qs: QuerySet = …`: the variable a chain is assigned to.
fn assigned_name<'t>(file: &'t SourceFile, chain: &Chain<'_, 't>) -> Option<&'t str> {
    let (parent, child) = chain.outer(&["parenthesized_expression", "await"])?;
    if parent.kind() != "assignment" {
        return None;
    }
    let right = parent.child_by_field_name("right")?;
    if right.id() != child.id() {
        return None;
    }
    let left = parent.child_by_field_name("left")?;
    (left.kind() == "identifier").then(|| file.text_of(left))
}

/// `[:20]` and `[10:30]` bound a queryset; `[10:]` does not.
fn slice_has_stop(text: &str) -> bool {
    text.split(':')
        .nth(1)
        .is_some_and(|stop| !stop.trim().is_empty())
}

/// The names of a call's keyword arguments.
fn keyword_arguments<'t>(file: &'t SourceFile, args: Node<'_>) -> Vec<&'t str> {
    let mut cursor = args.walk();
    let names = args
        .named_children(&mut cursor)
        .filter(|arg| arg.kind() == "keyword_argument")
        .filter_map(|arg| arg.child_by_field_name("name"))
        .map(|name| file.text_of(name))
        .collect();
    names
}

/// Keyword lookups of a filter call and of the `Q(…)` objects among its
/// positional arguments.
fn django_lookups(file: &SourceFile, fact: &mut QueryFact, model: &str, args: Node<'_>) {
    for name in keyword_arguments(file, args) {
        if matches!(name, "defaults" | "create_defaults") {
            continue;
        }
        django_field(fact, model, name, Clause::Where);
    }
    let mut cursor = args.walk();
    for arg in args.named_children(&mut cursor) {
        if arg.kind() == "keyword_argument" {
            continue;
        }
        walk(arg, |node| match node.kind() {
            "call" => {
                let callee = node
                    .child_by_field_name("function")
                    .map_or("", |f| file.text_of(f));
                if callee != "Q" && callee != "models.Q" {
                    return false;
                }
                if let Some(inner) = node.child_by_field_name("arguments") {
                    for name in keyword_arguments(file, inner) {
                        django_field(fact, model, name, Clause::Where);
                    }
                }
                true
            }
            "binary_operator"
            | "unary_operator"
            | "parenthesized_expression"
            | "argument_list"
            | "not_operator"
            | "boolean_operator" => true,
            _ => node.id() == arg.id() && node.kind() != "lambda",
        });
    }
}

/// `status`, `created_at__date__gte` → `created_at`; `user__email` joins
/// on `user` (the related model is unknown here).
fn django_field(fact: &mut QueryFact, model: &str, lookup: &str, clause: Clause) {
    let mut parts = lookup.split("__");
    let Some(field) = parts.next() else {
        return;
    };
    if field.is_empty() {
        return;
    }
    match parts.next() {
        Some(next) if !DJANGO_LOOKUPS.contains(&next) => {
            add_use(fact, model, field, Clause::Join);
        }
        _ => add_use(fact, model, field, clause),
    }
}

/// The field names of `order_by("-created_at", F("name").desc())` and
/// `values("status")`.
fn django_field_names(file: &SourceFile, args: Node<'_>) -> Vec<String> {
    let mut names = Vec::new();
    let mut cursor = args.walk();
    for arg in args.named_children(&mut cursor) {
        if let Some(value) = string_value(file, arg) {
            names.push(value.to_string());
            continue;
        }
        // `F("name").desc(nulls_last=True)`, `F("name")`.
        let mut node = arg;
        for _ in 0..4 {
            if node.kind() != "call" {
                break;
            }
            let Some(function) = node.child_by_field_name("function") else {
                break;
            };
            let callee = file.text_of(function);
            if callee == "F" || callee == "models.F" {
                if let Some(name) = node
                    .child_by_field_name("arguments")
                    .and_then(|a| a.named_child(0))
                    .and_then(|a| string_value(file, a))
                {
                    let sign = if file.text_of(arg).contains(".desc(") {
                        "-"
                    } else {
                        ""
                    };
                    names.push(format!("{sign}{name}"));
                }
                break;
            }
            match function.kind() {
                "attribute" => match function.child_by_field_name("object") {
                    Some(object) => node = object,
                    None => break,
                },
                _ => break,
            }
        }
    }
    names
}

/// The models a `query(…)`/`select(…)` reads: `User`, `User.id`.
fn entities(file: &SourceFile, args: Node<'_>) -> Vec<String> {
    let mut models: Vec<String> = Vec::new();
    let mut cursor = args.walk();
    for arg in args.named_children(&mut cursor) {
        let name = match arg.kind() {
            "identifier" => Some(file.text_of(arg)),
            "attribute" => arg
                .child_by_field_name("object")
                .filter(|o| o.kind() == "identifier")
                .map(|o| file.text_of(o)),
            _ => None,
        };
        if let Some(name) = name.filter(|n| is_capitalised(n)) {
            if !models.iter().any(|m| m == name) {
                models.push(name.to_string());
            }
        }
    }
    models
}

/// `Model.attr` when `node` is one: a capitalised model and an attribute
/// that is neither a constant nor private.
fn model_attribute<'t>(file: &'t SourceFile, node: Node<'_>) -> Option<(&'t str, &'t str)> {
    if node.kind() != "attribute" {
        return None;
    }
    let object = node.child_by_field_name("object")?;
    let attr = node.child_by_field_name("attribute")?;
    if object.kind() != "identifier" {
        return None;
    }
    let model = file.text_of(object);
    let attr = file.text_of(attr);
    let constant = !attr.chars().any(|c| c.is_ascii_lowercase());
    (is_capitalised(model) && !constant && !attr.starts_with('_')).then_some((model, attr))
}

/// The `Model.attr` columns a condition or ordering expression uses:
/// `User.email == x`, `User.age.in_(…)`, `and_(…)`, `col(Hero.age) >= 3`,
/// `Order.created_at.desc()`. Values compared against are not read, and
/// subqueries are left to their own chains. A column on the right of a
/// comparison with a column (`Order.user_id == User.id`) comes with
/// `true`: it may be a value such as an enum member (`Order.status ==
/// Status.paid`), so callers keep it only for models the query reads.
fn model_attributes<'t>(file: &'t SourceFile, expr: Node<'t>) -> Vec<(&'t str, &'t str, bool)> {
    let mut found: Vec<(&str, &str, bool)> = Vec::new();
    let mut stack = vec![(expr, 0usize, false)];
    while let Some((node, depth, right)) = stack.pop() {
        if depth > MAX_NESTING {
            continue;
        }
        if let Some((model, attr)) = model_attribute(file, node) {
            if !found.iter().any(|(m, a, _)| *m == model && *a == attr) {
                found.push((model, attr, right));
            }
            continue;
        }
        let mut children: Vec<(Node<'t>, bool)> = Vec::new();
        match node.kind() {
            "comparison_operator" => {
                let mut cursor = node.walk();
                let operands: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                // The column is on the left and the right side is the
                // value, unless the comparison is written the other way
                // round.
                match operands.as_slice() {
                    [left, rest @ ..] if holds_column(file, *left) => {
                        children.push((*left, right));
                        children.extend(
                            rest.iter()
                                .filter(|r| holds_column(file, **r))
                                .map(|r| (*r, true)),
                        );
                    }
                    _ => children.extend(operands.iter().map(|o| (*o, right))),
                }
            }
            "call" => {
                let Some(function) = node.child_by_field_name("function") else {
                    continue;
                };
                let callee = file.text_of(function);
                if callee == "select" || callee.ends_with(".select") || callee == "text" {
                    continue;
                }
                let receiver = (function.kind() == "attribute")
                    .then(|| function.child_by_field_name("object"))
                    .flatten()
                    .filter(|object| holds_column(file, *object));
                if let Some(object) = receiver {
                    // `User.email.in_(values)`: the receiver only.
                    children.push((object, right));
                } else if let Some(args) = node.child_by_field_name("arguments") {
                    children.push((args, right));
                }
            }
            "attribute" => {
                if let Some(object) = node.child_by_field_name("object") {
                    children.push((object, right));
                }
            }
            "boolean_operator"
            | "binary_operator"
            | "unary_operator"
            | "not_operator"
            | "parenthesized_expression"
            | "argument_list"
            | "tuple"
            | "list" => {
                let mut cursor = node.walk();
                children.extend(node.named_children(&mut cursor).map(|c| (c, right)));
            }
            _ => {}
        }
        // Source order: the stack pops the last pushed first.
        stack.extend(children.into_iter().rev().map(|(c, r)| (c, depth + 1, r)));
    }
    found
}

/// Adds the columns of `expr` to a fact under `clause`.
fn add_columns(file: &SourceFile, fact: &mut QueryFact, expr: Node<'_>, clause: Clause) {
    for (model, attr, right) in model_attributes(file, expr) {
        if !right || clause == Clause::Join || fact.tables.iter().any(|t| t == model) {
            add_use(fact, model, attr, clause);
        }
    }
}

/// True when `node` is or wraps a `Model.attr` (`col(Hero.age)`,
/// `func.lower(User.email)`, `User.name.lower()`).
fn holds_column(file: &SourceFile, node: Node<'_>) -> bool {
    let mut current = node;
    for _ in 0..MAX_NESTING {
        if model_attribute(file, current).is_some() {
            return true;
        }
        match current.kind() {
            "call" => {
                let function = current.child_by_field_name("function");
                if let Some(object) = function
                    .filter(|f| f.kind() == "attribute")
                    .and_then(|f| f.child_by_field_name("object"))
                {
                    if model_attribute(file, object).is_some() {
                        return true;
                    }
                }
                match current
                    .child_by_field_name("arguments")
                    .and_then(|a| a.named_child(0))
                {
                    Some(first) => current = first,
                    None => return false,
                }
            }
            "parenthesized_expression" | "unary_operator" => match current.named_child(0) {
                Some(inner) => current = inner,
                None => return false,
            },
            _ => return false,
        }
    }
    false
}
