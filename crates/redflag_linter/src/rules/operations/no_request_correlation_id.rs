//! `no-request-correlation-id`: a service whose requests carry no request or
//! trace ID — no correlation-ID middleware, no OpenTelemetry or APM
//! instrumentation, no code that reads or sets `X-Request-ID`.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::operations::OpsKind;
use crate::project::evidence::{anchor, service_label};
use crate::project::operations::{looked_for, ops_evidence};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(NoRequestCorrelationId { meta: meta() })
}

struct NoRequestCorrelationId {
    meta: RuleMeta,
}

impl Rule for NoRequestCorrelationId {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for service in &model.services.services {
            if !ops_evidence(service, OpsKind::RequestId).is_empty() {
                continue;
            }
            let Some(location) = anchor(service) else {
                continue;
            };
            ctx.report(ProjectDiagnostic {
                location: Some(location),
                message: format!(
                    "{} serves {} route(s) with no request or trace ID: no correlation-ID middleware or tracing instrumentation in its code or dependencies ({}), and no code that reads or sets an `X-Request-ID`/`traceparent` header",
                    service_label(service),
                    service.routes.len(),
                    looked_for(service, OpsKind::RequestId)
                ),
                help: Some("assign an ID to every request (or take the caller's `X-Request-ID`/`traceparent`), put it in every log line and pass it on outbound calls: e.g. `app.add_middleware(CorrelationIdMiddleware)`, `pinoHttp({ genReqId })`, `SetRequestIdLayer::x_request_id(MakeRequestUuid)` + `PropagateRequestIdLayer`, or OpenTelemetry instrumentation".to_string()),
                severity: None,
                confidence: None,
            });
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports a service (a deployable unit with routes) that shows no request or
trace ID anywhere: no correlation-ID middleware (`asgi-correlation-id`,
`django-guid`, `django-log-request-id`, `flask-request-id-header`,
`starlette-context`'s `RequestIdPlugin`, `express-request-id`,
`cls-rtracer`, `nestjs-cls`, pino-http/nestjs-pino with `genReqId`, hono's
`requestId()`, tower-http `SetRequestIdLayer`/`PropagateRequestIdLayer`,
`tracing-actix-web`), no OpenTelemetry instrumentation
(`opentelemetry-instrumentation-*`, `@opentelemetry/instrumentation-*`,
`@opentelemetry/sdk-node`, `tracing-opentelemetry`) or APM agent, and no
code that reads or sets an `X-Request-ID`, `X-Correlation-ID` or
`traceparent` header. Evidence counts from the service's code or its
manifest dependencies.

Fastify gives every request an ID (`req.id`) but it reaches the logs only
through Fastify's logger, so Fastify counts when its `logger` option is on.
pino-http's default ID is a per-process counter that ignores the caller's
header, so pino-http counts only with `genReqId`.

## Why it matters
Checklist TASK-4.2 (structured logging with correlation IDs for
distributed tracing). When one user request fans out across services and
threads, an ID carried in every log line and forwarded on every call is
what ties the lines of that request together; without it an incident is
investigated by matching timestamps.

## Example
```javascript
const app = express();
app.use(pinoHttp());
app.get('/v1/orders', listOrders);
```

## Use instead
```javascript
const { randomUUID } = require('crypto');
app.use(pinoHttp({
  genReqId: (req, res) => {
    const id = req.headers['x-request-id'] ?? randomUUID();
    res.setHeader('x-request-id', id);
    return id;
  },
}));
```

## Configuration
Select or ignore it by name or `TASK-4.2`. A note: when a gateway or mesh
assigns and logs request IDs, disable the rule or suppress it on the
application line.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("no-request-correlation-id", "TASK-4.2")
        .severity(Severity::Note)
        .confidence(Confidence::Medium)
        .summary("A service serves routes with no request-ID or trace-ID middleware or instrumentation.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["operations", "observability", "logging", "tracing"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI

            app = FastAPI(title="orders")

            @app.get("/v1/orders")
            async def list_orders():
                return []
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from asgi_correlation_id import CorrelationIdMiddleware
            from fastapi import FastAPI

            app = FastAPI(title="orders")
            app.add_middleware(CorrelationIdMiddleware, header_name="X-Request-ID")

            @app.get("/v1/orders")
            async def list_orders():
                return []
            "#,
        )
        .invalid_at(
            FileKind::JavaScript,
            "src/server.js",
            r"
            const express = require('express');
            const pinoHttp = require('pino-http');
            const app = express();
            app.use(pinoHttp());
            app.get('/v1/orders', (req, res) => res.json([]));
            app.listen(3000);
            ",
            1,
        )
        .valid_at(
            FileKind::JavaScript,
            "src/server.js",
            r"
            const { randomUUID } = require('crypto');
            const express = require('express');
            const pinoHttp = require('pino-http');
            const app = express();
            app.use(pinoHttp({ genReqId: (req) => req.headers['x-request-id'] ?? randomUUID() }));
            app.get('/v1/orders', (req, res) => res.json([]));
            app.listen(3000);
            ",
        )
        .valid_at(
            FileKind::TypeScript,
            "src/server.ts",
            r"
            import Fastify from 'fastify';
            const app = Fastify({ logger: true, requestIdHeader: 'x-request-id' });
            app.get('/v1/orders', async () => []);
            await app.listen({ port: 3000 });
            ",
        )
        .invalid_at(
            FileKind::Rust,
            "src/main.rs",
            r#"
            use axum::{routing::get, Router};
            use tower_http::trace::TraceLayer;

            async fn list_orders() -> &'static str {
                "[]"
            }

            #[tokio::main]
            async fn main() {
                let app = Router::new()
                    .route("/v1/orders", get(list_orders))
                    .layer(TraceLayer::new_for_http());
                let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
                axum::serve(listener, app).await.unwrap();
            }
            "#,
            1,
        )
        .valid_at(
            FileKind::Rust,
            "src/main.rs",
            r#"
            use axum::{routing::get, Router};
            use tower::ServiceBuilder;
            use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
            use tower_http::trace::TraceLayer;

            async fn list_orders() -> &'static str {
                "[]"
            }

            #[tokio::main]
            async fn main() {
                let app = Router::new().route("/v1/orders", get(list_orders)).layer(
                    ServiceBuilder::new()
                        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                        .layer(TraceLayer::new_for_http())
                        .layer(PropagateRequestIdLayer::x_request_id()),
                );
                let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
                axum::serve(listener, app).await.unwrap();
            }
            "#,
        )
}
