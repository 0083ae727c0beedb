//! `no-rate-limiting`: a service with routes and no rate limiting anywhere —
//! not on its routes, not as middleware, not at its Ingress.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::project::evidence::{anchor, service_evidence, service_label};
use crate::project::services::Service;
use crate::project::vocabulary::MarkerKind;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(NoRateLimiting { meta: meta() })
}

struct NoRateLimiting {
    meta: RuleMeta,
}

/// An Ingress annotation that rate-limits (ingress-nginx `limit-rps`,
/// Traefik/Kong rate-limit plugins).
pub(crate) fn ingress_limits(service: &Service) -> bool {
    service.ingresses.iter().any(|ingress| {
        ingress.annotations.iter().any(|(key, value)| {
            let key = key.to_ascii_lowercase();
            key.contains("limit-rps")
                || key.contains("limit-rpm")
                || key.contains("limit-connections")
                || key.contains("rate-limit")
                || key.contains("ratelimit")
                || value.to_ascii_lowercase().contains("rate-limit")
                || value.to_ascii_lowercase().contains("ratelimit")
        })
    })
}

impl Rule for NoRateLimiting {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let settings = &model.service_settings;
        if settings.rate_limit_at_gateway {
            return;
        }
        for service in &model.services.services {
            if !service_evidence(service, settings, MarkerKind::RateLimit).is_empty()
                || ingress_limits(service)
            {
                continue;
            }
            let Some(location) = anchor(service) else {
                continue;
            };
            ctx.report(ProjectDiagnostic {
                location: Some(location),
                message: format!(
                    "{} serves {} route(s) with no rate limiting: no limiter middleware or decorator on any route chain (express-rate-limit, @nestjs/throttler, @fastify/rate-limit, slowapi, Flask-Limiter, DRF throttles, tower_governor, actix-governor…), no rate-limit package among its dependencies, and no rate-limit annotation on an Ingress in front of it",
                    service_label(service),
                    service.routes.len()
                ),
                help: Some("add a limiter (per client IP or API key) to the application, or set `[services] rate-limit-at-gateway = true` when an API gateway does it".to_string()),
                severity: None,
                confidence: None,
            });
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports a service that serves routes and shows no rate limiting anywhere:
no limiter middleware, decorator, guard or layer on any route's chain, no
service-wide throttle (DRF `DEFAULT_THROTTLE_CLASSES`, a global
`ThrottlerGuard`), no rate-limit package among its dependencies, and no
rate-limit annotation on a Kubernetes Ingress routing to it.

## Why it matters
Checklist TASK-1.5 (rate limiting applied to all public endpoints) and
SCOPE-4.4. Without a limit, one misbehaving client — a retry loop, a
scraper, a credential-stuffing run — can take the service and its database
down for everyone.

## Example
```javascript
const app = express();
app.use('/api/v1', router);
```

## Use instead
```javascript
const rateLimit = require('express-rate-limit');
app.use(rateLimit({ windowMs: 60_000, limit: 100 }));
app.use('/api/v1', router);
```

## Configuration
`[services] rate-limit-at-gateway = true` when a gateway limits in front of
every service; `rate-limit-markers` adds regexes for in-house limiters.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("no-rate-limiting", "TASK-1.5")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A service serves routes with no rate limiting at all.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["api", "security", "rate-limit"])
        .security_severity(5.3)
        .docs(DOCS)
        .invalid_at(
            FileKind::JavaScript,
            "src/app.js",
            r"
            const express = require('express');
            const app = express();
            app.get('/v1/orders', (req, res) => res.json([]));
            app.get('/healthz', (req, res) => res.send('ok'));
            app.listen(3000);
            ",
            1,
        )
        .valid_at(
            FileKind::JavaScript,
            "src/app.js",
            r"
            const express = require('express');
            const rateLimit = require('express-rate-limit');
            const app = express();
            app.use(rateLimit({ windowMs: 60000, limit: 100 }));
            app.get('/v1/orders', (req, res) => res.json([]));
            app.get('/healthz', (req, res) => res.send('ok'));
            app.listen(3000);
            ",
        )
}
