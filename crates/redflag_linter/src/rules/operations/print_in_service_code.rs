//! `print-in-service-code`: `print(...)`, `console.log(...)`, `println!`,
//! `dbg!` in the request handlers and runtime code of a service, where
//! output should go through the service's logger.
//!
//! Only files of a service (a deployable unit with routes) count, so
//! command-line tools and libraries print freely; scripts, `bin/`,
//! management commands, migrations, seeds, build scripts and front-end
//! files are skipped where their facts are collected, and so are start-up
//! lines (`main`, `bootstrap`, `if __name__ == "__main__"`, `listen`
//! callbacks, module-level code): one line at boot does no harm.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::project::evidence::service_label;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(PrintInServiceCode { meta: meta() })
}

struct PrintInServiceCode {
    meta: RuleMeta,
}

impl Rule for PrintInServiceCode {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for service in &model.services.services {
            let label = service_label(service);
            for print in &service.prints {
                let (place, confidence) = match (&print.handler, &print.function) {
                    (Some(handler), _) => (format!("in {handler}"), Confidence::High),
                    (None, Some(function)) => (
                        format!("in `{function}`, code of {label}"),
                        Confidence::Medium,
                    ),
                    (None, None) => continue,
                };
                let callee = &print.callee;
                let call = format!("`{callee}(...)`");
                ctx.report(ProjectDiagnostic {
                    location: Some(print.location.clone()),
                    message: format!(
                        "{call} {place} writes an unstructured line to stdout/stderr: no level, no request ID, no fields, and it bypasses the service's logger"
                    ),
                    help: Some(help_for(callee).to_string()),
                    severity: None,
                    confidence: Some(confidence),
                });
            }
        }
    }
}

fn help_for(callee: &str) -> &'static str {
    if callee == "print" {
        "log through a logger instead: `logger.info(\"order created\", extra={\"order_id\": order.id})` (logging) or `log.info(\"order.created\", order_id=order.id)` (structlog)"
    } else if callee.starts_with("console.") {
        "log through the service's logger instead: `req.log.info({ orderId }, 'order created')` (pino-http/Fastify) or `logger.info('order created', { orderId })` (winston)"
    } else if callee == "dbg!" {
        "remove the `dbg!` (a debugging aid), or log with `tracing::debug!(?value, \"...\")`"
    } else {
        "log with `tracing` instead: `tracing::info!(order_id = %id, \"order created\")`"
    }
}

const DOCS: &str = r#"
## What it does
Finds `print(...)` (Python), `console.log/info/warn/error/debug/trace(...)`
(JavaScript/TypeScript) and `println!`/`eprintln!`/`print!`/`eprint!`/`dbg!`
(Rust) in request handlers (found by redflag's shared handler detection)
and in the other functions of a service's code. A finding inside a handler
has high confidence; one in a helper function of the service, medium.

Not reported: files of a project that serves no routes (command-line tools,
libraries), tests, `scripts/`, `bin/`, `tools/`, `cli.py`, `manage.py`,
`__main__.py`, Django management commands, migrations, seeds, `build.rs`,
`*.config.*` files, front-end code (`.tsx`/`.jsx`, `components/`, `public/`,
`client/`, Next.js pages, files that use `window`/`document` or `"use
client"`), and start-up or shut-down lines: module-level code,
`main`/`bootstrap`/`start`/`create_app`/`lifespan` functions,
`@app.on_event("startup")` hooks, `if __name__ == "__main__":` blocks,
`listen(...)`, `process.on(...)` and `server.on('listening' | 'close' | …)`
callbacks; and Flask/Click/Typer command functions (`@app.cli.command()`,
`@click.command()`), whose output is the print. A one-line "listening on
:3000" at boot is not worth a finding.

## Why it matters
Checklist TASK-4.2 (structured logging with correlation IDs). A print
bypasses the logger: it has no level to filter on, no timestamp, no
request ID, and in a JSON log stream it is the one line the pipeline
cannot parse. Prints in handlers are usually leftover debugging that also
leaks request data into logs.

## Example
```python
@router.post("/v1/orders")
def create_order(body: OrderIn):
    print("creating order", body)
    return orders.create(body)
```

## Use instead
```python
logger = logging.getLogger(__name__)

@router.post("/v1/orders")
def create_order(body: OrderIn):
    logger.info("creating order", extra={"customer_id": body.customer_id})
    return orders.create(body)
```

## Configuration
Select or ignore it by name or `TASK-4.2`; suppress a deliberate print on
its line. Not seen: prints through an alias (`out = print`), `sys.stdout.write`,
`process.stdout.write`, `std::io::stdout()` writes.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("print-in-service-code", "TASK-4.2")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("`print`/`console.log`/`println!` in a request handler or service code bypasses the logger.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["operations", "observability", "logging"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/routers/orders.py",
            r#"
            from fastapi import APIRouter

            from app import payments

            router = APIRouter(prefix="/v1/orders")

            @router.post("")
            def create_order(body: dict):
                print("creating order", body)
                return payments.charge(body)
            "#,
            2,
        )
        .with_file(
            "app/payments.py",
            FileKind::Python,
            r#"
            def charge(order):
                print(f"charging {order['total']}")
                return {"status": "charged"}
            "#,
        )
        .with_file(
            "app/main.py",
            FileKind::Python,
            r#"
            from fastapi import FastAPI
            from app.routers import orders

            app = FastAPI()
            app.include_router(orders.router)
            print("routes loaded")
            "#,
        )
        .valid_at(
            FileKind::Python,
            "app/routers/orders.py",
            r#"
            import logging

            from fastapi import APIRouter

            logger = logging.getLogger(__name__)
            router = APIRouter(prefix="/v1/orders")

            @router.post("")
            def create_order(body: dict):
                logger.info("creating order", extra={"customer_id": body.get("customer_id")})
                return {"status": "created"}

            if __name__ == "__main__":
                print("run with: uvicorn app.main:app")
            "#,
        )
        .with_file(
            "scripts/backfill_orders.py",
            FileKind::Python,
            r#"
            def run():
                print("backfilled 120 orders")
            "#,
        )
        .valid_at(
            FileKind::Python,
            "mytool/convert.py",
            r#"
            def convert(path):
                print(f"converted {path}")
            "#,
        )
        .invalid_at(
            FileKind::JavaScript,
            "src/server.js",
            r"
            const express = require('express');
            const app = express();
            app.get('/v1/orders/:id', async (req, res) => {
              console.log('fetching order', req.params.id);
              res.json({ id: req.params.id });
            });
            app.listen(3000, () => console.log('listening on 3000'));
            ",
            1,
        )
        .valid_at(
            FileKind::TypeScript,
            "src/main.ts",
            r"
            import { NestFactory } from '@nestjs/core';
            import { AppModule } from './app.module';

            async function bootstrap() {
              const app = await NestFactory.create(AppModule);
              await app.listen(3000);
              console.log(`orders service listening on ${await app.getUrl()}`);
            }
            bootstrap();
            ",
        )
        .with_file(
            "src/orders.controller.ts",
            FileKind::TypeScript,
            r"
            import { Controller, Get, Logger } from '@nestjs/common';

            @Controller('v1/orders')
            export class OrdersController {
              private readonly logger = new Logger(OrdersController.name);

              @Get()
              list() {
                this.logger.log('listing orders');
                return [];
              }
            }
            ",
        )
        .invalid_at(
            FileKind::Rust,
            "src/main.rs",
            r#"
            use axum::{extract::Path, routing::get, Router};

            async fn get_order(Path(id): Path<u64>) -> String {
                println!("fetching order {id}");
                format!("{{\"id\":{id}}}")
            }

            #[tokio::main]
            async fn main() {
                let app = Router::new().route("/v1/orders/:id", get(get_order));
                let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
                println!("listening on {}", listener.local_addr().unwrap());
                axum::serve(listener, app).await.unwrap();
            }
            "#,
            1,
        )
        .valid_at(
            FileKind::Rust,
            "src/main.rs",
            r#"
            use axum::{extract::Path, routing::get, Router};

            async fn get_order(Path(id): Path<u64>) -> String {
                tracing::info!(order_id = id, "fetching order");
                format!("{{\"id\":{id}}}")
            }

            #[tokio::main]
            async fn main() {
                tracing_subscriber::fmt().json().init();
                let app = Router::new().route("/v1/orders/:id", get(get_order));
                let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
                axum::serve(listener, app).await.unwrap();
            }
            "#,
        )
        .with_file(
            "src/bin/seed.rs",
            FileKind::Rust,
            r#"
            fn insert_all() {
                println!("seeded 10 orders");
            }
            fn main() {
                insert_all();
            }
            "#,
        )
}
