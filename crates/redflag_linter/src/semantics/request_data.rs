//! Request data inside a handler: where it enters and which local names
//! carry it onward.
//!
//! Injection rules ask one question of a sink's argument: is this built from
//! what the client sent? The answer is local data flow within one handler
//! function. Sources are the framework's request reads (`req.body`,
//! `request.args`, `await request.json()`, `c.req.query()`, Axum/Actix
//! extractors, FastAPI/Flask/Django route parameters, NestJS `@Body()`);
//! names bound from them are followed through assignments, destructuring,
//! `for` loops, string building (`+`, f-strings, template strings,
//! `format!`, `.format`, `%`), methods called on the data (`.strip()`,
//! `.get("x")`), a short list of pass-through functions (`os.path.join`,
//! `path.join`, `str`, `JSON.parse`, `PathBuf::from`), and in-place
//! appends (`parts.append(x)`, `s.push_str(&x)`).
//!
//! What is not followed, on purpose: the result of any other call. A
//! database row fetched by a request id (`User.objects.get(id=...)`) is not
//! request data, and a value passed through a helper (`int(x)`,
//! `shlex.quote(x)`, `secure_filename(x)`, `parseInt(x)`) comes back
//! checked or of another type. Helpers in other functions or files are not
//! read: their parameters are not known to carry request data.

use std::collections::HashMap;

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use super::handlers::Handler;
use super::{callee_path, compact, walk};
use crate::source::SourceFile;

/// What part of the request a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// The body: JSON, form fields, raw bytes.
    Body,
    /// The query string.
    Query,
    /// Path parameters (route captures, handler arguments bound from the path).
    Path,
    Headers,
    Cookies,
    /// Uploaded files.
    Files,
    /// The URL or path as a whole (`req.url`, `req.originalUrl`).
    Url,
    /// A parameter the framework fills from the request without saying
    /// which part (FastAPI/Flask/Django route parameters, Rocket guards).
    Parameter,
}

impl SourceKind {
    /// How messages name it: `request body`, `query string`, …
    #[must_use]
    pub fn noun(self) -> &'static str {
        match self {
            SourceKind::Body => "request body",
            SourceKind::Query => "query string",
            SourceKind::Path => "path parameter",
            SourceKind::Headers => "request header",
            SourceKind::Cookies => "cookie",
            SourceKind::Files => "uploaded file",
            SourceKind::Url => "request URL",
            SourceKind::Parameter => "request parameter",
        }
    }
}

/// Where a tainted expression's data came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub kind: SourceKind,
    /// The source as written (`req.query.url`, `request.args["cmd"]`,
    /// `Query(params)`), whitespace removed, at most 80 characters.
    pub source: String,
    /// The local name that carried it to the sink, when not the source
    /// itself.
    pub via: Option<String>,
}

impl Origin {
    /// `` `req.query.url` (via `target`) `` for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        match &self.via {
            Some(via) if *via != self.source => format!("`{}` (via `{via}`)", self.source),
            _ => format!("`{}`", self.source),
        }
    }
}

/// The request data of one handler function: the names that carry it.
#[derive(Debug, Clone, Default)]
pub struct RequestFlow {
    language: Option<Language>,
    /// Names of the request object itself (`req`, `request`, `ctx`, an
    /// Actix `HttpRequest`): reading a known part of it is a source.
    receivers: Vec<String>,
    /// Local names bound to request data → where it came from.
    names: HashMap<String, (SourceKind, String)>,
}

/// Request-object names every framework of a language uses.
const PY_RECEIVERS: &[&str] = &["request", "req", "self.request"];
const JS_RECEIVERS: &[&str] = &[
    "req",
    "request",
    "ctx.request",
    "c.req",
    "ctx",
    "context.req",
];

/// Python attributes of a request object that hold client data, by part.
fn python_part(attribute: &str) -> Option<SourceKind> {
    Some(match attribute {
        "args" | "GET" | "query_params" | "query" | "query_string" | "rel_url" => SourceKind::Query,
        "form" | "json" | "data" | "values" | "body" | "POST" | "stream" | "content" => {
            SourceKind::Body
        }
        "files" | "FILES" => SourceKind::Files,
        "cookies" | "COOKIES" => SourceKind::Cookies,
        "headers" | "META" => SourceKind::Headers,
        "path_params" | "match_info" | "view_args" => SourceKind::Path,
        "url" | "path" | "full_path" | "path_info" | "raw_path" => SourceKind::Url,
        _ => return None,
    })
}

/// Python request methods that return client data (`request.get_json()`,
/// `await request.json()`, `await request.post()`).
fn python_method(method: &str) -> Option<SourceKind> {
    Some(match method {
        "get_json" | "json" | "form" | "body" | "get_data" | "post" | "text" | "read" => {
            SourceKind::Body
        }
        "build_absolute_uri" | "get_full_path" => SourceKind::Url,
        _ => return None,
    })
}

/// JS/TS properties of a request object that hold client data.
fn js_part(receiver: &str, property: &str) -> Option<SourceKind> {
    // Koa's `ctx.body` is the response; its request body is `ctx.request.body`.
    if receiver == "ctx" && property == "body" {
        return None;
    }
    Some(match property {
        "body" | "rawBody" => SourceKind::Body,
        "query" | "querystring" | "search" | "searchParams" => SourceKind::Query,
        "params" => SourceKind::Path,
        "headers" => SourceKind::Headers,
        "cookies" | "signedCookies" => SourceKind::Cookies,
        "files" | "file" => SourceKind::Files,
        "url" | "originalUrl" | "path" | "href" | "nextUrl" => SourceKind::Url,
        _ => return None,
    })
}

/// JS/TS request methods that return client data (`req.get('x')`,
/// `await request.json()`, `c.req.query('q')`).
fn js_method(method: &str) -> Option<SourceKind> {
    Some(match method {
        "json" | "text" | "formData" | "parseBody" | "arrayBuffer" | "blob" | "valid" => {
            SourceKind::Body
        }
        "query" | "queries" => SourceKind::Query,
        "param" => SourceKind::Path,
        "get" | "header" => SourceKind::Headers,
        _ => return None,
    })
}

/// Functions whose result carries their argument's content: string and
/// path building, decoding, parsing. Matched on the callee as written,
/// after imports, by its last segments.
const PASS_THROUGH: &[&str] = &[
    // Python
    "str",
    "bytes",
    "repr",
    "os.path.join",
    "os.path.normpath",
    "os.path.abspath",
    "posixpath.join",
    "pathlib.Path",
    "Path",
    "PurePath",
    "urllib.parse.unquote",
    "urllib.parse.unquote_plus",
    "urllib.parse.urljoin",
    "urljoin",
    "base64.b64decode",
    "base64.urlsafe_b64decode",
    "json.loads",
    "dict",
    "list",
    "tuple",
    // JS/TS
    "String",
    "path.join",
    "path.resolve",
    "path.normalize",
    "decodeURIComponent",
    "decodeURI",
    "JSON.parse",
    "Buffer.from",
    "URL",
    "Object.assign",
    "Array.from",
    // Rust
    "String::from",
    "PathBuf::from",
    "Path::new",
    "Url::parse",
    "OsString::from",
];

/// Methods whose result carries the content of their receiver or their
/// arguments: string building and joining (`"{}".format(x)`,
/// `" ".join(parts)`, `base.join(name)`, `a.concat(b)`).
const PASS_METHODS: &[&str] = &[
    "format",
    "join",
    "concat",
    "replace",
    "replaceAll",
    "push_str",
    "joinpath",
    "with_name",
    "with_suffix",
];

/// Methods that put their argument into their receiver
/// (`parts.append(x)`, `args.push(x)`, `cmd.push_str(&x)`).
const APPEND_METHODS: &[&str] = &[
    "append", "extend", "insert", "add", "update", "push", "unshift", "push_str", "set",
];

/// Rust extractor types that carry client data, by part.
fn rust_extractor(type_name: &str) -> Option<SourceKind> {
    Some(match type_name {
        "Json" | "Form" | "Bytes" | "String" | "Multipart" | "Payload" | "BodyStream" => {
            SourceKind::Body
        }
        "Query" | "RawQuery" => SourceKind::Query,
        "Path" | "MatchedPath" => SourceKind::Path,
        "HeaderMap" | "TypedHeader" => SourceKind::Headers,
        "CookieJar" | "PrivateCookieJar" | "SignedCookieJar" => SourceKind::Cookies,
        "HttpRequest" | "Uri" | "OriginalUri" => SourceKind::Url,
        "PathBuf" | "str" => SourceKind::Parameter,
        _ => return None,
    })
}

/// Types that hold no text a client could shape: numbers, booleans, ids,
/// and tuples of them (`Path<(u32, u64)>`).
fn is_inert_type(type_text: &str) -> bool {
    let text = compact(type_text);
    let text = text.trim_end_matches('>');
    if let Some(tuple) = text.strip_prefix('(') {
        let tuple = tuple.trim_end_matches(')');
        return !tuple.is_empty()
            && tuple
                .split(',')
                .filter(|t| !t.is_empty())
                .all(is_inert_type);
    }
    let inner = text
        .rsplit(['<', '['])
        .next()
        .unwrap_or(text)
        .trim_end_matches([']', '>']);
    let last = inner.rsplit(['.', ':']).next().unwrap_or(inner);
    matches!(
        last,
        "int"
            | "float"
            | "bool"
            | "UUID"
            | "Uuid"
            | "datetime"
            | "date"
            | "Decimal"
            | "number"
            | "boolean"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "f32"
            | "f64"
    )
}

/// Python parameter types the framework fills with something other than
/// client text.
fn is_framework_object(type_text: &str) -> bool {
    let last = type_text
        .rsplit('.')
        .next()
        .unwrap_or(type_text)
        .trim_matches(['"', '\'']);
    matches!(
        last,
        "Request"
            | "HttpRequest"
            | "Response"
            | "WebSocket"
            | "BackgroundTasks"
            | "Session"
            | "AsyncSession"
            | "Connection"
            | "HTTPConnection"
            | "SecurityScopes"
    )
}

/// Longest source text kept in an [`Origin`].
const MAX_SOURCE: usize = 80;

fn short(text: &str) -> String {
    let text = compact(text);
    if text.len() <= MAX_SOURCE {
        return text;
    }
    let mut end = MAX_SOURCE;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// Passes over a handler's body: enough to follow names assigned in a loop
/// body after their first use.
const PASSES: usize = 3;

impl RequestFlow {
    /// Reads the request data of a handler: its parameters, then the names
    /// its body binds from request data.
    #[must_use]
    pub fn of_handler(file: &SourceFile, handler: &Handler<'_>) -> Self {
        Self::of_function(file, handler.node)
    }

    /// Like [`RequestFlow::of_handler`], for a function known to run per
    /// request.
    #[must_use]
    pub fn of_function(file: &SourceFile, function: Node<'_>) -> Self {
        let Some(language) = file.kind.language() else {
            return RequestFlow::default();
        };
        let receivers = match language {
            Language::Python => PY_RECEIVERS,
            Language::Rust => &[][..],
            _ => JS_RECEIVERS,
        };
        let mut flow = RequestFlow {
            language: Some(language),
            receivers: receivers.iter().map(|r| (*r).to_string()).collect(),
            names: HashMap::new(),
        };
        flow.read_parameters(file, function);
        let Some(body) = function.child_by_field_name("body") else {
            return flow;
        };
        for _ in 0..PASSES {
            let before = flow.names.len();
            flow.bind_body(file, body);
            if flow.names.len() == before {
                break;
            }
        }
        flow
    }

    /// True when nothing in the handler reads the request.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Names bound to request data, sorted (for tests and messages).
    #[must_use]
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.names.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    fn taint(&mut self, name: &str, kind: SourceKind, source: String) {
        if name.is_empty() || name == "_" || self.receivers.iter().any(|r| r == name) {
            return;
        }
        self.names.entry(name.to_string()).or_insert((kind, source));
    }

    fn read_parameters(&mut self, file: &SourceFile, function: Node<'_>) {
        let Some(language) = self.language else {
            return;
        };
        let Some(parameters) = function.child_by_field_name("parameters") else {
            return;
        };
        let mut cursor = parameters.walk();
        let list: Vec<Node<'_>> = parameters.named_children(&mut cursor).collect();
        match language {
            Language::Python => self.python_parameters(file, function, &list),
            Language::Rust => self.rust_parameters(file, &list),
            _ => self.js_parameters(file, &list),
        }
    }

    /// FastAPI/Flask/Django route parameters: everything after the request
    /// that is not a dependency, a framework object or a number.
    fn python_parameters(&mut self, file: &SourceFile, function: Node<'_>, list: &[Node<'_>]) {
        let decorators = function
            .parent()
            .filter(|p| p.kind() == "decorated_definition")
            .map_or("", |p| {
                let end = function.start_byte().max(p.start_byte());
                file.slice(p.start_byte()..end)
            });
        for (index, parameter) in list.iter().enumerate() {
            let name_node = match parameter.kind() {
                "identifier" => Some(*parameter),
                "typed_parameter" => parameter
                    .named_child(0)
                    .filter(|n| n.kind() == "identifier"),
                "default_parameter" | "typed_default_parameter" => {
                    parameter.child_by_field_name("name")
                }
                _ => None,
            };
            let Some(name_node) = name_node else {
                continue;
            };
            let name = file.text_of(name_node);
            let type_text = parameter
                .child_by_field_name("type")
                .map_or("", |t| file.text_of(t));
            let default = parameter
                .child_by_field_name("value")
                .map_or("", |v| file.text_of(v));
            if matches!(name, "self" | "cls") {
                continue;
            }
            if is_framework_object(type_text) || (index == 0 && matches!(name, "request" | "req")) {
                if !self.receivers.iter().any(|r| r == name) {
                    self.receivers.push(name.to_string());
                }
                continue;
            }
            if default.starts_with("Depends(")
                || default.starts_with("Security(")
                || type_text.contains("Depends(")
                || type_text.contains("Security(")
                || is_inert_type(type_text)
            {
                continue;
            }
            // Django/Flask converters: `<int:pk>` is a number by the time
            // the view sees it, and untyped `pk`/`id` parameters almost
            // always come from one.
            if type_text.is_empty()
                && (matches!(name, "pk" | "id")
                    || name.ends_with("_id")
                    || decorators.contains(&format!("<int:{name}>"))
                    || decorators.contains(&format!("<float:{name}>"))
                    || decorators.contains(&format!("<uuid:{name}>")))
            {
                continue;
            }
            let kind = if default.starts_with("Body(") || default.starts_with("Form(") {
                SourceKind::Body
            } else if default.starts_with("Query(") {
                SourceKind::Query
            } else if default.starts_with("Header(") {
                SourceKind::Headers
            } else if default.starts_with("Cookie(") {
                SourceKind::Cookies
            } else if default.starts_with("File(") || type_text.contains("UploadFile") {
                SourceKind::Files
            } else {
                SourceKind::Parameter
            };
            self.taint(name, kind, name.to_string());
        }
    }

    /// JS/TS: the first parameter is the request; NestJS parameter
    /// decorators (`@Body() dto`, `@Query('q') q`) bind request data.
    fn js_parameters(&mut self, file: &SourceFile, list: &[Node<'_>]) {
        for (index, parameter) in list.iter().enumerate() {
            let pattern = parameter
                .child_by_field_name("pattern")
                .unwrap_or(*parameter);
            let text = file.text_of(*parameter);
            let decorator = [
                "Body",
                "Query",
                "Param",
                "Headers",
                "Req",
                "Request",
                "UploadedFile",
            ]
            .into_iter()
            .find(|d| text.starts_with(&format!("@{d}(")));
            if let Some(decorator) = decorator {
                let type_text = parameter
                    .child_by_field_name("type")
                    .map_or("", |t| file.text_of(t));
                if pattern.kind() != "identifier" {
                    continue;
                }
                let name = file.text_of(pattern);
                if matches!(decorator, "Req" | "Request") {
                    self.receivers.push(name.to_string());
                    continue;
                }
                if is_inert_type(type_text.trim_start_matches(':').trim()) {
                    continue;
                }
                let kind = match decorator {
                    "Body" => SourceKind::Body,
                    "Query" => SourceKind::Query,
                    "Param" => SourceKind::Path,
                    "Headers" => SourceKind::Headers,
                    _ => SourceKind::Files,
                };
                let source = text
                    .split(')')
                    .next()
                    .map_or(String::new(), |d| format!("{d})"));
                self.taint(name, kind, short(&source));
                continue;
            }
            if index == 0 && pattern.kind() == "identifier" {
                let name = file.text_of(pattern).to_string();
                // A context (`c`, `ctx`) is not the request: `c.req` is.
                if !is_context(&name) && !self.receivers.contains(&name) {
                    self.receivers.push(name);
                }
            } else if index == 0 && pattern.kind() == "object_pattern" {
                // `({ body, query }, res) => …`
                self.bind_js_pattern_from_receiver(file, pattern);
            }
        }
    }

    /// Axum/Actix/Rocket: extractor parameters bind request data.
    fn rust_parameters(&mut self, file: &SourceFile, list: &[Node<'_>]) {
        for parameter in list {
            if parameter.kind() != "parameter" {
                continue;
            }
            let (Some(pattern), Some(type_node)) = (
                parameter.child_by_field_name("pattern"),
                parameter.child_by_field_name("type"),
            ) else {
                continue;
            };
            let type_text = compact(file.text_of(type_node));
            // Extractors are taken by value; of references only Rocket's
            // `&str` segments carry request text (`&Path` is std's).
            if type_text.starts_with('&') && !type_text.ends_with("str") {
                continue;
            }
            let bare = type_text.trim_start_matches('&').trim_start_matches("mut");
            let outer = bare.split('<').next().unwrap_or(bare);
            let outer = outer.rsplit("::").next().unwrap_or(outer);
            let Some(kind) = rust_extractor(outer) else {
                continue;
            };
            let generic = bare.split_once('<').map_or("", |(_, rest)| rest);
            if !generic.is_empty() && is_inert_type(generic) {
                continue;
            }
            let source = short(file.text_of(*parameter));
            self.bind_pattern(file, pattern, kind, &source);
        }
    }

    fn bind_js_pattern_from_receiver(&mut self, file: &SourceFile, pattern: Node<'_>) {
        let mut cursor = pattern.walk();
        for child in pattern.named_children(&mut cursor) {
            let (key, target) = match child.kind() {
                "shorthand_property_identifier_pattern" => (file.text_of(child), Some(child)),
                "pair_pattern" => (
                    child
                        .child_by_field_name("key")
                        .map_or("", |k| file.text_of(k)),
                    child.child_by_field_name("value"),
                ),
                "object_assignment_pattern" => (
                    child
                        .child_by_field_name("left")
                        .map_or("", |k| file.text_of(k)),
                    child.child_by_field_name("left"),
                ),
                _ => continue,
            };
            if let (Some(kind), Some(target)) = (js_part("req", key), target) {
                let source = format!("req.{key}");
                self.bind_pattern(file, target, kind, &source);
            }
        }
    }

    /// Taints every name a binding pattern introduces.
    fn bind_pattern(
        &mut self,
        file: &SourceFile,
        pattern: Node<'_>,
        kind: SourceKind,
        source: &str,
    ) {
        let mut found = Vec::new();
        let mut stack = vec![pattern];
        let mut budget = MAX_VISITS;
        while let Some(node) = stack.pop() {
            budget = match budget.checked_sub(1) {
                Some(left) => left,
                None => break,
            };
            let field = |name: &str| node.child_by_field_name(name);
            match node.kind() {
                "identifier"
                | "shorthand_property_identifier_pattern"
                | "shorthand_field_identifier" => {
                    found.push(file.text_of(node).to_string());
                }
                // `obj.attr = …` / `x[i] = …`: the root object now holds data.
                "attribute"
                | "member_expression"
                | "subscript"
                | "subscript_expression"
                | "field_expression"
                | "index_expression" => found.extend(root_name(file, node)),
                // `{ key: local }`, `{ local = fallback }`, `Json(local)`,
                // `User { name, .. }`: only the locals are bindings.
                "pair_pattern" => stack.extend(field("value")),
                "assignment_pattern" | "object_assignment_pattern" => stack.extend(field("left")),
                "field_pattern" => match field("pattern") {
                    Some(inner) => stack.push(inner),
                    None => stack.extend(field("name")),
                },
                "tuple_struct_pattern" | "struct_pattern" => {
                    let constructor = field("type").map(|t| t.id());
                    let mut cursor = node.walk();
                    let children: Vec<Node<'_>> = node
                        .named_children(&mut cursor)
                        .filter(|c| Some(c.id()) != constructor)
                        .collect();
                    stack.extend(children);
                }
                "scoped_identifier" | "type_identifier" => {}
                _ => push_children(node, &mut stack),
            }
        }
        for name in found {
            self.taint(&name, kind, source.to_string());
        }
    }

    /// One pass over a function body in source order: bindings from tainted
    /// values taint their names.
    fn bind_body(&mut self, file: &SourceFile, body: Node<'_>) {
        let Some(language) = self.language else {
            return;
        };
        let mut bindings: Vec<(Node<'_>, Node<'_>)> = Vec::new();
        let mut appends: Vec<Node<'_>> = Vec::new();
        walk(body, |node| {
            match (language, node.kind()) {
                (Language::Python, "assignment" | "augmented_assignment") => {
                    if let (Some(left), Some(right)) = (
                        node.child_by_field_name("left"),
                        node.child_by_field_name("right"),
                    ) {
                        bindings.push((left, right));
                    }
                }
                (Language::Python, "named_expression") => {
                    if let (Some(left), Some(right)) = (
                        node.child_by_field_name("name"),
                        node.child_by_field_name("value"),
                    ) {
                        bindings.push((left, right));
                    }
                }
                (Language::Python, "for_statement" | "for_in_clause")
                | (Language::Rust, "for_expression") => {
                    let left = node
                        .child_by_field_name("left")
                        .or_else(|| node.child_by_field_name("pattern"));
                    let right = node
                        .child_by_field_name("right")
                        .or_else(|| node.child_by_field_name("value"));
                    if let (Some(left), Some(right)) = (left, right) {
                        bindings.push((left, right));
                    }
                }
                (Language::Rust, "let_declaration") => {
                    if let (Some(left), Some(right)) = (
                        node.child_by_field_name("pattern"),
                        node.child_by_field_name("value"),
                    ) {
                        bindings.push((left, right));
                    }
                }
                (Language::Rust, "assignment_expression" | "compound_assignment_expr") => {
                    if let (Some(left), Some(right)) = (
                        node.child_by_field_name("left"),
                        node.child_by_field_name("right"),
                    ) {
                        bindings.push((left, right));
                    }
                }
                (_, "variable_declarator") => {
                    if let (Some(left), Some(right)) = (
                        node.child_by_field_name("name"),
                        node.child_by_field_name("value"),
                    ) {
                        bindings.push((left, right));
                    }
                }
                (_, "assignment_expression" | "augmented_assignment_expression") => {
                    if let (Some(left), Some(right)) = (
                        node.child_by_field_name("left"),
                        node.child_by_field_name("right"),
                    ) {
                        bindings.push((left, right));
                    }
                }
                (_, "for_in_statement") => {
                    if let (Some(left), Some(right)) = (
                        node.child_by_field_name("left"),
                        node.child_by_field_name("right"),
                    ) {
                        bindings.push((left, right));
                    }
                }
                (_, "call" | "call_expression") => appends.push(node),
                _ => {}
            }
            true
        });
        for (left, right) in bindings {
            // `const { body } = req` / `{ cmd } = req.body`.
            if left.kind() == "object_pattern" {
                let value = file.text_of(right).trim();
                if self.receivers.iter().any(|r| r == value) {
                    self.bind_js_pattern_from_receiver(file, left);
                    continue;
                }
            }
            if let Some(origin) = self.origin(file, right) {
                self.bind_pattern(file, left, origin.kind, &origin.source);
            }
        }
        for call in appends {
            let Some(function) = call.child_by_field_name("function") else {
                continue;
            };
            let (receiver, method) = match function.kind() {
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
                _ => continue,
            };
            let (Some(receiver), Some(method)) = (receiver, method) else {
                continue;
            };
            if !APPEND_METHODS.contains(&file.text_of(method)) {
                continue;
            }
            let Some(arguments) = call.child_by_field_name("arguments") else {
                continue;
            };
            if let (Some(origin), Some(root)) =
                (self.origin(file, arguments), root_name(file, receiver))
            {
                self.taint(&root, origin.kind, origin.source);
            }
        }
    }

    /// The request part a source expression reads, when `node` is one
    /// (`req.body`, `request.args`, `request.get_json()`, `c.req.query()`).
    #[must_use]
    pub fn source_kind(&self, file: &SourceFile, node: Node<'_>) -> Option<SourceKind> {
        let language = self.language?;
        let (member, called) = match node.kind() {
            "call" | "call_expression" => (node.child_by_field_name("function")?, true),
            "attribute" | "member_expression" => (node, false),
            _ => return None,
        };
        if !matches!(member.kind(), "attribute" | "member_expression") {
            return None;
        }
        let object = member.child_by_field_name("object")?;
        let property = member
            .child_by_field_name("attribute")
            .or_else(|| member.child_by_field_name("property"))?;
        let receiver = compact(file.text_of(object));
        if !self.receivers.contains(&receiver) {
            return None;
        }
        let property = file.text_of(property);
        match (language, called) {
            (Language::Python, true) => python_method(property),
            (Language::Python, false) => python_part(property),
            (Language::Rust, _) => None,
            // A context's own methods answer the client (`c.json(...)`,
            // `ctx.throw(...)`); its request is `c.req` / `ctx.request`.
            (_, true) if is_context(&receiver) => None,
            (_, true) => js_method(property),
            (_, false) => js_part(&receiver, property),
        }
    }

    /// Where the request data in `expression` comes from, if it holds any:
    /// a source read, a tainted name, or a value built from either.
    #[must_use]
    pub fn origin(&self, file: &SourceFile, expression: Node<'_>) -> Option<Origin> {
        let language = self.language?;
        let mut stack = vec![expression];
        let mut budget = MAX_VISITS;
        while let Some(node) = stack.pop() {
            budget = budget.checked_sub(1)?;
            if let Some(kind) = self.source_kind(file, node) {
                return Some(Origin {
                    kind,
                    source: short(file.text_of(node)),
                    via: None,
                });
            }
            let field = |name: &str| node.child_by_field_name(name);
            match node.kind() {
                "identifier" | "shorthand_property_identifier" | "shorthand_field_identifier" => {
                    if let Some((kind, source)) = self.names.get(file.text_of(node)) {
                        return Some(Origin {
                            kind: *kind,
                            source: source.clone(),
                            via: Some(file.text_of(node).to_string()),
                        });
                    }
                }
                // Code that runs later, or elsewhere; paths and types.
                "lambda"
                | "function_definition"
                | "arrow_function"
                | "function_expression"
                | "closure_expression"
                | "scoped_identifier"
                | "type_identifier" => {}
                // Booleans and numbers derived from data carry no text.
                "comparison_operator" | "not_operator" | "unary_operator" | "unary_expression" => {}
                "attribute" | "member_expression" => stack.extend(field("object")),
                "field_expression" => stack.extend(field("value")),
                // `TABLE[request.args["k"]]` looks a value up in a table the
                // code owns: the key does not flow into the result.
                "subscript" => stack.extend(field("value")),
                "subscript_expression" => stack.extend(field("object")),
                "index_expression" => stack.extend(node.named_child(0)),
                "keyword_argument" | "pair" => stack.extend(field("value")),
                "conditional_expression" => {
                    stack.extend(node.named_child(0));
                    stack.extend(node.named_child(2));
                }
                "ternary_expression" => {
                    stack.extend(field("consequence"));
                    stack.extend(field("alternative"));
                }
                "binary_operator" | "binary_expression" => {
                    let operator = field("operator").map_or("", |o| file.text_of(o));
                    // `/` joins pathlib paths (`BASE / name`).
                    let path_join = operator == "/" && language == Language::Python;
                    if path_join
                        || matches!(operator, "+" | "%" | "||" | "??" | "&&" | "or" | "and")
                    {
                        stack.extend(field("left"));
                        stack.extend(field("right"));
                    }
                }
                // Rust `format!("{name}")`: names inside the format string.
                "string_literal" if language == Language::Rust => {
                    if let Some(origin) = self.inline_format_argument(file, node) {
                        return Some(origin);
                    }
                }
                "macro_invocation" => {
                    let name = field("macro").map_or("", |m| file.text_of(m));
                    if matches!(name, "format" | "concat" | "vec" | "format_args") {
                        push_children(node, &mut stack);
                    }
                }
                "call" | "call_expression" | "new_expression" => {
                    self.push_call(file, language, node, &mut stack)
                }
                _ => push_children(node, &mut stack),
            }
        }
        None
    }

    /// What of a call's inside reaches its result: everything for a
    /// pass-through, the receiver for any other method (a method on request
    /// data returns request data), nothing for any other function.
    fn push_call<'t>(
        &self,
        file: &SourceFile,
        language: Language,
        call: Node<'t>,
        stack: &mut Vec<Node<'t>>,
    ) {
        let function = call
            .child_by_field_name("function")
            .or_else(|| call.child_by_field_name("constructor"));
        let Some(function) = function else {
            return;
        };
        let arguments = call.child_by_field_name("arguments");
        let path = if call.kind() == "new_expression" {
            Some(compact(file.text_of(function)))
        } else {
            callee_path(file, language, call)
        };
        if let Some(path) = path {
            let resolved = file.imports().resolve(&path);
            if PASS_THROUGH
                .iter()
                .any(|p| ends_with_segments(&path, p) || ends_with_segments(&resolved, p))
            {
                stack.extend(arguments);
                return;
            }
        }
        let (receiver, method) = match function.kind() {
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
            _ => (None, None),
        };
        if method.is_some_and(|m| PASS_METHODS.contains(&file.text_of(m))) {
            stack.extend(arguments);
        }
        stack.extend(receiver);
    }

    /// `format!("convert {path}")`: a name captured inside a Rust format
    /// string.
    fn inline_format_argument(&self, file: &SourceFile, literal: Node<'_>) -> Option<Origin> {
        let text = file.text_of(literal);
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            rest = &rest[open + 1..];
            if rest.starts_with('{') {
                rest = &rest[1..];
                continue;
            }
            let end = rest.find(['}', ':']).unwrap_or(rest.len());
            let name = &rest[..end];
            if let Some((kind, source)) = self.names.get(name) {
                return Some(Origin {
                    kind: *kind,
                    source: source.clone(),
                    via: Some(name.to_string()),
                });
            }
        }
        None
    }
}

/// Most nodes one [`RequestFlow::origin`] question looks at: a sink's
/// argument is small; a generated blob is not worth reading.
const MAX_VISITS: usize = 20_000;

/// Pushes a node's named children so that they pop in source order.
fn push_children<'t>(node: Node<'t>, stack: &mut Vec<Node<'t>>) {
    let mut cursor = node.walk();
    let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
    stack.extend(children.into_iter().rev());
}

/// Names of a framework's request context, whose own methods answer the
/// client (Hono `c.json(...)`, Koa `ctx.throw(...)`).
fn is_context(receiver: &str) -> bool {
    matches!(receiver, "c" | "ctx" | "context")
}

/// True when `path` is `suffix` or ends with it after a separator
/// (`Path` matches `pathlib.Path`, `path.join` matches `node:path.join`).
fn ends_with_segments(path: &str, suffix: &str) -> bool {
    if path == suffix {
        return true;
    }
    path.strip_suffix(suffix)
        .is_some_and(|head| head.ends_with('.') || head.ends_with("::"))
}

/// The local name at the root of `a.b[c].d`.
fn root_name(file: &SourceFile, node: Node<'_>) -> Option<String> {
    let mut current = node;
    for _ in 0..32 {
        match current.kind() {
            "identifier" => return Some(file.text_of(current).to_string()),
            "attribute" | "member_expression" | "subscript" | "subscript_expression" => {
                current = current
                    .child_by_field_name("object")
                    .or_else(|| current.child_by_field_name("value"))?;
            }
            "field_expression" | "index_expression" => {
                current = current
                    .child_by_field_name("value")
                    .or_else(|| current.named_child(0))?;
            }
            "reference_expression" => current = current.child_by_field_name("value")?,
            _ => return None,
        }
    }
    None
}

thread_local! {
    /// The flows of the handlers of the file the rules on this thread are
    /// reading, by handler node id: several sinks in one handler, and
    /// several rules, share one reading.
    static FLOWS: std::cell::RefCell<(u64, HashMap<usize, std::rc::Rc<RequestFlow>>)> =
        std::cell::RefCell::new((0, HashMap::new()));
}

/// The request flow of a handler, read once per handler per file.
#[must_use]
pub fn request_flow(file: &SourceFile, handler: &Handler<'_>) -> std::rc::Rc<RequestFlow> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    file.path.hash(&mut hasher);
    file.text.hash(&mut hasher);
    let key = hasher.finish();
    let id = handler.node.id();
    let cached = FLOWS.with(|flows| {
        let flows = flows.borrow();
        (flows.0 == key)
            .then(|| flows.1.get(&id).cloned())
            .flatten()
    });
    if let Some(flow) = cached {
        return flow;
    }
    let flow = std::rc::Rc::new(RequestFlow::of_handler(file, handler));
    FLOWS.with(|flows| {
        let mut flows = flows.borrow_mut();
        if flows.0 != key {
            *flows = (key, HashMap::new());
        }
        flows.1.insert(id, std::rc::Rc::clone(&flow));
    });
    flow
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantics::handlers::is_function;
    use redflag_syntax::FileKind;

    /// The origin of the arguments of the first call to `sink` inside the
    /// first function of the snippet.
    fn origin_at(path: &str, kind: FileKind, code: &str, sink: &str) -> Option<String> {
        let file = SourceFile::new(path.to_string(), kind, code.to_string(), None);
        let language = kind.language().unwrap();
        let tree = file.tree().unwrap();
        let mut function = None;
        let mut call = None;
        walk(tree.root_node(), |node| {
            if function.is_none() && is_function(language, node.kind()) {
                function = Some(node);
            }
            if call.is_none()
                && matches!(node.kind(), "call" | "call_expression" | "macro_invocation")
                && node
                    .child_by_field_name("function")
                    .or_else(|| node.child_by_field_name("macro"))
                    .is_some_and(|f| compact(file.text_of(f)) == sink)
            {
                call = Some(node);
            }
            true
        });
        let flow = RequestFlow::of_function(&file, function.expect("a function"));
        let call = call.expect("the sink call");
        let arguments = call
            .child_by_field_name("arguments")
            .or_else(|| {
                call.named_child(u32::try_from(call.named_child_count().saturating_sub(1)).unwrap())
            })
            .unwrap();
        flow.origin(&file, arguments).map(|o| o.describe())
    }

    fn py(code: &str, sink: &str) -> Option<String> {
        origin_at("app/views.py", FileKind::Python, code, sink)
    }

    fn ts(code: &str, sink: &str) -> Option<String> {
        origin_at("src/routes.ts", FileKind::TypeScript, code, sink)
    }

    fn rs(code: &str, sink: &str) -> Option<String> {
        origin_at("src/handlers.rs", FileKind::Rust, code, sink)
    }

    #[test]
    fn flask_reads_follow_assignments_and_string_building() {
        let code = r#"
@app.route("/convert", methods=["POST"])
def convert():
    name = request.form.get("name", "").strip()
    out = f"/tmp/{name}.png"
    subprocess.run("convert input.jpg " + out, shell=True)
"#;
        assert_eq!(
            py(code, "subprocess.run").as_deref(),
            Some("`request.form` (via `out`)")
        );
        let constant = r#"
@app.route("/convert")
def convert():
    name = request.args.get("name")
    subprocess.run("convert input.jpg out.png", shell=True)
"#;
        assert_eq!(py(constant, "subprocess.run"), None);
    }

    #[test]
    fn calls_that_return_other_data_do_not_carry_it() {
        let code = r#"
def download(request):
    doc = Document.objects.get(id=request.GET["id"])
    size = int(request.GET["size"])
    mode = MODES[request.GET["mode"]]
    ok = request.GET.get("name") == "x"
    os.system(f"render {doc.path} {size} {mode} {ok}")
"#;
        assert_eq!(py(code, "os.system"), None);
    }

    #[test]
    fn python_route_parameters_are_request_data_unless_typed_or_injected() {
        let code = r#"
@router.get("/files/{name}")
async def read_file(name: str, page: int = 1, db: Session = Depends(get_db)):
    return FileResponse(os.path.join(BASE, name))
"#;
        assert_eq!(py(code, "FileResponse").as_deref(), Some("`name`"));
        let numbers = r#"
@router.get("/files/{file_id}")
async def read_file(file_id: int, db: Session = Depends(get_db)):
    return FileResponse(os.path.join(BASE, str(file_id)))
"#;
        assert_eq!(py(numbers, "FileResponse"), None);
        let fastapi_request = r#"
@app.post("/hooks")
async def hook(req: Request):
    payload = await req.json()
    requests.post(payload["callback"], timeout=5)
"#;
        assert_eq!(
            py(fastapi_request, "requests.post").as_deref(),
            Some("`req.json()` (via `payload`)")
        );
    }

    #[test]
    fn pathlib_division_joins_request_data() {
        let code = r#"
@app.get("/files/<name>")
def download(name):
    target = UPLOADS / name
    return send_file(target)
"#;
        assert_eq!(
            py(code, "send_file").as_deref(),
            Some("`name` (via `target`)")
        );
    }

    #[test]
    fn appends_and_loops_carry_data() {
        let code = r#"
def run(request):
    args = ["tar", "-czf", "out.tgz"]
    for path in request.data["paths"]:
        args.append(path)
    subprocess.check_call(" ".join(args), shell=True)
"#;
        assert_eq!(
            py(code, "subprocess.check_call").as_deref(),
            Some("`request.data` (via `args`)")
        );
    }

    #[test]
    fn express_reads_destructuring_and_templates() {
        let code = r#"
router.post('/ping', async (req, res) => {
  const { host } = req.body;
  const cmd = `ping -c 1 ${host}`;
  exec(cmd, (err, out) => res.send(out));
});
"#;
        assert_eq!(ts(code, "exec").as_deref(), Some("`req.body` (via `cmd`)"));
        let whole = r#"
app.get('/file', (req, res) => {
  const { query } = req;
  res.sendFile(path.join(ROOT, query.name));
});
"#;
        assert_eq!(
            ts(whole, "res.sendFile").as_deref(),
            Some("`req.query` (via `query`)")
        );
        let header = r#"
app.get('/proxy', async (req, res) => {
  const target = req.get('x-forward-to') || DEFAULT;
  await axios.get(target, { timeout: 5000 });
});
"#;
        assert_eq!(
            ts(header, "axios.get").as_deref(),
            Some("`req.get('x-forward-to')` (via `target`)")
        );
    }

    #[test]
    fn hono_context_methods_are_responses_not_sources() {
        let code = r#"
app.post('/run', async (c) => {
  const body = await c.req.json();
  const reply = c.json({ ok: true });
  eval(reply);
  return reply;
});
"#;
        assert_eq!(ts(code, "eval"), None);
        let tainted = r#"
app.post('/run', async (c) => {
  const { expr } = await c.req.json();
  return c.text(String(eval(expr)));
});
"#;
        assert_eq!(
            ts(tainted, "eval").as_deref(),
            Some("`c.req.json()` (via `expr`)")
        );
    }

    #[test]
    fn nest_parameter_decorators_bind_request_data() {
        let code = r#"
import { join } from 'path';

class FilesController {
  @Get(':name')
  download(@Param('name') name: string, @Query('page') page: number, @Res() res: Response) {
    return res.sendFile(join(UPLOADS, name));
  }
}
"#;
        assert_eq!(
            ts(code, "res.sendFile").as_deref(),
            Some("`@Param('name')` (via `name`)")
        );
    }

    #[test]
    fn axum_and_actix_extractors_bind_request_data() {
        let code = r#"
async fn thumbnail(State(state): State<AppState>, Query(params): Query<HashMap<String, String>>) -> impl IntoResponse {
    let name = params.get("file").cloned().unwrap_or_default();
    let output = Command::new("sh").arg("-c").arg(format!("convert {name} thumb.png")).output();
}
"#;
        assert_eq!(
            rs(code, "Command::new(\"sh\").arg(\"-c\").arg").as_deref(),
            Some("`Query(params):Query<HashMap<String,String>>` (via `name`)")
        );
        let ids = r#"
async fn show(Path(id): Path<u64>, State(db): State<Pool>) -> String {
    let out = Command::new("report").arg(format!("{id}")).output();
}
"#;
        assert_eq!(rs(ids, "Command::new(\"report\").arg"), None);
    }
}
