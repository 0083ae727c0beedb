//! `weak-password-hash`: a password hashed with a fast digest (MD5, SHA-1,
//! SHA-2, SHA-3, BLAKE) instead of a password hashing function, in Python,
//! JavaScript/TypeScript and Rust.
//!
//! Fast digests are right for ETags, cache keys, checksums and random API
//! tokens, so the digest alone is never the finding: the rule reports a
//! digest only when what it hashes is named like a password (`password`,
//! `form.new_password`, `req.body.pwd`, `data["passphrase"]`). A hash
//! object built in one statement and fed in another (`h = sha256();
//! h.update(password)`) is followed within the function.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::crypto::{
    call_arguments, enclosing_scope, is_password_like, py_keyword, py_positional, string_value, Arg,
};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, compact, rust_in_test_code, walk};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(WeakPasswordHash { meta: meta() })
}

struct WeakPasswordHash {
    meta: RuleMeta,
}

/// The first password-like name inside `node`: identifiers, attributes,
/// fields, and string keys (`form["password"]`, `.get("pwd")`). Names of
/// called functions are skipped: `hash_password(x)` says nothing about `x`.
fn password_name(file: &SourceFile, node: Node<'_>) -> Option<String> {
    // HTTP Digest and WS-Security digests hash the password with the
    // server's nonce or realm: a protocol's challenge response, not storage.
    let text = file.text_of(node).to_ascii_lowercase();
    if text.contains("nonce") || text.contains("realm") {
        return None;
    }
    let mut found = None;
    walk(node, |n| {
        if found.is_some() {
            return false;
        }
        match n.kind() {
            "identifier"
            | "property_identifier"
            | "field_identifier"
            | "shorthand_property_identifier" => {
                let name = file.text_of(n);
                let called = file
                    .text
                    .get(n.end_byte()..)
                    .is_some_and(|rest| rest.trim_start().starts_with('('));
                if !called && is_password_like(name) {
                    found = Some(name.to_string());
                }
                false
            }
            "string" | "string_literal" => {
                if let Some(value) = string_value(file, n) {
                    let word =
                        !value.is_empty() && value.chars().all(|c| c.is_alphanumeric() || c == '_');
                    if word && is_password_like(value) {
                        found = Some(format!("{value:?}"));
                    }
                }
                false
            }
            // A nested function is another piece of code.
            "lambda" | "arrow_function" | "function_expression" | "closure_expression" => false,
            _ => true,
        }
    });
    found
}

/// In the function around `ancestors`, the value last bound to `name`
/// before `before` (`h = hashlib.sha256()`, `const hash = createHash(..)`,
/// `let mut hasher = Sha256::new();`).
fn local_value<'t>(
    file: &SourceFile,
    language: Language,
    ancestors: &[Node<'t>],
    name: &str,
    before: usize,
) -> Option<Node<'t>> {
    let scope = enclosing_scope(language, ancestors).or_else(|| ancestors.first().copied())?;
    crate::semantics::sinks::local_value(file, scope, name, before)
}

/// Calls of cryptographically secure generators, lowercased.
const GENERATORS: &[&str] = &[
    "token_urlsafe(",
    "token_hex(",
    "token_bytes(",
    "urandom(",
    "randombytes(",
    "randomuuid(",
    "getrandomvalues(",
    "osrng",
    "thread_rng(",
];

fn report(
    ctx: &mut NodeContext<'_>,
    node: Node<'_>,
    call: &str,
    digest: &str,
    password: &str,
    help: &str,
) {
    // Challenge-response code (MySQL's scramble, HTTP Digest, SASL) hashes
    // the password with the server's nonce because the protocol says so.
    let language = ctx.language();
    let scope_text = enclosing_scope(language, ctx.ancestors)
        .map(|f| ctx.file.text_of(f).to_ascii_lowercase())
        .unwrap_or_default();
    let protocol = ["nonce", "realm", "scramble", "challenge"]
        .iter()
        .any(|w| scope_text.contains(w));
    // A `secret` the function itself draws from a CSPRNG is a random API
    // key, and storing its plain digest is the usual, sound practice.
    let lowered = password.to_ascii_lowercase();
    let generated = !(lowered.contains("pass") || lowered.contains("pw"))
        && GENERATORS.iter().any(|g| scope_text.contains(g));
    if protocol || generated {
        return;
    }
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!(
                "`{call}` hashes the password `{password}` with a single fast {digest} round: from a leaked table, GPUs test billions of guesses per second, salted or not"
            ),
        )
        .help(help),
    );
}

// ---------------------------------------------------------------- Python

const PY_HELP: &str = "hash passwords with a slow, salted password hash: `argon2.PasswordHasher().hash(password)` (argon2-cffi), `bcrypt.hashpw(password.encode(), bcrypt.gensalt())`, passlib `CryptContext(schemes=[\"argon2\"])` or Django's `make_password`; with the standard library only, `hashlib.scrypt(password.encode(), salt=os.urandom(16), n=2**14, r=8, p=1)`";

const PY_DIGESTS: &[&str] = &[
    "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224", "sha3_256", "sha3_384",
    "sha3_512", "blake2b", "blake2s", "new",
];

/// The digest a Python call constructs (`hashlib.sha256(..)` → `SHA256`,
/// `hashlib.new("md5")` → `MD5`), `None` for other calls and for digests
/// marked `usedforsecurity=False`.
fn py_digest(file: &SourceFile, call: Node<'_>) -> Option<String> {
    let callee = callee_path(file, Language::Python, call)?;
    let imports = file.imports();
    let head = callee.split('.').next().unwrap_or(&callee);
    imports.binding(head)?;
    let resolved = imports.resolve(&callee);
    let function = resolved.strip_prefix("hashlib.")?;
    if !PY_DIGESTS.contains(&function) {
        return None;
    }
    if matches!(py_keyword(file, call, "usedforsecurity"), Arg::Given(v) if file.text_of(v) == "False")
    {
        return None;
    }
    if function == "new" {
        let name = py_positional(call)
            .first()
            .and_then(|a| string_value(file, *a))?;
        return Some(name.to_ascii_uppercase());
    }
    Some(function.to_ascii_uppercase().replace("SHA3_", "SHA3-"))
}

fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    // `h.update(password)` on a digest object built in this function.
    if function.kind() == "attribute"
        && function
            .child_by_field_name("attribute")
            .is_some_and(|a| file.text_of(a) == "update")
    {
        let Some(receiver) = function.child_by_field_name("object") else {
            return;
        };
        let constructor = if receiver.kind() == "call" {
            Some(receiver)
        } else {
            local_value(
                file,
                Language::Python,
                ctx.ancestors,
                file.text_of(receiver),
                node.start_byte(),
            )
            .filter(|v| v.kind() == "call")
        };
        let Some(digest) = constructor.and_then(|c| py_digest(file, c)) else {
            return;
        };
        if let Some(password) = py_positional(node)
            .first()
            .and_then(|a| password_name(file, *a))
        {
            let call = format!("{}.update", file.text_of(receiver));
            report(ctx, node, &call, &digest, &password, PY_HELP);
        }
        return;
    }
    let Some(digest) = py_digest(file, node) else {
        return;
    };
    let positional = py_positional(node);
    let data = if digest.is_empty() {
        None
    } else {
        positional.get(usize::from(is_hashlib_new(file, node)))
    };
    if let Some(password) = data.and_then(|a| password_name(file, *a)) {
        let call = callee_path(file, Language::Python, node).unwrap_or_default();
        report(ctx, node, &call, &digest, &password, PY_HELP);
    }
}

fn is_hashlib_new(file: &SourceFile, call: Node<'_>) -> bool {
    callee_path(file, Language::Python, call)
        .is_some_and(|c| file.imports().resolve(&c) == "hashlib.new")
}

// ---------------------------------------------------------------- JS / TS

const JS_HELP: &str = "hash passwords with a slow, salted password hash: `await argon2.hash(password)` (argon2), `await bcrypt.hash(password, 12)` (bcrypt or bcryptjs), or `crypto.scrypt(password, salt, 64, cb)` with a random 16-byte salt stored beside the hash; compare with `argon2.verify` / `bcrypt.compare`";

/// Single-purpose digest packages whose default export hashes its argument.
const JS_DIGEST_MODULES: &[(&str, &str)] = &[
    ("md5", "MD5"),
    ("blueimp-md5", "MD5"),
    ("js-md5", "MD5"),
    ("sha1", "SHA-1"),
    ("js-sha1", "SHA-1"),
    ("js-sha256", "SHA-256"),
    ("js-sha512", "SHA-512"),
    ("crypto-js/md5", "MD5"),
    ("crypto-js/sha1", "SHA-1"),
    ("crypto-js/sha256", "SHA-256"),
    ("crypto-js/sha512", "SHA-512"),
];

/// The digest of a `crypto.createHash('sha256')` call, as written.
fn js_create_hash(file: &SourceFile, call: Node<'_>) -> Option<String> {
    if call.kind() != "call_expression" {
        return None;
    }
    let callee = callee_path(file, Language::JavaScript, call)?;
    let resolved = file.imports().resolve(&callee);
    if resolved != "crypto.createHash" {
        return None;
    }
    let algorithm = call_arguments(call)
        .first()
        .and_then(|a| string_value(file, *a))?;
    Some(algorithm.to_ascii_uppercase())
}

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    let args = call_arguments(node);
    let first_password = || args.first().and_then(|a| password_name(file, *a));
    if function.kind() == "member_expression"
        && function
            .child_by_field_name("property")
            .is_some_and(|p| file.text_of(p) == "update")
    {
        let Some(receiver) = function.child_by_field_name("object") else {
            return;
        };
        let constructor = if receiver.kind() == "call_expression" {
            Some(receiver)
        } else {
            local_value(
                file,
                Language::JavaScript,
                ctx.ancestors,
                file.text_of(receiver),
                node.start_byte(),
            )
        };
        let Some(digest) = constructor.and_then(|c| js_create_hash(file, c)) else {
            return;
        };
        if let Some(password) = first_password() {
            let call = if receiver.kind() == "call_expression" {
                format!("createHash('{}').update", digest.to_ascii_lowercase())
            } else {
                format!("{}.update", file.text_of(receiver))
            };
            report(ctx, node, &call, &digest, &password, JS_HELP);
        }
        return;
    }
    let Some(callee) = callee_path(file, Language::JavaScript, node) else {
        return;
    };
    let imports = file.imports();
    let head = callee.split('.').next().unwrap_or(&callee);
    let resolved = imports.resolve(&callee);
    let digest = if imports.binding(head).is_none() {
        None
    } else if let Some((_, digest)) = JS_DIGEST_MODULES.iter().find(|(m, _)| {
        resolved == *m || resolved.strip_prefix(m).is_some_and(|r| r.starts_with('.'))
    }) {
        Some((*digest).to_string())
    } else if let Some(function) = resolved.strip_prefix("crypto-js.") {
        matches!(
            function,
            "MD5" | "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512" | "SHA3" | "RIPEMD160"
        )
        .then(|| function.to_string())
    } else {
        None
    };
    if let Some(digest) = digest {
        if let Some(password) = first_password() {
            report(ctx, node, &callee, &digest, &password, JS_HELP);
        }
        return;
    }
    // Web Crypto: `crypto.subtle.digest("SHA-256", encoder.encode(password))`.
    if callee.ends_with("subtle.digest") {
        let algorithm = args
            .first()
            .and_then(|a| string_value(file, *a))
            .unwrap_or("SHA");
        if let Some(password) = args.get(1).and_then(|a| password_name(file, *a)) {
            report(ctx, node, &callee, algorithm, &password, JS_HELP);
        }
    }
}

// ---------------------------------------------------------------- Rust

const RUST_HELP: &str = "hash passwords with `argon2::Argon2::default().hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))` (argon2 + password-hash crates) and check with `verify_password`; `bcrypt::hash(password, DEFAULT_COST)` and the `scrypt` crate are also fine";

/// RustCrypto digest types and their display names.
const RUST_DIGESTS: &[(&str, &str)] = &[
    ("Md5", "MD5"),
    ("Sha1", "SHA-1"),
    ("Sha224", "SHA-224"),
    ("Sha256", "SHA-256"),
    ("Sha384", "SHA-384"),
    ("Sha512", "SHA-512"),
    ("Sha512_256", "SHA-512/256"),
    ("Sha3_256", "SHA3-256"),
    ("Sha3_512", "SHA3-512"),
    ("Keccak256", "Keccak-256"),
    ("Blake2b512", "BLAKE2b"),
    ("Blake2s256", "BLAKE2s"),
];

/// The digest a Rust path constructs or applies (`Sha256::new`,
/// `Sha256::digest`, `md5::compute`, `sha256::digest`, `blake3::hash`).
fn rust_digest(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split("::").collect();
    match segments.as_slice() {
        [.., "md5", "compute"] => Some("MD5"),
        [.., "sha256", "digest"] => Some("SHA-256"),
        [.., "blake3", "hash"] => Some("BLAKE3"),
        [.., ty, "new" | "default" | "digest" | "new_with_prefix"] => RUST_DIGESTS
            .iter()
            .find(|(t, _)| t == ty)
            .map(|(_, name)| *name),
        _ => None,
    }
}

fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    if rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    let args = call_arguments(node);
    let Some(password) = args.first().and_then(|a| password_name(file, *a)) else {
        return;
    };
    if function.kind() == "field_expression" {
        // `hasher.update(password)`, `Sha256::new().chain_update(password)`.
        let method = function
            .child_by_field_name("field")
            .map_or("", |f| file.text_of(f));
        if !matches!(method, "update" | "chain_update" | "input" | "chain") {
            return;
        }
        let Some(receiver) = function.child_by_field_name("value") else {
            return;
        };
        let constructor = if receiver.kind() == "call_expression" {
            Some(receiver)
        } else {
            local_value(
                file,
                Language::Rust,
                ctx.ancestors,
                file.text_of(receiver),
                node.start_byte(),
            )
        };
        let digest = constructor
            .filter(|c| c.kind() == "call_expression")
            .and_then(|c| c.child_by_field_name("function"))
            .and_then(|f| rust_digest(&file.imports().resolve(&compact(file.text_of(f)))));
        if let Some(digest) = digest {
            let call = format!("{}.{method}", compact(file.text_of(receiver)));
            report(ctx, node, &call, digest, &password, RUST_HELP);
        }
        return;
    }
    let Some(path) = callee_path(file, Language::Rust, node) else {
        return;
    };
    let resolved = file.imports().resolve(&path);
    // `Sha256::new()` takes no input: only functions that hash their argument.
    if resolved.ends_with("::new") || resolved.ends_with("::default") {
        return;
    }
    if let Some(digest) = rust_digest(&resolved) {
        report(ctx, node, &path, digest, &password, RUST_HELP);
    } else if resolved.ends_with("digest::digest")
        && args
            .first()
            .is_some_and(|a| file.text_of(*a).contains("SHA"))
    {
        // ring: `digest::digest(&digest::SHA256, password.as_bytes())`.
        if let Some(password) = args.get(1).and_then(|a| password_name(file, *a)) {
            report(ctx, node, &path, "SHA-2", &password, RUST_HELP);
        }
    }
}

impl Rule for WeakPasswordHash {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests hash fixture passwords with whatever is quick.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let (digests, passwords): (&[&str], &[&str]) = match language {
            Language::Python => (
                &["hashlib"],
                &["pass", "pwd", "Pass", "PASS", "secret", "SECRET", "Secret"],
            ),
            Language::Rust => (
                &[
                    "md5", "Md5", "Sha", "sha", "blake", "Blake", "Keccak", "digest",
                ],
                &["pass", "pwd", "Pass", "PASS", "secret", "Secret", "SECRET"],
            ),
            _ => (
                &["createHash", "md5", "sha", "crypto-js", "subtle"],
                &["pass", "pwd", "Pass", "PASS", "secret", "Secret", "SECRET"],
            ),
        };
        let group = |list: &[&str]| list.iter().map(|c| (*c).to_string()).collect::<Vec<_>>();
        Some(vec![group(digests), group(passwords)])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kind = if language == Language::Python {
            "call"
        } else {
            "call_expression"
        };
        vec![kind.to_string()]
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
Finds passwords hashed with a fast digest — MD5, SHA-1, SHA-2, SHA-3,
BLAKE — whether salted or not. Python: `hashlib.md5/sha1/sha256/...(x)`,
`hashlib.new("md5", x)` and `h.update(x)` on such an object. JavaScript/
TypeScript: `crypto.createHash(alg).update(x)` (also through a variable),
the `md5`, `sha1`, `js-sha256`, `crypto-js` (`CryptoJS.SHA256(x)`) packages
and `crypto.subtle.digest`. Rust: `md5::compute(x)`, `Sha256::digest(x)`,
`Sha1`/`Md5`/`Sha512`/`Sha3_256`/`Blake2b512` the same way,
`hasher.update(x)` after `Sha256::new()`, `sha256::digest`, `blake3::hash`,
ring's `digest::digest`. It reports only when `x` is named like a password
(`password`, `new_password`, `passwd`, `pwd`, `passphrase`, `secret`,
`form["password"]`); digests of anything else are not its business.

## Why it matters
Checklist SCOPE-4.5 (strong password hashing). When a user table leaks,
fast digests fall to offline guessing: a GPU computes billions of SHA-256
or MD5 hashes per second, and a per-user salt only stops precomputed
tables, not guessing. Password hashes must be slow and memory-hard
(Argon2id, scrypt, bcrypt) so every guess costs real time.

## Example
```python
import hashlib

def set_password(user, password):
    user.password_hash = hashlib.sha256(password.encode()).hexdigest()
```

## Use instead
```python
from argon2 import PasswordHasher

ph = PasswordHasher()

def set_password(user, password):
    user.password_hash = ph.hash(password)
```
Also fine: `bcrypt.hashpw`, passlib `CryptContext`, Django `make_password`,
`hashlib.scrypt`, `hashlib.pbkdf2_hmac` with a high iteration count; Node
`argon2.hash`, `bcrypt.hash`, `crypto.scrypt`; Rust `argon2`, `bcrypt`,
`scrypt`, `pbkdf2` crates.

## Configuration
Select or ignore it by name or `SCOPE-4.5`. Tests and examples are not
checked. Not reported: digests with `usedforsecurity=False`; names with
`key`, `token`, `api`, `client` or `hash` beside `secret` (`api_secret`,
`SECRET_KEY`), which hold random keys a fast digest may store; a `secret`
the same function draws from a CSPRNG (`secrets.token_urlsafe`,
`randomBytes`, `OsRng`); digests in functions that work with a `nonce`,
`realm`, `scramble` or `challenge` (HTTP Digest, WS-Security and database
wire-protocol challenge responses, which the protocol fixes). A random
`secret` generated in another function is reported: suppress it with a
reason. Not seen: a password that reaches the digest under another name
(`data = password.encode(); md5(data)`), digests wrapped in helpers
defined elsewhere, Rust calls written inside macros
(`format!("{:x}", md5::compute(pw))`), and HMAC with a password as the
message.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("weak-password-hash", "SCOPE-4.5")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A password is hashed with a fast digest (MD5, SHA-1, SHA-256…) instead of Argon2, scrypt or bcrypt.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .tags(&["security", "crypto"])
        .cwe(&["CWE-916", "CWE-328"])
        .security_severity(7.5)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import hashlib

            def register(db, email: str, password: str):
                digest = hashlib.sha256(password.encode("utf-8")).hexdigest()
                db.execute("INSERT INTO users (email, password_hash) VALUES (%s, %s)", (email, digest))

            def check_login(user, form):
                h = hashlib.md5()
                h.update(user.salt.encode())
                h.update(form["password"].encode())
                return h.hexdigest() == user.password_hash

            def legacy(pw):
                return hashlib.new("sha1", pw.encode()).hexdigest()
            "#,
            3,
        )
        .valid(
            FileKind::Python,
            r#"
            import hashlib
            import os

            import bcrypt
            from argon2 import PasswordHasher
            from django.contrib.auth.hashers import make_password

            ph = PasswordHasher()

            def register(email: str, password: str) -> str:
                return ph.hash(password)

            def legacy_register(password: str) -> bytes:
                return bcrypt.hashpw(password.encode(), bcrypt.gensalt())

            def django_user(user, password):
                user.password = make_password(password)

            def derive(password: str, salt: bytes) -> bytes:
                return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 600_000)

            def etag(body: bytes) -> str:
                return hashlib.md5(body, usedforsecurity=False).hexdigest()

            def store_api_token(token: str) -> str:
                return hashlib.sha256(token.encode()).hexdigest()
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import crypto from "crypto";
            import md5 from "md5";

            export function hashPassword(password: string, salt: string): string {
              return crypto.createHash("sha256").update(salt + password).digest("hex");
            }

            export async function signup(req: Request) {
              const { email, password } = await req.json();
              const hash = crypto.createHash("sha1");
              hash.update(password);
              return { email, passwordHash: hash.digest("hex"), legacy: md5(password) };
            }
            "#,
            3,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import crypto from "crypto";
            import bcrypt from "bcrypt";
            import argon2 from "argon2";

            export async function hashPassword(password: string): Promise<string> {
              return argon2.hash(password);
            }

            export async function legacyHash(password: string): Promise<string> {
              return bcrypt.hash(password, 12);
            }

            export function etag(body: string): string {
              return crypto.createHash("md5").update(body).digest("hex");
            }
            "#,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const CryptoJS = require("crypto-js");

            function storeUser(db, username, password) {
              return db.users.insert({ username, password: CryptoJS.SHA256(password).toString() });
            }
            module.exports = { storeUser };
            "#,
            1,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const crypto = require("crypto");
            const { promisify } = require("util");
            const scrypt = promisify(crypto.scrypt);

            async function hashPassword(password) {
              const salt = crypto.randomBytes(16);
              const key = await scrypt(password, salt, 64);
              return `${salt.toString("hex")}:${key.toString("hex")}`;
            }
            module.exports = { hashPassword };
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use sha2::{Digest, Sha256};

            pub fn hash_password(password: &str, salt: &str) -> String {
                let mut hasher = Sha256::new();
                hasher.update(salt.as_bytes());
                hasher.update(password.as_bytes());
                format!("{:x}", hasher.finalize())
            }

            pub fn legacy(req: &LoginRequest) -> String {
                let digest = md5::compute(req.password.as_bytes());
                format!("{digest:x}")
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
            use argon2::Argon2;
            use sha2::{Digest, Sha256};

            pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
                let salt = SaltString::generate(&mut OsRng);
                Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
            }

            pub fn checksum(body: &[u8]) -> String {
                format!("{:x}", Sha256::digest(body))
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn messages(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("weak-password-hash", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn message_names_the_call_digest_and_value() {
        let code = "from hashlib import sha1\n\ndef h(new_password):\n    return sha1(new_password.encode()).hexdigest()\n";
        let found = messages("app/users.py", FileKind::Python, code);
        assert_eq!(found, ["`sha1` hashes the password `new_password` with a single fast SHA1 round: from a leaked table, GPUs test billions of guesses per second, salted or not"]);
    }

    #[test]
    fn digests_of_other_values_and_password_hash_helpers_are_quiet() {
        let code = r#"
            import hashlib
            def cache_key(path):
                return hashlib.sha1(path.encode()).hexdigest()
            def f(user):
                return hashlib.sha256(hash_password(user.id)).hexdigest()
            def g(password_reset_token):
                return hashlib.sha256(password_reset_token.encode()).hexdigest()
        "#;
        assert!(messages("app/cache.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn challenge_responses_with_a_nonce_or_realm_are_quiet() {
        let code = r#"
            import hashlib
            def ha1(user, realm, password):
                return hashlib.md5(f"{user}:{realm}:{password}".encode()).hexdigest()
            def wsse(cnonce, created, password):
                return hashlib.sha1(("%s%s%s" % (cnonce, created, password)).encode()).digest()
        "#;
        assert!(messages("app/digest.py", FileKind::Python, code).is_empty());
        let rust = r#"
            use sha1::{Digest, Sha1};
            fn scramble_sha1(password: &str, nonce: &[u8]) -> Vec<u8> {
                let mut ctx = Sha1::new();
                ctx.update(password);
                let pw_hash = ctx.finalize_reset();
                ctx.update(nonce);
                ctx.update(pw_hash);
                ctx.finalize().to_vec()
            }
        "#;
        assert!(messages("src/auth.rs", FileKind::Rust, rust).is_empty());
    }

    #[test]
    fn a_generated_secret_stored_as_a_digest_is_quiet() {
        let code = r#"
            import hashlib
            import secrets
            def create_api_key(user):
                secret = secrets.token_urlsafe(32)
                ApiKey.objects.create(user=user, digest=hashlib.sha256(secret.encode()).hexdigest())
                return secret
            def check(secret):
                return hashlib.sha256(secret.encode()).hexdigest()
        "#;
        let found = messages("app/keys.py", FileKind::Python, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("`secret`"), "{}", found[0]);
    }

    #[test]
    fn js_request_body_password_and_web_crypto() {
        let code = r#"
            import { createHash } from "node:crypto";
            export async function a(req) {
              const h = createHash("md5").update(req.body.password).digest("hex");
              const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(req.body.pwd));
              return [h, d];
            }
        "#;
        let found = messages("src/auth.ts", FileKind::TypeScript, code);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].contains("`password`") && found[0].contains("MD5"),
            "{}",
            found[0]
        );
        assert!(
            found[1].contains("`pwd`") && found[1].contains("SHA-256"),
            "{}",
            found[1]
        );
    }

    #[test]
    fn rust_chain_update_and_digest() {
        let code = r#"
            use sha1::{Digest, Sha1};
            pub fn a(pwd: &str) -> Vec<u8> {
                Sha1::new().chain_update(pwd).finalize().to_vec()
            }
            pub fn b(passphrase: &[u8]) -> Vec<u8> {
                sha2::Sha512::digest(passphrase).to_vec()
            }
        "#;
        let found = messages("src/auth.rs", FileKind::Rust, code);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("SHA-1"));
        assert!(found[1].contains("SHA-512"));
    }
}
