//! `create-route-status-code`: a POST route that creates a resource and answers 200
//! instead of 201 Created, where the framework makes the status visible.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::project::evidence::{answering_200, describe};
use crate::project::services::{is_param_segment, Route};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(CreateRouteStatusCode { meta: meta() })
}

struct CreateRouteStatusCode {
    meta: RuleMeta,
}

/// Last literal segment words of action routes that create nothing.
const ACTIONS: &[&str] = &[
    "login", "logout", "signin", "token", "refresh", "search", "query", "verify", "validate",
    "preview", "calculate", "estimate", "check", "batch", "bulk", "import", "export", "send",
    "reset", "cancel", "confirm", "approve", "reject", "webhook", "webhooks", "callback", "graphql",
    "rpc", "execute", "run", "retry", "publish", "sync",
];

/// A POST that creates: its last segment names a collection, not an item
/// or an action.
fn creates(route: &Route) -> bool {
    let last = route.path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    if last.is_empty() || is_param_segment(last) {
        return false;
    }
    let lower = last.to_ascii_lowercase();
    !ACTIONS
        .iter()
        .any(|a| lower == *a || lower.ends_with(&format!("-{a}")))
}

impl Rule for CreateRouteStatusCode {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for service in &model.services.services {
            for (route, how) in answering_200(service, "POST") {
                if !creates(route) {
                    continue;
                }
                ctx.report(ProjectDiagnostic {
                    location: Some(route.location.clone()),
                    message: format!(
                        "`{}` creates a resource and {how}: clients and caches expect `201 Created` (with a `Location` header) for a creation, and 200 hides whether anything was created",
                        describe(route)
                    ),
                    help: Some("answer 201 (`status_code=201`, `res.status(201)`, `@HttpCode(201)`, `StatusCode::CREATED`)".to_string()),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports a POST route that creates a resource (its last literal path segment
names a collection, not an action such as `login` or `search`) and answers
200, where the status is visible: set explicitly in the code, or the
framework's known default (FastAPI answers 200 unless `status_code=` says
otherwise). NestJS answers 201 for POST by default and is not reported
unless `@HttpCode(200)` says so.

## Why it matters
Checklist TASK-1.2 (proper HTTP status codes: 201 for creation). Status
codes are the API's contract: clients, SDK generators, caches and
monitoring tell a creation from a read or an action by them.

## Example
```python
@router.post("/orders")
def create_order(body: OrderIn): ...
```

## Use instead
```python
@router.post("/orders", status_code=201)
def create_order(body: OrderIn): ...
```

## Configuration
None.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("create-route-status-code", "TASK-1.2")
        .severity(Severity::Note)
        .confidence(Confidence::Medium)
        .summary("A POST route that creates a resource answers 200 instead of 201.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["api", "http"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI

            app = FastAPI()

            @app.post("/api/v1/orders")
            def create_order(body: dict):
                return body
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI

            app = FastAPI()

            @app.post("/api/v1/orders", status_code=201)
            def create_order(body: dict):
                return body

            @app.post("/api/v1/orders/search")
            def search_orders(body: dict):
                return []
            "#,
        )
}
