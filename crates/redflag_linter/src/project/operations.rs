//! Operations evidence of a service, shared by the TASK-4.2/4.3 absence
//! rules: what its code configures (per-file [`OpsSignal`]s) and what its
//! manifests declare, in one list the messages can name.

use crate::facts::operations::{
    package_in, OpsKind, METRICS_PACKAGES, REQUEST_ID_PACKAGES, REQUEST_ID_PREFIXES,
    STRUCTURED_LOGGING_PACKAGES,
};
use crate::facts::service::Framework;
use crate::source::Location;

use super::services::Service;

/// One piece of evidence: what, and where when it is in code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsEvidence {
    pub what: String,
    pub location: Option<Location>,
}

/// Every place `service` shows `kind`: code signals first, then manifest
/// dependencies. A declared dependency counts for request IDs and metrics
/// (those packages do their work once installed and wired, and an absence
/// rule must not shout at a service that ships them); for logging only
/// packages that write structured records by default count.
#[must_use]
pub fn ops_evidence(service: &Service, kind: OpsKind) -> Vec<OpsEvidence> {
    let mut found: Vec<OpsEvidence> = service
        .operations
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| OpsEvidence {
            what: s.what.clone(),
            location: Some(s.location.clone()),
        })
        .collect();
    let (list, prefixes): (&[&str], &[&str]) = match kind {
        OpsKind::StructuredLogging => (STRUCTURED_LOGGING_PACKAGES, &[]),
        OpsKind::RequestId => (REQUEST_ID_PACKAGES, REQUEST_ID_PREFIXES),
        OpsKind::Metrics => (METRICS_PACKAGES, &[]),
        OpsKind::TextLogging => (&[], &[]),
    };
    for package in &service.dependencies {
        if package_in(package, list, prefixes) {
            found.push(OpsEvidence {
                what: format!("dependency `{package}`"),
                location: None,
            });
        }
    }
    found
}

/// The language families of a service's frameworks.
fn families(service: &Service) -> (bool, bool, bool) {
    let mut python = false;
    let mut js = false;
    let mut rust = false;
    for framework in &service.frameworks {
        match framework {
            Framework::FastApi | Framework::Flask | Framework::Django | Framework::Aiohttp => {
                python = true;
            }
            Framework::Axum | Framework::ActixWeb | Framework::Rocket => rust = true,
            _ => js = true,
        }
    }
    if python || js || rust {
        (python, js, rust)
    } else {
        (true, true, true)
    }
}

/// What was looked for, in the service's languages, for messages.
#[must_use]
pub fn looked_for(service: &Service, kind: OpsKind) -> String {
    let (python, js, rust) = families(service);
    let (py, node, rs): (&str, &str, &str) = match kind {
        OpsKind::StructuredLogging | OpsKind::TextLogging => ("structlog, python-json-logger `JsonFormatter`, a JSON formatter in `dictConfig`, loguru `serialize=True`", "pino/pino-http/nestjs-pino, Fastify's `logger` option, winston `format.json()`, bunyan", "`tracing_subscriber` with `.json()`, tracing-bunyan-formatter, slog-json"),
        OpsKind::RequestId => ("asgi-correlation-id, django-guid, django-log-request-id, flask-request-id-header, OpenTelemetry instrumentation", "pino-http/nestjs-pino `genReqId`, express-request-id, cls-rtracer, nestjs-cls, hono `requestId`, Fastify's logger, OpenTelemetry instrumentation", "tower-http `SetRequestIdLayer`/`PropagateRequestIdLayer`, tracing-actix-web, tracing-opentelemetry"),
        OpsKind::Metrics => ("prometheus_client, prometheus-fastapi-instrumentator, starlette-exporter, django-prometheus, prometheus-flask-exporter, OpenTelemetry metrics, StatsD/Datadog", "prom-client, express-prom-bundle, @willsoto/nestjs-prometheus, fastify-metrics, @hono/prometheus, OpenTelemetry metrics, hot-shots", "metrics + metrics-exporter-prometheus, prometheus, axum-prometheus, actix-web-prom, autometrics, opentelemetry-prometheus"),
    };
    let mut parts = Vec::new();
    if python {
        parts.push(py);
    }
    if js {
        parts.push(node);
    }
    if rust {
        parts.push(rs);
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use redflag_syntax::FileKind;

    use crate::engine::{Engine, Settings, SourceInput};
    use crate::registry::Registry;

    /// `(rule, path:line)` of the operations rules' findings on a repository.
    fn findings(files: &[(&str, FileKind, &str)]) -> Vec<(String, String)> {
        let registry = Registry::builtin().expect("built-in rules load");
        let rules = [
            "unstructured-logging",
            "no-request-correlation-id",
            "no-metrics-exported",
            "print-in-service-code",
        ];
        let enabled = registry
            .rules()
            .iter()
            .map(|r| rules.contains(&r.meta().name.as_str()))
            .collect();
        let engine = Engine::new(registry, enabled, Settings::default());
        let sources = files
            .iter()
            .map(|(path, kind, text)| SourceInput {
                path: (*path).to_string(),
                kind: *kind,
                text: crate::rule::unindent(text),
            })
            .collect();
        let mut found: Vec<(String, String)> = engine
            .scan_sources(sources)
            .findings
            .into_iter()
            .map(|f| {
                let line = f.start.map_or(0, |s| s.line);
                (f.rule, format!("{}:{line}", f.path.unwrap_or_default()))
            })
            .collect();
        found.sort();
        found
    }

    #[test]
    fn evidence_is_per_service_and_tools_without_routes_are_not_services() {
        let found = findings(&[
            // A Python service wired in a separate file.
            (
                "services/orders/requirements.txt",
                FileKind::Text,
                "fastapi\nprometheus-client\n",
            ),
            (
                "services/orders/app/main.py",
                FileKind::Python,
                r#"
                from fastapi import FastAPI
                app = FastAPI()

                @app.get("/v1/orders")
                def list_orders():
                    return []
                "#,
            ),
            (
                "services/orders/app/telemetry.py",
                FileKind::Python,
                r#"
                import structlog
                from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
                "#,
            ),
            // A Node service with nothing.
            (
                "services/web/package.json",
                FileKind::Json,
                r#"{"name": "web", "dependencies": {"express": "4"}}"#,
            ),
            (
                "services/web/src/server.js",
                FileKind::JavaScript,
                r"
                const express = require('express');
                const app = express();
                function audit(event) {
                  console.info('audit', event);
                }
                app.get('/v1/pages', (req, res) => { audit('pages'); res.json([]); });
                app.listen(3000, () => console.log('up'));
                ",
            ),
            // A command-line tool: prints are its output.
            (
                "tools/migrate/pyproject.toml",
                FileKind::Toml,
                "[project]\nname = \"migrate\"\n",
            ),
            (
                "tools/migrate/migrate/run.py",
                FileKind::Python,
                "def run():\n    print('migrated')\n",
            ),
        ]);
        let expected: Vec<(String, String)> = [
            ("no-metrics-exported", "services/web/src/server.js:2"),
            ("no-request-correlation-id", "services/web/src/server.js:2"),
            ("print-in-service-code", "services/web/src/server.js:4"),
            ("unstructured-logging", "services/web/src/server.js:2"),
        ]
        .iter()
        .map(|(r, p)| ((*r).to_string(), (*p).to_string()))
        .collect();
        assert_eq!(found, expected);
    }
}
