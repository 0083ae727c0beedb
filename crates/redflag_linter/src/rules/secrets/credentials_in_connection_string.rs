//! `credentials-in-connection-string`: passwords in URLs and connection
//! strings, `.npmrc` auth tokens, `.netrc` passwords, docker `auths`, and
//! `Authorization: Basic` literals.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::rule::{FileContext, Rule, RuleMeta};
use crate::secret_findings::placement::placement;
use crate::secrets::randomness::looks_random;
use crate::secret_findings::{secret_diagnostic, Placement};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(CredentialsInConnectionString { meta: meta() })
}

struct CredentialsInConnectionString {
    meta: RuleMeta,
}

impl Rule for CredentialsInConnectionString {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn file_kinds(&self) -> Vec<FileKind> {
        FileKind::ALL.to_vec()
    }

    fn check_file(&self, file: &SourceFile, ctx: &mut FileContext<'_>) {
        let scan = file.secret_scan();
        let settings = ctx.settings.secrets;
        for credential in &scan.urls {
            if settings.allows(&credential.secret) {
                continue;
            }
            // A provider token inside a URL is reported as that provider.
            if scan.tokens.iter().any(|t| t.range.start < credential.range.end && credential.range.start < t.range.end) {
                continue;
            }
            let generated = looks_random(&credential.secret);
            let place = placement(file, settings, credential.range.start);
            // A made-up password on a local host or in documentation is a
            // development default or an example, not a leak.
            let dropped = if generated {
                None
            } else if credential.is_local() {
                Some("a local development password")
            } else if place == Placement::Docs {
                Some("a documentation example")
            } else {
                None
            };
            if let Some(why) = dropped {
                let line = file.position(credential.range.start).line;
                ctx.note(format!("line {line}: {} not reported: {why}", credential.kind.describe()));
                continue;
            }
            let (confidence, detail) = if credential.is_local() {
                (Confidence::Medium, "the host looks local, but the password looks generated")
            } else {
                (Confidence::High, "user and password in the string")
            };
            ctx.report(secret_diagnostic(
                credential.range.clone(),
                &credential.secret,
                credential.kind.describe(),
                confidence,
                detail,
                place,
                settings,
            ));
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds credentials embedded in connection strings and credential files:
`scheme://user:password@host` URLs (PostgreSQL, MySQL, MongoDB and
`mongodb+srv`, Redis, AMQP, HTTPS, JDBC…), ADO.NET and JDBC `Password=` /
`Pwd=` / `&password=` parameters, `.npmrc` `_authToken=`, `.netrc`
`password`, docker `config.json` `auths` entries and `Authorization: Basic`
literals (decoded: `user:password`). Templates (`${DB_PASSWORD}`),
placeholders, passwords made of words (`correct%20horse`), local-development
defaults (`postgres:postgres`, `guest:guest`, a password equal to the user,
any made-up password on `localhost` or a compose service host) and
documentation examples are not reported; a generated-looking password on a
local host is reported at medium confidence.

## Why it matters
Checklist TASK-3.3 and red flag RF-6. A database URL with its password is a
complete login: host, user and secret in one string, often to production
data.

## Example
```python
DATABASE_URL = "postgresql://billing:Zq8vL2mX9kWp@db.prod.internal:5432/billing"
```

## Use instead
```python
DATABASE_URL = os.environ["DATABASE_URL"]
```
or build the URL from parts where only the password comes from a secret.

## Configuration
The `[secrets]` section and inline allows work as for every secrets rule.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("credentials-in-connection-string", "TASK-3.3")
        .red_flag("RF-6")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A connection string, credential file or Basic header carries a password.")
        .kinds(&FileKind::ALL)
        .tags(&["security", "secrets"])
        .cwe(&["CWE-798"])
        .security_severity(8.5)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            DATABASE_URL = "postgresql://billing:Zq8vL2mX9kWp@db.prod.internal:5432/billing"
            CACHE = "redis://:K9fLz2Qx7v@localhost:6379/0"
            "#,
            2,
        )
        .invalid_at(
            FileKind::Json,
            "appsettings.json",
            r#"
            {"ConnectionStrings": {"Shop": "Server=tcp:sql.example.net;Database=shop;User ID=svc;Password=Kq7!vZ2p9Lm;"}}
            "#,
            1,
        )
        .invalid_at(
            FileKind::Text,
            ".npmrc",
            r#"
            //registry.npmjs.org/:_authToken=4c1f9a2e-7b3d-4e8a-9f06-d2b5c8e1a374
            "#,
            1,
        )
        .valid(
            FileKind::Yaml,
            r#"
            services:
              api:
                environment:
                  DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app
                  BROKER_URL: amqp://guest:guest@rabbitmq:5672/
                  LOCAL_DB: postgres://postgres:postgres@localhost:5432/dev
            "#,
        )
}
