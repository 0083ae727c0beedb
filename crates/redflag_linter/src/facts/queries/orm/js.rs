//! Prisma, TypeORM, Sequelize and Mongoose queries in JavaScript and
//! TypeScript.
//!
//! - Prisma: `<client>.<model>.<method>({ where, orderBy, take, cursor,
//!   by })` on any client chain (`prisma`, `this.prisma`, `tx`, `ctx.db`).
//! - TypeORM: repositories the file binds to an entity (`@InjectRepository`,
//!   `Repository<Order>`, `getRepository(Order)`), entity managers
//!   (`manager.find(Order, …)`), ActiveRecord entities, and query builders
//!   whose condition strings (`"o.status = :status"`) are read against
//!   their aliases.
//! - Sequelize: `Model.findAll({ where, order, limit, include })` and the
//!   other static finders.
//! - Mongoose: `Model.find(filter).sort(…).limit(n)`, facts marked with an
//!   api starting `mongoose:`.
//!
//! A capitalised receiver counts as a model only with evidence: imported
//! from the project's own modules, declared as a model in the file, or in
//! a file that imports the ORM. `array.find(fn)` and `Map.get` never
//! reach a recogniser.

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use redflag_syntax::tree_sitter::Node;

use super::{
    add_table, add_use, flatten, is_capitalised, read_chains, string_value, Chain, Facts, Grammar,
    Step, MAX_NESTING,
};
use crate::facts::data::{Clause, QueryFact};
use crate::facts::routes::walk;
use crate::semantics::compact;
use crate::source::SourceFile;

static GRAMMAR: Grammar = Grammar {
    call: "call_expression",
    member: "member_expression",
    member_object: "object",
    member_property: "property",
    subscript: None,
    wrappers: &[
        "parenthesized_expression",
        "await_expression",
        "non_null_expression",
        "as_expression",
        "satisfies_expression",
    ],
    names: &["identifier", "this", "super"],
    functions: &[
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function_declaration",
        "generator_function",
    ],
    loops: &[
        ("for_statement", Some("initializer")),
        ("for_in_statement", Some("right")),
        ("while_statement", None),
        ("do_statement", None),
    ],
    per_element: &["forEach", "map", "flatMap", "reduce"],
};

/// Words a file must contain to be read.
const PREFILTER: &[&str] = &[
    "prisma",
    "findMany",
    "findFirst",
    "findUnique",
    "typeorm",
    "Repository",
    "createQueryBuilder",
    "sequelize",
    "findAll",
    "mongoose",
    "models",
    "getRepository",
    "InjectModel",
    ".findOne",
    ".findBy",
];

/// Prisma model delegate methods that read or write by a filter.
const PRISMA_METHODS: &[&str] = &[
    "findMany",
    "findFirst",
    "findFirstOrThrow",
    "findUnique",
    "findUniqueOrThrow",
    "count",
    "aggregate",
    "groupBy",
    "updateMany",
    "deleteMany",
    "update",
    "delete",
    "upsert",
];

/// Prisma methods that other libraries share; they need a Prisma client
/// by import or name.
const PRISMA_SHARED: &[&str] = &["count", "update", "delete"];

/// Prisma methods that return one row or a number.
const PRISMA_LIMITING: &[&str] = &[
    "findFirst",
    "findFirstOrThrow",
    "findUnique",
    "findUniqueOrThrow",
    "count",
    "aggregate",
    "update",
    "delete",
    "upsert",
];

/// Prisma field filter operators: an object of these is a condition on
/// the key, anything else is a relation filter.
const PRISMA_OPERATORS: &[&str] = &[
    "equals",
    "in",
    "notIn",
    "lt",
    "lte",
    "gt",
    "gte",
    "not",
    "contains",
    "startsWith",
    "endsWith",
    "mode",
    "search",
    "has",
    "hasSome",
    "hasEvery",
    "isEmpty",
    "isSet",
    "path",
    "string_contains",
    "string_starts_with",
    "string_ends_with",
    "array_contains",
    "array_starts_with",
    "array_ends_with",
];

/// How a repository-like receiver takes its filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Takes {
    /// A find-options object (`{ where, order, take }`).
    Options,
    /// The where object itself (`findOneBy({ email })`).
    Where,
    /// A where object followed by values (`update(criteria, values)`).
    Criteria,
    /// Values, then options (`Model.update(values, { where })`).
    ValuesThenOptions,
    /// A column name, then a where object (`repo.sum("total", where)`).
    ColumnThenWhere,
    /// A column name, then options (`Model.sum("total", { where })`).
    ColumnThenOptions,
    /// A primary key: no column worth checking.
    Key,
    /// A Mongo filter (`Model.find({ email })`).
    Filter,
    /// Nothing to read.
    Nothing,
}

/// TypeORM repository (and entity manager, after the entity) methods:
/// what they take and whether they return one row or a number.
fn typeorm_method(name: &str) -> Option<(Takes, bool)> {
    Some(match name {
        "find" | "findAndCount" => (Takes::Options, false),
        "findOne" | "findOneOrFail" | "count" | "exists" => (Takes::Options, true),
        "findBy" | "findAndCountBy" => (Takes::Where, false),
        "findOneBy" | "findOneByOrFail" | "countBy" | "existsBy" => (Takes::Where, true),
        "update" | "delete" | "softDelete" | "restore" => (Takes::Criteria, false),
        "sum" | "average" | "minimum" | "maximum" => (Takes::ColumnThenWhere, true),
        _ => return None,
    })
}

/// Sequelize model static methods.
fn sequelize_method(name: &str) -> Option<(Takes, bool)> {
    Some(match name {
        "findAll" | "findAndCountAll" => (Takes::Options, false),
        "findOne" | "count" | "findOrCreate" => (Takes::Options, true),
        "findByPk" => (Takes::Key, true),
        "update" => (Takes::ValuesThenOptions, false),
        "destroy" => (Takes::Options, false),
        "max" | "min" | "sum" => (Takes::ColumnThenOptions, true),
        _ => return None,
    })
}

/// Mongoose model static methods.
fn mongoose_method(name: &str) -> Option<(Takes, bool)> {
    Some(match name {
        "find" | "deleteMany" | "updateMany" => (Takes::Filter, false),
        "findOne" | "findOneAndUpdate" | "findOneAndDelete" | "findOneAndReplace"
        | "countDocuments" | "exists" | "deleteOne" | "updateOne" | "replaceOne" => {
            (Takes::Filter, true)
        }
        "findById" | "findByIdAndUpdate" | "findByIdAndDelete" => (Takes::Key, true),
        "estimatedDocumentCount" => (Takes::Nothing, true),
        _ => return None,
    })
}

/// Keys only find options carry: an object with one is not a Mongo filter.
const OPTION_KEYS: &[&str] = &[
    "where",
    "order",
    "take",
    "skip",
    "limit",
    "offset",
    "relations",
    "include",
    "attributes",
    "select",
    "group",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Prisma,
    /// TypeORM and Sequelize find options.
    Options,
    QueryBuilder,
    Mongoose,
}

/// What a query being built remembers between steps.
#[derive(Debug, Clone)]
struct State {
    flavor: Flavor,
    entity: String,
    /// Query builder aliases → entity; `None` for a relation joined by
    /// property path (`leftJoin("o.user", "u")`), whose entity is unknown.
    aliases: Vec<(String, Option<String>)>,
}

impl State {
    fn new(flavor: Flavor, entity: &str) -> State {
        State {
            flavor,
            entity: entity.to_string(),
            aliases: Vec::new(),
        }
    }
}

/// What a receiver the file declares stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    /// A TypeORM repository of this entity.
    Repository(String),
    /// A Mongoose model (`@InjectModel(User.name) userModel: Model<…>`).
    MongooseModel(String),
    /// A Sequelize model injected by NestJS (`@InjectModel(User)`).
    SequelizeModel(String),
}

pub(super) fn collect(file: &SourceFile) -> Vec<QueryFact> {
    if !PREFILTER.iter().any(|w| file.text.contains(w)) {
        return Vec::new();
    }
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    let modules = file.imports().modules();
    let imports = |prefix: &str| modules.iter().any(|m| m.starts_with(prefix));
    let mut reader = Reader {
        file,
        facts: Facts::new(file, &GRAMMAR),
        states: Vec::new(),
        bound: HashMap::new(),
        declared_models: Vec::new(),
        locals: Locals::default(),
        prisma: imports("@prisma/client"),
        mentions_prisma: file.text.contains("prisma") || file.text.contains("Prisma"),
        mongoose: file.text.contains("mongoose"),
        typeorm: imports("typeorm"),
        sequelize: imports("sequelize") || imports("@nestjs/sequelize"),
        orm_imported: imports("typeorm")
            || imports("sequelize")
            || imports("mongoose")
            || imports("@nestjs/mongoose")
            || imports("@nestjs/sequelize"),
    };
    reader.learn(tree.root_node());
    read_chains(file, &GRAMMAR, tree.root_node(), |chain| {
        reader.chain(chain)
    });
    reader.facts.finish()
}

struct Reader<'f> {
    file: &'f SourceFile,
    facts: Facts<'f>,
    states: Vec<State>,
    /// Receivers bound to entities and models: `this.orders`, `repo`.
    bound: HashMap<String, Bound>,
    /// Models the file declares (`mongoose.model(…)`, `sequelize.define`,
    /// `class User extends Model`).
    declared_models: Vec<String>,
    locals: Locals<'f>,
    /// The file imports `@prisma/client`.
    prisma: bool,
    /// The file names Prisma anywhere (a `PrismaService`, a `prisma` import
    /// from the project).
    mentions_prisma: bool,
    /// The file names Mongoose (the import, or a schema it declares).
    mongoose: bool,
    typeorm: bool,
    sequelize: bool,
    orm_imported: bool,
}

impl<'f> Reader<'f> {
    /// The first pass: repositories and models the file declares.
    fn learn(&mut self, root: Node<'f>) {
        let file = self.file;
        walk(root, |node| {
            self.locals.learn(file, node);
            match node.kind() {
                "required_parameter" | "optional_parameter" => {
                    let Some(name) = node.child_by_field_name("pattern") else {
                        return true;
                    };
                    if name.kind() != "identifier" {
                        return true;
                    }
                    let this =
                        has_child(node, "accessibility_modifier") || has_child(node, "readonly");
                    let key = if this {
                        format!("this.{}", file.text_of(name))
                    } else {
                        file.text_of(name).to_string()
                    };
                    if let Some(bound) = self.declared_binding(node) {
                        self.bound.insert(key, bound);
                    }
                }
                "public_field_definition" | "field_definition" => {
                    let Some(name) = node
                        .child_by_field_name("name")
                        .or_else(|| node.child_by_field_name("property"))
                    else {
                        return true;
                    };
                    let key = format!("this.{}", file.text_of(name));
                    let bound = self.declared_binding(node).or_else(|| {
                        node.child_by_field_name("value")
                            .and_then(|v| self.repository_of(v))
                    });
                    if let Some(bound) = bound {
                        self.bound.insert(key, bound);
                    }
                }
                "variable_declarator" => {
                    let (Some(name), Some(value)) = (
                        node.child_by_field_name("name"),
                        node.child_by_field_name("value"),
                    ) else {
                        return true;
                    };
                    if name.kind() != "identifier" {
                        return true;
                    }
                    let name = file.text_of(name);
                    if let Some(bound) = self.repository_of(value) {
                        self.bound.insert(name.to_string(), bound);
                    } else if declares_model(file, value) && is_capitalised(name) {
                        self.declared_models.push(name.to_string());
                    }
                }
                "assignment_expression" => {
                    let (Some(left), Some(right)) = (
                        node.child_by_field_name("left"),
                        node.child_by_field_name("right"),
                    ) else {
                        return true;
                    };
                    if let Some(bound) = self.repository_of(right) {
                        self.bound.insert(compact(file.text_of(left)), bound);
                    }
                }
                "class_declaration" | "class" => {
                    let name = node.child_by_field_name("name").map(|n| file.text_of(n));
                    let heritage = {
                        let mut cursor = node.walk();
                        let found = node
                            .children(&mut cursor)
                            .find(|c| c.kind() == "class_heritage")
                            .map(|h| file.text_of(h));
                        found
                    };
                    if let (Some(name), Some(heritage)) = (name, heritage) {
                        if heritage.contains("Model") || heritage.contains("BaseEntity") {
                            self.declared_models.push(name.to_string());
                        }
                    }
                }
                _ => {}
            }
            true
        });
    }

    /// `@InjectRepository(Order)`, `Repository<Order>`, `@InjectModel(…)`
    /// on a parameter or field.
    fn declared_binding(&self, node: Node<'_>) -> Option<Bound> {
        let file = self.file;
        let mut cursor = node.walk();
        for decorator in node
            .children(&mut cursor)
            .filter(|c| c.kind() == "decorator")
        {
            let Some(call) = decorator
                .named_child(0)
                .filter(|c| c.kind() == "call_expression")
            else {
                continue;
            };
            let callee = call
                .child_by_field_name("function")
                .map_or("", |f| file.text_of(f));
            let Some(arg) = call
                .child_by_field_name("arguments")
                .and_then(|a| a.named_child(0))
            else {
                continue;
            };
            match (callee, arg.kind()) {
                ("InjectRepository", "identifier") => {
                    return Some(Bound::Repository(file.text_of(arg).to_string()));
                }
                // `@InjectModel(User.name)` (Mongoose) and
                // `@InjectModel(User)` (Sequelize).
                ("InjectModel", "member_expression") => {
                    let model = arg.child_by_field_name("object")?;
                    return Some(Bound::MongooseModel(file.text_of(model).to_string()));
                }
                ("InjectModel", "string") => {
                    let model = string_value(file, arg)?;
                    return Some(Bound::MongooseModel(model.to_string()));
                }
                ("InjectModel", "identifier") => {
                    return Some(Bound::SequelizeModel(file.text_of(arg).to_string()));
                }
                _ => {}
            }
        }
        let annotation = node.child_by_field_name("type")?;
        let generic = annotation
            .named_child(0)
            .filter(|t| t.kind() == "generic_type")?;
        let name = generic
            .child_by_field_name("name")
            .map_or("", |n| file.text_of(n));
        let argument = generic
            .child_by_field_name("type_arguments")
            .and_then(|a| a.named_child(0))
            .map(|a| file.text_of(a))?;
        match name {
            "Repository" | "MongoRepository" | "TreeRepository" => {
                Some(Bound::Repository(argument.to_string()))
            }
            _ => None,
        }
    }

    /// `dataSource.getRepository(Order)`, `getRepository(Order)`.
    fn repository_of(&self, value: Node<'_>) -> Option<Bound> {
        let value = unwrap(value);
        if value.kind() != "call_expression" {
            return None;
        }
        let chain = flatten(self.file, &GRAMMAR, value, &[])?;
        let last = chain.steps.last()?;
        if last.name != "getRepository" && last.name != "getMongoRepository" {
            return None;
        }
        let entity = last.args()?.named_child(0)?;
        (entity.kind() == "identifier")
            .then(|| Bound::Repository(self.file.text_of(entity).to_string()))
    }

    fn start(&mut self, chain: &Chain<'_, 'f>, api: String, state: State) -> usize {
        let index = self.facts.start(chain, api);
        add_table(self.facts.get(index), &state.entity);
        self.states.push(state);
        index
    }

    fn chain(&mut self, chain: &Chain<'_, 'f>) {
        let index = self
            .continued(chain)
            .or_else(|| self.prisma(chain))
            .or_else(|| self.repository(chain))
            .or_else(|| self.model(chain));
        // Variables that hold a query still being built; the others hold
        // results.
        let Some(index) = index else {
            return;
        };
        if matches!(
            self.states[index].flavor,
            Flavor::QueryBuilder | Flavor::Mongoose
        ) {
            if let Some(name) = assigned_name(self.file, chain) {
                self.facts.bind(chain, name, index);
            }
        }
    }

    /// A chain on a variable holding a query: `qb.andWhere(…)`,
    /// `query.sort(…)`.
    fn continued(&mut self, chain: &Chain<'_, 'f>) -> Option<usize> {
        if chain.head.len() != 1 || chain.root.kind() != "identifier" {
            return None;
        }
        let index = self.facts.bound(chain, chain.head[0])?;
        self.steps(index, &chain.steps);
        Some(index)
    }

    fn steps(&mut self, index: usize, steps: &[Step<'_>]) {
        match self.states[index].flavor {
            Flavor::QueryBuilder => self.builder_steps(index, steps),
            Flavor::Mongoose => self.mongoose_steps(index, steps),
            Flavor::Prisma | Flavor::Options => {}
        }
    }

    // ----- Prisma -----

    fn prisma(&mut self, chain: &Chain<'_, 'f>) -> Option<usize> {
        let step = chain.steps.first()?;
        if !PRISMA_METHODS.contains(&step.name) {
            return None;
        }
        let args = step.args()?;
        let [client @ .., model] = chain.head.as_slice() else {
            return None;
        };
        let client_last = client.last()?;
        let model_ok = model.starts_with(|c: char| c.is_ascii_lowercase());
        if !model_ok || *client_last == "query" || client == ["this"] {
            return None;
        }
        let named = client
            .iter()
            .any(|s| s.to_ascii_lowercase().contains("prisma"));
        let conventional = client.iter().any(|s| matches!(*s, "db" | "tx" | "prisma"));
        let accepted = self.prisma
            || named
            || (conventional && (self.mentions_prisma || !PRISMA_SHARED.contains(&step.name)));
        if !accepted {
            return None;
        }
        let api = callee_text(self.file, step.node);
        let index = self.start(chain, api, State::new(Flavor::Prisma, model));
        let file = self.file;
        let fact = self.facts.get(index);
        fact.limited = PRISMA_LIMITING.contains(&step.name);
        if let Some((options, _)) = args
            .named_child(0)
            .and_then(|a| self.locals.object(file, a))
        {
            prisma_options(file, &self.locals, fact, model, options);
        }
        Some(index)
    }

    // ----- TypeORM repositories, entity managers and query builders -----

    fn repository(&mut self, chain: &Chain<'_, 'f>) -> Option<usize> {
        match self.bound_receiver(chain) {
            Some((position, bound)) => self.bound_query(chain, position, bound),
            None => self.manager(chain),
        }
    }

    fn bound_query(
        &mut self,
        chain: &Chain<'_, 'f>,
        position: usize,
        bound: Bound,
    ) -> Option<usize> {
        let file = self.file;
        let step = chain.steps.get(position)?;
        let args = step.args()?;
        match bound {
            Bound::Repository(entity) if step.name == "createQueryBuilder" => {
                let alias = args
                    .named_child(0)
                    .and_then(|a| string_value(file, a))
                    .unwrap_or_default();
                let mut state = State::new(Flavor::QueryBuilder, &entity);
                state
                    .aliases
                    .push((alias.to_string(), Some(entity.clone())));
                let api = callee_text(file, step.node);
                let index = self.start(chain, api, state);
                self.builder_steps(index, &chain.steps[position + 1..]);
                Some(index)
            }
            Bound::Repository(entity) => {
                let (takes, limited) = typeorm_method(step.name)?;
                let api = callee_text(file, step.node);
                let index = self.start(chain, api, State::new(Flavor::Options, &entity));
                let fact = self.facts.get(index);
                fact.limited = limited;
                read_arguments(file, &self.locals, fact, &entity, takes, args, 0);
                Some(index)
            }
            Bound::SequelizeModel(model) => {
                let (takes, limited) = sequelize_method(step.name)?;
                let api = callee_text(file, step.node);
                let index = self.start(chain, api, State::new(Flavor::Options, &model));
                let fact = self.facts.get(index);
                fact.limited = limited;
                read_arguments(file, &self.locals, fact, &model, takes, args, 0);
                Some(index)
            }
            Bound::MongooseModel(model) => {
                let (takes, limited) = mongoose_method(step.name)?;
                let api = format!("mongoose:{}", callee_text(file, step.node));
                self.mongoose_query(chain, position, api, &model, takes, limited)
            }
        }
    }

    /// The first step on a receiver bound to an entity: `this.orders.find`,
    /// `dataSource.getRepository(Order).findOneBy`.
    fn bound_receiver(&self, chain: &Chain<'_, 'f>) -> Option<(usize, Bound)> {
        if !chain.head.is_empty() {
            if let Some(bound) = self.bound.get(&chain.head.join(".")) {
                return Some((0, bound.clone()));
            }
        }
        let position = chain
            .steps
            .iter()
            .position(|s| s.name == "getRepository" || s.name == "getMongoRepository")?;
        let entity = chain.steps[position].args()?.named_child(0)?;
        (entity.kind() == "identifier").then(|| {
            (
                position + 1,
                Bound::Repository(self.file.text_of(entity).to_string()),
            )
        })
    }

    /// `manager.find(Order, { where })`, `em.createQueryBuilder(Order, "o")`,
    /// `dataSource.createQueryBuilder().from(Order, "o")`.
    fn manager(&mut self, chain: &Chain<'_, 'f>) -> Option<usize> {
        let file = self.file;
        let receiver = chain.head.last()?.to_ascii_lowercase();
        let is_manager = receiver.ends_with("manager")
            || receiver == "em"
            || receiver.ends_with("datasource")
            || receiver == "connection";
        if !is_manager {
            return None;
        }
        let step = chain.steps.first()?;
        let args = step.args()?;
        let entity = args
            .named_child(0)
            .filter(|a| a.kind() == "identifier")
            .map(|a| file.text_of(a))
            .filter(|a| is_capitalised(a));
        if step.name == "createQueryBuilder" {
            let mut state = State::new(Flavor::QueryBuilder, entity.unwrap_or(""));
            if let (Some(entity), Some(alias)) = (
                entity,
                args.named_child(1).and_then(|a| string_value(file, a)),
            ) {
                state
                    .aliases
                    .push((alias.to_string(), Some(entity.to_string())));
            }
            let api = callee_text(file, step.node);
            let index = self.start(chain, api, state);
            self.builder_steps(index, &chain.steps[1..]);
            return Some(index);
        }
        let entity = entity?;
        let (takes, limited) = typeorm_method(step.name)?;
        let api = callee_text(file, step.node);
        let index = self.start(chain, api, State::new(Flavor::Options, entity));
        let fact = self.facts.get(index);
        fact.limited = limited;
        read_arguments(file, &self.locals, fact, entity, takes, args, 1);
        Some(index)
    }

    fn builder_steps(&mut self, index: usize, steps: &[Step<'_>]) {
        let file = self.file;
        for step in steps {
            let Some(args) = step.args() else {
                continue;
            };
            let first = args.named_child(0);
            let text = first.and_then(|a| string_value(file, a));
            let state = &mut self.states[index];
            match step.name {
                "from" | "update" | "delete" | "insert" => {
                    if let Some(entity) = first
                        .filter(|a| a.kind() == "identifier")
                        .map(|a| file.text_of(a))
                    {
                        if state.entity.is_empty() {
                            state.entity = entity.to_string();
                        }
                        let alias = args.named_child(1).and_then(|a| string_value(file, a));
                        state.aliases.push((
                            alias.unwrap_or(entity).to_string(),
                            Some(entity.to_string()),
                        ));
                        add_table(self.facts.get(index), entity);
                    }
                }
                name if name.contains("Join") || name == "join" => {
                    let alias = args.named_child(1).and_then(|a| string_value(file, a));
                    if let Some(path) = text {
                        // `leftJoinAndSelect("o.user", "u")`: the relation.
                        let entity = resolve_alias(state, path).map(|(e, c)| (e.to_string(), c));
                        if let Some((entity, column)) = entity {
                            add_use(self.facts.get(index), &entity, &column, Clause::Join);
                        }
                        if let Some(alias) = alias {
                            self.states[index].aliases.push((alias.to_string(), None));
                        }
                    } else if let Some(entity) = first
                        .filter(|a| a.kind() == "identifier")
                        .map(|a| file.text_of(a))
                    {
                        if let Some(alias) = alias {
                            state
                                .aliases
                                .push((alias.to_string(), Some(entity.to_string())));
                        }
                        add_table(self.facts.get(index), entity);
                    }
                    if let Some(condition) = args.named_child(2).and_then(|a| string_value(file, a))
                    {
                        builder_condition(
                            &self.states[index],
                            self.facts.get(index),
                            condition,
                            Clause::Join,
                        );
                    }
                }
                "where" | "andWhere" | "orWhere" => {
                    if let Some(condition) = text {
                        builder_condition(state, self.facts.get(index), condition, Clause::Where);
                    } else if let Some(object) = first.and_then(|a| object_value(file, a)) {
                        let entity = state.entity.clone();
                        where_object(
                            file,
                            self.facts.get(index),
                            &entity,
                            object,
                            Dialect::Options,
                        );
                    }
                }
                "orderBy" | "addOrderBy" | "groupBy" | "addGroupBy" => {
                    let clause = if step.name.ends_with("rderBy") {
                        Clause::OrderBy
                    } else {
                        Clause::GroupBy
                    };
                    if let Some(column) = text {
                        builder_condition(state, self.facts.get(index), column, clause);
                    } else if let Some(object) = first.and_then(|a| object_value(file, a)) {
                        for (key, _) in entries(file, object) {
                            if let Key::Name(key) = key {
                                builder_condition(
                                    &self.states[index],
                                    self.facts.get(index),
                                    &key,
                                    clause,
                                );
                            }
                        }
                    }
                }
                "take" | "limit" | "getOne" | "getOneOrFail" | "getCount" | "getExists"
                | "getRawOne" => self.facts.get(index).limited = true,
                _ => {}
            }
        }
    }

    // ----- Capitalised models: TypeORM ActiveRecord, Sequelize, Mongoose -----

    fn model(&mut self, chain: &Chain<'_, 'f>) -> Option<usize> {
        let file = self.file;
        let model = *chain.head.last()?;
        if model.len() < 2 || !is_capitalised(model) || !self.is_model(model) {
            return None;
        }
        let step = chain.steps.first()?;
        let args = step.args()?;
        let first = args.named_child(0).map(unwrap);
        // `Roles.find(r => …)` searches an array.
        if first.is_some_and(|f| GRAMMAR.functions.contains(&f.kind())) {
            return None;
        }
        let object = first
            .and_then(|a| self.locals.object(file, a))
            .map(|(o, _)| o);
        let options = object.is_some_and(|o| has_option_keys(file, o));
        let api = callee_text(file, step.node);
        // A filter rather than find options, in a file that imports no SQL
        // ORM, is Mongo's.
        let mongo = mongoose_method(step.name).is_some()
            && !options
            && (self.mongoose || (first.is_some() && !self.typeorm && !self.sequelize));
        if !mongo {
            let method = if self.typeorm {
                typeorm_method(step.name).or_else(|| sequelize_method(step.name))
            } else {
                sequelize_method(step.name).or_else(|| typeorm_method(step.name))
            };
            if let Some((takes, limited)) = method {
                // `User.find()` alone could be any library's.
                let ambiguous = matches!(step.name, "find" | "findOne" | "count" | "exists");
                if first.is_none() && ambiguous && !(self.typeorm || self.sequelize) {
                    return None;
                }
                let index = self.start(chain, api, State::new(Flavor::Options, model));
                let fact = self.facts.get(index);
                fact.limited = limited;
                read_arguments(file, &self.locals, fact, model, takes, args, 0);
                return Some(index);
            }
        }
        let (takes, limited) = mongoose_method(step.name)?;
        if !mongo && !self.mongoose {
            return None;
        }
        self.mongoose_query(chain, 0, format!("mongoose:{api}"), model, takes, limited)
    }

    /// Evidence that a capitalised name is a model.
    fn is_model(&self, name: &str) -> bool {
        if self.declared_models.iter().any(|m| m == name) {
            return true;
        }
        match self.file.imports().binding(name) {
            Some(path) => {
                path.starts_with('.')
                    || path.starts_with("@/")
                    || path.starts_with("~/")
                    || path.starts_with("src/")
                    || path.contains("model")
                    || path.contains("entit")
                    || path.contains("schema")
            }
            None => self.orm_imported && !is_js_global(name),
        }
    }

    fn mongoose_query(
        &mut self,
        chain: &Chain<'_, 'f>,
        position: usize,
        api: String,
        model: &str,
        takes: Takes,
        limited: bool,
    ) -> Option<usize> {
        let file = self.file;
        let args = chain.steps.get(position)?.args()?;
        let index = self.start(chain, api, State::new(Flavor::Mongoose, model));
        let fact = self.facts.get(index);
        fact.limited = limited;
        read_arguments(file, &self.locals, fact, model, takes, args, 0);
        self.mongoose_steps(index, &chain.steps[position + 1..]);
        Some(index)
    }

    fn mongoose_steps(&mut self, index: usize, steps: &[Step<'_>]) {
        let file = self.file;
        let model = self.states[index].entity.clone();
        for step in steps {
            let Some(args) = step.args() else {
                continue;
            };
            let fact = self.facts.get(index);
            let first = args.named_child(0);
            match step.name {
                "sort" => {
                    if let Some(text) = first.and_then(|a| string_value(file, a)) {
                        for field in text.split_whitespace() {
                            add_use(
                                fact,
                                &model,
                                field.trim_start_matches(['-', '+']),
                                Clause::OrderBy,
                            );
                        }
                    } else if let Some(object) = first.and_then(|a| object_value(file, a)) {
                        for (key, _) in entries(file, object) {
                            if let Key::Name(key) = key {
                                add_use(fact, &model, &key, Clause::OrderBy);
                            }
                        }
                    }
                }
                "where" => {
                    if let Some(field) = first.and_then(|a| string_value(file, a)) {
                        add_use(fact, &model, field, Clause::Where);
                    } else if let Some(object) = first.and_then(|a| object_value(file, a)) {
                        where_object(file, fact, &model, object, Dialect::Mongo);
                    }
                }
                "limit" | "countDocuments" | "findOne" => fact.limited = true,
                _ => {}
            }
        }
    }
}

/// Reads a find call's arguments, the filter or options starting at
/// argument `skip` (after a manager's entity).
fn read_arguments<'t>(
    file: &SourceFile,
    locals: &Locals<'t>,
    fact: &mut QueryFact,
    model: &str,
    takes: Takes,
    args: Node<'t>,
    skip: u32,
) {
    let argument = |n: u32| args.named_child(skip + n);
    let options = |n: u32| {
        argument(n)
            .and_then(|a| locals.object(file, a))
            .map(|(o, _)| o)
    };
    match takes {
        Takes::Options => {
            if let Some(options) = options(0) {
                find_options(file, locals, fact, model, options);
            }
        }
        Takes::ValuesThenOptions | Takes::ColumnThenOptions => {
            if let Some(options) = options(1) {
                find_options(file, locals, fact, model, options);
            }
        }
        Takes::Where | Takes::Criteria => {
            if let Some(value) = argument(0) {
                where_value(file, locals, fact, model, value, Dialect::Options);
            }
        }
        Takes::ColumnThenWhere => {
            if let Some(value) = argument(1) {
                where_value(file, locals, fact, model, value, Dialect::Options);
            }
        }
        Takes::Filter => {
            if let Some(value) = argument(0) {
                where_value(file, locals, fact, model, value, Dialect::Mongo);
            }
        }
        Takes::Key | Takes::Nothing => {}
    }
}

/// `{ where, orderBy, take, cursor, by }` of a Prisma call.
fn prisma_options<'t>(
    file: &SourceFile,
    locals: &Locals<'t>,
    fact: &mut QueryFact,
    model: &str,
    options: Node<'t>,
) {
    for (key, value) in entries(file, options) {
        let (Key::Name(key), Some(value)) = (key, value) else {
            continue;
        };
        match key.as_str() {
            "where" | "cursor" => where_value(file, locals, fact, model, value, Dialect::Prisma),
            "orderBy" => {
                for object in objects_of(file, value) {
                    for (key, value) in entries(file, object) {
                        let Key::Name(key) = key else { continue };
                        if key.starts_with('_') {
                            continue;
                        }
                        // `{ user: { name: "asc" } }` sorts by a relation.
                        let relation = value.and_then(|v| object_value(file, v)).is_some_and(|o| {
                            entries(file, o).iter().any(
                                |(k, _)| !matches!(k, Key::Name(n) if n == "sort" || n == "nulls"),
                            )
                        });
                        let clause = if relation {
                            Clause::Join
                        } else {
                            Clause::OrderBy
                        };
                        add_use(fact, model, &key, clause);
                    }
                }
            }
            "by" => {
                for field in strings_of(file, value) {
                    add_use(fact, model, field, Clause::GroupBy);
                }
            }
            "take" => fact.limited = true,
            _ => {}
        }
    }
}

/// TypeORM and Sequelize find options.
fn find_options<'t>(
    file: &SourceFile,
    locals: &Locals<'t>,
    fact: &mut QueryFact,
    model: &str,
    options: Node<'t>,
) {
    for (key, value) in entries(file, options) {
        let (Key::Name(key), Some(value)) = (key, value) else {
            continue;
        };
        match key.as_str() {
            "where" if unwrap(value).kind() == "array" => {
                for object in objects_of(file, value) {
                    where_object(file, fact, model, object, Dialect::Options);
                }
            }
            "where" => where_value(file, locals, fact, model, value, Dialect::Options),
            "order" => order_option(file, fact, model, value),
            "group" => {
                for field in strings_of(file, value) {
                    add_use(fact, model, field, Clause::GroupBy);
                }
            }
            "take" | "limit" => fact.limited = true,
            // Sequelize `include: [{ model: Order, where: { … } }]`.
            "include" => {
                for include in objects_of(file, value) {
                    let entries = entries(file, include);
                    let included = entries.iter().find_map(|(k, v)| match (k, v) {
                        (Key::Name(k), Some(v)) if k == "model" && v.kind() == "identifier" => {
                            Some(file.text_of(*v))
                        }
                        _ => None,
                    });
                    let Some(included) = included else { continue };
                    add_table(fact, included);
                    for (key, value) in &entries {
                        if matches!(key, Key::Name(k) if k == "where") {
                            if let Some(object) = value.and_then(|v| object_value(file, v)) {
                                where_object(file, fact, included, object, Dialect::Options);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// TypeORM `order: { createdAt: "DESC", user: { name: "ASC" } }` and
/// Sequelize `order: [["createdAt", "DESC"], "name"]`.
fn order_option(file: &SourceFile, fact: &mut QueryFact, model: &str, value: Node<'_>) {
    let value = unwrap(value);
    if let Some(object) = object_value(file, value) {
        for (key, inner) in entries(file, object) {
            let Key::Name(key) = key else { continue };
            let relation = inner.and_then(|v| object_value(file, v)).is_some_and(|o| {
                entries(file, o)
                    .iter()
                    .any(|(k, _)| !matches!(k, Key::Name(n) if n == "direction" || n == "nulls"))
            });
            let clause = if relation {
                Clause::Join
            } else {
                Clause::OrderBy
            };
            add_use(fact, model, &key, clause);
        }
        return;
    }
    if value.kind() != "array" {
        return;
    }
    let mut cursor = value.walk();
    for element in value.named_children(&mut cursor) {
        if let Some(field) = string_value(file, element) {
            add_use(fact, model, field, Clause::OrderBy);
            continue;
        }
        if element.kind() != "array" {
            continue;
        }
        let mut inner = element.walk();
        let parts: Vec<Node<'_>> = element.named_children(&mut inner).collect();
        // `[Association, "field", "DESC"]` orders by another model.
        if let [field, ..] = parts.as_slice() {
            if let Some(field) = string_value(file, *field) {
                add_use(fact, model, field, Clause::OrderBy);
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Prisma,
    /// TypeORM and Sequelize where objects.
    Options,
    Mongo,
}

/// The columns of a where object: keys are attributes; nested objects
/// are operator objects (a condition on the key) or relation filters (a
/// join on the key, the related model being unknown); `AND`/`OR`/`NOT`,
/// `[Op.or]` and `$or` combine where objects.
fn where_object(
    file: &SourceFile,
    fact: &mut QueryFact,
    model: &str,
    object: Node<'_>,
    dialect: Dialect,
) {
    let mut stack = vec![(object, 0usize)];
    while let Some((object, depth)) = stack.pop() {
        if depth > MAX_NESTING {
            continue;
        }
        let mut nested = Vec::new();
        for (key, value) in entries(file, object) {
            let name = match key {
                Key::Name(name) => name,
                // `[Op.or]: [...]`, `[Op.and]: {...}`.
                Key::Computed(_) => {
                    if let Some(value) = value {
                        nested.extend(objects_of(file, value));
                    }
                    continue;
                }
                Key::Other => continue,
            };
            let combinator = match dialect {
                Dialect::Prisma => matches!(name.as_str(), "AND" | "OR" | "NOT"),
                Dialect::Mongo => matches!(name.as_str(), "$or" | "$and" | "$nor"),
                Dialect::Options => false,
            };
            if combinator {
                if let Some(value) = value {
                    nested.extend(objects_of(file, value));
                }
                continue;
            }
            if dialect == Dialect::Mongo && name.starts_with('$') {
                continue;
            }
            // Sequelize `"$user.email$"` reaches into an include.
            if dialect == Dialect::Options && name.starts_with('$') && name.ends_with('$') {
                let path = name.trim_matches('$');
                if let Some((relation, _)) = path.split_once('.') {
                    add_use(fact, model, relation, Clause::Join);
                }
                continue;
            }
            field_condition(file, fact, model, &name, value, dialect);
        }
        stack.extend(nested.into_iter().rev().map(|o| (o, depth + 1)));
    }
}

/// One field of a where object: an operator object or a value is a
/// condition on the field, a nested filter a join on the relation.
fn field_condition(
    file: &SourceFile,
    fact: &mut QueryFact,
    model: &str,
    name: &str,
    value: Option<Node<'_>>,
    dialect: Dialect,
) {
    let inner = value.and_then(|v| object_value(file, v));
    let clause = match (inner, dialect) {
        (None, _) | (Some(_), Dialect::Mongo) => Clause::Where,
        (Some(inner), Dialect::Prisma) => {
            let keys = entries(file, inner);
            if keys
                .iter()
                .all(|(k, _)| matches!(k, Key::Name(n) if PRISMA_OPERATORS.contains(&n.as_str())))
            {
                Clause::Where
            } else if let Some(parts) = compound_unique(name, &keys) {
                // `userId_orgId: { userId, orgId }`.
                for part in parts {
                    add_use(fact, model, &part, Clause::Where);
                }
                return;
            } else {
                Clause::Join
            }
        }
        (Some(inner), Dialect::Options) => {
            let keys = entries(file, inner);
            let operators = keys.iter().all(|(k, _)| match k {
                Key::Computed(_) => true,
                Key::Name(n) => n.starts_with('$'),
                Key::Other => false,
            });
            if operators && !keys.is_empty() {
                Clause::Where
            } else {
                Clause::Join
            }
        }
    };
    add_use(fact, model, name, clause);
}

/// `userId_orgId: { userId: 1, orgId: 2 }` → the parts, when the key is
/// the parts joined by `_`.
fn compound_unique(name: &str, keys: &[(Key, Option<Node<'_>>)]) -> Option<Vec<String>> {
    if !name.contains('_') || keys.len() < 2 {
        return None;
    }
    let parts: Vec<String> = keys
        .iter()
        .filter_map(|(k, _)| match k {
            Key::Name(n) => Some(n.clone()),
            _ => None,
        })
        .collect();
    (parts.join("_") == name).then_some(parts)
}

/// Object literals held in local constants (`const where = { … }`) and
/// keys added to them later (`where.title = { contains: q }`), for calls
/// that pass their filter or options by name.
#[derive(Default)]
struct Locals<'t> {
    objects: Vec<(&'t str, Node<'t>)>,
    assigned: Vec<(&'t str, &'t str, Node<'t>)>,
}

impl<'t> Locals<'t> {
    fn learn(&mut self, file: &'t SourceFile, node: Node<'t>) {
        match node.kind() {
            "variable_declarator" => {
                let (Some(name), Some(value)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("value"),
                ) else {
                    return;
                };
                let value = unwrap(value);
                if name.kind() == "identifier" && value.kind() == "object" {
                    self.objects.push((file.text_of(name), value));
                }
            }
            "assignment_expression" => {
                let (Some(left), Some(value)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) else {
                    return;
                };
                let (Some(object), Some(property)) = (
                    left.child_by_field_name("object"),
                    left.child_by_field_name("property"),
                ) else {
                    return;
                };
                if left.kind() == "member_expression" && object.kind() == "identifier" {
                    self.assigned
                        .push((file.text_of(object), file.text_of(property), value));
                }
            }
            _ => {}
        }
    }

    /// The object literal `node` is, or the one the local it names was
    /// declared with before it; with that name.
    fn object(&self, file: &SourceFile, node: Node<'t>) -> Option<(Node<'t>, Option<&'t str>)> {
        let node = unwrap(node);
        if node.kind() == "object" {
            return Some((node, None));
        }
        if !matches!(node.kind(), "identifier" | "shorthand_property_identifier") {
            return None;
        }
        let name = file.text_of(node);
        self.objects
            .iter()
            .rev()
            .find(|(n, object)| *n == name && object.start_byte() < node.start_byte())
            .map(|(n, object)| (*object, Some(*n)))
    }
}

/// A where object given inline or by name, with the keys code adds to
/// the named one.
fn where_value<'t>(
    file: &SourceFile,
    locals: &Locals<'t>,
    fact: &mut QueryFact,
    model: &str,
    value: Node<'t>,
    dialect: Dialect,
) {
    let Some((object, name)) = locals.object(file, value) else {
        return;
    };
    where_object(file, fact, model, object, dialect);
    let Some(name) = name else {
        return;
    };
    for (_, key, value) in locals.assigned.iter().filter(|(n, _, _)| *n == name) {
        field_condition(file, fact, model, key, Some(*value), dialect);
    }
}

/// An object key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    /// A plain, quoted or shorthand key.
    Name(String),
    /// `[Op.in]`, with the expression's text.
    Computed(String),
    /// A spread or anything else.
    Other,
}

/// The entries of an object literal; a shorthand property is its own
/// value (a local variable).
fn entries<'t>(file: &SourceFile, object: Node<'t>) -> Vec<(Key, Option<Node<'t>>)> {
    let mut found = Vec::new();
    let mut cursor = object.walk();
    for child in object.named_children(&mut cursor) {
        match child.kind() {
            "shorthand_property_identifier" => {
                found.push((Key::Name(file.text_of(child).to_string()), Some(child)));
            }
            "pair" => {
                let (Some(key), value) = (
                    child.child_by_field_name("key"),
                    child.child_by_field_name("value"),
                ) else {
                    continue;
                };
                let key = match key.kind() {
                    "property_identifier" | "number" => Key::Name(file.text_of(key).to_string()),
                    "string" => {
                        string_value(file, key).map_or(Key::Other, |s| Key::Name(s.to_string()))
                    }
                    "computed_property_name" => Key::Computed(compact(file.text_of(key))),
                    _ => Key::Other,
                };
                found.push((key, value));
            }
            "method_definition" => {
                if let Some(name) = child.child_by_field_name("name") {
                    found.push((Key::Name(file.text_of(name).to_string()), None));
                }
            }
            _ => found.push((Key::Other, None)),
        }
    }
    found
}

/// The object literal a value is, through `as`/`satisfies`/parentheses.
fn object_value<'t>(_file: &SourceFile, node: Node<'t>) -> Option<Node<'t>> {
    let node = unwrap(node);
    (node.kind() == "object").then_some(node)
}

/// An object, or the objects of an array: `where: [{ … }, { … }]`,
/// `OR: [...]`, `orderBy: [{ … }]`.
fn objects_of<'t>(file: &SourceFile, node: Node<'t>) -> Vec<Node<'t>> {
    let node = unwrap(node);
    if let Some(object) = object_value(file, node) {
        return vec![object];
    }
    if node.kind() != "array" {
        return Vec::new();
    }
    let mut cursor = node.walk();
    let objects = node
        .named_children(&mut cursor)
        .filter_map(|e| object_value(file, e))
        .collect();
    objects
}

/// A string, or the strings of an array: `by: ["status"]`.
fn strings_of<'t>(file: &'t SourceFile, node: Node<'_>) -> Vec<&'t str> {
    let node = unwrap(node);
    if let Some(value) = string_value(file, node) {
        return vec![value];
    }
    if node.kind() != "array" {
        return Vec::new();
    }
    let mut cursor = node.walk();
    let strings = node
        .named_children(&mut cursor)
        .filter_map(|e| string_value(file, e))
        .collect();
    strings
}

fn has_option_keys(file: &SourceFile, object: Node<'_>) -> bool {
    entries(file, object)
        .iter()
        .any(|(k, _)| matches!(k, Key::Name(n) if OPTION_KEYS.contains(&n.as_str())))
}

/// The expression inside `as`, `satisfies`, `!` and parentheses.
fn unwrap(node: Node<'_>) -> Node<'_> {
    let mut node = node;
    for _ in 0..MAX_NESTING {
        match node.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "await_expression" => match node.named_child(0) {
                Some(inner) => node = inner,
                None => break,
            },
            "type_assertion" => match node.named_child(1) {
                Some(inner) => node = inner,
                None => break,
            },
            _ => break,
        }
    }
    node
}

/// The callee of a call as written, whitespace removed:
/// `this.prisma.order.findMany`.
fn callee_text(file: &SourceFile, call: Node<'_>) -> String {
    let callee = call
        .child_by_field_name("function")
        .map_or("", |f| file.text_of(f));
    let text = compact(callee);
    match text.char_indices().nth(80) {
        Some((cut, _)) => text[..cut].to_string(),
        None => text,
    }
}

/// `const qb = …`, `let query = …`, `qb = …`: the variable a chain is
/// assigned to.
fn assigned_name<'t>(file: &'t SourceFile, chain: &Chain<'_, 't>) -> Option<&'t str> {
    let (parent, _) = chain.outer(&[
        "parenthesized_expression",
        "await_expression",
        "as_expression",
        "non_null_expression",
    ])?;
    let name = match parent.kind() {
        "variable_declarator" => parent.child_by_field_name("name")?,
        "assignment_expression" => parent.child_by_field_name("left")?,
        _ => return None,
    };
    (name.kind() == "identifier").then(|| file.text_of(name))
}

/// `mongoose.model("User", schema)`, `model<IUser>(…)`,
/// `sequelize.define("user", …)`.
fn declares_model(file: &SourceFile, value: Node<'_>) -> bool {
    let value = unwrap(value);
    if value.kind() != "call_expression" {
        return false;
    }
    let callee = value
        .child_by_field_name("function")
        .map_or("", |f| file.text_of(f));
    let callee = callee.split('<').next().unwrap_or("");
    matches!(callee.rsplit('.').next(), Some("model" | "define"))
}

fn has_child(node: Node<'_>, kind: &str) -> bool {
    let mut cursor = node.walk();
    let found = node.children(&mut cursor).any(|c| c.kind() == kind);
    found
}

/// Globals and common library namespaces whose static methods are not
/// model queries.
fn is_js_global(name: &str) -> bool {
    matches!(
        name,
        "Array"
            | "Object"
            | "Promise"
            | "Math"
            | "JSON"
            | "Reflect"
            | "Date"
            | "Number"
            | "String"
            | "Map"
            | "Set"
            | "WeakMap"
            | "Intl"
            | "Buffer"
            | "Symbol"
            | "Boolean"
            | "RegExp"
            | "Error"
            | "URL"
            | "Atomics"
    )
}

/// The entity and column of `alias.column` in a query builder.
fn resolve_alias<'s>(state: &'s State, reference: &str) -> Option<(&'s str, String)> {
    let (alias, column) = reference.split_once('.')?;
    let column = column.trim_matches(['"', '`']);
    let alias = alias.trim_matches(['"', '`']);
    if column.is_empty() || column.contains('.') {
        return None;
    }
    let (_, entity) = state.aliases.iter().rev().find(|(a, _)| a == alias)?;
    Some((entity.as_deref()?, column.to_string()))
}

/// The `alias.column` references of a query builder condition
/// (`"o.status = :status AND LOWER(u.email) LIKE :q"`), ignoring quoted
/// strings and `:parameters`.
fn builder_condition(state: &State, fact: &mut QueryFact, condition: &str, clause: Clause) {
    let bytes = condition.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'\'' {
                i += 1;
            }
            i += 1;
            continue;
        }
        let word_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'"';
        if word_char(c) {
            let start = i;
            while i < bytes.len() && word_char(bytes[i]) {
                i += 1;
            }
            let parameter = start > 0 && bytes[start - 1] == b':';
            if !parameter {
                if let Some((entity, column)) = resolve_alias(state, &condition[start..i]) {
                    let entity = entity.to_string();
                    add_use(fact, &entity, &column, clause);
                }
            }
            continue;
        }
        i += 1;
    }
}
