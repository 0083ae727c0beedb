//! `jwt-without-expiry`: JSON Web Tokens signed without an `exp` claim, in
//! Python (PyJWT, python-jose), JavaScript/TypeScript (jsonwebtoken, jose)
//! and Rust (jsonwebtoken).
//!
//! The payload must be visible to judge it: a dict or object literal at the
//! call, one built in the same function, a `SignJWT` chain that ends in
//! `.sign()`, or a Rust claims struct defined in the same file. A payload
//! that comes from elsewhere, or spreads another mapping, is not judged.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::crypto::{
    call_arguments, enclosing_scope, mapping_entry, py_keyword, py_positional, Arg,
};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, compact, rust_in_test_code, walk};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(JwtWithoutExpiry { meta: meta() })
}

struct JwtWithoutExpiry {
    meta: RuleMeta,
}

const CONSEQUENCE: &str = "the token never expires, so a leaked or stolen token keeps working until the signing key is rotated";

/// Whether a payload carries an expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expiry {
    Present,
    Missing,
    /// Not visible from here.
    Unknown,
}

fn from_arg(arg: Arg<'_>) -> Expiry {
    match arg {
        Arg::Given(_) => Expiry::Present,
        Arg::Absent => Expiry::Missing,
        Arg::Unknown => Expiry::Unknown,
    }
}

/// The value last bound to `name` in `scope` before `before`.
fn local_value<'t>(
    file: &SourceFile,
    scope: Node<'t>,
    name: &str,
    before: usize,
) -> Option<Node<'t>> {
    let mut value = None;
    walk(scope, |n| {
        if n.start_byte() >= before {
            return false;
        }
        let (target, bound) = match n.kind() {
            "assignment" | "assignment_expression" => (
                n.child_by_field_name("left"),
                n.child_by_field_name("right"),
            ),
            "variable_declarator" => (
                n.child_by_field_name("name"),
                n.child_by_field_name("value"),
            ),
            "let_declaration" => (
                n.child_by_field_name("pattern"),
                n.child_by_field_name("value"),
            ),
            _ => return true,
        };
        if let (Some(target), Some(bound)) = (target, bound) {
            if file.text_of(target).trim() == name {
                value = Some(bound);
            }
        }
        true
    });
    value
}

/// True when the function adds `exp` to a mapping named `name` after
/// building it (`payload["exp"] = …`, `payload.exp = …`, `payload.update(…)`).
fn exp_added_later(file: &SourceFile, scope: Node<'_>, name: &str) -> bool {
    let text = compact(file.text_of(scope));
    [
        format!("{name}[\"exp\"]"),
        format!("{name}['exp']"),
        format!("{name}.exp="),
        format!("{name}.update("),
        format!("{name}.setdefault("),
        format!("Object.assign({name}"),
    ]
    .iter()
    .any(|pattern| text.contains(pattern.as_str()))
}

/// Judges a payload expression: a literal, or a local bound to one.
fn payload_expiry(
    file: &SourceFile,
    language: Language,
    payload: Node<'_>,
    ancestors: &[Node<'_>],
) -> Expiry {
    let literal = |node: Node<'_>| -> Expiry {
        match node.kind() {
            "dictionary" | "object" => from_arg(mapping_entry(file, node, "exp")),
            // `dict(sub=user.id, exp=...)`.
            "call" if callee_path(file, Language::Python, node).as_deref() == Some("dict") => {
                from_arg(py_keyword(file, node, "exp"))
            }
            _ => Expiry::Unknown,
        }
    };
    if payload.kind() != "identifier" {
        return literal(payload);
    }
    let name = file.text_of(payload);
    let Some(scope) = enclosing_scope(language, ancestors) else {
        return Expiry::Unknown;
    };
    let Some(value) = local_value(file, scope, name, payload.start_byte()) else {
        return Expiry::Unknown;
    };
    match literal(value) {
        Expiry::Missing if exp_added_later(file, scope, name) => Expiry::Unknown,
        expiry => expiry,
    }
}

fn report(ctx: &mut NodeContext<'_>, node: Node<'_>, what: &str, help: &str) {
    ctx.report(Diagnostic::new(node.byte_range(), format!("{what}: {CONSEQUENCE}")).help(help));
}

// ---------------------------------------------------------------- Python

const PY_HELP: &str = "add an expiry to the payload: `\"exp\": datetime.now(tz=timezone.utc) + timedelta(minutes=15)` (PyJWT and python-jose check it on decode), and renew sessions with a separate, revocable refresh token";

fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(callee) = callee_path(file, Language::Python, node) else {
        return;
    };
    let imports = file.imports();
    if imports
        .binding(callee.split('.').next().unwrap_or(&callee))
        .is_none()
    {
        return;
    }
    let keyword = match imports.resolve(&callee).as_str() {
        "jwt.encode" | "jwt.api_jwt.encode" => "payload",
        "jose.jwt.encode" => "claims",
        _ => return,
    };
    let payload = match py_positional(node).first() {
        Some(first) => Some(*first),
        None => match py_keyword(file, node, keyword) {
            Arg::Given(value) => Some(value),
            _ => None,
        },
    };
    let Some(payload) = payload else {
        return;
    };
    if payload_expiry(file, Language::Python, payload, ctx.ancestors) == Expiry::Missing {
        report(
            ctx,
            node,
            &format!("`{callee}` signs a payload without an `exp` claim"),
            PY_HELP,
        );
    }
}

// ---------------------------------------------------------------- JS / TS

const JS_HELP: &str = "give the token a lifetime: `jwt.sign(payload, secret, { expiresIn: \"15m\" })` (jsonwebtoken) or `.setExpirationTime(\"15m\")` on `SignJWT` (jose); renew sessions with a separate, revocable refresh token";

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let imports = file.imports();
    if node.kind() == "new_expression" {
        // jose: `await new SignJWT({ sub }).setProtectedHeader(..).sign(key)`.
        let Some(constructor) = node.child_by_field_name("constructor") else {
            return;
        };
        let written = compact(file.text_of(constructor));
        let head = written.split('.').next().unwrap_or(&written);
        if imports.binding(head).is_none() || imports.resolve(&written) != "jose.SignJWT" {
            return;
        }
        let mut methods = Vec::new();
        let mut current = node;
        for parent in ctx.ancestors.iter().rev() {
            match parent.kind() {
                "member_expression"
                    if parent
                        .child_by_field_name("object")
                        .is_some_and(|o| o.id() == current.id()) =>
                {
                    if let Some(property) = parent.child_by_field_name("property") {
                        methods.push(file.text_of(property));
                    }
                }
                "call_expression"
                    if parent
                        .child_by_field_name("function")
                        .is_some_and(|f| f.id() == current.id()) => {}
                "parenthesized_expression" => {}
                _ => break,
            }
            current = *parent;
        }
        if !methods.contains(&"sign") || methods.contains(&"setExpirationTime") {
            return;
        }
        let payload = call_arguments(node).first().copied();
        let expiry = payload.map_or(Expiry::Missing, |p| {
            payload_expiry(file, Language::JavaScript, p, ctx.ancestors)
        });
        if expiry == Expiry::Missing {
            report(ctx, node, "`new SignJWT(...)...sign()` has no `.setExpirationTime(...)` and its payload no `exp`", JS_HELP);
        }
        return;
    }
    let Some(callee) = callee_path(file, Language::JavaScript, node) else {
        return;
    };
    if imports
        .binding(callee.split('.').next().unwrap_or(&callee))
        .is_none()
        || imports.resolve(&callee) != "jsonwebtoken.sign"
    {
        return;
    }
    let args = call_arguments(node);
    let Some(payload) = args.first() else {
        return;
    };
    let options = match args.get(2) {
        None => Expiry::Missing,
        Some(o) if o.kind() == "object" => from_arg(mapping_entry(file, *o, "expiresIn")),
        Some(o)
            if matches!(
                o.kind(),
                "arrow_function" | "function_expression" | "function"
            ) =>
        {
            Expiry::Missing
        }
        Some(_) => Expiry::Unknown,
    };
    if options != Expiry::Missing {
        return;
    }
    if payload_expiry(file, Language::JavaScript, *payload, ctx.ancestors) == Expiry::Missing {
        report(
            ctx,
            node,
            &format!("`{callee}` has no `expiresIn` option and its payload no `exp`"),
            JS_HELP,
        );
    }
}

// ---------------------------------------------------------------- Rust

const RUST_HELP: &str = "add `exp: usize` (seconds since the epoch) to the claims struct and set it, e.g. `exp: (Utc::now() + Duration::minutes(15)).timestamp() as usize`; jsonwebtoken's default `Validation` then rejects expired tokens";

/// The type name of a Rust claims expression: `Claims { .. }`,
/// `Claims::new(..)`, or a local bound to one (or annotated `: Claims`).
fn rust_claims_type(file: &SourceFile, expr: Node<'_>, ancestors: &[Node<'_>]) -> Option<String> {
    let expr = if expr.kind() == "reference_expression" {
        expr.child_by_field_name("value")?
    } else {
        expr
    };
    let of_value = |value: Node<'_>| -> Option<String> {
        match value.kind() {
            "struct_expression" => value
                .child_by_field_name("name")
                .map(|n| compact(file.text_of(n))),
            "call_expression" => {
                let path = callee_path(file, Language::Rust, value)?;
                let (ty, method) = path.rsplit_once("::")?;
                (method == "new").then(|| ty.to_string())
            }
            _ => None,
        }
    };
    if expr.kind() != "identifier" {
        return of_value(expr);
    }
    let name = file.text_of(expr);
    let scope = enclosing_scope(Language::Rust, ancestors)?;
    let mut found = None;
    walk(scope, |n| {
        if n.start_byte() >= expr.start_byte() {
            return false;
        }
        if n.kind() == "let_declaration"
            && n.child_by_field_name("pattern")
                .is_some_and(|p| file.text_of(p) == name)
        {
            found = n
                .child_by_field_name("type")
                .map(|t| compact(file.text_of(t)))
                .or_else(|| n.child_by_field_name("value").and_then(of_value));
        }
        true
    });
    found
}

/// The struct named `name` in the file, and whether it carries `exp`
/// (`None` when the struct is not here or flattens other fields in).
fn rust_struct_has_exp(file: &SourceFile, root: Node<'_>, name: &str) -> Option<(bool, u32)> {
    let mut result = None;
    walk(root, |n| {
        if result.is_some() {
            return false;
        }
        if n.kind() == "struct_item"
            && n.child_by_field_name("name")
                .is_some_and(|s| file.text_of(s) == name)
        {
            let body = n.child_by_field_name("body");
            let text = body.map_or("", |b| file.text_of(b));
            if text.contains("flatten") {
                result = Some(None);
                return false;
            }
            let mut has = text.contains("\"exp\"");
            if let Some(body) = body {
                let mut cursor = body.walk();
                for field in body.named_children(&mut cursor) {
                    if field.kind() == "field_declaration"
                        && field
                            .child_by_field_name("name")
                            .is_some_and(|f| file.text_of(f) == "exp")
                    {
                        has = true;
                    }
                }
            }
            result = Some(Some((has, file.position(n.start_byte()).line)));
            return false;
        }
        true
    });
    result.flatten()
}

fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    if rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    let Some(path) = callee_path(file, Language::Rust, node) else {
        return;
    };
    if file.imports().resolve(&path) != "jsonwebtoken::encode" {
        return;
    }
    let args = call_arguments(node);
    let Some(claims) = args.get(1) else {
        return;
    };
    let Some(ty) = rust_claims_type(file, *claims, ctx.ancestors) else {
        return;
    };
    let ty = ty.rsplit("::").next().unwrap_or(&ty).to_string();
    let Some(root) = ctx.ancestors.first() else {
        return;
    };
    if let Some((false, line)) = rust_struct_has_exp(file, *root, &ty) {
        report(
            ctx,
            node,
            &format!("`{path}` signs `{ty}`, whose struct (line {line}) has no `exp` field"),
            RUST_HELP,
        );
    }
}

impl Rule for JwtWithoutExpiry {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests sign throwaway tokens.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let candidates: &[&str] = match language {
            Language::Python => &["jwt"],
            Language::Rust => &["jsonwebtoken"],
            _ => &["jsonwebtoken", "SignJWT"],
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
            _ => check_js(node, ctx),
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds JSON Web Tokens signed without an expiry. Python: PyJWT and
python-jose `jwt.encode(payload, ...)` whose payload — a dict literal, a
`dict(...)` call, or one built in the same function — has no `exp`.
JavaScript/TypeScript: jsonwebtoken `jwt.sign(payload, secret[, options])`
without `expiresIn` whose payload has no `exp`; jose
`new SignJWT(payload)...sign(key)` chains without `.setExpirationTime(...)`.
Rust: jsonwebtoken `encode(&header, &claims, &key)` where the claims struct,
defined in the same file, has no `exp` field.

## Why it matters
Checklist SCOPE-4.1 (sound authentication flows). A JWT is valid for as
long as its signature checks out. Without `exp`, a token copied from a log,
a browser or a compromised device works forever, and the only way to cut it
off is to rotate the signing key and log everyone out.

## Example
```python
import jwt

def issue_token(user):
    return jwt.encode({"sub": str(user.id), "role": user.role}, SECRET, algorithm="HS256")
```

## Use instead
```python
from datetime import datetime, timedelta, timezone

import jwt

def issue_token(user):
    claims = {
        "sub": str(user.id),
        "role": user.role,
        "exp": datetime.now(tz=timezone.utc) + timedelta(minutes=15),
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")
```
Node: `jwt.sign(payload, secret, { expiresIn: "15m" })`, jose
`.setExpirationTime("15m")`. Rust: an `exp: usize` field in the claims.

## Configuration
Select or ignore it by name or `SCOPE-4.1`. Tests and examples are not
checked. Payloads that are not visible — parameters, values from other
functions, mappings that spread another (`{**base}`, `{...claims}`),
options objects held in variables — are not judged. Not seen: claims built
with `serde_json::json!`, claims structs defined in another file, and
other JWT libraries.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("jwt-without-expiry", "SCOPE-4.1")
        .severity(Severity::Note)
        .confidence(Confidence::High)
        .summary("A JWT is signed without an `exp` claim, so it never expires.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .tags(&["security", "auth", "jwt"])
        .cwe(&["CWE-613"])
        .security_severity(4.3)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import jwt
            from jose import jwt as jose_jwt

            def issue_token(user):
                return jwt.encode({"sub": str(user.id), "role": user.role}, SECRET, algorithm="HS256")

            def service_token(service: str) -> str:
                claims = {"iss": "billing", "sub": service}
                claims["scope"] = "invoices:read"
                return jose_jwt.encode(claims, PRIVATE_KEY, algorithm="RS256")
            "#,
            2,
        )
        .valid(
            FileKind::Python,
            r#"
            from datetime import datetime, timedelta, timezone

            import jwt

            def issue_token(user):
                claims = {
                    "sub": str(user.id),
                    "role": user.role,
                    "exp": datetime.now(tz=timezone.utc) + timedelta(minutes=15),
                }
                return jwt.encode(claims, SECRET, algorithm="HS256")

            def reissue(claims: dict) -> str:
                return jwt.encode(claims, SECRET, algorithm="HS256")

            def with_expiry(user):
                payload = {"sub": str(user.id)}
                payload["exp"] = datetime.now(tz=timezone.utc) + timedelta(hours=1)
                return jwt.encode(payload, SECRET, algorithm="HS256")
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import jwt from "jsonwebtoken";
            import { SignJWT } from "jose";

            export function issueToken(user: { id: string; role: string }) {
              return jwt.sign({ sub: user.id, role: user.role }, process.env.JWT_SECRET!, { algorithm: "HS256" });
            }

            export async function issueSession(userId: string, key: Uint8Array) {
              return new SignJWT({ sub: userId }).setProtectedHeader({ alg: "HS256" }).setIssuedAt().sign(key);
            }
            "#,
            2,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import jwt from "jsonwebtoken";
            import { SignJWT } from "jose";

            export function issueToken(user: { id: string; role: string }) {
              return jwt.sign({ sub: user.id, role: user.role }, process.env.JWT_SECRET!, { algorithm: "HS256", expiresIn: "15m" });
            }

            export async function issueSession(userId: string, key: Uint8Array) {
              return new SignJWT({ sub: userId })
                .setProtectedHeader({ alg: "HS256" })
                .setIssuedAt()
                .setExpirationTime("2h")
                .sign(key);
            }

            export function resign(claims: object, options: jwt.SignOptions) {
              return jwt.sign(claims, process.env.JWT_SECRET!, options);
            }
            "#,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const jwt = require("jsonwebtoken");

            function login(user) {
              const payload = { id: user.id, email: user.email };
              return jwt.sign(payload, process.env.SECRET);
            }
            module.exports = { login };
            "#,
            1,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use jsonwebtoken::{encode, EncodingKey, Header};
            use serde::Serialize;

            #[derive(Serialize)]
            struct Claims {
                sub: String,
                role: String,
            }

            pub fn issue(user_id: &str, secret: &[u8]) -> jsonwebtoken::errors::Result<String> {
                let claims = Claims { sub: user_id.to_owned(), role: "user".into() };
                encode(&Header::default(), &claims, &EncodingKey::from_secret(secret))
            }
            "#,
            1,
        )
        .valid(
            FileKind::Rust,
            r#"
            use jsonwebtoken::{encode, EncodingKey, Header};
            use serde::Serialize;

            #[derive(Serialize)]
            struct Claims {
                sub: String,
                exp: usize,
            }

            pub fn issue(user_id: &str, secret: &[u8]) -> jsonwebtoken::errors::Result<String> {
                let exp = (chrono::Utc::now() + chrono::Duration::minutes(15)).timestamp() as usize;
                let claims = Claims { sub: user_id.to_owned(), exp };
                encode(&Header::default(), &claims, &EncodingKey::from_secret(secret))
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn messages(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("jwt-without-expiry", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn python_spread_dict_call_and_parameters() {
        let code = r#"
            import jwt
            def a(base):
                return jwt.encode({**base, "sub": "x"}, KEY, algorithm="HS256")
            def b(uid):
                return jwt.encode(dict(sub=uid), KEY, algorithm="HS256")
            def c(uid, exp):
                return jwt.encode(dict(sub=uid, exp=exp), KEY, algorithm="HS256")
        "#;
        let found = messages("app/tokens.py", FileKind::Python, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("`jwt.encode` signs a payload without an `exp` claim"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn js_exp_in_payload_callback_and_unfinished_chain() {
        let code = r#"
            const jwt = require("jsonwebtoken");
            const { SignJWT } = require("jose");
            const a = (u) => jwt.sign({ sub: u.id, exp: Math.floor(Date.now() / 1000) + 900 }, KEY);
            function b(u, cb) { jwt.sign({ sub: u.id }, KEY, (err, token) => cb(token)); }
            function c(u) { const builder = new SignJWT({ sub: u.id }); return builder; }
        "#;
        let found = messages("src/tokens.js", FileKind::JavaScript, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("no `expiresIn`"), "{}", found[0]);
    }

    #[test]
    fn rust_struct_elsewhere_or_renamed_exp() {
        let code = r#"
            use jsonwebtoken::{encode, EncodingKey, Header};
            #[derive(Serialize)]
            struct Access { sub: String, #[serde(rename = "exp")] expires_at: u64 }
            pub fn a(c: &crate::model::Claims, k: &EncodingKey) -> String {
                encode(&Header::default(), c, k).unwrap()
            }
            pub fn b(k: &EncodingKey) -> String {
                encode(&Header::default(), &Access { sub: "x".into(), expires_at: 1 }, k).unwrap()
            }
        "#;
        assert!(messages("src/auth.rs", FileKind::Rust, code).is_empty());
    }
}
