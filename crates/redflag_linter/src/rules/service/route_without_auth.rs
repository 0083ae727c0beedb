//! `route-without-auth`: a state-changing route with no auth on its chain,
//! in a service that authenticates other routes — so the gap is real.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::service::{Framework, SignalKind};
use crate::project::evidence::{anchor, describe, route_marker, service_label, service_wide};
use crate::project::services::Route;
use crate::project::vocabulary::MarkerKind;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

use super::auth_route_without_rate_limit::is_credential_route;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(RouteWithoutAuth { meta: meta() })
}

struct RouteWithoutAuth {
    meta: RuleMeta,
}

/// Path words of routes that are public by nature.
const PUBLIC_WORDS: &[&str] = &[
    "webhook", "webhooks", "callback", "callbacks", "public", "signup", "register", "login",
    "signin", "logout", "oauth", "forgot-password", "reset-password", "contact", "subscribe",
];

fn is_state_changing(route: &Route) -> bool {
    route
        .methods
        .iter()
        .any(|m| matches!(m.as_str(), "POST" | "PUT" | "PATCH" | "DELETE"))
}

fn is_public_by_path(route: &Route) -> bool {
    route.path.split('/').any(|segment| {
        let lower = segment.to_ascii_lowercase();
        PUBLIC_WORDS.contains(&lower.as_str())
    })
}

impl Rule for RouteWithoutAuth {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let settings = &model.service_settings;
        if settings.auth_at_gateway {
            return;
        }
        for service in &model.services.services {
            // DRF lets everyone in unless told otherwise.
            let drf = service.depends_on("djangorestframework")
                || service
                    .signals(SignalKind::ServiceMarker)
                    .any(|s| s.detail.starts_with("DEFAULT_"))
                || service
                    .routes
                    .iter()
                    .any(|r| r.markers.iter().any(|m| m.contains("_classes")));
            let drf_permission = service
                .signals(SignalKind::ServiceMarker)
                .find(|s| s.detail.starts_with("DEFAULT_PERMISSION_CLASSES"));
            if drf && service.frameworks.contains(&Framework::Django) && drf_permission.is_none() {
                if let Some(location) = anchor(service) {
                    ctx.report(ProjectDiagnostic {
                        location: Some(location),
                        message: format!(
                            "{} uses Django REST framework without `DEFAULT_PERMISSION_CLASSES` in `REST_FRAMEWORK`: every view that does not set `permission_classes` is open to anonymous clients (DRF's default is `AllowAny`)",
                            service_label(service)
                        ),
                        help: Some("set `\"DEFAULT_PERMISSION_CLASSES\": [\"rest_framework.permissions.IsAuthenticated\"]` and open public views explicitly with `AllowAny`".to_string()),
                        severity: None,
                        confidence: None,
                    });
                }
            }
            if service_wide(service, settings, MarkerKind::Auth) {
                continue;
            }
            let authenticated: Vec<&Route> = service
                .routes
                .iter()
                .filter(|r| route_marker(r, settings, MarkerKind::Auth).is_some())
                .collect();
            let Some(example) = authenticated.first() else {
                // No auth anywhere: an internal service, or a different
                // problem than a gap.
                continue;
            };
            let example_marker = route_marker(example, settings, MarkerKind::Auth).unwrap_or("");
            let mut seen = Vec::new();
            for route in &service.routes {
                if !is_state_changing(route)
                    || route_marker(route, settings, MarkerKind::Auth).is_some()
                    || settings.any_marker(&route.markers, MarkerKind::Public)
                    || is_public_by_path(route)
                    || is_credential_route(route)
                    || settings.is_health_path(&route.path)
                    || route
                        .methods
                        .iter()
                        .all(|m| settings.is_public_route(m, &route.path))
                    || seen.contains(&route.location)
                {
                    continue;
                }
                seen.push(route.location.clone());
                ctx.report(ProjectDiagnostic {
                    location: Some(route.location.clone()),
                    message: format!(
                        "`{}` changes state and has no auth on its chain (its own middleware/decorators/dependencies/guards, its routers, mounts and app-wide middleware), while {} authenticates {} other route(s), e.g. `{}` with `{example_marker}`",
                        describe(route),
                        service_label(service),
                        authenticated.len(),
                        describe(example)
                    ),
                    help: Some("add the service's auth to this route, or list it in `[services] public-routes` if it is public on purpose".to_string()),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
In a service that authenticates some routes, reports each state-changing
route (POST, PUT, PATCH, DELETE) with no auth marker anywhere on its chain:
its own middleware, decorators, `Depends`/`Security` dependencies, guards,
extractor types, the routers and mounts above it and app-wide middleware.
Login, signup, webhook, callback and health routes, routes marked public
(`AllowAny`, `@Public()`) and routes on the configured allow-list are
skipped. A service with no auth anywhere is not reported here: the gap must
be real. Separately, a Django REST framework service without
`DEFAULT_PERMISSION_CLASSES` is reported once: DRF's default is `AllowAny`.

## Why it matters
Checklist TASK-3.2 (authentication and authorization enforced on every
endpoint). One forgotten decorator on a `DELETE` route is enough for
anyone to delete data; it is the most common access-control bug.

## Example
```python
@router.post("/orders", dependencies=[Depends(get_current_user)])
def create_order(...): ...

@router.delete("/orders/{id}")
def delete_order(id: int): ...
```

## Use instead
```python
@router.delete("/orders/{id}", dependencies=[Depends(get_current_user)])
def delete_order(id: int): ...
```

## Configuration
`[services] auth-markers` adds in-house auth decorators or middleware
(regexes); `public-routes` lists public routes (`POST /webhooks/*`);
`auth-at-gateway = true` turns the rule off.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("route-without-auth", "TASK-3.2")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A state-changing route has no authentication while other routes of the service do.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "auth"])
        .cwe(&["CWE-306"])
        .security_severity(8.1)
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import Depends, FastAPI

            from .auth import get_current_user

            app = FastAPI()

            @app.post("/api/v1/orders")
            def create_order(body: dict, user=Depends(get_current_user)):
                return body

            @app.delete("/api/v1/orders/{order_id}")
            def delete_order(order_id: int):
                return None
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import Depends, FastAPI

            from .auth import get_current_user

            app = FastAPI()

            @app.post("/api/v1/orders")
            def create_order(body: dict, user=Depends(get_current_user)):
                return body

            @app.delete("/api/v1/orders/{order_id}")
            def delete_order(order_id: int, user=Depends(get_current_user)):
                return None

            @app.post("/api/v1/webhooks/stripe")
            def stripe_webhook(body: dict):
                return None
            "#,
        )
}
