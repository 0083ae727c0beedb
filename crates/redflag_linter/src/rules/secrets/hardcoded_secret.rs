//! `hardcoded-secret`: a literal bound to a name that says secret
//! (`password`, `api_key`, `clientSecret`, `SECRET_KEY`, `jwt.sign(p, "…")`,
//! a Kubernetes `Secret`'s data), judged by randomness that depends on the
//! value's charset and length — or, for a password name, by looking like a
//! password someone chose.

use std::ops::Range;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::yaml;
use redflag_syntax::FileKind;

use crate::rule::{FileContext, Rule, RuleMeta};
use crate::secret_findings::assign::{code_assignments, text_assignments, NamedLiteral};
use crate::secrets::names::is_secret_name;
use crate::secrets::randomness::{looks_like_password, looks_random};
use crate::secrets::words::is_human_password;
use crate::secret_findings::placement::placement;
use crate::secrets::{judge, quiet, Verdict};
use crate::secret_findings::{secret_diagnostic, Placement};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(HardcodedSecret { meta: meta() })
}

struct HardcodedSecret {
    meta: RuleMeta,
}

/// Prose documents: names and values in them are examples, not config.
fn is_prose(path: &str) -> bool {
    [".md", ".markdown", ".rst", ".txt", ".adoc", ".html", ".htm"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

/// The identifier around a hit, for a first judgement before parsing.
fn word_around(text: &str, hit: usize) -> &str {
    let bytes = text.as_bytes();
    let mut start = hit;
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
        start -= 1;
    }
    let mut end = hit;
    while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
        end += 1;
    }
    &text[start..end]
}

/// The first quoted literal after the name around `hit`, on its line
/// (stepping over the closing quote of a quoted name: `"password": "…"`).
fn literal_after(text: &str, hit: usize) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut from = hit;
    while from < bytes.len() && (bytes[from].is_ascii_alphanumeric() || bytes[from] == b'_') {
        from += 1;
    }
    if from < bytes.len() && matches!(bytes[from], b'"' | b'\'' | b'`') {
        from += 1;
    }
    let line_end = text[from..].find('\n').map_or(text.len(), |p| from + p);
    let line = &text[from..line_end];
    let open = line.find(['"', '\'', '`'])?;
    let quote = line[open..].chars().next()?;
    let close = line[open + 1..].find(quote)?;
    Some(&line[open + 1..open + 1 + close])
}

impl HardcodedSecret {
    /// In code, only hits whose line holds a literal that would be reported
    /// make the file worth parsing.
    /// With `--verbose` every literal is judged on the tree, so each
    /// dropped candidate gets its explanation.
    fn code_candidates(file: &SourceFile, hits: &[usize], ctx: &FileContext<'_>) -> Vec<usize> {
        let explaining = ctx.explaining();
        hits.iter()
            .copied()
            .filter(|&hit| {
                literal_after(&file.text, hit).is_some_and(|literal| {
                    // `judge` reports nothing shorter.
                    if literal.trim().len() < 8 && !explaining {
                        return false;
                    }
                    let name = word_around(&file.text, hit);
                    // `jwt.sign(…, "…")`/`jwt.encode(…)` name the secret by the call.
                    let word_end = file.text[hit..]
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .map_or(file.text.len(), |p| hit + p);
                    let after = &file.text[word_end..];
                    let named = is_secret_name(name, &ctx.settings.secrets.extra_names)
                        || after.starts_with(".sign(")
                        || after.starts_with(".encode(");
                    explaining
                        || (named && matches!(judge(name, literal, ctx.settings.secrets), Verdict::Report(..)))
                        || literal.starts_with("-----") // handled by the key rule
                })
            })
            .collect()
    }

    fn named_literals(file: &SourceFile, ctx: &FileContext<'_>) -> Vec<NamedLiteral> {
        let mut hits = file.secret_scan().word_hits.clone();
        let extra = ctx.settings.secrets.extra_name_hits(&file.text);
        if !extra.is_empty() {
            hits.extend(extra);
            hits.sort_unstable();
            hits.dedup();
        }
        let hits = &hits;
        if hits.is_empty() {
            return Vec::new();
        }
        match file.kind.language() {
            Some(language) => {
                let candidates = Self::code_candidates(file, hits, ctx);
                if candidates.is_empty() {
                    return Vec::new();
                }
                code_assignments(file, language, &candidates)
            }
            None => text_assignments(&file.text, hits),
        }
    }

    /// Every value of a Kubernetes `Secret` is secret, whatever its key.
    fn kubernetes_secrets(file: &SourceFile, ctx: &mut FileContext<'_>, reported: &mut Vec<Range<usize>>) {
        if file.kind != FileKind::Yaml || !file.text.contains("Secret") {
            return;
        }
        let Ok(documents) = file.yaml() else {
            return;
        };
        let settings = ctx.settings.secrets;
        let mut found = Vec::new();
        for document in documents {
            if yaml::get(document, "kind").and_then(yaml::scalar_text).as_deref() != Some("Secret") {
                continue;
            }
            for (section, encoded) in [("stringData", false), ("data", true)] {
                let Some(entries) = yaml::get(document, section) else {
                    continue;
                };
                for (key, value) in yaml::entries(entries) {
                    let (Some(name), Some(text)) = (yaml::scalar_text(key), yaml::scalar_text(value)) else {
                        continue;
                    };
                    let secret = if encoded {
                        crate::secrets::checksums::decode_base64(&text)
                            .and_then(|bytes| String::from_utf8(bytes).ok())
                            .unwrap_or_else(|| text.to_string())
                    } else {
                        text.to_string()
                    };
                    let range = yaml::node_range(&file.line_index, &file.text, value);
                    found.push((name.to_string(), secret, range));
                }
            }
        }
        for (name, secret, range) in found {
            if settings.allows(&secret) || quiet::is_placeholder(&secret) || quiet::is_reference(&secret) {
                continue;
            }
            let confidence = if looks_random(&secret) && !is_human_password(&secret) {
                Confidence::High
            } else if is_secret_name(&name, &settings.extra_names) && looks_like_password(&secret) {
                Confidence::Medium
            } else {
                continue;
            };
            reported.push(range.clone());
            let place = placement(file, settings, range.start);
            if place == Placement::Docs && confidence != Confidence::High {
                continue;
            }
            let what = format!("Kubernetes Secret value `{name}`");
            ctx.report(secret_diagnostic(
                range,
                &secret,
                &what,
                confidence,
                "stored in the manifest instead of a secret store",
                place,
                settings,
            ));
        }
    }
}

impl Rule for HardcodedSecret {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn file_kinds(&self) -> Vec<FileKind> {
        FileKind::ALL
            .into_iter()
            .filter(|k| !matches!(k, FileKind::Env | FileKind::Sql))
            .collect()
    }

    fn check_file(&self, file: &SourceFile, ctx: &mut FileContext<'_>) {
        if is_prose(&file.path) {
            return;
        }
        let mut reported: Vec<Range<usize>> = Vec::new();
        Self::kubernetes_secrets(file, ctx, &mut reported);
        let named = Self::named_literals(file, ctx);
        let scan = file.secret_scan();
        let settings = ctx.settings.secrets;
        for literal in named {
            if !is_secret_name(&literal.name, &settings.extra_names)
                || scan.covers(&literal.value_range)
                || reported.iter().any(|r| r.start <= literal.value_range.start && literal.value_range.end <= r.end)
            {
                continue;
            }
            match judge(&literal.name, &literal.value, settings) {
                Verdict::Report(confidence, why) => {
                    let place = placement(file, settings, literal.value_range.start);
                    // Documentation shows made-up passwords; only values
                    // that look generated are worth a note there.
                    if place == Placement::Docs && confidence != Confidence::High {
                        let line = file.position(literal.value_range.start).line;
                        ctx.note(format!(
                            "line {line}: value of `{}` not reported: a documentation example",
                            literal.name
                        ));
                        continue;
                    }
                    let what = format!("`{}`", literal.name);
                    ctx.report(secret_diagnostic(
                        literal.value_range.clone(),
                        &literal.value,
                        &what,
                        confidence,
                        why,
                        place,
                        settings,
                    ));
                }
                Verdict::Drop(why) => {
                    let line = file.position(literal.value_range.start).line;
                    ctx.note(format!("line {line}: value of `{}` not reported: {why}", literal.name));
                }
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds literals bound to names that say secret — `password`, `passwd`,
`secret`, `token`, `api_key`, `private_key`, `client_secret`, `SECRET_KEY`,
`jwtSecret`, `DB_PASS` — in Python, JavaScript/TypeScript, Rust, YAML, JSON,
TOML, Dockerfiles, ini/properties files, shell scripts and XML: assignments,
fields, keyword arguments, dictionary and object keys
(`session({ secret })`, `app.config["SECRET_KEY"]`), compose `environment:`,
Dockerfile `ENV`/`ARG`, and secret-taking calls (`jwt.sign(payload, "…")`,
`jwt.encode(…)`, `EncodingKey::from_secret(b"…")`, a `.password("…")`
builder). Every value of a Kubernetes `Secret` (`stringData`, decoded
`data`) counts. In code the syntax tree decides that the value is a literal
and what it is bound to; the tree is built only for files where a candidate
literal survived the cheaper checks.

A value is reported when it looks random for its charset and length (a
threshold from simulated random strings, plus word, camelCase, run and
sequence checks) — at high confidence — or, bound to a password-like name,
when it looks like a password someone chose (`"Summer2024!"`) — at medium
confidence. Not reported: placeholders (`changeme`, `your-api-key`, `<token>`,
`${VAR}`, `{{ … }}`, `REDACTED`, `xxxx`), references to the environment or a
secret manager, hashes under hash/digest/checksum/commit names, bcrypt/argon2
hashes, public keys, publishable keys, names that are about a secret rather
than its value (`password_reset_url`, `token_type`), and prose documents.

## Why it matters
Checklist TASK-3.3 and red flag RF-6: secrets live in a vault or the
environment, never in code — a Django `SECRET_KEY` in `settings.py` lets
anyone forge sessions, a JWT secret in source lets anyone mint tokens.

## Example
```python
SECRET_KEY = "k3^x9!pq2#zr8v@m1&n7w$e4t6y0u5i"
```

## Use instead
```python
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
```

## Configuration
`[secrets] secret-names` adds words that make a name secret; `allow` and
`allow-regexes` exempt values. Findings in tests, fixtures and examples are
notes at low confidence. `--verbose` says why each candidate value was not
reported.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("hardcoded-secret", "TASK-3.3")
        .red_flag("RF-6")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A secret-named variable, key or argument is given a hardcoded secret value.")
        .kinds(&[
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
            FileKind::Tsx,
            FileKind::Rust,
            FileKind::Yaml,
            FileKind::Json,
            FileKind::Toml,
            FileKind::Dockerfile,
            FileKind::Text,
        ])
        .tags(&["security", "secrets"])
        .cwe(&["CWE-798"])
        .security_severity(8.0)
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "shop/settings.py",
            r#"
            SECRET_KEY = "k3^x9!pq2#zr8v@m1&n7w$e4t6y0u5i"
            DATABASES = {"default": {"PASSWORD": "Summer2024!", "USER": "shop"}}
            token = jwt.encode(payload, "Qz8fLm2Xv7Kp4Rt9", algorithm="HS256")
            "#,
            3,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            const jwtSecret = "b7Kx2Pq9Lm4Zv8Rt";
            app.use(session({ secret: "H4nd-P1ck3d-S3ss10n", resave: false }));
            "#,
            2,
        )
        .invalid(
            FileKind::Rust,
            r#"
            const API_KEY: &str = "q7ZxW2mK9pL4vR8tB1nY6cD3";
            let key = EncodingKey::from_secret(b"T9v!Lq2#Wz7Mk4Rx");
            "#,
            2,
        )
        .invalid_at(
            FileKind::Yaml,
            "deploy/secret.yaml",
            r#"
            apiVersion: v1
            kind: Secret
            metadata:
              name: billing
            stringData:
              STRIPE_WEBHOOK: Xp4Lk9Qz2Vm7Rt8Wn3Ys
              username: billing
            "#,
            1,
        )
        .invalid(
            FileKind::Dockerfile,
            r#"
            FROM python:3.12-slim
            ENV API_TOKEN=Wn3Ys8Rt7Vm2Qz9Lk4Xp
            "#,
            1,
        )
        .valid(
            FileKind::Python,
            r#"
            SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
            password = request.form["password"]
            PASSWORD_RESET_URL = "https://example.com/reset"
            token_type = "bearer"
            db_password = "changeme"
            API_KEY = "<your-api-key>"
            commit_sha = "5f4dcc3b5aa765d61d8327deb882cf99aa7e0c33"
            password_hash = "$2b$12$KIXQJ2s1kvGcPH3Pd4fQmOZ0vWvU6ZbQ8Z0sQ2m6q1w0j3x6p7y9a"
            "#,
        )
        .valid(
            FileKind::Yaml,
            r#"
            services:
              api:
                environment:
                  DB_PASSWORD: ${DB_PASSWORD}
                  API_KEY: "{{ .Values.apiKey }}"
                  TOKEN_URL: https://auth.example.com/token
            "#,
        )
}
