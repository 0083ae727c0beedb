//! `secret-literal-fallback`: a secret read from the environment with a
//! hardcoded literal as its fallback — `os.getenv("API_KEY", "…")`,
//! `process.env.JWT_SECRET || "…"`, `env::var("TOKEN").unwrap_or("…")`. The
//! literal is what runs wherever the variable is not set.

use memchr::memmem;
use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{FileContext, Rule, RuleMeta};
use crate::secret_findings::assign::literal_text;
use crate::secrets::names::is_secret_name;
use crate::secrets::randomness::looks_random;
use crate::secrets::words::is_human_password;
use crate::secret_findings::placement::placement;
use crate::secrets::quiet;
use crate::secret_findings::secret_diagnostic;
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(SecretLiteralFallback { meta: meta() })
}

struct SecretLiteralFallback {
    meta: RuleMeta,
}

/// Where environment reads happen in each language.
const MARKERS: &[&str] = &["getenv", "environ", "process.env", "env::var"];

/// A cheap look at the line after a marker before any parsing: the
/// variable read must name a secret (among the first words after the
/// marker, quoted or not), and the marker's fallback form must follow it:
/// `||`/`??` after `process.env`, `unwrap_or` after `env::var`, a second
/// argument inside `getenv(…)`/`environ.get(…)`.
fn line_may_hold_fallback(marker: &str, line: &str, extra_names: &[String]) -> bool {
    let name: String = line
        .trim_start_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let name_is_secret = |candidate: &str| is_secret_name(candidate, extra_names);
    // `os.environ.get("X", …)`: the word after the marker is `get`.
    let named = name_is_secret(&name)
        || line
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .take(6)
            .any(name_is_secret);
    let operator = match marker {
        "process.env" => line.contains("||") || line.contains("??"),
        "env::var" => line.contains("unwrap_or"),
        // The comma of a second argument, before the call closes.
        _ => line.split(')').next().is_some_and(|call| call.contains(',')),
    };
    named && operator && line.matches(['"', '\'', '`']).count() >= 2
}

/// Longest way up from a marker to the construct holding the fallback.
const MAX_CLIMB: usize = 8;

struct Fallback<'t> {
    variable: String,
    literal: Node<'t>,
}

fn string_argument(file: &SourceFile, node: Option<Node<'_>>) -> Option<String> {
    literal_text(file, node?).map(|(_, text)| text)
}

/// `os.getenv("X", "lit")`, `os.environ.get("X", "lit")`, `getenv("X", default="lit")`.
fn python_fallback<'t>(file: &SourceFile, call: Node<'t>) -> Option<Fallback<'t>> {
    let function = file.text_of(call.child_by_field_name("function")?);
    if !(function.ends_with("getenv") || function.ends_with("environ.get")) {
        return None;
    }
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let args: Vec<Node<'t>> = arguments.named_children(&mut cursor).collect();
    let variable = string_argument(file, args.first().copied())?;
    let literal = args.get(1).copied().and_then(|arg| {
        if arg.kind() == "keyword_argument" {
            arg.child_by_field_name("value")
        } else {
            Some(arg)
        }
    })?;
    Some(Fallback { variable, literal })
}

/// `process.env.X || "lit"`, `process.env["X"] ?? "lit"`.
fn js_fallback<'t>(file: &SourceFile, binary: Node<'t>) -> Option<Fallback<'t>> {
    let operator = binary.child_by_field_name("operator").map(|o| file.text_of(o))?;
    if operator != "||" && operator != "??" {
        return None;
    }
    let left = binary.child_by_field_name("left")?;
    let left_text = file.text_of(left);
    let rest = left_text.strip_prefix("process.env")?;
    let variable = rest.trim_start_matches(['.', '[']).trim_end_matches(']').trim_matches(['"', '\'', '`']);
    Some(Fallback {
        variable: variable.to_string(),
        literal: binary.child_by_field_name("right")?,
    })
}

/// `env::var("X").unwrap_or("lit")`, `.unwrap_or_else(|_| "lit".into())`,
/// `.unwrap_or("lit".to_string())`, `String::from("lit")`.
fn rust_fallback<'t>(file: &SourceFile, call: Node<'t>) -> Option<Fallback<'t>> {
    let function = call.child_by_field_name("function")?;
    if function.kind() != "field_expression" {
        return None;
    }
    let method = file.text_of(function.child_by_field_name("field")?);
    if method != "unwrap_or" && method != "unwrap_or_else" {
        return None;
    }
    let receiver = function.child_by_field_name("value")?;
    if receiver.kind() != "call_expression" {
        return None;
    }
    let env_call = file.text_of(receiver.child_by_field_name("function")?);
    if !(env_call.ends_with("env::var") || env_call == "var") {
        return None;
    }
    let receiver_args = receiver.child_by_field_name("arguments")?;
    let variable = string_argument(file, receiver_args.named_child(0))?;
    let mut fallback = call.child_by_field_name("arguments")?.named_child(0)?;
    // Peel `|_| …`, `"…".into()`, `"…".to_string()`, `String::from("…")`.
    for _ in 0..3 {
        fallback = match fallback.kind() {
            "closure_expression" => fallback.child_by_field_name("body")?,
            "call_expression" => {
                let inner = fallback.child_by_field_name("function")?;
                match inner.kind() {
                    "field_expression" => inner.child_by_field_name("value")?,
                    _ => fallback.child_by_field_name("arguments")?.named_child(0)?,
                }
            }
            _ => break,
        };
    }
    Some(Fallback {
        variable,
        literal: fallback,
    })
}

fn fallback_at<'t>(file: &SourceFile, language: Language, node: Node<'t>) -> Option<Fallback<'t>> {
    let mut current = node;
    for _ in 0..MAX_CLIMB {
        let found = match (language, current.kind()) {
            (Language::Python, "call") => python_fallback(file, current),
            (Language::Rust, "call_expression") => rust_fallback(file, current),
            (l, "binary_expression") if l.is_js_family() => js_fallback(file, current),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
        current = current.parent()?;
    }
    None
}

impl Rule for SecretLiteralFallback {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn file_kinds(&self) -> Vec<FileKind> {
        vec![FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust]
    }

    fn check_file(&self, file: &SourceFile, ctx: &mut FileContext<'_>) {
        let Some(language) = file.kind.language() else {
            return;
        };
        let bytes = file.text.as_bytes();
        // Only lines where an environment read is followed by a literal.
        let mut positions: Vec<usize> = MARKERS
            .iter()
            .flat_map(|marker| memmem::find_iter(bytes, marker.as_bytes()))
            .filter(|&at| {
                let marker = MARKERS.iter().find(|m| file.text[at..].starts_with(**m)).copied().unwrap_or("");
                let after = at + marker.len();
                let line_end = file.text[after..].find('\n').map_or(file.text.len(), |p| after + p);
                line_may_hold_fallback(marker, &file.text[after..line_end], &ctx.settings.secrets.extra_names)
            })
            .collect();
        if positions.is_empty() {
            return;
        }
        positions.sort_unstable();
        let Some(tree) = file.tree() else {
            return;
        };
        let settings = ctx.settings.secrets;
        let mut seen = Vec::new();
        for at in positions {
            let Some(node) = tree.root_node().descendant_for_byte_range(at, at + 1) else {
                continue;
            };
            let Some(fallback) = fallback_at(file, language, node) else {
                continue;
            };
            let Some((range, literal)) = literal_text(file, fallback.literal) else {
                continue;
            };
            if seen.contains(&range.start) || !is_secret_name(&fallback.variable, &settings.extra_names) {
                continue;
            }
            seen.push(range.start);
            if literal.trim().is_empty()
                || settings.allows(&literal)
                || quiet::is_placeholder(&literal)
                || quiet::is_reference(&literal)
            {
                let line = file.position(range.start).line;
                ctx.note(format!("line {line}: fallback for `{}` not reported: placeholder or empty", fallback.variable));
                continue;
            }
            let confidence = if looks_random(&literal) && !is_human_password(&literal) {
                Confidence::High
            } else {
                Confidence::Medium
            };
            let what = format!("fallback for `{}`", fallback.variable);
            let place = placement(file, settings, range.start);
            ctx.report(secret_diagnostic(
                range,
                &literal,
                &what,
                confidence,
                "used wherever the variable is unset",
                place,
                settings,
            ));
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds a secret read from the environment with a hardcoded fallback literal:
`os.getenv("API_KEY", "…")`, `os.environ.get("API_KEY", "…")` (also
`default="…"`), `process.env.JWT_SECRET || "…"`, `process.env["X"] ?? "…"`,
`env::var("TOKEN").unwrap_or("…")`, `.unwrap_or_else(|_| "…".into())`. The
variable must name a secret; empty strings and placeholders (`"dev"`,
`"changeme"`, `"<token>"`) are not reported. Random-looking fallbacks are
reported at high confidence, others at medium.

## Why it matters
Checklist TASK-3.3 and red flag RF-6. The fallback is a secret in the code
that silently takes over wherever the variable is missing — a forgotten
variable in production then signs tokens with a key everyone can read.

## Example
```js
const secret = process.env.JWT_SECRET || "b7Kx2Pq9Lm4Zv8Rt";
```

## Use instead
```js
const secret = process.env.JWT_SECRET;
if (!secret) throw new Error("JWT_SECRET is not set");
```

## Configuration
The `[secrets]` section and inline allows work as for every secrets rule.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("secret-literal-fallback", "TASK-3.3")
        .red_flag("RF-6")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A secret read from the environment falls back to a hardcoded literal.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .tags(&["security", "secrets"])
        .cwe(&["CWE-798", "CWE-1188"])
        .security_severity(7.5)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import os
            STRIPE_KEY = os.getenv("STRIPE_SECRET_KEY", "Wn3Ys8Rt7Vm2Qz9Lk4Xp")
            DB_PASSWORD = os.environ.get("DB_PASSWORD", default="Summer2024!")
            "#,
            2,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const secret = process.env.JWT_SECRET || "b7Kx2Pq9Lm4Zv8Rt";
            const token = process.env["API_TOKEN"] ?? "Qz8fLm2Xv7Kp4Rt9";
            "#,
            2,
        )
        .invalid(
            FileKind::Rust,
            r#"
            let key = std::env::var("SIGNING_KEY").unwrap_or_else(|_| "T9vLq2Wz7Mk4Rx8P".into());
            let token = env::var("API_TOKEN").unwrap_or("Xp4Lk9Qz2Vm7Rt8Wn3Ys".to_string());
            "#,
            2,
        )
        .valid(
            FileKind::Python,
            r#"
            import os
            SECRET_KEY = os.getenv("SECRET_KEY", "")
            API_KEY = os.getenv("API_KEY", "changeme")
            PORT = os.getenv("PORT", "8080")
            DEBUG_TOKEN = os.environ["DEBUG_TOKEN"]
            "#,
        )
}
