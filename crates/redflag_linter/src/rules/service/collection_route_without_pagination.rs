//! `collection-route-without-pagination`: a GET route whose handler reads
//! an unbounded collection and takes no limit, page or cursor.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::service::SignalKind;
use crate::project::evidence::describe;
use crate::project::services::{Route, Service};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(CollectionRouteWithoutPagination { meta: meta() })
}

struct CollectionRouteWithoutPagination {
    meta: RuleMeta,
}

/// Parameter names that bound a page.
const PAGE_WORDS: &[&str] = &[
    "limit", "page", "cursor", "offset", "per_page", "perpage", "page_size", "pagesize", "size",
    "take", "skip", "after", "before", "first", "last", "pagination", "paginate", "paging",
    "pageable", "page_token", "pagetoken", "max_results",
];

fn bounds_a_page(param: &str) -> bool {
    let lower = param.to_ascii_lowercase();
    PAGE_WORDS
        .iter()
        .any(|w| lower == *w || lower.contains("pagina") || lower.contains("page") || lower.ends_with(&format!("_{w}")))
}

/// True when the route is a GET collection read this rule reports
/// (shared with `unbounded-query`, so one problem gives one finding).
pub(crate) fn unpaginated(service: &Service, route: &Route) -> bool {
    let default_pagination = service
        .signals(SignalKind::ServiceMarker)
        .any(|s| s.detail.starts_with("DEFAULT_PAGINATION_CLASS"));
    !(route.collection_reads.is_empty()
        || !route.methods.iter().any(|m| m == "GET" || m == "ANY")
        || takes_a_page(route)
        || route.markers.iter().any(|m| m.to_ascii_lowercase().contains("pagina"))
        || default_pagination)
}

/// True when the route takes a limit, page or cursor parameter.
pub(crate) fn takes_a_page(route: &Route) -> bool {
    route.params.iter().any(|p| bounds_a_page(p))
}

impl Rule for CollectionRouteWithoutPagination {
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
                if !unpaginated(service, route) || seen.contains(&route.location) {
                    continue;
                }
                seen.push(route.location.clone());
                ctx.report(ProjectDiagnostic {
                    location: Some(route.location.clone()),
                    message: format!(
                        "`{}` returns `{}` without a bound, and takes no limit/page/cursor parameter: the response and the query grow with the table",
                        describe(route),
                        route.collection_reads.join("`, `")
                    ),
                    help: Some("accept `limit` (with a maximum) and a cursor or page, and pass them to the query".to_string()),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports a GET route whose handler (when it is visible in the same file)
reads a whole collection — `findMany`/`find`/`findAll` without
`take`/`limit`, `.all()`, `fetch_all`, a `SELECT` without `LIMIT` — and that
declares or reads no `limit`, `page`, `cursor`, `offset` or similar
parameter. DRF views with a `pagination_class` or a
`DEFAULT_PAGINATION_CLASS` are paginated.

## Why it matters
Checklist TASK-1.3 (pagination for all collection endpoints) and SCOPE-1.5.
An unpaginated list endpoint is fast in development and a timeout, a memory
spike and a full table scan in production, once the table has grown.

## Example
```python
@app.get("/api/v1/orders")
def list_orders(db: Session = Depends(get_db)):
    return db.query(Order).all()
```

## Use instead
```python
@app.get("/api/v1/orders")
def list_orders(limit: int = 50, cursor: int | None = None, db: Session = Depends(get_db)):
    return db.query(Order).filter(Order.id > (cursor or 0)).limit(min(limit, 200)).all()
```

## Configuration
None.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("collection-route-without-pagination", "TASK-1.3")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A GET route returns an unbounded collection and takes no pagination parameter.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["api", "performance"])
        .docs(DOCS)
        .invalid_at(
            FileKind::JavaScript,
            "src/app.js",
            r"
            const express = require('express');
            const app = express();
            app.get('/v1/orders', async (req, res) => {
              const orders = await prisma.order.findMany();
              res.json(orders);
            });
            app.listen(3000);
            ",
            1,
        )
        .valid_at(
            FileKind::JavaScript,
            "src/app.js",
            r"
            const express = require('express');
            const app = express();
            app.get('/v1/orders', async (req, res) => {
              const limit = Math.min(Number(req.query.limit) || 50, 200);
              const orders = await prisma.order.findMany({ take: limit });
              res.json(orders);
            });
            app.listen(3000);
            ",
        )
}
