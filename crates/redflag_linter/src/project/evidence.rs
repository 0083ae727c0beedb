//! Evidence searches over a service, shared by the absence rules: where a
//! service shows auth, rate limiting or security headers, and how to say
//! what was searched when nothing was found.

use crate::facts::service::{Framework, SignalKind};
use crate::source::Location;

use super::services::{Route, Service};
use super::vocabulary::{MarkerKind, ServiceSettings};

/// One piece of evidence: what and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub what: String,
    pub location: Option<Location>,
}

fn library_role(kind: MarkerKind) -> Option<&'static str> {
    match kind {
        MarkerKind::Auth => Some("auth"),
        MarkerKind::RateLimit => Some("rate-limit"),
        MarkerKind::SecurityHeaders => Some("security-headers"),
        MarkerKind::Public | MarkerKind::Cors => None,
    }
}

/// Every place a service shows `kind`: route markers, middleware,
/// service-wide markers (Django `MIDDLEWARE`, DRF defaults, `APP_GUARD`),
/// and the packages it uses for it.
#[must_use]
pub fn service_evidence(
    service: &Service,
    settings: &ServiceSettings,
    kind: MarkerKind,
) -> Vec<Found> {
    let mut found = Vec::new();
    for middleware in &service.middleware {
        if settings.classify(&middleware.name).contains(&kind) {
            found.push(Found {
                what: format!("middleware `{}`", middleware.name),
                location: Some(middleware.location.clone()),
            });
        }
    }
    for signal in service.signals(SignalKind::ServiceMarker) {
        if settings.classify(&signal.detail).contains(&kind) {
            found.push(Found {
                what: format!("`{}`", signal.detail),
                location: Some(signal.location.clone()),
            });
        }
    }
    for route in &service.routes {
        if let Some(marker) = route_marker(route, settings, kind) {
            found.push(Found {
                what: format!("`{marker}` on {}", describe(route)),
                location: Some(route.location.clone()),
            });
        }
    }
    if let Some(packages) = library_role(kind).and_then(|role| service.libraries.get(role)) {
        for package in packages {
            found.push(Found {
                what: format!("package `{package}`"),
                location: None,
            });
        }
    }
    found
}

/// The first marker of a route that is evidence of `kind`.
#[must_use]
pub fn route_marker<'a>(
    route: &'a Route,
    settings: &ServiceSettings,
    kind: MarkerKind,
) -> Option<&'a str> {
    route
        .markers
        .iter()
        .find(|m| settings.classify(m).contains(&kind))
        .map(String::as_str)
}

/// True when the service sets `kind` for every route: service-wide
/// markers or middleware on the application.
#[must_use]
pub fn service_wide(service: &Service, settings: &ServiceSettings, kind: MarkerKind) -> bool {
    service
        .signals(SignalKind::ServiceMarker)
        .any(|s| settings.classify(&s.detail).contains(&kind))
}

/// `POST /api/v1/users` (for messages).
#[must_use]
pub fn describe(route: &Route) -> String {
    format!("{} {}", route.methods.join(","), route.path)
}

/// Up to `limit` route descriptions, and how many more there are.
#[must_use]
pub fn examples<'a>(routes: impl Iterator<Item = &'a Route>, limit: usize) -> String {
    let all: Vec<String> = routes.map(describe).collect();
    let mut shown: Vec<String> = all.iter().take(limit).map(|r| format!("`{r}`")).collect();
    if all.len() > limit {
        shown.push(format!("and {} more", all.len() - limit));
    }
    shown.join(", ")
}

/// Where a service-level finding points: the application object, else the
/// first route.
#[must_use]
pub fn anchor(service: &Service) -> Option<Location> {
    service
        .entry
        .clone()
        .or_else(|| service.routes.first().map(|r| r.location.clone()))
}

/// The service as messages name it.
#[must_use]
pub fn service_label(service: &Service) -> String {
    let frameworks: Vec<&str> = service.frameworks.iter().map(|f| f.name()).collect();
    if service.root.is_empty() && service.name == "." {
        format!(
            "the service at the repository root ({})",
            frameworks.join(", ")
        )
    } else if service.root.is_empty() {
        format!("service `{}` ({})", service.name, frameworks.join(", "))
    } else {
        format!(
            "service `{}` in `{}/` ({})",
            service.name,
            service.root,
            frameworks.join(", ")
        )
    }
}

/// Routes of a service answering `method` with a visible 200 — set in the
/// code, or the framework's known default (FastAPI answers 200 unless
/// `status_code=` says otherwise) — once per location, with how the status
/// is known. Shared by the status-code rules.
#[must_use]
pub fn answering_200<'a>(service: &'a Service, method: &str) -> Vec<(&'a Route, &'static str)> {
    let mut found: Vec<(&Route, &'static str)> = Vec::new();
    for route in &service.routes {
        if !route.methods.iter().any(|m| m == method)
            || found.iter().any(|(r, _)| r.location == route.location)
        {
            continue;
        }
        let how = match (route.status, route.framework) {
            (Some(200), _) => "sets status 200",
            (None, Framework::FastApi) => "answers the framework's default 200",
            _ => continue,
        };
        found.push((route, how));
    }
    found
}
