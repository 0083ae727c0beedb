//! `jwt-verification-disabled`: JSON Web Tokens accepted without checking
//! their signature, with the `none` algorithm, with the algorithm taken from
//! the token itself, or with the expiry check turned off — in Python
//! (PyJWT, python-jose), JavaScript/TypeScript (jsonwebtoken, jose) and
//! Rust (jsonwebtoken).
//!
//! Reading a token without verifying it is sometimes right: the JWKS idiom
//! reads the header's `kid` (or the issuer) to choose the key, then
//! verifies. So an unverified read is reported only when the same function
//! never verifies the token and uses the claims for identity (`sub`,
//! `req.user = …`, a user lookup); switches that turn verification off
//! (`verify_signature: False`, `ignoreExpiration: true`,
//! `insecure_disable_signature_validation()`) are reported where written.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::crypto::{
    call_arguments, enclosing_function, enclosing_scope, mapping_entry, py_keyword, string_value,
    Arg,
};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, compact, rust_in_test_code, walk};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(JwtVerificationDisabled { meta: meta() })
}

struct JwtVerificationDisabled {
    meta: RuleMeta,
}

const FORGE: &str =
    "anyone can forge a token with any claims (another user's `sub`, an admin role)";

/// Texts that show a function uses token claims as an identity.
const IDENTITY_EVIDENCE: &[&str] = &[
    "[\"sub\"]",
    "['sub']",
    "get(\"sub\"",
    "get('sub'",
    ".sub",
    "req.user",
    "request.user",
    "res.locals.user",
    "ctx.state.user",
    "g.user",
    "current_user",
    "[\"user_id\"]",
    "['user_id']",
    "get(\"user_id\"",
    "get('user_id'",
    ".userId",
    ".user_id",
    "[\"email\"]",
    "['email']",
    ".email",
    "[\"role\"]",
    "['role']",
    ".role",
    "[\"roles\"]",
    "['roles']",
    ".roles",
    ".isAdmin",
    "[\"is_admin\"]",
    "['is_admin']",
    "[\"scope\"]",
    "['scope']",
    ".permissions",
    "[\"permissions\"]",
    "['permissions']",
    "findById(",
    "findUnique(",
    "findOne(",
    "objects.get(",
    "get_user",
    "getUser",
    "load_user",
    "loadUser",
    "[\"username\"]",
    "['username']",
    ".username",
];

/// The first identity evidence in a function's text; `.sub` must end
/// there (not `.substring`).
fn identity_evidence(text: &str) -> Option<&'static str> {
    IDENTITY_EVIDENCE.iter().copied().find(|evidence| {
        let word_end = evidence.ends_with(|c: char| c.is_alphanumeric() || c == '_');
        text.match_indices(evidence).any(|(at, _)| {
            !word_end
                || text[at + evidence.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
        })
    })
}

fn report(ctx: &mut NodeContext<'_>, node: Node<'_>, message: String, help: &str) {
    ctx.report(Diagnostic::new(node.byte_range(), message).help(help));
}

// ---------------------------------------------------------------- Python

const PY_HELP: &str = "verify with a fixed algorithm list: `jwt.decode(token, key, algorithms=[\"RS256\"], audience=AUDIENCE, issuer=ISSUER)` (PyJWT or python-jose), keeping the signature and `exp` checks on; to choose a key first, read only `jwt.get_unverified_header(token)[\"kid\"]` and then verify";

/// `jwt.decode` of PyJWT or python-jose, resolved through imports.
fn py_decode_library(file: &SourceFile, call: Node<'_>) -> Option<&'static str> {
    let callee = callee_path(file, Language::Python, call)?;
    let imports = file.imports();
    imports.binding(callee.split('.').next().unwrap_or(&callee))?;
    match imports.resolve(&callee).as_str() {
        "jwt.decode" | "jwt.api_jwt.decode" => Some("PyJWT"),
        "jose.jwt.decode" => Some("python-jose"),
        _ => None,
    }
}

/// The option of a Python `options={...}` literal set to `False`.
fn py_option_false(file: &SourceFile, call: Node<'_>, option: &str) -> bool {
    let Arg::Given(options) = py_keyword(file, call, "options") else {
        return false;
    };
    if options.kind() != "dictionary" {
        return false;
    }
    matches!(mapping_entry(file, options, option), Arg::Given(v) if file.text_of(v) == "False")
}

/// True when the decode call turns the signature check off.
fn py_unverified(file: &SourceFile, call: Node<'_>) -> bool {
    matches!(py_keyword(file, call, "verify"), Arg::Given(v) if file.text_of(v) == "False")
        || py_option_false(file, call, "verify_signature")
}

/// True when the function around `ancestors` verifies a token somewhere
/// besides `except`: a verifying `jwt.decode`, or a call named `*verify*`.
fn py_function_verifies(file: &SourceFile, function: Node<'_>, except: Node<'_>) -> bool {
    let mut verifies = false;
    walk(function, |n| {
        if verifies {
            return false;
        }
        if n.kind() == "call" && n.id() != except.id() {
            let decode = py_decode_library(file, n).is_some() && !py_unverified(file, n);
            let named = callee_path(file, Language::Python, n).is_some_and(|c| {
                c.rsplit('.')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase()
                    .contains("verify")
            });
            verifies = decode || named;
        }
        true
    });
    verifies
}

fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    if let Some(library) = py_decode_library(file, node) {
        let call = callee_path(file, Language::Python, node).unwrap_or_default();
        let function = enclosing_function(Language::Python, ctx.ancestors);
        if py_unverified(file, node) {
            // Reading the issuer or `kid` unverified, then verifying, is the
            // multi-tenant JWKS idiom.
            if function.is_some_and(|f| py_function_verifies(file, f, node)) {
                return;
            }
            let how = if py_option_false(file, node, "verify_signature") {
                "options={\"verify_signature\": False}"
            } else {
                "verify=False"
            };
            report(ctx, node, format!("`{call}(..., {how})` accepts the token without checking its signature: {FORGE}"), PY_HELP);
            return;
        }
        if py_option_false(file, node, "verify_exp") {
            report(
                ctx,
                node,
                format!("`{call}(..., options={{\"verify_exp\": False}})` accepts expired tokens, so a leaked token never stops working"),
                PY_HELP,
            );
            return;
        }
        match py_keyword(file, node, "algorithms") {
            Arg::Given(algorithms) => {
                let text = file.text_of(algorithms);
                let allows_none = matches!(algorithms.kind(), "list" | "tuple" | "set") && {
                    let mut cursor = algorithms.walk();
                    let found = algorithms.named_children(&mut cursor).any(|a| {
                        string_value(file, a).is_some_and(|v| v.eq_ignore_ascii_case("none"))
                    });
                    found
                };
                let from_header = ["[\"alg\"]", "['alg']", "get(\"alg\"", "get('alg'"]
                    .iter()
                    .any(|e| text.contains(e));
                if allows_none {
                    report(
                        ctx,
                        node,
                        format!("`{call}` allows the `none` algorithm: a token with `\"alg\": \"none\"` and no signature is accepted, so {FORGE}"),
                        PY_HELP,
                    );
                } else if from_header {
                    report(
                        ctx,
                        node,
                        format!("`{call}(..., algorithms={})` takes the algorithm from the token's own unverified header: the attacker chooses it (e.g. HS256 keyed with your public key), so {FORGE}", compact(text)),
                        PY_HELP,
                    );
                }
            }
            Arg::Absent => {
                let why = if library == "PyJWT" {
                    "PyJWT 1.x then accepts whatever algorithm the token's header names (including `none` and HS256 keyed with a public key); PyJWT 2.x refuses the call"
                } else {
                    "python-jose then accepts whatever algorithm the token's header names that the key allows"
                };
                report(
                    ctx,
                    node,
                    format!("`{call}` has no `algorithms=`: {why}"),
                    PY_HELP,
                );
            }
            Arg::Unknown => {}
        }
        return;
    }
    // python-jose `jwt.get_unverified_claims(token)` used as the identity.
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
    if !matches!(
        imports.resolve(&callee).as_str(),
        "jose.jwt.get_unverified_claims" | "jose.jws.get_unverified_claims"
    ) {
        return;
    }
    let Some(function) = enclosing_function(Language::Python, ctx.ancestors) else {
        return;
    };
    if py_function_verifies(file, function, node) {
        return;
    }
    if let Some(evidence) = identity_evidence(file.text_of(function)) {
        report(
            ctx,
            node,
            format!("`{callee}` reads the claims without checking the signature, and this function uses them as the identity (`{evidence}`) without ever verifying the token: {FORGE}"),
            PY_HELP,
        );
    }
}

// ---------------------------------------------------------------- JS / TS

const JS_HELP: &str = "verify with a fixed algorithm list: `jwt.verify(token, publicKey, { algorithms: [\"RS256\"], audience, issuer })` (jsonwebtoken) or `await jwtVerify(token, JWKS, { algorithms: [\"RS256\"], issuer })` (jose), and keep the expiry check; `decode` is only for non-security reads such as the `kid`";

fn js_array_has_none(file: &SourceFile, value: Node<'_>) -> bool {
    if value.kind() != "array" {
        return false;
    }
    let mut cursor = value.walk();
    let found = value
        .named_children(&mut cursor)
        .any(|a| string_value(file, a).is_some_and(|v| v.eq_ignore_ascii_case("none")));
    found
}

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(callee) = callee_path(file, Language::JavaScript, node) else {
        return;
    };
    let imports = file.imports();
    if imports
        .binding(callee.split('.').next().unwrap_or(&callee))
        .is_none()
    {
        return;
    }
    let resolved = imports.resolve(&callee);
    let args = call_arguments(node);
    match resolved.as_str() {
        "jsonwebtoken.verify" | "jose.jwtVerify" => {
            let Some(options) = args.get(2).filter(|o| o.kind() == "object") else {
                return;
            };
            if let Arg::Given(algorithms) = mapping_entry(file, *options, "algorithms") {
                if js_array_has_none(file, algorithms) {
                    report(
                        ctx,
                        node,
                        format!("`{callee}` allows the `none` algorithm: a token with `\"alg\": \"none\"` and no signature is accepted, so {FORGE}"),
                        JS_HELP,
                    );
                    return;
                }
            }
            if let Arg::Given(ignore) = mapping_entry(file, *options, "ignoreExpiration") {
                if file.text_of(ignore) == "true" {
                    report(
                        ctx,
                        node,
                        format!("`{callee}(..., {{ ignoreExpiration: true }})` accepts expired tokens, so a leaked token never stops working"),
                        JS_HELP,
                    );
                }
            }
        }
        "jsonwebtoken.decode" | "jose.decodeJwt" => {
            // Front-end code can only decode: it has no key to verify with.
            if matches!(file.kind, FileKind::Tsx) || file.path.ends_with(".jsx") {
                return;
            }
            let Some(scope) = enclosing_scope(Language::JavaScript, ctx.ancestors) else {
                return;
            };
            let text = file.text_of(scope);
            if text.contains("verify(") || text.contains("jwtVerify(") || text.contains("Verify(") {
                return;
            }
            if let Some(evidence) = identity_evidence(text) {
                report(
                    ctx,
                    node,
                    format!("`{callee}` does not check the signature, and this function uses the decoded claims as the identity (`{evidence}`) without ever verifying the token: {FORGE}"),
                    JS_HELP,
                );
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------- Rust

const RUST_HELP: &str = "keep `Validation::new(Algorithm::RS256)` with its defaults (signature and `exp` checked), set `set_audience`/`set_issuer`, and call `decode::<Claims>(&token, &key, &validation)`; to pick a key first, read the `kid` with `decode_header`";

/// True when the function text calls a verifying `decode` (not the
/// `dangerous_*` ones).
fn rust_calls_decode(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find("decode") {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + "decode".len()..];
        let boundary = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        if boundary && (after.starts_with('(') || after.starts_with("::<")) {
            return true;
        }
        rest = after;
    }
    false
}

fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    if rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    match node.kind() {
        "call_expression" => {
            let Some(function) = node.child_by_field_name("function") else {
                return;
            };
            if function.kind() == "field_expression" {
                let method = function
                    .child_by_field_name("field")
                    .map_or("", |f| file.text_of(f));
                if method == "insecure_disable_signature_validation" {
                    report(
                        ctx,
                        node,
                        format!(
                            "`{}` turns off the signature check of this `Validation`: {FORGE}",
                            compact(file.text_of(node))
                        ),
                        RUST_HELP,
                    );
                }
                return;
            }
            let Some(path) = callee_path(file, Language::Rust, node) else {
                return;
            };
            let last = path.rsplit("::").next().unwrap_or("");
            if !matches!(
                last,
                "dangerous_insecure_decode"
                    | "dangerous_insecure_decode_with_validation"
                    | "dangerous_unsafe_decode"
                    | "insecure_decode"
            ) {
                return;
            }
            let function = enclosing_function(Language::Rust, ctx.ancestors);
            if function.is_some_and(|f| rust_calls_decode(file.text_of(f))) {
                return;
            }
            report(
                ctx,
                node,
                format!("`{path}` reads the claims without checking the signature: {FORGE}"),
                RUST_HELP,
            );
        }
        "assignment_expression" => {
            let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) else {
                return;
            };
            if left.kind() != "field_expression" || file.text_of(right) != "false" {
                return;
            }
            let field = left
                .child_by_field_name("field")
                .map_or("", |f| file.text_of(f));
            rust_report_field(ctx, node, field);
        }
        "field_initializer" => {
            let (Some(field), Some(value)) = (
                node.child_by_field_name("field"),
                node.child_by_field_name("value"),
            ) else {
                return;
            };
            if file.text_of(value) != "false" {
                return;
            }
            let in_validation = ctx
                .ancestors
                .iter()
                .rev()
                .find(|a| a.kind() == "struct_expression")
                .and_then(|s| s.child_by_field_name("name"))
                .is_some_and(|n| file.text_of(n).ends_with("Validation"));
            if in_validation {
                rust_report_field(ctx, node, file.text_of(field));
            }
        }
        _ => {}
    }
}

fn rust_report_field(ctx: &mut NodeContext<'_>, node: Node<'_>, field: &str) {
    let text = compact(ctx.file.text_of(node));
    match field {
        "validate_exp" => report(
            ctx,
            node,
            format!("`{text}` accepts expired tokens, so a leaked token never stops working"),
            RUST_HELP,
        ),
        "validate_signature" => report(
            ctx,
            node,
            format!("`{text}` turns off the signature check: {FORGE}"),
            RUST_HELP,
        ),
        _ => {}
    }
}

impl Rule for JwtVerificationDisabled {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests decode tokens they made themselves.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let candidates: &[&str] = match language {
            Language::Python => &["jwt"],
            Language::Rust => &[
                "insecure_disable_signature_validation",
                "validate_exp",
                "validate_signature",
                "dangerous_",
                "insecure_decode",
            ],
            _ => &["jsonwebtoken", "jose"],
        };
        Some(vec![candidates.iter().map(|c| (*c).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        match language {
            Language::Python => vec!["call".to_string()],
            Language::Rust => vec![
                "call_expression".to_string(),
                "assignment_expression".to_string(),
                "field_initializer".to_string(),
            ],
            _ => vec!["call_expression".to_string()],
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
Finds JSON Web Tokens accepted without a real check. Python: PyJWT and
python-jose `jwt.decode` with `options={"verify_signature": False}`, the
old `verify=False`, `options={"verify_exp": False}`, `algorithms` that
include `"none"` or come from the token's unverified header
(`algorithms=[header["alg"]]`), or no `algorithms=` at all; python-jose
`get_unverified_claims` whose claims the function uses as the identity.
JavaScript/TypeScript: jsonwebtoken `jwt.verify` with `algorithms: ['none']`
or `ignoreExpiration: true`; jsonwebtoken `jwt.decode` and jose `decodeJwt`
whose claims the function uses as the identity (`.sub`, `.userId`,
`req.user = …`, a user lookup) with no `verify` in the same function. Rust
(jsonwebtoken): `validation.insecure_disable_signature_validation()`,
`validate_exp = false` (assigned or in a `Validation { .. }` literal), and
the old `dangerous_insecure_decode*` / `dangerous_unsafe_decode`.

An unverified read followed by a real verification in the same function
(reading `kid` or `iss` to pick the key) is not reported.

## Why it matters
Checklist SCOPE-4.1 (JWTs verified with a fixed algorithm). A token whose
signature is not checked is just JSON the client wrote: anyone can set
`sub` to another user or add an admin role. Accepting the algorithm the
token names lets an attacker pick `none`, or HS256 keyed with the server's
public key. Without the expiry check, a stolen token works forever.

## Example
```python
import jwt

def current_user(token: str):
    claims = jwt.decode(token, options={"verify_signature": False})
    return User.objects.get(pk=claims["sub"])
```

## Use instead
```python
import jwt

def current_user(token: str):
    claims = jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience="api")
    return User.objects.get(pk=claims["sub"])
```
Node: `jwt.verify(token, key, { algorithms: ["RS256"] })` or jose
`jwtVerify(token, JWKS, { algorithms: ["RS256"] })`. Rust:
`decode::<Claims>(&token, &key, &Validation::new(Algorithm::RS256))`.

## Configuration
Select or ignore it by name or `SCOPE-4.1`. Tests and examples are not
checked, nor `jwt.decode`/`decodeJwt` in front-end files (`.tsx`, `.jsx`).
PyJWT/python-jose `decode` with the signature check off is reported even
when only `exp` is read (a client deciding when to refresh): suppress that
with a reason.
Not seen: options built in a variable (`jwt.decode(token, key, **opts)`,
`jwt.verify(token, key, options)`), claims passed to another function that
makes the identity decision, `jwt-decode` (a browser library), other JWT
libraries (Authlib, `python-jwt`, `fast-jwt`), and Rust `Validation` fields
cleared through `required_spec_claims`.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("jwt-verification-disabled", "SCOPE-4.1")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A JWT is accepted without verifying its signature or expiry, or with an algorithm the token chooses.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .tags(&["security", "auth", "jwt"])
        .cwe(&["CWE-347", "CWE-345"])
        .security_severity(8.8)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import jwt
            from jose import jwt as jose_jwt

            def current_user(token: str):
                claims = jwt.decode(token, options={"verify_signature": False})
                return User.objects.get(pk=claims["sub"])

            def legacy_claims(token: str):
                return jwt.decode(token, settings.SECRET_KEY)

            def service_claims(token: str):
                header = jwt.get_unverified_header(token)
                return jwt.decode(token, PUBLIC_KEY, algorithms=[header["alg"]])

            def cognito_user(token: str):
                claims = jose_jwt.get_unverified_claims(token)
                return {"user_id": claims["sub"], "email": claims.get("email")}
            "#,
            4,
        )
        .valid(
            FileKind::Python,
            r#"
            import jwt
            from jose import jwt as jose_jwt

            jwks_client = jwt.PyJWKClient(JWKS_URL)

            def current_user(token: str):
                claims = jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience="api")
                return User.objects.get(pk=claims["sub"])

            def tenant_user(token: str):
                unverified = jwt.decode(token, options={"verify_signature": False})
                key = jwks_for(unverified["iss"]).get_signing_key_from_jwt(token)
                claims = jwt.decode(token, key.key, algorithms=["RS256"], issuer=unverified["iss"])
                return claims["sub"]

            def cognito_claims(token: str):
                kid = jose_jwt.get_unverified_header(token)["kid"]
                return jose_jwt.decode(token, KEYS[kid], algorithms=["RS256"], audience=APP_CLIENT_ID)
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import jwt from "jsonwebtoken";
            import type { NextFunction, Request, Response } from "express";

            export function authenticate(req: Request, res: Response, next: NextFunction) {
              const token = req.headers.authorization?.replace("Bearer ", "") ?? "";
              const payload = jwt.decode(token) as { sub: string; role: string } | null;
              if (!payload) return res.status(401).end();
              req.user = { id: payload.sub, role: payload.role };
              next();
            }

            export function refresh(token: string) {
              return jwt.verify(token, process.env.JWT_SECRET!, { ignoreExpiration: true });
            }

            export function legacy(token: string) {
              return jwt.verify(token, process.env.JWT_SECRET!, { algorithms: ["HS256", "none"] });
            }
            "#,
            3,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import jwt from "jsonwebtoken";
            import { createRemoteJWKSet, jwtVerify } from "jose";
            import type { NextFunction, Request, Response } from "express";

            const JWKS = createRemoteJWKSet(new URL(process.env.JWKS_URL!));

            export function authenticate(req: Request, res: Response, next: NextFunction) {
              const token = req.headers.authorization?.replace("Bearer ", "") ?? "";
              try {
                const payload = jwt.verify(token, process.env.JWT_PUBLIC_KEY!, { algorithms: ["RS256"] }) as jwt.JwtPayload;
                req.user = { id: payload.sub!, role: payload.role };
                next();
              } catch {
                res.status(401).end();
              }
            }

            export async function verifyIdToken(token: string) {
              const { payload } = await jwtVerify(token, JWKS, { algorithms: ["RS256"], issuer: process.env.ISSUER });
              return payload.sub;
            }

            export function tokenExpiry(token: string): number | undefined {
              const decoded = jwt.decode(token) as jwt.JwtPayload | null;
              return decoded?.exp;
            }
            "#,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const { decodeJwt } = require("jose");

            module.exports = async function currentUser(req, res, next) {
              const claims = decodeJwt(req.cookies.session);
              res.locals.user = await db.users.findById(claims.sub);
              next();
            };
            "#,
            1,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use jsonwebtoken::{decode, Algorithm, DecodingKey, TokenData, Validation};

            pub fn claims(token: &str, key: &DecodingKey) -> jsonwebtoken::errors::Result<TokenData<Claims>> {
                let mut validation = Validation::new(Algorithm::HS256);
                validation.insecure_disable_signature_validation();
                validation.validate_exp = false;
                decode::<Claims>(token, key, &validation)
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, TokenData, Validation};

            pub fn claims(token: &str, keys: &Keys) -> Result<TokenData<Claims>, AuthError> {
                let kid = decode_header(token)?.kid.ok_or(AuthError::NoKid)?;
                let mut validation = Validation::new(Algorithm::RS256);
                validation.set_audience(&["api"]);
                validation.set_issuer(&[ISSUER]);
                Ok(decode::<Claims>(token, keys.get(&kid)?, &validation)?)
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn messages(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("jwt-verification-disabled", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn python_messages_name_the_switch() {
        let code = "import jwt\n\ndef f(t):\n    return jwt.decode(t, KEY, verify=False)\n\ndef g(t):\n    return jwt.decode(t, KEY, algorithms=['HS256'], options={'verify_exp': False})\n\ndef h(t):\n    return jwt.decode(t, KEY, algorithms=['none'])\n";
        let found = messages("app/auth.py", FileKind::Python, code);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found[0].starts_with(
                "`jwt.decode(..., verify=False)` accepts the token without checking its signature"
            ),
            "{}",
            found[0]
        );
        assert!(found[1].contains("verify_exp"), "{}", found[1]);
        assert!(found[2].contains("`none` algorithm"), "{}", found[2]);
    }

    #[test]
    fn kwargs_and_unrelated_decode_are_quiet() {
        let code = "import jwt\nimport base64\n\ndef f(t, **opts):\n    return jwt.decode(t, KEY, **opts)\n\ndef g(b):\n    return base64.b64decode(b).decode('utf-8')\n";
        assert!(messages("app/auth.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn js_decode_without_identity_use_is_quiet_and_tsx_is_skipped() {
        let code = "import jwt from 'jsonwebtoken';\nexport const kid = (t) => jwt.decode(t, { complete: true })?.header.kid;\n";
        assert!(messages("src/keys.ts", FileKind::TypeScript, code).is_empty());
        let tsx = "import jwt from 'jsonwebtoken';\nexport function Avatar({ t }) { const u = jwt.decode(t); return <img alt={u.email} />; }\n";
        assert!(messages("src/Avatar.tsx", FileKind::Tsx, tsx).is_empty());
    }

    #[test]
    fn identity_evidence_needs_a_whole_name() {
        assert_eq!(super::identity_evidence("x.substring(1)"), None);
        assert_eq!(super::identity_evidence("return claims.sub;"), Some(".sub"));
    }

    #[test]
    fn rust_validation_literal_and_old_dangerous_decode() {
        let code = r#"
            use jsonwebtoken::{dangerous_insecure_decode, Validation};
            pub fn v() -> Validation {
                Validation { validate_exp: false, ..Validation::default() }
            }
            pub fn peek(token: &str) -> Option<Claims> {
                dangerous_insecure_decode::<Claims>(token).ok().map(|d| d.claims)
            }
        "#;
        let found = messages("src/auth.rs", FileKind::Rust, code);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("validate_exp:false"), "{}", found[0]);
        assert!(
            found[1].contains("dangerous_insecure_decode"),
            "{}",
            found[1]
        );
    }
}
