//! `service-without-openapi`: a service with routes and neither a spec
//! file nor a spec generator.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::service::SignalKind;
use crate::project::evidence::{anchor, service_label};
use crate::project::services::Service;
use crate::project::vocabulary::OPENAPI_LIBRARIES;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(ServiceWithoutOpenapi { meta: meta() })
}

struct ServiceWithoutOpenapi {
    meta: RuleMeta,
}

fn under(root: &str, path: &str) -> bool {
    root.is_empty() || path.starts_with(&format!("{root}/"))
}

impl Rule for ServiceWithoutOpenapi {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let services = &model.services.services;
        // Specs outside every service (a shared `docs/`) document them all.
        let shared_spec = model.services.specs.iter().any(|(path, _)| {
            !services
                .iter()
                .any(|s: &Service| !s.root.is_empty() && under(&s.root, path))
        });
        for service in services {
            if shared_spec
                || !service.specs.is_empty()
                || service.signals(SignalKind::OpenApiGenerator).next().is_some()
                || service
                    .dependencies
                    .iter()
                    .any(|d| OPENAPI_LIBRARIES.contains(&d.as_str()))
            {
                continue;
            }
            let Some(location) = anchor(service) else {
                continue;
            };
            ctx.report(ProjectDiagnostic {
                location: Some(location),
                message: format!(
                    "{} serves {} route(s) and has no OpenAPI description: no `openapi:`/`swagger:` spec file in the repository and no generator (FastAPI's built-in schema, @nestjs/swagger, swagger-jsdoc, @fastify/swagger, drf-spectacular, drf-yasg, flasgger, utoipa, aide…)",
                    service_label(service),
                    service.routes.len()
                ),
                help: Some("generate the spec from code (or commit one) and publish it with the service".to_string()),
                severity: None,
                confidence: None,
            });
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports a service that serves routes and has no OpenAPI description: no
spec file (any YAML or JSON file with a top-level `openapi:` or `swagger:`
key, in the service or in a shared place outside every service) and no
spec generator (FastAPI's built-in one unless `openapi_url=None`,
`@nestjs/swagger`, `swagger-jsdoc`, `@fastify/swagger`, `drf-spectacular`,
`drf-yasg`, `flasgger`, `apispec`, `utoipa`, `aide`, `rocket_okapi`…).

## Why it matters
SCOPE-1.1 (RESTful APIs documented with OpenAPI 3). Without a machine-
readable contract, clients are written against guesses, breaking changes
go unnoticed, and nothing can be generated or tested from the API.

## Example
```javascript
const app = express();
app.use('/api/v1', router);
```

## Use instead
```javascript
const swaggerUi = require('swagger-ui-express');
app.use('/docs', swaggerUi.serve, swaggerUi.setup(openapiDocument));
```

## Configuration
None.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("service-without-openapi", "SCOPE-1.1")
        .severity(Severity::Note)
        .confidence(Confidence::Medium)
        .summary("A service serves routes with no OpenAPI spec file or generator.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["api", "documentation"])
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
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI

            app = FastAPI()

            @app.get("/api/v1/orders")
            def list_orders(limit: int = 20):
                return []
            "#,
        )
}
