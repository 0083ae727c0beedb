//! `nosql-injection`: a MongoDB query in a request handler whose filter is
//! request data, or holds a request value that can be an object, or runs a
//! `$where` built from request data.
//!
//! MongoDB reads operators from the filter's own structure: where a string
//! was expected, a parsed JSON body (or an Express `qs` query such as
//! `?password[$ne]=x`) can supply `{"$ne": null}` and match every document.
//! So a value counts only when it can still be an object when it reaches
//! the filter: read straight from a parsed body (or Express's query), not
//! coerced (`String(x)`, `str(x)`, a template or f-string, a string method),
//! not typed by its declaration (a NestJS DTO, a Pydantic model, a typed
//! Rust struct). Path parameters, headers, form fields and query strings
//! parsed flat are strings and are not reported.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::handlers::{enclosing_handler, Handler};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::request_data::{request_flow, Origin, RequestFlow, SourceKind};
use crate::semantics::sink_flow::{arguments, binding_before, mentions, positional};
use crate::semantics::{callee_path, rust_in_test_code};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(NosqlInjection { meta: meta() })
}

struct NosqlInjection {
    meta: RuleMeta,
}

/// Collection and model methods that take a filter first (`distinct`
/// second).
const JS_METHODS: &[&str] = &[
    "find",
    "findOne",
    "findOneAndUpdate",
    "findOneAndDelete",
    "findOneAndReplace",
    "findOneAndRemove",
    "updateOne",
    "updateMany",
    "deleteOne",
    "deleteMany",
    "replaceOne",
    "countDocuments",
    "count",
    "exists",
    "where",
    "distinct",
];

const PY_METHODS: &[&str] = &[
    "find",
    "find_one",
    "find_one_and_update",
    "find_one_and_delete",
    "find_one_and_replace",
    "update_one",
    "update_many",
    "delete_one",
    "delete_many",
    "replace_one",
    "count_documents",
    "distinct",
];

/// Modules whose import marks a JS file as MongoDB code.
const JS_MONGO_MODULES: &[&str] = &["mongoose", "mongodb", "mongojs", "monk", "@nestjs/mongoose", "@typegoose/typegoose"];
/// SQL ORMs whose `findOne({ where })` is not a Mongo filter.
const JS_SQL_MODULES: &[&str] = &["sequelize", "typeorm", "@prisma/client", "knex", "objection", "@mikro-orm/core", "drizzle-orm"];
const PY_MONGO_MODULES: &[&str] = &["pymongo", "motor", "flask_pymongo", "mongoengine", "beanie", "bson"];

/// The query call and its filter.
struct Sink<'t> {
    api: String,
    filter: Node<'t>,
    receiver: Option<Node<'t>>,
}

/// How a handler parameter is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Typed,
    Open,
    Unknown,
}

/// Operators whose operand is itself a filter or an expression: request
/// data there writes query logic. Other operators (`$eq`, `$in`, `$gt`…)
/// compare against their operand as a value.
const CLAUSE_OPERATORS: &[&str] = &["$or", "$and", "$nor", "$not", "$expr", "$elemMatch"];

/// What makes a filter injectable.
enum Problem {
    /// `$where` with request data: JavaScript run by the database.
    Where(Origin),
    /// The filter itself is request data.
    Whole(Origin),
    /// Field values that can be operator objects.
    Values(Vec<String>, Origin),
}

// ---------------------------------------------------------------- sinks

fn filter_index(method: &str) -> usize {
    usize::from(method == "distinct")
}

fn js_sink<'t>(file: &SourceFile, language: Language, call: Node<'t>) -> Option<Sink<'t>> {
    let function = call.child_by_field_name("function")?;
    if function.kind() != "member_expression" {
        return None;
    }
    let method = file.text_of(function.child_by_field_name("property")?);
    if !JS_METHODS.contains(&method) {
        return None;
    }
    let receiver = function.child_by_field_name("object")?;
    let receiver_text = file.text_of(receiver);
    if receiver_text.starts_with("prisma") || receiver_text.starts_with("this.prisma") {
        return None;
    }
    // Names shared with caches and query builders (`redis.exists(key)`,
    // `knex("t").where(...)`): only on a Mongoose model (`User.exists`).
    let model = receiver.kind() == "identifier" && receiver_text.starts_with(|c: char| c.is_ascii_uppercase());
    if matches!(method, "exists" | "count" | "where" | "distinct") && !model {
        return None;
    }
    let imports = file.imports();
    let modules = imports.modules();
    let imports_any = |list: &[&str]| modules.iter().any(|m| list.iter().any(|l| m == l || m.starts_with(&format!("{l}/"))));
    let text = file.text.as_str();
    let mongo_file = imports_any(JS_MONGO_MODULES)
        || text.contains("MongoClient")
        || text.contains(".collection(")
        || text.contains("ObjectId");
    // A model imported from the app's own models (`require('../models/User')`)
    // in a file that uses no SQL ORM.
    let model_import = || {
        let head = callee_path(file, language, call)
            .and_then(|c| c.split('.').next().map(str::to_string))
            .unwrap_or_default();
        imports
            .binding(&head)
            .is_some_and(|m| m.to_ascii_lowercase().contains("model"))
            && !imports_any(JS_SQL_MODULES)
    };
    if !mongo_file && !model_import() {
        return None;
    }
    let filter = positional(call).get(filter_index(method)).copied()?;
    // `findOne({ where: … })` is a SQL ORM's options object.
    if filter.kind() == "object" && js_keys(file, filter).iter().any(|k| k == "where") {
        return None;
    }
    Some(Sink {
        api: format!("{}.{method}", short_receiver(receiver_text)),
        filter,
        receiver: Some(receiver),
    })
}

/// `db.collection("users")` → `db.collection("users")`; long chains keep
/// their last two segments.
fn short_receiver(text: &str) -> String {
    let compact: String = text.split_whitespace().collect();
    if compact.len() <= 40 {
        return compact;
    }
    let mut end = 40;
    while !compact.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &compact[..end])
}

fn js_keys(file: &SourceFile, object: Node<'_>) -> Vec<String> {
    let mut cursor = object.walk();
    let keys = object
        .named_children(&mut cursor)
        .filter_map(|m| match m.kind() {
            "pair" => m
                .child_by_field_name("key")
                .map(|k| file.text_of(k).trim_matches(['"', '\'']).to_string()),
            "shorthand_property_identifier" => Some(file.text_of(m).to_string()),
            _ => None,
        })
        .collect();
    keys
}

fn python_sink<'t>(file: &SourceFile, call: Node<'t>) -> Option<Sink<'t>> {
    let function = call.child_by_field_name("function")?;
    if function.kind() != "attribute" {
        return None;
    }
    let method = file.text_of(function.child_by_field_name("attribute")?);
    if !PY_METHODS.contains(&method) {
        return None;
    }
    let receiver = function.child_by_field_name("object")?;
    if receiver.kind() == "string" {
        return None;
    }
    let modules = file.imports().modules();
    let mongo_file = modules
        .iter()
        .any(|m| PY_MONGO_MODULES.iter().any(|p| m == p || m.starts_with(&format!("{p}."))))
        || file.text.contains("MongoClient")
        || file.text.contains("AsyncIOMotorClient");
    if !mongo_file {
        return None;
    }
    let filter = positional(call)
        .get(filter_index(method))
        .copied()
        .or_else(|| crate::semantics::sink_flow::keyword(file, call, "filter"))?;
    Some(Sink {
        api: format!("{}.{method}", short_receiver(file.text_of(receiver))),
        filter,
        receiver: Some(receiver),
    })
}

fn rust_sink<'t>(file: &SourceFile, call: Node<'t>) -> Option<Sink<'t>> {
    let function = call.child_by_field_name("function")?;
    if function.kind() != "field_expression" {
        return None;
    }
    let method = file.text_of(function.child_by_field_name("field")?);
    let text = file.text.as_str();
    if !PY_METHODS.contains(&method) || !(text.contains("mongodb") || text.contains("bson")) {
        return None;
    }
    let receiver = function.child_by_field_name("value")?;
    let filter = arguments(call).get(filter_index(method)).copied()?;
    Some(Sink {
        api: format!("{}.{method}", short_receiver(file.text_of(receiver))),
        filter,
        receiver: Some(receiver),
    })
}

// ---------------------------------------------------------------- values

/// How deep a value is read (hostile `a || a || …` chains are tens of
/// thousands deep); following a name to its binding costs [`BINDING_COST`].
const MAX_NESTING: usize = 64;
const BINDING_COST: usize = 16;
/// Most filter nodes looked at.
const MAX_FILTER_NODES: usize = 2_000;

struct Judge<'a, 't> {
    file: &'a SourceFile,
    language: Language,
    flow: &'a RequestFlow,
    handler: &'a Handler<'t>,
    /// Express's query string is parsed flat (`app.set('query parser', 'simple')`).
    flat_query: bool,
}

impl<'t> Judge<'_, 't> {
    /// Whether request data in this part of the request can arrive as an
    /// object.
    fn part_holds_objects(&self, origin: &Origin) -> bool {
        let source = origin.source.as_str();
        match origin.kind {
            SourceKind::Body => {
                !["form", "POST", "values", "formData", "parseBody", "text", "files"]
                    .iter()
                    .any(|word| source.contains(word))
            }
            // Express parses `?a[$ne]=1` into an object (qs); Koa, Fastify,
            // Hono and the Python frameworks give strings.
            SourceKind::Query => {
                matches!(self.language, Language::JavaScript | Language::TypeScript | Language::Tsx)
                    && source.starts_with("req.query")
                    && !self.flat_query
            }
            _ => false,
        }
    }

    /// The origin of `value` when it is request data that can still be an
    /// object here.
    fn object_origin(&self, value: Node<'t>, depth: usize) -> Option<Origin> {
        if depth > MAX_NESTING {
            return None;
        }
        let depth = depth + 1;
        let file = self.file;
        let origin = self.flow.origin(file, value)?;
        match value.kind() {
            "parenthesized_expression" | "non_null_expression" | "as_expression" | "await" | "await_expression" => {
                self.object_origin(value.named_child(0)?, depth)
            }
            "member_expression" | "subscript_expression" | "subscript" | "attribute" => {
                // `dto.email` of a parameter typed as a DTO or model.
                self.root_holds_objects(root_identifier(file, value), &origin).then_some(origin)
            }
            "binary_expression" | "boolean_operator" => {
                let operator = value.child_by_field_name("operator").map_or("", |o| file.text_of(o));
                if matches!(operator, "||" | "??" | "or") {
                    self.object_origin(value.child_by_field_name("left")?, depth)
                } else {
                    None
                }
            }
            "call" | "call_expression" => {
                let function = value.child_by_field_name("function")?;
                let callee = file.text_of(function);
                let parse = ["JSON.parse", "json.loads", "loads", "dict"].contains(&callee);
                // `data.get("user")`: a value of the parsed body.
                let getter = callee.ends_with(".get") && self.language == Language::Python;
                // `request.get_json()`, `await req.json()`: the body itself.
                let read = self.flow.source_kind(file, value).is_some();
                (parse || getter || read)
                    .then_some(origin)
                    .filter(|o| self.part_holds_objects(o))
            }
            "identifier" | "shorthand_property_identifier" => {
                let name = file.text_of(value);
                let binding = (depth + BINDING_COST <= MAX_NESTING)
                    .then(|| binding_before(file, self.handler.node, name, value.start_byte()))
                    .flatten();
                match binding {
                    // `const { username } = req.body`: a piece of the body.
                    Some(binding) if binding.destructured => {
                        self.part_holds_objects(&origin).then_some(origin)
                    }
                    Some(binding) => self.object_origin(binding.value, depth + BINDING_COST),
                    None => self.root_holds_objects(Some(name), &origin).then_some(origin),
                }
            }
            _ => None,
        }
    }

    /// How a handler parameter is declared: a type that fixes its shape
    /// (a NestJS DTO class, a Pydantic model), an open mapping (`dict`,
    /// `any`, `Record`), or no type at all.
    fn parameter_shape(&self, name: &str) -> Shape {
        let Some(parameters) = self.handler.node.child_by_field_name("parameters") else {
            return Shape::Unknown;
        };
        let mut cursor = parameters.walk();
        let list: Vec<Node<'_>> = parameters.named_children(&mut cursor).collect();
        for parameter in list {
            let Some(type_node) = parameter.child_by_field_name("type") else {
                continue;
            };
            let pattern = parameter
                .child_by_field_name("pattern")
                .or_else(|| parameter.child_by_field_name("name"))
                .or_else(|| parameter.named_child(0));
            if pattern.is_none_or(|p| self.file.text_of(p) != name) {
                continue;
            }
            let type_text = self.file.text_of(type_node).trim_start_matches(':').trim();
            let open = ["any", "object", "unknown", "dict", "Dict", "Any", "Record", "Json", "Mapping"]
                .iter()
                .any(|t| type_text == *t || type_text.starts_with(&format!("{t}[")) || type_text.starts_with(&format!("{t}<")));
            return if open { Shape::Open } else { Shape::Typed };
        }
        Shape::Unknown
    }

    /// Whether a value read from the parameter or local `root` can be an
    /// object: open parameters can (FastAPI reads a `dict` parameter from
    /// the body), typed ones cannot, others as their request part allows.
    fn root_holds_objects(&self, root: Option<&str>, origin: &Origin) -> bool {
        match root.map_or(Shape::Unknown, |r| self.parameter_shape(r)) {
            Shape::Open => true,
            Shape::Typed => false,
            Shape::Unknown => self.part_holds_objects(origin),
        }
    }

    /// What is wrong with a filter, if anything.
    fn judge(&self, filter: Node<'t>) -> Option<Problem> {
        if self.language == Language::Rust {
            return self.judge_rust(filter);
        }
        let file = self.file;
        let literal = |n: Node<'_>| matches!(n.kind(), "object" | "dictionary" | "array" | "list");
        if !literal(filter) {
            return self.object_origin(filter, 0).map(Problem::Whole);
        }
        let mut stack = vec![filter];
        let mut budget = MAX_FILTER_NODES;
        let mut keys: Vec<String> = Vec::new();
        let mut first: Option<Origin> = None;
        while let Some(node) = stack.pop() {
            budget = budget.checked_sub(1)?;
            let mut cursor = node.walk();
            let members: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
            for member in members {
                let (key, value) = match member.kind() {
                    "pair" => (
                        member.child_by_field_name("key").map_or(String::new(), |k| {
                            file.text_of(k).trim_matches(['"', '\'']).to_string()
                        }),
                        member.child_by_field_name("value"),
                    ),
                    "shorthand_property_identifier" => (file.text_of(member).to_string(), Some(member)),
                    // `{ ...req.body }`, `{**data}`: the client's keys.
                    "spread_element" | "dictionary_splat" => {
                        if let Some(origin) = member.named_child(0).and_then(|v| self.object_origin(v, 0)) {
                            return Some(Problem::Whole(origin));
                        }
                        continue;
                    }
                    _ if literal(member) => {
                        stack.push(member);
                        continue;
                    }
                    _ => continue,
                };
                let Some(value) = value else { continue };
                if key == "$where" {
                    if let Some(origin) = self.flow.origin(file, value) {
                        return Some(Problem::Where(origin));
                    }
                }
                if literal(value) {
                    stack.push(value);
                } else if key.starts_with('$') && !CLAUSE_OPERATORS.contains(&key.as_str()) {
                    // `{ email: { $eq: req.body.email } }`: a value, not a clause.
                } else if let Some(origin) = self.object_origin(value, 0) {
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                    first.get_or_insert(origin);
                }
            }
        }
        first.map(|origin| Problem::Values(keys, origin))
    }

    /// Rust: `doc! { "$where": … }` with request data, or a filter that is
    /// an untyped document from the body (`Json<Document>`).
    fn judge_rust(&self, filter: Node<'t>) -> Option<Problem> {
        let file = self.file;
        let names = self.flow.names();
        if filter.kind() == "macro_invocation" {
            let text = file.text_of(filter);
            let at = text.find("\"$where\"")?;
            let rest = &text[at + "\"$where\"".len()..];
            let value = first_value(rest.trim_start().strip_prefix(':')?);
            let name = names.iter().find(|n| mentions(value, n))?;
            // The name's own node inside the macro's tokens tells its origin.
            let mut origin = None;
            crate::semantics::walk(filter, |node| {
                if origin.is_none() && node.kind() == "identifier" && file.text_of(node) == *name {
                    origin = self.flow.origin(file, node);
                }
                origin.is_none()
            });
            return origin.map(Problem::Where);
        }
        let origin = self.flow.origin(file, filter)?;
        let untyped = ["Document", "Value", "Bson", "Map"].iter().any(|t| origin.source.contains(t));
        untyped.then_some(Problem::Whole(origin))
    }
}

/// The text of one `doc!` value: up to the next comma or closing brace
/// outside brackets and strings.
fn first_value(text: &str) -> &str {
    let mut depth = 0i32;
    let mut in_string = false;
    let mut previous = ' ';
    for (i, c) in text.char_indices() {
        match c {
            '"' if previous != '\\' => in_string = !in_string,
            _ if in_string => {}
            '(' | '[' | '{' => depth += 1,
            ')' | ']' => depth -= 1,
            '}' if depth == 0 => return &text[..i],
            '}' => depth -= 1,
            ',' if depth == 0 => return &text[..i],
            _ => {}
        }
        previous = c;
    }
    text
}

/// The name at the root of `a.b["c"].d`.
fn root_identifier<'f>(file: &'f SourceFile, node: Node<'_>) -> Option<&'f str> {
    let mut current = node;
    for _ in 0..32 {
        match current.kind() {
            "identifier" => return Some(file.text_of(current)),
            "member_expression" | "subscript_expression" | "subscript" | "attribute" => {
                current = current
                    .child_by_field_name("object")
                    .or_else(|| current.child_by_field_name("value"))?;
            }
            _ => return None,
        }
    }
    None
}

/// Markers of a filter sanitizer in the file: express-mongo-sanitize,
/// mongo-sanitize, Mongoose `sanitizeFilter`.
fn sanitized(file: &SourceFile) -> bool {
    let text = file.text.as_str();
    ["mongo-sanitize", "mongoSanitize", "sanitizeFilter", "mongo_sanitize"]
        .iter()
        .any(|m| text.contains(m))
}

/// `app.set('query parser', 'simple')`, or turned off.
fn flat_query(file: &SourceFile) -> bool {
    let text = file.text.as_str();
    text.lines().any(|line| {
        line.contains("query parser") && (line.contains("simple") || line.contains("false"))
    })
}

fn help(language: Language) -> &'static str {
    match language {
        Language::Python => "build the filter from named fields of a validated body (a Pydantic model or Marshmallow schema with `str` fields), or coerce and check each value (`str(...)`, reject `dict`); never pass the parsed body as the filter and never put input into `$where`",
        Language::Rust => "deserialize the body into a typed struct (`Json<Login>` with `String` fields) and build the filter with `doc! { \"username\": &login.username }`; never take a `Document` from the client as the filter or put input into `$where`",
        _ => "coerce each value to the type you expect (`String(req.body.username)`), validate the body with a schema that requires strings (zod, joi, class-validator DTOs), or strip `$` keys with `express-mongo-sanitize` / Mongoose `sanitizeFilter: true`; never pass `req.body` or `req.query` as the filter and never put input into `$where`",
    }
}

impl Rule for NosqlInjection {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests and fixtures query with what they are given.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["find", "update_", "delete_", "count_documents", "replace_one", "distinct"],
            Language::Rust => &["mongodb", "bson"],
            _ => &["find", "update", "delete", "count", "exists", "where", "replaceOne", "distinct"],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kind = if language == Language::Python { "call" } else { "call_expression" };
        vec![kind.to_string()]
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let language = ctx.language();
        let sink = match language {
            Language::Python => python_sink(file, node),
            Language::Rust => rust_sink(file, node),
            _ => js_sink(file, language, node),
        };
        let Some(sink) = sink else {
            return;
        };
        if language == Language::Rust && rust_in_test_code(file, ctx.ancestors) {
            return;
        }
        let Some(handler) = enclosing_handler(file, ctx.ancestors) else {
            return;
        };
        let flow = request_flow(file, &handler);
        // A collection is never request data: `data["text"].find(needle)`
        // is a string method.
        if sink.receiver.is_some_and(|r| flow.origin(file, r).is_some()) {
            return;
        }
        let judge = Judge {
            file,
            language,
            flow: &flow,
            handler: &handler,
            flat_query: flat_query(file),
        };
        let Some(problem) = judge.judge(sink.filter) else {
            return;
        };
        let place = format!("`{}` in {}", sink.api, handler.describe());
        let message = match &problem {
            Problem::Where(origin) => format!(
                "{place} runs a `$where` expression built from {} ({}): the client writes JavaScript that the database executes on every document",
                origin.describe(),
                origin.kind.noun()
            ),
            Problem::Whole(origin) => format!(
                "{place} takes its filter from {} ({}): the client writes the query, operators (`$ne`, `$gt`, `$regex`, `$where`) included",
                origin.describe(),
                origin.kind.noun()
            ),
            Problem::Values(keys, origin) => {
                if sanitized(file) {
                    return;
                }
                let keys = keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                let how = if origin.kind == SourceKind::Query {
                    "a query string such as `?field[$ne]=x` arrives as the operator object `{\"$ne\": \"x\"}`"
                } else {
                    "a JSON body can send an operator object such as `{\"$ne\": null}`"
                };
                format!(
                    "{place} matches {keys} against {} ({}) without coercing it to a string: {how} and matches any document",
                    origin.describe(),
                    origin.kind.noun()
                )
            }
        };
        if matches!(problem, Problem::Whole(_)) && sanitized(file) {
            return;
        }
        ctx.report(Diagnostic::new(sink.filter.byte_range(), message).help(help(language)));
    }
}

const DOCS: &str = r#"
## What it does
Finds MongoDB queries in request handlers whose filter lets the client
write operators: the filter is request data itself (`User.find(req.body)`,
`collection.find(request.json)`, `{ ...req.query }`), a field of it takes a
request value that can still be an object (`findOne({ username:
req.body.username, password: req.body.password })`, `find_one({"user":
data["user"]})` with `data` the parsed JSON), or a `$where` holds request
data. JavaScript/TypeScript: Mongoose models and the `mongodb` driver
(`find`, `findOne`, `findOneAnd*`, `update*`, `delete*`, `replaceOne`,
`countDocuments`, and `exists`/`count`/`where`/`distinct` on a model) in
files that import them, and models imported from the app's `models` in
files without a SQL ORM. Python: pymongo, Motor, Flask-PyMongo, MongoEngine, Beanie
collections. Rust: `mongodb` collections given `doc! { "$where": … }` with
request data, or a `Document`/`serde_json::Value` taken from the body.

## Why it matters
Checklist TASK-3.1 and SCOPE-4.6 (OWASP Top 10: injection), red flag RF-2.
A login that runs `findOne({ username, password })` with values from a
JSON body accepts `{"username": "admin", "password": {"$ne": null}}`; a
`$gt: ""` lists every record; `$regex` probes secrets one character at a
time; `$where` runs the client's JavaScript inside the database.

## Example
```javascript
app.post("/login", async (req, res) => {
  const user = await User.findOne({ email: req.body.email, password: req.body.password });
  res.json({ ok: Boolean(user) });
});
```

## Use instead
```javascript
app.post("/login", async (req, res) => {
  const user = await User.findOne({ email: String(req.body.email) });
  const ok = user && (await bcrypt.compare(String(req.body.password), user.passwordHash));
  res.json({ ok: Boolean(ok) });
});
```
Coerce (`String(x)`, `str(x)`), compare explicitly
(`{ email: { $eq: req.body.email } }` — operands of `$eq`, `$in`, `$gt`…
are values; those of `$or`, `$and`, `$nor`, `$not`, `$expr`,
`$elemMatch` are clauses and are still read), validate with a schema that requires
strings (zod, joi, class-validator DTOs, Pydantic models, typed Rust
structs), or strip `$` keys (`express-mongo-sanitize`, Mongoose
`sanitizeFilter: true`).

## Configuration
Select or ignore it by name, `TASK-3.1`, `SCOPE-4.6` or `RF-2`. Tests and
examples are not checked. Path parameters, headers and form fields are
strings and are not reported; FastAPI parameters typed `dict`/`Any` are
read from the body and reported, typed ones are not; Express query values are reported unless the
file sets `app.set('query parser', 'simple')` (Express 5's default — not
visible from the code); a file that mentions `express-mongo-sanitize`,
`mongo-sanitize` or `sanitizeFilter` is not reported except for `$where`.
Not seen: sanitizing middleware registered in another file, schemas
validated in another function, filters built in helpers, aggregation
pipelines, and other document stores (DynamoDB, CouchDB, Elasticsearch).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("nosql-injection", "TASK-3.1")
        .red_flag("RF-2")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A MongoDB filter in a request handler is request data, holds uncoerced body values that can be operator objects, or runs `$where` built from input (NoSQL injection).")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "injection", "database"])
        .cwe(&["CWE-943"])
        .security_severity(8.1)
        .docs(DOCS)
        .invalid(
            FileKind::JavaScript,
            r#"
            const express = require("express");
            const User = require("../models/user");

            const router = express.Router();

            router.post("/login", async (req, res) => {
              const user = await User.findOne({ email: req.body.email, password: req.body.password });
              if (!user) return res.sendStatus(401);
              res.json({ id: user.id });
            });

            router.get("/users", async (req, res) => {
              res.json(await User.find(req.query).limit(50));
            });

            router.get("/search", async (req, res) => {
              const { term } = req.query;
              const users = await User.find({ $where: `this.name.startsWith('${term}')` });
              res.json(users);
            });

            module.exports = router;
            "#,
            3,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const express = require("express");
            const bcrypt = require("bcrypt");
            const User = require("../models/user");

            const router = express.Router();

            router.post("/login", async (req, res) => {
              const user = await User.findOne({ email: String(req.body.email) });
              const ok = user && (await bcrypt.compare(String(req.body.password), user.passwordHash));
              if (!ok) return res.sendStatus(401);
              res.json({ id: user.id });
            });

            router.get("/users/:id", async (req, res) => {
              res.json(await User.findOne({ _id: req.params.id }));
            });

            router.get("/users", async (req, res) => {
              const status = typeof req.query.status === "string" ? req.query.status : "active";
              res.json(await User.find({ status: `${status}` }).limit(50));
            });

            module.exports = router;
            "#,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import { Body, Controller, Post } from "@nestjs/common";
            import { InjectModel } from "@nestjs/mongoose";
            import { Model } from "mongoose";

            class LoginDto {
              email: string;
              password: string;
            }

            @Controller("auth")
            export class AuthController {
              constructor(@InjectModel("User") private users: Model<User>) {}

              @Post("login")
              async login(@Body() dto: LoginDto) {
                return this.users.findOne({ email: dto.email });
              }
            }
            "#,
        )
        .invalid(
            FileKind::Python,
            r#"
            from flask import Flask, jsonify, request
            from pymongo import MongoClient

            app = Flask(__name__)
            db = MongoClient(MONGO_URL).shop

            @app.post("/login")
            def login():
                data = request.get_json()
                user = db.users.find_one({"username": data["username"], "password": data.get("password")})
                return jsonify(ok=user is not None)

            @app.post("/orders/search")
            def search_orders():
                return jsonify(list(db.orders.find(request.json, {"_id": 0}).limit(100)))
            "#,
            2,
        )
        .valid(
            FileKind::Python,
            r#"
            from fastapi import FastAPI
            from motor.motor_asyncio import AsyncIOMotorClient
            from pydantic import BaseModel

            app = FastAPI()
            db = AsyncIOMotorClient(MONGO_URL).shop

            class Login(BaseModel):
                username: str
                password: str

            @app.post("/login")
            async def login(body: Login):
                user = await db.users.find_one({"username": body.username})
                return {"ok": user is not None}

            @app.get("/orders/{order_id}")
            async def order(order_id: str, status: str = "open"):
                return await db.orders.find_one({"_id": order_id, "status": status})
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use axum::extract::{Json, Query, State};
            use mongodb::bson::{doc, Document};
            use serde::Deserialize;

            #[derive(Deserialize)]
            struct Search {
                expr: String,
            }

            async fn search(State(db): State<Db>, Json(filter): Json<Document>) -> Result<String, AppError> {
                let cursor = db.orders.find(filter).await?;
                Ok(render(cursor).await?)
            }

            async fn report(State(db): State<Db>, Query(q): Query<Search>) -> Result<String, AppError> {
                let cursor = db.orders.find(doc! { "$where": q.expr.clone() }).await?;
                Ok(render(cursor).await?)
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            use axum::extract::{Json, State};
            use mongodb::bson::doc;
            use serde::Deserialize;

            #[derive(Deserialize)]
            struct Login {
                username: String,
            }

            async fn login(State(db): State<Db>, Json(login): Json<Login>) -> Result<String, AppError> {
                let user = db.users.find_one(doc! { "username": &login.username }).await?;
                Ok(format!("{}", user.is_some()))
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn findings(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("nosql-injection", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn destructured_body_values_name_every_key() {
        let code = r#"
            const mongoose = require("mongoose");
            const User = mongoose.model("User");
            app.post("/login", async (req, res) => {
              const { username, password } = req.body;
              const user = await User.findOne({ username, password });
              res.json({ ok: !!user });
            });
            "#;
        let found = findings("src/auth.js", FileKind::JavaScript, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("`User.findOne` in route handler")
                && found[0].contains("matches `username`, `password` against `req.body` (via `username`) (request body)"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn flat_query_parser_sanitizer_and_sql_orms_are_quiet() {
        let query = r#"
            const mongoose = require("mongoose");
            app.set("query parser", "simple");
            app.get("/u", async (req, res) => res.json(await User.find({ name: req.query.name })));
            "#;
        assert!(findings("src/a.js", FileKind::JavaScript, query).is_empty());
        let sanitized = r#"
            const mongoSanitize = require("express-mongo-sanitize");
            const mongoose = require("mongoose");
            app.use(mongoSanitize());
            app.post("/u", async (req, res) => res.json(await User.findOne({ name: req.body.name })));
            "#;
        assert!(findings("src/b.js", FileKind::JavaScript, sanitized).is_empty());
        let sequelize = r#"
            const { User } = require("../models");
            const { Op } = require("sequelize");
            app.post("/u", async (req, res) => res.json(await User.findOne({ where: { name: req.body.name } })));
            "#;
        assert!(findings("src/c.js", FileKind::JavaScript, sequelize).is_empty());
    }

    #[test]
    fn string_methods_on_request_data_are_not_queries() {
        let code = r#"
            import json
            from pymongo import MongoClient

            def find_text(request):
                data = json.loads(request.body)
                return JsonResponse({"i": data["text"].find(data["needle"])})
            "#;
        assert!(findings("shop/views.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn rust_where_value_is_read_past_commas_inside_it() {
        assert_eq!(super::first_value(r#" format!("a > {}", q.expr), "x": 1 }"#), r#" format!("a > {}", q.expr)"#);
        assert_eq!(super::first_value(r#" &login.email }"#), " &login.email ");
        let code = r#"
            use axum::extract::Query;
            use mongodb::bson::doc;
            async fn scored(Query(q): Query<Scored>) -> String {
                let n = users.count_documents(doc! { "$where": format!("this.score > {}", q.expr), "active": true }).await;
                String::new()
            }
            async fn by_name(Query(q): Query<Scored>) -> String {
                let n = users.count_documents(doc! { "name": &q.expr }).await;
                String::new()
            }
            "#;
        let found = findings("src/api/users.rs", FileKind::Rust, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("`$where` expression built from `Query(q):Query<Scored>` (via `q`)"), "{}", found[0]);
    }

    #[test]
    fn operator_operands_typed_and_open_parameters() {
        let js = r#"
            const mongoose = require("mongoose");
            app.post("/a", async (req, res) => {
              const user = await User.findOne({ email: { $eq: req.body.email }, _id: { $in: req.body.ids } });
              const cached = await redis.exists(req.body.key);
              const any = await User.find({ $or: req.body.conditions });
              res.json({ user, cached, any });
            });
            "#;
        let found = findings("src/a.js", FileKind::JavaScript, js);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("matches `$or` against `req.body`"), "{}", found[0]);
        let py = r#"
            from fastapi import FastAPI
            from motor.motor_asyncio import AsyncIOMotorClient

            @app.post("/search")
            async def search(filters: dict):
                return await db.orders.find_one({"status": filters["status"]})

            @app.post("/typed")
            async def typed(body: Query):
                return await db.orders.find_one({"status": body.status})
            "#;
        let found = findings("app/api.py", FileKind::Python, py);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("`search`") && found[0].contains("`status`"), "{}", found[0]);
    }

    #[test]
    fn python_form_fields_are_strings_and_where_is_reported() {
        let code = r#"
            from flask import request
            from pymongo import MongoClient
            db = MongoClient().app

            @app.post("/a")
            def a():
                return db.users.find_one({"name": request.form["name"]})

            @app.get("/b")
            def b():
                expr = request.args["expr"]
                return list(db.users.find({"$where": "this.score > " + expr}))
            "#;
        let found = findings("app/views.py", FileKind::Python, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("runs a `$where` expression built from `request.args` (via `expr`)"), "{}", found[0]);
    }
}
