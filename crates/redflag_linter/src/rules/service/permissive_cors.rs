//! `permissive-cors`: CORS that lets any origin in — a wildcard with
//! credentials, reflected origins, allow-all switches — or default CORS on
//! a service that authenticates with cookies.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::service::SignalKind;
use crate::project::evidence::service_label;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(PermissiveCors { meta: meta() })
}

struct PermissiveCors {
    meta: RuleMeta,
}

impl Rule for PermissiveCors {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let mut seen = Vec::new();
        for service in &model.services.services {
            for signal in service.signals(SignalKind::PermissiveCors) {
                if seen.contains(&signal.location) {
                    continue;
                }
                seen.push(signal.location.clone());
                ctx.report(ProjectDiagnostic {
                    location: Some(signal.location.clone()),
                    message: format!(
                        "`{}` lets any origin call {} with the user's credentials: any web page the user visits can read its responses",
                        signal.detail,
                        service_label(service)
                    ),
                    help: Some("list the allowed origins explicitly (and only allow credentials for those)".to_string()),
                    severity: None,
                    confidence: None,
                });
            }
            let cookies = service.signals(SignalKind::CookieAuth).next();
            if let Some(cookie) = cookies {
                for signal in service.signals(SignalKind::DefaultCors) {
                    if seen.contains(&signal.location) {
                        continue;
                    }
                    seen.push(signal.location.clone());
                    ctx.report(ProjectDiagnostic {
                        location: Some(signal.location.clone()),
                        message: format!(
                            "`{}` enables CORS for every origin with default options, and {} authenticates with cookies (`{}`): restrict the origins before credentials are ever allowed",
                            signal.detail,
                            service_label(service),
                            cookie.detail
                        ),
                        help: Some("pass an explicit origin list".to_string()),
                        severity: Some(Severity::Warning),
                        confidence: Some(Confidence::Medium),
                    });
                }
            }
        }
        // Permissive CORS in code that belongs to no service is still
        // permissive.
        for facts in &model.files {
            let Some(service) = &facts.service else { continue };
            for signal in service
                .signals
                .iter()
                .filter(|s| s.kind == SignalKind::PermissiveCors)
            {
                if seen.contains(&signal.location) {
                    continue;
                }
                seen.push(signal.location.clone());
                ctx.report(ProjectDiagnostic {
                    location: Some(signal.location.clone()),
                    message: format!(
                        "`{}` lets any origin call this API with the user's credentials: any web page the user visits can read its responses",
                        signal.detail
                    ),
                    help: Some("list the allowed origins explicitly (and only allow credentials for those)".to_string()),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports CORS configurations that let any origin in: a wildcard or
reflected origin together with credentials (`cors({ origin: true,
credentials: true })`, `CORSMiddleware(allow_origins=["*"],
allow_credentials=True)`), `CORS_ALLOW_ALL_ORIGINS = True`,
`CorsLayer::permissive()`/`very_permissive()`, actix `Cors::permissive()`;
and a bare `cors()`/`enableCors()` in a service that authenticates with
session cookies.

## Why it matters
Checklist TASK-3.5 (security headers configured: CORS). CORS is what stops
a malicious page from reading responses with the visitor's cookies;
reflecting every origin with credentials turns that protection off for
every user of the API.

## Example
```python
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
```

## Use instead
```python
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
```

## Configuration
None.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("permissive-cors", "TASK-3.5")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("CORS lets any origin read responses with the user's credentials.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "cors"])
        .cwe(&["CWE-942"])
        .security_severity(7.5)
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI
            from fastapi.middleware.cors import CORSMiddleware

            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)

            @app.get("/api/v1/orders")
            def list_orders(limit: int = 20):
                return []
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            from fastapi import FastAPI
            from fastapi.middleware.cors import CORSMiddleware

            app = FastAPI()
            app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)

            @app.get("/api/v1/orders")
            def list_orders(limit: int = 20):
                return []
            "#,
        )
}
