//! `delete-route-status-code`: a DELETE route that answers 200 where 204 No Content
//! fits, where the framework makes the status visible.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::project::evidence::{answering_200, describe};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(DeleteRouteStatusCode { meta: meta() })
}

struct DeleteRouteStatusCode {
    meta: RuleMeta,
}

impl Rule for DeleteRouteStatusCode {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for service in &model.services.services {
            for (route, how) in answering_200(service, "DELETE") {
                ctx.report(ProjectDiagnostic {
                    location: Some(route.location.clone()),
                    message: format!(
                        "`{}` {how}: a deletion has nothing to return, and `204 No Content` says so without a body",
                        describe(route)
                    ),
                    help: Some("answer 204 (`status_code=204`, `res.status(204).end()`, `@HttpCode(204)`, `StatusCode::NO_CONTENT`)".to_string()),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports a DELETE route that answers 200 where the status is visible: set
explicitly in the code, or the framework's known default (FastAPI answers
200 unless `status_code=` says otherwise).

## Why it matters
Checklist TASK-1.2 (proper HTTP status codes: 204 for deletion). A 200
with an empty or `null` body is ambiguous to clients and SDK generators;
204 states that the deletion succeeded and there is nothing to read.

## Example
```python
@router.delete("/orders/{order_id}")
def delete_order(order_id: int): ...
```

## Use instead
```python
@router.delete("/orders/{order_id}", status_code=204)
def delete_order(order_id: int) -> None: ...
```

## Configuration
None.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("delete-route-status-code", "TASK-1.2")
        .severity(Severity::Note)
        .confidence(Confidence::Medium)
        .summary("A DELETE route answers 200 where 204 No Content fits.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["api", "http"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI

            app = FastAPI()

            @app.delete("/api/v1/orders/{order_id}")
            def delete_order(order_id: int):
                return None
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI

            app = FastAPI()

            @app.delete("/api/v1/orders/{order_id}", status_code=204)
            def delete_order(order_id: int):
                return None
            "#,
        )
}
