//! `unversioned-api`: a service (or an OpenAPI spec) whose API routes carry
//! no version and which shows no header or media-type versioning.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::service::SignalKind;
use crate::project::evidence::{anchor, examples, service_label};
use crate::project::services::Route;
use crate::project::vocabulary::{is_version_segment, ServiceSettings};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(UnversionedApi { meta: meta() })
}

struct UnversionedApi {
    meta: RuleMeta,
}

/// Segments of routes that are not part of the versioned API surface.
const NON_API: &[&str] = &[
    "docs", "redoc", "swagger", "openapi", "openapi.json", "openapi.yaml", "schema", "static",
    "assets", "public", "favicon.ico", "robots.txt", "metrics", "admin", "graphql", "webhooks",
    "webhook", ".well-known", "auth", "oauth", "login", "logout", "callback",
];

fn is_api_route(route: &Route, settings: &ServiceSettings) -> bool {
    if settings.is_health_path(&route.path) {
        return false;
    }
    let first = route
        .path
        .split('/')
        .find(|s| !s.is_empty() && *s != "api");
    match first {
        None => false,
        Some(segment) => !NON_API.contains(&segment.to_ascii_lowercase().as_str()),
    }
}

fn has_version(path: &str) -> bool {
    path.split(['/', '.']).any(is_version_segment)
}

impl Rule for UnversionedApi {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let settings = &model.service_settings;
        for service in &model.services.services {
            let api: Vec<&Route> = service
                .routes
                .iter()
                .filter(|r| is_api_route(r, settings))
                .collect();
            if api.is_empty() || api.iter().any(|r| has_version(&r.path)) {
                continue;
            }
            if service.signals(SignalKind::Versioning).next().is_some()
                || api
                    .iter()
                    .any(|r| r.markers.iter().any(|m| m.starts_with("Version(")))
            {
                continue;
            }
            let Some(location) = anchor(service) else {
                continue;
            };
            ctx.report(ProjectDiagnostic {
                location: Some(location),
                message: format!(
                    "{} has {} API route(s) and none carries a version segment (`/v1`, `/api/v2`…), e.g. {}; no header or media-type versioning found either (NestJS `enableVersioning`, DRF `DEFAULT_VERSIONING_CLASS`, an `Accept-Version`/`API-Version` check)",
                    service_label(service),
                    api.len(),
                    examples(api.iter().copied(), 3)
                ),
                help: Some("mount the API under a version prefix (`/api/v1`) so breaking changes can ship as `/v2` while clients migrate".to_string()),
                severity: None,
                confidence: None,
            });
        }
        for (_, spec) in &model.services.specs {
            if spec.operations.is_empty() {
                continue;
            }
            let versioned = spec.servers.iter().any(|s| has_version(s))
                || spec.operations.iter().any(|o| has_version(&o.path));
            if versioned {
                continue;
            }
            let sample: Vec<String> = spec
                .operations
                .iter()
                .take(3)
                .map(|o| format!("`{} {}`", o.method, o.path))
                .collect();
            ctx.report(ProjectDiagnostic {
                location: Some(spec.location.clone()),
                message: format!(
                    "OpenAPI spec{} describes {} operation(s) and neither its paths ({}) nor its servers carry a version",
                    spec.title.as_ref().map(|t| format!(" `{t}`")).unwrap_or_default(),
                    spec.operations.len(),
                    sample.join(", ")
                ),
                help: Some("version the API in the server URL (`https://api.example.com/v1`) or the paths".to_string()),
                severity: None,
                confidence: None,
            });
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports, once per service, an API whose routes carry no version segment
(`/v1`, `/api/v2`, `/v2beta`, a date) when the service shows no header or
media-type versioning either (NestJS `enableVersioning` and `@Version`, DRF
`DEFAULT_VERSIONING_CLASS`, an `Accept-Version`/`API-Version` header check).
Health, docs, static, metrics, admin, auth callback and webhook routes are
not part of the API surface and are ignored. OpenAPI specs whose paths and
servers carry no version are reported the same way.

## Why it matters
Checklist TASK-1.4 (API versioning strategy documented and enforced) and
red flag RF-1. Without a version, every breaking change breaks every client
at once; with one, `/v2` ships beside `/v1` and clients move on their own
schedule.

## Example
```python
router = APIRouter(prefix="/orders")
app.include_router(router)
```

## Use instead
```python
app.include_router(router, prefix="/api/v1")
```

## Configuration
None. If the API is versioned by a gateway that rewrites paths, suppress the
finding at the service's entry point with a reason.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("unversioned-api", "TASK-1.4")
        .red_flag("RF-1")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A service's API routes carry no version and no header versioning is set up.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust, FileKind::Yaml, FileKind::Json])
        .tags(&["api", "versioning"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI

            app = FastAPI()

            @app.get("/orders")
            def list_orders(limit: int = 20):
                return []

            @app.get("/healthz")
            def health():
                return {"status": "ok"}
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
            FileKind::Yaml,
            "docs/openapi.yaml",
            r"
            openapi: 3.0.3
            info:
              title: Orders
            servers:
              - url: https://api.example.com
            paths:
              /orders:
                get:
                  responses:
                    '200':
                      description: ok
            ",
            1,
        )
        .valid_at(
            FileKind::Yaml,
            "docs/openapi.yaml",
            r"
            openapi: 3.0.3
            info:
              title: Orders
            servers:
              - url: https://api.example.com/v1
            paths:
              /orders:
                get:
                  responses:
                    '200':
                      description: ok
            ",
        )
}
