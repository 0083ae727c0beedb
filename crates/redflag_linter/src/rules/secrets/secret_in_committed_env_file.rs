//! `secret-in-committed-env-file`: a `.env` file (not `.env.example`) in
//! the repository, holding secret-named keys with real values.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::rule::{FileContext, Rule, RuleMeta};
use crate::secrets::names::is_secret_name;
use crate::secret_findings::placement::placement;
use crate::secrets::{judge, Verdict};
use crate::secret_findings::secret_diagnostic;
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(SecretInCommittedEnvFile { meta: meta() })
}

struct SecretInCommittedEnvFile {
    meta: RuleMeta,
}

/// `.env.example`, `.env.sample`, `example.env`, …: templates meant to be
/// committed.
fn is_template_env(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    ["example", "sample", "template", "dist", "default", "tmpl", "schema", "test"]
        .iter()
        .any(|marker| name.contains(marker))
}

impl Rule for SecretInCommittedEnvFile {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn file_kinds(&self) -> Vec<FileKind> {
        vec![FileKind::Env]
    }

    fn check_file(&self, file: &SourceFile, ctx: &mut FileContext<'_>) {
        if is_template_env(&file.path) {
            return;
        }
        let scan = file.secret_scan();
        let settings = ctx.settings.secrets;
        let name = file.path.rsplit('/').next().unwrap_or(&file.path).to_string();
        for entry in file.env_entries() {
            if !is_secret_name(&entry.key, &settings.extra_names) || scan.covers(&entry.value_range) {
                continue;
            }
            match judge(&entry.key, &entry.value, settings) {
                Verdict::Report(confidence, why) => {
                    let what = format!("`{}` in the committed `{name}`", entry.key);
                    ctx.report(secret_diagnostic(
                        entry.value_range.clone(),
                        &entry.value,
                        &what,
                        confidence,
                        why,
                        placement(file, settings, entry.value_range.start),
                        settings,
                    ));
                }
                Verdict::Drop(why) => {
                    ctx.note(format!("line {}: `{}` not reported: {why}", entry.line, entry.key));
                }
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports secret-named keys with real values in `.env` files committed to the
repository: `.env`, `.env.local`, `.env.production`, `prod.env`. Templates
meant to be committed — `.env.example`, `.env.sample`, `.env.template`,
`.env.dist`, `.env.defaults` — are not checked. Values are judged like every
named secret: placeholders and `${…}` references are not reported, random
values are reported at high confidence, chosen passwords at medium.
Provider tokens and connection strings inside the file are reported by
their own rules.

## Why it matters
Checklist TASK-3.3 and red flag RF-6. A `.env` file is where real secrets
live on a developer machine; committed, it publishes all of them at once.

## Example
```sh
# .env
STRIPE_SECRET=Wn3Ys8Rt7Vm2Qz9Lk4Xp
```

## Use instead
Add `.env` to `.gitignore`, commit `.env.example` with placeholders, and
rotate every secret that was committed.

## Configuration
The `[secrets]` section and inline allows work as for every secrets rule.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("secret-in-committed-env-file", "TASK-3.3")
        .red_flag("RF-6")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A committed .env file holds secret-named keys with real values.")
        .kinds(&[FileKind::Env])
        .tags(&["security", "secrets"])
        .cwe(&["CWE-798", "CWE-538"])
        .security_severity(8.0)
        .docs(DOCS)
        .invalid_at(
            FileKind::Env,
            ".env",
            r#"
            PORT=3000
            STRIPE_SECRET=Wn3Ys8Rt7Vm2Qz9Lk4Xp
            export DB_PASSWORD="Summer2024!"
            "#,
            2,
        )
        .valid_at(
            FileKind::Env,
            ".env.example",
            r#"
            STRIPE_SECRET=Wn3Ys8Rt7Vm2Qz9Lk4Xp
            "#,
        )
        .valid_at(
            FileKind::Env,
            ".env",
            r#"
            PORT=3000
            DB_PASSWORD=${DB_PASSWORD}
            API_KEY=changeme
            JWT_SECRET=
            "#,
        )
}
