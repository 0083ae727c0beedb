//! `insecure-random-token`: a non-cryptographic random generator
//! (`random.*`, `Math.random()`, `SmallRng`, `fastrand`, PCG/xorshift)
//! used to make a token, password, one-time code, session id, nonce, salt
//! or API key, in Python, JavaScript/TypeScript and Rust.
//!
//! Random numbers for jitter, sampling, shuffling and tests are fine with a
//! fast generator, so the generator alone is never the finding. The rule
//! reads what the value becomes: the name it is assigned to, the key or
//! keyword it is passed as, or — when it is returned, or only goes into a
//! neutral local such as `rng` or `chars` — the name of the function that
//! makes it (`generate_otp`, `createResetToken`).

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::crypto::{
    function_name, identifier_words, is_function, is_token_like, pair_key,
};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, compact, rust_in_test_code};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(InsecureRandomToken { meta: meta() })
}

struct InsecureRandomToken {
    meta: RuleMeta,
}

/// Local names that say nothing about what the random value is for: the
/// decision falls to the enclosing function's name.
const NEUTRAL_NAMES: &[&str] = &[
    "_",
    "rng",
    "rand",
    "random",
    "r",
    "gen",
    "generator",
    "prng",
    "chars",
    "characters",
    "digits",
    "letters",
    "result",
    "res",
    "value",
    "val",
    "s",
    "out",
    "output",
    "buf",
    "buffer",
    "parts",
    "code",
    "pin",
    "n",
    "num",
    "number",
    "x",
    "c",
    "ch",
    "i",
    "k",
    "v",
    "string",
    "str",
    "text",
    "alphabet",
    "bytes",
    "raw",
    "data",
];

/// Callees that make a random value harmless to predict: delays, jitter,
/// shuffles, sampling.
fn is_benign_sink(callee: &str) -> bool {
    let last = callee
        .rsplit(['.', ':'])
        .next()
        .unwrap_or(callee)
        .to_ascii_lowercase();
    [
        "sleep",
        "settimeout",
        "setinterval",
        "delay",
        "backoff",
        "jitter",
        "shuffle",
        "sort",
        "wait",
        "retry",
        "sample",
    ]
    .iter()
    .any(|w| last.contains(w))
}

/// Words of a function name that make a one-time code of a neutral local
/// (`code`, `pin`, `digits`): `send_verification_sms`, `startPasswordReset`.
fn is_code_context(name: &str) -> bool {
    is_token_like(name)
        || identifier_words(name).iter().any(|w| {
            matches!(
                w.as_str(),
                "verification"
                    | "verify"
                    | "reset"
                    | "otp"
                    | "mfa"
                    | "2fa"
                    | "confirm"
                    | "confirmation"
                    | "activation"
                    | "activate"
                    | "invite"
                    | "recovery"
                    | "magic"
                    | "signup"
                    | "login"
                    | "sms"
                    | "auth"
                    | "authenticate"
                    | "credentials"
                    | "credential"
            )
        })
}

/// What the random value becomes.
enum Target {
    /// A name says what it is.
    Named(String),
    /// The enclosing function decides: the value is returned, or stored in
    /// the neutral local given.
    Function { local: Option<String> },
    /// A delay, a comparison, a shuffle: not a secret.
    Benign,
}

/// The last segment of an assignment target (`self.reset_token` →
/// `reset_token`, `session["csrf"]` → `csrf`).
fn target_name(file: &SourceFile, target: Node<'_>) -> String {
    let text = file.text_of(target).trim();
    let text = compact(text.strip_prefix("mut ").unwrap_or(text));
    let text = text.as_str();
    let last = text
        .rsplit(['.', '[', ':'])
        .find(|s| !s.is_empty())
        .unwrap_or(text);
    last.trim_matches(|c: char| !(c.is_alphanumeric() || c == '_'))
        .to_string()
}

fn decide(name: String) -> Target {
    if is_token_like(&name) {
        Target::Named(name)
    } else if NEUTRAL_NAMES.contains(&name.to_ascii_lowercase().as_str()) || name.is_empty() {
        Target::Function { local: Some(name) }
    } else {
        Target::Benign
    }
}

/// Walks outwards from the generator call to what its value becomes.
fn target_of(
    file: &SourceFile,
    language: Language,
    node: Node<'_>,
    ancestors: &[Node<'_>],
) -> Target {
    let mut child = node;
    for node in ancestors.iter().rev() {
        let kind = node.kind();
        let from = std::mem::replace(&mut child, *node);
        if is_function(language, kind) && !matches!(kind, "lambda" | "closure_expression") {
            return Target::Function { local: None };
        }
        match kind {
            "call" | "call_expression" | "new_expression" | "macro_invocation" => {
                let callee = node
                    .child_by_field_name("function")
                    .or_else(|| node.child_by_field_name("constructor"))
                    .or_else(|| node.child_by_field_name("macro"))
                    .map_or("", |f| file.text_of(f));
                if is_benign_sink(callee) {
                    return Target::Benign;
                }
            }
            "assignment"
            | "augmented_assignment"
            | "assignment_expression"
            | "augmented_assignment_expression" => {
                if let Some(left) = node.child_by_field_name("left") {
                    return decide(target_name(file, left));
                }
            }
            "variable_declarator" => {
                if let Some(name) = node.child_by_field_name("name") {
                    return decide(target_name(file, name));
                }
            }
            "let_declaration" => {
                if let Some(pattern) = node.child_by_field_name("pattern") {
                    return decide(target_name(file, pattern));
                }
            }
            "keyword_argument" => {
                if let Some(name) = node.child_by_field_name("name") {
                    return decide(file.text_of(name).to_string());
                }
            }
            "pair" => {
                if let Some(key) = pair_key(file, *node) {
                    return decide(key.to_string());
                }
            }
            "field_initializer" => {
                if let Some(field) = node.child_by_field_name("field") {
                    return decide(file.text_of(field).to_string());
                }
            }
            "shorthand_field_initializer" => return decide(file.text_of(*node).to_string()),
            "return_statement" | "return_expression" => return Target::Function { local: None },
            // Comparisons, and the conditions of branches and loops:
            // sampling (`if random.random() < 0.1`), not secrets. Their
            // bodies are looked through.
            "comparison_operator" => return Target::Benign,
            "if_statement" | "while_statement" | "if_expression" | "while_expression"
            | "for_statement" | "for_in_statement" | "for_expression" | "ternary_expression" => {
                let in_body = ["body", "consequence", "alternative"].iter().any(|f| {
                    node.child_by_field_name(f)
                        .is_some_and(|b| b.id() == from.id())
                }) || matches!(
                    from.kind(),
                    "block" | "statement_block" | "else_clause" | "elif_clause"
                );
                if !in_body {
                    return Target::Benign;
                }
            }
            // `a if condition else b`: the condition is the second operand.
            "conditional_expression"
                if node.named_child(1).is_some_and(|c| c.id() == from.id()) =>
            {
                return Target::Benign;
            }
            "binary_expression" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map_or("", |o| file.text_of(o));
                if matches!(
                    operator,
                    "<" | ">" | "<=" | ">=" | "==" | "===" | "!=" | "!=="
                ) {
                    return Target::Benign;
                }
            }
            _ => {}
        }
    }
    Target::Function { local: None }
}

/// Words of a function name that say its random values are not secrets,
/// whatever a local is called (`_make_boundary`'s `token`, a lexer's
/// tokens, fake data for a demo).
fn is_non_secret_context(name: &str) -> bool {
    identifier_words(name).iter().any(|w| {
        matches!(
            w.as_str(),
            "boundary"
                | "multipart"
                | "mime"
                | "color"
                | "colour"
                | "sample"
                | "sampling"
                | "shuffle"
                | "jitter"
                | "backoff"
                | "delay"
                | "retry"
                | "mock"
                | "fake"
                | "dummy"
                | "demo"
                | "lexer"
                | "tokenize"
                | "tokenizer"
                | "placeholder"
                | "seed"
                | "simulate"
                | "simulation"
        )
    })
}

fn report(ctx: &mut NodeContext<'_>, node: Node<'_>, generator: &str, help: &str) {
    let file = ctx.file;
    let language = ctx.language();
    let function = ctx.ancestors.iter().rposition(|a| {
        is_function(language, a.kind()) && !matches!(a.kind(), "lambda" | "closure_expression")
    });
    let function_name =
        function.and_then(|i| function_name(file, ctx.ancestors[i], &ctx.ancestors[..=i]));
    if function_name.is_some_and(is_non_secret_context) {
        return;
    }
    let target = target_of(file, language, node, ctx.ancestors);
    let name = match target {
        Target::Benign => return,
        Target::Named(name) => format!("`{name}`"),
        Target::Function { local } => {
            let Some(name) = function_name else {
                return;
            };
            // A returned value is judged by the function's name alone; a
            // neutral local (`code`) also by the flow it belongs to.
            let fits = if local.is_some() {
                is_code_context(name)
            } else {
                is_token_like(name)
            };
            if !fits {
                return;
            }
            match local {
                Some(local) if !local.is_empty() => format!("`{local}` in `{name}`"),
                _ => format!("the return value of `{name}`"),
            }
        }
    };
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!(
                "`{generator}` makes {name}, but it is not a cryptographic generator: its output can be predicted from a few observed values, so an attacker can guess the secret"
            ),
        )
        .help(help),
    );
}

const PY_HELP: &str = "use the `secrets` module: `secrets.token_urlsafe(32)` for tokens and keys, `secrets.token_hex(16)` for salts and nonces, `f\"{secrets.randbelow(10**6):06d}\"` or `''.join(secrets.choice(alphabet) for _ in range(n))` for codes and passwords";

const JS_HELP: &str = "use the crypto module: `crypto.randomBytes(32).toString(\"base64url\")` for tokens, `crypto.randomInt(0, 1_000_000)` for numeric codes, `crypto.randomUUID()` for ids (in browsers, `crypto.getRandomValues`)";

const RUST_HELP: &str = "use a cryptographically secure generator: `rand::rngs::OsRng` or `rand::thread_rng()` (e.g. `Alphanumeric.sample_string(&mut OsRng, 32)`), or `getrandom::getrandom(&mut buf)`";

const PY_FUNCTIONS: &[&str] = &[
    "random",
    "randint",
    "randrange",
    "choice",
    "choices",
    "getrandbits",
    "randbytes",
    "uniform",
    "sample",
];

fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(callee) = callee_path(file, Language::Python, node) else {
        return;
    };
    let imports = file.imports();
    let head = callee.split('.').next().unwrap_or(&callee);
    if imports.binding(head).is_none() {
        return;
    }
    let resolved = imports.resolve(&callee);
    let Some(function) = resolved.strip_prefix("random.") else {
        return;
    };
    // `try: from secrets import randbits / except ImportError: from random
    // import getrandbits as randbits`: the import table keeps the fallback.
    if head != "random" && file.text.contains("from secrets import") {
        return;
    }
    if PY_FUNCTIONS.contains(&function) {
        report(ctx, node, &callee, PY_HELP);
    }
}

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    if callee_path(file, Language::JavaScript, node).is_some_and(|c| c == "Math.random") {
        report(ctx, node, "Math.random()", JS_HELP);
    }
}

/// Non-cryptographic generator types of `rand`, `rand_pcg`,
/// `rand_xorshift`, `rand_xoshiro`, `nanorand` and `oorandom`.
const RUST_FAST_RNGS: &[&str] = &[
    "SmallRng",
    "Pcg32",
    "Pcg64",
    "Pcg64Mcg",
    "Lcg64Xsh32",
    "XorShiftRng",
    "Xoshiro256PlusPlus",
    "Xoshiro256StarStar",
    "Xoshiro128PlusPlus",
    "Xoroshiro128PlusPlus",
    "WyRand",
    "Rand32",
    "Rand64",
];

fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    // A path inside a longer path, or inside a `use`, is read with its parent.
    let Some(parent) = ctx.ancestors.last() else {
        return;
    };
    if parent.kind() == "scoped_identifier"
        || ctx.ancestors.iter().any(|a| a.kind() == "use_declaration")
    {
        return;
    }
    if rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    let path = compact(file.text_of(node));
    let resolved = file.imports().resolve(&path);
    let segments: Vec<&str> = resolved.split("::").collect();
    let fast = match segments.as_slice() {
        ["fastrand", "shuffle" | "seed" | "get_seed"] => false,
        ["fastrand", ..] => true,
        [.., ty, _method] => RUST_FAST_RNGS.contains(ty),
        _ => false,
    };
    if fast {
        report(ctx, node, &path, RUST_HELP);
    }
}

impl Rule for InsecureRandomToken {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests generate throwaway tokens with whatever is at hand.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let candidates: &[&str] = match language {
            Language::Python => &["random"],
            Language::Rust => &[
                "fastrand",
                "SmallRng",
                "Pcg",
                "XorShift",
                "Xoshiro",
                "Xoroshiro",
                "WyRand",
                "oorandom",
                "Lcg64",
            ],
            _ => &["Math.random"],
        };
        Some(vec![candidates.iter().map(|c| (*c).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kind = match language {
            Language::Python => "call",
            Language::Rust => "scoped_identifier",
            _ => "call_expression",
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
Finds tokens, passwords, one-time codes, session ids, nonces, salts and API
keys made with a non-cryptographic random generator: Python's `random`
module (`random.random`, `randint`, `randrange`, `choice`, `choices`,
`getrandbits`, `randbytes`, `sample`), JavaScript's `Math.random()`, and in
Rust `fastrand`, `SmallRng`, PCG, xorshift/xoshiro, `nanorand::WyRand` and
`oorandom`. The value must be assigned to, passed as, or stored under a
name that says what it is (`reset_token`, `otp`, `sessionId`, `api_key`,
`salt`), or be returned by — or built in a neutral local such as `code`,
`chars` or `rng` inside — a function whose name says so (`generate_otp`,
`createResetToken`, `send_verification_sms`).

## Why it matters
Checklist SCOPE-4.1 (sound authentication flows). Mersenne Twister,
xorshift-family and V8's `Math.random` generators are designed for speed,
not secrecy: after observing a few outputs (other users' codes, ids in
URLs) an attacker can reconstruct the internal state and compute the next
password-reset token or session id.

## Example
```python
import random
import string

def create_reset_token(user):
    user.reset_token = "".join(random.choices(string.ascii_letters + string.digits, k=32))
```

## Use instead
```python
import secrets

def create_reset_token(user):
    user.reset_token = secrets.token_urlsafe(32)
```
Node: `crypto.randomBytes(32).toString("base64url")`, `crypto.randomInt`,
`crypto.randomUUID()`. Rust: `OsRng` or `rand::thread_rng()`, which are
cryptographically secure. Random values for jitter, backoff, sampling and
shuffling are not reported.

## Configuration
Select or ignore it by name or `SCOPE-4.1`. Tests and examples are not
checked, nor functions whose names say the value is no secret
(`_make_boundary`, `sample_*`, `jitter`, `fake_*`, `mock_*`, a lexer's
`tokenize`). Not seen: a generator whose value reaches a token through a helper
defined elsewhere or under a neutral name in a function with a neutral name,
`random.Random()` / `numpy.random` instances, lodash `_.random`, and Rust
calls inside macros.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("insecure-random-token", "SCOPE-4.1")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A token, password, one-time code, session id or salt is made with a predictable, non-cryptographic random generator.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .tags(&["security", "crypto", "auth"])
        .cwe(&["CWE-338", "CWE-330"])
        .security_severity(6.5)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import random
            import string

            def create_reset_token(user):
                user.reset_token = "".join(random.choices(string.ascii_letters + string.digits, k=32))
                user.save()

            def send_verification_sms(phone):
                code = f"{random.randint(0, 999999):06d}"
                sms.send(phone, f"Your code is {code}")

            def new_session(user_id):
                return Session(user_id=user_id, session_id=random.getrandbits(128))
            "#,
            3,
        )
        .valid(
            FileKind::Python,
            r#"
            import random
            import secrets
            import time

            def create_reset_token(user):
                user.reset_token = secrets.token_urlsafe(32)
                user.save()

            def send_verification_sms(phone):
                code = f"{secrets.randbelow(10**6):06d}"
                sms.send(phone, f"Your code is {code}")

            def refresh_token_with_retry(client, attempts=5):
                for attempt in range(attempts):
                    try:
                        return client.refresh()
                    except TimeoutError:
                        time.sleep(2 ** attempt + random.uniform(0, 1))

            def pick_replica(replicas):
                return random.choice(replicas)
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            export function createApiKey(): string {
              return "sk_" + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
            }

            export async function startPasswordReset(user: User) {
              const resetToken = Math.floor(Math.random() * 1e16).toString(16);
              await db.user.update({ where: { id: user.id }, data: { resetToken } });
            }
            "#,
            3,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import { randomBytes, randomInt } from "node:crypto";

            export function createApiKey(): string {
              return "sk_" + randomBytes(24).toString("base64url");
            }

            export function otp(): string {
              return String(randomInt(0, 1_000_000)).padStart(6, "0");
            }

            export const backoff = (attempt: number) =>
              new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 100 + Math.random() * 100));

            export function shouldSample(): boolean {
              return Math.random() < 0.01;
            }
            "#,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            function generateOtp() {
              let code = "";
              for (let i = 0; i < 6; i++) {
                code += Math.floor(Math.random() * 10);
              }
              return code;
            }
            module.exports = { generateOtp };
            "#,
            1,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use rand::rngs::SmallRng;
            use rand::{distributions::Alphanumeric, Rng, SeedableRng};

            pub fn generate_session_id() -> String {
                let mut rng = SmallRng::from_entropy();
                (0..32).map(|_| rng.sample(Alphanumeric) as char).collect()
            }

            pub fn new_invite(email: &str) -> Invite {
                let token: String = std::iter::repeat_with(fastrand::alphanumeric).take(24).collect();
                Invite { email: email.to_string(), token }
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            use rand::distributions::{Alphanumeric, DistString};
            use rand::rngs::{OsRng, SmallRng};
            use rand::{Rng, SeedableRng};

            pub fn generate_session_id() -> String {
                Alphanumeric.sample_string(&mut OsRng, 32)
            }

            pub fn jitter_ms() -> u64 {
                let mut rng = SmallRng::from_entropy();
                rng.gen_range(0..250)
            }

            pub fn pick(replicas: &[String]) -> &String {
                &replicas[fastrand::usize(..replicas.len())]
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn messages(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("insecure-random-token", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn message_names_the_generator_and_the_secret() {
        let code = "import random\n\ndef make(user):\n    user.api_key = str(random.random())\n";
        let found = messages("app/keys.py", FileKind::Python, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("`random.random` makes `api_key`"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn jitter_sampling_and_unrelated_names_are_quiet() {
        let code = r#"
            import random
            from random import choice
            def retry_delay(attempt):
                delay = min(30, 2 ** attempt) * random.random()
                return delay
            def color():
                return choice(["red", "blue"])
            def token_refresh_loop():
                if random.random() < 0.5:
                    refresh()
        "#;
        assert!(messages("app/retry.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn js_object_key_and_arrow_function_name() {
        let code = r#"
            export const makeNonce = () => Math.random().toString(36).slice(2);
            export function session(user) {
              return { user, csrfToken: Math.random().toString(16) };
            }
            export const id = () => Math.random();
        "#;
        let found = messages("src/session.js", FileKind::JavaScript, code);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("`makeNonce`"), "{}", found[0]);
        assert!(found[1].contains("`csrfToken`"), "{}", found[1]);
    }

    #[test]
    fn loop_bodies_are_looked_through_but_not_conditions() {
        let code = r#"
            import random
            def generate_pin():
                digits = []
                for _ in range(4):
                    digits.append(str(random.randint(0, 9)))
                return "".join(digits)
            def authenticate(servers):
                return random.choice(servers)
        "#;
        let found = messages("app/pin.py", FileKind::Python, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].contains("the return value of `generate_pin`")
                || found[0].contains("`generate_pin`"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn non_secret_functions_and_secrets_fallback_imports_are_quiet() {
        let code = r#"
            import random
            def _make_boundary(text=None):
                token = random.randrange(10**9)
                return "=" * 15 + str(token)
        "#;
        assert!(messages("app/mime.py", FileKind::Python, code).is_empty());
        let fallback = r#"
            try:
                from secrets import randbits
            except ImportError:
                from random import getrandbits as randbits
            def generate_nonce():
                return str(randbits(64))
        "#;
        assert!(messages("app/oauth.py", FileKind::Python, fallback).is_empty());
    }

    #[test]
    fn tests_are_not_checked() {
        let code = "import random\n\ndef test_reset():\n    token = str(random.random())\n";
        assert!(messages("tests/test_reset.py", FileKind::Python, code).is_empty());
    }
}
