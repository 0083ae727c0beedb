//! `server-side-request-forgery`: a request handler makes an outbound HTTP
//! call to a URL whose host the client chose.
//!
//! Request data in a URL is common and harmless after a fixed host
//! (`f"{API_BASE}/users/{user_id}"`); it is a forgery when it decides where
//! the call goes. The URL argument is split into its written pieces —
//! literal text, constant holes, request-data holes — following local names
//! back to their binding; the host is fixed when the text before the first
//! request-data hole already holds a `/`, `?` or `#` past the scheme (a
//! constant hole at the start stands for a configured base URL). A handler
//! that tests the parsed host against an allow-list above the call is not
//! reported.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::handlers::{enclosing_handler, Handler};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::request_data::{request_flow, RequestFlow, SourceKind};
use crate::semantics::sink_flow::{
    arguments, binding_before, keyword, lines_before, mentions, positional, tainted_names_in,
};
use crate::semantics::{callee_path, rust_in_test_code};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(ServerSideRequestForgery { meta: meta() })
}

struct ServerSideRequestForgery {
    meta: RuleMeta,
}

/// The client call and its URL argument.
struct Sink<'t> {
    api: String,
    url: Node<'t>,
}

const VERBS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options"];

// ---------------------------------------------------------------- sinks

fn python_sink<'t>(file: &SourceFile, call: Node<'t>) -> Option<Sink<'t>> {
    let callee = callee_path(file, Language::Python, call)?;
    let imports = file.imports();
    let head = callee.split('.').next().unwrap_or(&callee);
    let args = positional(call);
    let at = |index: usize| {
        args.get(index)
            .copied()
            .or_else(|| keyword(file, call, "url"))
    };
    if imports.binding(head).is_some() {
        let resolved = imports.resolve(&callee);
        let (module, function) = resolved.rsplit_once('.').unwrap_or(("", &resolved));
        let url = match (module, function) {
            ("requests" | "requests.api" | "httpx", verb) if VERBS.contains(&verb) => at(0),
            ("requests" | "requests.api" | "httpx" | "aiohttp", "request" | "stream") => at(1),
            ("urllib.request", "urlopen" | "Request") => at(0),
            _ => None,
        };
        if let Some(url) = url {
            return Some(Sink { api: resolved, url });
        }
    }
    // Methods of a session or client (`session.get(url)`,
    // `self.client.post(url)`) in a file that imports an HTTP client.
    let (receiver, method) = callee.rsplit_once('.')?;
    let client_module = ["requests", "httpx", "aiohttp"]
        .iter()
        .any(|m| imports.modules().iter().any(|i| i == m || i.starts_with(&format!("{m}."))));
    if !client_module || !is_client_name(receiver) {
        return None;
    }
    let url = if VERBS.contains(&method) {
        at(0)
    } else if matches!(method, "request" | "stream") {
        at(1)
    } else {
        None
    }?;
    Some(Sink { api: callee, url })
}

/// Receivers named like an HTTP client or session.
fn is_client_name(receiver: &str) -> bool {
    let last = receiver
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(receiver)
        .to_ascii_lowercase();
    last.contains("session") || last.contains("client") || matches!(last.as_str(), "http" | "sess")
}

/// `{ url: … }` / `{ host: … }` in an options object.
fn js_object_value<'t>(file: &SourceFile, object: Node<'t>, keys: &[&str]) -> Option<Node<'t>> {
    if object.kind() != "object" {
        return None;
    }
    let mut cursor = object.walk();
    let members: Vec<Node<'t>> = object.named_children(&mut cursor).collect();
    members.into_iter().find_map(|member| match member.kind() {
        "pair" => {
            let key = member.child_by_field_name("key")?;
            keys.contains(&file.text_of(key).trim_matches(['"', '\'']))
                .then(|| member.child_by_field_name("value"))
                .flatten()
        }
        "shorthand_property_identifier" => keys.contains(&file.text_of(member)).then_some(member),
        _ => None,
    })
}

fn js_sink<'t>(file: &SourceFile, language: Language, call: Node<'t>) -> Option<Sink<'t>> {
    let callee = callee_path(file, language, call)?;
    let imports = file.imports();
    let head = callee.split('.').next().unwrap_or(&callee);
    let args = positional(call);
    let first = args.first().copied();
    // The URL, or the `url`/`host` of an options object in its place.
    let url_at = |index: usize, keys: &[&str]| {
        let arg = args.get(index).copied()?;
        if arg.kind() == "object" {
            js_object_value(file, arg, keys)
        } else {
            Some(arg)
        }
    };
    if callee == "fetch" && imports.binding("fetch").is_none() {
        return Some(Sink { api: "fetch".into(), url: first? });
    }
    imports.binding(head)?;
    let resolved = imports.resolve(&callee).replace(".default", "");
    let (module, function) = resolved.split_once('.').unwrap_or((&resolved, ""));
    let url = match (module, function) {
        ("node-fetch" | "cross-fetch" | "undici", "" | "fetch" | "request") => first,
        ("axios", "" | "request") => url_at(0, &["url"]),
        ("axios" | "got" | "needle" | "superagent", verb) if VERBS.contains(&verb) => first,
        ("got", "" | "stream") => url_at(0, &["url"]),
        ("http" | "https" | "node:http" | "node:https", "get" | "request") => {
            url_at(0, &["host", "hostname"])
        }
        ("needle" | "superagent", "" | "request") => args.get(1).copied(),
        _ => None,
    }?;
    Some(Sink {
        api: if function.is_empty() {
            module.to_string()
        } else {
            format!("{module}.{function}")
        },
        url,
    })
}

fn rust_sink<'t>(file: &SourceFile, call: Node<'t>) -> Option<Sink<'t>> {
    let function = call.child_by_field_name("function")?;
    let args = arguments(call);
    if function.kind() == "field_expression" {
        // `client.get(url)`, `state.http.post(url)`: a reqwest client.
        let method = file.text_of(function.child_by_field_name("field")?);
        let receiver = file.text_of(function.child_by_field_name("value")?);
        // A reqwest request is sent: `client.get(url).send()`, or the file
        // names the crate.
        let sent = call.parent().is_some_and(|p| {
            p.kind() == "field_expression"
                && p.child_by_field_name("field").is_some_and(|f| file.text_of(f) == "send")
        });
        if !sent && !file.text.contains("reqwest") {
            return None;
        }
        let is_client = is_client_name(receiver) || receiver.ends_with("Client::new()");
        let url = if VERBS.contains(&method) {
            args.first().copied()
        } else if method == "request" {
            args.get(1).copied()
        } else {
            None
        };
        return is_client
            .then_some(url)
            .flatten()
            .map(|url| Sink { api: format!("{receiver}.{method}"), url });
    }
    let callee = callee_path(file, Language::Rust, call)?;
    let resolved = file.imports().resolve(&callee);
    let (crate_name, function) = resolved.rsplit_once("::")?;
    if matches!(crate_name, "reqwest" | "reqwest::blocking" | "ureq" | "surf") && VERBS.contains(&function) {
        return Some(Sink { api: resolved.clone(), url: args.first().copied()? });
    }
    None
}

// ---------------------------------------------------------------- the host

/// A piece of a URL as written.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    /// An interpolated value; `true` when it is request data.
    Hole(bool),
}

/// How deep a URL expression is read (hostile `a + a + …` chains are
/// tens of thousands deep); following a name back to its binding costs
/// [`BINDING_COST`], so at most four bindings are followed.
const MAX_NESTING: usize = 64;
const BINDING_COST: usize = 16;

struct UrlReader<'a, 't> {
    file: &'a SourceFile,
    flow: &'a RequestFlow,
    scope: Node<'t>,
    names: Vec<&'a str>,
}

impl<'t> UrlReader<'_, 't> {
    fn tainted(&self, node: Node<'_>) -> bool {
        self.flow.origin(self.file, node).is_some()
    }

    /// An opaque value: request data or not. The request's own path
    /// (`request.path`, `req.originalUrl`) always starts with `/`, so after
    /// a base URL it cannot reach the host.
    fn hole(&self, node: Node<'_>) -> Vec<Piece> {
        match self.flow.origin(self.file, node) {
            Some(origin) if origin.kind == SourceKind::Url && is_request_path(&origin.source) => {
                vec![Piece::Text("/".into()), Piece::Hole(true)]
            }
            Some(_) => vec![Piece::Hole(true)],
            None => vec![Piece::Hole(false)],
        }
    }

    /// The pieces of `node`, in order.
    fn pieces(&self, node: Node<'t>, depth: usize) -> Vec<Piece> {
        if depth > MAX_NESTING {
            return self.hole(node);
        }
        let depth = depth + 1;
        let file = self.file;
        let field = |name: &str| node.child_by_field_name(name);
        match node.kind() {
            "parenthesized_expression" => match node.named_child(0) {
                Some(inner) => self.pieces(inner, depth),
                None => Vec::new(),
            },
            "string" | "template_string" | "string_literal" | "raw_string_literal" => self.literal(node),
            "concatenated_string" => {
                let mut cursor = node.walk();
                let parts: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                parts.into_iter().flat_map(|p| self.pieces(p, depth)).collect()
            }
            "binary_operator" | "binary_expression" => {
                let operator = field("operator").map_or("", |o| file.text_of(o));
                let (Some(left), Some(right)) = (field("left"), field("right")) else {
                    return vec![Piece::Hole(self.tainted(node))];
                };
                match operator {
                    "+" => {
                        let mut pieces = self.pieces(left, depth);
                        pieces.extend(self.pieces(right, depth));
                        pieces
                    }
                    // `"https://api.example.com/users/%s" % user_id`
                    "%" if left.kind() == "string" => {
                        let mut pieces = self.literal(left);
                        cut_at(&mut pieces, '%');
                        pieces.push(Piece::Hole(self.tainted(right)));
                        pieces
                    }
                    _ => vec![Piece::Hole(self.tainted(node))],
                }
            }
            // `"https://api.example.com/users/{}".format(user_id)`
            "call"
                if field("function").is_some_and(|f| {
                    f.kind() == "attribute"
                        && f.child_by_field_name("object").is_some_and(|o| o.kind() == "string")
                        && f.child_by_field_name("attribute").is_some_and(|a| file.text_of(a) == "format")
                }) =>
            {
                let template = field("function").and_then(|f| f.child_by_field_name("object"));
                let mut pieces = template.map_or_else(Vec::new, |t| self.literal(t));
                cut_at(&mut pieces, '{');
                let arguments = field("arguments");
                pieces.push(Piece::Hole(arguments.is_some_and(|a| self.tainted(a))));
                pieces
            }
            "macro_invocation" => self.format_macro(node),
            "identifier" => {
                if !self.tainted(node) {
                    return vec![Piece::Hole(false)];
                }
                let binding = (depth + BINDING_COST <= MAX_NESTING)
                    .then(|| binding_before(file, self.scope, file.text_of(node), node.start_byte()))
                    .flatten();
                match binding {
                    Some(binding) if !binding.destructured => self.pieces(binding.value, depth + BINDING_COST),
                    _ => vec![Piece::Hole(true)],
                }
            }
            "reference_expression" => match field("value") {
                Some(inner) => self.pieces(inner, depth),
                None => vec![Piece::Hole(self.tainted(node))],
            },
            "await" | "await_expression" => match node.named_child(0) {
                Some(inner) => self.pieces(inner, depth),
                None => vec![Piece::Hole(self.tainted(node))],
            },
            _ => self.hole(node),
        }
    }

    /// A string literal: its text and its interpolations (f-strings,
    /// template strings; Rust literals have none).
    fn literal(&self, node: Node<'t>) -> Vec<Piece> {
        let file = self.file;
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.children(&mut cursor).collect();
        // The text between the opening and closing delimiters.
        let (start, end) = match (children.first(), children.last()) {
            (Some(open), Some(close)) if children.len() >= 2 && matches!(open.kind(), "string_start" | "`" | "\"") => {
                (open.end_byte(), close.start_byte())
            }
            _ => {
                let text = file.text_of(node);
                let quote = text.find(['"', '\'', '`']).map_or(0, |q| q + 1);
                let close = text.rfind(['"', '\'', '`']).unwrap_or(text.len());
                (node.start_byte() + quote, node.start_byte() + close.max(quote))
            }
        };
        let mut pieces = Vec::new();
        let mut at = start;
        for hole in children.iter().filter(|c| matches!(c.kind(), "interpolation" | "template_substitution")) {
            if hole.start_byte() > at {
                pieces.push(Piece::Text(file.slice(at..hole.start_byte()).to_string()));
            }
            let mut inner = hole.walk();
            let value = hole.named_children(&mut inner).find(|c| !matches!(c.kind(), "format_specifier" | "type_conversion"));
            pieces.push(Piece::Hole(value.is_some_and(|v| self.tainted(v))));
            at = hole.end_byte();
        }
        if end > at {
            pieces.push(Piece::Text(file.slice(at..end).to_string()));
        }
        pieces
    }

    /// `format!("{}/users/{id}", API_BASE)`: text, inline names and
    /// positional arguments in order.
    fn format_macro(&self, node: Node<'t>) -> Vec<Piece> {
        let file = self.file;
        let is_format = node
            .child_by_field_name("macro")
            .is_some_and(|m| matches!(file.text_of(m), "format" | "format_args"));
        let tokens = node.named_children(&mut node.walk()).find(|c| c.kind() == "token_tree");
        let (true, Some(tokens)) = (is_format, tokens) else {
            return vec![Piece::Hole(self.tainted(node))];
        };
        let Some(template) = tokens.named_children(&mut tokens.walk()).find(|c| c.kind() == "string_literal") else {
            return vec![Piece::Hole(self.tainted(node))];
        };
        let text = file.text_of(template);
        let text = text.trim_start_matches('"').trim_end_matches('"');
        let rest = file.slice(template.end_byte()..tokens.end_byte().saturating_sub(1));
        let mut positional = split_top_level(rest).into_iter();
        let mut pieces = Vec::new();
        let mut chars = text;
        while let Some(open) = chars.find('{') {
            if chars[open + 1..].starts_with('{') {
                pieces.push(Piece::Text(chars[..open + 1].to_string()));
                chars = &chars[open + 2..];
                continue;
            }
            pieces.push(Piece::Text(chars[..open].to_string()));
            let close = chars[open..].find('}').map_or(chars.len(), |c| open + c);
            let inner = &chars[open + 1..close];
            let name = inner.split(':').next().unwrap_or("");
            let tainted = if name.is_empty() || name.chars().all(|c| c.is_ascii_digit()) {
                positional
                    .next()
                    .is_some_and(|arg| self.names.iter().any(|n| mentions(arg, n)))
            } else {
                self.names.contains(&name)
            };
            pieces.push(Piece::Hole(tainted));
            chars = chars.get(close + 1..).unwrap_or("");
        }
        pieces.push(Piece::Text(chars.to_string()));
        pieces
    }
}

/// Request reads that hold the path of the request, not a full URL.
fn is_request_path(source: &str) -> bool {
    let last = source.trim_end_matches("()").rsplit('.').next().unwrap_or("");
    match last {
        "path" | "full_path" | "path_info" | "get_full_path" | "raw_path" | "originalUrl" => true,
        // Node's and Koa's `url` is the path; Hono's `c.req.url`, Flask's and
        // Starlette's `request.url` are absolute.
        "url" => matches!(source, "req.url" | "ctx.url" | "ctx.request.url"),
        _ => false,
    }
}

/// Ends a literal's text at the first `marker` (`%s`, `{}`): the value
/// goes there.
fn cut_at(pieces: &mut Vec<Piece>, marker: char) {
    if let Some(Piece::Text(text)) = pieces.first_mut() {
        if let Some(at) = text.find(marker) {
            text.truncate(at);
        }
    }
    pieces.truncate(1);
}

/// The comma-separated arguments after a format string, at bracket depth
/// zero.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                let part = text[start..i].trim();
                if !part.is_empty() {
                    parts.push(part);
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = text[start..].trim();
    if !last.is_empty() {
        parts.push(last);
    }
    parts
}

/// True when the request data decides the host: the text before the first
/// request-data hole ends inside the scheme or the authority.
fn host_is_chosen_by_client(pieces: &[Piece]) -> bool {
    let mut prefix = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => prefix.push_str(text),
            // A constant (`API_BASE`, `settings.X`) stands for a base URL.
            Piece::Hole(false) => prefix.push('\u{0}'),
            Piece::Hole(true) => {
                let after_scheme = match prefix.find("://") {
                    Some(at) => &prefix[at + 3..],
                    None => prefix.strip_prefix("//").unwrap_or(&prefix),
                };
                return !after_scheme.contains(['/', '?', '#']);
            }
        }
    }
    false
}

// ---------------------------------------------------------------- guards

/// Words of an allow-list.
const ALLOW_WORDS: &[&str] = &["allow", "ALLOW", "Allow", "whitelist", "WHITELIST", "trusted", "TRUSTED", "Trusted", "permitted", "PERMITTED"];
const HOST_WORDS: &[&str] = &["host", "netloc", "origin", "domain"];
const COMPARISONS: &[&str] = &[" in ", "includes(", ".has(", "contains(", "==", "!=", ".some(", "any(", "startswith(", "startsWith(", "starts_with(", "match"];

/// True when a line above the sink checks one of `names` (or a value
/// parsed from one) against an allow-list or a host.
fn allow_listed(file: &SourceFile, handler: &Handler<'_>, sink: Node<'_>, names: &[String]) -> bool {
    let lines = lines_before(file, handler.node, sink.start_byte());
    let mut names: Vec<String> = names.to_vec();
    // One step of aliases: `parsed = urlparse(target)`, `const u = new URL(target)`.
    for line in &lines {
        let Some((left, right)) = line.split_once('=') else { continue };
        if right.starts_with('=') || left.ends_with(['!', '<', '>', '=']) {
            continue;
        }
        if names.iter().any(|n| mentions(right, n)) {
            let alias = left
                .split_whitespace()
                .last()
                .unwrap_or("")
                .split(':')
                .next()
                .unwrap_or("")
                .trim();
            if !alias.is_empty() && alias.chars().all(|c| c.is_alphanumeric() || c == '_') {
                names.push(alias.to_string());
            }
        }
    }
    lines.iter().any(|line| {
        let conditional = ["if ", "if(", "assert", "unless", "ensure", "return", "throw", "raise"]
            .iter()
            .any(|w| line.contains(w))
            || line.trim_start().starts_with("if");
        let mentioned = names.iter().any(|n| mentions(line, n));
        let host_check = HOST_WORDS.iter().any(|w| line.contains(w)) && COMPARISONS.iter().any(|c| line.contains(c));
        let allow_check = ALLOW_WORDS.iter().any(|w| line.contains(w));
        mentioned && conditional && (host_check || allow_check)
    })
}

fn help(language: Language) -> &'static str {
    match language {
        Language::Python => "keep the host in code and put request values only in the path or query (`f\"{API_BASE}/users/{user_id}\"`, `params={...}`); when the client must choose, check the parsed host first: `if urlparse(url).hostname not in ALLOWED_HOSTS: abort(400)`, require `https`, and disable redirects (`allow_redirects=False` / `follow_redirects=False`)",
        Language::Rust => "keep the host in code (`format!(\"{API_BASE}/users/{id}\")`, `.query(&[(\"q\", q)])`); when the client must choose, parse and check first: `let url = Url::parse(&input)?; if !ALLOWED_HOSTS.contains(&url.host_str().unwrap_or_default()) { return Err(StatusCode::BAD_REQUEST) }`, and build the client with `redirect::Policy::none()`",
        _ => "keep the host in code (`` `${API_BASE}/users/${encodeURIComponent(id)}` ``); when the client must choose, parse and check first: `const u = new URL(target); if (u.protocol !== 'https:' || !ALLOWED_HOSTS.has(u.hostname)) return res.sendStatus(400);`, and do not follow redirects (`redirect: 'manual'`, `maxRedirects: 0`)",
    }
}

impl Rule for ServerSideRequestForgery {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests and examples call the URLs they are given.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["requests", "httpx", "urllib", "aiohttp"],
            Language::Rust => &["reqwest", "ureq", "surf", ".send()"],
            _ => &["fetch", "axios", "got", "http", "needle", "superagent", "undici"],
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
        let Some(origin) = flow.origin(file, sink.url) else {
            return;
        };
        let reader = UrlReader {
            file,
            flow: &flow,
            scope: handler.node,
            names: flow.names(),
        };
        if !host_is_chosen_by_client(&reader.pieces(sink.url, 0)) {
            return;
        }
        let mut names = tainted_names_in(file, &flow, sink.url);
        if sink.url.kind() == "identifier" {
            names.push(file.text_of(sink.url).to_string());
        }
        if allow_listed(file, &handler, node, &names) {
            return;
        }
        ctx.report(
            Diagnostic::new(
                sink.url.byte_range(),
                format!(
                    "`{}` in {} calls a URL whose host comes from {} ({}): a client can make the service reach internal addresses — cloud metadata (169.254.169.254), admin ports, services behind the firewall",
                    sink.api,
                    handler.describe(),
                    origin.describe(),
                    origin.kind.noun()
                ),
            )
            .help(help(language)),
        );
    }
}

const DOCS: &str = r#"
## What it does
Finds outbound HTTP calls in request handlers whose URL takes its host from
request data (route parameters, query string, body, headers), followed
through local names and string building. Clients: Python `requests`,
`httpx`, `urllib.request.urlopen`/`Request`, `aiohttp.request`, and methods
of sessions and clients (`session.get`, `client.post`) in files that import
them; JavaScript/TypeScript `fetch`, `node-fetch`, `undici`, `axios`,
`got`, `http(s).get/request`, `needle`, `superagent`; Rust `reqwest::get`,
`ureq`, `surf`, and `get`/`post`/… on a reqwest client.

Only the host matters: a URL is reported when the request data comes
before the end of its authority — the whole URL, `"https://" + host`,
`f"https://{tenant}.example.com"`, `urljoin(BASE, path)` (an absolute
`path` replaces the host), a fixed host without a slash before the value
(`"https://api.example.com" + path`, where `@evil.test` changes the host).
A value after a fixed host and a `/`, `?` or `#` is not reported.

## Why it matters
Checklist TASK-3.1 and SCOPE-4.6 (OWASP Top 10: SSRF), red flag RF-2. The
service sits inside the network: a URL chosen by the client reaches the
cloud metadata endpoint (credentials), admin interfaces on localhost, and
internal services that trust the caller's network position.

## Example
```python
@app.post("/webhooks/test")
def test_webhook():
    url = request.json["url"]
    return {"status": requests.post(url, json={"ping": True}, timeout=5).status_code}
```

## Use instead
```python
ALLOWED_HOSTS = {"hooks.slack.com", "discord.com"}

@app.post("/webhooks/test")
def test_webhook():
    url = request.json["url"]
    parsed = urlparse(url)
    if parsed.scheme != "https" or parsed.hostname not in ALLOWED_HOSTS:
        abort(400)
    return {"status": requests.post(url, json={"ping": True}, timeout=5, allow_redirects=False).status_code}
```
Or keep the host in code: `f"{API_BASE}/users/{user_id}"`,
`` `${API_BASE}/search?q=${encodeURIComponent(q)}` ``.

## Configuration
Select or ignore it by name, `TASK-3.1`, `SCOPE-4.6` or `RF-2`. Tests and
examples are not checked. An allow-list counts when a line of the handler
above the call names the URL (or a value parsed from it), a host or an
allow-list, and a comparison. Not seen: URLs built or checked in another
function, client instances with a base URL (`axios.create`,
`httpx.Client(base_url=…)`) called with a request value (an absolute value
still overrides the base), redirects followed to internal hosts, and DNS
names that resolve to internal addresses (check the resolved address when
the host is open-ended).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("server-side-request-forgery", "TASK-3.1")
        .red_flag("RF-2")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A request handler calls a URL whose host comes from the request (server-side request forgery).")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "injection"])
        .cwe(&["CWE-918"])
        .security_severity(8.6)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import httpx
            import requests
            from flask import Flask, request

            app = Flask(__name__)

            @app.post("/webhooks/test")
            def test_webhook():
                url = request.json["url"]
                resp = requests.post(url, json={"ping": True}, timeout=5)
                return {"status": resp.status_code}

            @app.get("/preview")
            def preview():
                host = request.args.get("host", "")
                page = httpx.get(f"https://{host}/index.html", timeout=5)
                return page.text
            "#,
            2,
        )
        .valid(
            FileKind::Python,
            r#"
            from urllib.parse import urlparse

            import requests
            from flask import Flask, abort, request

            app = Flask(__name__)
            API_BASE = "https://users.internal.example.com"
            ALLOWED_HOSTS = {"hooks.slack.com", "discord.com"}

            @app.get("/users/<user_id>")
            def user(user_id):
                return requests.get(f"{API_BASE}/users/{user_id}", timeout=5).json()

            @app.get("/search")
            def search():
                q = request.args["q"]
                return requests.get(API_BASE + "/search", params={"q": q}, timeout=5).json()

            @app.post("/webhooks/test")
            def test_webhook():
                url = request.json["url"]
                if urlparse(url).hostname not in ALLOWED_HOSTS:
                    abort(400)
                return {"status": requests.post(url, json={"ping": True}, timeout=5).status_code}
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import axios from "axios";

            const app = express();

            app.get("/proxy", async (req, res) => {
              const upstream = await fetch(String(req.query.url));
              res.status(upstream.status).send(await upstream.text());
            });

            app.post("/avatars/import", async (req, res) => {
              const { imageUrl } = req.body;
              const { data } = await axios.get(imageUrl, { responseType: "arraybuffer", timeout: 5000 });
              res.json({ bytes: data.length });
            });
            "#,
            2,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import axios from "axios";

            const app = express();
            const API_BASE = process.env.CATALOG_URL;
            const ALLOWED_HOSTS = new Set(["images.example-cdn.com"]);

            app.get("/products/:id", async (req, res) => {
              const r = await fetch(`${API_BASE}/products/${encodeURIComponent(req.params.id)}`);
              res.json(await r.json());
            });

            app.post("/avatars/import", async (req, res) => {
              const target = new URL(req.body.imageUrl);
              if (!ALLOWED_HOSTS.has(target.hostname)) {
                return res.sendStatus(400);
              }
              const { data } = await axios.get(target.toString(), { timeout: 5000, maxRedirects: 0 });
              res.json({ bytes: data.length });
            });
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use axum::extract::{Query, State};
            use serde::Deserialize;

            #[derive(Deserialize)]
            struct Fetch {
                url: String,
            }

            async fn fetch_remote(Query(params): Query<Fetch>) -> Result<String, AppError> {
                Ok(reqwest::get(&params.url).await?.text().await?)
            }

            async fn ping(State(state): State<AppState>, Query(params): Query<Fetch>) -> Result<String, AppError> {
                let target = format!("http://{}/health", params.url);
                Ok(state.client.get(target).send().await?.text().await?)
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            use axum::extract::{Path, State};

            const API_BASE: &str = "https://users.internal.example.com";

            struct AppState {
                client: reqwest::Client,
            }

            async fn user(State(state): State<AppState>, Path(name): Path<String>) -> Result<String, AppError> {
                let url = format!("{API_BASE}/users/{name}");
                Ok(state.client.get(url).send().await?.text().await?)
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use super::{host_is_chosen_by_client, Piece};
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn findings(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("server-side-request-forgery", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    fn text(t: &str) -> Piece {
        Piece::Text(t.to_string())
    }

    #[test]
    fn the_host_is_fixed_by_a_slash_after_the_authority() {
        let fixed = [
            vec![text("https://api.example.com/users/"), Piece::Hole(true)],
            vec![Piece::Hole(false), text("/users/"), Piece::Hole(true)],
            vec![text("/api/"), Piece::Hole(true)],
            vec![text("https://api.example.com?q="), Piece::Hole(true)],
        ];
        for pieces in fixed {
            assert!(!host_is_chosen_by_client(&pieces), "{pieces:?}");
        }
        let chosen = [
            vec![Piece::Hole(true)],
            vec![text("https://"), Piece::Hole(true), text("/x")],
            vec![text("https://api.example.com"), Piece::Hole(true)],
            vec![Piece::Hole(false), Piece::Hole(true)],
            vec![text("http://"), Piece::Hole(false), text("."), Piece::Hole(true)],
        ];
        for pieces in chosen {
            assert!(host_is_chosen_by_client(&pieces), "{pieces:?}");
        }
    }

    #[test]
    fn string_building_forms_are_read_for_the_host() {
        let code = r#"
            import requests
            from flask import request

            @app.get("/a")
            def a():
                region = request.args["region"]
                requests.get("https://%s.api.example.com/v1" % region, timeout=5)
                requests.get("https://api.example.com/v1/{}".format(region), timeout=5)
                base = "https://" + region
                requests.get(base + "/status", timeout=5)
                requests.get(urljoin(API_BASE, request.args["next"]), timeout=5)
            "#;
        let found = findings("app/views.py", FileKind::Python, code);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].contains("`request.args` (via `region`) (query string)"), "{}", found[0]);
    }

    #[test]
    fn the_request_path_after_a_base_keeps_the_host() {
        let code = r#"
            import requests

            def proxy(request):
                r = requests.get(settings.UPSTREAM + request.path, timeout=5)
                return JsonResponse(r.json())
            "#;
        assert!(findings("shop/views.py", FileKind::Python, code).is_empty());
        let js = r#"
            const axios = require("axios");
            app.use("/api", async (req, res) => {
              const r = await axios.get(UPSTREAM + req.originalUrl, { timeout: 5000 });
              const s = await axios.get(req.query.target, { timeout: 5000 });
              res.json([r.data, s.data]);
            });
            "#;
        assert_eq!(findings("src/proxy.js", FileKind::JavaScript, js).len(), 1);
    }

    #[test]
    fn hostile_concatenation_depth_does_not_overflow() {
        let chain = " + \"a\"".repeat(50_000);
        let code = format!(
            "import requests\n\ndef proxy(request):\n    return requests.get(request.GET[\"u\"]{chain}, timeout=5)\n"
        );
        let found = findings("shop/views.py", FileKind::Python, &code);
        assert!(found.len() <= 1, "{found:#?}");
    }

    #[test]
    fn sessions_and_clients_in_a_file_that_imports_them() {
        let code = r#"
            import aiohttp
            from aiohttp import web

            async def proxy(request):
                target = request.query["url"]
                async with aiohttp.ClientSession() as session:
                    async with session.get(target) as resp:
                        return web.Response(text=await resp.text())

            async def lookup(request):
                key = request.query["k"]
                return web.json_response(CACHE.get(key))
            "#;
        let found = findings("app/handlers.py", FileKind::Python, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`session.get`"), "{}", found[0]);
    }

    #[test]
    fn rust_client_field_sending_a_request() {
        let code = r#"
            async fn preview(State(state): State<AppState>, Query(q): Query<Preview>) -> String {
                let page = state.http.get(&q.url).send().await;
                let cached = state.cache.get(&q.url);
                String::new()
            }
            "#;
        let found = findings("src/api/previews.rs", FileKind::Rust, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`state.http.get`"), "{}", found[0]);
    }

    #[test]
    fn http_get_options_object_host() {
        let code = r#"
            const http = require("http");
            app.get("/status", (req, res) => {
              http.get({ host: req.query.host, path: "/health" }, (r) => res.sendStatus(r.statusCode));
            });
            "#;
        let found = findings("src/routes.js", FileKind::JavaScript, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`http.get`"), "{}", found[0]);
    }
}
