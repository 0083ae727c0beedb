//! `unstructured-logging`: a service with no structured (JSON or logfmt)
//! logger configured — only text loggers such as `logging.basicConfig`,
//! `env_logger` or `tracing_subscriber::fmt()`, or no logger at all.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::operations::OpsKind;
use crate::project::evidence::{anchor, service_label};
use crate::project::operations::{looked_for, ops_evidence};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(UnstructuredLogging { meta: meta() })
}

struct UnstructuredLogging {
    meta: RuleMeta,
}

impl Rule for UnstructuredLogging {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for service in &model.services.services {
            if !ops_evidence(service, OpsKind::StructuredLogging).is_empty() {
                continue;
            }
            let text_loggers: Vec<_> = service
                .operations
                .iter()
                .filter(|s| s.kind == OpsKind::TextLogging)
                .collect();
            // Point at the text logger's configuration when there is one:
            // that is the line to change.
            let location = match text_loggers.first() {
                Some(signal) => Some(signal.location.clone()),
                None => anchor(service),
            };
            let Some(location) = location else {
                continue;
            };
            let found = if text_loggers.is_empty() {
                "shows no logger configuration".to_string()
            } else {
                let names: Vec<&str> = text_loggers.iter().map(|s| s.what.as_str()).collect();
                format!("logs only as text: {}", names.join(", "))
            };
            ctx.report(ProjectDiagnostic {
                location: Some(location),
                message: format!(
                    "{} {found}; no structured (JSON) logger found ({})",
                    service_label(service),
                    looked_for(service, OpsKind::StructuredLogging)
                ),
                help: Some("log JSON records with fields (level, message, request ID, route, latency) so the log pipeline can filter and aggregate them: e.g. structlog with `JSONRenderer`, python-json-logger's `JsonFormatter`, pino, winston `format.json()`, `tracing_subscriber::fmt().json()`".to_string()),
                severity: None,
                confidence: None,
            });
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports a service (a deployable unit with routes) that configures no
structured logger. Counted as structured: `structlog` (and `django-
structlog`, also when only named in Django settings), python-json-logger
(`JsonFormatter`, also inside a `logging.config.dictConfig`), `json-
logging`, `ecs-logging`, loguru with `serialize=True`; pino, pino-http,
nestjs-pino, Fastify's `logger` option (pino), bunyan, winston unless it is
given only a text format (`simple()`, `printf(...)`, `cli()`: winston's
default is JSON); `tracing_subscriber` with `.json()`, tracing-bunyan-
formatter, slog-json, json_env_logger, tracing-logfmt, log4rs with
`JsonEncoder`. Counted as text: `logging.basicConfig`, `dictConfig` without
a JSON formatter, loguru without `serialize`, morgan, actix-web's `Logger`
middleware, `env_logger`/`pretty_env_logger`/`simple_logger`, and
`tracing_subscriber::fmt()` without `.json()` (its default output is human-
readable lines, even though its events have fields). The finding points at
the text logger's setup when there is one, else at the application.

Packages that only write structured records (pino, bunyan, structlog,
python-json-logger, slog-json…) count when declared as a dependency;
loggers that can write either need the configuration call in code.

## Why it matters
Checklist TASK-4.2 (structured logging with correlation IDs). Text lines
have to be parsed back with regexes before anything can filter them by
request, user or status; JSON records go straight into the log pipeline
with their fields, and a request ID added once appears in every line.

## Example
```python
import logging

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
```

## Use instead
```python
import logging.config

logging.config.dictConfig({
    "version": 1,
    "formatters": {"json": {"()": "pythonjsonlogger.jsonlogger.JsonFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": "INFO"},
})
```

## Configuration
Select or ignore it by name or `TASK-4.2`. Logging configured outside the
code (a `logging.yaml` or `log4rs.yaml` file, a gunicorn `--log-config`
flag, a sidecar that converts lines) is not seen: disable the rule or
suppress it on the reported line.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("unstructured-logging", "TASK-4.2")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A service configures no structured (JSON) logger: its logs are text lines or nothing.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["operations", "observability", "logging"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            import logging

            from fastapi import FastAPI

            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
            logger = logging.getLogger(__name__)
            app = FastAPI(title="orders")

            @app.get("/v1/orders")
            async def list_orders():
                logger.info("listing orders")
                return []
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            import structlog
            from fastapi import FastAPI

            structlog.configure(processors=[structlog.processors.TimeStamper(fmt="iso"), structlog.processors.JSONRenderer()])
            log = structlog.get_logger()
            app = FastAPI(title="orders")

            @app.get("/v1/orders")
            async def list_orders():
                log.info("orders.listed", count=0)
                return []
            "#,
        )
        .invalid_at(
            FileKind::JavaScript,
            "src/server.js",
            r"
            const express = require('express');
            const morgan = require('morgan');
            const app = express();
            app.use(morgan('combined'));
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
            const pinoHttp = require('pino-http');
            const app = express();
            app.use(pinoHttp());
            app.get('/v1/orders', (req, res) => res.json([]));
            app.listen(3000);
            ",
        )
        .valid_at(
            FileKind::TypeScript,
            "src/server.ts",
            r"
            import express from 'express';
            import winston from 'winston';
            export const logger = winston.createLogger({
              level: 'info',
              format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
              transports: [new winston.transports.Console()],
            });
            const app = express();
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
                env_logger::init();
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
            use tracing_subscriber::EnvFilter;

            async fn list_orders() -> &'static str {
                "[]"
            }

            #[tokio::main]
            async fn main() {
                tracing_subscriber::fmt()
                    .json()
                    .with_env_filter(EnvFilter::from_default_env())
                    .init();
                let app = Router::new().route("/v1/orders", get(list_orders));
                let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
                axum::serve(listener, app).await.unwrap();
            }
            "#,
        )
}
