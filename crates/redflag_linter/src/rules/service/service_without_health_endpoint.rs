//! `service-without-health-endpoint`: a service that serves routes but
//! none that an orchestrator could probe.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::service::SignalKind;
use crate::project::evidence::{anchor, service_label};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(ServiceWithoutHealthEndpoint { meta: meta() })
}

struct ServiceWithoutHealthEndpoint {
    meta: RuleMeta,
}

impl Rule for ServiceWithoutHealthEndpoint {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let settings = &model.service_settings;
        for service in &model.services.services {
            if service.routes.iter().any(|r| settings.is_health_path(&r.path)) {
                continue;
            }
            if service.signals(SignalKind::HealthLibrary).next().is_some()
                || service
                    .dependencies
                    .iter()
                    .any(|d| settings.is_health_library(d))
            {
                continue;
            }
            let Some(location) = anchor(service) else {
                continue;
            };
            ctx.report(ProjectDiagnostic {
                location: Some(location),
                message: format!(
                    "{} serves {} route(s) but no health check: no route at `/health`, `/healthz`, `/ready(z)`, `/live(z)`, `/ping` or `/status` (after any `/api` or version prefix), and no health library (terminus, django-health-check, fastapi-health…) among its dependencies",
                    service_label(service),
                    service.routes.len()
                ),
                help: Some("add a cheap `GET /healthz` (liveness) and a `/readyz` that checks the database and queues, and point the orchestrator's probes at them; declare other paths with `[services] health-paths`".to_string()),
                severity: None,
                confidence: None,
            });
        }
    }
}

const DOCS: &str = r#"
## What it does
Builds the service model — every deployable unit with the routes it serves,
joined across files — and reports a service that has routes but no health
or readiness route and uses no health-check library. The finding points at
the application object (`express()`, `FastAPI()`, `App::new()`…).

## Why it matters
Checklist TASK-4.1 (health check endpoints for all services) and red flag
RF-7. Without a health endpoint, a load balancer or Kubernetes can only
tell that the process is alive, not that it can serve: a service whose
database pool is exhausted keeps receiving traffic, and a deploy that never
became ready is not rolled back.

## Example
```python
app = FastAPI()

@app.get("/orders")
def list_orders(): ...
```

## Use instead
```python
@app.get("/healthz")
def health():
    return {"status": "ok"}
```

## Configuration
`[services] health-paths` adds paths (`/-/alive`); `health-libraries` adds
packages that serve one. A path counts when, after `/api` and version
segments, it is one of `health`, `healthz`, `health_check`, `healthcheck`,
`ready`, `readyz`, `readiness`, `live`, `livez`, `liveness`, `ping`,
`status`, `heartbeat` (optionally followed by one more segment).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("service-without-health-endpoint", "TASK-4.1")
        .red_flag("RF-7")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A service serves routes but has no health or readiness endpoint.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["operations", "health"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI

            app = FastAPI()

            @app.get("/api/v1/orders")
            def list_orders(limit: int = 20):
                return []
            "#,
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

            @app.get("/healthz")
            def health():
                return {"status": "ok"}
            "#,
        )
        .invalid_at(
            FileKind::JavaScript,
            "src/app.js",
            r#"
            const express = require('express');
            const app = express();
            app.get('/v1/orders', (req, res) => res.json([]));
            app.listen(3000);
            "#,
            1,
        )
        .valid_at(
            FileKind::JavaScript,
            "src/util.js",
            r#"
            const path = require('path');
            module.exports = { resolve: (p) => path.resolve(p) };
            "#,
        )
}
