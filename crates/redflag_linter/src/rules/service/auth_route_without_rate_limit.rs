//! `auth-route-without-rate-limit`: a login, signup, password-reset or
//! token route that no limiter covers.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::project::evidence::{describe, route_marker, service_label, service_wide};
use crate::project::services::Route;
use crate::project::vocabulary::MarkerKind;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

use super::no_rate_limiting::ingress_limits;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(AuthRouteWithoutRateLimit { meta: meta() })
}

struct AuthRouteWithoutRateLimit {
    meta: RuleMeta,
}

/// Path words of routes that take credentials or issue tokens.
const AUTH_WORDS: &[&str] = &[
    "login", "signin", "sign-in", "sign_in", "signup", "sign-up", "sign_up", "register",
    "password", "reset-password", "forgot-password", "token", "otp", "2fa", "mfa",
    "verify", "session", "sessions", "authenticate",
];

/// True for a route that takes credentials or issues tokens.
pub(crate) fn is_credential_route(route: &Route) -> bool {
    let state_changing = route
        .methods
        .iter()
        .any(|m| matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "ANY"));
    state_changing
        && route.path.split('/').any(|segment| {
            let lower = segment.to_ascii_lowercase();
            AUTH_WORDS.contains(&lower.as_str())
        })
}

impl Rule for AuthRouteWithoutRateLimit {
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
            if service_wide(service, settings, MarkerKind::RateLimit) || ingress_limits(service) {
                continue;
            }
            let mut seen = Vec::new();
            for route in service.routes.iter().filter(|r| is_credential_route(r)) {
                if route_marker(route, settings, MarkerKind::RateLimit).is_some()
                    || seen.contains(&route.location)
                {
                    continue;
                }
                seen.push(route.location.clone());
                ctx.report(ProjectDiagnostic {
                    location: Some(route.location.clone()),
                    message: format!(
                        "`{}` of {} takes credentials or issues tokens and no rate limiter covers it (looked at the route's own middleware/decorators, its routers and mounts, app-wide middleware, service-wide throttles and Ingress annotations): it is open to credential stuffing and brute force",
                        describe(route),
                        service_label(service)
                    ),
                    help: Some("put a strict limiter on this route (e.g. 5 attempts per minute per IP and per account)".to_string()),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds routes that take credentials or issue tokens — a state-changing
method on a path with `login`, `signin`, `signup`, `register`, `password`,
`token`, `otp`, `mfa`, `verify` or `session` — and reports each one that no
limiter covers: nothing on its own chain, its routers or mounts, no
app-wide limiter, no service-wide throttle, no rate-limit Ingress
annotation.

## Why it matters
SCOPE-4.4 (rate limiting and abuse prevention). Login and password-reset
endpoints are the target of credential stuffing and brute force; a global
limit sized for normal API traffic is far too loose for them.

## Example
```python
@router.post("/auth/login")
def login(body: Credentials): ...
```

## Use instead
```python
@router.post("/auth/login")
@limiter.limit("5/minute")
def login(request: Request, body: Credentials): ...
```

## Configuration
`[services] rate-limit-at-gateway = true` turns the rule off;
`rate-limit-markers` adds in-house limiters.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("auth-route-without-rate-limit", "SCOPE-4.4")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A login, signup, password-reset or token route has no rate limit.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "rate-limit", "auth"])
        .security_severity(6.5)
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI

            app = FastAPI()

            @app.post("/api/v1/auth/login")
            def login(body: dict):
                return {"token": "..."}
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI, Request
            from slowapi import Limiter
            from slowapi.util import get_remote_address

            limiter = Limiter(key_func=get_remote_address)
            app = FastAPI()

            @app.post("/api/v1/auth/login")
            @limiter.limit("5/minute")
            def login(request: Request, body: dict):
                return {"token": "..."}
            "#,
        )
}
