//! `no-metrics-exported`: a service that serves routes and exports no
//! metrics — no metrics library in its code or dependencies, no APM agent,
//! and no `/metrics` route.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::operations::OpsKind;
use crate::project::evidence::{anchor, service_label};
use crate::project::operations::{looked_for, ops_evidence};
use crate::project::services::Service;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(NoMetricsExported { meta: meta() })
}

struct NoMetricsExported {
    meta: RuleMeta,
}

/// True when one of the service's routes serves `/metrics` (any prefix).
fn serves_metrics(service: &Service) -> bool {
    service.routes.iter().any(|route| {
        route
            .path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .is_some_and(|last| last == "metrics")
    })
}

impl Rule for NoMetricsExported {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for service in &model.services.services {
            if !ops_evidence(service, OpsKind::Metrics).is_empty() || serves_metrics(service) {
                continue;
            }
            let Some(location) = anchor(service) else {
                continue;
            };
            ctx.report(ProjectDiagnostic {
                location: Some(location),
                message: format!(
                    "{} serves {} route(s) and exports no metrics: no metrics library or APM agent in its code or dependencies ({}) and no `/metrics` route",
                    service_label(service),
                    service.routes.len(),
                    looked_for(service, OpsKind::Metrics)
                ),
                help: Some("export request latency, error rate and throughput: e.g. `Instrumentator().instrument(app).expose(app)` (FastAPI), `express-prom-bundle` or prom-client's `collectDefaultMetrics` with a `/metrics` route (Node), `axum-prometheus` / `actix-web-prom` / `metrics-exporter-prometheus` (Rust)".to_string()),
                severity: None,
                confidence: None,
            });
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports a service (a deployable unit with routes) that shows no metrics
anywhere: no metrics library imported by its code or declared in its
manifest — `prometheus_client`, `prometheus-fastapi-instrumentator`,
`starlette-exporter`, `django-prometheus`, `prometheus-flask-exporter`,
`aioprometheus`, StatsD/Datadog clients, `prom-client`,
`express-prom-bundle`, `@willsoto/nestjs-prometheus`, `fastify-metrics`,
`@hono/prometheus`, `hot-shots`, the `metrics`/`metrics-exporter-prometheus`/
`prometheus`/`autometrics`/`cadence` crates, `actix-web-prom`,
`axum-prometheus`, OpenTelemetry metrics SDKs and exporters — no APM agent
(`dd-trace`/`ddtrace`, New Relic, Elastic APM: they report per-endpoint
latency, errors and throughput), and no route serving `/metrics`.

## Why it matters
Checklist TASK-4.3 (metrics exported for latency, error rate, throughput)
and red flag RF-7 (no health checks or monitoring). Without metrics, a
slow dependency or a rising error rate is found by users, not by an alert,
and capacity is planned by guessing.

## Example
```python
from fastapi import FastAPI

app = FastAPI()

@app.get("/v1/orders")
def list_orders():
    return []
```

## Use instead
```python
from fastapi import FastAPI
from prometheus_fastapi_instrumentator import Instrumentator

app = FastAPI()
Instrumentator().instrument(app).expose(app)
```

## Configuration
Select or ignore it by name, `TASK-4.3` or `RF-7`. When metrics come from
outside the code (a service mesh sidecar, an eBPF agent, a gateway),
disable the rule for the repository or suppress it on the application
line. A metrics library imported or declared counts even when the code
that wires it is not visible.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("no-metrics-exported", "TASK-4.3")
        .red_flag("RF-7")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A service serves routes but exports no metrics: no metrics library, APM agent or `/metrics` route.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["operations", "observability", "metrics"])
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
        .with_file("requirements.txt", FileKind::Text, "fastapi==0.115.0\nuvicorn==0.30.6\n")
        .valid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI
            from prometheus_fastapi_instrumentator import Instrumentator

            app = FastAPI(title="orders")
            Instrumentator().instrument(app).expose(app)

            @app.get("/v1/orders")
            async def list_orders():
                return []
            "#,
        )
        .valid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from flask import Flask

            app = Flask(__name__)

            @app.get("/v1/orders")
            def list_orders():
                return []
            "#,
        )
        .with_file("requirements.txt", FileKind::Text, "flask==3.0.3\nprometheus-flask-exporter==0.23.1\n")
        .invalid_at(
            FileKind::JavaScript,
            "src/server.js",
            r"
            const express = require('express');
            const app = express();
            app.get('/v1/orders', (req, res) => res.json([]));
            app.listen(3000);
            ",
            1,
        )
        .valid_at(
            FileKind::JavaScript,
            "src/server.js",
            r"
            const express = require('express');
            const promBundle = require('express-prom-bundle');
            const app = express();
            app.use(promBundle({ includeMethod: true, includePath: true }));
            app.get('/v1/orders', (req, res) => res.json([]));
            app.listen(3000);
            ",
        )
        .valid_at(
            FileKind::TypeScript,
            "src/server.ts",
            r"
            import express from 'express';
            import { register } from './metrics';
            const app = express();
            app.get('/metrics', async (req, res) => {
              res.set('Content-Type', register.contentType);
              res.end(await register.metrics());
            });
            app.get('/v1/orders', (req, res) => res.json([]));
            app.listen(3000);
            ",
        )
        .invalid_at(
            FileKind::Rust,
            "src/main.rs",
            r#"
            use axum::{routing::get, Router};

            async fn list_orders() -> &'static str {
                "[]"
            }

            #[tokio::main]
            async fn main() {
                let app = Router::new().route("/v1/orders", get(list_orders));
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
            use axum_prometheus::PrometheusMetricLayer;

            async fn list_orders() -> &'static str {
                "[]"
            }

            #[tokio::main]
            async fn main() {
                let (prometheus_layer, metric_handle) = PrometheusMetricLayer::pair();
                let app = Router::new()
                    .route("/v1/orders", get(list_orders))
                    .route("/metrics", get(|| async move { metric_handle.render() }))
                    .layer(prometheus_layer);
                let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
                axum::serve(listener, app).await.unwrap();
            }
            "#,
        )
}
