//! `missing-security-headers`: a service that sets no security headers.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::project::evidence::{anchor, service_evidence, service_label};
use crate::project::vocabulary::MarkerKind;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(MissingSecurityHeaders { meta: meta() })
}

struct MissingSecurityHeaders {
    meta: RuleMeta,
}

impl Rule for MissingSecurityHeaders {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let settings = &model.service_settings;
        if settings.security_headers_at_gateway {
            return;
        }
        for service in &model.services.services {
            if !service_evidence(service, settings, MarkerKind::SecurityHeaders).is_empty() {
                continue;
            }
            let Some(location) = anchor(service) else {
                continue;
            };
            ctx.report(ProjectDiagnostic {
                location: Some(location),
                message: format!(
                    "{} sets no security headers: no helmet/@fastify/helmet/koa-helmet, Hono `secureHeaders`, Django `SecurityMiddleware`, Flask-Talisman, tower-http `SetResponseHeader` or actix `DefaultHeaders` middleware, and no such package among its dependencies",
                    service_label(service)
                ),
                help: Some("add the framework's security-header middleware (HSTS, `X-Content-Type-Options: nosniff`, a CSP, frame options), or set `[services] security-headers-at-gateway = true` when a proxy adds them".to_string()),
                severity: None,
                confidence: None,
            });
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports a service that sets no security headers anywhere: no
security-header middleware on its application or routers (helmet,
`@fastify/helmet`, `koa-helmet`, Hono `secureHeaders`, Django
`SecurityMiddleware`, Flask-Talisman, tower-http `SetResponseHeaderLayer`,
actix `DefaultHeaders`, Rocket `Shield`) and no such package among its
dependencies.

## Why it matters
Checklist TASK-3.5 (security headers configured: CORS, CSP, HSTS). Without
HSTS a first request can be downgraded to plain HTTP; without
`nosniff`, frame options and a CSP, responses can be sniffed, framed and
scripted by other origins.

## Example
```javascript
const app = express();
app.use('/api/v1', router);
```

## Use instead
```javascript
const helmet = require('helmet');
app.use(helmet());
```

## Configuration
`[services] security-headers-at-gateway = true` when a reverse proxy or
gateway adds the headers; `security-header-markers` adds in-house
middleware (regexes).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("missing-security-headers", "TASK-3.5")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A service sets no security headers (HSTS, CSP, nosniff, frame options).")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "headers"])
        .cwe(&["CWE-693"])
        .security_severity(4.3)
        .docs(DOCS)
        .invalid_at(
            FileKind::JavaScript,
            "src/app.js",
            r"
            const express = require('express');
            const app = express();
            app.get('/v1/orders', (req, res) => res.json([]));
            app.listen(3000);
            ",
            1,
        )
        .valid_at(
            FileKind::JavaScript,
            "src/app.js",
            r"
            const express = require('express');
            const helmet = require('helmet');
            const app = express();
            app.use(helmet());
            app.get('/v1/orders', (req, res) => res.json([]));
            app.listen(3000);
            ",
        )
}
