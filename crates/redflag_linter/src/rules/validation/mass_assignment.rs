//! `mass-assignment`: a request handler that hands the whole request body to
//! a create or update (`Model.create(req.body)`, `Object.assign(user,
//! req.body)`, `Model.objects.create(**request.data)`, SeaORM
//! `ActiveModel::from_json(body)`), so the client chooses which columns it
//! writes — `role`, `is_admin`, `owner_id`, `price`.
//!
//! Only the *whole* body counts: a copy or spread of it, or a name bound to
//! it. Fields picked one by one, a validated DTO or serializer's output, a
//! Pydantic input model's dump and a typed Rust struct are the fixes and
//! stay quiet, as does a handler that validates the body against a schema
//! first (the schema is the allow-list).

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use super::unvalidated_request_body::{
    handler_at, python_class, read_handler, validation_evidence, whole_source, HandlerData, PyClass,
};
use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::request_data::SourceKind;
use crate::semantics::{callee_path, compact, rust_in_test_code, visit, TreeVisitor};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(MassAssignment { meta: meta() })
}

struct MassAssignment {
    meta: RuleMeta,
}

/// ORM and ODM methods that write the fields of the object they are given
/// (Sequelize, Mongoose, TypeORM, Prisma, Objection, Knex, MikroORM, Lucid).
const JS_WRITES: &[&str] = &[
    "create",
    "createMany",
    "insert",
    "insertOne",
    "insertMany",
    "build",
    "bulkCreate",
    "update",
    "updateOne",
    "updateMany",
    "upsert",
    "findByIdAndUpdate",
    "findOneAndUpdate",
    "replaceOne",
    "findOneAndReplace",
    "findByIdAndReplace",
    "save",
    "merge",
    "set",
    "fill",
    "patch",
    "patchAndFetchById",
    "updateAndFetchById",
    "insertAndFetch",
    "insertGraph",
    "upsertGraph",
    "assign",
    "preload",
];

/// Receivers whose `update`/`set`/`insert` are not a database write:
/// hashes, HTTP responses, headers, maps and caches.
const JS_NOT_MODELS: &[&str] = &[
    "res", "reply", "ctx", "c", "response", "headers", "hash", "hmac", "crypto", "map", "cache",
    "redis", "client", "params", "searchParams", "url", "form", "formData", "session", "cookies",
];

/// Constructors that take an object without being a model.
const JS_NOT_MODEL_CLASSES: &[&str] = &[
    "Error", "URL", "URLSearchParams", "Date", "Map", "Set", "Buffer", "Promise", "Response",
    "Request", "Headers", "FormData", "Blob", "Proxy", "WeakMap", "Intl", "RegExp", "Array",
    "Object",
];

/// Keys of an options object whose value is what gets written
/// (`{ data: req.body }`, `{ $set: req.body }`, Prisma upsert `create`/`update`).
const WRITE_KEYS: &[&str] = &["data", "$set", "$setOnInsert", "values", "create", "update", "set"];

/// Python methods that write the keyword arguments they are given.
const PY_KWARG_WRITES: &[&str] = &[
    "create",
    "get_or_create",
    "update_or_create",
    "update",
    "insert",
    "values",
    "bulk_create",
    "replace",
    "set",
    "filter_by_and_update",
];

/// Python methods that write a mapping passed positionally (SQLAlchemy
/// `query.update(data)` / `insert(...).values(data)`, PyMongo).
const PY_POSITIONAL_WRITES: &[&str] = &[
    "update",
    "values",
    "insert_one",
    "insert_many",
    "replace_one",
    "update_one",
    "update_many",
    "find_one_and_update",
    "find_one_and_replace",
    "bulk_insert_mappings",
    "bulk_update_mappings",
];

/// What is written, described for the message, when `node` holds the whole
/// body: the value itself, or an object/dict that spreads it or puts it
/// under a write key (`{ data: req.body }`, `{"$set": payload}`).
fn whole_in(file: &SourceFile, data: &HandlerData<'_>, node: Node<'_>) -> Option<(SourceKind, String)> {
    if let Some(found) = whole_source(file, data, node) {
        return Some(found);
    }
    let mut stack = vec![(node, 0_usize)];
    while let Some((current, depth)) = stack.pop() {
        if depth > 2 || !matches!(current.kind(), "object" | "dictionary") {
            continue;
        }
        let mut cursor = current.walk();
        for child in current.named_children(&mut cursor) {
            match child.kind() {
                "spread_element" | "dictionary_splat" => {
                    if let Some(found) = child.named_child(0).and_then(|v| whole_source(file, data, v)) {
                        return Some(found);
                    }
                }
                "pair" => {
                    let key = child
                        .child_by_field_name("key")
                        .map_or(String::new(), |k| {
                            file.text_of(k).trim_matches(['"', '\'', '`']).to_string()
                        });
                    let Some(value) = child.child_by_field_name("value") else {
                        continue;
                    };
                    if WRITE_KEYS.contains(&key.as_str()) {
                        if let Some(found) = whole_source(file, data, value) {
                            return Some(found);
                        }
                        stack.push((value, depth + 1));
                    }
                }
                _ => {}
            }
        }
    }
    None
}

fn arguments_of<'t>(call: Node<'t>) -> Vec<Node<'t>> {
    call.child_by_field_name("arguments").map_or(Vec::new(), |a| {
        let mut cursor = a.walk();
        let found: Vec<Node<'t>> = a
            .named_children(&mut cursor)
            .filter(|c| !matches!(c.kind(), "comment" | "line_comment" | "block_comment"))
            .collect();
        found
    })
}

/// The members of a call's callee: receiver text and method name.
fn member_of(file: &SourceFile, call: Node<'_>) -> Option<(String, String)> {
    let function = call.child_by_field_name("function")?;
    let (object, property) = match function.kind() {
        "member_expression" => (
            function.child_by_field_name("object")?,
            function.child_by_field_name("property")?,
        ),
        "attribute" => (
            function.child_by_field_name("object")?,
            function.child_by_field_name("attribute")?,
        ),
        "field_expression" => (
            function.child_by_field_name("value")?,
            function.child_by_field_name("field")?,
        ),
        _ => return None,
    };
    Some((compact(file.text_of(object)), file.text_of(property).to_string()))
}

/// A JS/TS call or `new` that writes the whole body.
fn js_sink(file: &SourceFile, data: &HandlerData<'_>, call: Node<'_>) -> Option<(String, String)> {
    let args = arguments_of(call);
    if call.kind() == "new_expression" {
        let constructor = call.child_by_field_name("constructor")?;
        let name = compact(file.text_of(constructor));
        let last = name.rsplit('.').next().unwrap_or(&name);
        if !last.starts_with(char::is_uppercase)
            || JS_NOT_MODEL_CLASSES.contains(&last)
            || ["Dto", "DTO", "Schema", "Error", "Exception", "Validator", "Response", "Request", "Event"]
                .iter()
                .any(|s| last.ends_with(s))
        {
            return None;
        }
        let (_, source) = whole_in(file, data, *args.first()?)?;
        return Some((format!("new {name}(…)"), source));
    }
    let (receiver, method) = member_of(file, call)?;
    if !JS_WRITES.contains(&method.as_str()) {
        return None;
    }
    let root = receiver.split(['.', '(']).next().unwrap_or(&receiver);
    let lower = receiver.to_ascii_lowercase();
    // A service, client or queue may pick or validate fields itself; only
    // ORM-shaped receivers (models, repositories, delegates) are judged.
    let leaf = lower.rsplit('.').next().unwrap_or(&lower);
    let layered = ["service", "controller", "handler", "client", "api", "queue", "emitter", "bus", "publisher", "producer", "channel", "usecase", "command"]
        .iter()
        .any(|s| leaf.ends_with(s));
    if layered || JS_NOT_MODELS.contains(&root)
        || ["hash", "hmac", "sign", "verify", "digest", "cipher", "headers", "cache", "map"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return None;
    }
    if method == "assign" {
        // `Object.assign(entity, req.body)`; `Object.assign({}, req.body)` is a copy.
        if receiver != "Object" {
            return None;
        }
        let target = args.first()?;
        if file.text_of(*target).trim() == "{}" {
            return None;
        }
        let source = args.iter().skip(1).find_map(|a| whole_in(file, data, *a))?;
        return Some(("Object.assign(…)".to_string(), source.1));
    }
    if matches!(method.as_str(), "set" | "save" | "fill" | "merge") && args.len() > 2 {
        return None;
    }
    let (_, source) = args.iter().find_map(|a| whole_in(file, data, *a))?;
    Some((format!("{receiver}.{method}(…)"), source))
}

/// A Python call that writes the whole body.
fn python_sink(file: &SourceFile, data: &HandlerData<'_>, call: Node<'_>) -> Option<(String, String)> {
    let path = callee_path(file, Language::Python, call).unwrap_or_default();
    let shown = shorten_callee(file, call);
    let args = arguments_of(call);
    // Chains through calls (`Model.objects.filter(...).update`) have no
    // plain path: read the method and receiver off the callee.
    let (receiver, last) = match member_of(file, call) {
        Some((receiver, method)) => (receiver, method),
        None => (String::new(), path.clone()),
    };
    let (receiver, last) = (receiver.as_str(), last.as_str());
    // `obj.__dict__.update(data)`.
    if path.ends_with("__dict__.update") {
        let source = args.iter().find_map(|a| whole_in(file, data, *a))?;
        return Some((format!("{shown}(…)"), source.1));
    }
    // `**data` into an ORM model or a write.
    let splat = args.iter().find_map(|a| {
        (a.kind() == "dictionary_splat")
            .then(|| a.named_child(0))
            .flatten()
            .and_then(|v| whole_source(file, data, v))
    });
    if let Some((_, source)) = splat {
        let function = call.child_by_field_name("function");
        let is_class = function.is_some_and(|f| f.kind() == "identifier")
            && last.starts_with(char::is_uppercase);
        if is_class && python_class(file, last) == PyClass::Orm {
            return Some((format!("{shown}(**…)"), source));
        }
        let model_write = last == "values"
            || receiver.contains("objects")
            || receiver.contains("query")
            || receiver.contains(".filter(")
            || receiver.starts_with(char::is_uppercase)
            || function
                .map(|f| compact(file.text_of(f)))
                .is_some_and(|f| f.contains("objects") || f.contains("filter(") || f.contains("query"));
        if !is_class && PY_KWARG_WRITES.contains(&last) && model_write {
            return Some((format!("{}(**…)", shorten_callee(file, call)), source));
        }
    }
    // `defaults=request.data` in `update_or_create` / `get_or_create`.
    if matches!(last, "update_or_create" | "get_or_create") {
        for arg in &args {
            if arg.kind() == "keyword_argument"
                && arg
                    .child_by_field_name("name")
                    .is_some_and(|n| matches!(file.text_of(n), "defaults" | "create_defaults"))
            {
                if let Some((_, source)) = arg
                    .child_by_field_name("value")
                    .and_then(|v| whole_source(file, data, v))
                {
                    return Some((format!("{}(defaults=…)", shorten_callee(file, call)), source));
                }
            }
        }
    }
    if PY_POSITIONAL_WRITES.contains(&last) {
        let function_text = call
            .child_by_field_name("function")
            .map_or(String::new(), |f| compact(file.text_of(f)));
        // A plain `dict.update(...)` on a local dict is not a write.
        let writes = last != "update"
            || function_text.contains("query")
            || function_text.contains("filter")
            || function_text.contains("where(")
            || function_text.contains("objects")
            || function_text.starts_with("update(");
        if writes {
            let positional = args.iter().filter(|a| !matches!(a.kind(), "keyword_argument" | "dictionary_splat"));
            for arg in positional {
                if let Some((_, source)) = whole_in(file, data, *arg) {
                    return Some((format!("{}(…)", shorten_callee(file, call)), source));
                }
            }
        }
    }
    None
}

fn shorten_callee(file: &SourceFile, call: Node<'_>) -> String {
    let text = call
        .child_by_field_name("function")
        .map_or(String::new(), |f| compact(file.text_of(f)));
    if text.len() <= 60 {
        return text;
    }
    let mut end = 60;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// SeaORM `ActiveModel::from_json(body)` / `set_from_json(body)`, Diesel
/// `.values(&body)` / `.set(&body)` with an untyped (`Value`, map) body.
fn rust_sink(file: &SourceFile, data: &HandlerData<'_>, call: Node<'_>) -> Option<(String, String)> {
    let function = call.child_by_field_name("function")?;
    let text = compact(file.text_of(function));
    let last = text.rsplit(['.', ':']).next().unwrap_or(&text);
    if !matches!(last, "from_json" | "set_from_json" | "values" | "set" | "insert_one" | "replace_one") {
        return None;
    }
    let args = arguments_of(call);
    let (_, source) = args.iter().find_map(|a| whole_source(file, data, *a))?;
    let shown = if text.len() > 60 { last.to_string() } else { text };
    Some((format!("{shown}(…)"), source))
}

/// `for key, value in data.items(): setattr(obj, key, value)` with the
/// whole body as `data`.
fn setattr_loop(
    file: &SourceFile,
    data: &HandlerData<'_>,
    call: Node<'_>,
    ancestors: &[Node<'_>],
) -> Option<(String, String)> {
    if callee_path(file, Language::Python, call).as_deref() != Some("setattr") {
        return None;
    }
    let each = ancestors.iter().rev().find(|a| a.kind() == "for_statement")?;
    let right = each.child_by_field_name("right")?;
    let iterated = if right.kind() == "call" {
        let function = right.child_by_field_name("function")?;
        let method = function.child_by_field_name("attribute").map(|m| file.text_of(m));
        if !matches!(method, Some("items" | "keys")) {
            return None;
        }
        function.child_by_field_name("object")?
    } else {
        right
    };
    let (_, source) = whole_source(file, data, iterated)?;
    Some(("setattr(…)".to_string(), source))
}

/// Collects the mass-assignment writes of one handler body.
struct Writes<'f, 't> {
    file: &'f SourceFile,
    language: Language,
    data: &'f HandlerData<'t>,
    found: Vec<(std::ops::Range<usize>, String, String)>,
}

impl<'t> TreeVisitor<'t> for Writes<'_, 't> {
    fn enter(&mut self, node: Node<'t>, ancestors: &[Node<'t>]) {
        let hit = match (self.language, node.kind()) {
            (Language::Python, "call") => python_sink(self.file, self.data, node)
                .or_else(|| setattr_loop(self.file, self.data, node, ancestors)),
            (Language::Rust, "call_expression") => rust_sink(self.file, self.data, node),
            (Language::Python | Language::Rust, _) => None,
            (_, "call_expression" | "new_expression") => js_sink(self.file, self.data, node),
            _ => None,
        };
        if let Some((sink, source)) = hit {
            self.found.push((node.byte_range(), sink, source));
        }
    }

    fn leave(&mut self, _node: Node<'t>) {}
}

/// The whole-body writes of a handler: (range, sink, source).
pub(crate) fn mass_assignments(
    file: &SourceFile,
    language: Language,
    data: &HandlerData<'_>,
) -> Vec<(std::ops::Range<usize>, String, String)> {
    let Some(body) = data.handler.node.child_by_field_name("body") else {
        return Vec::new();
    };
    let mut writes = Writes {
        file,
        language,
        data,
        found: Vec::new(),
    };
    visit(body, &mut writes);
    writes.found
}

impl Rule for MassAssignment {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["request", "Body(", "dict", "Dict", "Any"],
            Language::Rust => &["from_json", ".values(", ".set(", "insert_one", "replace_one"],
            _ => &["body", "json", "Body("],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kinds: &[&str] = match language {
            Language::Python => &["function_definition"],
            Language::Rust => &["function_item"],
            _ => &["function_declaration", "function_expression", "arrow_function", "method_definition"],
        };
        kinds.iter().map(|k| (*k).to_string()).collect()
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let language = ctx.language();
        if language == Language::Rust && rust_in_test_code(file, ctx.ancestors) {
            return;
        }
        let Some(handler) = handler_at(file, node, ctx.ancestors) else {
            return;
        };
        let data = read_handler(file, handler);
        let found = mass_assignments(file, language, &data);
        if found.is_empty() || validation_evidence(file, language, &data.handler, ctx.ancestors) {
            return;
        }
        let help = match language {
            Language::Python => "write only the fields the client may set: validate into a dedicated input schema and use its output (`serializer.validated_data`, `form.cleaned_data`, `UserIn.model_validate(data).model_dump(exclude_unset=True)`), or pass named fields (`User.objects.create(name=data[\"name\"], email=data[\"email\"])`)",
            Language::Rust => "deserialise into a typed input struct that lists the writable columns (`Json(input): Json<NewUser>` with `#[derive(Deserialize)]`) and build the `ActiveModel` / `Insertable` from it field by field",
            _ => "write only the fields the client may set: pick them (`{ name: body.name, email: body.email }`, `pick(body, ['name', 'email'])`) or use the output of a schema that strips unknown keys (`const data = UpdateUser.parse(req.body)`, a NestJS DTO with `whitelist: true`)",
        };
        for (range, sink, source) in found {
            ctx.report(
                Diagnostic::new(
                    range,
                    format!(
                        "`{sink}` writes the whole request body `{source}` in {}: the client can set any field of the record (roles, ownership, prices, flags)",
                        data.handler.describe()
                    ),
                )
                .help(help),
            );
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds request handlers that pass the whole request body to a create or
update: JavaScript/TypeScript `Model.create(req.body)`, `Model.update(req.body,
…)`, `instance.set(req.body)`, `new Model(req.body)`, `Object.assign(entity,
req.body)`, `{ ...req.body }` spread into written data,
`prisma.x.create({ data: req.body })` / `update({ data: req.body })`,
TypeORM `repository.save(req.body)` / `merge(entity, req.body)`, Mongoose
`findByIdAndUpdate(id, req.body)` / `updateOne(filter, { $set: req.body })`,
Sequelize `bulkCreate`/`build`, Objection `patch`/`insert`; Python
`Model.objects.create(**request.data)`, `Model(**request.json)` for ORM
models, `filter(...).update(**request.POST.dict())`, `update_or_create(defaults=…)`,
SQLAlchemy `query.update(data)` / `insert(...).values(data)` and
`obj.__dict__.update(data)`, `for k, v in data.items(): setattr(obj, k, v)`,
PyMongo `insert_one(data)` / `update_one(f, {"$set": data})`; Rust SeaORM
`ActiveModel::from_json(body)` / `set_from_json(body)` and Diesel
`.values(&body)` / `.set(&body)` with a `Json<Value>` body. Names bound to the
whole body (`const data = req.body`, `data = request.get_json() or {}`,
`const { id, ...changes } = req.body`, FastAPI `payload: dict`, NestJS
`@Body() body: any`) count as the body.

## Why it matters
Checklist TASK-3.1 (all inputs validated) and red flag RF-2, CWE-915. When
the request body is the record, the client decides which columns are
written: `"role": "admin"`, `"isVerified": true`, `"ownerId"` of another
account, `"price": 0`. Fields added to the model later become writable
through every such endpoint without anyone noticing.

## Example
```python
@api_view(["POST"])
def create_account(request):
    account = Account.objects.create(**request.data)
    return Response({"id": account.id}, status=201)
```

## Use instead
```python
@api_view(["POST"])
def create_account(request):
    serializer = AccountSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    account = serializer.save()
    return Response({"id": account.id}, status=201)
```
In JavaScript/TypeScript pick the fields (`{ name: body.name, email:
body.email }`) or write the output of a schema that strips unknown keys
(zod `parse`, a NestJS DTO with `ValidationPipe({ whitelist: true })`). In
Rust deserialise into a typed `NewUser` struct that lists the writable
columns.

## Configuration
Select or ignore it by name, `TASK-3.1` or `RF-2`. Tests and examples are
not checked. Handlers that validate the body against a schema first are not
reported (the schema decides which fields pass; make it reject or strip
unknown keys). Not seen: the body passed through a helper function or a
service in another file, Python classes whose kind cannot be told from the
file (`Thing(**data)` with `Thing` neither defined nor imported from a
`models` module), and typed Rust structs that mirror a table (the idiomatic
fix, and indistinguishable from a dedicated input struct).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("mass-assignment", "TASK-3.1")
        .red_flag("RF-2")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A request handler writes the whole request body into a record, so the client chooses which fields it sets.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "validation"])
        .cwe(&["CWE-915"])
        .security_severity(8.1)
        .docs(DOCS)
        .invalid(
            FileKind::JavaScript,
            r#"
            const express = require('express');
            const User = require('../models/user');
            const router = express.Router();

            router.post('/users', async (req, res) => {
              const user = await User.create(req.body);
              res.status(201).json({ id: user.id });
            });

            router.patch('/users/:id', async (req, res) => {
              const user = await User.findById(req.params.id);
              Object.assign(user, req.body);
              await user.save();
              res.json(user);
            });

            router.put('/users/:id', async (req, res) => {
              res.json(await User.findByIdAndUpdate(req.params.id, { $set: req.body }, { new: true }));
            });
            "#,
            3,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const express = require('express');
            const { z } = require('zod');
            const User = require('../models/user');
            const router = express.Router();

            const UserChanges = z.object({ name: z.string().max(100), email: z.string().email() }).partial();

            router.post('/users', async (req, res) => {
              const { name, email } = UserChanges.required().parse(req.body);
              const user = await User.create({ name, email });
              res.status(201).json({ id: user.id });
            });

            router.patch('/users/:id', async (req, res) => {
              const changes = UserChanges.parse(req.body);
              res.json(await User.findByIdAndUpdate(req.params.id, changes, { new: true }));
            });

            router.put('/cache/:key', async (req, res) => {
              res.set('Cache-Control', 'no-store');
              res.json({ ok: true });
            });
            "#,
        )
        .invalid_at(
            FileKind::TypeScript,
            "app/api/signup/route.ts",
            r#"
            import { NextResponse } from 'next/server';

            export async function POST(request: Request) {
              const body = await request.json();
              const user = await prisma.user.create({ data: { ...body, plan: 'free' } });
              return NextResponse.json({ id: user.id }, { status: 201 });
            }
            "#,
            1,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            @Controller('users')
            export class UsersController {
              @Post()
              create(@Body() body: any) {
                return this.users.save(body);
              }
            }
            "#,
            1,
        )
        .valid_at(
            FileKind::TypeScript,
            "app/api/signup/route.ts",
            r#"
            import { NextResponse } from 'next/server';

            export async function POST(request: Request) {
              const parsed = Signup.safeParse(await request.json());
              if (!parsed.success) {
                return NextResponse.json(parsed.error.flatten(), { status: 400 });
              }
              const user = await prisma.user.create({ data: { email: parsed.data.email, plan: 'free' } });
              return NextResponse.json({ id: user.id }, { status: 201 });
            }
            "#,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            @Controller('users')
            export class UsersController {
              @Post()
              create(@Body() dto: CreateUserDto) {
                return this.users.save(this.users.create(dto));
              }
            }
            "#,
        )
        .invalid(
            FileKind::Python,
            r#"
            from flask import Blueprint, jsonify, request
            from rest_framework.decorators import api_view
            from rest_framework.response import Response

            from .models import Account, Product, db

            bp = Blueprint("catalog", __name__)

            @api_view(["POST"])
            def create_account(request):
                account = Account.objects.create(**request.data)
                return Response({"id": account.id}, status=201)

            @bp.route("/products/<int:product_id>", methods=["PATCH"])
            def update_product(product_id):
                product = Product.query.get_or_404(product_id)
                for key, value in request.json.items():
                    setattr(product, key, value)
                db.session.commit()
                return jsonify(id=product.id)

            @bp.route("/products", methods=["POST"])
            def create_product():
                data = request.get_json() or {}
                product = Product(**data)
                db.session.add(product)
                return jsonify(id=product.id), 201
            "#,
            3,
        )
        .valid(
            FileKind::Python,
            r#"
            from fastapi import Depends, FastAPI
            from pydantic import BaseModel
            from rest_framework.decorators import api_view
            from rest_framework.response import Response

            from .models import Subscriber

            app = FastAPI()

            class SubscriberIn(BaseModel):
                email: str
                name: str | None = None

            @api_view(["POST"])
            def create_account(request):
                serializer = AccountSerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                account = serializer.save()
                return Response({"id": account.id}, status=201)

            @app.post("/subscribers")
            def create_subscriber(payload: SubscriberIn, db=Depends(get_db)):
                subscriber = Subscriber(**payload.model_dump(exclude_unset=True))
                db.add(subscriber)
                return {"id": subscriber.id}

            @api_view(["POST"])
            def rename(request, pk):
                Account.objects.filter(pk=pk).update(name=request.data["name"][:100])
                return Response(status=204)
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use actix_web::{post, web, HttpResponse};
            use serde_json::Value;

            #[post("/accounts")]
            async fn create_account(db: web::Data<DatabaseConnection>, body: web::Json<Value>) -> HttpResponse {
                let Ok(model) = account::ActiveModel::from_json(body.into_inner()) else {
                    return HttpResponse::BadRequest().finish();
                };
                match model.insert(db.get_ref()).await {
                    Ok(saved) => HttpResponse::Created().json(saved.id),
                    Err(_) => HttpResponse::InternalServerError().finish(),
                }
            }
            "#,
            1,
        )
        .valid(
            FileKind::Rust,
            r#"
            use actix_web::{post, web, HttpResponse};
            use sea_orm::Set;
            use serde::Deserialize;

            #[derive(Deserialize)]
            pub struct NewAccount {
                pub email: String,
                pub display_name: String,
            }

            #[post("/accounts")]
            async fn create_account(db: web::Data<DatabaseConnection>, body: web::Json<NewAccount>) -> HttpResponse {
                let input = body.into_inner();
                let model = account::ActiveModel {
                    email: Set(input.email),
                    display_name: Set(input.display_name),
                    ..Default::default()
                };
                match model.insert(db.get_ref()).await {
                    Ok(saved) => HttpResponse::Created().json(saved.id),
                    Err(_) => HttpResponse::InternalServerError().finish(),
                }
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use redflag_syntax::FileKind;

    use crate::engine::findings_of_rule;

    fn messages(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("mass-assignment", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn whole_body_aliases_and_rest_patterns_count_picked_fields_do_not() {
        let code = r#"
            router.patch('/users/:id', async (req, res) => {
              const { id, ...changes } = req.body;
              await User.update(changes, { where: { id: req.params.id } });
              res.sendStatus(204);
            });
            "#;
        let found = messages("src/routes/users.js", FileKind::JavaScript, code);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`User.update(…)`"), "{}", found[0]);
        assert!(found[0].contains("`req.body`"), "{}", found[0]);
        let picked = code.replace(
            "const { id, ...changes } = req.body;",
            "const changes = { name: req.body.name, email: req.body.email };",
        );
        assert!(messages("src/routes/users.js", FileKind::JavaScript, &picked).is_empty());
    }

    #[test]
    fn python_class_kind_decides_model_or_schema() {
        let code = r#"
            from .models import Product
            from .schemas import ProductIn

            @bp.route("/products", methods=["POST"])
            def create_product():
                data = request.get_json()
                checked = ProductIn(**data)
                product = Product(**data)
                return jsonify(id=product.id), 201
            "#;
        let found = messages("app/routes.py", FileKind::Python, code);
        // ProductIn validates, and a validated handler is quiet as a whole.
        assert!(found.is_empty(), "{found:?}");
        let unchecked = code.replace("                checked = ProductIn(**data)\n", "");
        let found = messages("app/routes.py", FileKind::Python, &unchecked);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`Product(**…)`"), "{}", found[0]);
    }

    #[test]
    fn hashes_responses_and_local_dicts_are_not_records() {
        let code = r#"
            app.post('/hooks', (req, res) => {
              const digest = crypto.createHmac('sha256', SECRET).update(req.body).digest('hex');
              res.set(req.body);
              res.sendStatus(digest === req.get('x-signature') ? 204 : 401);
            });
            "#;
        assert!(messages("src/hooks.js", FileKind::JavaScript, code).is_empty());
        let python = r#"
            @bp.route("/hooks", methods=["POST"])
            def hook():
                payload = {}
                payload.update(request.get_json())
                return jsonify(payload)
            "#;
        assert!(messages("app/hooks.py", FileKind::Python, python).is_empty());
    }
}
