//! `unvalidated-request-body`: a request handler that uses what the client
//! sent in the body (or the query string as a whole) without checking it
//! against a schema first, in Python, JavaScript/TypeScript and Rust.
//!
//! The handler's request data comes from `semantics::request_data`; this
//! rule adds what counts as a *use* (passed to a call, stored on an object,
//! compared, returned) and what counts as *validation* (a schema library
//! call in the handler, a validating decorator, validation middleware on
//! the route's registration, a typed DTO or extractor). The reading of a
//! handler — its whole-body names, its validation evidence — is shared with
//! `mass-assignment`, which asks the same questions about the same code.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::request_body::{body_prefilter, handler_at, is_validator_call, read_handler, shorten, validation_evidence, HandlerData, WHOLE_METHODS};
use crate::semantics::handlers::is_function;
use crate::semantics::paths::is_test_or_example;
use crate::semantics::request_data::SourceKind;
use crate::semantics::{callee_path, compact, rust_in_test_code, visit, TreeVisitor};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(UnvalidatedRequestBody { meta: meta() })
}

struct UnvalidatedRequestBody {
    meta: RuleMeta,
}

// ------------------------------------------------------------ uses

/// What a read of request data turns into where it appears.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    /// Used: passed to a call, stored, compared, returned.
    Use(String),
    /// Checked by hand (`typeof x === 'string'`, `isinstance(x, str)`).
    Checked,
    /// Converted or validated at this spot (`int(x)`, `schema.parse(x)`).
    Converted,
    /// Bound to a name, tested for presence, logged, or not judged.
    Ignored,
}

/// Functions that turn a value into a number, flag or id (raising or
/// yielding `NaN` on bad input): the value that comes out is not text.
const CONVERSIONS: &[&str] = &[
    "int", "float", "bool", "Decimal", "UUID", "uuid.UUID", "date.fromisoformat",
    "datetime.fromisoformat", "parseInt", "parseFloat", "Number", "Boolean", "BigInt",
    "Number.parseInt", "Number.parseFloat", "ObjectId", "Types.ObjectId", "mongoose.Types.ObjectId",
    "isValidObjectId", "Date", "dayjs", "moment", "DateTime.fromISO",
];

/// Password hashing and checking take any string and keep none of it:
/// `bcrypt.hash(password, 12)` is not where a schema is missing.
fn is_password_hashing(path: &str) -> bool {
    let root = path.split(['.', ':']).next().unwrap_or(path);
    let last = path.rsplit(['.', ':']).next().unwrap_or(path);
    matches!(root, "bcrypt" | "bcryptjs" | "argon2" | "scrypt" | "passlib" | "pwd_context" | "hasher")
        || matches!(
            last,
            "generate_password_hash" | "check_password_hash" | "make_password" | "check_password" | "set_password" | "hashpw" | "checkpw"
        )
}

/// A fixed set of accepted values: a literal collection or a constant
/// (`["asc", "desc"]`, `SORTS`, `dict(settings.LANGUAGES)`), not a cache or
/// a lookup table filled at run time.
fn is_allow_list(text: &str) -> bool {
    let text = text.trim();
    if text.starts_with(['[', '(', '{']) {
        return true;
    }
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| {
            word.len() > 1
                && word.chars().any(char::is_alphabetic)
                && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '_')
        })
}

/// Calls that check a value's type by hand.
const TYPE_CHECKS: &[&str] = &[
    "isinstance", "Array.isArray", "Number.isInteger", "Number.isFinite", "Number.isSafeInteger", "isNaN",
];

/// Roots of logging calls: logging a body is not using it.
const LOGGERS: &[&str] = &["console", "logger", "log", "logging", "print", "debug", "tracing", "this.logger", "self.logger", "app.logger", "current_app.logger", "request.log", "req.log", "fastify.log"];

/// Pass-through calls: their result is the data (`str(x)`, `JSON.stringify(x)`).
const PASS_THROUGH: &[&str] = &["str", "String", "dict", "list", "JSON.stringify", "JSON.parse", "json.loads", "json.dumps", "Object.assign", "structuredClone", "Object.keys", "Object.entries", "Object.values"];

fn kind_is(node: Node<'_>, field: &str, child: Node<'_>) -> bool {
    node.child_by_field_name(field).is_some_and(|c| c.id() == child.id())
}

/// True when `node` (an identifier) names a binding rather than reading one.
fn is_binding_position(node: Node<'_>, parent: Option<&Node<'_>>) -> bool {
    let Some(parent) = parent else {
        return false;
    };
    match parent.kind() {
        "assignment" | "augmented_assignment" | "assignment_expression"
        | "augmented_assignment_expression" => kind_is(*parent, "left", node),
        "variable_declarator" | "named_expression" => kind_is(*parent, "name", node),
        "let_declaration" => kind_is(*parent, "pattern", node),
        "for_statement" | "for_in_statement" | "for_in_clause" => kind_is(*parent, "left", node),
        "for_expression" => kind_is(*parent, "pattern", node),
        "keyword_argument" => kind_is(*parent, "name", node),
        "attribute" => kind_is(*parent, "attribute", node),
        "function_definition" | "function_declaration" | "class_definition" | "function_item" => {
            kind_is(*parent, "name", node)
        }
        "pattern_list" | "tuple_pattern" | "list_pattern" | "array_pattern" | "object_pattern"
        | "pair_pattern" | "rest_pattern" | "assignment_pattern" | "object_assignment_pattern"
        | "tuple_struct_pattern" | "struct_pattern" | "field_pattern" | "parameters"
        | "formal_parameters" | "required_parameter" | "optional_parameter" | "typed_parameter"
        | "default_parameter" | "typed_default_parameter" | "parameter" | "lambda_parameters"
        | "closure_parameters" | "import_statement" | "import_from_statement" | "dotted_name"
        | "aliased_import" | "as_pattern_target" => true,
        _ => false,
    }
}

/// The callee as shown in messages (`User.create`), at most 60 characters.
fn callee_text(file: &SourceFile, call: Node<'_>) -> String {
    let function = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("constructor"))
        .or_else(|| call.child_by_field_name("macro"));
    let text = function.map_or(String::new(), |f| compact(file.text_of(f)));
    // `sqlx::query(…).bind`: the chain's head and the method, not the SQL.
    let text = match (text.find('('), text.rsplit_once('.')) {
        (Some(open), Some((_, method))) if open < text.len() => {
            let head = &text[..open];
            let calls = text.matches('(').count();
            if calls > 1 {
                format!("{head}(…)….{method}")
            } else {
                format!("{head}(…).{method}")
            }
        }
        _ => shorten(&text),
    };
    match call.kind() {
        "new_expression" => format!("new {text}(…)"),
        "macro_invocation" => format!("{text}!(…)"),
        _ => format!("{text}(…)"),
    }
}

/// Follows a read of request data outwards to what the code does with it.
/// `ancestors` are its ancestors up to the handler body (outermost first);
/// `whole` says the read is the whole object, and is cleared by field access.
fn classify<'t>(
    file: &SourceFile,
    language: Language,
    occurrence: Node<'t>,
    ancestors: &[Node<'t>],
    whole: &mut bool,
    used: &mut Node<'t>,
) -> Seen {
    let mut current = occurrence;
    let mut index = ancestors.len();
    while index > 0 {
        index -= 1;
        let parent = ancestors[index];
        let grand = index.checked_sub(1).map(|i| ancestors[i]);
        match parent.kind() {
            "attribute" | "member_expression" | "field_expression" => {
                let object_field = if parent.kind() == "field_expression" { "value" } else { "object" };
                if !kind_is(parent, object_field, current) {
                    return Seen::Ignored;
                }
                let property = parent
                    .child_by_field_name("attribute")
                    .or_else(|| parent.child_by_field_name("property"))
                    .or_else(|| parent.child_by_field_name("field"))
                    .map_or("", |p| file.text_of(p));
                let called = grand.filter(|g| {
                    matches!(g.kind(), "call" | "call_expression") && kind_is(*g, "function", parent)
                });
                if let Some(call) = called {
                    // `request.args.get("page", type=int)` converts.
                    if property == "get"
                        && language == Language::Python
                        && call
                            .child_by_field_name("arguments")
                            .is_some_and(|a| compact(file.text_of(a)).contains("type="))
                    {
                        return Seen::Converted;
                    }
                    if matches!(property, "test" | "match") {
                        return Seen::Ignored;
                    }
                    if !WHOLE_METHODS.contains(&property) {
                        *whole = false;
                    }
                    current = call;
                    *used = call;
                    index -= 1;
                    continue;
                }
                if !(language == Language::Rust && property == "0") {
                    *whole = false;
                }
                current = parent;
                *used = parent;
            }
            "subscript" | "subscript_expression" | "index_expression" => {
                let object = parent
                    .child_by_field_name("value")
                    .or_else(|| parent.child_by_field_name("object"))
                    .or_else(|| parent.named_child(0));
                if object.map(|o| o.id()) != Some(current.id()) {
                    // A key into a table the code owns.
                    return Seen::Ignored;
                }
                *whole = false;
                current = parent;
                *used = parent;
            }
            "await" | "await_expression" | "parenthesized_expression" | "non_null_expression"
            | "as_expression" | "satisfies_expression" | "type_assertion" | "reference_expression"
            | "try_expression" | "dictionary" | "pair" | "list" | "tuple" | "set" | "object" | "array"
            | "spread_element" | "dictionary_splat" | "list_splat" | "template_substitution"
            | "template_string" | "interpolation" | "string" | "concatenated_string"
            | "expression_list" | "conditional_expression" | "ternary_expression" | "array_expression"
            | "tuple_expression" | "struct_expression" | "field_initializer_list" | "field_initializer"
            | "shorthand_field_initializer" | "base_field_initializer" | "string_content"
            | "formatted_string" | "format_expression" | "sequence_expression" => {
                if parent.kind() == "pair" && !kind_is(parent, "value", current) {
                    return Seen::Ignored;
                }
                current = parent;
            }
            "keyword_argument" => {
                if !kind_is(parent, "value", current) {
                    return Seen::Ignored;
                }
                current = parent;
            }
            "unary_expression" | "unary_operator" => {
                let operator = parent
                    .child_by_field_name("operator")
                    .map_or("", |o| file.text_of(o));
                return if operator == "typeof" { Seen::Checked } else { Seen::Ignored };
            }
            "not_operator" => return Seen::Ignored,
            "boolean_operator" => current = parent,
            "binary_expression" | "binary_operator" => {
                let operator = parent
                    .child_by_field_name("operator")
                    .map_or("", |o| file.text_of(o));
                match operator {
                    "instanceof" => return Seen::Checked,
                    "in" => return Seen::Ignored,
                    "==" | "!=" | "===" | "!==" | "<" | ">" | "<=" | ">=" => {
                        return Seen::Use("compared".to_string());
                    }
                    _ => current = parent,
                }
            }
            "comparison_operator" => {
                let text = file.text_of(parent);
                if text.contains(" in ") {
                    // `lang in ALLOWED` checks against an allow-list;
                    // `"key" in data` only tests for presence.
                    let left = parent.named_child(0).map(|n| n.id());
                    let right = parent.named_child(1).map_or("", |n| file.text_of(n));
                    return if left == Some(current.id()) && is_allow_list(right) {
                        Seen::Checked
                    } else {
                        Seen::Ignored
                    };
                }
                if text.contains(" is ") {
                    return Seen::Ignored;
                }
                return Seen::Use("compared".to_string());
            }
            "argument_list" | "arguments" => {
                let Some(call) = grand else {
                    return Seen::Ignored;
                };
                if !matches!(call.kind(), "call" | "call_expression" | "new_expression") {
                    return Seen::Ignored;
                }
                let path = if call.kind() == "new_expression" {
                    call.child_by_field_name("constructor")
                        .map(|c| compact(file.text_of(c)))
                } else {
                    callee_path(file, language, call)
                }
                .unwrap_or_default();
                let resolved = file.imports().resolve(&path);
                if is_password_hashing(&path) {
                    return Seen::Converted;
                }
                if TYPE_CHECKS.contains(&path.as_str()) {
                    return Seen::Checked;
                }
                if CONVERSIONS.contains(&path.as_str()) || CONVERSIONS.contains(&resolved.as_str()) || is_validator_call(file, language, call) {
                    return Seen::Converted;
                }
                if LOGGERS.iter().any(|l| path == *l || path.starts_with(&format!("{l}."))) {
                    return Seen::Ignored;
                }
                if PASS_THROUGH.contains(&path.as_str()) {
                    current = call;
                    index -= 1;
                    continue;
                }
                // `EMAIL_RE.test(x)`, `re.match(PATTERN, x)`,
                // `ALLOWED.includes(x)`: a check.
                let allow_list = (path.ends_with(".includes") || path.ends_with(".has"))
                    && is_allow_list(path.rsplit_once('.').map_or("", |(r, _)| r));
                if path.ends_with(".test")
                    || path.starts_with("re.")
                    || path.ends_with(".fullmatch")
                    || allow_list
                {
                    return Seen::Checked;
                }
                return Seen::Use(format!("passed to `{}`", callee_text(file, call)));
            }
            "token_tree" => {
                // A Rust macro's arguments.
                let Some(mac) = ancestors[..index].iter().rev().find(|a| a.kind() == "macro_invocation") else {
                    return Seen::Ignored;
                };
                let name = mac
                    .child_by_field_name("macro")
                    .map_or("", |m| file.text_of(m));
                let name = name.rsplit("::").next().unwrap_or(name);
                if matches!(name, "println" | "eprintln" | "print" | "eprint" | "dbg" | "info" | "debug" | "warn" | "error" | "trace" | "event") {
                    return Seen::Ignored;
                }
                if matches!(name, "format" | "json" | "vec" | "concat") {
                    // Keep climbing from the macro call.
                    let Some(position) = ancestors[..index].iter().rposition(|a| a.id() == mac.id()) else {
                        return Seen::Ignored;
                    };
                    current = *mac;
                    index = position;
                    continue;
                }
                return Seen::Use(format!("passed to `{}!`", name));
            }
            "assignment" | "augmented_assignment" | "assignment_expression"
            | "augmented_assignment_expression" | "variable_declarator" | "let_declaration"
            | "named_expression" => {
                let target = parent
                    .child_by_field_name("left")
                    .or_else(|| parent.child_by_field_name("name"))
                    .or_else(|| parent.child_by_field_name("pattern"));
                let Some(target) = target else {
                    return Seen::Ignored;
                };
                if target.id() == current.id() {
                    return Seen::Ignored;
                }
                if matches!(
                    target.kind(),
                    "attribute" | "member_expression" | "subscript" | "subscript_expression" | "field_expression" | "index_expression"
                ) {
                    return Seen::Use(format!("stored in `{}`", shorten(&compact(file.text_of(target)))));
                }
                return Seen::Ignored;
            }
            "return_statement" | "return_expression" | "yield" | "yield_expression" => {
                return Seen::Use("returned".to_string());
            }
            "arrow_function" => {
                return if kind_is(parent, "body", current) {
                    Seen::Use("returned".to_string())
                } else {
                    Seen::Ignored
                };
            }
            _ => return Seen::Ignored,
        }
    }
    Seen::Ignored
}

/// The first use of unvalidated request data in a handler's body.
struct FirstUse<'f, 't> {
    file: &'f SourceFile,
    language: Language,
    data: &'f HandlerData<'t>,
    /// End of the last source read found: its inside is part of it.
    skip_until: usize,
    first: Option<(std::ops::Range<usize>, String, String, SourceKind)>,
    checked: bool,
}

impl<'t> FirstUse<'_, 't> {
    /// When `node` is a read to follow: the read as written, and its part.
    fn read(&self, node: Node<'t>, parent: Option<&Node<'t>>) -> Option<(String, SourceKind, bool)> {
        let file = self.file;
        if let Some(kind) = self.data.flow.source_kind(file, node) {
            if self.language == Language::Rust {
                return None;
            }
            let text = compact(file.text_of(node));
            if text.contains(".valid(") || !matches!(kind, SourceKind::Body | SourceKind::Query) {
                return None;
            }
            return Some((shorten(&text), kind, true));
        }
        // Rust `format!("{name}")`: a name captured inside a format string.
        let format_string = self.language == Language::Rust
            && node.kind() == "string_literal"
            && parent.is_some_and(|p| p.kind() == "token_tree");
        if !format_string
            && !matches!(node.kind(), "identifier" | "shorthand_property_identifier" | "shorthand_field_identifier")
        {
            return None;
        }
        if is_binding_position(node, parent) {
            return None;
        }
        let origin = if format_string {
            let origin = self.data.flow.origin(file, node)?;
            let name = origin.via.clone().unwrap_or_default();
            if let Some((kind, source)) = self.data.whole.get(&name) {
                return Some((format!("`{source}` (via `{name}`)"), *kind, true));
            }
            origin
        } else {
            let name = file.text_of(node);
            if let Some((kind, source)) = self.data.whole.get(name) {
                return Some((format!("`{source}` (via `{name}`)"), *kind, true));
            }
            self.data.flow.origin(file, node)?
        };
        let name = origin.via.clone().unwrap_or_default();
        if self.data.containers.contains(&name) {
            return None;
        }
        if self.data.trusted.contains(&origin.source) || origin.source.contains(".valid(") {
            return None;
        }
        // A field taken from a whole-body name (`email = payload["email"]`).
        let from_whole = self
            .data
            .whole
            .iter()
            .find(|(n, (_, s))| **n == origin.source || *s == origin.source)
            .map(|(_, v)| v.clone());
        if let Some((kind, source)) = from_whole {
            return Some((format!("`{source}` (via `{name}`)"), kind, false));
        }
        if self.language == Language::Rust {
            // Typed extractors are checked by serde.
            return None;
        }
        (origin.kind == SourceKind::Body).then(|| (origin.describe(), SourceKind::Body, false))
    }
}

impl<'t> TreeVisitor<'t> for FirstUse<'_, 't> {
    fn enter(&mut self, node: Node<'t>, ancestors: &[Node<'t>]) {
        if node.start_byte() < self.skip_until {
            return;
        }
        let Some((shown, kind, whole_read)) = self.read(node, ancestors.last()) else {
            return;
        };
        self.skip_until = node.end_byte();
        let mut whole = whole_read;
        let mut used = node;
        let seen = classify(self.file, self.language, node, ancestors, &mut whole, &mut used);
        // The query string counts as a whole (`Model.find(req.query)`,
        // `Query<HashMap<..>>`); single query fields are usually converted or
        // matched where they are read.
        let counts = kind == SourceKind::Body
            || whole
            || (self.language == Language::Rust && !whole_read);
        match seen {
            Seen::Checked => self.checked = true,
            Seen::Use(how) if counts && self.first.is_none() => {
                let shown = if used.id() != node.id() && !shown.starts_with('`') {
                    format!("`{}`", shorten(&compact(self.file.text_of(used))))
                } else if shown.starts_with('`') {
                    shown
                } else {
                    format!("`{shown}`")
                };
                self.first = Some((used.byte_range(), shown, how, kind));
            }
            _ => {}
        }
    }

    fn leave(&mut self, _node: Node<'t>) {}
}

impl Rule for UnvalidatedRequestBody {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["request", "Body(", "dict", "Dict", "Any"],
            Language::Rust => &["Value", "HashMap", "BTreeMap", "Map<", "Document"],
            _ => &["body", "query", "json", "Body(", "formData"],
        };
        Some(body_prefilter(language, words))
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
        debug_assert!(is_function(language, node.kind()));
        if language == Language::Rust && rust_in_test_code(file, ctx.ancestors) {
            return;
        }
        let Some(handler) = handler_at(file, node, ctx.ancestors) else {
            return;
        };
        let data = read_handler(file, handler);
        let Some(body) = node.child_by_field_name("body") else {
            return;
        };
        let mut finder = FirstUse {
            file,
            language,
            data: &data,
            skip_until: 0,
            first: None,
            checked: false,
        };
        visit(body, &mut finder);
        let (Some((range, shown, how, kind)), false) = (finder.first, finder.checked) else {
            return;
        };
        // A whole-body write is reported as `mass-assignment`, the stronger
        // finding about the same missing schema.
        if !crate::semantics::request_body::mass_assignments(file, language, &data).is_empty()
            || validation_evidence(file, language, &data.handler, ctx.ancestors)
        {
            return;
        }
        let (looked_for, help) = match language {
            Language::Python => (
                "no Pydantic model, Marshmallow `Schema().load()`, DRF serializer or Django form `is_valid()`, WTForms `validate()`, `jsonschema.validate` or Cerberus call in the handler",
                "validate before use: a Pydantic model (`CreateUser.model_validate(data)`, or a typed FastAPI parameter), a Marshmallow `schema.load(data)`, a DRF `serializer = UserSerializer(data=request.data); serializer.is_valid(raise_exception=True)` then `serializer.validated_data`, or a Django `form = UserForm(request.POST); if form.is_valid(): form.cleaned_data`",
            ),
            Language::Rust => (
                "the extractor accepts any JSON or map, and nothing turns it into a typed struct",
                "extract a typed struct instead (`Json(input): Json<CreateUser>` with `#[derive(Deserialize)]`, `Query<Pagination>`): serde rejects missing fields and wrong types; add `validator`'s `#[derive(Validate)]` + `input.validate()?` or `garde` for value rules (lengths, ranges, email)",
            ),
            _ => (
                "no zod/joi/yup/ajv/class-validator/superstruct/valibot/typia call in the handler and no validation middleware (express-validator, celebrate, `validate(schema)`, Hono `zValidator`, a Fastify `schema`) on its route",
                "parse the input with a schema and use the result: `const input = CreateUser.parse(req.body)` (zod), `await schema.validateAsync(req.body)` (joi), validation middleware on the route (`celebrate`, express-validator + `validationResult(req)`), a Fastify route `schema: { body }`, Hono `zValidator('json', schema)` + `c.req.valid('json')`, or a NestJS DTO class with a `ValidationPipe`",
            ),
        };
        let noun = if kind == SourceKind::Query { "query string" } else { "request body" };
        ctx.report(
            Diagnostic::new(
                range,
                format!(
                    "{noun} {shown} is {how} in {} without schema validation: {looked_for}",
                    data.handler.describe()
                ),
            )
            .help(help),
        );
    }
}

const DOCS: &str = r#"
## What it does
Finds request handlers that use what the client sent without checking it
against a schema first. A *use* is passing the data (or a field of it) to a
call, storing it on an object, comparing it or returning it; one finding per
handler, at the first use.

Read as request data: Flask `request.json` / `get_json()` / `form` / `values`,
Django `request.POST` / `body`, DRF `request.data`, FastAPI and Starlette
`await request.json()`, FastAPI parameters typed `dict` / `Dict[str, Any]` /
`Any`, aiohttp `await request.json()` / `post()`; Express, Koa and Fastify
`req.body` / `ctx.request.body`, Hono `await c.req.json()`, Next.js
`await request.json()`, NestJS `@Body() body: any` (untyped, `any`,
`object`, `Record<…>`); Axum and Actix `Json<Value>`, `Form<HashMap<…>>` and
`Query<HashMap<…>>`. The query string counts when used as a whole object
(`Model.find(req.query)`, `filter_by(**request.args)`, Rust
`Query<HashMap<…>>`).

Taken as validation: a call in the handler to Pydantic (`Model(**data)`,
`model_validate`, `parse_obj`), Marshmallow (`schema.load`), DRF/Django
(`is_valid()`), WTForms (`validate()`, `validate_on_submit()`),
`jsonschema.validate`, Cerberus, voluptuous, webargs/flask-smorest/APIFlask
decorators, Flask-RESTful `parse_args()`; zod (`parse`, `safeParse`), joi and
yup (`validate`, `validateAsync`, `isValid`), ajv (`validate(...)`),
class-validator and class-transformer (`validate`, `validateOrReject`,
`plainToInstance`), superstruct, valibot, typia; validation middleware on the
route's registration (express-validator chains, `celebrate(...)`, a
`validate…(schema)` middleware, Hono `zValidator` / `validator`, a Fastify
`schema` option), judged by name; NestJS `@Body()` typed with a DTO class;
Rust typed `Json<T>` / `Query<T>` (never reported) and `serde_json::from_value`.
Reads that are converted on the spot (`int(...)`, `parseInt(...)`,
`request.args.get("page", type=int)`) are not uses, and a handler that checks
types by hand (`typeof`, `isinstance`, `Array.isArray`) counts as validating.

## Why it matters
Checklist TASK-3.1 (all inputs validated before processing) and red flag
RF-2 (missing input validation), CWE-20. Unchecked input reaches the
database, other services and business rules with whatever type and size the
client chose: a string where a number was expected, an object where a string
was expected (NoSQL operator injection), a 10 MB field, a negative quantity.
A schema at the edge turns all of that into one clear 400 response.

## Example
```javascript
router.post('/orders', async (req, res) => {
  const { productId, quantity } = req.body;
  const order = await Order.create({ productId, quantity, userId: req.user.id });
  res.status(201).json(order);
});
```

## Use instead
```javascript
const NewOrder = z.object({ productId: z.string().uuid(), quantity: z.number().int().min(1).max(100) });

router.post('/orders', async (req, res) => {
  const { productId, quantity } = NewOrder.parse(req.body);
  const order = await Order.create({ productId, quantity, userId: req.user.id });
  res.status(201).json(order);
});
```
Python: a Pydantic model (a typed FastAPI parameter, or
`CreateOrder.model_validate(request.get_json())`), a Marshmallow schema, a
DRF serializer's `is_valid(raise_exception=True)`. Rust: `Json<CreateOrder>`
with `#[derive(Deserialize)]`; `validator` / `garde` add value rules.

## Configuration
Select or ignore it by name, `TASK-3.1` or `RF-2`. Tests and examples are
not checked. Not seen: validation in a helper function or another file
(a controller registered from another module, a router-level `router.use`
validator), whether a NestJS `ValidationPipe` is actually installed (a typed
DTO is trusted; the global pipe lives in `main.ts`), single query or path
parameters read by name, headers and cookies, and request data passed through
functions other than the handler.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("unvalidated-request-body", "TASK-3.1")
        .red_flag("RF-2")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A request handler uses the request body without validating it against a schema.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "validation"])
        .cwe(&["CWE-20"])
        .security_severity(5.3)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            from flask import Blueprint, jsonify, request

            from .models import Review, db

            bp = Blueprint("reviews", __name__)

            @bp.route("/products/<int:product_id>/reviews", methods=["POST"])
            def add_review(product_id):
                data = request.get_json()
                review = Review(product_id=product_id, rating=data["rating"], body=data["body"])
                db.session.add(review)
                db.session.commit()
                return jsonify(id=review.id), 201
            "#,
            1,
        )
        .invalid(
            FileKind::Python,
            r#"
            from rest_framework.decorators import api_view
            from rest_framework.response import Response

            @api_view(["POST"])
            def redeem_coupon(request):
                coupon = Coupon.objects.get(code=request.data.get("code"))
                coupon.redeem(request.user)
                return Response(status=204)
            "#,
            1,
        )
        .valid(
            FileKind::Python,
            r#"
            from flask import Blueprint, jsonify, request
            from pydantic import BaseModel, Field, ValidationError

            bp = Blueprint("reviews", __name__)

            class ReviewIn(BaseModel):
                rating: int = Field(ge=1, le=5)
                body: str = Field(max_length=5000)

            @bp.route("/products/<int:product_id>/reviews", methods=["POST"])
            def add_review(product_id):
                try:
                    data = ReviewIn.model_validate(request.get_json())
                except ValidationError as err:
                    return jsonify(err.errors()), 400
                review = Review(product_id=product_id, rating=data.rating, body=data.body)
                db.session.add(review)
                return jsonify(id=review.id), 201

            @bp.route("/products")
            def list_products():
                page = request.args.get("page", 1, type=int)
                return jsonify(Product.query.paginate(page=page).items)
            "#,
        )
        .valid(
            FileKind::Python,
            r#"
            from fastapi import FastAPI
            from pydantic import BaseModel, EmailStr
            from rest_framework.decorators import api_view
            from rest_framework.response import Response

            app = FastAPI()

            class SubscriberIn(BaseModel):
                email: EmailStr

            @app.post("/subscribers")
            async def subscribe(payload: SubscriberIn):
                await subscribers.add(payload.email)
                return {"ok": True}

            @api_view(["POST"])
            def redeem_coupon(request):
                serializer = RedeemSerializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                coupon = Coupon.objects.get(code=serializer.validated_data["code"])
                return Response(status=204)
            "#,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const express = require('express');
            const router = express.Router();

            router.post('/orders', async (req, res) => {
              const { productId, quantity } = req.body;
              const order = await Order.create({ productId, quantity, userId: req.user.id });
              res.status(201).json(order);
            });

            router.post('/orders/:id/status', async (req, res) => {
              if (req.body.status === 'cancelled') {
                await Order.updateOne({ _id: req.params.id }, { status: 'cancelled' });
              }
              res.sendStatus(204);
            });
            "#,
            2,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const express = require('express');
            const { z } = require('zod');
            const { celebrate, Joi, Segments } = require('celebrate');
            const router = express.Router();

            const NewOrder = z.object({ productId: z.string().uuid(), quantity: z.number().int().min(1) });

            router.post('/orders', async (req, res) => {
              const { productId, quantity } = NewOrder.parse(req.body);
              const order = await Order.create({ productId, quantity, userId: req.user.id });
              res.status(201).json(order);
            });

            router.post(
              '/orders/:id/status',
              celebrate({ [Segments.BODY]: Joi.object({ status: Joi.string().valid('open', 'cancelled') }) }),
              async (req, res) => {
                await Order.updateOne({ _id: req.params.id }, { status: req.body.status });
                res.sendStatus(204);
              },
            );

            router.get('/orders', async (req, res) => {
              const page = parseInt(req.query.page, 10) || 1;
              res.json(await Order.find().skip((page - 1) * 20).limit(20));
            });
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import { Hono } from 'hono';

            export const app = new Hono();

            app.post('/comments', async (c) => {
              const { postId, text } = await c.req.json();
              const id = await db.comments.insert({ postId, text });
              return c.json({ id }, 201);
            });

            @Controller('invites')
            export class InvitesController {
              @Post()
              invite(@Body() body: any) {
                return this.invites.send(body.email);
              }
            }
            "#,
            2,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import { Hono } from 'hono';
            import { zValidator } from '@hono/zod-validator';
            import { z } from 'zod';

            export const app = new Hono();
            const Comment = z.object({ postId: z.string().uuid(), text: z.string().max(2000) });

            app.post('/comments', zValidator('json', Comment), async (c) => {
              const { postId, text } = c.req.valid('json');
              const id = await db.comments.insert({ postId, text });
              return c.json({ id }, 201);
            });

            export async function postRoutes(app: FastifyInstance) {
              app.post('/posts', { schema: { body: CreatePost } }, async (request, reply) => {
                const { title } = request.body as { title: string };
                return reply.code(201).send(await posts.create(title));
              });
            }

            @Controller('invites')
            export class InvitesController {
              @Post()
              invite(@Body() dto: InviteDto) {
                return this.invites.send(dto.email);
              }
            }
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use std::collections::HashMap;
            use axum::extract::{Query, State};
            use axum::Json;
            use serde_json::Value;

            pub async fn create_note(State(pool): State<PgPool>, Json(payload): Json<Value>) -> StatusCode {
                let title = payload["title"].as_str().unwrap_or_default();
                sqlx::query("INSERT INTO notes (title) VALUES ($1)").bind(title).execute(&pool).await.ok();
                StatusCode::CREATED
            }

            pub async fn search(State(pool): State<PgPool>, Query(params): Query<HashMap<String, String>>) -> Json<Vec<String>> {
                let q = params.get("q").cloned().unwrap_or_default();
                Json(notes::search(&pool, &q).await)
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            use axum::extract::{Query, State};
            use axum::Json;
            use serde::Deserialize;
            use validator::Validate;

            #[derive(Deserialize, Validate)]
            pub struct NewNote {
                #[validate(length(min = 1, max = 200))]
                pub title: String,
            }

            #[derive(Deserialize)]
            pub struct Search {
                pub q: String,
            }

            pub async fn create_note(State(pool): State<PgPool>, Json(input): Json<NewNote>) -> StatusCode {
                if input.validate().is_err() {
                    return StatusCode::UNPROCESSABLE_ENTITY;
                }
                sqlx::query("INSERT INTO notes (title) VALUES ($1)").bind(&input.title).execute(&pool).await.ok();
                StatusCode::CREATED
            }

            pub async fn search(State(pool): State<PgPool>, Query(search): Query<Search>) -> Json<Vec<String>> {
                Json(notes::search(&pool, &search.q).await)
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use redflag_syntax::FileKind;

    use crate::engine::findings_of_rule;

    fn messages(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("unvalidated-request-body", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn fastapi_typed_parameters_and_dependencies_are_not_unvalidated_bodies() {
        let found = messages(
            "app/items.py",
            FileKind::Python,
            r#"
            from datetime import timedelta
            from fastapi import Body, Depends, FastAPI

            app = FastAPI()

            @app.get("/items/")
            async def read_items(commons: dict = Depends(common_parameters)):
                return commons

            @app.put("/items/{item_id}")
            async def schedule(item_id: int, process_after: timedelta = Body()):
                return {"after": process_after}

            @app.post("/index-weights/")
            async def create_index_weights(weights: dict[int, float]):
                return weights

            @app.post("/raw/")
            async def raw(payload: dict = Body()):
                return {"echo": payload}
            "#,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("`payload: dict`"), "{found:#?}");
    }

    #[test]
    fn one_finding_per_handler_naming_the_read_and_the_use() {
        let found = messages(
            "src/routes/orders.js",
            FileKind::JavaScript,
            r#"
            router.post('/orders', async (req, res) => {
              const order = await Order.create({ productId: req.body.productId, quantity: req.body.quantity });
              await audit.record(req.body.note);
              res.status(201).json(order);
            });
            "#,
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`req.body.productId`"), "{}", found[0]);
        assert!(found[0].contains("passed to `Order.create(…)`"), "{}", found[0]);
        assert!(found[0].contains("zod"), "{}", found[0]);
    }

    #[test]
    fn named_handlers_registered_with_validation_middleware_are_quiet() {
        let code = r#"
            async function createUser(req, res) {
              const user = await users.insert({ email: req.body.email });
              res.status(201).json(user);
            }
            router.post('/users', validateBody(NewUser), createUser);
            "#;
        assert!(messages("src/routes/users.js", FileKind::JavaScript, code).is_empty());
        let bare = code.replace("validateBody(NewUser), ", "");
        assert_eq!(messages("src/routes/users.js", FileKind::JavaScript, &bare).len(), 1);
    }

    #[test]
    fn fastapi_dict_bodies_are_unvalidated_and_models_are_not() {
        let dict = r#"
            from fastapi import FastAPI

            @app.post("/quotes")
            async def quote(order: dict):
                return await pricing.convert(order["amount"], order["currency"])
            "#;
        let found = messages("app/main.py", FileKind::Python, dict);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("`order: dict`"), "{}", found[0]);
        let model = dict.replace("order: dict", "order: QuoteIn");
        assert!(messages("app/main.py", FileKind::Python, &model).is_empty());
    }

    #[test]
    fn presence_checks_logging_and_password_hashing_are_not_uses() {
        let code = r#"
            app.post('/login', async (req, res) => {
              console.log('login attempt', req.body.email);
              if (!req.body.password) {
                return res.status(400).end();
              }
              const ok = await bcrypt.compare(req.body.password, HASH);
              res.json({ ok });
            });
            "#;
        assert!(messages("src/server.js", FileKind::JavaScript, code).is_empty());
    }

    #[test]
    fn python_classes_are_told_apart_through_their_bases() {
        let code = r#"
            class ItemBase(BaseModel):
                title: str

            class ItemCreate(ItemBase):
                price: int

            class Item(Base):
                __tablename__ = "items"

            class Ledger(db.Model):
                id = db.Column(db.Integer, primary_key=True)

            class AuditedLedger(Ledger):
                pass
            "#;
        let file = crate::source::SourceFile::new(
            "app/models.py".to_string(),
            FileKind::Python,
            crate::rule::unindent(code),
            None,
        );
        use crate::semantics::request_body::{python_class, PyClass};
        assert_eq!(python_class(&file, "ItemCreate"), PyClass::Schema);
        assert_eq!(python_class(&file, "Item"), PyClass::Orm);
        assert_eq!(python_class(&file, "AuditedLedger"), PyClass::Orm);
        assert_eq!(python_class(&file, "Mystery"), PyClass::Unknown);
    }

    #[test]
    fn allow_list_checks_count_as_validation() {
        let python = r#"
            @require_POST
            def set_language(request):
                lang = request.POST.get("language")
                if lang in dict(settings.LANGUAGES):
                    request.session["lang"] = lang
                return redirect("/")
            "#;
        assert!(messages("shop/views.py", FileKind::Python, python).is_empty());
        let unchecked = python.replace(
            "if lang in dict(settings.LANGUAGES):",
            "if lang:",
        );
        let found = messages("shop/views.py", FileKind::Python, &unchecked);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("stored in `request.session[\"lang\"]`"), "{}", found[0]);
        let js = r#"
            router.get('/books', async (req, res) => {
              const sort = SORTS.includes(req.body.sort) ? req.body.sort : 'name';
              res.json(await Book.findAll({ order: [[sort, 'ASC']] }));
            });
            "#;
        assert!(messages("src/books.js", FileKind::JavaScript, js).is_empty());
        // A run-time cache is no allow-list.
        let cache = r#"
            from fastapi import FastAPI

            @app.post("/quotes")
            def quote(order: dict):
                key = f"{order['currency']}:{order['amount']}"
                if key not in _quote_cache:
                    _quote_cache[key] = convert(order["amount"], order["currency"])
                return {"amount": _quote_cache[key]}
            "#;
        assert_eq!(messages("app/main.py", FileKind::Python, cache).len(), 1);
    }

    #[test]
    fn a_store_into_a_container_is_the_use_not_later_reads_of_it() {
        let code = r#"
            @bp.post("/")
            def create_user():
                user_id = len(USERS) + 1
                USERS[user_id] = {"id": user_id, **request.get_json()}
                return jsonify(USERS[user_id]), 201
            "#;
        let found = messages("app/users.py", FileKind::Python, code);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("stored in `USERS[user_id]`"), "{}", found[0]);
    }
}
