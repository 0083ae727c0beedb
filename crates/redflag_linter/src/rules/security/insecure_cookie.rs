//! `insecure-cookie`: session and auth cookies that scripts can read or that
//! travel over plain HTTP, in Python, JavaScript/TypeScript and Rust.
//!
//! Only cookies that carry a credential are judged: a cookie is one when its
//! name says so (`session`, `sid`, `token`, `jwt`, `auth…`) or when it is a
//! session middleware's cookie. A theme or locale cookie has nothing to
//! steal. Each API is judged against its own defaults: Express `res.cookie`
//! sets neither flag, so both must be written; Koa sets `httpOnly` itself;
//! express-session and Django settings are only wrong when code turns a
//! protection off. Options that come from a variable or a spread are not
//! judged unless the object is declared in the same file.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::{is_dev_settings, is_test_or_example};
use crate::semantics::{callee_path, rust_in_test_code, walk};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(InsecureCookie { meta: meta() })
}

struct InsecureCookie {
    meta: RuleMeta,
}

/// What an options object says about one flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flag {
    /// Set to something other than a literal false (`true`,
    /// `process.env.NODE_ENV === "production"`, `settings.secure`).
    On,
    /// Set to a literal false.
    Off,
    Absent,
    /// The options come from somewhere this rule cannot read.
    Unknown,
}

/// True for a cookie name that carries a credential. CSRF tokens are left
/// out: double-submit cookies are meant to be read by scripts.
fn is_auth_cookie_name(name: &str) -> bool {
    let lower = name.trim().to_ascii_lowercase();
    let lower = lower
        .strip_prefix("__host-")
        .or_else(|| lower.strip_prefix("__secure-"))
        .unwrap_or(&lower);
    if lower.is_empty() || lower.contains("csrf") || lower.contains("xsrf") {
        return false;
    }
    matches!(lower, "sid" | "jwt" | "connect.sid" | "auth" | "sess")
        || lower.contains("session")
        || lower.starts_with("auth")
        || lower.ends_with("token")
        || lower.ends_with("_jwt")
        || lower.ends_with("-jwt")
        || lower.ends_with("_sid")
        || lower.ends_with(".sid")
        || lower.starts_with("remember")
}

/// True for a constant holding a cookie name (`SESSION_COOKIE`,
/// `AUTH_COOKIE_NAME`, `REFRESH_TOKEN_COOKIE`).
fn is_auth_cookie_constant(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    !upper.contains("CSRF")
        && !upper.contains("XSRF")
        && (upper.contains("SESSION")
            || upper.contains("TOKEN")
            || upper.contains("AUTH")
            || upper.contains("JWT"))
}

/// The text of a string literal without its quotes (JS, Python, Rust).
fn string_value<'a>(file: &'a SourceFile, node: Node<'_>) -> Option<&'a str> {
    if !matches!(node.kind(), "string" | "string_literal" | "template_string") {
        return None;
    }
    let text = file.text_of(node);
    let text = text.trim_start_matches(|c: char| c.is_ascii_alphabetic() && c != '"' && c != '\'');
    let trimmed = text.trim_matches(|c| c == '"' || c == '\'' || c == '`');
    (!trimmed.contains("${")).then_some(trimmed)
}

/// Whether the cookie named by `node` (a literal or a constant) is an
/// auth cookie, and how to show it.
fn auth_cookie(file: &SourceFile, node: Node<'_>) -> Option<String> {
    if let Some(value) = string_value(file, node) {
        return is_auth_cookie_name(value).then(|| format!("\"{value}\""));
    }
    let text = file.text_of(node);
    let last = text.rsplit(['.', ':']).next().unwrap_or(text);
    (matches!(
        node.kind(),
        "identifier" | "member_expression" | "attribute" | "scoped_identifier"
    ) && is_auth_cookie_constant(last))
    .then(|| text.to_string())
}

/// True for a cookie value that clears the cookie (logout): an empty
/// string or `null`/`None`.
fn is_clearing_value(file: &SourceFile, value: Option<Node<'_>>) -> bool {
    value.is_some_and(|v| {
        matches!(
            file.text_of(v).trim(),
            "''" | "\"\"" | "``" | "null" | "None" | "undefined"
        )
    })
}

/// True for options that expire the cookie at once (`maxAge: 0`,
/// `expires: new Date(0)`, `max_age=0`, `expires=0`).
fn expires_at_once(options_text: &str) -> bool {
    let compact = crate::semantics::compact(options_text);
    [
        "maxAge:0",
        "max_age=0",
        "expires=0",
        "expires:newDate(0)",
        "expires:0",
        "max_age(Duration::ZERO)",
        "max_age(time::Duration::ZERO)",
    ]
    .iter()
    .any(|p| compact.contains(p))
}

fn positional_args(args: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = args.walk();
    args.named_children(&mut cursor)
        .filter(|a| a.kind() != "comment")
        .collect()
}

// ------------------------------------------------------------ JavaScript

/// A property of a JS object literal: `Some(value)` for `key: value`,
/// `Some(key)` for shorthand `{ secure }`.
fn js_property<'t>(file: &SourceFile, object: Node<'t>, key: &str) -> Option<Node<'t>> {
    let mut cursor = object.walk();
    let found = object
        .named_children(&mut cursor)
        .find_map(|child| match child.kind() {
            "pair" => {
                let k = child.child_by_field_name("key")?;
                let name = file.text_of(k).trim_matches(|c| c == '"' || c == '\'');
                (name == key)
                    .then(|| child.child_by_field_name("value"))
                    .flatten()
            }
            "shorthand_property_identifier" => (file.text_of(child) == key).then_some(child),
            _ => None,
        });
    found
}

fn js_has_spread(object: Node<'_>) -> bool {
    let mut cursor = object.walk();
    let found = object
        .named_children(&mut cursor)
        .any(|c| c.kind() == "spread_element");
    found
}

fn js_flag(file: &SourceFile, object: Option<Node<'_>>, key: &str) -> Flag {
    let Some(object) = object else {
        return Flag::Absent;
    };
    if object.kind() != "object" {
        return Flag::Unknown;
    }
    match js_property(file, object, key) {
        Some(value) if value.kind() == "false" => Flag::Off,
        Some(_) => Flag::On,
        None if js_has_spread(object) => Flag::Unknown,
        None => Flag::Absent,
    }
}

/// The object literal an options argument stands for: the literal itself,
/// or the `const name = { … }` it names in this file.
fn js_options<'t>(file: &SourceFile, root: Node<'t>, arg: Option<Node<'t>>) -> Option<Node<'t>> {
    let arg = arg?;
    match arg.kind() {
        "object" => Some(arg),
        "identifier" => {
            let name = file.text_of(arg);
            let mut found = None;
            walk(root, |node| {
                if found.is_some() {
                    return false;
                }
                if node.kind() == "variable_declarator"
                    && node
                        .child_by_field_name("name")
                        .is_some_and(|n| file.text_of(n) == name)
                {
                    found = node
                        .child_by_field_name("value")
                        .filter(|v| v.kind() == "object");
                    return false;
                }
                true
            });
            // An identifier whose object is not in this file: unknown.
            Some(found.unwrap_or(arg))
        }
        _ => Some(arg),
    }
}

/// The flags a JS cookie call is missing, given the API's defaults
/// (`http_only_default`: the API sets `httpOnly` itself).
fn js_missing(
    file: &SourceFile,
    options: Option<Node<'_>>,
    http_only_default: bool,
) -> Option<Vec<&'static str>> {
    let http_only = js_flag(file, options, "httpOnly");
    let secure = js_flag(file, options, "secure");
    if http_only == Flag::Unknown || secure == Flag::Unknown {
        // A spread or foreign variable may set them; an explicit `false`
        // next to it is still wrong.
        let mut off = Vec::new();
        if http_only == Flag::Off {
            off.push("httpOnly");
        }
        if secure == Flag::Off {
            off.push("secure");
        }
        return (!off.is_empty()).then_some(off);
    }
    let mut missing = Vec::new();
    if http_only == Flag::Off || (http_only == Flag::Absent && !http_only_default) {
        missing.push("httpOnly");
    }
    if secure != Flag::On {
        missing.push("secure");
    }
    (!missing.is_empty()).then_some(missing)
}

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(language) = file.kind.language() else {
        return;
    };
    let Some(args) = node.child_by_field_name("arguments") else {
        return;
    };
    // Next.js `cookies().set(...)`: the callee is not a plain member chain.
    let next_cookies = node
        .child_by_field_name("function")
        .is_some_and(|f| crate::semantics::compact(file.text_of(f)) == "cookies().set");
    let Some(callee) = callee_path(file, language, node)
        .or_else(|| next_cookies.then(|| "cookies().set".to_string()))
    else {
        return;
    };
    let args_list = positional_args(args);
    let root = ctx.ancestors.first().copied().unwrap_or(node);
    let segments: Vec<&str> = callee.split('.').collect();
    let method = segments.last().copied().unwrap_or("");
    let receiver = segments.first().copied().unwrap_or("");

    // Session middleware: express-session, cookie-session, koa-session,
    // @fastify/session, @fastify/secure-session.
    if segments.len() == 1 {
        let module = file.imports().binding(receiver).unwrap_or("");
        if module.contains("session") && !module.starts_with('.') {
            check_js_session(file, ctx, node, &callee, module, &args_list);
            return;
        }
        // Hono: `setCookie(c, "session", token, { … })` from `hono/cookie`.
        if method == "setCookie" && module.starts_with("hono") {
            if let Some(shown) = args_list.get(1).and_then(|n| auth_cookie(file, *n)) {
                if is_clearing_value(file, args_list.get(2).copied()) {
                    return;
                }
                let options = js_options(file, root, args_list.get(3).copied());
                if let Some(missing) = js_missing(file, options, false) {
                    report_js(ctx, node, &format!("setCookie(c, {shown}, …)"), &missing);
                }
            }
        }
        return;
    }

    let http_only_default = match method {
        "set" if next_cookies => false,
        // Express `res.cookie`, Fastify `reply.setCookie`.
        "cookie" if matches!(receiver, "res" | "response" | "resp") => false,
        "setCookie" if matches!(receiver, "reply" | "res" | "response") => false,
        // Koa `ctx.cookies.set` (httpOnly by default); Next.js
        // `response.cookies.set` (no default).
        "set" if segments.len() >= 2 && segments[segments.len() - 2] == "cookies" => {
            receiver == "ctx"
        }
        _ => return,
    };
    let Some(name) = args_list.first() else {
        return;
    };
    let Some(shown) = auth_cookie(file, *name) else {
        return;
    };
    // Logout: the cookie is being cleared.
    if is_clearing_value(file, args_list.get(1).copied())
        || args_list
            .get(2)
            .is_some_and(|o| expires_at_once(file.text_of(*o)))
    {
        return;
    }
    let options = js_options(file, root, args_list.get(2).copied());
    if let Some(missing) = js_missing(file, options, http_only_default) {
        report_js(ctx, node, &format!("{callee}({shown}, …)"), &missing);
    }
}

fn check_js_session(
    file: &SourceFile,
    ctx: &mut NodeContext<'_>,
    node: Node<'_>,
    callee: &str,
    module: &str,
    args: &[Node<'_>],
) {
    let Some(options) = args.first().filter(|a| a.kind() == "object") else {
        return;
    };
    // express-session and @fastify/session nest the flags in `cookie:`;
    // cookie-session and koa-session take them at the top level.
    let cookie = js_property(file, *options, "cookie").filter(|c| c.kind() == "object");
    let mut off = Vec::new();
    // The finding points at the first flag turned off.
    let mut at = None;
    for object in [Some(*options), cookie].into_iter().flatten() {
        for key in ["httpOnly", "secure"] {
            if js_flag(file, Some(object), key) == Flag::Off && !off.contains(&key) {
                off.push(key);
                let value = js_property(file, object, key);
                let pair = value
                    .and_then(|v| v.parent())
                    .filter(|p| p.kind() == "pair");
                at = at.or(pair.or(value));
            }
        }
    }
    if off.is_empty() {
        return;
    }
    let flags = off
        .iter()
        .map(|k| format!("`{k}: false`"))
        .collect::<Vec<_>>()
        .join(" and ");
    ctx.report(
        Diagnostic::new(
            at.map_or(node.byte_range(), |n| n.byte_range()),
            format!(
                "`{callee}(…)` ({module}) sets its session cookie with {flags}: {}",
                consequence(&off)
            ),
        )
        .help("remove the override: keep `httpOnly: true`, and set `secure: true` in production (behind a TLS-terminating proxy also `app.set(\"trust proxy\", 1)`), e.g. `secure: process.env.NODE_ENV === \"production\"`"),
    );
}

fn report_js(ctx: &mut NodeContext<'_>, node: Node<'_>, call: &str, missing: &[&str]) {
    let flags = missing
        .iter()
        .map(|k| format!("`{k}: true`"))
        .collect::<Vec<_>>()
        .join(" and ");
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!(
                "`{call}` sets an auth cookie without {flags}: {}",
                consequence(missing)
            ),
        )
        .help("pass `{ httpOnly: true, secure: true, sameSite: \"lax\" }` (or `\"strict\"`) for session and token cookies; gate `secure` on production if local development runs on plain HTTP"),
    );
}

/// What the missing flags (`httpOnly`, `http_only`, `secure`, …) let an
/// attacker do.
fn consequence(missing: &[&str]) -> &'static str {
    let flag = |m: &&str| m.to_ascii_lowercase().replace('_', "");
    let http_only = missing.iter().any(|m| flag(m) == "httponly");
    let secure = missing.iter().any(|m| flag(m) == "secure");
    match (http_only, secure) {
        (true, true) => "any injected script can read it, and browsers send it over plain HTTP where it can be sniffed",
        (true, false) => "any injected script (XSS) can read the credential and send it elsewhere",
        _ => "browsers also send it over plain HTTP, where anyone on the network path can read it",
    }
}

// ---------------------------------------------------------------- Python

fn py_keyword<'t>(file: &SourceFile, args: Node<'t>, name: &str) -> Option<Node<'t>> {
    let mut cursor = args.walk();
    let found = args.named_children(&mut cursor).find_map(|arg| {
        (arg.kind() == "keyword_argument"
            && arg
                .child_by_field_name("name")
                .is_some_and(|n| file.text_of(n) == name))
        .then(|| arg.child_by_field_name("value"))
        .flatten()
    });
    found
}

fn py_has_splat(args: Node<'_>) -> bool {
    let mut cursor = args.walk();
    let found = args
        .named_children(&mut cursor)
        .any(|a| a.kind() == "dictionary_splat");
    found
}

fn py_flag(file: &SourceFile, args: Node<'_>, name: &str) -> Flag {
    match py_keyword(file, args, name) {
        Some(value) if value.kind() == "false" || file.text_of(value) == "False" => Flag::Off,
        Some(_) => Flag::On,
        None if py_has_splat(args) => Flag::Unknown,
        None => Flag::Absent,
    }
}

fn check_python_call(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(callee) = callee_path(file, Language::Python, node) else {
        return;
    };
    let method = callee.rsplit('.').next().unwrap_or("");
    let Some(args) = node.child_by_field_name("arguments") else {
        return;
    };
    if method == "update" && callee.ends_with("config.update") {
        check_python_config_update(file, ctx, args);
        return;
    }
    if !matches!(method, "set_cookie" | "set_signed_cookie") || !callee.contains('.') {
        return;
    }
    let name = py_keyword(file, args, "key").or_else(|| {
        positional_args(args).into_iter().find(|a| {
            !matches!(
                a.kind(),
                "keyword_argument" | "dictionary_splat" | "list_splat"
            )
        })
    });
    let Some(shown) = name.and_then(|n| auth_cookie(file, n)) else {
        return;
    };
    // Logout: the cookie is being cleared.
    let value = py_keyword(file, args, "value").or_else(|| {
        positional_args(args)
            .into_iter()
            .filter(|a| {
                !matches!(
                    a.kind(),
                    "keyword_argument" | "dictionary_splat" | "list_splat"
                )
            })
            .nth(1)
    });
    if is_clearing_value(file, value) || expires_at_once(file.text_of(args)) {
        return;
    }
    let http_only = py_flag(file, args, "httponly");
    let secure = py_flag(file, args, "secure");
    let mut missing = Vec::new();
    if http_only == Flag::Off || (http_only == Flag::Absent) {
        missing.push("httponly");
    }
    if secure == Flag::Off || secure == Flag::Absent {
        missing.push("secure");
    }
    if missing.is_empty() {
        return;
    }
    let flags = missing
        .iter()
        .map(|k| format!("`{k}=True`"))
        .collect::<Vec<_>>()
        .join(" and ");
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!(
                "`{callee}({shown}, …)` sets an auth cookie without {flags}: {}",
                consequence(&missing)
            ),
        )
        .help("pass `httponly=True, secure=True, samesite=\"Lax\"` for session and token cookies (Flask, Django and Starlette default both flags to off)"),
    );
}

/// Settings that turn a cookie protection off when set to `False`.
const PY_COOKIE_SETTINGS: &[&str] = &[
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "REMEMBER_COOKIE_SECURE",
    "REMEMBER_COOKIE_HTTPONLY",
    "JWT_COOKIE_SECURE",
];


fn report_setting(ctx: &mut NodeContext<'_>, node: Node<'_>, setting: &str) {
    let protection = if setting.ends_with("HTTPONLY") {
        "httponly"
    } else {
        "secure"
    };
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!(
                "`{setting} = False` in production settings: {}",
                consequence(&[protection])
            ),
        )
        .help(format!(
            "set `{setting} = True` in production settings (keep `False` only in a development settings module such as `settings/dev.py`)"
        )),
    );
}

/// True inside `if app.debug:` / `if os.environ["FLASK_ENV"] == "development":`
/// and the like: the override is meant for development only.
fn under_dev_condition(file: &SourceFile, ancestors: &[Node<'_>]) -> bool {
    ancestors.iter().any(|a| {
        a.kind() == "if_statement"
            && a.child_by_field_name("condition").is_some_and(|c| {
                let text = file.text_of(c).to_ascii_lowercase();
                ["debug", "develop", "testing", "local"]
                    .iter()
                    .any(|w| text.contains(w))
                    && !text.contains("not ")
            })
    })
}

fn check_python_config_update(file: &SourceFile, ctx: &mut NodeContext<'_>, args: Node<'_>) {
    if is_dev_settings(&file.path, &file.text) {
        return;
    }
    let mut cursor = args.walk();
    for arg in args.named_children(&mut cursor) {
        if arg.kind() != "keyword_argument" {
            continue;
        }
        let (Some(name), Some(value)) = (
            arg.child_by_field_name("name"),
            arg.child_by_field_name("value"),
        ) else {
            continue;
        };
        let name = file.text_of(name);
        if PY_COOKIE_SETTINGS.contains(&name) && value.kind() == "false" {
            report_setting(ctx, arg, name);
        }
    }
}

fn check_python_assignment(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let (Some(left), Some(right)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    ) else {
        return;
    };
    if right.kind() != "false" {
        return;
    }
    let setting = match left.kind() {
        // `SESSION_COOKIE_SECURE = False` in a module or a config class.
        "identifier" => {
            let in_scope = ctx.ancestors.iter().rev().nth(1).is_some_and(|container| {
                container.kind() == "module"
                    || (container.kind() == "block"
                        && ctx.ancestors.iter().rev().nth(2).is_some_and(|class| {
                            class.kind() == "class_definition"
                                && !class.child_by_field_name("name").is_some_and(|n| {
                                    let lower = file.text_of(n).to_ascii_lowercase();
                                    crate::semantics::paths::DEV_SETTINGS.iter().any(|d| lower.contains(d))
                                })
                        }))
            });
            if !in_scope {
                return;
            }
            file.text_of(left)
        }
        // `app.config["SESSION_COOKIE_SECURE"] = False`.
        "subscript" => {
            let Some(index) = left.child_by_field_name("subscript") else {
                return;
            };
            if !file.text_of(left).contains("config") {
                return;
            }
            string_value(file, index).unwrap_or("")
        }
        _ => return,
    };
    if !PY_COOKIE_SETTINGS.contains(&setting)
        || is_dev_settings(&file.path, &file.text)
        || under_dev_condition(file, ctx.ancestors)
    {
        return;
    }
    report_setting(ctx, node, setting);
}

// ------------------------------------------------------------------ Rust

/// Methods called on the value of `call` (`Cookie::build(..).http_only(true)
/// .secure(true).finish()`), with their argument text.
fn rust_chain(file: &SourceFile, ancestors: &[Node<'_>], call: Node<'_>) -> Vec<(String, String)> {
    let mut methods = Vec::new();
    let mut current = call;
    let mut index = ancestors.len();
    while index >= 2 {
        let field = ancestors[index - 1];
        let outer = ancestors[index - 2];
        if field.kind() != "field_expression"
            || field.child_by_field_name("value").map(|v| v.id()) != Some(current.id())
            || outer.kind() != "call_expression"
        {
            break;
        }
        let name = field
            .child_by_field_name("field")
            .map_or("", |f| file.text_of(f))
            .to_string();
        let args = outer
            .child_by_field_name("arguments")
            .map_or("", |a| file.text_of(a))
            .to_string();
        methods.push((name, args));
        current = outer;
        index -= 2;
    }
    methods
}

fn rust_flag(methods: &[(String, String)], setter: &str, body: &str, mutator: &str) -> Flag {
    let set = methods
        .iter()
        .rev()
        .find(|(name, _)| name == setter)
        .map(|(_, args)| args.replace(' ', ""));
    match set.as_deref() {
        Some("(false)") => Flag::Off,
        Some(_) => Flag::On,
        None if body.contains(&format!("{mutator}(false)")) => Flag::Off,
        None if body.contains(&format!("{mutator}(")) => Flag::On,
        None => Flag::Absent,
    }
}

fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    // `SessionMiddleware::builder(..).cookie_secure(false)` (actix-session),
    // `SessionManagerLayer::new(store).with_secure(false)` (tower-sessions).
    if function.kind() == "field_expression" {
        let method = function
            .child_by_field_name("field")
            .map_or("", |f| file.text_of(f));
        if matches!(
            method,
            "cookie_secure" | "cookie_http_only" | "with_secure" | "with_http_only"
        ) {
            let args = node
                .child_by_field_name("arguments")
                .map_or(String::new(), |a| {
                    crate::semantics::compact(file.text_of(a))
                });
            if args == "(false)" {
                let protection = if method.contains("http_only") {
                    "http_only"
                } else {
                    "secure"
                };
                ctx.report(
                    Diagnostic::new(
                        node.byte_range(),
                        format!("`.{method}(false)` turns off a protection of the session cookie: {}", consequence(&[protection])),
                    )
                    .help(format!("drop `.{method}(false)`: actix-session and tower-sessions default to secure, HTTP-only session cookies; for local HTTP development, gate it on configuration")),
                );
            }
        }
        return;
    }
    let Some(path) = callee_path(file, Language::Rust, node) else {
        return;
    };
    let mut parts = path.rsplit("::");
    let (Some(method), Some(ty)) = (parts.next(), parts.next()) else {
        return;
    };
    if !matches!((ty, method), ("Cookie" | "CookieBuilder", "build" | "new")) {
        return;
    }
    let Some(args) = node.child_by_field_name("arguments") else {
        return;
    };
    let args = positional_args(args);
    // `Cookie::build(("session", v))` (cookie 0.18) or `Cookie::build("session", v)`.
    let (name, value) = match args.first() {
        Some(tuple) if tuple.kind() == "tuple_expression" => {
            (tuple.named_child(0), tuple.named_child(1))
        }
        other => (other.copied(), args.get(1).copied()),
    };
    let Some(shown) = name.and_then(|n| auth_cookie(file, n)) else {
        return;
    };
    if is_clearing_value(file, value) {
        return;
    }
    if rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    let methods = rust_chain(file, ctx.ancestors, node);
    let body = ctx
        .ancestors
        .iter()
        .rev()
        .find(|a| matches!(a.kind(), "function_item" | "closure_expression"))
        .map_or("", |f| file.text_of(*f));
    let http_only = rust_flag(&methods, "http_only", body, "set_http_only");
    let secure = rust_flag(&methods, "secure", body, "set_secure");
    let mut missing = Vec::new();
    if http_only != Flag::On {
        missing.push("http_only");
    }
    if secure != Flag::On {
        missing.push("secure");
    }
    if missing.is_empty() {
        return;
    }
    let flags = missing
        .iter()
        .map(|k| format!("`.{k}(true)`"))
        .collect::<Vec<_>>()
        .join(" and ");
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!(
                "`{path}({shown}, …)` builds an auth cookie without {flags}: {}",
                consequence(&missing)
            ),
        )
        .help("chain `.http_only(true).secure(true).same_site(SameSite::Lax)` on the builder (the `cookie` crate sets neither flag by default)"),
    );
}

impl Rule for InsecureCookie {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests set cookies on fake responses; examples trade safety for
    /// brevity.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["set_cookie", "set_signed_cookie", "COOKIE_"],
            Language::Rust => &[
                "Cookie",
                "cookie_secure",
                "cookie_http_only",
                "with_secure",
                "with_http_only",
            ],
            _ => &["cookie", "Cookie", "session"],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        match language {
            Language::Python => vec!["call".to_string(), "assignment".to_string()],
            _ => vec!["call_expression".to_string()],
        }
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        match (ctx.language(), node.kind()) {
            (Language::Python, "assignment") => check_python_assignment(node, ctx),
            (Language::Python, _) => check_python_call(node, ctx),
            (Language::Rust, _) => check_rust(node, ctx),
            _ => check_js(node, ctx),
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds session and auth cookies set without the `HttpOnly` or `Secure`
attribute. A cookie counts as an auth cookie when its name (or the constant
holding it) says so — `session`, `sid`, `connect.sid`, `token`,
`access_token`, `jwt`, `auth…`, `remember…` — or when it is a session
middleware's cookie; CSRF cookies and preference cookies (theme, locale) are
not judged.

- JavaScript/TypeScript: Express `res.cookie(name, value, options)` and
  Fastify `reply.setCookie(...)` without `httpOnly: true` and `secure: true`
  (neither is on by default); Next.js `cookies().set(...)`; Hono
  `setCookie(c, name, value, options)`; Koa `ctx.cookies.set(...)` without
  `secure` or with `httpOnly: false` (Koa sets `httpOnly` itself);
  express-session, cookie-session, koa-session and `@fastify/session`
  options with `secure: false` or `httpOnly: false`. An options object
  declared as a `const` in the same file is read.
- Python: `response.set_cookie(...)` / `set_signed_cookie(...)` (Flask,
  Django, FastAPI/Starlette) without `httponly=True` and `secure=True`;
  `SESSION_COOKIE_SECURE`, `SESSION_COOKIE_HTTPONLY`, `CSRF_COOKIE_SECURE`,
  `REMEMBER_COOKIE_SECURE`/`_HTTPONLY` set to `False` in a settings module,
  a config class, `app.config[...]` or `app.config.update(...)` — except in
  development and test settings (`settings/dev.py`, `local.py`, `test.py`,
  a module that sets `DEBUG = True`, a `DevelopmentConfig` class).
- Rust: `Cookie::build(("session", v))`, `Cookie::new("session", v)` and
  `CookieBuilder::new(...)` (the `cookie` crate behind actix-web and
  axum-extra) without `.http_only(true)` and `.secure(true)` on the builder
  or `set_http_only(true)`/`set_secure(true)` in the same function;
  actix-session `.cookie_secure(false)`/`.cookie_http_only(false)` and
  tower-sessions `.with_secure(false)`/`.with_http_only(false)`.

## Why it matters
Checklist TASK-3.4 (HTTPS enforced) and SCOPE-4.1 (proper authentication
flows). A session cookie is the user's credential. Without `HttpOnly`, one
XSS bug lets a script read it and replay the session from anywhere; without
`Secure`, the browser also sends it on plain-HTTP requests (a mistyped link,
a captive portal, a downgrade), where anyone on the network path can read it.

## Example
```js
app.post("/login", async (req, res) => {
  const token = await issueSession(req.body);
  res.cookie("session", token, { maxAge: 86400000 });
  res.sendStatus(204);
});
```

```python
# settings/production.py
SESSION_COOKIE_SECURE = False
```

## Use instead
```js
res.cookie("session", token, {
  httpOnly: true,
  secure: process.env.NODE_ENV === "production",
  sameSite: "lax",
  maxAge: 86400000,
});
```

```python
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
```

```rust
let cookie = Cookie::build(("session", token))
    .http_only(true)
    .secure(true)
    .same_site(SameSite::Lax)
    .path("/");
```

## Configuration
No options. Behind a TLS-terminating proxy, `Secure` cookies still work:
tell the framework the original scheme (`app.set("trust proxy", 1)`,
`SECURE_PROXY_SSL_HEADER`).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("insecure-cookie", "TASK-3.4")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A session or auth cookie is set without `HttpOnly` or `Secure`, so scripts can read it or it travels over plain HTTP.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "cookies", "session"])
        .cwe(&["CWE-1004", "CWE-614"])
        .security_severity(5.4)
        .docs(DOCS)
        .invalid(
            FileKind::JavaScript,
            r#"
            const express = require("express");
            const session = require("express-session");
            const app = express();

            app.use(session({
              secret: process.env.SESSION_SECRET,
              resave: false,
              saveUninitialized: false,
              cookie: { secure: false, maxAge: 3600000 },
            }));

            app.post("/login", async (req, res) => {
              const { accessToken, refreshToken } = await auth.login(req.body.email, req.body.password);
              res.cookie("access_token", accessToken, { maxAge: 15 * 60 * 1000 });
              res.cookie("refresh_token", refreshToken, { httpOnly: true, maxAge: 7 * 86400000 });
              res.cookie("theme", req.body.theme || "light");
              res.json({ ok: true });
            });
            "#,
            3,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const express = require("express");
            const session = require("express-session");
            const app = express();
            app.set("trust proxy", 1);

            app.use(session({
              secret: process.env.SESSION_SECRET,
              resave: false,
              saveUninitialized: false,
              cookie: { secure: true, httpOnly: true, sameSite: "lax" },
            }));

            const authCookie = {
              httpOnly: true,
              secure: process.env.NODE_ENV === "production",
              sameSite: "lax",
            };

            app.post("/login", async (req, res) => {
              const { accessToken, refreshToken } = await auth.login(req.body.email, req.body.password);
              res.cookie("access_token", accessToken, { ...authCookie, maxAge: 15 * 60 * 1000 });
              res.cookie("refresh_token", refreshToken, authCookie);
              res.cookie("theme", req.body.theme || "light");
              res.cookie("XSRF-TOKEN", req.csrfToken());
              res.json({ ok: true });
            });
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import Koa from "koa";
            import Fastify from "fastify";

            export function login(ctx: Koa.Context, token: string) {
              ctx.cookies.set("sid", token, { httpOnly: false, sameSite: "lax" });
            }

            const app = Fastify();
            app.post("/login", async (request, reply) => {
              const token = await issue(request.body);
              reply.setCookie("token", token, { path: "/", httpOnly: true });
              return { ok: true };
            });
            "#,
            2,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import Koa from "koa";
            import Fastify from "fastify";

            export function login(ctx: Koa.Context, token: string) {
              ctx.cookies.set("sid", token, { secure: true, sameSite: "lax" });
              ctx.cookies.set("locale", ctx.query.lang as string);
            }

            const app = Fastify();
            app.post("/login", async (request, reply) => {
              const token = await issue(request.body);
              reply.setCookie("token", token, { path: "/", httpOnly: true, secure: true, sameSite: "strict" });
              return { ok: true };
            });
            "#,
        )
        .invalid(
            FileKind::Python,
            r#"
            from flask import Flask, jsonify, make_response

            app = Flask(__name__)

            @app.post("/login")
            def login():
                token = issue_token(request.json)
                resp = make_response(jsonify(ok=True))
                resp.set_cookie("session", token, max_age=3600, samesite="Lax")
                resp.set_cookie("theme", "dark")
                return resp
            "#,
            1,
        )
        .invalid(
            FileKind::Python,
            r#"
            from fastapi import FastAPI, Response

            app = FastAPI()

            @app.post("/token")
            async def token(response: Response, form: LoginForm):
                access = create_access_token(form.username)
                response.set_cookie(key="access_token", value=f"Bearer {access}", httponly=True, secure=False)
                return {"ok": True}
            "#,
            1,
        )
        .valid(
            FileKind::Python,
            r#"
            from fastapi import FastAPI, Response

            app = FastAPI()

            @app.post("/token")
            async def token(response: Response, form: LoginForm):
                access = create_access_token(form.username)
                response.set_cookie(key="access_token", value=f"Bearer {access}", httponly=True, secure=True, samesite="lax")
                response.set_cookie(key="locale", value=form.locale)
                return {"ok": True}
            "#,
        )
        .invalid_at(
            FileKind::Python,
            "config/settings/production.py",
            r#"
            from .base import *

            DEBUG = False
            ALLOWED_HOSTS = ["shop.example.com"]
            SESSION_COOKIE_SECURE = False
            CSRF_COOKIE_SECURE = False
            "#,
            2,
        )
        .valid_at(
            FileKind::Python,
            "config/settings/local.py",
            r#"
            from .base import *

            DEBUG = True
            SESSION_COOKIE_SECURE = False
            CSRF_COOKIE_SECURE = False
            "#,
        )
        .valid_at(
            FileKind::Python,
            "config/settings/production.py",
            r#"
            from .base import *

            DEBUG = False
            SESSION_COOKIE_SECURE = True
            CSRF_COOKIE_SECURE = True
            SESSION_COOKIE_HTTPONLY = True
            "#,
        )
        .invalid_at(
            FileKind::Python,
            "app/config.py",
            r#"
            class Config:
                SECRET_KEY = os.environ["SECRET_KEY"]
                SESSION_COOKIE_SECURE = False

            class DevelopmentConfig(Config):
                SESSION_COOKIE_SECURE = False
            "#,
            1,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use actix_web::{cookie::Cookie, post, web, HttpResponse};

            #[post("/login")]
            async fn login(form: web::Json<Login>) -> HttpResponse {
                let token = issue_token(&form).await;
                let cookie = Cookie::build("session", token).path("/").finish();
                HttpResponse::Ok().cookie(cookie).finish()
            }
            "#,
            1,
        )
        .valid(
            FileKind::Rust,
            r#"
            use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

            async fn login(jar: CookieJar, Json(form): Json<Login>) -> CookieJar {
                let token = issue_token(&form).await;
                let cookie = Cookie::build(("session", token))
                    .path("/")
                    .http_only(true)
                    .secure(true)
                    .same_site(SameSite::Lax);
                jar.add(cookie).add(Cookie::new("theme", "dark"))
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn messages(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("insecure-cookie", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn express_message_names_the_call_and_the_missing_flags() {
        let found = messages(
            "src/auth.js",
            FileKind::JavaScript,
            "function login(req, res) {\n  res.cookie('jwt', sign(req.user));\n}\n",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`res.cookie(\"jwt\", …)` sets an auth cookie without `httpOnly: true` and `secure: true`"), "{}", found[0]);
    }

    #[test]
    fn options_from_an_unknown_variable_are_not_judged() {
        let code = "import { cookieOptions } from './config';\nexport const f = (req, res) => res.cookie('session', t, cookieOptions);\n";
        assert!(messages("src/a.ts", FileKind::TypeScript, code).is_empty());
    }

    #[test]
    fn flask_config_subscript_and_update_are_read() {
        let code = "app = Flask(__name__)\napp.config['SESSION_COOKIE_SECURE'] = False\napp.config.update(SESSION_COOKIE_HTTPONLY=False, SESSION_COOKIE_SAMESITE='Lax')\n";
        let found = messages("app/__init__.py", FileKind::Python, code);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[1].starts_with("`SESSION_COOKIE_HTTPONLY = False`"));
    }

    #[test]
    fn next_hono_and_cookie_session() {
        let code = r#"
            import { cookies } from "next/headers";
            import { setCookie } from "hono/cookie";
            import cookieSession from "cookie-session";

            export async function login(token: string) {
              cookies().set("session", token, { httpOnly: true });
            }
            app.use(cookieSession({ name: "session", keys: [process.env.KEY!], httpOnly: false }));
            app.post("/login", async (c) => {
              setCookie(c, "auth", await issue(c), { path: "/", secure: true, httpOnly: true });
              setCookie(c, "jwt", await issue(c));
              return c.json({ ok: true });
            });
        "#;
        let found = messages("src/auth.ts", FileKind::TypeScript, code);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].starts_with(
            "`cookies().set(\"session\", …)` sets an auth cookie without `secure: true`"
        ));
        assert!(found[1].starts_with(
            "`cookieSession(…)` (cookie-session) sets its session cookie with `httpOnly: false`"
        ));
        assert!(found[2].starts_with("`setCookie(c, \"jwt\", …)`"));
    }

    #[test]
    fn clearing_a_cookie_on_logout_is_quiet() {
        let js = "function logout(req, res) {\n  res.cookie('session', '', { expires: new Date(0) });\n  res.cookie('token', token, { maxAge: 0 });\n}\n";
        assert!(messages("src/auth.js", FileKind::JavaScript, js).is_empty());
        let py = "def logout(request):\n    resp = redirect('/')\n    resp.set_cookie('session', '', max_age=0)\n    return resp\n";
        assert!(messages("app/views.py", FileKind::Python, py).is_empty());
    }

    #[test]
    fn flask_override_under_a_debug_condition_is_quiet() {
        let code = "app = Flask(__name__)\nif app.debug:\n    app.config['SESSION_COOKIE_SECURE'] = False\n";
        assert!(messages("app/__init__.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn debug_settings_module_counts_as_development() {
        let code = "DEBUG = True\nALLOWED_HOSTS = ['*']\nSESSION_COOKIE_SECURE = False\n";
        assert!(messages("mysite/settings.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn rust_cookie_new_with_setters_later_in_the_function() {
        let code = "fn c(t: String) -> Cookie<'static> {\n    let mut c = Cookie::new(\"session\", t);\n    c.set_http_only(true);\n    c.set_secure(true);\n    c\n}\nfn d() -> SessionMiddleware<S> {\n    SessionMiddleware::builder(store(), key()).cookie_secure(false).build()\n}\n";
        let found = messages("src/auth.rs", FileKind::Rust, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`.cookie_secure(false)`"));
    }
}
