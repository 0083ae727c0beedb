//! Operations facts: what one file shows about how its service logs, tags
//! requests and exports metrics, and where its code prints to stdout.
//!
//! The absence rules of TASK-4.2/4.3 (`unstructured-logging`,
//! `no-request-correlation-id`, `no-metrics-exported`) judge a whole
//! service, but the evidence sits in files the route extractors never read
//! (a `logging_config.py`, a `telemetry.ts`, a `metrics.rs`), so every code
//! file contributes what it imports and configures here. Package lists live
//! here too, so that a manifest dependency and an import are judged alike.
//!
//! `print`/`console.*`/`println!` calls are recorded with whether a request
//! handler encloses them; the project rule reports only those in files of a
//! service, which keeps command-line tools and scripts out without guessing.

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::semantics::handlers::{function_name, is_function, HandlerIndex};
use crate::semantics::{callee_path, rust_in_test_code, visit, TreeVisitor};
use crate::source::{Location, SourceFile};

/// What a piece of operations evidence shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OpsKind {
    /// Logs written as JSON (or logfmt) records.
    StructuredLogging,
    /// A logger that writes human-readable text lines.
    TextLogging,
    /// Request or trace IDs assigned and propagated per request.
    RequestId,
    /// Metrics collected and exported.
    Metrics,
}

/// One piece of operations evidence in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsSignal {
    pub kind: OpsKind,
    /// What was found, for messages (`structlog`, `tracing_subscriber fmt().json()`).
    pub what: String,
    pub location: Location,
}

/// A `print`/`console.*`/`println!` call in code that may run in a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintCall {
    /// The call as written (`print`, `console.log`, `println!`).
    pub callee: String,
    /// The request handler around it (``route handler `create_order` ``).
    pub handler: Option<String>,
    /// The function around it when no handler does.
    pub function: Option<String>,
    pub location: Location,
}

/// The operations facts of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperationsFacts {
    pub signals: Vec<OpsSignal>,
    pub prints: Vec<PrintCall>,
}

impl OperationsFacts {
    fn is_empty(&self) -> bool {
        self.signals.is_empty() && self.prints.is_empty()
    }
}

/// Packages that write structured (JSON/logfmt) logs by default; their
/// presence is enough. `winston`, `loguru` and `tracing-subscriber` can
/// write either and need the configuration call.
pub const STRUCTURED_LOGGING_PACKAGES: &[&str] = &[
    "structlog",
    "django-structlog",
    "python-json-logger",
    "pythonjsonlogger",
    "json-logging",
    "json-log-formatter",
    "ecs-logging",
    "pino",
    "pino-http",
    "nestjs-pino",
    "express-pino-logger",
    "koa-pino-logger",
    "hono-pino",
    "bunyan",
    "@elastic/ecs-pino-format",
    "@elastic/ecs-winston-format",
    "slog-json",
    "tracing-bunyan-formatter",
    "json-env-logger",
    "tracing-logfmt",
];

/// Packages that assign or propagate a request/trace ID per request.
pub const REQUEST_ID_PACKAGES: &[&str] = &[
    "asgi-correlation-id",
    "django-guid",
    "django-log-request-id",
    "log-request-id",
    "flask-request-id-header",
    "flask-request-id",
    "django-structlog",
    "express-request-id",
    "express-correlation-id",
    "correlation-id",
    "cls-rtracer",
    "nestjs-cls",
    "tracing-actix-web",
    "actix-request-identifier",
    "tracing-opentelemetry",
    "dd-trace",
    "ddtrace",
    "elastic-apm-node",
    "elastic-apm",
    "elasticapm",
    "newrelic",
    "@opentelemetry/sdk-node",
    "@opentelemetry/auto-instrumentations-node",
];

/// Package-name prefixes of OpenTelemetry request instrumentation.
pub const REQUEST_ID_PREFIXES: &[&str] = &[
    "opentelemetry-instrumentation-",
    "@opentelemetry/instrumentation-",
];

/// Packages that collect and export metrics. APM agents count: they
/// report latency, error rate and throughput per endpoint.
pub const METRICS_PACKAGES: &[&str] = &[
    "prometheus-client",
    "prometheus-fastapi-instrumentator",
    "starlette-exporter",
    "starlette-prometheus",
    "django-prometheus",
    "prometheus-flask-exporter",
    "aioprometheus",
    "statsd",
    "datadog",
    "opentelemetry-exporter-prometheus",
    "opentelemetry-exporter-otlp-proto-http",
    "prom-client",
    "express-prom-bundle",
    "@willsoto/nestjs-prometheus",
    "fastify-metrics",
    "@hono/prometheus",
    "koa-prometheus-adv",
    "hot-shots",
    "node-statsd",
    "@opentelemetry/sdk-metrics",
    "@opentelemetry/exporter-prometheus",
    "metrics",
    "metrics-exporter-prometheus",
    "prometheus",
    "actix-web-prom",
    "axum-prometheus",
    "autometrics",
    "opentelemetry-prometheus",
    "cadence",
    "dd-trace",
    "ddtrace",
    "newrelic",
    "elastic-apm-node",
    "elastic-apm",
    "elasticapm",
];

/// A package or module name in one spelling: lower case, `-` for `_`
/// (`prometheus_client` and `prometheus-client` are one package).
#[must_use]
pub fn normalize_package(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

/// True when `package` (any spelling) is on `list`, or starts with one of
/// `prefixes`.
#[must_use]
pub fn package_in(package: &str, list: &[&str], prefixes: &[&str]) -> bool {
    let package = normalize_package(package);
    list.iter().any(|p| *p == package) || prefixes.iter().any(|p| package.starts_with(p))
}

/// The package an import names (`prometheus_client.core` →
/// `prometheus-client`, `@opentelemetry/sdk-node/x` → `@opentelemetry/sdk-node`,
/// `tower_http::request_id` → `tower-http`); empty for relative imports.
fn package_of(module: &str, language: Language) -> String {
    if module.starts_with('.') || module.starts_with("crate") || module.starts_with("super") {
        return String::new();
    }
    let root = if module.starts_with('@') {
        module.splitn(3, '/').take(2).collect::<Vec<_>>().join("/")
    } else if language == Language::Rust {
        module.split("::").next().unwrap_or("").to_string()
    } else {
        module.split(['.', '/']).next().unwrap_or("").to_string()
    };
    normalize_package(root.trim_start_matches("node:"))
}

/// Text evidence: (needle, kind, what). Needles are configuration calls
/// and types that only the named setup writes.
const TEXT_EVIDENCE: &[(&str, OpsKind, &str)] = &[
    (
        "JsonFormatter",
        OpsKind::StructuredLogging,
        "a JSON log formatter (`JsonFormatter`)",
    ),
    (
        "JSONRenderer",
        OpsKind::StructuredLogging,
        "structlog `JSONRenderer`",
    ),
    (
        "BunyanFormattingLayer",
        OpsKind::StructuredLogging,
        "tracing-bunyan-formatter",
    ),
    (
        "JsonEncoder",
        OpsKind::StructuredLogging,
        "log4rs `JsonEncoder`",
    ),
    ("genReqId", OpsKind::RequestId, "`genReqId`"),
    (
        "SetRequestIdLayer",
        OpsKind::RequestId,
        "tower-http `SetRequestIdLayer`",
    ),
    (
        "PropagateRequestIdLayer",
        OpsKind::RequestId,
        "tower-http `PropagateRequestIdLayer`",
    ),
    (
        "set_x_request_id",
        OpsKind::RequestId,
        "tower-http `set_x_request_id`",
    ),
    (
        "propagate_x_request_id",
        OpsKind::RequestId,
        "tower-http `propagate_x_request_id`",
    ),
    (
        "TracingLogger",
        OpsKind::RequestId,
        "tracing-actix-web `TracingLogger`",
    ),
    (
        "CorrelationIdMiddleware",
        OpsKind::RequestId,
        "asgi-correlation-id `CorrelationIdMiddleware`",
    ),
    (
        "RequestIdPlugin",
        OpsKind::RequestId,
        "starlette-context `RequestIdPlugin`",
    ),
    ("hono/request-id", OpsKind::RequestId, "hono `requestId()`"),
    // Django wires middleware and apps by dotted strings in settings.
    ("django_guid", OpsKind::RequestId, "django-guid"),
    (
        "log_request_id",
        OpsKind::RequestId,
        "django-log-request-id",
    ),
    (
        "django_structlog",
        OpsKind::RequestId,
        "django-structlog `RequestMiddleware`",
    ),
    (
        "django_structlog",
        OpsKind::StructuredLogging,
        "django-structlog",
    ),
    (
        "asgi_correlation_id",
        OpsKind::RequestId,
        "asgi-correlation-id",
    ),
    (
        "Logger::default()",
        OpsKind::TextLogging,
        "actix-web `Logger` middleware (text access-log lines)",
    ),
    ("django_prometheus", OpsKind::Metrics, "django-prometheus"),
    (
        "make_asgi_app",
        OpsKind::Metrics,
        "prometheus_client `make_asgi_app`",
    ),
    (
        "make_wsgi_app",
        OpsKind::Metrics,
        "prometheus_client `make_wsgi_app`",
    ),
    (
        "PrometheusMiddleware",
        OpsKind::Metrics,
        "`PrometheusMiddleware`",
    ),
    (
        "collectDefaultMetrics",
        OpsKind::Metrics,
        "prom-client `collectDefaultMetrics`",
    ),
    (
        "MeterProvider",
        OpsKind::Metrics,
        "an OpenTelemetry `MeterProvider`",
    ),
];

/// Words one of which a file that shows logging, request-ID or metrics
/// evidence contains.
const SIGNAL_WORDS: &[&str] = &[
    "log",
    "Log",
    "LOG",
    "metric",
    "Metric",
    "prom",
    "Prom",
    "statsd",
    "StatsD",
    "Dog",
    "dog",
    "telemetry",
    "Telemetry",
    "equest-",
    "equest_id",
    "equestId",
    "EQUEST-",
    "orrelation",
    "raceparent",
    "race-",
    "trac",
    "Trac",
    "guid",
    "apm",
    "newrelic",
    "cadence",
    "MeterProvider",
    "JsonFormatter",
    "JSONRenderer",
    "JsonEncoder",
    "pino",
    "bunyan",
    "winston",
    "morgan",
    "shots",
    "-cls",
    "ReqId",
    "exporter",
];

/// Request-ID header names: code that reads or sets one propagates IDs.
const REQUEST_ID_HEADERS: &[&str] = &[
    "x-request-id",
    "x-correlation-id",
    "x-amzn-trace-id",
    "x-cloud-trace-context",
    "traceparent",
];

/// True when `word` occurs in `text` not preceded by an identifier
/// character (`env_logger::` but not `json_env_logger::`).
fn word_in(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(offset, _)| {
        !text[..offset]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The location of `len` bytes at `offset`.
fn at(file: &SourceFile, offset: usize, len: usize) -> Location {
    file.location(offset..offset + len)
}

fn push(out: &mut Vec<OpsSignal>, kind: OpsKind, what: &str, location: Location) {
    if !out.iter().any(|s| s.kind == kind && s.what == what) {
        out.push(OpsSignal {
            kind,
            what: what.to_string(),
            location,
        });
    }
}

/// True when an options object in the text turns a logger on:
/// `logger: true`, `logger: { level }`, `logger: pino(...)`.
fn logger_option_on(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = text[from..].find("logger") {
        let start = from + found;
        let rest = text[start + "logger".len()..].trim_start();
        if let Some(value) = rest.strip_prefix(':') {
            let value = value.trim_start();
            if !value.starts_with("false") && !value.is_empty() && !value.starts_with("undefined") {
                return Some(start);
            }
        }
        from = start + "logger".len();
    }
    None
}

/// Logging, request-ID and metrics evidence in a code file.
fn signals(file: &SourceFile, language: Language) -> Vec<OpsSignal> {
    let text = file.text.as_str();
    let mut out = Vec::new();
    let imports = file.imports();
    let mut packages: Vec<String> = imports
        .modules()
        .iter()
        .map(|m| package_of(m, language))
        .filter(|p| !p.is_empty())
        .collect();
    packages.sort();
    packages.dedup();
    let where_is = |needle: &str| -> Location {
        match text.find(needle) {
            Some(offset) => at(file, offset, needle.len()),
            None => at(file, 0, 0),
        }
    };
    for module in imports.modules() {
        let package = package_of(module, language);
        if package.is_empty() {
            continue;
        }
        let location = where_is(module);
        if package_in(&package, STRUCTURED_LOGGING_PACKAGES, &[]) {
            push(
                &mut out,
                OpsKind::StructuredLogging,
                &format!("`{package}`"),
                location.clone(),
            );
        }
        let otel_instrumentation = module.starts_with("opentelemetry.instrumentation")
            || module.starts_with("@opentelemetry/instrumentation")
            || module.starts_with("@opentelemetry/auto-instrumentations");
        if package_in(&package, REQUEST_ID_PACKAGES, REQUEST_ID_PREFIXES) || otel_instrumentation {
            let what = if otel_instrumentation {
                module.as_str()
            } else {
                package.as_str()
            };
            push(
                &mut out,
                OpsKind::RequestId,
                &format!("`{what}`"),
                location.clone(),
            );
        }
        let otel_metrics = module.starts_with("opentelemetry.sdk.metrics")
            || module.starts_with("opentelemetry.metrics")
            || module.starts_with("opentelemetry_sdk::metrics")
            || module.starts_with("opentelemetry::metrics");
        if package_in(&package, METRICS_PACKAGES, &[]) || otel_metrics {
            let what = if otel_metrics {
                module.as_str()
            } else {
                package.as_str()
            };
            push(&mut out, OpsKind::Metrics, &format!("`{what}`"), location);
        }
    }
    for (needle, kind, what) in TEXT_EVIDENCE {
        if let Some(offset) = text.find(needle) {
            push(&mut out, *kind, what, at(file, offset, needle.len()));
        }
    }
    let mentions_header = [
        "equest-",
        "EQUEST-",
        "orrelation-",
        "ORRELATION-",
        "race-",
        "RACE-",
        "raceparent",
        "RACEPARENT",
    ]
    .iter()
    .any(|w| text.contains(w));
    let lower = if mentions_header {
        text.to_ascii_lowercase()
    } else {
        String::new()
    };
    for header in REQUEST_ID_HEADERS {
        if let Some(offset) = lower.find(header) {
            push(
                &mut out,
                OpsKind::RequestId,
                &format!("code that reads or sets the `{header}` header"),
                at(file, offset, header.len()),
            );
        }
    }
    let has = |p: &str| packages.iter().any(|x| x == p);
    // Loggers that write either format: judged by their configuration.
    if has("loguru") {
        if text.contains("serialize=True") {
            push(
                &mut out,
                OpsKind::StructuredLogging,
                "loguru with `serialize=True`",
                where_is("serialize=True"),
            );
        } else {
            push(
                &mut out,
                OpsKind::TextLogging,
                "loguru without `serialize=True`",
                where_is("loguru"),
            );
        }
    }
    if language == Language::Python && !has("loguru") {
        if let Some(offset) = text.find("basicConfig(") {
            push(
                &mut out,
                OpsKind::TextLogging,
                "`logging.basicConfig` (plain text)",
                at(file, offset, 11),
            );
        }
        if let Some(offset) = text.find("dictConfig(") {
            if !text.contains("JsonFormatter") && !text.contains("json") {
                push(
                    &mut out,
                    OpsKind::TextLogging,
                    "`logging.config.dictConfig` without a JSON formatter",
                    at(file, offset, 10),
                );
            }
        }
    }
    if has("winston") {
        let json =
            text.contains("json()") || text.contains("logstash()") || text.contains("ecsFormat");
        // winston's default format is JSON: only an explicit text format
        // (`simple()`, `printf(...)`, `cli()`) makes it text.
        let text_format =
            text.contains("simple()") || text.contains("printf(") || text.contains("cli()");
        if json || !text_format {
            push(
                &mut out,
                OpsKind::StructuredLogging,
                "winston with a JSON format",
                where_is("winston"),
            );
        } else {
            push(
                &mut out,
                OpsKind::TextLogging,
                "winston with a text format (`simple()`/`printf`)",
                where_is("winston"),
            );
        }
    }
    if has("morgan") {
        push(
            &mut out,
            OpsKind::TextLogging,
            "morgan (text access-log lines)",
            where_is("morgan"),
        );
    }
    if has("fastify") {
        if let Some(offset) = logger_option_on(text) {
            let location = at(file, offset, "logger".len());
            push(
                &mut out,
                OpsKind::StructuredLogging,
                "Fastify's built-in pino logger (`logger:` option)",
                location.clone(),
            );
            // Fastify tags every request's log lines with `reqId` once its
            // logger is on; without it, `req.id` reaches no log.
            push(
                &mut out,
                OpsKind::RequestId,
                "Fastify's `reqId` on every request log line (`logger:` option)",
                location,
            );
        }
    }
    if has("tracing-subscriber") || text.contains("tracing_subscriber") {
        if let Some(offset) = text.find(".json()") {
            push(
                &mut out,
                OpsKind::StructuredLogging,
                "`tracing_subscriber` with `.json()`",
                at(file, offset, 7),
            );
        } else if let Some(offset) = text.find("tracing_subscriber") {
            push(
                &mut out,
                OpsKind::TextLogging,
                "`tracing_subscriber::fmt()` without `.json()` (human-readable text)",
                at(file, offset, 18),
            );
        }
    }
    for (package, what) in [
        ("env-logger", "`env_logger` (plain text)"),
        ("pretty-env-logger", "`pretty_env_logger` (plain text)"),
        ("simple-logger", "`simple_logger` (plain text)"),
    ] {
        let name = package.replace('-', "_");
        if has(package) || word_in(text, &format!("{name}::")) {
            push(&mut out, OpsKind::TextLogging, what, where_is(&name));
        }
    }
    out
}

/// Directory names whose code is not a running service: scripts, tools,
/// migrations, seeds and command-line entry points.
const NON_SERVICE_DIRS: &[&str] = &[
    "scripts",
    "script",
    "bin",
    "tools",
    "tooling",
    "migrations",
    "migration",
    "alembic",
    "seeds",
    "seeders",
    "seed",
    "commands",
    "management",
    "cli",
    "fixtures",
    "notebooks",
];

/// Directory names of front-end code (JS/TS only: `app/` is a Python
/// backend as often as a Next.js front end).
const FRONTEND_DIRS: &[&str] = &[
    "components",
    "public",
    "static",
    "client",
    "frontend",
    "hooks",
    "www",
    "web-ui",
];

/// File names that are entry points of tools, not services.
const NON_SERVICE_FILES: &[&str] = &[
    "manage.py",
    "cli.py",
    "__main__.py",
    "setup.py",
    "noxfile.py",
    "fabfile.py",
    "build.rs",
    "gulpfile.js",
    "Gruntfile.js",
    "cli.ts",
    "cli.js",
];

/// True when the file's prints are not service output: tools, scripts,
/// migrations, seeds, configuration and front-end code.
#[must_use]
pub fn prints_do_not_count(file: &SourceFile) -> bool {
    let path = file.path.as_str();
    if is_tool_path(path) {
        return true;
    }
    let components: Vec<&str> = path.split('/').collect();
    let dirs = &components[..components.len().saturating_sub(1)];
    let js = file.kind.language().is_some_and(Language::is_js_family);
    if js {
        let next_page = dirs.windows(2).any(|w| w[0] == "pages" && w[1] != "api")
            || dirs.last() == Some(&"pages");
        let text = file.text.as_str();
        return matches!(file.kind, FileKind::Tsx)
            || path.ends_with(".jsx")
            || next_page
            || dirs.iter().any(|d| FRONTEND_DIRS.contains(d))
            || text.contains("\"use client\"")
            || text.contains("'use client'")
            || text.contains("window.")
            || text.contains("document.");
    }
    false
}

/// True for scripts, command-line entry points, migrations, seeds, build
/// scripts and tool configuration, by path: their stdout is their output.
#[must_use]
pub fn is_tool_path(path: &str) -> bool {
    let components: Vec<&str> = path.split('/').collect();
    let name = components.last().copied().unwrap_or("");
    let dirs = &components[..components.len().saturating_sub(1)];
    NON_SERVICE_FILES.contains(&name)
        || name.starts_with("seed")
        || name.contains(".config.")
        || dirs.iter().any(|d| NON_SERVICE_DIRS.contains(d))
}

/// Functions whose prints are start-up or shut-down lines, said once per
/// process.
const STARTUP_FUNCTIONS: &[&str] = &[
    "main",
    "bootstrap",
    "start",
    "startServer",
    "start_server",
    "run_server",
    "runServer",
    "serve",
    "lifespan",
    "startup",
    "on_startup",
    "shutdown",
    "on_shutdown",
    "create_app",
    "createApp",
    "init_app",
    "listen",
];

const JS_CONSOLE: &[&str] = &[
    "log", "info", "warn", "error", "debug", "trace", "dir", "table",
];
const RUST_PRINTS: &[&str] = &["println", "eprintln", "print", "eprint", "dbg"];

struct PrintVisitor<'f> {
    file: &'f SourceFile,
    language: Language,
    index: HandlerIndex,
    out: Vec<PrintCall>,
}

impl PrintVisitor<'_> {
    fn callee(&self, node: Node<'_>) -> Option<String> {
        match (self.language, node.kind()) {
            (Language::Python, "call") => {
                let callee = callee_path(self.file, self.language, node)?;
                (callee == "print").then_some(callee)
            }
            (Language::Rust, "macro_invocation") => {
                let name = node
                    .child_by_field_name("macro")
                    .map(|m| self.file.text_of(m))?;
                let last = name.rsplit("::").next().unwrap_or(name);
                let std = name == last || name.starts_with("std::");
                (std && RUST_PRINTS.contains(&last)).then(|| format!("{last}!"))
            }
            (l, "call_expression") if l.is_js_family() => {
                let callee = callee_path(self.file, self.language, node)?;
                let (object, method) = callee.split_once('.')?;
                (object == "console" && JS_CONSOLE.contains(&method)).then_some(callee)
            }
            _ => None,
        }
    }

    /// True when the code at the end of `ancestors` runs once at start-up
    /// or shut-down: a `main`-like function, `if __name__ == "__main__"`,
    /// a `listen` callback.
    fn startup(&self, ancestors: &[Node<'_>]) -> bool {
        ancestors.iter().enumerate().any(|(i, a)| {
            if is_function(self.language, a.kind()) {
                return function_name(self.file, *a, &ancestors[..i]).is_some_and(|n| {
                    STARTUP_FUNCTIONS.contains(&n.rsplit('.').next().unwrap_or(&n))
                });
            }
            match a.kind() {
                // Flask/Click/Typer commands print their output.
                "decorated_definition" => {
                    let mut cursor = a.walk();
                    let commands = a.named_children(&mut cursor).any(|d| {
                        d.kind() == "decorator" && {
                            let text = self.file.text_of(d);
                            text.contains("command")
                                || text.contains("click.")
                                || text.contains("on_event")
                        }
                    });
                    commands
                }
                "if_statement" if self.language == Language::Python => a
                    .child_by_field_name("condition")
                    .is_some_and(|c| self.file.text_of(c).contains("__name__")),
                "call_expression" if self.language.is_js_family() => {
                    callee_path(self.file, self.language, *a).is_some_and(|c| {
                        let last = c.rsplit('.').next().unwrap_or(&c);
                        last == "listen"
                            || c == "process.on"
                            || c == "process.once"
                            || (matches!(last, "on" | "once") && self.lifecycle_event(*a))
                    })
                }
                _ => false,
            }
        })
    }
}

impl PrintVisitor<'_> {
    /// `server.on('listening', …)`, `server.once('close', …)`: a handler of
    /// a once-per-process event.
    fn lifecycle_event(&self, call: Node<'_>) -> bool {
        call.child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .is_some_and(|event| {
                let name = self.file.text_of(event).trim_matches(['"', '\'', '`']);
                matches!(
                    name,
                    "listening" | "close" | "exit" | "ready" | "SIGTERM" | "SIGINT"
                )
            })
    }
}

impl<'t> TreeVisitor<'t> for PrintVisitor<'_> {
    fn enter(&mut self, node: Node<'t>, ancestors: &[Node<'t>]) {
        let Some(callee) = self.callee(node) else {
            return;
        };
        if (self.language == Language::Rust && rust_in_test_code(self.file, ancestors))
            || self.startup(ancestors)
        {
            return;
        }
        let handler = self.index.enclosing(self.file, ancestors);
        let function = ancestors
            .iter()
            .enumerate()
            .rev()
            .filter(|(_, a)| is_function(self.language, a.kind()))
            .find_map(|(i, a)| function_name(self.file, *a, &ancestors[..i]));
        // Module-level code and anonymous callbacks outside any named
        // function run at import or start-up.
        if handler.is_none() && function.is_none() {
            return;
        }
        self.out.push(PrintCall {
            callee,
            handler: handler.map(|h| h.describe()),
            function,
            location: self.file.location(node.byte_range()),
        });
    }

    fn leave(&mut self, _node: Node<'t>) {}
}

fn prints(file: &SourceFile, language: Language) -> Vec<PrintCall> {
    if prints_do_not_count(file) {
        return Vec::new();
    }
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    let mut visitor = PrintVisitor {
        file,
        language,
        index: HandlerIndex::new(file),
        out: Vec::new(),
    };
    visit(tree.root_node(), &mut visitor);
    visitor.out
}

/// The operations facts of one code file.
#[must_use]
pub fn collect(file: &SourceFile) -> Option<OperationsFacts> {
    let language = file.kind.language()?;
    let text = file.text.as_str();
    // Cheap text checks first: most files neither configure a logger,
    // tracing or metrics nor print, and need no parse here.
    let wants_signals = SIGNAL_WORDS.iter().any(|w| text.contains(w));
    let wants_prints = match language {
        Language::Python => text.contains("print("),
        Language::Rust => RUST_PRINTS.iter().any(|p| text.contains(&format!("{p}!"))),
        _ => text.contains("console."),
    };
    if !wants_signals && !wants_prints {
        return None;
    }
    file.tree()?;
    let facts = OperationsFacts {
        signals: if wants_signals {
            signals(file, language)
        } else {
            Vec::new()
        },
        prints: if wants_prints {
            prints(file, language)
        } else {
            Vec::new()
        },
    };
    (!facts.is_empty()).then_some(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(path: &str, code: &str) -> OperationsFacts {
        let kind = redflag_syntax::classify(std::path::Path::new(path)).expect("a code file");
        let file = SourceFile::new(path.into(), kind, crate::rule::unindent(code), None);
        collect(&file).unwrap_or_default()
    }

    fn kinds(f: &OperationsFacts) -> Vec<(OpsKind, String)> {
        f.signals.iter().map(|s| (s.kind, s.what.clone())).collect()
    }

    #[test]
    fn python_logging_request_ids_and_metrics() {
        let f = facts(
            "app/observability.py",
            r#"
            import logging.config
            from asgi_correlation_id import CorrelationIdMiddleware
            from prometheus_fastapi_instrumentator import Instrumentator

            logging.config.dictConfig({"formatters": {"json": {"()": "pythonjsonlogger.jsonlogger.JsonFormatter"}}})
            "#,
        );
        let found = kinds(&f);
        assert!(
            found.contains(&(
                OpsKind::StructuredLogging,
                "a JSON log formatter (`JsonFormatter`)".into()
            )),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(k, w)| *k == OpsKind::RequestId && w.contains("asgi-correlation-id")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|(k, w)| *k == OpsKind::Metrics
                    && w.contains("prometheus-fastapi-instrumentator")),
            "{found:?}"
        );
        assert!(
            !found.iter().any(|(k, _)| *k == OpsKind::TextLogging),
            "{found:?}"
        );

        let plain = facts(
            "app/main.py",
            "import logging\nlogging.basicConfig(level=logging.INFO)\n",
        );
        assert_eq!(
            kinds(&plain),
            [(
                OpsKind::TextLogging,
                "`logging.basicConfig` (plain text)".to_string()
            )]
        );
    }

    #[test]
    fn js_and_rust_loggers_are_judged_by_their_configuration() {
        let fastify = facts(
            "src/server.ts",
            "import Fastify from 'fastify';\nconst app = Fastify({ logger: true });\n",
        );
        assert_eq!(fastify.signals.len(), 2, "{:?}", kinds(&fastify));
        let quiet = facts(
            "src/server.ts",
            "import Fastify from 'fastify';\nconst app = Fastify({ logger: false });\n",
        );
        assert!(quiet.signals.is_empty(), "{:?}", kinds(&quiet));
        let winston = facts(
            "src/log.js",
            "const winston = require('winston');\nmodule.exports = winston.createLogger({ format: winston.format.simple() });\n",
        );
        assert_eq!(kinds(&winston)[0].0, OpsKind::TextLogging);
        let text = facts(
            "src/main.rs",
            "fn main() {\n    tracing_subscriber::fmt().with_target(false).init();\n}\n",
        );
        assert_eq!(kinds(&text)[0].0, OpsKind::TextLogging);
        let json = facts(
            "src/main.rs",
            "fn main() {\n    tracing_subscriber::fmt().json().init();\n}\n",
        );
        assert_eq!(kinds(&json)[0].0, OpsKind::StructuredLogging);
    }

    #[test]
    fn prints_in_functions_and_handlers_not_at_start_up() {
        let f = facts(
            "app/orders.py",
            r#"
            from fastapi import APIRouter
            router = APIRouter()
            print("loading orders")

            @router.post("/orders")
            def create_order(body: dict):
                print("creating", body)

            def charge(order):
                print("charging", order)

            def main():
                print("starting")

            @app.cli.command("seed")
            def seed():
                print("seeded")

            @app.on_event("startup")
            async def connect():
                print("connected")

            if __name__ == "__main__":
                print("run me with uvicorn")
            "#,
        );
        let found: Vec<(Option<String>, Option<String>)> = f
            .prints
            .iter()
            .map(|p| (p.handler.clone(), p.function.clone()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    Some("route handler `create_order`".into()),
                    Some("create_order".into())
                ),
                (None, Some("charge".into())),
            ]
        );
        let js = facts(
            "src/server.js",
            "const express = require('express');\nconst app = express();\napp.get('/x', (req, res) => { console.log(req.query); res.end(); });\napp.listen(3000, () => console.log('up'));\n",
        );
        assert_eq!(js.prints.len(), 1);
        assert_eq!(js.prints[0].callee, "console.log");
        let rust = facts(
            "src/main.rs",
            "async fn list() -> String {\n    println!(\"listing\");\n    String::new()\n}\nfn main() {\n    println!(\"listening\");\n}\n",
        );
        assert_eq!(rust.prints.len(), 1);
        assert!(
            facts("scripts/backfill.py", "def run():\n    print('done')\n")
                .prints
                .is_empty()
        );
        assert!(facts(
            "src/components/Cart.js",
            "export function Cart() { console.log('x'); }\n"
        )
        .prints
        .is_empty());
    }
}
