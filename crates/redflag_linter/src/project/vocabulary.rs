//! Evidence vocabularies of the service rules: what a marker on a route's
//! chain means (auth, rate limit, security headers, CORS), which paths are
//! health checks, which packages provide health endpoints, rate limiting,
//! auth or OpenAPI documents, and which images are datastores.
//!
//! Facts keep markers as written; meaning is decided here, once, with the
//! built-in lists plus what the `[services]` config section adds, so an
//! in-house `@ensure_staff` decorator or a gateway that rate-limits can be
//! declared without touching the rules.

use regex::{Regex, RegexBuilder};

/// What a marker is evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MarkerKind {
    Auth,
    /// Explicitly public (`AllowAny`, `@Public()`, `SkipAuth`).
    Public,
    RateLimit,
    SecurityHeaders,
    Cors,
}

impl MarkerKind {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            MarkerKind::Auth => "auth",
            MarkerKind::Public => "public",
            MarkerKind::RateLimit => "rate-limit",
            MarkerKind::SecurityHeaders => "security-headers",
            MarkerKind::Cors => "cors",
        }
    }
}

const AUTH: &[&str] = &[
    r"auth",
    r"login_required",
    r"jwt",
    r"passport",
    r"bearer",
    r"oauth",
    r"current_?user",
    r"permission",
    r"guard",
    r"session_required",
    r"api_?key",
    r"token_required",
    r"verify_?token",
    r"require_?(user|role|login|admin|scope)",
    r"roles?\(",
    r"has_?role",
    r"admin_required",
    r"claims",
    r"clerk",
    r"protect",
    r"authenticated",
];

const PUBLIC: &[&str] = &[
    r"allowany",
    r"\bpublic\(",
    r"is_?public",
    r"skip_?auth",
    r"no_?auth",
    r"allow_?anonymous",
];

const RATE_LIMIT: &[&str] = &[
    r"rate.?limit",
    r"limiter",
    r"throttl",
    r"governor",
    r"slow.?down",
    r"brute",
];

const SECURITY_HEADERS: &[&str] = &[
    r"helmet",
    r"talisman",
    r"secure.?headers",
    r"security.?headers",
    r"securitymiddleware",
    r"set_?header",
    r"setresponseheader",
    r"defaultheaders",
    r"shield",
    r"content.?security.?policy",
    r"\bcsp\b",
    r"hsts",
    r"strict.?transport",
];

const CORS: &[&str] = &[r"cors"];

/// Path segments that name a health check.
pub const HEALTH_SEGMENTS: &[&str] = &[
    "health",
    "healthz",
    "health_check",
    "health-check",
    "healthcheck",
    "_health",
    "__health",
    "ready",
    "readyz",
    "readiness",
    "live",
    "livez",
    "liveness",
    "alive",
    "ping",
    "status",
    "heartbeat",
];

/// Packages that serve a health endpoint by themselves.
pub const HEALTH_LIBRARIES: &[&str] = &[
    "@godaddy/terminus",
    "@nestjs/terminus",
    "express-healthcheck",
    "express-actuator",
    "fastify-healthcheck",
    "@fastify/under-pressure",
    "django-health-check",
    "fastapi-health",
    "flask-healthz",
    "healthcheck",
    "py-healthcheck",
    "aiohttp-healthcheck",
];

/// Packages that generate an OpenAPI document from code.
pub const OPENAPI_LIBRARIES: &[&str] = &[
    "@nestjs/swagger",
    "swagger-jsdoc",
    "swagger-ui-express",
    "@fastify/swagger",
    "fastify-swagger",
    "tsoa",
    "@hono/zod-openapi",
    "hono-openapi",
    "drf-spectacular",
    "drf-yasg",
    "flasgger",
    "apispec",
    "flask-smorest",
    "flask-openapi3",
    "aiohttp-apispec",
    "utoipa",
    "aide",
    "paperclip",
    "rocket_okapi",
    "okapi",
    "apistos",
];

/// Packages, by what they are evidence of, for the stack summary.
pub const LIBRARY_ROLES: &[(&str, &[&str])] = &[
    (
        "rate-limit",
        &[
            "express-rate-limit",
            "rate-limiter-flexible",
            "@nestjs/throttler",
            "@fastify/rate-limit",
            "koa-ratelimit",
            "hono-rate-limiter",
            "express-slow-down",
            "slowapi",
            "flask-limiter",
            "django-ratelimit",
            "fastapi-limiter",
            "tower_governor",
            "actix-governor",
            "governor",
        ],
    ),
    (
        "auth",
        &[
            "passport",
            "jsonwebtoken",
            "jose",
            "express-jwt",
            "@nestjs/passport",
            "@nestjs/jwt",
            "@fastify/jwt",
            "koa-jwt",
            "pyjwt",
            "python-jose",
            "authlib",
            "fastapi-users",
            "flask-login",
            "flask-jwt-extended",
            "djangorestframework-simplejwt",
            "django-allauth",
            "axum-login",
            "actix-web-httpauth",
            "oauth2",
        ],
    ),
    (
        "validation",
        &[
            "zod",
            "joi",
            "yup",
            "class-validator",
            "express-validator",
            "celebrate",
            "ajv",
            "pydantic",
            "marshmallow",
            "cerberus",
            "validator",
            "garde",
        ],
    ),
    (
        "logging",
        &[
            "pino",
            "pino-http",
            "winston",
            "bunyan",
            "morgan",
            "structlog",
            "python-json-logger",
            "loguru",
            "tracing-subscriber",
            "env_logger",
            "log4rs",
            "slog",
        ],
    ),
    (
        "metrics",
        &[
            "prom-client",
            "express-prom-bundle",
            "prometheus-client",
            "prometheus-fastapi-instrumentator",
            "django-prometheus",
            "prometheus",
            "metrics-exporter-prometheus",
            "actix-web-prom",
            "axum-prometheus",
        ],
    ),
    (
        "tracing",
        &[
            "@opentelemetry/api",
            "@opentelemetry/sdk-node",
            "dd-trace",
            "opentelemetry-api",
            "opentelemetry-sdk",
            "ddtrace",
            "sentry-sdk",
            "@sentry/node",
            "opentelemetry",
            "tracing-opentelemetry",
            "sentry",
        ],
    ),
    (
        "security-headers",
        &[
            "helmet",
            "@fastify/helmet",
            "koa-helmet",
            "flask-talisman",
            "secure",
        ],
    ),
];

/// Datastores by the packages and images that reveal them.
pub const DATASTORES: &[(&str, &[&str])] = &[
    (
        "postgresql",
        &[
            "pg",
            "postgres",
            "psycopg2",
            "psycopg2-binary",
            "psycopg",
            "asyncpg",
            "tokio-postgres",
            "postgis",
        ],
    ),
    (
        "mysql",
        &[
            "mysql",
            "mysql2",
            "pymysql",
            "mysqlclient",
            "aiomysql",
            "mariadb",
        ],
    ),
    (
        "sqlite",
        &["sqlite3", "better-sqlite3", "rusqlite", "aiosqlite"],
    ),
    (
        "mongodb",
        &["mongodb", "mongoose", "pymongo", "motor", "mongo"],
    ),
    ("redis", &["redis", "ioredis", "aioredis", "fred", "valkey"]),
    (
        "kafka",
        &[
            "kafkajs",
            "kafka-python",
            "aiokafka",
            "confluent-kafka",
            "rdkafka",
            "kafka",
            "cp-kafka",
        ],
    ),
    (
        "rabbitmq",
        &["amqplib", "pika", "aio-pika", "lapin", "rabbitmq"],
    ),
    (
        "elasticsearch",
        &["@elastic/elasticsearch", "elasticsearch", "opensearch"],
    ),
    ("memcached", &["memcached", "pymemcache"]),
];

/// The compiled vocabularies and the `[services]` settings.
#[derive(Debug, Clone)]
pub struct ServiceSettings {
    kinds: Vec<(MarkerKind, Regex)>,
    pub health_paths: Vec<String>,
    pub health_libraries: Vec<String>,
    pub rate_limit_at_gateway: bool,
    pub auth_at_gateway: bool,
    pub security_headers_at_gateway: bool,
    /// `(method, glob)`; method `None` for any.
    pub public_routes: Vec<(Option<String>, globset::GlobMatcher)>,
    pub path_case: PathCase,
    pub path_case_exceptions: Vec<String>,
}

/// A URL path naming convention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathCase {
    Kebab,
    Snake,
    Camel,
    Any,
}

impl PathCase {
    /// Parses a config value.
    ///
    /// # Errors
    /// The accepted values, when `name` is none of them.
    pub fn parse(name: &str) -> Result<PathCase, String> {
        match name {
            "kebab-case" => Ok(PathCase::Kebab),
            "snake_case" => Ok(PathCase::Snake),
            "camelCase" => Ok(PathCase::Camel),
            "any" => Ok(PathCase::Any),
            other => Err(format!(
                "`{other}` is not a path convention: use `kebab-case`, `snake_case`, `camelCase` or `any`"
            )),
        }
    }

    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            PathCase::Kebab => "kebab-case",
            PathCase::Snake => "snake_case",
            PathCase::Camel => "camelCase",
            PathCase::Any => "any",
        }
    }
}

/// Extra vocabulary from the configuration.
#[derive(Debug, Clone, Default)]
pub struct ServiceConfigInput {
    pub health_paths: Vec<String>,
    pub health_libraries: Vec<String>,
    pub auth_markers: Vec<String>,
    pub rate_limit_markers: Vec<String>,
    pub security_header_markers: Vec<String>,
    pub rate_limit_at_gateway: bool,
    pub auth_at_gateway: bool,
    pub security_headers_at_gateway: bool,
    pub public_routes: Vec<String>,
    pub path_case: Option<String>,
    pub path_case_exceptions: Vec<String>,
}

fn compile(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .map_err(|e| format!("`{pattern}`: {e}"))
}

impl Default for ServiceSettings {
    fn default() -> Self {
        ServiceSettings::new(&ServiceConfigInput::default()).expect("built-in vocabularies compile")
    }
}

impl ServiceSettings {
    /// The built-in vocabularies extended by the configuration.
    ///
    /// # Errors
    /// A message naming the key and the bad entry.
    pub fn new(config: &ServiceConfigInput) -> Result<ServiceSettings, String> {
        let mut kinds = Vec::new();
        let lists: [(MarkerKind, &[&str], &[String], &str); 5] = [
            (MarkerKind::Public, PUBLIC, &[], ""),
            (MarkerKind::Auth, AUTH, &config.auth_markers, "auth-markers"),
            (
                MarkerKind::RateLimit,
                RATE_LIMIT,
                &config.rate_limit_markers,
                "rate-limit-markers",
            ),
            (
                MarkerKind::SecurityHeaders,
                SECURITY_HEADERS,
                &config.security_header_markers,
                "security-header-markers",
            ),
            (MarkerKind::Cors, CORS, &[], ""),
        ];
        for (kind, builtin, extra, key) in lists {
            for pattern in builtin {
                kinds.push((kind, compile(pattern)?));
            }
            for pattern in extra {
                kinds.push((
                    kind,
                    compile(pattern).map_err(|e| format!("key `services.{key}`: {e}"))?,
                ));
            }
        }
        let mut public_routes = Vec::new();
        for entry in &config.public_routes {
            let (method, glob) = match entry.split_once(' ') {
                Some((method, glob)) => (Some(method.to_ascii_uppercase()), glob.trim()),
                None => (None, entry.as_str()),
            };
            let matcher = globset::GlobBuilder::new(glob)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("key `services.public-routes`: `{entry}`: {e}"))?
                .compile_matcher();
            public_routes.push((method, matcher));
        }
        let path_case = match &config.path_case {
            Some(name) => {
                PathCase::parse(name).map_err(|e| format!("key `services.path-case`: {e}"))?
            }
            None => PathCase::Kebab,
        };
        Ok(ServiceSettings {
            kinds,
            health_paths: config.health_paths.clone(),
            health_libraries: config.health_libraries.clone(),
            rate_limit_at_gateway: config.rate_limit_at_gateway,
            auth_at_gateway: config.auth_at_gateway,
            security_headers_at_gateway: config.security_headers_at_gateway,
            public_routes,
            path_case,
            path_case_exceptions: config.path_case_exceptions.clone(),
        })
    }

    /// What a marker is evidence of (possibly several things, possibly
    /// nothing). An explicitly public marker is never auth; a throttler
    /// guard is a rate limit, not auth.
    #[must_use]
    pub fn classify(&self, marker: &str) -> Vec<MarkerKind> {
        let lowered = marker.to_ascii_lowercase();
        // `UseGuards(…)` says nothing by itself: the guards inside do.
        let without_throttler = lowered
            .replace("throttlerguard", "")
            .replace("useguards", "")
            .replace("useglobalguards", "");
        let mut found: Vec<MarkerKind> = Vec::new();
        for (kind, regex) in &self.kinds {
            if found.contains(kind) {
                continue;
            }
            let text = if *kind == MarkerKind::Auth {
                &without_throttler
            } else {
                &lowered
            };
            if regex.is_match(text) {
                found.push(*kind);
            }
        }
        if found.contains(&MarkerKind::Public) {
            found.retain(|k| *k != MarkerKind::Auth);
        }
        found
    }

    /// True when one of `markers` is evidence of `kind`.
    #[must_use]
    pub fn any_marker(&self, markers: &[String], kind: MarkerKind) -> bool {
        markers.iter().any(|m| self.classify(m).contains(&kind))
    }

    /// True when `path` is a health check: its last meaningful segments
    /// (after `api` and version segments) name one.
    #[must_use]
    pub fn is_health_path(&self, path: &str) -> bool {
        let trimmed = path.trim_end_matches('/');
        if self
            .health_paths
            .iter()
            .any(|p| p.trim_end_matches('/') == trimmed)
        {
            return true;
        }
        let segments: Vec<&str> = path
            .split('/')
            .filter(|s| !s.is_empty() && *s != "-" && *s != "api" && !is_version_segment(s))
            .collect();
        match segments.as_slice() {
            [first] | [first, _] => HEALTH_SEGMENTS.contains(&first.to_ascii_lowercase().as_str()),
            _ => false,
        }
    }

    /// True when a route is on the public allow-list.
    #[must_use]
    pub fn is_public_route(&self, method: &str, path: &str) -> bool {
        self.public_routes
            .iter()
            .any(|(m, glob)| m.as_deref().is_none_or(|m| m == method) && glob.is_match(path))
    }

    /// True when a package serves a health endpoint.
    #[must_use]
    pub fn is_health_library(&self, package: &str) -> bool {
        HEALTH_LIBRARIES.contains(&package) || self.health_libraries.iter().any(|p| p == package)
    }
}

/// `v1`, `v2`, `v1.2`, `v2beta`, `2024-01-01`.
#[must_use]
pub fn is_version_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix('v') {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        return digits > 0
            && rest[digits..]
                .chars()
                .all(|c| c == '.' || c.is_ascii_digit() || c.is_ascii_alphabetic());
    }
    lower.len() == 10
        && lower.chars().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// The datastore a package or image reveals.
#[must_use]
pub fn datastore_of(package_or_image: &str) -> Option<&'static str> {
    let base = package_or_image
        .rsplit('/')
        .next()
        .unwrap_or(package_or_image)
        .split([':', '@'])
        .next()
        .unwrap_or("");
    let full = package_or_image.split(':').next().unwrap_or("");
    DATASTORES
        .iter()
        .find(|(_, names)| names.contains(&base) || names.contains(&full))
        .map(|(store, _)| *store)
}

/// The roles of a package (`rate-limit`, `auth`, …).
#[must_use]
pub fn library_roles(package: &str) -> Vec<&'static str> {
    LIBRARY_ROLES
        .iter()
        .filter(|(_, names)| names.contains(&package))
        .map(|(role, _)| *role)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_classified() {
        let s = ServiceSettings::default();
        assert_eq!(
            s.classify("passport.authenticate('jwt', { session: false })"),
            [MarkerKind::Auth]
        );
        assert_eq!(s.classify("Depends(get_current_user)"), [MarkerKind::Auth]);
        assert_eq!(
            s.classify("UseGuards(ThrottlerGuard)"),
            [MarkerKind::RateLimit]
        );
        assert_eq!(
            s.classify("permission_classes = [AllowAny]"),
            [MarkerKind::Public]
        );
        assert_eq!(
            s.classify("limiter.limit(\"5/minute\")"),
            [MarkerKind::RateLimit]
        );
        assert_eq!(s.classify("helmet()"), [MarkerKind::SecurityHeaders]);
        assert_eq!(
            s.classify("security_headers"),
            [MarkerKind::SecurityHeaders]
        );
        assert!(s.classify("express.json({ limit: '1mb' })").is_empty());
        assert!(s.classify("TraceLayer::new_for_http()").is_empty());
    }

    #[test]
    fn configured_markers_and_public_routes() {
        let s = ServiceSettings::new(&ServiceConfigInput {
            auth_markers: vec!["ensure_staff".into()],
            public_routes: vec!["POST /webhooks/*".into(), "/public/**".into()],
            ..ServiceConfigInput::default()
        })
        .unwrap();
        assert_eq!(s.classify("ensure_staff"), [MarkerKind::Auth]);
        assert!(s.is_public_route("POST", "/webhooks/stripe"));
        assert!(!s.is_public_route("DELETE", "/webhooks/stripe"));
        assert!(s.is_public_route("GET", "/public/a/b"));
        assert!(ServiceSettings::new(&ServiceConfigInput {
            auth_markers: vec!["(".into()],
            ..ServiceConfigInput::default()
        })
        .unwrap_err()
        .contains("services.auth-markers"));
    }

    #[test]
    fn health_paths() {
        let s = ServiceSettings::default();
        for path in [
            "/health",
            "/healthz",
            "/api/v1/health",
            "/health/ready",
            "/_health",
            "/readyz",
            "/ping",
        ] {
            assert!(s.is_health_path(path), "{path}");
        }
        for path in [
            "/orders/:id/status",
            "/users",
            "/api/v1/orders/status/today",
        ] {
            assert!(!s.is_health_path(path), "{path}");
        }
    }

    #[test]
    fn versions_and_datastores() {
        for v in ["v1", "V2", "v1.1", "v2beta", "2024-01-01"] {
            assert!(is_version_segment(v), "{v}");
        }
        for v in ["users", "vendors", "v", "va"] {
            assert!(!is_version_segment(v), "{v}");
        }
        assert_eq!(datastore_of("postgres:16-alpine"), Some("postgresql"));
        assert_eq!(datastore_of("bitnami/redis:7"), Some("redis"));
        assert_eq!(datastore_of("asyncpg"), Some("postgresql"));
        assert_eq!(datastore_of("acme/orders:1.2"), None);
    }
}
