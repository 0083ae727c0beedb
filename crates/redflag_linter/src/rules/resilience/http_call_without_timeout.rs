//! `http-call-without-timeout`: outbound HTTP calls and clients that can wait
//! forever, in Python, JavaScript/TypeScript and Rust.
//!
//! Only libraries whose default is unbounded are reported when no timeout is
//! written (`requests`, `urllib`, axios, `fetch`, `got`, `http.request`,
//! `reqwest`, `ureq`); libraries with a bounded default (`httpx`, `aiohttp`)
//! are reported only when the code turns the bound off. A call whose options
//! come from a variable or a spread (`requests.get(url, **kw)`,
//! `axios.get(url, config)`) is not judged: the timeout may be in there.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, compact, rust_in_test_code};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(HttpCallWithoutTimeout { meta: meta() })
}

struct HttpCallWithoutTimeout {
    meta: RuleMeta,
}

/// HTTP verbs that module-level helpers and session objects share.
const PY_VERBS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options", "request"];
const JS_VERBS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options", "request"];

/// Longest method chain followed from a Rust builder call.
const MAX_CHAIN: usize = 64;

/// Whether an option is present in a call's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    Present,
    Absent,
    /// Options come from a variable, `**kwargs` or a spread.
    Unknown,
}

fn report(ctx: &mut NodeContext<'_>, node: Node<'_>, call: &str, help: &str) {
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!(
                "`{call}` has no timeout: if the remote end stops answering, the call hangs forever and holds a worker and a connection while it waits"
            ),
        )
        .help(help),
    );
}

// ---------------------------------------------------------------- Python

/// The value of keyword argument `name`, `Unknown` with `**kwargs`.
fn py_keyword<'t>(file: &SourceFile, call: Node<'t>, name: &str) -> (Opt, Option<Node<'t>>) {
    let Some(args) = call.child_by_field_name("arguments") else {
        return (Opt::Absent, None);
    };
    let mut splat = false;
    let mut cursor = args.walk();
    for arg in args.named_children(&mut cursor) {
        match arg.kind() {
            "keyword_argument" if arg.child_by_field_name("name").is_some_and(|n| file.text_of(n) == name) => {
                return (Opt::Present, arg.child_by_field_name("value"));
            }
            "dictionary_splat" => splat = true,
            _ => {}
        }
    }
    (if splat { Opt::Unknown } else { Opt::Absent }, None)
}

fn py_positional_count(call: Node<'_>) -> usize {
    call.child_by_field_name("arguments").map_or(0, |args| {
        let mut cursor = args.walk();
        args.named_children(&mut cursor)
            .filter(|a| !matches!(a.kind(), "keyword_argument" | "dictionary_splat" | "comment"))
            .count()
    })
}

fn is_none(file: &SourceFile, value: Option<Node<'_>>) -> bool {
    value.is_some_and(|v| file.text_of(v) == "None")
}

/// True when a `connect(dsn?, **params)` call visibly lacks `key`: its
/// keywords are written out without it and its DSN, if any, is a literal
/// without it. A DSN held in a variable may carry it: not reported.
fn py_dsn_lacks(file: &SourceFile, call: Node<'_>, key: &str) -> bool {
    if py_keyword(file, call, key).0 != Opt::Absent {
        return false;
    }
    let first = call
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
        .filter(|a| a.kind() != "keyword_argument");
    match first {
        Some(dsn) => dsn.kind() == "string" && !file.text_of(dsn).contains(key),
        None => py_keyword(file, call, "dsn").0 == Opt::Absent && py_keyword(file, call, "host").0 == Opt::Present,
    }
}

/// What a name bound in the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PyClient {
    /// A `requests.Session()`.
    Session,
    /// A generated gRPC stub (`orders_pb2_grpc.OrdersStub(channel)`).
    GrpcStub,
}

/// Names bound to a `requests.Session()` or a gRPC stub in the file
/// (`s = requests.Session()`, `self.http = Session()`, `with
/// requests.Session() as s`, `self.stub = OrdersStub(channel)`), read once
/// per file: every `x.get(...)` in the file asks.
fn py_client_names(file: &SourceFile) -> Vec<(String, PyClient)> {
    let imports = file.imports();
    let client = |constructor: &str| {
        let constructor = constructor.trim();
        let resolved = imports.resolve(constructor);
        if matches!(
            resolved.as_str(),
            "requests.Session" | "requests.session" | "requests.sessions.Session"
        ) {
            return Some(PyClient::Session);
        }
        let last = constructor.rsplit('.').next().unwrap_or(constructor);
        let generated = resolved.contains("_pb2_grpc") || constructor.contains("_pb2_grpc");
        (last.ends_with("Stub") && last.len() > 4 && generated).then_some(PyClient::GrpcStub)
    };
    let mut names = Vec::new();
    for line in file.text.lines().filter(|l| l.contains("ession(") || l.contains("Stub(")) {
        let line = line.trim();
        let with = line.strip_prefix("async ").unwrap_or(line).strip_prefix("with ");
        if let Some(rest) = with {
            // `with requests.Session() as s:` (one item).
            if let (Some(open), Some((_, name))) = (rest.find('('), rest.rsplit_once(" as ")) {
                if let Some(kind) = client(&rest[..open]) {
                    names.push((name.trim_end_matches(':').trim().to_string(), kind));
                }
            }
        } else if let Some((lhs, value)) = line.split_once('=') {
            let lhs = lhs.trim().split(':').next().unwrap_or("").trim();
            let value = value.trim_start();
            if let Some(open) = value.find('(') {
                if let Some(kind) = client(&value[..open]).filter(|_| !lhs.is_empty() && !value.starts_with('=')) {
                    names.push((lhs.to_string(), kind));
                }
            }
        }
    }
    names
}

/// A file's identity (path, text address, length) and its client names.
type SessionCache = Option<(String, usize, usize, Vec<(String, PyClient)>)>;

thread_local! {
    /// The session names of the file being checked on this thread, keyed by
    /// path, text address and length.
    static SESSIONS: std::cell::RefCell<SessionCache> = const { std::cell::RefCell::new(None) };
}

fn py_client(file: &SourceFile, receiver: &str) -> Option<PyClient> {
    SESSIONS.with(|cell| {
        let mut cache = cell.borrow_mut();
        let fresh = cache
            .as_ref()
            .is_some_and(|(path, at, len, _)| *path == file.path && *at == file.text.as_ptr() as usize && *len == file.text.len());
        if !fresh {
            *cache = Some((
                file.path.clone(),
                file.text.as_ptr() as usize,
                file.text.len(),
                py_client_names(file),
            ));
        }
        cache
            .as_ref()
            .and_then(|(_, _, _, names)| names.iter().find(|(n, _)| n == receiver).map(|(_, kind)| *kind))
    })
}

fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(callee) = callee_path(file, Language::Python, node) else {
        return;
    };
    let imports = file.imports();
    // Library calls count only through an import: a local object that
    // happens to be called `requests` is not the library.
    let head = callee.split('.').next().unwrap_or(&callee);
    let resolved = if imports.binding(head).is_some() {
        imports.resolve(&callee)
    } else {
        String::new()
    };
    let (module, function) = resolved.rsplit_once('.').unwrap_or(("", resolved.as_str()));
    let requests_help = "pass `timeout=` on every call, e.g. `requests.get(url, timeout=(3.05, 10))` (connect, read seconds); with a `Session`, pass it on each call or use a small `HTTPAdapter` subclass that sets a default";
    match (module, function) {
        ("requests" | "requests.api", verb) if PY_VERBS.contains(&verb) => {
            if py_keyword(file, node, "timeout").0 == Opt::Absent {
                report(ctx, node, &resolved, requests_help);
            }
        }
        ("urllib.request", "urlopen") => {
            if py_keyword(file, node, "timeout").0 == Opt::Absent && py_positional_count(node) < 3 {
                report(
                    ctx,
                    node,
                    "urllib.request.urlopen",
                    "pass `timeout=`: `urllib.request.urlopen(url, timeout=10)`",
                );
            }
        }
        ("httpx", "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "request" | "stream" | "Client" | "AsyncClient") => {
            let (opt, value) = py_keyword(file, node, "timeout");
            if opt == Opt::Present && is_none(file, value) {
                report(
                    ctx,
                    node,
                    &resolved,
                    "drop `timeout=None` (httpx defaults to 5 seconds) or set a bound: `httpx.Client(timeout=10.0)` or `httpx.Timeout(10.0, connect=3.0)`",
                );
            }
        }
        ("httpx", "Timeout") => {
            let first = node
                .child_by_field_name("arguments")
                .and_then(|a| a.named_child(0))
                .filter(|a| a.kind() != "keyword_argument");
            let all_none = is_none(file, first)
                || (first.is_none() && is_none(file, py_keyword(file, node, "timeout").1));
            let other_bound = ["connect", "read", "write", "pool"]
                .iter()
                .any(|k| matches!(py_keyword(file, node, k), (Opt::Present, v) if !is_none(file, v)));
            if all_none && !other_bound {
                report(ctx, node, "httpx.Timeout(None)", "give the timeout a bound: `httpx.Timeout(10.0, connect=3.0)`");
            }
        }
        ("aiohttp" | "aiohttp.client", "ClientTimeout") => {
            let (total, value) = py_keyword(file, node, "total");
            let other_bound = ["connect", "sock_read", "sock_connect"]
                .iter()
                .any(|k| matches!(py_keyword(file, node, k), (Opt::Present, v) if !is_none(file, v)));
            if total == Opt::Present && is_none(file, value) && !other_bound {
                report(
                    ctx,
                    node,
                    "aiohttp.ClientTimeout(total=None)",
                    "set a bound: `aiohttp.ClientTimeout(total=30, sock_connect=5)`, or leave `timeout` out of `ClientSession` (its default is 5 minutes total)",
                );
            }
        }
        ("aiohttp" | "aiohttp.client", "ClientSession") => {
            let (opt, value) = py_keyword(file, node, "timeout");
            if opt == Opt::Present && is_none(file, value) {
                report(
                    ctx,
                    node,
                    "aiohttp.ClientSession(timeout=None)",
                    "pass a bound: `aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))`",
                );
            }
        }
        ("smtplib", "SMTP" | "SMTP_SSL" | "LMTP") => {
            // `SMTP(host, port, local_hostname, timeout)`: the socket default
            // is no timeout at all.
            if py_keyword(file, node, "timeout").0 == Opt::Absent && py_positional_count(node) < 4 {
                report(
                    ctx,
                    node,
                    &resolved,
                    "pass `timeout=` (seconds): `smtplib.SMTP(host, 587, timeout=10)`; better, hand mail to a queue worker",
                );
            }
        }
        ("psycopg2" | "psycopg", "connect") => {
            if py_dsn_lacks(file, node, "connect_timeout") {
                report(
                    ctx,
                    node,
                    &resolved,
                    "set `connect_timeout=` (seconds) in the keyword arguments or the DSN (`...?connect_timeout=5`); libpq waits indefinitely by default",
                );
            }
        }
        ("redis" | "redis.client" | "redis.asyncio" | "redis.asyncio.client", "Redis" | "StrictRedis" | "from_url")
        | ("redis.Redis" | "redis.asyncio.Redis" | "redis.StrictRedis", "from_url") => {
            let in_url = node
                .child_by_field_name("arguments")
                .and_then(|a| a.named_child(0))
                .is_some_and(|url| file.text_of(url).contains("socket_timeout"));
            if py_keyword(file, node, "socket_timeout").0 == Opt::Absent && !in_url {
                report(
                    ctx,
                    node,
                    &resolved,
                    "pass `socket_timeout=` and `socket_connect_timeout=` (seconds): redis-py waits forever on a stalled server by default",
                );
            }
        }
        _ => {
            // Methods on a `requests.Session` or a gRPC stub bound in this file.
            let Some((receiver, verb)) = callee.rsplit_once('.') else {
                return;
            };
            if receiver.starts_with("requests") || py_keyword(file, node, "timeout").0 != Opt::Absent {
                return;
            }
            match py_client(file, receiver) {
                Some(PyClient::Session) if PY_VERBS.contains(&verb) => {
                    report(ctx, node, &format!("{receiver}.{verb}"), requests_help);
                }
                // Generated stub methods are the RPC names, in CamelCase.
                Some(PyClient::GrpcStub) if verb.starts_with(|c: char| c.is_ascii_uppercase()) => {
                    report(
                        ctx,
                        node,
                        &format!("{receiver}.{verb}"),
                        "pass a deadline on every call: `stub.GetOrder(request, timeout=5)`; gRPC calls have no deadline by default",
                    );
                }
                _ => {}
            }
        }
    }
}

// ---------------------------------------------------------------- JS / TS

/// Whether an object literal sets one of `keys`; `Unknown` for spreads.
fn js_object_has(file: &SourceFile, object: Node<'_>, keys: &[&str]) -> Opt {
    let mut spread = false;
    let mut cursor = object.walk();
    for member in object.named_children(&mut cursor) {
        let key = match member.kind() {
            "pair" => member.child_by_field_name("key").map(|k| file.text_of(k)),
            "shorthand_property_identifier" | "method_definition" => Some(file.text_of(member)),
            "spread_element" => {
                spread = true;
                None
            }
            _ => None,
        };
        if key.is_some_and(|k| keys.contains(&k.trim_matches(['"', '\'', '`']))) {
            return Opt::Present;
        }
    }
    if spread {
        Opt::Unknown
    } else {
        Opt::Absent
    }
}

/// The options argument at `index`: `Absent` when missing, judged when an
/// object literal, `Unknown` otherwise.
fn js_option(file: &SourceFile, call: Node<'_>, index: usize, keys: &[&str]) -> Opt {
    let Some(args) = call.child_by_field_name("arguments") else {
        return Opt::Unknown;
    };
    let mut cursor = args.walk();
    let list: Vec<Node<'_>> = args
        .named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .collect();
    if list.iter().any(|a| a.kind() == "spread_element") {
        return Opt::Unknown;
    }
    match list.get(index) {
        None => Opt::Absent,
        Some(arg) if arg.kind() == "object" => js_object_has(file, *arg, keys),
        Some(_) => Opt::Unknown,
    }
}

/// Server frameworks and runtimes whose import marks a file as server code.
const SERVER_MODULES: &[&str] = &[
    "express", "fastify", "koa", "@koa/router", "koa-router", "@hapi/hapi", "hapi", "hono", "restify",
    "next/server", "@nestjs/common", "@nestjs/core", "http", "https", "fs", "child_process", "node-fetch",
    "undici", "@aws-sdk", "aws-lambda", "bullmq", "pg", "mongoose", "@prisma/client",
];

/// Directory names of server code.
const SERVER_DIRS: &[&str] = &["server", "api", "routes", "handlers", "services", "controllers", "workers", "lambda", "functions", "jobs"];

/// `fetch` is reported only in code that runs on a server: a browser call
/// that hangs blocks one tab, not a worker.
fn js_is_server_file(file: &SourceFile) -> bool {
    let path = file.path.as_str();
    if matches!(file.kind, FileKind::Tsx) || path.ends_with(".jsx") {
        return false;
    }
    let parts: Vec<&str> = path.split('/').collect();
    let dirs = &parts[..parts.len().saturating_sub(1)];
    let text = file.text.as_str();
    // Next.js App Router handlers (`app/**/route.ts`) and server actions
    // (`"use server"`) run on the server, under `app/` like the pages.
    let stem = parts.last().and_then(|name| name.split('.').next()).unwrap_or("");
    let next_route = stem == "route" && dirs.contains(&"app");
    let server_action = text.trim_start().starts_with("\"use server\"") || text.trim_start().starts_with("'use server'");
    if next_route || server_action {
        return true;
    }
    if dirs.iter().any(|d| matches!(*d, "components" | "public" | "static" | "client" | "frontend" | "app" | "hooks")) {
        return false;
    }
    let next_page = dirs.windows(2).any(|w| w[0] == "pages" && w[1] != "api")
        || (dirs.last() == Some(&"pages"));
    if next_page {
        return false;
    }
    if text.contains("window.") || text.contains("document.") || text.contains("\"use client\"") || text.contains("'use client'") {
        return false;
    }
    let imports = file.imports();
    imports
        .modules()
        .iter()
        .any(|m| SERVER_MODULES.iter().any(|s| m == s || m.starts_with(&format!("{s}/"))))
        || dirs.iter().any(|d| SERVER_DIRS.contains(d))
}

/// `new Pool({...})` / `new Client({...})` of node-postgres without
/// `connectionTimeoutMillis`: its default, 0, waits forever for a
/// connection (and for a free slot when the pool is exhausted).
fn check_js_new(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(constructor) = node.child_by_field_name("constructor") else {
        return;
    };
    let written = compact(file.text_of(constructor));
    let resolved = file.imports().resolve(&written);
    if !matches!(resolved.as_str(), "pg.Pool" | "pg.Client" | "pg.default.Pool" | "pg.default.Client") {
        return;
    }
    let options = node.child_by_field_name("arguments").and_then(|a| a.named_child(0));
    let missing = match options {
        None => true,
        Some(object) if object.kind() == "object" => {
            js_object_has(file, object, &["connectionTimeoutMillis"]) == Opt::Absent
        }
        Some(_) => false,
    };
    if missing {
        report(
            ctx,
            node,
            &format!("new {written}"),
            "set `connectionTimeoutMillis` (and `query_timeout` or a `statement_timeout`): `new Pool({ connectionString, connectionTimeoutMillis: 5000, query_timeout: 10000 })`",
        );
    }
}

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>, language: Language) {
    if node.kind() == "new_expression" {
        check_js_new(node, ctx);
        return;
    }
    let file = ctx.file;
    let Some(callee) = callee_path(file, language, node) else {
        return;
    };
    let imports = file.imports();
    let head = callee.split('.').next().unwrap_or(&callee);
    let resolved = if imports.binding(head).is_some() {
        imports.resolve(&callee)
    } else {
        callee.clone()
    };
    let imported = imports.binding(head).is_some();
    let (module, function) = match resolved.split_once('.') {
        Some((m, f)) => (m, f),
        None => (resolved.as_str(), ""),
    };
    let text = file.text.as_str();
    if !imported && callee != "fetch" {
        return;
    }
    match (module, function) {
        ("axios", "" | "default") => {
            if !text.contains("defaults.timeout") && options_missing(file, node, &["timeout"]) {
                report(ctx, node, "axios", AXIOS_HELP);
            }
        }
        ("axios", "create") => {
            if js_option(file, node, 0, &["timeout"]) == Opt::Absent {
                report(
                    ctx,
                    node,
                    "axios.create",
                    "set `timeout` on the instance: `axios.create({ baseURL, timeout: 5000 })`",
                );
            }
        }
        ("axios", verb) if JS_VERBS.contains(&verb) => {
            if text.contains("defaults.timeout") {
                return;
            }
            let index = if matches!(verb, "post" | "put" | "patch") { 2 } else { 1 };
            let index = if verb == "request" { 0 } else { index };
            if js_option(file, node, index, &["timeout"]) == Opt::Absent {
                report(ctx, node, &format!("axios.{verb}"), AXIOS_HELP);
            }
        }
        ("got", "") | ("got", "get" | "post" | "put" | "patch" | "delete" | "head") => {
            let missing = options_missing(file, node, &["timeout"]);
            if missing {
                report(
                    ctx,
                    node,
                    &resolved,
                    "pass `timeout`: `got(url, { timeout: { request: 10000 } })`, or create one instance with `got.extend({ timeout: { request: 10000 } })`",
                );
            }
        }
        ("undici", "request" | "fetch") if function == "request" => {
            if js_option(file, node, 1, &["headersTimeout", "bodyTimeout", "signal"]) == Opt::Absent {
                report(
                    ctx,
                    node,
                    "undici.request",
                    "pass `headersTimeout` and `bodyTimeout` (milliseconds) or `signal: AbortSignal.timeout(5000)`; undici's defaults wait five minutes",
                );
            }
        }
        ("http" | "https", "request" | "get") => {
            if text.contains(".setTimeout(") {
                return;
            }
            // `http.get(url, options?, callback?)` or `http.get(options, callback?)`;
            // a callback in second place is not an options object.
            let keys = &["timeout", "signal"];
            let second_is_callback = node
                .child_by_field_name("arguments")
                .and_then(|a| a.named_child(1))
                .is_some_and(|a| matches!(a.kind(), "arrow_function" | "function_expression" | "function"));
            let missing = if second_is_callback && js_first_is_url(node) {
                true
            } else {
                options_missing(file, node, keys)
            };
            if missing {
                report(
                    ctx,
                    node,
                    &format!("{module}.{function}"),
                    "pass `timeout` in the options (`https.request(url, { timeout: 5000 }, cb)`) and destroy the request on its `timeout` event, or call `req.setTimeout(5000, () => req.destroy())`",
                );
            }
        }
        _ => {
            let is_fetch = (callee == "fetch" && imports.binding("fetch").is_none())
                || resolved == "node-fetch"
                || resolved == "node-fetch.default"
                || resolved == "undici.fetch";
            if is_fetch && js_is_server_file(file) && js_option(file, node, 1, &["signal"]) == Opt::Absent {
                report(
                    ctx,
                    node,
                    "fetch",
                    "pass an abort signal: `fetch(url, { signal: AbortSignal.timeout(5000) })`",
                );
            }
        }
    }
}

const AXIOS_HELP: &str = "pass `timeout` (milliseconds) on the call, create the client once with `axios.create({ baseURL, timeout: 5000 })`, or set `axios.defaults.timeout`";

/// `call(url, options?)` or `call(options)`: true when the options are
/// written out and lack every one of `keys`.
fn options_missing(file: &SourceFile, call: Node<'_>, keys: &[&str]) -> bool {
    if js_first_is_url(call) {
        js_option(file, call, 1, keys) == Opt::Absent
    } else {
        js_option(file, call, 0, keys) == Opt::Absent
    }
}

/// True when the first argument looks like a URL (a string, template or
/// name), not an options object.
fn js_first_is_url(call: Node<'_>) -> bool {
    call.child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
        .is_some_and(|a| a.kind() != "object")
}

// ---------------------------------------------------------------- Rust

/// Methods called on the result of `node`, outward, while the chain lasts:
/// `Client::builder().timeout(..).build()` → `["timeout", "build"]`.
fn rust_chain<'t>(file: &'t SourceFile, node: Node<'_>, ancestors: &[Node<'_>]) -> Vec<&'t str> {
    let mut methods = Vec::new();
    let mut current = node;
    let mut stack = ancestors.iter().rev();
    for _ in 0..MAX_CHAIN {
        let Some(mut field) = stack.next() else { break };
        // `Endpoint::from_shared(url)?.timeout(..)`, `connect().await?`.
        while matches!(field.kind(), "try_expression" | "await_expression") {
            current = *field;
            let Some(next) = stack.next() else { break };
            field = next;
        }
        if field.kind() != "field_expression" || field.child_by_field_name("value") != Some(current) {
            break;
        }
        let Some(name) = field.child_by_field_name("field") else { break };
        let Some(call) = stack.next() else { break };
        if call.kind() != "call_expression" {
            break;
        }
        methods.push(file.text_of(name));
        current = *call;
    }
    methods
}

fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(callee) = callee_path(file, Language::Rust, node) else {
        return;
    };
    if !(callee.contains("reqwest") || callee.contains("ureq") || callee.contains("Client") || callee.contains("Agent") || callee.starts_with("get") || callee.contains("::"))
    {
        return;
    }
    let tonic_help = "build the channel from an `Endpoint` with `.timeout(Duration::from_secs(10))` and `.connect_timeout(Duration::from_secs(3))`, then `MyClient::new(channel)`; tonic sets no deadline by default";
    let hyper_help = "hyper has no request timeout: wrap calls in `tokio::time::timeout(..)` or the service in a tower `TimeoutLayer`, or use reqwest with `.timeout(..)`";
    let resolved = file.imports().resolve(&callee);
    if rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    let reqwest_help = "build one client with a timeout and share it: `reqwest::Client::builder().timeout(Duration::from_secs(10)).connect_timeout(Duration::from_secs(3)).build()?`; per request, `.timeout(..)` on the `RequestBuilder` also works";
    let ureq_help = "configure the agent with a timeout: ureq 2 `ureq::AgentBuilder::new().timeout(Duration::from_secs(10)).build()`, ureq 3 `Agent::config_builder().timeout_global(Some(Duration::from_secs(10))).build().into()`";
    let chain = || rust_chain(file, node, ctx.ancestors);
    let has_timeout = |methods: &[&str]| methods.iter().any(|m| m.starts_with("timeout") || *m == "read_timeout");
    match resolved.as_str() {
        // The default client behind `reqwest::get` has no timeout and none
        // can be set on the returned future.
        "reqwest::get" => report(ctx, node, "reqwest::get", reqwest_help),
        "reqwest::Client::new" => report(ctx, node, "reqwest::Client::new", reqwest_help),
        "reqwest::Client::builder" | "reqwest::ClientBuilder::new" => {
            let methods = chain();
            if methods.contains(&"build") && !has_timeout(&methods) {
                report(ctx, node, "reqwest::Client::builder()...build()", reqwest_help);
            }
        }
        "ureq::get" | "ureq::post" | "ureq::put" | "ureq::patch" | "ureq::delete" | "ureq::head" | "ureq::request" => {
            let methods = chain();
            if !has_timeout(&methods) && !methods.contains(&"config") {
                report(ctx, node, &resolved, ureq_help);
            }
        }
        "ureq::agent" | "ureq::Agent::new_with_defaults" => report(ctx, node, &resolved, ureq_help),
        "tonic::transport::Channel::from_static"
        | "tonic::transport::Channel::from_shared"
        | "tonic::transport::Channel::builder"
        | "tonic::transport::Endpoint::from_static"
        | "tonic::transport::Endpoint::from_shared"
        | "tonic::transport::Endpoint::new"
        | "tonic::transport::Endpoint::try_from" => {
            let methods = chain();
            let connects = methods.iter().any(|m| m.starts_with("connect") && *m != "connect_timeout");
            if connects && !has_timeout(&methods) {
                report(ctx, node, &format!("{resolved}(..).connect()"), tonic_help);
            }
        }
        "hyper::Client::new"
        | "hyper::Client::builder"
        | "hyper::client::Client::new"
        | "hyper::client::Client::builder"
        | "hyper_util::client::legacy::Client::builder" => {
            let text = file.text.as_str();
            let bounded = text.contains("TimeoutLayer") || text.contains("time::timeout(") || text.contains("timeout::Timeout");
            if !bounded && (resolved.ends_with("::new") || chain().iter().any(|m| m.starts_with("build"))) {
                report(ctx, node, &resolved, hyper_help);
            }
        }
        // A generated tonic client's `connect` builds an endpoint with
        // the defaults: no timeout can be set on it.
        connect if connect.ends_with("Client::connect") && file.text.contains("tonic") => {
            report(ctx, node, connect, tonic_help);
        }
        "ureq::AgentBuilder::new" | "ureq::Agent::config_builder" | "ureq::config::Config::builder" => {
            let methods = chain();
            if methods.contains(&"build") && !has_timeout(&methods) {
                report(ctx, node, &format!("{resolved}()...build()"), ureq_help);
            }
        }
        _ => {}
    }
}

impl Rule for HttpCallWithoutTimeout {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests and examples call out without timeouts on purpose (mocked
    /// servers, one-off scripts).
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let candidates: &[&str] = match language {
            Language::Python => &["requests", "urlopen", "httpx", "aiohttp", "Session", "smtplib", "psycopg", "redis", "_pb2_grpc"],
            Language::Rust => &["reqwest", "ureq", "tonic", "hyper"],
            _ => &["axios", "fetch", "got", "undici", "http", "'pg'", "\"pg\""],
        };
        Some(vec![candidates.iter().map(|c| (*c).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        match language {
            Language::Python => vec!["call".to_string()],
            Language::Rust => vec!["call_expression".to_string()],
            _ => vec!["call_expression".to_string(), "new_expression".to_string()],
        }
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        match ctx.language() {
            Language::Python => check_python(node, ctx),
            Language::Rust => check_rust(node, ctx),
            language => check_js(node, ctx, language),
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds outbound HTTP calls and clients without a timeout. Python: `requests`
module functions and methods of a `requests.Session()` bound in the file
without `timeout=`; `urllib.request.urlopen` without a timeout; `httpx` calls,
clients and `httpx.Timeout` that set the timeout to `None`;
`aiohttp.ClientTimeout(total=None)` and `ClientSession(timeout=None)`.
JavaScript/TypeScript: `axios(...)` and `axios.get/post/...` without a
`timeout` when the file sets no `axios.defaults.timeout`, `axios.create`
without `timeout`; `fetch` / `node-fetch` without a `signal` in server code;
`got` without `timeout`; `undici.request` without `headersTimeout` /
`bodyTimeout`; `http(s).request/get` without a `timeout` option or a
`.setTimeout(...)`. Rust: `reqwest::get`, `reqwest::Client::new()` and a
`Client::builder()...build()` chain without `.timeout(..)`; `ureq::get/post/...`,
`ureq::agent()` and agent builders without a timeout. Imports are followed.

Other network clients whose library default is to wait forever, where a
timeout option exists: Python `smtplib.SMTP`/`SMTP_SSL` without `timeout`,
`psycopg2`/`psycopg` `connect` with written-out parameters or a literal DSN
and no `connect_timeout`, `redis.Redis`/`from_url` without `socket_timeout`,
calls on a generated gRPC stub (`orders_pb2_grpc.OrdersStub(channel)`)
without `timeout=`; node-postgres `new Pool`/`new Client` without
`connectionTimeoutMillis`; Rust tonic channels connected from an `Endpoint`
without `.timeout(..)`, generated `XClient::connect(..)` (which cannot take
one), and `hyper` clients in a file with no `tokio::time::timeout` or tower
`TimeoutLayer`.

## Why it matters
Checklist SCOPE-3.3 (outbound calls are bounded) and red flag RF-4 (no
timeouts on external calls). A call without a timeout waits as long as the
remote end keeps the connection open: when a dependency stalls, every request
that reaches it parks a worker, a thread or a pooled connection, and the
service runs out of them and fails along with its dependency.

## Example
```python
import requests

def fetch_rates():
    return requests.get("https://rates.example.com/latest").json()
```

## Use instead
```python
import requests

def fetch_rates():
    return requests.get("https://rates.example.com/latest", timeout=(3.05, 10)).json()
```
`httpx.Client(timeout=10)`, `axios.create({ timeout: 5000 })`,
`fetch(url, { signal: AbortSignal.timeout(5000) })`,
`reqwest::Client::builder().timeout(Duration::from_secs(10)).build()`.
Clients are judged where they are built, so a client built once with a
timeout and reused is never reported at its call sites.

## Configuration
Select or ignore it by name, `SCOPE-3.3` or `RF-4`. Tests, fixtures and
examples are not checked. Not seen: options passed through a variable or
spread (`requests.get(url, **kwargs)`, `axios.get(url, config)`), a
`requests.Session` timeout set through a custom `HTTPAdapter`, axios
instances configured by interceptors, `fetch` in front-end files (`.tsx`,
`.jsx`, `components/`, Next.js `pages/` and `app/` pages, files that use
`window`/`document`; Next.js `app/**/route.ts` handlers and `"use server"`
actions are server code and are checked),
calls inside Rust macros, gRPC calls in JavaScript (`deadline` options),
a DSN held in a variable (it may carry `connect_timeout`), `PGCONNECT_TIMEOUT`
set in the environment, and clients whose defaults are bounded (nodemailer,
ioredis connects, lettre, sqlx pools, `reqwest::blocking`).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("http-call-without-timeout", "SCOPE-3.3")
        .red_flag("RF-4")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("An outbound HTTP call or network client (gRPC, SMTP, Postgres, Redis) has no timeout and can hang forever, holding a worker and a connection.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import requests
            from urllib.request import urlopen

            http = requests.Session()
            http.headers["Authorization"] = f"Bearer {TOKEN}"

            def charge(order):
                resp = requests.post(f"{PAYMENTS}/charges", json={"amount": order.total})
                resp.raise_for_status()
                return resp.json()

            def refund(charge_id):
                return http.post(f"{PAYMENTS}/refunds", json={"charge": charge_id})

            def load_feed():
                with urlopen("https://feeds.example.com/rss") as body:
                    return body.read()
            "#,
            3,
        )
        .invalid(
            FileKind::Python,
            r#"
            import aiohttp
            import httpx

            client = httpx.AsyncClient(base_url=SEARCH_URL, timeout=None)
            NO_LIMIT = aiohttp.ClientTimeout(total=None)

            async def geocode(address):
                async with aiohttp.ClientSession(timeout=NO_LIMIT) as session:
                    async with session.get(GEO_URL, params={"q": address}) as resp:
                        return await resp.json()
            "#,
            2,
        )
        .valid(
            FileKind::Python,
            r#"
            import aiohttp
            import httpx
            import requests
            from urllib.request import urlopen

            http = requests.Session()

            def charge(order):
                resp = requests.post(f"{PAYMENTS}/charges", json={"amount": order.total}, timeout=10)
                return resp.json()

            def refund(charge_id):
                return http.post(f"{PAYMENTS}/refunds", json={"charge": charge_id}, timeout=(3, 10))

            def forward(method, url, **kwargs):
                return requests.request(method, url, **kwargs)

            search = httpx.Client(base_url=SEARCH_URL, timeout=10)
            default_bounded = httpx.Client(base_url=SEARCH_URL)
            feed = urlopen("https://feeds.example.com/rss", timeout=5)

            async def geocode(address):
                timeout = aiohttp.ClientTimeout(total=30, sock_connect=5)
                async with aiohttp.ClientSession(timeout=timeout) as session:
                    async with session.get(GEO_URL, params={"q": address}) as resp:
                        return await resp.json()

            cache = {}
            value = cache.get("key")
            "#,
        )
        .valid_at(
            FileKind::Python,
            "tests/test_payments.py",
            r#"
            import requests

            def test_health():
                assert requests.get("http://localhost:8000/health").ok
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import axios from "axios";
            import got from "got";

            const billing = axios.create({ baseURL: process.env.BILLING_URL });
            const app = express();

            app.get("/invoices/:id", async (req, res) => {
              const { data } = await axios.get(`${process.env.INVOICE_URL}/invoices/${req.params.id}`);
              const pdf = await fetch(`${process.env.PDF_URL}/render`, { method: "POST", body: JSON.stringify(data) });
              const fx = await got(`${process.env.FX_URL}/rates`).json();
              res.json({ data, fx, pdf: pdf.status });
            });
            "#,
            4,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const https = require("https");

            function ping(url, done) {
              https.get(url, (res) => done(res.statusCode));
            }
            module.exports = { ping };
            "#,
            1,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import axios from "axios";
            import got from "got";

            const billing = axios.create({ baseURL: process.env.BILLING_URL, timeout: 5000 });
            const app = express();

            app.get("/invoices/:id", async (req, res) => {
              const { data } = await billing.get(`/invoices/${req.params.id}`);
              const other = await axios.get(`${process.env.INVOICE_URL}/x`, { timeout: 3000 });
              const pdf = await fetch(`${process.env.PDF_URL}/render`, {
                method: "POST",
                body: JSON.stringify(data),
                signal: AbortSignal.timeout(5000),
              });
              const fx = await got(`${process.env.FX_URL}/rates`, { timeout: { request: 10000 } }).json();
              res.json({ data, other, fx, pdf: pdf.status });
            });
            "#,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const axios = require("axios");
            axios.defaults.timeout = 5000;

            async function loadUser(id) {
              const { data } = await axios.get(`${process.env.USERS_URL}/users/${id}`);
              return data;
            }
            module.exports = { loadUser };
            "#,
        )
        .valid_at(
            FileKind::Tsx,
            "src/components/Profile.tsx",
            r#"
            export function Profile({ id }: { id: string }) {
              const load = async () => (await fetch(`/api/users/${id}`)).json();
              return <button onClick={load}>Load</button>;
            }
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use reqwest::Client;

            pub async fn fetch_rates() -> reqwest::Result<String> {
                reqwest::get("https://rates.example.com/latest").await?.text().await
            }

            pub fn http_client() -> Client {
                Client::builder().user_agent("billing/1.0").build().expect("client")
            }

            pub fn fallback() -> Client {
                Client::new()
            }

            pub fn status(url: &str) -> u16 {
                ureq::get(url).call().map(|r| r.status()).unwrap_or(0)
            }
            "#,
            4,
        )
        .valid(
            FileKind::Rust,
            r#"
            use std::time::Duration;
            use reqwest::Client;

            pub struct Rates {
                http: Client,
            }

            impl Rates {
                pub fn new() -> reqwest::Result<Self> {
                    let http = Client::builder()
                        .timeout(Duration::from_secs(10))
                        .connect_timeout(Duration::from_secs(3))
                        .build()?;
                    Ok(Self { http })
                }

                pub async fn latest(&self) -> reqwest::Result<String> {
                    self.http.get("https://rates.example.com/latest").send().await?.text().await
                }
            }

            pub fn agent() -> ureq::Agent {
                ureq::AgentBuilder::new().timeout(Duration::from_secs(10)).build()
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn findings(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("http-call-without-timeout", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn python_session_in_with_block_and_urllib_module_path() {
        let found = findings(
            "app/sync.py",
            FileKind::Python,
            r#"
            import urllib.request
            import requests as rq

            def pull():
                with rq.Session() as s:
                    s.get(URL)
                    s.get(URL, timeout=5)
                return urllib.request.urlopen(URL, None, 10)

            def push():
                return urllib.request.urlopen(URL)
            "#,
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("`s.get` has no timeout"));
        assert!(found[1].starts_with("`urllib.request.urlopen`"));
    }

    #[test]
    fn an_unimported_name_is_not_the_library() {
        let found = findings(
            "app/queue.py",
            FileKind::Python,
            "def f(requests):\n    return requests.get('id')\n",
        );
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn fetch_in_a_browser_file_is_not_reported() {
        let code = "export async function load(id) {\n  const r = await fetch(`/api/${id}`);\n  document.title = id;\n  return r.json();\n}\n";
        assert!(findings("src/server/load.js", FileKind::JavaScript, code).is_empty());
        let server = "import express from 'express';\nexport const load = (id) => fetch(`${API}/${id}`);\n";
        assert_eq!(findings("src/load.js", FileKind::JavaScript, server).len(), 1);
        // Next.js App Router route handlers and server actions run on the server.
        let route = "export async function GET() {\n  const r = await fetch(`${process.env.RATES_URL}/latest`);\n  return Response.json(await r.json());\n}\n";
        assert_eq!(findings("app/api/rates/route.ts", FileKind::TypeScript, route).len(), 1);
        let action = "\"use server\";\nexport async function subscribe(email: string) {\n  await fetch(`${process.env.CRM_URL}/subscribers`, { method: 'POST', body: email });\n}\n";
        assert_eq!(findings("app/newsletter/actions.ts", FileKind::TypeScript, action).len(), 1);
        let page = "export default async function Page() {\n  const r = await fetch('/api/rates');\n  return null;\n}\n";
        assert!(findings("app/rates/page.ts", FileKind::TypeScript, page).is_empty());
    }

    #[test]
    fn rust_builder_with_timeout_further_down_the_chain_and_per_request_timeout() {
        let found = findings(
            "src/client.rs",
            FileKind::Rust,
            r#"
            use std::time::Duration;
            fn a() -> reqwest::Client {
                reqwest::Client::builder().pool_max_idle_per_host(4).timeout(Duration::from_secs(5)).build().unwrap()
            }
            fn b(url: &str) -> Result<ureq::Response, ureq::Error> {
                ureq::get(url).timeout(Duration::from_secs(5)).call()
            }
            fn c() -> reqwest::blocking::Client {
                reqwest::blocking::Client::new()
            }
            "#,
        );
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn python_smtp_postgres_redis_and_grpc_clients() {
        let found = findings(
            "app/clients.py",
            FileKind::Python,
            r#"
            import smtplib
            import psycopg2
            import redis
            from orders.v1 import orders_pb2_grpc

            def send(msg):
                with smtplib.SMTP(SMTP_HOST, 587) as smtp:
                    smtp.send_message(msg)

            def connect():
                return psycopg2.connect(host=DB_HOST, dbname="orders", user="app")

            cache = redis.Redis(host=REDIS_HOST, port=6379)

            class Orders:
                def __init__(self, channel):
                    self.stub = orders_pb2_grpc.OrdersStub(channel)

                def get(self, order_id):
                    return self.stub.GetOrder(GetOrderRequest(id=order_id))
            "#,
        );
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].starts_with("`smtplib.SMTP`"));
        assert!(found[1].starts_with("`psycopg2.connect`"));
        assert!(found[2].starts_with("`redis.Redis`"));
        assert!(found[3].starts_with("`self.stub.GetOrder`"));

        let bounded = findings(
            "app/clients.py",
            FileKind::Python,
            r#"
            import os
            import smtplib
            import psycopg2
            import redis
            from orders.v1 import orders_pb2_grpc

            def send(msg):
                with smtplib.SMTP(SMTP_HOST, 587, timeout=10) as smtp:
                    smtp.send_message(msg)

            def connect():
                return psycopg2.connect(host=DB_HOST, dbname="orders", connect_timeout=5)

            def from_env():
                return psycopg2.connect(os.environ["DATABASE_URL"])

            cache = redis.Redis(host=REDIS_HOST, socket_timeout=2, socket_connect_timeout=2)

            class Orders:
                def __init__(self, channel):
                    self.stub = orders_pb2_grpc.OrdersStub(channel)

                def get(self, order_id):
                    return self.stub.GetOrder(GetOrderRequest(id=order_id), timeout=5)
            "#,
        );
        assert!(bounded.is_empty(), "{bounded:#?}");
    }

    #[test]
    fn node_postgres_pool_without_connection_timeout() {
        let found = findings(
            "src/db.ts",
            FileKind::TypeScript,
            "import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL });\n",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`new Pool`"));
        let bounded = findings(
            "src/db.ts",
            FileKind::TypeScript,
            "import { Pool } from 'pg';\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 5000 });\nexport const other = new Pool(config);\n",
        );
        assert!(bounded.is_empty(), "{bounded:#?}");
    }

    #[test]
    fn rust_tonic_channels_and_hyper_clients() {
        let found = findings(
            "src/clients.rs",
            FileKind::Rust,
            r#"
            use tonic::transport::{Channel, Endpoint};
            use hyper_util::client::legacy::Client;
            use hyper_util::rt::TokioExecutor;

            pub async fn orders() -> Result<OrdersClient<Channel>, tonic::transport::Error> {
                let channel = Endpoint::from_shared(ORDERS_URL.to_string())?.connect().await?;
                Ok(OrdersClient::new(channel))
            }

            pub async fn users() -> Result<UsersClient<Channel>, tonic::transport::Error> {
                UsersClient::connect("http://users:50051").await
            }

            pub fn http() -> Client<HttpConnector, Full<Bytes>> {
                Client::builder(TokioExecutor::new()).build_http()
            }
            "#,
        );
        assert_eq!(found.len(), 3, "{found:#?}");
        let bounded = findings(
            "src/clients.rs",
            FileKind::Rust,
            r#"
            use std::time::Duration;
            use tonic::transport::Endpoint;

            pub async fn orders() -> Result<OrdersClient<Channel>, tonic::transport::Error> {
                let channel = Endpoint::from_shared(ORDERS_URL.to_string())?
                    .timeout(Duration::from_secs(5))
                    .connect_timeout(Duration::from_secs(2))
                    .connect()
                    .await?;
                Ok(OrdersClient::new(channel))
            }
            "#,
        );
        assert!(bounded.is_empty(), "{bounded:#?}");
    }
}
