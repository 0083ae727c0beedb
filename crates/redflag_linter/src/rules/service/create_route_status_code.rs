//! `create-route-status-code`: a POST route that creates a resource and answers 200
//! instead of 201 Created, where the framework makes the status visible.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::service::Framework;
use crate::project::evidence::describe;
use crate::project::services::{is_param_segment, Route};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(ThisRule { meta: meta() })
}

struct ThisRule {
    meta: RuleMeta,
}

/// The success status the route answers with, when the code shows it or
/// the framework's default is known: FastAPI answers 200 unless
/// `status_code=` says otherwise.
fn visible_status(route: &Route) -> Option<u16> {
    route.status.or(match route.framework {
        Framework::FastApi => Some(200),
        _ => None,
    })
}

/// Last literal segment words of action routes that create nothing.
const ACTIONS: &[&str] = &[
    "login", "logout", "signin", "token", "refresh", "search", "query", "verify", "validate",
    "preview", "calculate", "estimate", "check", "batch", "bulk", "import", "export", "send",
    "reset", "cancel", "confirm", "approve", "reject", "webhook", "webhooks", "callback", "graphql",
    "rpc", "execute", "run", "retry", "publish", "sync",
];

/// A POST that creates: its last literal segment names a collection, not
/// an action.
fn creates(route: &Route) -> bool {
    let last = route
        .path
        .split('/')
        .rfind(|s| !s.is_empty() && !is_param_segment(s));
    match last {
        Some(segment) => {
            let lower = segment.to_ascii_lowercase();
            !ACTIONS.iter().any(|a| lower == *a || lower.ends_with(&format!("-{a}")))
                && !route.path.trim_end_matches('/').ends_with('}')
                && !route.path.split('/').next_back().is_some_and(is_param_segment)
        }
        None => false,
    }
}

impl Rule for ThisRule {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for service in &model.services.services {
            let mut seen = Vec::new();
            for route in &service.routes {
                if !route.methods.iter().any(|m| m == "POST") || seen.contains(&route.location) {
                    continue;
                }
                if !creates(route) {
                    continue;
                }
                let Some(status) = visible_status(route) else {
                    continue;
                };
                if status != 200 {
                    continue;
                }
                seen.push(route.location.clone());
                let how = if route.status.is_some() {
                    "sets status 200"
                } else {
                    "answers the framework's default 200"
                };
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
