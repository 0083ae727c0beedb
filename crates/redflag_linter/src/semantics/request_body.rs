//! How a request handler treats the request body, for the validation
//! rules: the names that hold the whole body (or query), the validation it
//! shows (schema calls, validating decorators and middleware, typed DTOs and
//! extractors), and the writes that store the whole body in a model
//! (`Model.create(req.body)`, `Model.objects.create(**request.data)`).
//!
//! `unvalidated-request-body` and `mass-assignment` ask the same questions
//! about the same code; the answers live here once, so that neither rule
//! depends on the other.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use super::handlers::{enclosing_handler, Handler};
use super::request_data::{request_flow, RequestFlow, SourceKind};
use super::{callee_path, compact, visit, walk, TreeVisitor};
use crate::source::SourceFile;

// ------------------------------------------------------------ shared reading

/// What the validation rules know about one handler: its request flow, the
/// names that hold the whole body (or query) and the request reads a
/// framework has already validated.
pub(crate) struct HandlerData<'t> {
    pub handler: Handler<'t>,
    pub flow: Rc<RequestFlow>,
    /// Local names bound to the whole body or query object (`data =
    /// request.get_json()`, `const body = req.body`, `Json(payload):
    /// Json<Value>`, FastAPI `payload: dict`) → the read, as written.
    pub whole: HashMap<String, (SourceKind, String)>,
    /// Sources (as the flow writes them) a framework validated before the
    /// handler ran: NestJS `@Body()` typed with a DTO class.
    pub trusted: HashSet<String>,
    /// Names the handler only stores request data into (`USERS[id] =
    /// body`, `order.note = text`): the store is the use, reading the
    /// container elsewhere (`len(USERS)`) is not.
    pub containers: HashSet<String>,
}

/// Literals a file must contain for the validation rules to read it: a
/// whole-body source, and a request object, a FastAPI import or an
/// extractor to take it from (`dict` or `Value` alone is everywhere).
#[must_use]
pub fn body_prefilter(language: Language, sources: &[&str]) -> Vec<Vec<String>> {
    let requests: &[&str] = match language {
        Language::Python => &["request", "req", "fastapi", "Body("],
        Language::Rust => &["Json", "Query", "Form"],
        _ => &["req", "request", "ctx", "context", "Body("],
    };
    [sources, requests]
        .iter()
        .map(|group| group.iter().map(|w| (*w).to_string()).collect())
        .collect()
}

/// The handler `function` is, when it is one (`ancestors`: outermost first).
pub(crate) fn handler_at<'t>(
    file: &SourceFile,
    function: Node<'t>,
    ancestors: &[Node<'t>],
) -> Option<Handler<'t>> {
    let mut chain: Vec<Node<'t>> = ancestors.to_vec();
    chain.push(function);
    enclosing_handler(file, &chain).filter(|h| h.node.id() == function.id())
}

/// Reads a handler's parameters and bindings for whole-body names.
pub(crate) fn read_handler<'t>(file: &SourceFile, handler: Handler<'t>) -> HandlerData<'t> {
    let flow = request_flow(file, &handler);
    let mut data = HandlerData {
        handler,
        flow,
        whole: HashMap::new(),
        trusted: HashSet::new(),
        containers: HashSet::new(),
    };
    let Some(language) = file.kind.language() else {
        return data;
    };
    let function = data.handler.node;
    if let Some(parameters) = function.child_by_field_name("parameters") {
        let mut cursor = parameters.walk();
        let list: Vec<Node<'_>> = parameters.named_children(&mut cursor).collect();
        for parameter in list {
            match language {
                Language::Python => python_parameter(file, &mut data, parameter),
                Language::Rust => rust_parameter(file, &mut data, parameter),
                _ => js_parameter(file, &mut data, parameter),
            }
        }
    }
    // Whole-body aliases, in source order (`data = request.json or {}`,
    // `const { id, ...changes } = req.body`).
    let Some(body) = function.child_by_field_name("body") else {
        return data;
    };
    let mut bindings: Vec<(Node<'t>, Node<'t>)> = Vec::new();
    walk(body, |node| {
        let pair = match node.kind() {
            "assignment" => (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ),
            "variable_declarator" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            "let_declaration" => (
                node.child_by_field_name("pattern"),
                node.child_by_field_name("value"),
            ),
            _ => (None, None),
        };
        if let (Some(left), Some(right)) = pair {
            bindings.push((left, right));
        }
        true
    });
    let mut plain: HashSet<String> = HashSet::new();
    let mut stored: HashSet<String> = HashSet::new();
    for (left, _) in &bindings {
        match left.kind() {
            "attribute"
            | "subscript"
            | "member_expression"
            | "subscript_expression"
            | "field_expression"
            | "index_expression" => {
                let mut root = *left;
                for _ in 0..16 {
                    let Some(inner) = root
                        .child_by_field_name("object")
                        .or_else(|| root.child_by_field_name("value"))
                    else {
                        break;
                    };
                    root = inner;
                }
                if root.kind() == "identifier" {
                    stored.insert(file.text_of(root).to_string());
                }
            }
            _ => {
                walk(*left, |n| {
                    if matches!(
                        n.kind(),
                        "identifier" | "shorthand_property_identifier_pattern"
                    ) {
                        plain.insert(file.text_of(n).to_string());
                    }
                    true
                });
            }
        }
    }
    data.containers = stored.difference(&plain).cloned().collect();
    for (left, right) in bindings {
        let Some(found) = whole_source(file, &data, right) else {
            continue;
        };
        match left.kind() {
            "identifier" => {
                data.whole.insert(file.text_of(left).to_string(), found);
            }
            // `const { id, ...changes } = req.body`: the rest is the body
            // minus a deny-list, still every other field the client sent.
            "object_pattern" => {
                let mut cursor = left.walk();
                for child in left.named_children(&mut cursor) {
                    if child.kind() == "rest_pattern" {
                        if let Some(name) = child.named_child(0) {
                            data.whole
                                .insert(file.text_of(name).to_string(), found.clone());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    data
}

/// FastAPI `payload: dict`, `payload: Dict[str, Any] = Body(...)`: a body
/// the framework hands over unchecked.
fn python_parameter(file: &SourceFile, data: &mut HandlerData<'_>, parameter: Node<'_>) {
    let name = match parameter.kind() {
        "typed_parameter" => parameter.named_child(0),
        "typed_default_parameter" | "default_parameter" => parameter.child_by_field_name("name"),
        _ => None,
    };
    let Some(name) = name.filter(|n| n.kind() == "identifier") else {
        return;
    };
    let type_text = parameter
        .child_by_field_name("type")
        .map_or(String::new(), |t| compact(file.text_of(t)));
    let default = parameter
        .child_by_field_name("value")
        .map_or("", |v| file.text_of(v));
    // A dependency is not request data; a typed parameter is parsed and
    // checked by FastAPI (Pydantic) before the handler runs.
    if default.starts_with("Depends(")
        || default.starts_with("Security(")
        || type_text.contains("Depends(")
    {
        return;
    }
    let untyped_map = is_python_untyped_map(&type_text);
    if !type_text.is_empty() && !untyped_map {
        data.trusted.insert(file.text_of(name).to_string());
        return;
    }
    let body_default = default.starts_with("Body(");
    if untyped_map || (body_default && type_text.is_empty()) {
        let name = file.text_of(name).to_string();
        data.whole.insert(
            name.clone(),
            (
                SourceKind::Body,
                format!(
                    "{name}: {}",
                    if type_text.is_empty() {
                        "Body(...)"
                    } else {
                        &type_text
                    }
                ),
            ),
        );
    }
}

fn is_python_untyped_map(type_text: &str) -> bool {
    let head = type_text.split('[').next().unwrap_or(type_text);
    let last = head.rsplit('.').next().unwrap_or(head);
    if last == "Any" {
        return true;
    }
    if !matches!(last, "dict" | "Dict" | "Mapping" | "MutableMapping") {
        return false;
    }
    // `dict[int, float]` is checked key by key and value by value;
    // `dict`, `dict[str, Any]` accept anything.
    let values = type_text
        .split_once('[')
        .map_or("", |(_, rest)| rest.trim_end_matches(']'));
    values.is_empty() || values.ends_with("Any") || values.ends_with("object")
}

/// NestJS `@Body() body: any` (whole, unchecked) and `@Body() dto:
/// CreateUserDto` (a DTO class: validated by a `ValidationPipe`).
fn js_parameter(file: &SourceFile, data: &mut HandlerData<'_>, parameter: Node<'_>) {
    let text = file.text_of(parameter);
    let Some(decorator) = ["Body", "Query"]
        .into_iter()
        .find(|d| text.starts_with(&format!("@{d}(")))
    else {
        return;
    };
    let Some(pattern) = parameter
        .child_by_field_name("pattern")
        .filter(|p| p.kind() == "identifier")
    else {
        return;
    };
    let source = text
        .split(')')
        .next()
        .map_or(String::new(), |d| format!("{d})"));
    let type_text = parameter
        .child_by_field_name("type")
        .map_or(String::new(), |t| {
            compact(file.text_of(t).trim_start_matches(':'))
        });
    let untyped = type_text.is_empty()
        || matches!(type_text.as_str(), "any" | "object" | "unknown" | "Object")
        || type_text.starts_with("Record<")
        || type_text.starts_with('{');
    if !untyped {
        data.trusted.insert(source);
        return;
    }
    // `@Body('email') email` is one field; `@Body() body` is the whole body.
    if source.ends_with("()") {
        let kind = if decorator == "Body" {
            SourceKind::Body
        } else {
            SourceKind::Query
        };
        let shown = format!("{source} {}", file.text_of(pattern));
        data.whole
            .insert(file.text_of(pattern).to_string(), (kind, shown));
    }
}

/// Axum/Actix `Json<Value>`, `Query<HashMap<String, String>>`, `Form<HashMap<..>>`:
/// extractors that accept any shape.
fn rust_parameter(file: &SourceFile, data: &mut HandlerData<'_>, parameter: Node<'_>) {
    if parameter.kind() != "parameter" {
        return;
    }
    let (Some(pattern), Some(type_node)) = (
        parameter.child_by_field_name("pattern"),
        parameter.child_by_field_name("type"),
    ) else {
        return;
    };
    let type_text = compact(file.text_of(type_node));
    let Some(kind) = rust_untyped_extractor(&type_text) else {
        return;
    };
    let shown = compact(file.text_of(parameter));
    let mut names = Vec::new();
    match pattern.kind() {
        "identifier" => names.push(file.text_of(pattern).to_string()),
        "tuple_struct_pattern" => {
            let constructor = pattern.child_by_field_name("type").map(|t| t.id());
            let mut cursor = pattern.walk();
            for child in pattern.named_children(&mut cursor) {
                if Some(child.id()) != constructor && child.kind() == "identifier" {
                    names.push(file.text_of(child).to_string());
                }
            }
        }
        _ => {}
    }
    for name in names {
        if name != "_" && !name.starts_with('_') {
            data.whole.insert(name, (kind, shown.clone()));
        }
    }
}

/// The request part of an extractor type that accepts any shape
/// (`Json<Value>`, `web::Query<HashMap<String, String>>`).
pub(crate) fn rust_untyped_extractor(type_text: &str) -> Option<SourceKind> {
    let (outer, inner) = type_text.split_once('<')?;
    let outer = outer.rsplit("::").next().unwrap_or(outer);
    let kind = match outer {
        "Json" | "Form" => SourceKind::Body,
        "Query" => SourceKind::Query,
        _ => return None,
    };
    let inner = inner.strip_suffix('>').unwrap_or(inner);
    let head = inner.split('<').next().unwrap_or(inner);
    let last = head.rsplit("::").next().unwrap_or(head);
    matches!(
        last,
        "Value" | "HashMap" | "BTreeMap" | "Map" | "IndexMap" | "Document"
    )
    .then_some(kind)
}

/// Methods that hand back the whole mapping they are called on
/// (`request.POST.dict()`, `request.args.to_dict()`, `payload.into_inner()`).
pub(crate) const WHOLE_METHODS: &[&str] =
    &["dict", "to_dict", "copy", "into_inner", "clone", "to_owned"];

/// Functions that copy or decode a whole mapping.
const WHOLE_COPIES: &[&str] = &[
    "dict",
    "json.loads",
    "JSON.parse",
    "structuredClone",
    "Object.assign",
    "_.cloneDeep",
    "_.clone",
    "cloneDeep",
    "serde_json::to_value",
];

/// When `node` is the whole request body or query object (or a copy of it),
/// the part it is and the read as written: `req.body`, `{ ...req.body }`,
/// `request.get_json() or {}`, a whole-body local.
pub(crate) fn whole_source(
    file: &SourceFile,
    data: &HandlerData<'_>,
    node: Node<'_>,
) -> Option<(SourceKind, String)> {
    let mut current = node;
    for _ in 0..16 {
        match current.kind() {
            "parenthesized_expression"
            | "await"
            | "await_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
            | "try_expression" => {
                current = current.named_child(0)?;
            }
            "reference_expression" => current = current.child_by_field_name("value")?,
            // `request.json or {}`, `req.body || {}`.
            "boolean_operator" | "binary_expression" => {
                let operator = current
                    .child_by_field_name("operator")
                    .map_or("", |o| file.text_of(o));
                if !matches!(operator, "or" | "||" | "??") {
                    return None;
                }
                current = current.child_by_field_name("left")?;
            }
            // `{ ...req.body }` / `{**request.json}` with nothing else.
            "object" | "dictionary" => {
                let mut cursor = current.walk();
                let children: Vec<Node<'_>> = current
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() != "comment")
                    .collect();
                if children.len() != 1
                    || !matches!(children[0].kind(), "spread_element" | "dictionary_splat")
                {
                    return None;
                }
                current = children[0].named_child(0)?;
            }
            // `payload.0` (Axum `Json` newtype).
            "field_expression"
                if current
                    .child_by_field_name("field")
                    .is_some_and(|f| file.text_of(f) == "0") =>
            {
                current = current.child_by_field_name("value")?;
            }
            "identifier" | "shorthand_property_identifier" => {
                return data.whole.get(file.text_of(current)).cloned();
            }
            "call" | "call_expression" => {
                if let Some(kind) = data.flow.source_kind(file, current) {
                    return accept_whole(file, current, kind);
                }
                let function = current.child_by_field_name("function")?;
                let method = match function.kind() {
                    "attribute" => function.child_by_field_name("attribute"),
                    "member_expression" => function.child_by_field_name("property"),
                    "field_expression" => function.child_by_field_name("field"),
                    _ => None,
                };
                let arguments = current.child_by_field_name("arguments");
                if let Some(method) = method {
                    if WHOLE_METHODS.contains(&file.text_of(method)) {
                        current = function
                            .child_by_field_name("object")
                            .or_else(|| function.child_by_field_name("value"))?;
                        continue;
                    }
                }
                let language = file.kind.language()?;
                let path = callee_path(file, language, current)?;
                if !WHOLE_COPIES.contains(&path.as_str()) {
                    return None;
                }
                let arguments = arguments?;
                let mut cursor = arguments.walk();
                let args: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
                // `Object.assign({}, req.body)`: the copy is the last source.
                let candidate = if path == "Object.assign" {
                    args.last().copied()
                } else {
                    args.first().copied()
                };
                current = candidate?;
            }
            "attribute" | "member_expression" => {
                let kind = data.flow.source_kind(file, current)?;
                return accept_whole(file, current, kind);
            }
            _ => return None,
        }
    }
    None
}

/// A whole read of the body or query; not Hono's validated `c.req.valid()`
/// nor a raw byte stream.
fn accept_whole(
    file: &SourceFile,
    node: Node<'_>,
    kind: SourceKind,
) -> Option<(SourceKind, String)> {
    let text = compact(file.text_of(node));
    if text.contains(".valid(") || text.contains("rawBody") || text.ends_with(".stream") {
        return None;
    }
    matches!(kind, SourceKind::Body | SourceKind::Query).then(|| (kind, shorten(&text)))
}

pub(crate) fn shorten(text: &str) -> String {
    if text.len() <= 60 {
        return text.to_string();
    }
    let mut end = 60;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

// ------------------------------------------------------ validation evidence

/// Receivers of a `.parse(...)` that parse something other than a schema.
const NOT_SCHEMA_PARSERS: &[&str] = &[
    "JSON",
    "qs",
    "querystring",
    "url",
    "URL",
    "path",
    "Date",
    "cookie",
    "yaml",
    "YAML",
    "csv",
    "Papa",
    "marked",
    "xml",
    "moment",
    "dayjs",
    "DateTime",
    "luxon",
    "mime",
    "semver",
    "toml",
    "TOML",
    "ini",
    "bytes",
    "ms",
    "parser",
    "cronParser",
    "Number",
    "Intl",
];

/// Python modules whose `load`/`loads` decode rather than validate.
const DECODERS: &[&str] = &[
    "json",
    "yaml",
    "pickle",
    "toml",
    "tomllib",
    "marshal",
    "orjson",
    "ujson",
    "simplejson",
    "msgpack",
];

/// A call that validates data against a schema or a validator, by the
/// library's API or, for project helpers, by name (`validateBody(...)`).
pub(crate) fn is_validator_call(file: &SourceFile, language: Language, call: Node<'_>) -> bool {
    let Some(function) = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("constructor"))
    else {
        return false;
    };
    let (receiver, last) = match function.kind() {
        "attribute" => (
            function.child_by_field_name("object"),
            function.child_by_field_name("attribute"),
        ),
        "member_expression" => (
            function.child_by_field_name("object"),
            function.child_by_field_name("property"),
        ),
        "field_expression" => (
            function.child_by_field_name("value"),
            function.child_by_field_name("field"),
        ),
        "scoped_identifier" => (
            function.child_by_field_name("path"),
            function.child_by_field_name("name"),
        ),
        "generic_function" => (None, function.child_by_field_name("function")),
        _ => (None, Some(function)),
    };
    let Some(last) = last else {
        return false;
    };
    let last = file.text_of(last);
    let last = last.rsplit("::").next().unwrap_or(last);
    let receiver = receiver.map(|r| compact(file.text_of(r)));
    let lower = last.to_ascii_lowercase();
    if lower.contains("validat")
        || lower.contains("sanitiz")
        || matches!(lower.as_str(), "is_valid" | "isvalid" | "isvalidsync")
    {
        return true;
    }
    match language {
        Language::Python => {
            if matches!(
                last,
                "parse_obj" | "parse_raw" | "parse_obj_as" | "parse_args" | "full_clean" | "from_dict" | "structure"
                    // A signed webhook event: the provider's library checks it.
                    | "construct_event"
            ) {
                return true;
            }
            if matches!(last, "load" | "loads" | "load_many") {
                return receiver.as_deref().is_some_and(|r| {
                    let root = r.split(['.', '(']).next().unwrap_or(r);
                    !DECODERS.contains(&root)
                        && (r.contains("chema")
                            || r.ends_with("()") && r.starts_with(char::is_uppercase))
                });
            }
            // webargs `parser.parse(args, request)`.
            if last == "parse" {
                return receiver.as_deref() == Some("parser")
                    && file.text_of(call).contains("request");
            }
            // voluptuous `schema(data)`; a Pydantic model built from the
            // data (`CreateUser(**payload)`).
            if receiver.is_none() && lower.ends_with("schema") {
                return true;
            }
            python_schema_construction(file, call)
        }
        // `serde_json::from_value(body)` into a typed struct (the type comes
        // from the binding or a turbofish); `from_str::<T>` on a raw body.
        Language::Rust => {
            last == "from_value"
                || (matches!(last, "from_str" | "from_slice") && file.text_of(call).contains("::<"))
        }
        _ => {
            if matches!(
                last,
                "safeParse" | "safeParseAsync" | "parseAsync" | "spa" | "plainToInstance" | "plainToClass"
                    | "matchedData" | "checkSchema" | "celebrate" | "attempt" | "assertEquals" | "assertGuard"
                    | "constructEvent"
                    // graphql-js checks the document against the schema.
                    | "graphql"
            ) {
                return true;
            }
            if last == "parse" {
                return receiver.as_deref().is_some_and(|r| {
                    let root = r.split(['.', '(']).next().unwrap_or(r);
                    !NOT_SCHEMA_PARSERS.contains(&root)
                });
            }
            if receiver.as_deref() == Some("typia") {
                return true;
            }
            // superstruct's `assert(data, User)`, `create(data, User)`.
            if receiver.is_none() && matches!(last, "assert" | "create" | "is" | "mask") {
                return file
                    .imports()
                    .binding(last)
                    .is_some_and(|m| m.starts_with("superstruct"));
            }
            false
        }
    }
}

/// How a Python class is used, by its definition or import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PyClass {
    /// An ORM model (Django, SQLAlchemy/Flask-SQLAlchemy, SQLModel table,
    /// MongoEngine, Peewee, Tortoise).
    Orm,
    /// A validating schema (Pydantic, Marshmallow, dataclass-like input).
    Schema,
    Unknown,
}

/// What `name` is in `file`: a class defined there (by its bases), an
/// import (by the module it comes from), or a name that says (`UserIn`).
pub(crate) fn python_class(file: &SourceFile, name: &str) -> PyClass {
    let head = name.split('.').next().unwrap_or(name);
    // Classes defined in the file: follow their bases up a few levels
    // (`ItemCreate(ItemBase)`, `ItemBase(BaseModel)`).
    let mut pending = vec![head.to_string()];
    let mut seen = 0;
    let mut defined_here = false;
    while let Some(class) = pending.pop() {
        seen += 1;
        if seen > 8 {
            break;
        }
        let needle = format!("class {class}(");
        let Some(at) = file.text.find(&needle) else {
            continue;
        };
        defined_here = true;
        let rest = &file.text[at + needle.len()..];
        let bases: Vec<&str> = rest
            .split(')')
            .next()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .collect();
        for base in &bases {
            if matches!(
                *base,
                "BaseModel"
                    | "pydantic.BaseModel"
                    | "Schema"
                    | "ma.Schema"
                    | "marshmallow.Schema"
                    | "TypedDict"
                    | "BaseSettings"
                    | "RootModel"
                    | "SQLAlchemyAutoSchema"
                    | "ModelSchema"
                    | "serializers.Serializer"
                    | "serializers.ModelSerializer"
                    | "forms.Form"
                    | "forms.ModelForm"
                    | "FlaskForm"
                    | "Form"
            ) || base.ends_with("Schema")
                || base.ends_with("Serializer")
            {
                return PyClass::Schema;
            }
            if matches!(
                *base,
                "db.Model"
                    | "models.Model"
                    | "Model"
                    | "Base"
                    | "DeclarativeBase"
                    | "Document"
                    | "db.Document"
                    | "me.Document"
                    | "mongoengine.Document"
                    | "peewee.Model"
                    | "orm.Model"
                    | "AbstractUser"
                    | "AbstractBaseUser"
            ) || base.contains("table=True")
            {
                return PyClass::Orm;
            }
        }
        pending.extend(
            bases
                .iter()
                .filter(|b| b.chars().all(|c| c.is_alphanumeric() || c == '_') && !b.is_empty())
                .map(|b| (*b).to_string()),
        );
    }
    if !defined_here {
        if let Some(module) = file.imports().binding(head) {
            let module = module.to_ascii_lowercase();
            let segments: Vec<&str> = module.split('.').collect();
            let parent = &segments[..segments.len().saturating_sub(1)];
            if parent.iter().any(|s| {
                matches!(
                    *s,
                    "schemas"
                        | "schema"
                        | "serializers"
                        | "dto"
                        | "dtos"
                        | "forms"
                        | "validators"
                        | "inputs"
                        | "requests"
                )
            }) {
                return PyClass::Schema;
            }
            if parent.iter().any(|s| {
                matches!(
                    *s,
                    "models" | "model" | "entities" | "orm" | "tables" | "documents"
                )
            }) {
                return PyClass::Orm;
            }
        }
    }
    let suffixes = [
        "Schema", "In", "Input", "Create", "Update", "Payload", "Request", "Body", "Params",
        "Form", "DTO", "Dto",
    ];
    if suffixes
        .iter()
        .any(|s| head.ends_with(s) && head.len() > s.len())
    {
        return PyClass::Schema;
    }
    PyClass::Unknown
}

/// `CreateUser(**payload)` with a class that is not an ORM model: a
/// Pydantic model or dataclass checks the fields it declares.
fn python_schema_construction(file: &SourceFile, call: Node<'_>) -> bool {
    let Some(function) = call.child_by_field_name("function") else {
        return false;
    };
    if function.kind() != "identifier" {
        return false;
    }
    let name = file.text_of(function);
    if !name.starts_with(char::is_uppercase) {
        return false;
    }
    let splat = call.child_by_field_name("arguments").is_some_and(|a| {
        let mut cursor = a.walk();
        let found = a
            .named_children(&mut cursor)
            .any(|c| c.kind() == "dictionary_splat");
        found
    });
    splat && python_class(file, name) != PyClass::Orm
}

/// Text of route-registration arguments that validate before the handler:
/// express-validator chains, celebrate, `validate(schema)`-style middleware,
/// Hono `zValidator`, a Fastify `schema` option.
fn is_validating_middleware(text: &str) -> bool {
    let compact = compact(text);
    let lower = compact.to_ascii_lowercase();
    let chain = compact.trim_start_matches('[');
    lower.contains("validat")
        || lower.contains("celebrate")
        || lower.contains("schema")
        || [
            "body(", "check(", "query(", "param(", "oneOf(", "header(", "cookie(",
        ]
        .iter()
        .any(|p| chain.starts_with(p))
}

/// Why a handler counts as validated, when it does: a validator call inside
/// it, a validating decorator, or validation middleware where it is
/// registered.
pub(crate) fn validation_evidence(
    file: &SourceFile,
    language: Language,
    handler: &Handler<'_>,
    ancestors: &[Node<'_>],
) -> bool {
    let function = handler.node;
    // Calls inside the handler (and, for Python, in its decorators).
    let scope = match (language, ancestors.last()) {
        (Language::Python, Some(parent)) if parent.kind() == "decorated_definition" => *parent,
        _ => function,
    };
    let mut found = false;
    walk(scope, |node| {
        if found {
            return false;
        }
        if matches!(node.kind(), "call" | "call_expression" | "new_expression")
            && is_validator_call(file, language, node)
        {
            found = true;
        }
        if language == Language::Python && node.kind() == "decorator" {
            let text = compact(file.text_of(node));
            if [
                "use_args",
                "use_kwargs",
                ".arguments(",
                "expects_json",
                ".input(",
                "validate",
                "accepts(",
                "body(",
            ]
            .iter()
            .any(|m| text.contains(m))
            {
                found = true;
            }
        }
        true
    });
    if found || !language.is_js_family() {
        return found;
    }
    js_registration_validates(file, function, ancestors)
}

/// Route methods whose registrations are read for middleware.
const JS_ROUTE_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "all", "route", "use", "options", "head",
];

/// The registration a handler is handed to, inline or by name, carries
/// validation middleware or a Fastify `schema`.
fn js_registration_validates(
    file: &SourceFile,
    function: Node<'_>,
    ancestors: &[Node<'_>],
) -> bool {
    // Inline: `router.post('/x', validate(s), async (req, res) => …)`, or
    // `fastify.route({ schema, handler: async (req) => … })`.
    let mut child = function;
    for parent in ancestors.iter().rev().take(6) {
        if parent.kind() == "arguments" {
            let mut cursor = parent.walk();
            let others: Vec<Node<'_>> = parent
                .named_children(&mut cursor)
                .filter(|a| a.id() != child.id())
                .collect();
            return others
                .iter()
                .skip(usize::from(others.first().is_some_and(|a| {
                    matches!(a.kind(), "string" | "template_string")
                })))
                .any(|a| is_validating_middleware(file.text_of(*a)));
        }
        if parent.kind() == "object" {
            // Options object around the handler: its other keys.
            let mut cursor = parent.walk();
            let keyed = parent.named_children(&mut cursor).any(|pair| {
                pair.id() != child.id()
                    && (pair.kind() == "pair" || pair.kind() == "shorthand_property_identifier")
                    && is_validating_middleware(
                        pair.child_by_field_name("key")
                            .map_or(file.text_of(pair), |k| file.text_of(k)),
                    )
            });
            if keyed {
                return true;
            }
        }
        child = *parent;
    }
    // By name: `router.post('/users', validateBody(userSchema), createUser)`.
    let name = function
        .child_by_field_name("name")
        .map(|n| file.text_of(n).to_string())
        .or_else(|| {
            ancestors.last().and_then(|p| {
                (p.kind() == "variable_declarator")
                    .then(|| p.child_by_field_name("name"))
                    .flatten()
                    .map(|n| file.text_of(n).to_string())
            })
        });
    let Some(name) = name else {
        return false;
    };
    let Some(tree) = file.tree() else {
        return false;
    };
    let mut validated = false;
    walk(tree.root_node(), |node| {
        if validated {
            return false;
        }
        if node.kind() != "call_expression" {
            return true;
        }
        let method = node
            .child_by_field_name("function")
            .filter(|f| f.kind() == "member_expression")
            .and_then(|f| f.child_by_field_name("property"))
            .map(|p| file.text_of(p));
        if !method.is_some_and(|m| JS_ROUTE_METHODS.contains(&m)) {
            return true;
        }
        let Some(arguments) = node.child_by_field_name("arguments") else {
            return true;
        };
        let mut cursor = arguments.walk();
        let args: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
        let names_handler = |a: &Node<'_>| {
            let text = compact(file.text_of(*a));
            text == name
                || text.ends_with(&format!(".{name}"))
                || text.contains(&format!(".{name}.bind("))
        };
        if args.iter().any(names_handler) {
            validated = args
                .iter()
                .filter(|a| !names_handler(a) && !matches!(a.kind(), "string" | "template_string"))
                .any(|a| is_validating_middleware(file.text_of(*a)));
        }
        true
    });
    validated
}

// ------------------------------------------------------------ whole-body writes

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
    "res",
    "reply",
    "ctx",
    "c",
    "response",
    "headers",
    "hash",
    "hmac",
    "crypto",
    "map",
    "cache",
    "redis",
    "client",
    "params",
    "searchParams",
    "url",
    "form",
    "formData",
    "session",
    "cookies",
];

/// Constructors that take an object without being a model.
const JS_NOT_MODEL_CLASSES: &[&str] = &[
    "Error",
    "URL",
    "URLSearchParams",
    "Date",
    "Map",
    "Set",
    "Buffer",
    "Promise",
    "Response",
    "Request",
    "Headers",
    "FormData",
    "Blob",
    "Proxy",
    "WeakMap",
    "Intl",
    "RegExp",
    "Array",
    "Object",
];

/// Keys of an options object whose value is what gets written
/// (`{ data: req.body }`, `{ $set: req.body }`, Prisma upsert `create`/`update`).
const WRITE_KEYS: &[&str] = &[
    "data",
    "$set",
    "$setOnInsert",
    "values",
    "create",
    "update",
    "set",
];

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
fn whole_in(
    file: &SourceFile,
    data: &HandlerData<'_>,
    node: Node<'_>,
) -> Option<(SourceKind, String)> {
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
                    if let Some(found) = child
                        .named_child(0)
                        .and_then(|v| whole_source(file, data, v))
                    {
                        return Some(found);
                    }
                }
                "pair" => {
                    let key = child.child_by_field_name("key").map_or(String::new(), |k| {
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
    call.child_by_field_name("arguments")
        .map_or(Vec::new(), |a| {
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
    Some((
        compact(file.text_of(object)),
        file.text_of(property).to_string(),
    ))
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
            || [
                "Dto",
                "DTO",
                "Schema",
                "Error",
                "Exception",
                "Validator",
                "Response",
                "Request",
                "Event",
            ]
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
    let layered = [
        "service",
        "controller",
        "handler",
        "client",
        "api",
        "queue",
        "emitter",
        "bus",
        "publisher",
        "producer",
        "channel",
        "usecase",
        "command",
    ]
    .iter()
    .any(|s| leaf.ends_with(s));
    if layered
        || JS_NOT_MODELS.contains(&root)
        || [
            "hash", "hmac", "sign", "verify", "digest", "cipher", "headers", "cache", "map",
        ]
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
fn python_sink(
    file: &SourceFile,
    data: &HandlerData<'_>,
    call: Node<'_>,
) -> Option<(String, String)> {
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
            || function.map(|f| compact(file.text_of(f))).is_some_and(|f| {
                f.contains("objects") || f.contains("filter(") || f.contains("query")
            });
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
                    return Some((
                        format!("{}(defaults=…)", shorten_callee(file, call)),
                        source,
                    ));
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
            let positional = args
                .iter()
                .filter(|a| !matches!(a.kind(), "keyword_argument" | "dictionary_splat"));
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
fn rust_sink(
    file: &SourceFile,
    data: &HandlerData<'_>,
    call: Node<'_>,
) -> Option<(String, String)> {
    let function = call.child_by_field_name("function")?;
    let text = compact(file.text_of(function));
    let last = text.rsplit(['.', ':']).next().unwrap_or(&text);
    if !matches!(
        last,
        "from_json" | "set_from_json" | "values" | "set" | "insert_one" | "replace_one"
    ) {
        return None;
    }
    let args = arguments_of(call);
    let (_, source) = args.iter().find_map(|a| whole_source(file, data, *a))?;
    let shown = if text.len() > 60 {
        last.to_string()
    } else {
        text
    };
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
    let each = ancestors
        .iter()
        .rev()
        .find(|a| a.kind() == "for_statement")?;
    let right = each.child_by_field_name("right")?;
    let iterated = if right.kind() == "call" {
        let function = right.child_by_field_name("function")?;
        let method = function
            .child_by_field_name("attribute")
            .map(|m| file.text_of(m));
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
