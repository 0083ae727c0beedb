//! `https-not-enforced`: places where a service or its clients accept plain
//! HTTP or unencrypted database connections.
//!
//! Four readings of one file each, all per file so that a finding points at
//! the line to change: a production Django settings module that never
//! redirects to HTTPS, a Kubernetes Ingress without TLS, an OpenAPI spec
//! that publishes an `http://` server, and a Postgres connection that turns
//! TLS off (`sslmode=disable`). Local hosts are left alone: a laptop or a
//! compose network is not where traffic gets sniffed.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::{deploy, openapi};
use crate::rule::{Diagnostic, FileContext, Rule, RuleMeta};
use crate::semantics::paths::is_dev_settings;
use crate::semantics::paths::is_test_or_example;
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(HttpsNotEnforced { meta: meta() })
}

struct HttpsNotEnforced {
    meta: RuleMeta,
}

/// What a host name says about where the traffic goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Host {
    /// Loopback, `*.local`, `host.docker.internal`: never leaves the machine
    /// or the developer's network.
    Loopback,
    /// A name without dots: a docker-compose service or a Kubernetes
    /// Service in the same namespace.
    ServiceName,
    /// A real host name or address.
    Remote,
    /// Templated or missing: the deployment decides.
    Unknown,
}

fn classify_host(host: &str) -> Host {
    let host = host.trim().trim_start_matches('[').to_ascii_lowercase();
    let host = host.split(']').next().unwrap_or(&host);
    let host = if host.matches(':').count() == 1 {
        host.split(':').next().unwrap_or(host)
    } else {
        host
    };
    if host.is_empty() || host.contains(['{', '$', '%', '<']) {
        return Host::Unknown;
    }
    if matches!(
        host,
        "localhost" | "0.0.0.0" | "::1" | "host.docker.internal"
    ) || host.starts_with("127.")
        || host.ends_with(".local")
        || host.ends_with(".localhost")
    {
        return Host::Loopback;
    }
    if !host.contains('.') {
        return Host::ServiceName;
    }
    Host::Remote
}

/// The host of a URL (`scheme://user:pass@host:port/path`).
fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.rsplit('@').next().unwrap_or(authority)
}

// -------------------------------------------------------- Postgres DSNs

/// Compose files and `.env` files describe a development stack.
fn is_dev_stack_file(file: &SourceFile) -> bool {
    let name = file
        .path
        .rsplit('/')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    file.kind == FileKind::Env
        || name.starts_with("docker-compose")
        || name.starts_with("compose.")
        || name.starts_with("compose-")
        || name.contains(".dev.")
        || name.contains(".local.")
        || name.contains("development")
}

/// A Postgres TLS switch turned off on one line.
struct SslOff {
    /// Byte range of the setting (`sslmode=disable`).
    range: std::ops::Range<usize>,
    setting: String,
    host: Host,
    host_text: String,
}

/// Finds `sslmode=disable|allow`, `ssl=false` in Postgres URLs and
/// key/value DSNs, `"sslmode": "disable"` in option maps and
/// `PGSSLMODE=disable` in environments.
fn ssl_off_settings(file: &SourceFile) -> Vec<SslOff> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') || trimmed.starts_with("//") || trimmed.starts_with("--") {
            continue;
        }
        let lower = line.to_ascii_lowercase();
        if !lower.contains("ssl") {
            continue;
        }
        let postgres_url = [
            "postgres://",
            "postgresql://",
            "postgresql+",
            "postgis://",
            "jdbc:postgresql://",
        ]
        .iter()
        .filter_map(|scheme| lower.find(scheme))
        .min();
        let mut search = 0;
        while let Some(at) = lower[search..].find("ssl").map(|i| i + search) {
            search = at + 3;
            let Some(len) = ssl_off_at(&lower[at..], postgres_url.is_some()) else {
                continue;
            };
            let before = &lower[..at];
            // `PGSSLMODE` names no host; a URL or `host=` on the line does.
            let host_text = if let Some(url_at) = postgres_url.filter(|u| *u < at) {
                url_host(&line[url_at..at]).to_string()
            } else if let Some(host_at) = before.rfind("host=") {
                line[host_at + 5..at]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_matches(['\'', '"', ';'])
                    .to_string()
            } else {
                String::new()
            };
            let host = classify_host(&host_text);
            // Show `PGSSLMODE=disable` whole.
            let from = if before.ends_with("pg") { at - 2 } else { at };
            found.push(SslOff {
                range: start + from..start + at + len,
                setting: line[from..at + len].to_string(),
                host,
                host_text,
            });
        }
    }
    found
}

/// The length of a TLS-off setting starting at `text` (lower case), if
/// there is one.
fn ssl_off_at(text: &str, postgres_on_line: bool) -> Option<usize> {
    // `sslmode=disable`, `sslmode: disable`, `"sslmode": "disable"`,
    // `PGSSLMODE=disable` (the prefix is before `text`).
    if let Some(rest) = text.strip_prefix("sslmode") {
        // `PgSslMode::Disable` is an enum path (its definition, a match
        // arm in a driver), not a connection setting.
        if rest.starts_with("::") {
            return None;
        }
        let value = rest.trim_start_matches(['"', '\'', ' ', ':', '=', '\t']);
        for mode in ["disable", "allow"] {
            if value.starts_with(mode) {
                let len = text.len() - value.len() + mode.len();
                return Some(len);
            }
        }
        return None;
    }
    // `ssl=false` only inside a Postgres URL: other drivers use the word too.
    if postgres_on_line {
        if let Some(rest) = text.strip_prefix("ssl=") {
            if rest.starts_with("false") || rest.starts_with('0') {
                return Some(4 + if rest.starts_with('0') { 1 } else { 5 });
            }
        }
    }
    None
}

fn check_dsns(file: &SourceFile, ctx: &mut FileContext<'_>) {
    let text = &file.text;
    if !(text.contains("sslmode")
        || text.contains("SSLMODE")
        || text.contains("sslMode")
        || text.contains("ssl=false"))
    {
        return;
    }
    let dev_stack = is_dev_stack_file(file);
    for off in ssl_off_settings(file) {
        let confidence = match off.host {
            Host::Loopback => continue,
            Host::ServiceName if dev_stack => continue,
            Host::ServiceName => Confidence::Low,
            Host::Unknown => Confidence::Medium,
            Host::Remote => Confidence::High,
        };
        let target = if off.host_text.is_empty() {
            "the database".to_string()
        } else {
            format!("`{}`", off.host_text)
        };
        ctx.report(
            Diagnostic::new(
                off.range.clone(),
                format!(
                    "`{}` lets the Postgres connection to {target} run without TLS: queries, results and the password can cross the network in clear text",
                    off.setting
                ),
            )
            .help("use `sslmode=require` (or `verify-full` with the server's CA via `sslrootcert`) for any database that is not on localhost; managed Postgres (RDS, Cloud SQL, Azure) supports TLS out of the box")
            .with_confidence(confidence),
        );
    }
}

// ------------------------------------------------------ Django settings

/// The top-level `NAME = value` of a Python module: value text and range.
fn top_level_setting<'a>(
    file: &'a SourceFile,
    name: &str,
) -> Option<(&'a str, std::ops::Range<usize>)> {
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let Some(rest) = line.strip_prefix(name) else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(value) = rest.strip_prefix('=').filter(|v| !v.starts_with('=')) else {
            continue;
        };
        // A trailing comment is not part of the value.
        let value = value.split(" #").next().unwrap_or(value);
        return Some((value.trim(), start..start + line.trim_end().len()));
    }
    None
}

/// How a settings module reads by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SettingsRole {
    /// `settings.py`, `settings/production.py`, `prod_settings.py`: what
    /// the deployment runs.
    Production,
    /// `settings/base.py`, `common.py`: shared by every environment; the
    /// production overlay decides the redirect.
    Base,
}

fn settings_role(path: &str) -> Option<SettingsRole> {
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or("");
    let parent = parts.next().unwrap_or("");
    let stem = name.strip_suffix(".py")?;
    let words: Vec<&str> = stem.split(['_', '-']).collect();
    let production = |w: &&str| matches!(*w, "production" | "prod" | "live" | "deploy" | "staging");
    if stem == "settings" || (stem.contains("settings") && words.iter().any(production)) {
        return Some(SettingsRole::Production);
    }
    if parent == "settings" || (parent == "config" && stem.contains("settings")) {
        if words.iter().any(production) {
            return Some(SettingsRole::Production);
        }
        if matches!(stem, "base" | "common" | "defaults" | "default") {
            return Some(SettingsRole::Base);
        }
    }
    None
}

fn check_django_settings(file: &SourceFile, ctx: &mut FileContext<'_>) {
    let Some(role) = settings_role(&file.path) else {
        return;
    };
    let text = &file.text;
    let django = ["ALLOWED_HOSTS", "MIDDLEWARE", "INSTALLED_APPS", "django"]
        .iter()
        .any(|w| text.contains(w));
    if !django || is_dev_settings(&file.path, &file.text) {
        return;
    }
    if let Some((value, range)) = top_level_setting(file, "SECURE_SSL_REDIRECT") {
        if value == "False" {
            ctx.report(
                Diagnostic::new(
                    range,
                    "`SECURE_SSL_REDIRECT = False` in production settings: Django answers plain-HTTP requests instead of redirecting them to HTTPS",
                )
                .help("set `SECURE_SSL_REDIRECT = True` (behind a TLS-terminating proxy together with `SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")`), or read it from the environment if the proxy already redirects")
                .with_confidence(Confidence::Medium),
            );
        }
        return;
    }
    // The production overlay of a split settings package decides; so does
    // a proxy that sends HSTS on the service's behalf.
    if role == SettingsRole::Base {
        return;
    }
    if top_level_setting(file, "SECURE_HSTS_SECONDS").is_some_and(|(v, _)| v != "0") {
        return;
    }
    // A settings fragment without a middleware or app list is not the
    // module a deployment runs.
    let anchor = ["MIDDLEWARE", "INSTALLED_APPS"]
        .iter()
        .find_map(|name| top_level_setting(file, name));
    let Some((_, range)) = anchor else {
        return;
    };
    let start = range.start;
    let end = file.text[start..]
        .find(['\n', '['])
        .map_or(range.end, |i| start + i)
        .min(range.end);
    ctx.report(
        Diagnostic::new(
            start..end,
            "production settings never set `SECURE_SSL_REDIRECT = True` (nor `SECURE_HSTS_SECONDS`): unless a proxy in front redirects, the site and its session cookies are served over plain HTTP",
        )
        .help("add `SECURE_SSL_REDIRECT = True` and `SECURE_HSTS_SECONDS` to production settings; behind a TLS-terminating proxy also set `SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", \"https\")`")
        .with_confidence(Confidence::Low),
    );
}

// ------------------------------------------------------------ Ingresses

/// Annotations with which an ingress controller or cloud load balancer
/// terminates TLS or redirects to HTTPS without a `tls:` section.
fn forces_https(annotations: &[(String, String)]) -> bool {
    annotations.iter().any(|(key, value)| {
        let key = key.to_ascii_lowercase();
        let value = value.to_ascii_lowercase();
        let on = !matches!(value.as_str(), "false" | "0" | "");
        // ingress-nginx's plain `ssl-redirect` only acts when the Ingress
        // has TLS; `force-ssl-redirect` and the cloud controllers' do not.
        (key.ends_with("ssl-redirect") && key != "nginx.ingress.kubernetes.io/ssl-redirect" && on)
            || key.ends_with("certificate-arn")
            || key.ends_with("managed-certificates")
            || key.ends_with("pre-shared-cert")
            || key.ends_with("appgw-ssl-certificate")
            || (key.ends_with("router.tls") && on)
            || (key.ends_with("router.entrypoints") && value.contains("websecure"))
            || (key.ends_with("ingress.allow-http") && value == "false")
            || (key.ends_with("listen-ports") && value.contains("https"))
    })
}

fn check_ingresses(file: &SourceFile, ctx: &mut FileContext<'_>) {
    if !file.text.contains("Ingress") {
        return;
    }
    let Some(facts) = deploy::collect(file) else {
        return;
    };
    for ingress in &facts.ingresses {
        if ingress.tls || forces_https(&ingress.annotations) {
            continue;
        }
        ctx.report(
            Diagnostic::new(
                ingress.location.range.clone(),
                format!(
                    "Ingress `{}` has no `tls:` section and no annotation that makes the controller redirect to HTTPS: it serves its routes over plain HTTP",
                    ingress.name
                ),
            )
            .help("add `spec.tls` with the hosts and a certificate secret (cert-manager can issue it), or the controller's redirect annotation (`nginx.ingress.kubernetes.io/force-ssl-redirect: \"true\"`, `alb.ingress.kubernetes.io/ssl-redirect: \"443\"`) when TLS ends at a load balancer"),
        );
    }
}

// -------------------------------------------------------- OpenAPI specs

/// Swagger 2 names its transport in `schemes:`; `[http]` alone means
/// plain HTTP to the `host`.
fn check_swagger_schemes(file: &SourceFile, ctx: &mut FileContext<'_>) {
    let value: Option<serde_json::Value> = match file.kind {
        FileKind::Json => serde_json::from_str(&file.text).ok(),
        _ => serde_saphyr::from_str(&file.text).ok(),
    };
    let Some(value) = value else {
        return;
    };
    let schemes: Vec<&str> = value["schemes"]
        .as_array()
        .map(|list| list.iter().filter_map(|s| s.as_str()).collect())
        .unwrap_or_default();
    if schemes.is_empty() || schemes.iter().any(|s| s.eq_ignore_ascii_case("https")) {
        return;
    }
    let Some(host) = value["host"].as_str() else {
        return;
    };
    if classify_host(host) != Host::Remote || !schemes.contains(&"http") {
        return;
    }
    let Some(at) = file.text.find("schemes") else {
        return;
    };
    let end = file.text[at..]
        .find('\n')
        .map_or(file.text.len(), |i| at + i);
    ctx.report(
        Diagnostic::new(
            at..end,
            format!("the spec serves `{host}` over `http` only (`schemes: [http]`): clients generated from it send credentials and data unencrypted"),
        )
        .help("list `https` in `schemes` (and drop `http` unless a local development host needs it)"),
    );
}

fn check_openapi(file: &SourceFile, ctx: &mut FileContext<'_>) {
    let swagger_http = file.text.contains("swagger") && file.text.contains("schemes");
    if !file.text.contains("http://") && !swagger_http {
        return;
    }
    let Some(spec) = openapi::collect(file) else {
        return;
    };
    if swagger_http && spec.version.starts_with('2') {
        check_swagger_schemes(file, ctx);
    }
    let mut searched = 0;
    for server in &spec.servers {
        let Some(url) = server.strip_prefix("http://") else {
            continue;
        };
        if classify_host(url_host(url)) != Host::Remote {
            continue;
        }
        let Some(at) = file.text[searched..]
            .find(server.as_str())
            .map(|i| i + searched)
        else {
            continue;
        };
        searched = at + server.len();
        ctx.report(
            Diagnostic::new(
                at..at + server.len(),
                format!(
                    "the spec publishes the server `{server}` over plain HTTP: clients generated from it send credentials and data unencrypted"
                ),
            )
            .help("list the `https://` URL of the server; keep `http://` only for `localhost` development servers"),
        );
    }
}

impl Rule for HttpsNotEnforced {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn file_kinds(&self) -> Vec<FileKind> {
        vec![
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
            FileKind::Rust,
            FileKind::Yaml,
            FileKind::Json,
            FileKind::Toml,
            FileKind::Env,
            FileKind::Dockerfile,
            FileKind::Text,
        ]
    }

    fn check_file(&self, file: &SourceFile, ctx: &mut FileContext<'_>) {
        // Of the plain-text files, only configuration (`alembic.ini`,
        // `pgbouncer.conf`, `.properties`): prose shows DSNs as examples.
        if file.kind == FileKind::Text {
            let name = file.path.rsplit('/').next().unwrap_or("");
            let config = [".ini", ".conf", ".cfg", ".properties"]
                .iter()
                .any(|e| name.ends_with(e));
            if !config {
                return;
            }
        }
        check_dsns(file, ctx);
        match file.kind {
            FileKind::Python => check_django_settings(file, ctx),
            FileKind::Yaml => {
                check_ingresses(file, ctx);
                check_openapi(file, ctx);
            }
            FileKind::Json => check_openapi(file, ctx),
            _ => {}
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds places where HTTPS or database TLS is not enforced:

- Django production settings (`settings.py`, `settings/production.py`,
  `prod_settings.py`, `settings/staging.py`; no top-level `DEBUG = True`)
  with `SECURE_SSL_REDIRECT = False` (medium confidence), or — when the
  module has its `MIDDLEWARE`/`INSTALLED_APPS` list — without
  `SECURE_SSL_REDIRECT` and without `SECURE_HSTS_SECONDS` (low confidence:
  many deployments redirect at a TLS-terminating proxy instead).
  A shared `settings/base.py` is only judged on an explicit `False`; its
  production overlay decides the rest. Development settings
  (`settings/dev.py`, `local.py`, `test.py`) are skipped.
- Kubernetes Ingresses without a `tls:` section, unless an annotation makes
  the controller or cloud load balancer serve HTTPS or redirect to it
  (nginx `ssl-redirect`/`force-ssl-redirect`, AWS ALB `certificate-arn` /
  `ssl-redirect`, GKE managed or pre-shared certificates and
  `allow-http: "false"`, Traefik `router.tls` or the `websecure` entry point,
  Azure Application Gateway).
- OpenAPI/Swagger specs that list an `http://` server (or, in Swagger 2,
  `schemes: [http]` without `https`) for a host that is not local (`localhost`, `127.0.0.1`, `0.0.0.0`, `*.local`, a name without
  dots such as a compose service, and templated hosts are left alone).
- Postgres connections with TLS off: `sslmode=disable` or `sslmode=allow`
  in URLs, key/value DSNs and option maps (`"sslmode": "disable"`),
  `PGSSLMODE=disable`, and `ssl=false` in a Postgres URL, in code,
  configuration, `.env` files and Dockerfiles. A loopback database host is
  never reported; a compose service name only outside compose and `.env`
  files (low confidence); a templated host with medium confidence.

## Why it matters
Checklist TASK-3.4 (HTTPS enforced with proper certificate management) and
SCOPE-4.5 (data encrypted in transit). Whatever crosses the network in clear
text — session cookies, bearer tokens, personal data, database passwords and
query results — can be read and altered by anyone on the path: a shared
Wi-Fi, a compromised node, a misrouted VPC peering.

## Example
```python
# config/settings/production.py
SECURE_SSL_REDIRECT = False
DATABASES = {"default": env.db("DATABASE_URL")}
```

```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: orders
spec:
  rules:
    - host: orders.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: { name: orders, port: { number: 80 } }
```

```env
DATABASE_URL=postgres://orders:${DB_PASSWORD}@orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=disable
```

## Use instead
```python
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
```

```yaml
spec:
  tls:
    - hosts: [orders.example.com]
      secretName: orders-tls
```

```env
DATABASE_URL=postgres://orders:${DB_PASSWORD}@orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full
```

## Configuration
No options. When a proxy redirects to HTTPS for a Django service, suppress
the settings finding with a reason that names the proxy.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("https-not-enforced", "TASK-3.4")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("HTTPS or database TLS is not enforced: Django without an HTTPS redirect, an Ingress without TLS, an `http://` server in a spec, or `sslmode=disable`.")
        .kinds(&[
            FileKind::Python,
            FileKind::Yaml,
            FileKind::Env,
            FileKind::TypeScript,
            FileKind::Rust,
        ])
        .tags(&["security", "tls", "transport"])
        .cwe(&["CWE-319", "CWE-311"])
        .security_severity(5.9)
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "config/settings/production.py",
            r#"
            from .base import *  # noqa

            DEBUG = False
            ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["shop.example.com"])
            SECURE_SSL_REDIRECT = False
            SESSION_COOKIE_SECURE = True
            "#,
            1,
        )
        .invalid_at(
            FileKind::Python,
            "mysite/settings.py",
            r#"
            import os

            SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
            DEBUG = os.environ.get("DJANGO_DEBUG") == "1"
            ALLOWED_HOSTS = ["shop.example.com"]

            MIDDLEWARE = [
                "django.middleware.security.SecurityMiddleware",
                "django.contrib.sessions.middleware.SessionMiddleware",
            ]
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "config/settings/production.py",
            r#"
            from .base import *  # noqa

            DEBUG = False
            ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
            SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
            SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
            SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
            "#,
        )
        .valid_at(
            FileKind::Python,
            "config/settings/base.py",
            r#"
            INSTALLED_APPS = ["django.contrib.auth", "shop"]
            MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
            ALLOWED_HOSTS = []
            "#,
        )
        .valid_at(
            FileKind::Python,
            "config/settings/local.py",
            r#"
            from .base import *  # noqa

            DEBUG = True
            ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
            SECURE_SSL_REDIRECT = False
            "#,
        )
        .invalid_at(
            FileKind::Yaml,
            "deploy/k8s/ingress.yaml",
            r#"
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: orders
              annotations:
                nginx.ingress.kubernetes.io/proxy-body-size: "8m"
            spec:
              ingressClassName: nginx
              rules:
                - host: orders.example.com
                  http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: orders
                            port:
                              number: 80
            "#,
            1,
        )
        .valid_at(
            FileKind::Yaml,
            "deploy/k8s/ingress.yaml",
            r#"
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: orders
              annotations:
                cert-manager.io/cluster-issuer: letsencrypt
            spec:
              ingressClassName: nginx
              tls:
                - hosts: [orders.example.com]
                  secretName: orders-tls
              rules:
                - host: orders.example.com
                  http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: orders
                            port:
                              number: 80
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: billing
              annotations:
                alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:eu-west-1:123456789012:certificate/abc
                alb.ingress.kubernetes.io/ssl-redirect: "443"
            spec:
              ingressClassName: alb
              rules:
                - http:
                    paths:
                      - path: /
                        pathType: Prefix
                        backend:
                          service:
                            name: billing
                            port:
                              number: 80
            "#,
        )
        .invalid_at(
            FileKind::Yaml,
            "api/openapi.yaml",
            r#"
            openapi: 3.0.3
            info:
              title: Orders
              version: 1.0.0
            servers:
              - url: http://api.orders.example.com/v1
              - url: http://localhost:8080/v1
            paths: {}
            "#,
            1,
        )
        .valid_at(
            FileKind::Yaml,
            "api/openapi.yaml",
            r#"
            openapi: 3.0.3
            info:
              title: Orders
              version: 1.0.0
            servers:
              - url: https://api.orders.example.com/v1
              - url: http://localhost:8080/v1
                description: local development
            paths: {}
            "#,
        )
        .invalid_at(
            FileKind::Env,
            "deploy/production.env",
            r#"
            DATABASE_URL=postgres://orders:${DB_PASSWORD}@orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=disable
            "#,
            1,
        )
        .valid_at(
            FileKind::Env,
            "deploy/production.env",
            r#"
            DATABASE_URL=postgres://orders:${DB_PASSWORD}@orders.cluster-abc.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full&sslrootcert=/etc/ssl/rds-ca.pem
            "#,
        )
        .valid_at(
            FileKind::Env,
            ".env",
            r#"
            DATABASE_URL=postgres://orders:orders@db:5432/orders?sslmode=disable
            "#,
        )
        .invalid_at(
            FileKind::Python,
            "app/db.py",
            r#"
            from sqlalchemy import create_engine

            engine = create_engine(
                "postgresql+psycopg2://app@db.prod.internal.example.com/orders?sslmode=disable",
                pool_pre_ping=True,
            )
            "#,
            1,
        )
        .invalid_at(
            FileKind::TypeScript,
            "src/db.ts",
            r#"
            import { Pool } from "pg";

            export const pool = new Pool({
              connectionString: `postgres://app:${process.env.DB_PASSWORD}@${process.env.DB_HOST}:5432/orders?sslmode=disable`,
            });
            "#,
            1,
        )
        .valid_at(
            FileKind::TypeScript,
            "src/db.ts",
            r#"
            import { Pool } from "pg";

            export const pool = new Pool({
              connectionString: process.env.DATABASE_URL,
              ssl: { rejectUnauthorized: true, ca: process.env.DB_CA_CERT },
            });
            "#,
        )
        .valid_at(
            FileKind::Yaml,
            "docker-compose.yml",
            r#"
            services:
              api:
                build: .
                environment:
                  DATABASE_URL: postgres://app:app@db:5432/orders?sslmode=disable
              db:
                image: postgres:16
            "#,
        )
        .valid_at(
            FileKind::Rust,
            "src/db.rs",
            r#"
            pub async fn connect() -> sqlx::Result<sqlx::PgPool> {
                let url = std::env::var("DATABASE_URL")
                    .unwrap_or_else(|_| "postgres://postgres:postgres@localhost:5432/orders?sslmode=disable".into());
                sqlx::PgPool::connect(&url).await
            }
            "#,
        )
        .invalid_at(
            FileKind::Rust,
            "src/db.rs",
            r#"
            pub async fn connect() -> sqlx::Result<sqlx::PgPool> {
                sqlx::PgPool::connect("postgres://orders@orders-db.prod.example.net/orders?sslmode=disable").await
            }
            "#,
            1,
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::findings_of_rule;

    #[test]
    fn hosts_are_classified() {
        assert_eq!(
            classify_host(url_host("postgres://u:p@localhost:5432/db")),
            Host::Loopback
        );
        assert_eq!(
            classify_host(url_host("http://127.0.0.1:8000")),
            Host::Loopback
        );
        assert_eq!(
            classify_host(url_host("http://[::1]:8000/x")),
            Host::Loopback
        );
        assert_eq!(
            classify_host(url_host("http://printer.local/")),
            Host::Loopback
        );
        assert_eq!(
            classify_host(url_host("postgres://u@db/app")),
            Host::ServiceName
        );
        assert_eq!(
            classify_host(url_host("http://{host}:{port}/v1")),
            Host::Unknown
        );
        assert_eq!(
            classify_host(url_host("https://api.example.com/v1")),
            Host::Remote
        );
    }

    #[test]
    fn key_value_dsn_option_map_and_pgsslmode() {
        let code = "DSN = \"host=pg.prod.example.com dbname=orders sslmode=disable\"\nDATABASES = {\"default\": {\"OPTIONS\": {\"sslmode\": \"disable\"}}}\n";
        let found = findings_of_rule(
            "https-not-enforced",
            "app/database.py",
            FileKind::Python,
            code,
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found[0].message.contains("`pg.prod.example.com`"),
            "{}",
            found[0].message
        );
        let env = "ENV PGSSLMODE=disable\n";
        let found = findings_of_rule(
            "https-not-enforced",
            "Dockerfile",
            FileKind::Dockerfile,
            env,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].message.starts_with("`PGSSLMODE=disable`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn ssl_false_only_counts_in_postgres_urls_and_comments_are_skipped() {
        let code = "A = 'mysql://u@db.example.com/x?ssl=false'\nB = 'postgresql://u@db.example.com/x?ssl=false'\n# C = 'postgresql://u@db.example.com/x?sslmode=disable'\n";
        let found = findings_of_rule("https-not-enforced", "app/db.py", FileKind::Python, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].start.map(|p| p.line), Some(2));
    }

    #[test]
    fn swagger_two_with_http_only_schemes() {
        let spec = "swagger: '2.0'\ninfo:\n  title: Orders\n  version: '1'\nhost: api.orders.example.com\nbasePath: /v1\nschemes:\n  - http\npaths: {}\n";
        let found = findings_of_rule(
            "https-not-enforced",
            "api/swagger.yaml",
            FileKind::Yaml,
            spec,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].start.map(|p| p.line), Some(7));
        let both = spec.replace("  - http\n", "  - https\n  - http\n");
        assert!(findings_of_rule(
            "https-not-enforced",
            "api/swagger.yaml",
            FileKind::Yaml,
            &both
        )
        .is_empty());
    }

    #[test]
    fn ssl_mode_enum_paths_in_driver_code_are_not_settings() {
        let code = "impl PgSslMode {\n    fn requires_tls(self) -> bool {\n        !matches!(self, PgSslMode::Disable | PgSslMode::Allow)\n    }\n}\n";
        assert!(findings_of_rule("https-not-enforced", "src/connection/tls.rs", FileKind::Rust, code).is_empty());
    }

    #[test]
    fn settings_roles_by_path() {
        assert_eq!(
            settings_role("mysite/settings.py"),
            Some(SettingsRole::Production)
        );
        assert_eq!(
            settings_role("config/settings/production.py"),
            Some(SettingsRole::Production)
        );
        assert_eq!(
            settings_role("config/settings/base.py"),
            Some(SettingsRole::Base)
        );
        assert_eq!(settings_role("app/views.py"), None);
        assert_eq!(settings_role("config/settings/dev.py"), None);
    }
}
