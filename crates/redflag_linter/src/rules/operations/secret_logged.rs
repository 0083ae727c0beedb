//! `secret-logged`: a log or print call whose arguments carry a password,
//! token, secret, API key or credential — by name: an identifier, an
//! attribute, an f-string/template interpolation, a `%s` argument, a
//! structured field (`password=pw`, `{ password }`, `token = %token`).
//!
//! The name decides, not the words of a message: "password reset email
//! sent" is a string, not a secret. A name is a secret when its head noun is
//! one (`access_token`, `user.password`, `apiKey`, `SECRET_KEY`); names that
//! describe a secret without being it are not (`password_policy`,
//! `token_type`, `token_count`, `has_password`, `hashed_password`,
//! `max_tokens`, `next_page_token`), and neither are values passed through
//! a function (`mask(token)`, `len(password)`, `token[:4]`, `hash(...)`),
//! except the ones that only change the type (`str(token)`,
//! `JSON.stringify(creds)`, `token.as_str()`).

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::facts::operations::is_tool_path;
use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, rust_in_test_code};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(SecretLogged { meta: meta() })
}

struct SecretLogged {
    meta: RuleMeta,
}

/// Most argument nodes looked at per call: a guard for generated code.
const MAX_NODES: usize = 512;

/// Head nouns of secret names.
const SECRET_NOUNS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "credentials",
    "creds",
    "apikey",
    "authorization",
];

/// Words before `key` that make it a secret (`api_key`, `private_key`).
const KEY_QUALIFIERS: &[&str] = &[
    "api",
    "secret",
    "private",
    "access",
    "signing",
    "encryption",
    "client",
    "master",
    "auth",
];

/// Words that make a secret-named value something derived from it or
/// about it: a hash, a length, a type, a policy, pagination, NLP tokens.
const DERIVED_WORDS: &[&str] = &[
    "hash", "hashed", "digest", "masked", "mask", "redacted", "hidden", "encrypted", "len",
    "length", "count", "num", "max", "min", "total", "type", "policy", "prefix", "hint", "page",
    "next", "continuation", "cursor", "eos", "bos", "pad", "unk", "sep", "cls", "csrf", "xsrf",
];

/// First words of booleans (`has_password`, `is_token_valid`).
const BOOLEAN_PREFIXES: &[&str] = &[
    "is", "has", "should", "can", "needs", "need", "require", "requires", "use", "uses", "valid",
    "missing", "no", "with", "allow", "enable", "enabled", "show", "check", "must", "did",
];

/// Splits a name into lower-case words: `accessToken`, `ACCESS_TOKEN`,
/// `x-api-key`, `APIKey` → `[access, token]`, …, `[api, key]`.
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// True when a name (identifier, attribute, key) names a secret value.
fn is_secret_name(name: &str) -> bool {
    let words = words(name);
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return false;
    };
    let noun = SECRET_NOUNS.contains(&last.as_str())
        || (last == "key"
            && words.len() >= 2
            && KEY_QUALIFIERS.contains(&words[words.len() - 2].as_str()));
    noun && !(words.len() > 1 && BOOLEAN_PREFIXES.contains(&first.as_str()))
        && !words.iter().any(|w| DERIVED_WORDS.contains(&w.as_str()))
}

/// Calls that change a value's type but keep its content.
const PASS_THROUGH: &[&str] = &[
    "str", "repr", "format", "dumps", "stringify", "String", "toString", "to_string", "as_str",
    "clone", "to_owned", "as_ref", "expose_secret", "unwrap", "get_secret_value", "decode",
    "encode", "strip", "trim", "dict", "vars", "toJSON", "inspect",
];

/// Calls that look a value up by name.
const LOOKUPS: &[&str] = &["get", "getenv", "header", "getHeader", "get_header", "var"];

/// The first secret-named value among `roots`, read as `language` code.
/// Works through a bounded queue (no recursion on syntax trees).
fn find_secret(file: &SourceFile, language: Language, roots: Vec<Node<'_>>) -> Option<String> {
    let mut queue = roots;
    let mut seen = 0;
    while let Some(node) = queue.pop() {
        seen += 1;
        if seen > MAX_NODES {
            return None;
        }
        let text = || file.text_of(node).to_string();
        match node.kind() {
            "identifier" | "shorthand_property_identifier" => {
                let name = file.text_of(node);
                if is_secret_name(name) && !is_loop_variable(file, name) {
                    return Some(name.to_string());
                }
            }
            // Python `a.b`, JS `a.b`: the attribute names the value.
            "attribute" | "member_expression" => {
                let field = if node.kind() == "attribute" { "attribute" } else { "property" };
                if node
                    .child_by_field_name(field)
                    .is_some_and(|p| is_secret_name(file.text_of(p)))
                {
                    return Some(text());
                }
            }
            // `headers["Authorization"]`, `data['password']`; slices and
            // computed indexes are derived or unknown.
            "subscript" | "subscript_expression" => {
                let index = node
                    .child_by_field_name("subscript")
                    .or_else(|| node.child_by_field_name("index"));
                if index.is_some_and(|i| {
                    matches!(i.kind(), "string")
                        && is_secret_name(file.text_of(i).trim_matches(['"', '\'', '`']))
                }) {
                    return Some(text());
                }
            }
            "call" | "call_expression" => {
                let callee = callee_path(file, language, node).unwrap_or_default();
                let last = callee.rsplit('.').next().unwrap_or("");
                // `headers.get("Authorization")`, `req.header('x-api-key')`,
                // `os.getenv("API_KEY")`: a lookup by a secret's name.
                if LOOKUPS.contains(&last) {
                    let key = node
                        .child_by_field_name("arguments")
                        .and_then(|a| named_children(a).into_iter().next())
                        .filter(|k| k.kind() == "string");
                    if key.is_some_and(|k| {
                        is_secret_name(file.text_of(k).trim_matches(['"', '\'', '`']))
                    }) {
                        return Some(text());
                    }
                }
                if PASS_THROUGH.contains(&last) {
                    if let Some(args) = node.child_by_field_name("arguments") {
                        queue.extend(named_children(args));
                    }
                    // `token.toString()`, `"{}".format(secret)`: the receiver.
                    if let Some(object) = node
                        .child_by_field_name("function")
                        .and_then(|f| f.child_by_field_name("object"))
                    {
                        queue.push(object);
                    }
                } else if callee.is_empty() {
                    // `f"...".format(x)` has a string receiver.
                    if let Some(function) = node.child_by_field_name("function") {
                        if function
                            .child_by_field_name("attribute")
                            .is_some_and(|a| file.text_of(a) == "format")
                        {
                            if let Some(args) = node.child_by_field_name("arguments") {
                                queue.extend(named_children(args));
                            }
                        }
                    }
                }
            }
            // Strings: only their interpolations (`f"{token}"`, `${token}`).
            "string" | "template_string" | "concatenated_string" => {
                queue.extend(named_children(node));
            }
            "interpolation" | "template_substitution" => {
                let inner = node.child_by_field_name("expression");
                match inner {
                    Some(expression) => queue.push(expression),
                    None => queue.extend(named_children(node)),
                }
            }
            // `"pw: " + password`, `"%s" % token`; comparisons are booleans.
            "binary_operator" | "binary_expression" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map_or("", |o| file.text_of(o));
                if matches!(operator, "+" | "%") {
                    queue.extend(named_children(node));
                }
            }
            "parenthesized_expression" | "tuple" | "list" | "array" | "expression_list" => {
                queue.extend(named_children(node));
            }
            "keyword_argument" => {
                let key = node.child_by_field_name("name").map_or("", |k| file.text_of(k));
                let value = node.child_by_field_name("value");
                if let Some(found) = keyed(file, key, value) {
                    return Some(found);
                }
                queue.extend(value);
            }
            "dictionary" | "object" => queue.extend(named_children(node)),
            "pair" => {
                let key = node.child_by_field_name("key").map_or("", |k| {
                    file.text_of(k).trim_matches(['"', '\'', '`'])
                });
                let value = node.child_by_field_name("value");
                if let Some(found) = keyed(file, key, value) {
                    return Some(found);
                }
                queue.extend(value);
            }
            _ => {}
        }
    }
    None
}

/// A structured field with a secret-named key (`password=pw`,
/// `{ token: req.headers.authorization }`): a secret unless its value is a
/// literal, a derived value or itself named as something else.
fn keyed(file: &SourceFile, key: &str, value: Option<Node<'_>>) -> Option<String> {
    if !is_secret_name(key) {
        return None;
    }
    let value = value?;
    let carries = match value.kind() {
        "identifier" => {
            let name = file.text_of(value);
            !describes(name) && !matches!(name, "None" | "undefined" | "null" | "True" | "False")
        }
        "attribute" | "member_expression" => {
            let field = if value.kind() == "attribute" { "attribute" } else { "property" };
            value
                .child_by_field_name(field)
                .is_none_or(|p| !describes(file.text_of(p)))
        }
        "subscript" | "subscript_expression" => true,
        "template_string" | "string" => named_children(value)
            .iter()
            .any(|c| matches!(c.kind(), "interpolation" | "template_substitution")),
        _ => false,
    };
    carries.then(|| key.to_string())
}

/// True for a name that describes a value rather than being one
/// (`secret_name`, `token_id`, `key_path`, `expires_at`, `is_valid`).
fn describes(name: &str) -> bool {
    let words = words(name);
    words.iter().any(|w| DERIVED_WORDS.contains(&w.as_str()))
        || words.first().is_some_and(|f| BOOLEAN_PREFIXES.contains(&f.as_str()))
        || words.last().is_some_and(|l| {
            matches!(
                l.as_str(),
                "name" | "id" | "url" | "uri" | "path" | "file" | "at" | "expiry" | "expires" | "ttl"
                    | "version" | "kind" | "source" | "algorithm" | "alg" | "set" | "present"
            )
        })
}

fn named_children(node: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// `for token in tokens:`, `for i, token in enumerate(...)`,
/// `for (const token of stream)`: a loop over lexer or LLM tokens, not an
/// auth token.
fn is_loop_variable(file: &SourceFile, name: &str) -> bool {
    file.text.lines().any(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix("async ").unwrap_or(line);
        let Some(rest) = line
            .strip_prefix("for ")
            .or_else(|| line.strip_prefix("for await "))
        else {
            return false;
        };
        let head = match (rest.find(" in "), rest.find(" of ")) {
            (Some(at), _) | (None, Some(at)) => &rest[..at],
            (None, None) => return false,
        };
        head.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == name)
    })
}

// ---------------------------------------------------------------- log calls

const PY_LEVELS: &[&str] = &[
    "debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log", "msg",
];
const JS_LEVELS: &[&str] = &[
    "log", "info", "warn", "error", "debug", "trace", "fatal", "verbose", "http", "silly", "dir",
];
const RUST_LOG_MACROS: &[&str] = &[
    "println", "eprintln", "print", "eprint", "dbg", "info", "warn", "error", "debug", "trace",
    "event",
];

/// A receiver that is a logger (`logger`, `log`, `self.logger`, `req.log`,
/// `LOGGER`, `app.logger`, `logging`).
fn is_logger(receiver: &str) -> bool {
    let last = receiver.rsplit('.').next().unwrap_or(receiver).to_ascii_lowercase();
    last.contains("log") && !last.contains("catalog") && !last.contains("dialog") && !last.contains("blog")
}

/// The log call a call node is, as written, if it is one.
fn log_call(file: &SourceFile, language: Language, node: Node<'_>) -> Option<String> {
    let callee = callee_path(file, language, node)?;
    if language == Language::Python && callee == "print" {
        return Some(callee);
    }
    let (receiver, method) = callee.rsplit_once('.')?;
    let levels = if language == Language::Python { PY_LEVELS } else { JS_LEVELS };
    let logger = receiver == "console" && language.is_js_family() || is_logger(receiver);
    (logger && levels.contains(&method)).then_some(callee)
}

/// The secret-named value among a Rust log macro's tokens: positional
/// arguments, `{name}` captures in the format string, tracing fields
/// (`token = %token`, `?creds`). A name followed by a call (`mask(&t)`,
/// `t.len()`) is derived, unless the call only converts it.
fn rust_macro_secret(file: &SourceFile, tokens: Node<'_>) -> Option<String> {
    let mut stack = vec![tokens];
    let mut seen = 0;
    while let Some(tree) = stack.pop() {
        let mut cursor = tree.walk();
        let children: Vec<Node<'_>> = tree.children(&mut cursor).collect();
        seen += children.len();
        if seen > MAX_NODES {
            return None;
        }
        let text = |i: usize| children.get(i).map_or("", |n| file.text_of(*n));
        let mut i = 0;
        while i < children.len() {
            let node = children[i];
            match node.kind() {
                "string_literal" | "raw_string_literal" => {
                    if let Some(found) = format_captures(file.text_of(node)) {
                        return Some(found);
                    }
                }
                "token_tree" => stack.push(node),
                "identifier" if text(i.wrapping_sub(1)) != "." || i == 0 => {
                    // A chain `a.b.c`, maybe with calls.
                    let mut name = file.text_of(node).to_string();
                    let mut shown = name.clone();
                    let mut j = i + 1;
                    let mut derived = false;
                    loop {
                        if text(j) == "::" || text(j) == "!" {
                            derived = true;
                            break;
                        }
                        if children.get(j).is_some_and(|n| n.kind() == "token_tree") {
                            // A call: `name(...)`.
                            if !PASS_THROUGH.contains(&name.as_str()) || j == i + 1 {
                                derived = true;
                            }
                            j += 1;
                            continue;
                        }
                        if text(j) == "." && children.get(j + 1).is_some_and(|n| n.kind() == "identifier") {
                            let next = text(j + 1).to_string();
                            let is_call = children.get(j + 2).is_some_and(|n| n.kind() == "token_tree");
                            if is_call && !PASS_THROUGH.contains(&next.as_str()) {
                                derived = true;
                            }
                            if !is_call {
                                name.clone_from(&next);
                                shown = format!("{shown}.{next}");
                            }
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    // `key = value`: a tracing field named as a secret.
                    if text(j) == "=" && text(j + 1) != "=" {
                        let mut v = j + 1;
                        if matches!(text(v), "%" | "?") {
                            v += 1;
                        }
                        let value = children.get(v);
                        let literal = value.is_none_or(|n| {
                            matches!(
                                n.kind(),
                                "string_literal" | "integer_literal" | "float_literal" | "boolean_literal"
                            )
                        });
                        let value_derived = value.is_some_and(|n| {
                            n.kind() == "identifier"
                                && (children.get(v + 1).is_some_and(|t| t.kind() == "token_tree")
                                    || (text(v + 1) == "."
                                        && children.get(v + 3).is_some_and(|t| t.kind() == "token_tree")
                                        && !PASS_THROUGH.contains(&text(v + 2))))
                        });
                        if is_secret_name(&name) && !literal && !value_derived {
                            return Some(shown);
                        }
                        i = j + 1;
                        continue;
                    }
                    if !derived && is_secret_name(&name) {
                        return Some(shown);
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
    None
}

/// `{password}` / `{token:?}` captures in a Rust format string.
fn format_captures(literal: &str) -> Option<String> {
    let mut rest = literal;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if rest.starts_with('{') {
            rest = &rest[1..];
            continue;
        }
        let end = rest.find(['}', ':']).unwrap_or(rest.len());
        let name = rest[..end].trim();
        if !name.is_empty()
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
            && is_secret_name(name)
        {
            return Some(name.to_string());
        }
    }
    None
}

fn report(ctx: &mut NodeContext<'_>, node: Node<'_>, call: &str, value: &str) {
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!(
                "`{call}(...)` logs `{value}`, a secret-named value: log lines are kept, shipped to other systems and read by many more people than the secret's owners"
            ),
        )
        .help("log an identifier or a fact about the secret instead (`user_id`, `token_type`, whether it was present, the last 4 characters), or redact it in the logger (a structlog processor, pino `redact: ['password', 'req.headers.authorization']`)"),
    );
}

impl Rule for SecretLogged {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let secrets = [
            "assw", "ASSW", "ecret", "ECRET", "oken", "OKEN", "redential", "REDENTIAL", "creds",
            "Creds", "CREDS", "piKey", "pikey", "pi_key", "PI_KEY", "passphrase", "uthorization",
            "key", "Key", "KEY",
        ];
        let logs: &[&str] = match language {
            Language::Python => &["print(", "log"],
            Language::Rust => &["!("],
            _ => &["console.", "log"],
        };
        Some(vec![
            secrets.iter().map(|s| (*s).to_string()).collect(),
            logs.iter().map(|s| (*s).to_string()).collect(),
        ])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kind = match language {
            Language::Python => "call",
            Language::Rust => "macro_invocation",
            _ => "call_expression",
        };
        vec![kind.to_string()]
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let language = ctx.language();
        if language == Language::Rust {
            let Some(name) = node.child_by_field_name("macro").map(|m| file.text_of(m)) else {
                return;
            };
            let last = name.rsplit("::").next().unwrap_or(name);
            let qualified_ok = name == last
                || ["std::", "log::", "tracing::", "::std::"]
                    .iter()
                    .any(|p| name.starts_with(p));
            if !qualified_ok || !RUST_LOG_MACROS.contains(&last) || rust_in_test_code(file, ctx.ancestors) {
                return;
            }
            // A tool's stdout is its output (a generated key shown once).
            if matches!(last, "println" | "print" | "eprintln" | "eprint") && is_tool_path(&file.path) {
                return;
            }
            let mut cursor = node.walk();
            let tokens = node.children(&mut cursor).find(|c| c.kind() == "token_tree");
            if let Some(value) = tokens.and_then(|t| rust_macro_secret(file, t)) {
                report(ctx, node, &format!("{name}!"), &value);
            }
            return;
        }
        let Some(call) = log_call(file, language, node) else {
            return;
        };
        if call == "print" && is_tool_path(&file.path) {
            return;
        }
        let Some(args) = node.child_by_field_name("arguments") else {
            return;
        };
        if let Some(value) = find_secret(file, language, named_children(args)) {
            report(ctx, node, &call, &value);
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds log and print calls whose arguments carry a secret by name.
Calls: Python `print`, `logging.*`/`logger.*`/`log.*`/`self.logger.*`/
`app.logger.*` (debug … critical, `exception`, `log`), structlog loggers;
JavaScript/TypeScript `console.*`, `logger.*`/`log.*`/`this.logger.*`/
`req.log.*`/`fastify.log.*` (pino, winston, bunyan, NestJS `Logger`); Rust
`println!`/`eprintln!`/`print!`/`eprint!`/`dbg!`, `log`/`tracing`
`info!`/`warn!`/`error!`/`debug!`/`trace!`/`event!`.

Arguments: identifiers and attributes (`password`, `user.password`,
`settings.SECRET_KEY`), subscripts and lookups with a string key
(`request.headers["Authorization"]`, `req.headers['x-api-key']`,
`request.headers.get("Authorization")`, `os.getenv("API_KEY")`), f-string
and template-literal interpolations, `%`/`+` operands, `.format(...)`
arguments, keyword and object fields (`password=pw`, `extra={"token": t}`,
`{ password }`, `{ token: req.headers.authorization }`), Rust format
captures (`"{password}"`) and tracing fields (`token = %token`, `?creds`).

A name is a secret when its head noun is: password, passwd, passphrase,
secret, token, credential(s), creds, apikey, authorization, or `key` after
api/secret/private/access/signing/encryption/client/master/auth. Not
secrets: names about a secret (`password_policy`, `token_type`,
`token_count`, `max_tokens`, `next_page_token`, `password_hash`,
`hashed_password`, `csrf_token`), booleans (`has_password`,
`is_token_valid`), values passed through a function (`mask(token)`,
`len(password)`, `hash(...)`, `token[:4]`, `token.len()`) — except
conversions that keep the content (`str()`, `JSON.stringify`,
`.toString()`, `.as_str()`, `expose_secret()`) — words inside a string
literal ("password reset email sent"), and loop variables named `token`
(lexer and LLM token streams).

## Why it matters
Checklist TASK-3.3 (secrets kept in a vault or the environment, never in
code): a secret written to a log is a secret copied into every system the
logs go to — the log pipeline, its storage and backups, error trackers —
readable by far more people than the secret's owners and kept for months
(CWE-532).

## Example
```python
logger.info("login attempt user=%s password=%s", username, password)
```

## Use instead
```python
logger.info("login attempt", extra={"user": username, "password_set": bool(password)})
```
Or redact centrally: a structlog processor that drops `password`/`token`
keys, pino's `redact: ['password', 'req.headers.authorization']`,
`secrecy::SecretString` in Rust (its `Debug` prints `[REDACTED]`).

## Configuration
Select or ignore it by name or `TASK-3.3`. Tests and examples are not
checked, nor `print`/`println!` in scripts and command-line tools
(`scripts/`, `bin/`, `cli.py`, `manage.py`, management commands), whose
stdout is their output; their log calls are checked. Not seen: secrets in whole objects (`logger.info(user)`,
`console.log(req.body)`), values renamed before logging (`t = token;
log(t)`), and loggers reached through other names (`out = logger.info`).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("secret-logged", "TASK-3.3")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A log or print call writes a password, token, secret, API key or credential to the logs.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .tags(&["security", "logging", "secrets"])
        .cwe(&["CWE-532"])
        .security_severity(6.5)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import logging

            import structlog

            logger = logging.getLogger(__name__)
            log = structlog.get_logger()

            def login(username, password):
                logger.info("login attempt user=%s password=%s", username, password)
                user = authenticate(username, password)
                token = issue_token(user)
                log.info("token.issued", user_id=user.id, token=token)
                print(f"issued {token} for {username}")
                logger.debug("auth header: %s", request.headers["Authorization"])
                logger.warning(f"rejected key {request.headers.get('X-Api-Key')}")
                logger.debug("settings", extra={"db_password": settings.DATABASE_PASSWORD})
                return token
            "#,
            6,
        )
        .valid(
            FileKind::Python,
            r#"
            import logging

            logger = logging.getLogger(__name__)

            def login(username, password):
                logger.info("login attempt user=%s", username)
                logger.info("password reset email sent to %s", username)
                logger.debug("password length %d, policy %s", len(password), password_policy)
                token = issue_token(username)
                logger.info("issued %s token ending %s", token_type, token[-4:])
                logger.info("token valid: %s, has password: %s", is_token_valid, has_password)
                logger.info("masked %s", mask(token))
                logger.info("rotated", extra={"secret": settings.signing_secret_name})
                logger.info("usage", extra={"max_tokens": max_tokens, "token_count": token_count})
                for i, token in enumerate(tokenizer.tokenize(text)):
                    print(i, token)
                return token
            "#,
        )
        .valid_at(
            FileKind::Python,
            "tests/test_login.py",
            r#"
            def test_login(password):
                print("password", password)
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import express from 'express';
            import { logger } from './logger';

            const app = express();

            app.post('/login', async (req, res) => {
              const { email, password } = req.body;
              logger.info({ email, password }, 'login attempt');
              const accessToken = await sign(email);
              console.log(`issued ${accessToken} to ${email}`);
              req.log.debug({ auth: req.headers.authorization, apiKey: req.headers['x-api-key'] });
              res.json({ accessToken });
            });
            "#,
            3,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import express from 'express';
            import { logger } from './logger';

            const app = express();

            app.post('/login', async (req, res) => {
              const { email, password } = req.body;
              logger.info({ email, passwordSet: Boolean(password) }, 'login attempt');
              const accessToken = await sign(email);
              logger.info({ email, tokenType: 'bearer', expiresIn: 3600 }, 'token issued');
              console.log('password reset link sent');
              logger.debug(`token ends with ${accessToken.slice(-4)}`);
              res.json({ accessToken });
            });
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use tracing::{debug, info};

            pub async fn login(username: &str, password: &str) -> String {
                info!("login attempt {} with {}", username, password);
                let token = issue(username).await;
                debug!(user = %username, token = %token, "token issued");
                println!("api key: {}", config.api_key);
                eprintln!("issued {token}");
                token
            }
            "#,
            4,
        )
        .valid(
            FileKind::Rust,
            r#"
            use tracing::{debug, info};

            pub async fn login(username: &str, password: &str) -> String {
                info!(user = %username, "login attempt");
                info!("password reset email sent to {}", username);
                let token = issue(username).await;
                debug!(user = %username, token_len = token.len(), "token issued");
                debug!("token type {}, policy {:?}", token_type, password_policy);
                info!(has_password = !password.is_empty(), "checked");
                token
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use super::{is_secret_name, words};
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn messages(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("secret-logged", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn messages_name_the_call_and_the_value() {
        let found = messages(
            "src/auth/auth.service.ts",
            FileKind::TypeScript,
            "export class AuthService {\n  login(dto) {\n    this.logger.debug(`login ${dto.email} ${dto.password}`);\n    this.logger.log('ok', JSON.stringify({ refreshToken: tokens.refresh }));\n  }\n}\n",
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("`this.logger.debug(...)` logs `dto.password`"), "{}", found[0]);
        assert!(found[1].contains("`refreshToken`"), "{}", found[1]);
    }

    #[test]
    fn scripts_print_their_output_but_their_loggers_are_checked() {
        let code = "import logging\nlog = logging.getLogger()\ndef main(api_key):\n    print(f'new key: {api_key}')\n    log.info('key %s', api_key)\n";
        assert_eq!(messages("scripts/create_key.py", FileKind::Python, code).len(), 1);
        assert_eq!(messages("app/keys.py", FileKind::Python, code).len(), 2);
        let rust = "fn main() {\n    let token = new_token();\n    println!(\"{token}\");\n}\n";
        assert!(messages("src/bin/mint.rs", FileKind::Rust, rust).is_empty());
        assert_eq!(messages("src/mint.rs", FileKind::Rust, rust).len(), 1);
    }

    #[test]
    fn names_split_and_classify() {
        assert_eq!(words("APIKey"), ["api", "key"]);
        assert_eq!(words("accessToken"), ["access", "token"]);
        assert_eq!(words("x-api-key"), ["x", "api", "key"]);
        for name in ["password", "user_password", "SECRET_KEY", "apiKey", "refresh_token", "Authorization", "client_secret", "creds"] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "password_policy", "token_type", "token_count", "has_password", "is_token_valid",
            "hashed_password", "password_hash", "max_tokens", "nextPageToken", "cache_key", "key",
            "secret_name", "tokens", "csrf_token",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
