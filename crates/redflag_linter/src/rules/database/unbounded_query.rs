//! `unbounded-query`: a request handler reads rows with no bound.

use std::collections::HashMap;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::project::services::{Route, Service};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};
use crate::rules::service::collection_route_without_pagination::{takes_a_page, unpaginated};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(UnboundedQuery { meta: meta() })
}

struct UnboundedQuery {
    meta: RuleMeta,
}

/// The function name a route's handler is written as (`views.list` →
/// `list`, `handlers::list_orders` → `list_orders`).
fn handler_name(route: &Route) -> Option<&str> {
    let handler = route.handler.as_deref()?;
    handler.rsplit(['.', ':']).next().filter(|n| !n.is_empty())
}

/// Routes by the file their handler may live in and the handler's name:
/// the services a file belongs to, and each service's routes by handler.
struct Handlers<'a> {
    services_of: HashMap<&'a str, Vec<usize>>,
    by_name: Vec<(&'a Service, HashMap<&'a str, Vec<&'a Route>>)>,
}

impl<'a> Handlers<'a> {
    fn new(services: &'a [Service]) -> Self {
        let mut services_of: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_name = Vec::new();
        for (index, service) in services.iter().enumerate() {
            for file in &service.files {
                services_of.entry(file.as_str()).or_default().push(index);
            }
            let mut routes: HashMap<&str, Vec<&Route>> = HashMap::new();
            for route in &service.routes {
                if let Some(name) = handler_name(route) {
                    routes.entry(name).or_default().push(route);
                }
            }
            by_name.push((service, routes));
        }
        Handlers {
            services_of,
            by_name,
        }
    }

    /// The routes whose handler is the function `name` of file `path`.
    fn routes(&self, path: &str, name: &str) -> Vec<(&'a Service, &'a Route)> {
        let mut found = Vec::new();
        for &index in self.services_of.get(path).into_iter().flatten() {
            let (service, routes) = &self.by_name[index];
            for route in routes.get(name).into_iter().flatten() {
                found.push((*service, *route));
            }
        }
        found
    }
}

impl Rule for UnboundedQuery {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let handlers = Handlers::new(&model.services.services);
        for facts in &model.files {
            for query in &facts.queries {
                // A read inside a loop is `query-in-loop`'s finding.
                if !query.reads || query.limited || query.in_loop {
                    continue;
                }
                let Some(function) = query.function.as_deref() else {
                    continue;
                };
                // A GET collection route is the pagination rule's finding;
                // a route taking a page bounds the read.
                let Some((_, route)) = handlers
                    .routes(&facts.path, function)
                    .into_iter()
                    .find(|(s, r)| !unpaginated(s, r) && !takes_a_page(r))
                else {
                    continue;
                };
                ctx.report(ProjectDiagnostic {
                    location: Some(query.location.clone()),
                    message: format!(
                        "`{}` in handler `{function}` ({} {}) reads every matching row with no LIMIT/take/limit: the response time and memory grow with the table",
                        query.api,
                        route.methods.join("|"),
                        route.path
                    ),
                    help: Some(
                        "bound the read: `LIMIT`/`.limit()`/`take`/a slice, with a page or cursor when callers need more; stream or export in the background for full dumps"
                            .to_string(),
                    ),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports a query inside a request handler that returns rows with no bound:
a `SELECT` without `LIMIT`/`FETCH FIRST`, an ORM list read without
`take`/`limit`/a slice (`findMany`, `find`, `findAll`, `.filter(...)`,
`.all()`, `select(...)` without `.limit()`, Diesel `.load`). The handler is
a function registered as a route of a service in the service model.

GET routes that return such a read, and take no limit/page/cursor
parameter, are reported once, by `collection-route-without-pagination`;
this rule reports the rest (exports, POST searches, reads feeding a
computation), and skips handlers that take a page parameter.

## Why it matters
Checklist TASK-2.2 (no unbounded reads). An unbounded read is fine with 100
rows and an outage with 10 million: the database streams them all, the
service holds them in memory, the request times out.

## Example
```python
@router.post("/reports/orders")
async def order_report(body: ReportRequest, db: AsyncSession = Depends(get_db)):
    rows = (await db.execute(select(Order).where(Order.shop_id == body.shop_id))).scalars().all()
    return summarise(rows)
```

## Use instead
```python
    rows = (await db.execute(
        select(Order).where(Order.shop_id == body.shop_id).limit(body.limit or 1000)
    )).scalars().all()
```

## Configuration
No options.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("unbounded-query", "TASK-2.2")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A request handler reads rows with no LIMIT or take.")
        .kinds(&[
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
            FileKind::Rust,
        ])
        .tags(&["performance", "database"])
        .docs(DOCS)
        .invalid_at(
            FileKind::TypeScript,
            "src/server.ts",
            r#"
            import express from "express";
            import { PrismaClient } from "@prisma/client";

            const prisma = new PrismaClient();
            const app = express();
            app.use(express.json());

            async function exportOrders(req: express.Request, res: express.Response) {
              const orders = await prisma.order.findMany({ where: { shopId: Number(req.body.shopId) } });
              res.json(orders);
            }

            async function lastOrders(req: express.Request, res: express.Response) {
              const orders = await prisma.order.findMany({ where: { shopId: Number(req.body.shopId) }, take: 20 });
              res.json(orders);
            }

            app.post("/api/v1/reports/orders", exportOrders);
            app.post("/api/v1/reports/last-orders", lastOrders);
            app.get("/healthz", (req, res) => res.send("ok"));
            app.listen(3000);
            "#,
            1,
        )
        .with_file("package.json", FileKind::Json, PACKAGE)
        .valid_at(
            FileKind::TypeScript,
            "src/server.ts",
            r#"
            import express from "express";
            import { PrismaClient } from "@prisma/client";

            const prisma = new PrismaClient();
            const app = express();

            async function closeShop(req: express.Request, res: express.Response) {
              await prisma.order.updateMany({ where: { shopId: Number(req.params.id) }, data: { open: false } });
              res.status(204).end();
            }

            function summarise(rows: unknown[]) {
              return rows.length;
            }

            async function nightlyJob() {
              return summarise(await prisma.order.findMany({ where: { open: true } }));
            }

            app.post("/api/v1/shops/:id/close", closeShop);
            app.get("/healthz", (req, res) => res.send("ok"));
            app.listen(3000);
            "#,
        )
        .with_file("package.json", FileKind::Json, PACKAGE)
}

const PACKAGE: &str = r#"{ "name": "orders", "dependencies": { "express": "^4.19.0", "@prisma/client": "^5.10.0" } }"#;
