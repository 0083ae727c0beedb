//! `error-details-leaked`: stack traces and internal exception text sent
//! back to clients, in Python, JavaScript/TypeScript and Rust.
//!
//! Two strengths of evidence. A stack trace (`err.stack`,
//! `traceback.format_exc()`, `util.inspect(err)`) in a response body is
//! always a leak. An exception's message (`err.message`, `str(e)`,
//! `e.to_string()`) is one only where the error is internal: a 5xx
//! response, or a `catch`/`except` block of a request handler that answers
//! with whatever failed. A 4xx answer built from a validation error is
//! meant for the client and stays quiet, and so does code that only shows
//! details behind a development or `expose` check.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::handlers::{enclosing_handler, is_function};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, compact, name_path, rust_in_test_code, walk};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(ErrorDetailsLeaked { meta: meta() })
}

struct ErrorDetailsLeaked {
    meta: RuleMeta,
}

/// What a response body carries.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Leak {
    /// A stack trace: always internal.
    Stack(String),
    /// An exception's message or rendering: internal unless the error was
    /// meant for the client.
    Message(String),
}

/// The status a response is sent with, as far as the code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Server,
    /// 4xx, or a 1xx–3xx: the message is meant for the client.
    Client,
    /// An expression (`err.status`): decided elsewhere.
    Dynamic,
    /// Not written: the framework's default (200).
    Unset,
}

fn classify_status(text: &str) -> Status {
    let text = text.trim();
    if let Ok(code) = text.parse::<u16>() {
        return if (500..600).contains(&code) {
            Status::Server
        } else {
            Status::Client
        };
    }
    let upper = text.to_ascii_uppercase();
    if [
        "500",
        "502",
        "503",
        "504",
        "INTERNAL_SERVER_ERROR",
        "INTERNALSERVERERROR",
        "SERVICE_UNAVAILABLE",
        "BAD_GATEWAY",
    ]
    .iter()
    .any(|w| upper.contains(w))
    {
        return Status::Server;
    }
    let four = upper.contains("HTTP_4")
        || upper.contains("BAD_REQUEST")
        || upper.contains("NOT_FOUND")
        || upper.contains("UNPROCESSABLE")
        || upper.contains("UNAUTHORIZED")
        || upper.contains("FORBIDDEN")
        || upper.contains("CONFLICT");
    if four || text.chars().next().is_some_and(|c| c == '4') && text.len() == 3 {
        return Status::Client;
    }
    Status::Dynamic
}

/// Conditions under which showing details is deliberate: development mode,
/// Koa's `err.expose`, errors meant for the client.
const GUARD_WORDS: &[&str] = &[
    "NODE_ENV",
    "development",
    "isDev",
    "DEBUG",
    "debug",
    "expose",
    "production",
    "isProd",
    "Validation",
    "Zod",
    "isJoi",
    "Joi",
    "HttpError",
    "HTTPException",
    "BadRequest",
    "NotFound",
    "Unauthorized",
    "Forbidden",
    "ClientError",
    "< 500",
    "<500",
];

/// Exception types whose message is written for the client.
const CLIENT_EXCEPTIONS: &[&str] = &[
    "Validation",
    "ValueError",
    "NotFound",
    "DoesNotExist",
    "PermissionDenied",
    "HTTPException",
    "HttpError",
    "BadRequest",
    "Http404",
    "Unauthorized",
    "Forbidden",
    "Invalid",
    "ParseError",
];

/// Names errors go by when they are parameters rather than `catch`/`except`
/// bindings (`sendError(res, err)`).
fn is_error_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "e" | "err" | "error" | "ex" | "exc" | "exception" | "cause"
    ) || lower.ends_with("_err")
        || lower.ends_with("_error")
        || (name.ends_with("Error") && name.len() > 5)
        || (name.ends_with("Err") && name.len() > 3)
}

/// True for a conditional expression inside a body whose condition makes
/// showing details deliberate (`NODE_ENV === "production" ? undefined :
/// err.stack`, `err.expose ? err.message : "…"`).
fn guarded_branch(file: &SourceFile, node: Node<'_>) -> bool {
    let condition = match node.kind() {
        "ternary_expression" => node.child_by_field_name("condition"),
        "conditional_expression" => node.named_child(1),
        _ => None,
    };
    condition.is_some_and(|c| {
        let text = file.text_of(c);
        GUARD_WORDS.iter().any(|w| text.contains(w))
    })
}

/// True when a condition between the sink and its function makes showing
/// details deliberate.
fn guarded(file: &SourceFile, ancestors: &[Node<'_>], language: Language) -> bool {
    for ancestor in ancestors.iter().rev() {
        if is_function(language, ancestor.kind()) {
            return false;
        }
        let condition = match ancestor.kind() {
            "if_statement" | "ternary_expression" | "conditional_expression" | "elif_clause" => {
                ancestor.child_by_field_name("condition").or_else(|| {
                    ancestor.named_child(if ancestor.kind() == "conditional_expression" {
                        1
                    } else {
                        0
                    })
                })
            }
            // `if let`/`if cfg!(debug_assertions)` in Rust.
            "if_expression" => ancestor.child_by_field_name("condition"),
            _ => None,
        };
        if let Some(condition) = condition {
            let text = file.text_of(condition);
            if GUARD_WORDS.iter().any(|w| text.contains(w)) || text.contains("debug_assertions") {
                return true;
            }
        }
    }
    false
}

// ------------------------------------------------------------ JavaScript

/// Parameter names of a JS function.
fn js_params(file: &SourceFile, function: Node<'_>) -> Vec<String> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return vec![file.text_of(single).to_string()];
    }
    let Some(parameters) = function.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut cursor = parameters.walk();
    let names = parameters
        .named_children(&mut cursor)
        .filter(|p| p.kind() != "comment")
        .map(|p| {
            let pattern = match p.kind() {
                "required_parameter" | "optional_parameter" => p.child_by_field_name("pattern"),
                "assignment_pattern" => p.child_by_field_name("left"),
                _ => Some(p),
            };
            pattern
                .map(|n| file.text_of(n).to_string())
                .unwrap_or_default()
        })
        .collect();
    names
}

/// Where the error in scope comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum ErrorScope {
    /// A `catch (err)` / `except … as e` block; `in_handler` when a request
    /// handler encloses it.
    Catch { in_handler: bool },
    /// An error handler: Express `(err, req, res, next)`, Fastify
    /// `setErrorHandler`, Hono `onError`, Flask `errorhandler`, FastAPI
    /// `exception_handler`. `server`: it handles internal errors.
    ErrorHandler { server: bool },
    /// A helper's parameter named like an error (`sendError(res, err)`).
    Parameter,
}

/// The error variables in scope at a node, innermost first, with where
/// each comes from.
fn js_error_vars(file: &SourceFile, ancestors: &[Node<'_>]) -> Vec<(String, ErrorScope)> {
    let mut vars = Vec::new();
    // Whether a handler encloses the code, asked once: hostile nesting
    // must not make it quadratic.
    let mut in_handler: Option<bool> = None;
    for (index, ancestor) in ancestors.iter().enumerate().rev() {
        match ancestor.kind() {
            "catch_clause" => {
                if let Some(param) = ancestor.child_by_field_name("parameter") {
                    let in_handler = *in_handler.get_or_insert_with(|| {
                        enclosing_handler(file, ancestors).is_some()
                            || ancestors
                                .iter()
                                .enumerate()
                                .any(|(i, a)| js_is_error_handler(file, *a, &ancestors[..i]))
                    });
                    vars.push((
                        file.text_of(param).to_string(),
                        ErrorScope::Catch { in_handler },
                    ));
                }
            }
            kind if is_function(Language::JavaScript, kind) => {
                let params = js_params(file, *ancestor);
                if js_is_error_handler(file, *ancestor, &ancestors[..index]) {
                    if let Some(first) = params.first() {
                        vars.push((first.clone(), ErrorScope::ErrorHandler { server: true }));
                    }
                } else {
                    for param in params.iter().filter(|p| is_error_name(p)) {
                        vars.push((param.clone(), ErrorScope::Parameter));
                    }
                }
            }
            _ => {}
        }
    }
    vars
}

/// Express error middleware `(err, req, res, next)`, or a callback handed
/// to Fastify `setErrorHandler` / Hono `onError`.
fn js_is_error_handler(file: &SourceFile, function: Node<'_>, ancestors: &[Node<'_>]) -> bool {
    if !is_function(Language::JavaScript, function.kind()) {
        return false;
    }
    let params = js_params(file, function);
    let first_is_error = params.first().is_some_and(|p| is_error_name(p));
    if params.len() == 4
        && first_is_error
        && matches!(params[1].as_str(), "req" | "request" | "_req")
    {
        return true;
    }
    let n = ancestors.len();
    if n >= 2 && ancestors[n - 1].kind() == "arguments" && first_is_error {
        let call = ancestors[n - 2];
        if let Some(callee) = call.child_by_field_name("function") {
            let text = file.text_of(callee);
            return text.ends_with("setErrorHandler") || text.ends_with("onError");
        }
    }
    false
}

/// A stack trace or error message inside `root`.
fn js_leak(
    file: &SourceFile,
    root: Node<'_>,
    vars: &[(String, ErrorScope)],
) -> Option<(Leak, String)> {
    let is_var = |name: &str| vars.iter().find(|(v, _)| v == name).map(|(v, _)| v.clone());
    let mut found: Option<(Leak, String)> = None;
    walk(root, |node| {
        if found.is_some() {
            return false;
        }
        if node.id() != root.id() && is_function(Language::JavaScript, node.kind()) {
            return false;
        }
        if guarded_branch(file, node) {
            return false;
        }
        match node.kind() {
            "member_expression" => {
                let object = node.child_by_field_name("object");
                let property = node
                    .child_by_field_name("property")
                    .map(|p| file.text_of(p));
                if let (Some(object), Some(property)) = (object, property) {
                    let name = file.text_of(object);
                    let error_like = is_var(name).is_some()
                        || (object.kind() == "identifier" && is_error_name(name));
                    if property == "stack" && error_like {
                        found = Some((Leak::Stack(format!("{name}.stack")), name.to_string()));
                    } else if property == "message" {
                        if let Some(var) = is_var(name) {
                            found = Some((Leak::Message(format!("{name}.message")), var));
                        }
                    }
                }
            }
            "call_expression" => {
                let callee = node
                    .child_by_field_name("function")
                    .map_or("", |f| file.text_of(f));
                let args = node.child_by_field_name("arguments");
                let first = args
                    .and_then(|a| a.named_child(0))
                    .map(|a| file.text_of(a))
                    .unwrap_or("");
                if (callee == "util.inspect" || callee == "inspect") && is_var(first).is_some() {
                    found = Some((Leak::Stack(format!("{callee}({first})")), first.to_string()));
                } else if callee == "String" {
                    if let Some(var) = is_var(first) {
                        found = Some((Leak::Message(format!("String({first})")), var));
                    }
                } else if let Some(object) = callee.strip_suffix(".toString") {
                    if let Some(var) = is_var(object) {
                        found = Some((Leak::Message(format!("{object}.toString()")), var));
                    }
                }
            }
            "template_substitution" => {
                let inner = node.named_child(0).map_or("", |n| file.text_of(n));
                if let Some(var) = is_var(inner) {
                    found = Some((Leak::Message(format!("${{{inner}}}")), var));
                }
            }
            _ => {}
        }
        found.is_none()
    });
    found
}

/// The status written before `at` in `block` (`res.status(500);`,
/// `ctx.status = err.status || 500`, `res.statusCode = 500`).
fn status_written_before(file: &SourceFile, block: Node<'_>, at: usize) -> Status {
    let start = block.start_byte();
    let text = file.slice(start..at.max(start));
    let markers = [
        ".status(",
        ".code(",
        ".writeHead(",
        "statusCode =",
        ".status =",
        "status_code =",
    ];
    let last = markers
        .iter()
        .filter_map(|m| text.rfind(m).map(|i| (i + m.len(), *m)))
        .max_by_key(|(i, _)| *i);
    let Some((value_at, _)) = last else {
        return Status::Unset;
    };
    let value = &text[value_at..];
    let end = value.find([')', ';', '\n', ',']).unwrap_or(value.len());
    classify_status(&value[..end])
}

/// A JS response sink: what it is called, its payload and status.
struct Sink<'t> {
    shown: String,
    payload: Node<'t>,
    status: Status,
}

fn js_status_of_init(file: &SourceFile, init: Option<Node<'_>>) -> Status {
    let Some(init) = init.filter(|i| i.kind() == "object") else {
        return Status::Unset;
    };
    let mut cursor = init.walk();
    let status = init.named_children(&mut cursor).find_map(|pair| {
        (pair.kind() == "pair"
            && pair
                .child_by_field_name("key")
                .is_some_and(|k| file.text_of(k) == "status"))
        .then(|| pair.child_by_field_name("value"))
        .flatten()
    });
    status.map_or(Status::Unset, |s| classify_status(file.text_of(s)))
}

/// Response receivers of Express, Fastify, Koa, Hono and plain Node.
const JS_RESPONSE_ROOTS: &[&str] = &[
    "res", "response", "resp", "reply", "rep", "ctx", "c", "context",
];
const JS_SEND_METHODS: &[&str] = &[
    "send", "json", "jsonp", "end", "write", "text", "html", "body",
];

fn js_sink<'t>(file: &SourceFile, node: Node<'t>) -> Option<Sink<'t>> {
    match node.kind() {
        "new_expression" => {
            // `new Response(body, { status })`, `new NextResponse(...)`.
            let constructor = file.text_of(node.child_by_field_name("constructor")?);
            if !matches!(constructor, "Response" | "NextResponse") {
                return None;
            }
            let args = node.child_by_field_name("arguments")?;
            Some(Sink {
                shown: format!("new {constructor}(…)"),
                payload: args.named_child(0)?,
                status: js_status_of_init(file, args.named_child(1)),
            })
        }
        "assignment_expression" => {
            // Koa `ctx.body = …`.
            let left = compact(file.text_of(node.child_by_field_name("left")?));
            if !matches!(
                left.as_str(),
                "ctx.body" | "ctx.response.body" | "this.body"
            ) {
                return None;
            }
            Some(Sink {
                shown: left,
                payload: node.child_by_field_name("right")?,
                status: Status::Unset,
            })
        }
        _ => {
            let function = node.child_by_field_name("function")?;
            let args = node.child_by_field_name("arguments")?;
            if function.kind() != "member_expression" {
                return None;
            }
            let method = file.text_of(function.child_by_field_name("property")?);
            let object = function.child_by_field_name("object")?;
            let object_text = compact(file.text_of(object));
            // `Response.json(body, { status })`, `NextResponse.json(...)`.
            if method == "json" && matches!(object_text.as_str(), "Response" | "NextResponse") {
                return Some(Sink {
                    shown: format!("{object_text}.json(…)"),
                    payload: args.named_child(0)?,
                    status: js_status_of_init(file, args.named_child(1)),
                });
            }
            if !JS_SEND_METHODS.contains(&method) {
                return None;
            }
            // Walk the chain down to its root: `res.status(500).json`.
            let mut status = Status::Unset;
            let mut current = object;
            let mut depth = 0;
            loop {
                depth += 1;
                if depth > 16 {
                    return None;
                }
                match current.kind() {
                    "identifier" => break,
                    "call_expression" => {
                        let inner = current.child_by_field_name("function")?;
                        if inner.kind() != "member_expression" {
                            return None;
                        }
                        let name = file.text_of(inner.child_by_field_name("property")?);
                        if matches!(name, "status" | "code" | "writeHead") {
                            let arg = current
                                .child_by_field_name("arguments")
                                .and_then(|a| a.named_child(0))
                                .map_or("", |a| file.text_of(a));
                            status = classify_status(arg);
                        }
                        current = inner.child_by_field_name("object")?;
                    }
                    "member_expression" => current = current.child_by_field_name("object")?,
                    _ => return None,
                }
            }
            let root = file.text_of(current);
            if !JS_RESPONSE_ROOTS.contains(&root) {
                return None;
            }
            // Hono `c.json(body, 500)`.
            if matches!(root, "c" | "ctx" | "context") && status == Status::Unset {
                if let Some(second) = args.named_child(1) {
                    status = classify_status(file.text_of(second));
                }
            }
            let shown = {
                let text = compact(file.text_of(function));
                if text.len() > 60 {
                    format!("{method}(…)")
                } else {
                    format!("{text}(…)")
                }
            };
            Some(Sink {
                shown,
                payload: args,
                status,
            })
        }
    }
}

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(sink) = js_sink(file, node) else {
        return;
    };
    let vars = js_error_vars(file, ctx.ancestors);
    let Some((leak, var)) = js_leak(file, sink.payload, &vars) else {
        return;
    };
    if guarded(file, ctx.ancestors, Language::JavaScript) {
        return;
    }
    let scope = vars.iter().find(|(v, _)| *v == var).map(|(_, s)| s.clone());
    let function = ctx
        .ancestors
        .iter()
        .rev()
        .find(|a| is_function(Language::JavaScript, a.kind()))
        .copied();
    let status = match sink.status {
        Status::Unset => {
            let block = ctx
                .ancestors
                .iter()
                .rev()
                .find(|a| matches!(a.kind(), "catch_clause" | "statement_block"))
                .copied();
            let from_block = block.map_or(Status::Unset, |b| {
                status_written_before(file, b, node.start_byte())
            });
            match (from_block, function) {
                (Status::Unset, Some(f)) => status_written_before(file, f, node.start_byte()),
                (status, _) => status,
            }
        }
        status => status,
    };
    if !should_report(
        &leak,
        status,
        scope.as_ref(),
        function.map(|f| file.text_of(f)),
    ) {
        return;
    }
    report(ctx, node.byte_range(), &sink.shown, &leak, status, "log the error server-side (with a request or error id) and answer with a generic message, e.g. `res.status(500).json({ error: \"Internal server error\", id: req.id })`; keep `err.message` for 4xx errors you created for the client");
}

/// The decision shared by the languages: stack traces always; messages in
/// 5xx answers, or in answers from a handler's catch block with no status.
fn should_report(
    leak: &Leak,
    status: Status,
    scope: Option<&ErrorScope>,
    function_text: Option<&str>,
) -> bool {
    match leak {
        Leak::Stack(_) => true,
        Leak::Message(_) => match status {
            Status::Server => scope.is_some(),
            Status::Client => false,
            Status::Dynamic => scope.is_some() && function_text.is_some_and(|t| t.contains("500")),
            Status::Unset => match scope {
                Some(ErrorScope::Catch { in_handler }) => *in_handler,
                Some(ErrorScope::ErrorHandler { server }) => {
                    *server && function_text.is_some_and(|t| t.contains("500"))
                }
                _ => false,
            },
        },
    }
}

fn report(
    ctx: &mut NodeContext<'_>,
    range: std::ops::Range<usize>,
    sink: &str,
    leak: &Leak,
    status: Status,
    help: &str,
) {
    let (what, confidence) = match leak {
        Leak::Stack(expr) => (
            format!("sends the stack trace `{expr}` to the client"),
            Confidence::High,
        ),
        Leak::Message(expr) => {
            let answer = if status == Status::Server {
                "in a 5xx response"
            } else {
                "in the response of a handler's error path"
            };
            (
                format!("sends the internal error text `{expr}` to the client {answer}"),
                if status == Status::Server {
                    Confidence::High
                } else {
                    Confidence::Medium
                },
            )
        }
    };
    ctx.report(
        Diagnostic::new(
            range,
            format!("`{sink}` {what}: file paths, library versions, SQL and hostnames in it help an attacker map the service"),
        )
        .help(help)
        .with_confidence(confidence),
    );
}

// ---------------------------------------------------------------- Python

/// `except ValueError as e:` → (`e`, `ValueError`).
fn py_except_binding(file: &SourceFile, clause: Node<'_>) -> Option<(String, String)> {
    let text = file.text_of(clause);
    let header = text.split(':').next()?;
    let rest = header.trim_start().strip_prefix("except")?;
    let rest = rest.trim_start_matches('*');
    let (types, name) = rest.rsplit_once(" as ")?;
    Some((name.trim().to_string(), types.trim().to_string()))
}

/// Decorators of Python exception handlers, and whether the handled
/// exception is internal.
fn py_exception_handler(file: &SourceFile, ancestors: &[Node<'_>]) -> Option<bool> {
    let decorated = ancestors
        .last()
        .filter(|p| p.kind() == "decorated_definition")?;
    let mut cursor = decorated.walk();
    let found = decorated.named_children(&mut cursor).find_map(|decorator| {
        if decorator.kind() != "decorator" {
            return None;
        }
        let text = file.text_of(decorator);
        if !(text.contains("exception_handler") || text.contains("errorhandler")) {
            return None;
        }
        let argument = text.split_once('(').map_or("", |(_, a)| a);
        let client = CLIENT_EXCEPTIONS.iter().any(|c| argument.contains(c))
            || argument.trim_start().starts_with('4');
        Some(!client)
    });
    found
}

fn py_error_vars(file: &SourceFile, ancestors: &[Node<'_>]) -> Vec<(String, ErrorScope)> {
    let mut vars = Vec::new();
    // Whether a handler encloses the code, asked once: hostile nesting
    // must not make it quadratic.
    let mut in_handler: Option<bool> = None;
    for (index, ancestor) in ancestors.iter().enumerate().rev() {
        match ancestor.kind() {
            "except_clause" => {
                if let Some((name, types)) = py_except_binding(file, *ancestor) {
                    if CLIENT_EXCEPTIONS.iter().any(|c| types.contains(c)) {
                        // Meant for the client: the name is not an internal error.
                        vars.push((name, ErrorScope::Parameter));
                        continue;
                    }
                    let in_handler = *in_handler
                        .get_or_insert_with(|| enclosing_handler(file, ancestors).is_some());
                    vars.push((name, ErrorScope::Catch { in_handler }));
                }
            }
            "function_definition" => {
                let handler = py_exception_handler(file, &ancestors[..index]);
                let Some(parameters) = ancestor.child_by_field_name("parameters") else {
                    continue;
                };
                let mut cursor = parameters.walk();
                let names: Vec<String> = parameters
                    .named_children(&mut cursor)
                    .map(|p| {
                        let text = file.text_of(p);
                        text.split([':', '='])
                            .next()
                            .unwrap_or("")
                            .trim()
                            .to_string()
                    })
                    .collect();
                match handler {
                    Some(server) => {
                        if let Some(last) = names.last() {
                            vars.push((last.clone(), ErrorScope::ErrorHandler { server }));
                        }
                    }
                    None => {
                        for name in names.into_iter().filter(|n| is_error_name(n)) {
                            vars.push((name, ErrorScope::Parameter));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    vars
}

fn py_leak(
    file: &SourceFile,
    root: Node<'_>,
    vars: &[(String, ErrorScope)],
) -> Option<(Leak, String)> {
    let is_var = |name: &str| vars.iter().find(|(v, _)| v == name).map(|(v, _)| v.clone());
    let mut found: Option<(Leak, String)> = None;
    walk(root, |node| {
        if found.is_some() {
            return false;
        }
        if node.id() != root.id() && matches!(node.kind(), "function_definition" | "lambda") {
            return false;
        }
        if guarded_branch(file, node) {
            return false;
        }
        match node.kind() {
            "call" => {
                let callee = callee_path(file, Language::Python, node).unwrap_or_default();
                let resolved = file.imports().resolve(&callee);
                let args = node.child_by_field_name("arguments");
                let first = args
                    .and_then(|a| a.named_child(0))
                    .map(|a| file.text_of(a))
                    .unwrap_or("");
                if resolved.starts_with("traceback.format")
                    || callee.starts_with("traceback.format")
                {
                    found = Some((Leak::Stack(format!("{callee}()")), String::new()));
                } else if matches!(callee.as_str(), "str" | "repr") {
                    if let Some(var) = is_var(first) {
                        found = Some((Leak::Message(format!("{callee}({first})")), var));
                    }
                } else if callee.ends_with(".format") {
                    if let Some(args) = args {
                        let mut cursor = args.walk();
                        let hit = args
                            .named_children(&mut cursor)
                            .find_map(|arg| is_var(file.text_of(arg)));
                        if let Some(var) = hit {
                            found = Some((Leak::Message(format!("\"…\".format({var})")), var));
                        }
                    }
                }
            }
            "interpolation" => {
                let inner = node.named_child(0).map_or("", |n| file.text_of(n));
                if let Some(var) = is_var(inner) {
                    found = Some((Leak::Message(format!("f\"{{{inner}}}\"")), var));
                }
            }
            "attribute" => {
                let object = node
                    .child_by_field_name("object")
                    .map_or("", |o| file.text_of(o));
                let attribute = node
                    .child_by_field_name("attribute")
                    .map_or("", |a| file.text_of(a));
                if matches!(attribute, "args" | "message") {
                    if let Some(var) = is_var(object) {
                        found = Some((Leak::Message(format!("{object}.{attribute}")), var));
                    }
                }
            }
            "binary_operator" => {
                // `"failed: %s" % e`
                let op = node
                    .child_by_field_name("operator")
                    .map_or("", |o| file.text_of(o));
                let right = node
                    .child_by_field_name("right")
                    .map_or("", |r| file.text_of(r));
                if op == "%" {
                    if let Some(var) = is_var(right.trim_matches(['(', ')', ',', ' '])) {
                        found = Some((Leak::Message(format!("\"…\" % {var}")), var));
                    }
                }
            }
            _ => {}
        }
        found.is_none()
    });
    found
}

/// Python response constructors, and the status they imply when none is
/// passed.
fn py_sink_kind(name: &str) -> Option<Status> {
    Some(match name {
        "jsonify" | "make_response" | "JSONResponse" | "ORJSONResponse" | "UJSONResponse"
        | "PlainTextResponse" | "HTMLResponse" | "JsonResponse" | "HttpResponse" | "Response"
        | "json_response" => Status::Unset,
        "HttpResponseServerError"
        | "HTTPInternalServerError"
        | "APIException"
        | "InternalServerError" => Status::Server,
        "HTTPException" | "abort" => Status::Dynamic,
        _ => return None,
    })
}

fn py_keyword<'t>(file: &SourceFile, args: Node<'t>, names: &[&str]) -> Option<Node<'t>> {
    let mut cursor = args.walk();
    let found = args.named_children(&mut cursor).find_map(|arg| {
        (arg.kind() == "keyword_argument"
            && arg
                .child_by_field_name("name")
                .is_some_and(|n| names.contains(&file.text_of(n))))
        .then(|| arg.child_by_field_name("value"))
        .flatten()
    });
    found
}

/// The status a Flask view returns beside its body: `return body, 500`.
fn py_tuple_status(file: &SourceFile, value: Node<'_>) -> Status {
    if !matches!(value.kind(), "expression_list" | "tuple") {
        return Status::Unset;
    }
    value
        .named_child(1)
        .map_or(Status::Unset, |s| classify_status(file.text_of(s)))
}

fn check_python_call(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(callee) = callee_path(file, Language::Python, node) else {
        return;
    };
    let name = callee.rsplit('.').next().unwrap_or(&callee);
    let Some(implied) = py_sink_kind(name) else {
        return;
    };
    let Some(args) = node.child_by_field_name("arguments") else {
        return;
    };
    let vars = py_error_vars(file, ctx.ancestors);
    let Some((leak, var)) = py_leak(file, args, &vars) else {
        return;
    };
    if guarded(file, ctx.ancestors, Language::Python) {
        return;
    }
    let mut status = match py_keyword(file, args, &["status_code", "status", "code"]) {
        Some(value) => classify_status(file.text_of(value)),
        None if matches!(name, "HTTPException" | "abort") => args
            .named_child(0)
            .filter(|a| a.kind() != "keyword_argument")
            .map_or(Status::Dynamic, |a| classify_status(file.text_of(a))),
        None => implied,
    };
    if status == Status::Unset {
        if let Some(parent) = ctx.ancestors.last() {
            status = py_tuple_status(file, *parent);
        }
    }
    let scope = vars.iter().find(|(v, _)| *v == var).map(|(_, s)| s.clone());
    if !should_report(&leak, status, scope.as_ref(), None) {
        return;
    }
    report(
        ctx,
        node.byte_range(),
        &format!("{callee}(…)"),
        &leak,
        status,
        "log the exception (`logger.exception(...)`) and answer with a generic message and an error id, e.g. `HTTPException(status_code=500, detail=\"Internal server error\")`; keep exception text for validation errors raised for the client",
    );
}

fn check_python_return(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(value) = node.named_child(0) else {
        return;
    };
    // The body of the answer: a dict, string or f-string, alone or with a
    // status (`return {"error": str(e)}, 500`). Response calls are judged
    // as calls.
    let body = if matches!(value.kind(), "expression_list" | "tuple") {
        value.named_child(0)
    } else {
        Some(value)
    };
    let Some(body) = body.filter(|b| {
        matches!(
            b.kind(),
            "dictionary" | "string" | "concatenated_string" | "binary_operator"
        )
    }) else {
        return;
    };
    let vars = py_error_vars(file, ctx.ancestors);
    let Some((leak, var)) = py_leak(file, body, &vars) else {
        return;
    };
    let scope = vars.iter().find(|(v, _)| *v == var).map(|(_, s)| s.clone());
    // A bare `return` answers the client only from a handler or an
    // exception handler.
    let answers = matches!(
        scope,
        Some(ErrorScope::Catch { in_handler: true } | ErrorScope::ErrorHandler { .. })
    ) || (matches!(leak, Leak::Stack(_))
        && enclosing_handler(file, ctx.ancestors).is_some());
    if !answers || guarded(file, ctx.ancestors, Language::Python) {
        return;
    }
    let status = py_tuple_status(file, value);
    if !should_report(&leak, status, scope.as_ref(), None) {
        return;
    }
    report(
        ctx,
        node.byte_range(),
        "return",
        &leak,
        status,
        "log the exception (`logger.exception(...)`) and return a generic message with a 500 status and an error id; keep exception text for validation errors raised for the client",
    );
}

// ------------------------------------------------------------------ Rust

/// Status constants of 5xx answers.
const RUST_SERVER_STATUSES: &[&str] = &[
    "INTERNAL_SERVER_ERROR",
    "BAD_GATEWAY",
    "SERVICE_UNAVAILABLE",
    "GATEWAY_TIMEOUT",
    "InternalServerError",
    "ServiceUnavailable",
    "BadGateway",
    "GatewayTimeout",
];

/// `impl IntoResponse for X` / `impl ResponseError for X` around a node.
fn rust_error_impl<'t>(file: &SourceFile, ancestors: &[Node<'t>]) -> Option<Node<'t>> {
    ancestors.iter().rev().find_map(|a| {
        if a.kind() != "impl_item" {
            return None;
        }
        let trait_name = a
            .child_by_field_name("trait")
            .map_or("", |t| file.text_of(t));
        (trait_name.ends_with("IntoResponse") || trait_name.ends_with("ResponseError"))
            .then_some(*a)
    })
}

/// Names bound to errors around a Rust node: `Err(e)` patterns, `map_err`
/// closure parameters, and in an error type's response impl, `self` and
/// the bindings of its match arms.
fn rust_error_names(file: &SourceFile, ancestors: &[Node<'_>], in_error_impl: bool) -> Vec<String> {
    let mut names = Vec::new();
    for (index, ancestor) in ancestors.iter().enumerate().rev() {
        match ancestor.kind() {
            "match_arm" => {
                let pattern = ancestor
                    .child_by_field_name("pattern")
                    .map_or("", |p| file.text_of(p));
                if pattern.starts_with("Err(") || in_error_impl {
                    collect_identifiers(file, ancestor.child_by_field_name("pattern"), &mut names);
                }
            }
            "let_condition" | "if_let_expression" => {
                let pattern = ancestor
                    .child_by_field_name("pattern")
                    .map_or("", |p| file.text_of(p));
                if pattern.starts_with("Err(") {
                    collect_identifiers(file, ancestor.child_by_field_name("pattern"), &mut names);
                }
            }
            "closure_expression" => {
                let in_map_err = index >= 2
                    && ancestors[index - 1].kind() == "arguments"
                    && ancestors[index - 2]
                        .child_by_field_name("function")
                        .is_some_and(|f| {
                            file.text_of(f).ends_with("map_err")
                                || file.text_of(f).ends_with("or_else")
                        });
                if in_map_err {
                    collect_identifiers(
                        file,
                        ancestor.child_by_field_name("parameters"),
                        &mut names,
                    );
                }
            }
            _ => {}
        }
    }
    if in_error_impl {
        names.push("self".to_string());
    }
    names
}

fn collect_identifiers(file: &SourceFile, node: Option<Node<'_>>, out: &mut Vec<String>) {
    let Some(node) = node else {
        return;
    };
    walk(node, |n| {
        if n.kind() == "identifier" {
            out.push(file.text_of(n).to_string());
        }
        true
    });
}

/// An error rendered into text inside `root`: `e.to_string()`,
/// `format!("{e}")`, `format!("{:?}", err)`, `self.to_string()`.
fn rust_leak(file: &SourceFile, root: Node<'_>, names: &[String]) -> Option<String> {
    let is_error =
        |name: &str| names.iter().any(|n| n == name) || (name != "self" && is_error_name(name));
    let mut found = None;
    walk(root, |node| {
        if found.is_some() {
            return false;
        }
        match node.kind() {
            "call_expression" => {
                let function = node.child_by_field_name("function");
                if let Some(function) = function.filter(|f| f.kind() == "field_expression") {
                    let method = function
                        .child_by_field_name("field")
                        .map_or("", |f| file.text_of(f));
                    let value = function
                        .child_by_field_name("value")
                        .map_or("", |v| file.text_of(v));
                    if method == "to_string" && is_error(value) {
                        found = Some(format!("{value}.to_string()"));
                    }
                }
            }
            "macro_invocation" => {
                // Macro bodies are token trees: read them as text.
                let name = node
                    .child_by_field_name("macro")
                    .map_or("", |m| file.text_of(m));
                let name = name.rsplit("::").next().unwrap_or(name);
                if matches!(name, "format" | "format_args" | "json") {
                    let text = file.text_of(node);
                    let hit = names
                        .iter()
                        .map(String::as_str)
                        .chain(["e", "err", "error"])
                        .find(|n| {
                            text.contains(&format!("{n}.to_string()"))
                                || text.contains(&format!("{{{n}}}"))
                                || text.contains(&format!("{{{n}:"))
                                || text.contains(&format!(", {n})"))
                                || text.contains(&format!(", {n},"))
                                || text.contains(&format!(", &{n})"))
                        });
                    if let Some(hit) = hit {
                        found = Some(if text.contains(&format!("{hit}.to_string()")) {
                            format!("{hit}.to_string()")
                        } else {
                            format!("{name}!(…{hit}…)")
                        });
                    }
                }
                return false;
            }
            _ => {}
        }
        found.is_none()
    });
    found
}

fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    if rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    let error_impl = rust_error_impl(file, ctx.ancestors);
    let names = rust_error_names(file, ctx.ancestors, error_impl.is_some());
    let help = "log the error (`tracing::error!(error = ?e)`) and answer with a fixed message such as \"internal error\" (plus a request id); render `Display` only for error variants written for the client";
    match node.kind() {
        // `(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())`
        "tuple_expression" => {
            let Some(first) = node.named_child(0) else {
                return;
            };
            let status = file.text_of(first);
            if !RUST_SERVER_STATUSES.iter().any(|s| status.contains(s)) {
                return;
            }
            let mut cursor = node.walk();
            let rest: Vec<Node<'_>> = node.named_children(&mut cursor).skip(1).collect();
            let Some(leak) = rest.iter().find_map(|part| rust_leak(file, *part, &names)) else {
                return;
            };
            if guarded(file, ctx.ancestors, Language::Rust) {
                return;
            }
            report(
                ctx,
                node.byte_range(),
                &format!("({}, …)", compact(status)),
                &Leak::Message(leak),
                Status::Server,
                help,
            );
        }
        "call_expression" => {
            let Some(function) = node.child_by_field_name("function") else {
                return;
            };
            let args = node.child_by_field_name("arguments");
            // actix `ErrorInternalServerError(e)` renders `e`'s Display as the body.
            let path = name_path(file, Language::Rust, function).unwrap_or_default();
            if path.ends_with("ErrorInternalServerError")
                || path.ends_with("ErrorServiceUnavailable")
                || path.ends_with("ErrorBadGateway")
            {
                let Some(arg) = args.and_then(|a| a.named_child(0)) else {
                    return;
                };
                let text = file.text_of(arg);
                let leak = if matches!(arg.kind(), "identifier")
                    && (names.iter().any(|n| n == text) || is_error_name(text))
                {
                    Some(text.to_string())
                } else {
                    rust_leak(file, arg, &names)
                };
                if let Some(leak) = leak {
                    report(
                        ctx,
                        node.byte_range(),
                        &format!("{}(…)", path.rsplit("::").next().unwrap_or(&path)),
                        &Leak::Message(leak),
                        Status::Server,
                        help,
                    );
                }
                return;
            }
            // `.map_err(ErrorInternalServerError)`: the error itself becomes the body.
            if function.kind() == "field_expression"
                && function
                    .child_by_field_name("field")
                    .is_some_and(|f| file.text_of(f) == "map_err")
            {
                if let Some(arg) = args.and_then(|a| a.named_child(0)) {
                    let text = compact(file.text_of(arg));
                    if matches!(arg.kind(), "identifier" | "scoped_identifier")
                        && (text.ends_with("ErrorInternalServerError")
                            || text.ends_with("ErrorServiceUnavailable"))
                    {
                        let shown = text.rsplit("::").next().unwrap_or(&text).to_string();
                        report(
                            ctx,
                            node.byte_range(),
                            &format!("map_err({shown})"),
                            &Leak::Message("the error's Display text".to_string()),
                            Status::Server,
                            help,
                        );
                    }
                }
                return;
            }
            // `HttpResponse::InternalServerError().body(e.to_string())`,
            // `HttpResponse::build(self.status_code()).json(...)` in `impl ResponseError`.
            if function.kind() != "field_expression" {
                return;
            }
            let method = function
                .child_by_field_name("field")
                .map_or("", |f| file.text_of(f));
            if !matches!(method, "body" | "json" | "message_body") {
                return;
            }
            let Some(args) = args else {
                return;
            };
            let Some(leak) = rust_leak(file, args, &names) else {
                return;
            };
            let chain = compact(file.text_of(function));
            let server = RUST_SERVER_STATUSES.iter().any(|s| chain.contains(s));
            let dynamic_in_error_impl = error_impl.is_some_and(|imp| {
                let text = file.text_of(imp);
                chain.contains("status_code()")
                    && (!text.contains("fn status_code")
                        || RUST_SERVER_STATUSES.iter().any(|s| text.contains(s)))
            });
            if !(chain.starts_with("HttpResponse")
                || chain.contains("Response::build")
                || chain.contains("Response::"))
            {
                return;
            }
            if !(server || dynamic_in_error_impl) || guarded(file, ctx.ancestors, Language::Rust) {
                return;
            }
            let shown = chain.split('(').next().unwrap_or(&chain).to_string();
            report(
                ctx,
                node.byte_range(),
                &format!("{shown}(…).{method}(…)"),
                &Leak::Message(leak),
                Status::Server,
                help,
            );
        }
        _ => {}
    }
}

impl Rule for ErrorDetailsLeaked {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["except", "traceback", "exception_handler", "errorhandler"],
            Language::Rust => &[
                "INTERNAL_SERVER_ERROR",
                "InternalServerError",
                "ServiceUnavailable",
                "SERVICE_UNAVAILABLE",
                "BAD_GATEWAY",
                "ErrorBadGateway",
                "ResponseError",
            ],
            _ => &["stack", "message", "String(", "toString", "inspect", "${"],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kinds: &[&str] = match language {
            Language::Python => &["call", "return_statement"],
            Language::Rust => &["tuple_expression", "call_expression"],
            _ => &["call_expression", "new_expression", "assignment_expression"],
        };
        kinds.iter().map(|k| (*k).to_string()).collect()
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        match (ctx.language(), node.kind()) {
            (Language::Python, "return_statement") => check_python_return(node, ctx),
            (Language::Python, _) => check_python_call(node, ctx),
            (Language::Rust, _) => check_rust(node, ctx),
            _ => check_js(node, ctx),
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds stack traces and internal exception text sent back to clients.

- Always: a stack trace in a response body — `err.stack` or
  `util.inspect(err)` in `res.send/json/end`, `reply.send`, `ctx.body`,
  `c.json`, `Response.json`/`new Response(...)`; `traceback.format_exc()`
  (or `format_exception`/`format_tb`) in `jsonify`, `JSONResponse`,
  `HttpResponse`, `HTTPException`, or returned from a handler.
- An exception's text (`err.message`, `String(err)`, `` `${err}` ``,
  `str(e)`, `repr(e)`, `f"{e}"`, `e.args`, `e.to_string()`,
  `format!("{e:?}")`) in a 5xx response, or in a response from a handler's
  `catch`/`except` block that sets no status. The error must be one the code
  caught: a `catch (err)` / `except … as e` binding, the first parameter of
  an error handler (Express `(err, req, res, next)`, Fastify
  `setErrorHandler`, Hono `onError`, Flask `@errorhandler`, FastAPI
  `@exception_handler` for a server-side exception), or a parameter named
  like an error.
- Rust (axum, actix-web): a tuple `(StatusCode::INTERNAL_SERVER_ERROR, …)`
  whose body renders an error; `HttpResponse::InternalServerError().body(…)`
  / `.json(…)` with one; actix `ErrorInternalServerError(e)` and
  `.map_err(ErrorInternalServerError)`, which make the error's `Display`
  the body; and `impl IntoResponse`/`impl ResponseError` blocks that render
  `self` or an inner error into a 5xx body.

Quiet: logging the error and answering with a generic message or an error
id; 4xx answers (validation messages are meant for the client); `except`
blocks for validation and not-found exceptions; details shown only behind a
development check (`NODE_ENV`, `DEBUG`, `cfg!(debug_assertions)`) or Koa's
`err.expose`.

## Why it matters
Checklist SCOPE-1.4 (standard error format, no internals leaked). Stack
traces and raw exception messages tell an attacker the framework and library
versions, file paths, SQL statements, table and column names, internal
hostnames — a map for the next request. They are also an inconsistent error
format that clients end up parsing.

## Example
```js
app.use((err, req, res, next) => {
  res.status(500).json({ error: err.message, stack: err.stack });
});
```

```python
@app.post("/orders")
async def create_order(order: OrderIn):
    try:
        return await orders.create(order)
    except Exception as e:
        raise HTTPException(status_code=500, detail=str(e))
```

## Use instead
```js
app.use((err, req, res, next) => {
  req.log.error({ err }, "unhandled error");
  res.status(500).json({ error: "Internal server error", requestId: req.id });
});
```

```python
    except Exception:
        logger.exception("creating order failed")
        raise HTTPException(status_code=500, detail="Internal server error")
```

```rust
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        tracing::error!(error = ?self, "request failed");
        (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
    }
}
```

## Configuration
No options. Debug-mode settings that make the framework itself show
tracebacks are `debug-mode-enabled`'s job.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("error-details-leaked", "SCOPE-1.4")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A stack trace or internal exception message is sent back to the client.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "errors"])
        .cwe(&["CWE-209", "CWE-497"])
        .security_severity(5.3)
        .docs(DOCS)
        .invalid(
            FileKind::JavaScript,
            r#"
            const express = require("express");
            const app = express();

            app.get("/orders/:id", async (req, res) => {
              try {
                res.json(await orders.find(req.params.id));
              } catch (err) {
                res.status(500).json({ error: err.message });
              }
            });

            app.use((err, req, res, next) => {
              res.status(err.status || 500).send({ message: err.message, stack: err.stack });
            });
            "#,
            2,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const express = require("express");
            const app = express();

            app.post("/orders", async (req, res) => {
              try {
                res.status(201).json(await orders.create(req.body));
              } catch (err) {
                if (err instanceof ValidationError) {
                  return res.status(400).json({ error: err.message, details: err.errors });
                }
                req.log.error({ err }, "creating order failed");
                res.status(500).json({ error: "Internal server error", requestId: req.id });
              }
            });

            app.use((err, req, res, next) => {
              logger.error(err);
              res.status(500).json({
                error: "Internal server error",
                stack: process.env.NODE_ENV === "production" ? undefined : err.stack,
              });
            });
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import Koa from "koa";
            import Fastify from "fastify";

            const app = new Koa();
            app.use(async (ctx, next) => {
              try {
                await next();
              } catch (err: any) {
                ctx.status = err.status || 500;
                ctx.body = { message: err.message };
              }
            });

            const api = Fastify();
            api.setErrorHandler((error, request, reply) => {
              reply.code(500).send({ error: String(error) });
            });
            "#,
            2,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import Koa from "koa";
            import Fastify from "fastify";

            const app = new Koa();
            app.use(async (ctx, next) => {
              try {
                await next();
              } catch (err: any) {
                ctx.status = err.status || 500;
                ctx.body = { message: err.expose ? err.message : "Internal Server Error" };
                ctx.app.emit("error", err, ctx);
              }
            });

            const api = Fastify();
            api.setErrorHandler((error, request, reply) => {
              if (error.validation) {
                return reply.code(400).send({ error: error.message });
              }
              request.log.error(error);
              reply.code(500).send({ error: "Internal Server Error" });
            });
            "#,
        )
        .invalid(
            FileKind::Python,
            r#"
            import traceback
            from fastapi import FastAPI, HTTPException
            from fastapi.responses import JSONResponse

            app = FastAPI()

            @app.post("/orders")
            async def create_order(order: OrderIn):
                try:
                    return await orders.create(order)
                except Exception as e:
                    raise HTTPException(status_code=500, detail=str(e))

            @app.get("/reports/{report_id}")
            async def report(report_id: int):
                try:
                    return await reports.build(report_id)
                except Exception as exc:
                    return {"error": repr(exc)}

            @app.exception_handler(Exception)
            async def unhandled(request, exc):
                return JSONResponse(status_code=500, content={"detail": str(exc), "trace": traceback.format_exc()})
            "#,
            3,
        )
        .valid(
            FileKind::Python,
            r#"
            import logging
            from fastapi import FastAPI, HTTPException, Request
            from fastapi.exceptions import RequestValidationError
            from fastapi.responses import JSONResponse

            logger = logging.getLogger(__name__)
            app = FastAPI()

            @app.post("/orders")
            async def create_order(order: OrderIn):
                try:
                    return await orders.create(order)
                except OutOfStock as e:
                    raise HTTPException(status_code=409, detail=str(e))
                except Exception:
                    logger.exception("creating order failed")
                    raise HTTPException(status_code=500, detail="Internal server error")

            @app.exception_handler(RequestValidationError)
            async def invalid(request: Request, exc: RequestValidationError):
                return JSONResponse(status_code=422, content={"detail": exc.errors()})
            "#,
        )
        .invalid_at(
            FileKind::Python,
            "shop/views.py",
            r#"
            import traceback
            from django.http import HttpResponse, JsonResponse
            from flask import jsonify

            def export(request):
                try:
                    return build_export(request.user)
                except Exception:
                    return HttpResponse(traceback.format_exc(), status=500)

            def checkout(request):
                try:
                    return JsonResponse(place_order(request))
                except Exception as e:
                    return jsonify(error=str(e)), 500
            "#,
            2,
        )
        .valid_at(
            FileKind::Python,
            "shop/views.py",
            r#"
            import logging
            from django.http import JsonResponse
            from django.core.exceptions import ValidationError

            logger = logging.getLogger(__name__)

            def checkout(request):
                try:
                    return JsonResponse(place_order(request))
                except ValidationError as e:
                    return JsonResponse({"error": str(e)}, status=400)
                except Exception:
                    logger.exception("checkout failed")
                    return JsonResponse({"error": "Internal server error"}, status=500)
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use axum::{http::StatusCode, response::{IntoResponse, Response}, Json};
            use actix_web::{error, get, web, HttpResponse};

            pub enum AppError {
                NotFound,
                Database(sqlx::Error),
            }

            impl IntoResponse for AppError {
                fn into_response(self) -> Response {
                    match self {
                        AppError::NotFound => (StatusCode::NOT_FOUND, "not found").into_response(),
                        AppError::Database(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
                    }
                }
            }

            #[get("/orders/{id}")]
            async fn order(pool: web::Data<PgPool>, id: web::Path<i64>) -> HttpResponse {
                match load(&pool, *id).await {
                    Ok(order) => HttpResponse::Ok().json(order),
                    Err(err) => HttpResponse::InternalServerError().body(format!("query failed: {err:?}")),
                }
            }

            async fn count(pool: web::Data<PgPool>) -> actix_web::Result<String> {
                let n = sqlx::query_scalar::<_, i64>("select count(*) from orders")
                    .fetch_one(pool.get_ref())
                    .await
                    .map_err(error::ErrorInternalServerError)?;
                Ok(n.to_string())
            }
            "#,
            3,
        )
        .valid(
            FileKind::Rust,
            r#"
            use axum::{http::StatusCode, response::{IntoResponse, Response}, Json};
            use serde_json::json;

            pub enum AppError {
                NotFound,
                Invalid(String),
                Database(sqlx::Error),
            }

            impl IntoResponse for AppError {
                fn into_response(self) -> Response {
                    let (status, message) = match self {
                        AppError::NotFound => (StatusCode::NOT_FOUND, "not found".to_string()),
                        AppError::Invalid(reason) => (StatusCode::BAD_REQUEST, reason),
                        AppError::Database(e) => {
                            tracing::error!(error = ?e, "database error");
                            (StatusCode::INTERNAL_SERVER_ERROR, "internal error".to_string())
                        }
                    };
                    (status, Json(json!({ "error": message }))).into_response()
                }
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn messages(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("error-details-leaked", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn express_messages_name_the_sink_and_the_leak() {
        let found = messages(
            "src/app.js",
            FileKind::JavaScript,
            "app.use(function onError(err, req, res, next) {\n  res.status(500).send(err.stack);\n});\n",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with(
                "`res.status(500).send(…)` sends the stack trace `err.stack` to the client"
            ),
            "{}",
            found[0]
        );
    }

    #[test]
    fn four_hundred_answers_and_unrelated_messages_are_quiet() {
        let code = "router.post('/x', async (req, res) => {\n  try { await run(req.body) } catch (err) {\n    res.status(400).json({ error: err.message });\n  }\n  const message = 'ok';\n  res.json({ message });\n});\n";
        assert!(messages("src/routes.js", FileKind::JavaScript, code).is_empty());
    }

    #[test]
    fn catch_outside_a_handler_without_status_is_quiet() {
        let code = "async function sync() {\n  try { await pull() } catch (err) {\n    queue.send({ error: err.message });\n  }\n}\n";
        assert!(messages("src/jobs.js", FileKind::JavaScript, code).is_empty());
    }

    #[test]
    fn next_route_handler_response_json() {
        let code = "export async function GET(req: Request) {\n  try {\n    return Response.json(await load());\n  } catch (e) {\n    return Response.json({ error: `${e}` }, { status: 500 });\n  }\n}\n";
        let found = messages("app/api/orders/route.ts", FileKind::TypeScript, code);
        assert_eq!(found.len(), 1, "{found:#?}");
    }

    #[test]
    fn python_traceback_behind_debug_is_quiet() {
        let code = "import traceback\nfrom flask import jsonify\n\n@app.errorhandler(Exception)\ndef boom(e):\n    if app.debug:\n        return jsonify(trace=traceback.format_exc()), 500\n    return jsonify(error='internal'), 500\n";
        assert!(messages("app/errors.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn actix_response_error_rendering_self() {
        let code = "impl ResponseError for ApiError {\n    fn error_response(&self) -> HttpResponse {\n        HttpResponse::build(self.status_code()).json(json!({ \"error\": self.to_string() }))\n    }\n}\n";
        let found = messages("src/error.rs", FileKind::Rust, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        let with_status = "impl ResponseError for ApiError {\n    fn status_code(&self) -> StatusCode {\n        StatusCode::BAD_REQUEST\n    }\n    fn error_response(&self) -> HttpResponse {\n        HttpResponse::build(self.status_code()).json(json!({ \"error\": self.to_string() }))\n    }\n}\n";
        assert!(messages("src/error.rs", FileKind::Rust, with_status).is_empty());
    }
}
