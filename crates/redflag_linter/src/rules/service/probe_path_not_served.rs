//! `probe-path-not-served`: a Kubernetes probe, Dockerfile `HEALTHCHECK` or
//! compose healthcheck that requests a path no route of its service serves.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::deploy::{Probe, ProbeCheck};
use crate::facts::service::SignalKind;
use crate::project::evidence::service_label;
use crate::project::services::{serves, Service};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(ProbePathNotServed { meta: meta() })
}

struct ProbePathNotServed {
    meta: RuleMeta,
}

/// The probes that check this service's own container.
fn probes_of(service: &Service) -> Vec<&Probe> {
    let mut probes: Vec<&Probe> = Vec::new();
    for (_, docker) in &service.dockerfiles {
        probes.extend(docker.healthcheck.iter());
    }
    for compose in &service.compose {
        probes.extend(compose.healthcheck.iter());
    }
    let root_name = service.root.rsplit('/').next().unwrap_or("");
    for workload in &service.workloads {
        let single = workload.containers.len() == 1;
        for container in &workload.containers {
            let image = container
                .image
                .rsplit('/')
                .next()
                .unwrap_or("")
                .split([':', '@'])
                .next()
                .unwrap_or("");
            let own = single
                || [service.name.as_str(), root_name, workload.name.as_str()]
                    .iter()
                    .any(|n| !n.is_empty() && (*n == container.name || *n == image));
            if own {
                probes.extend(container.probes.iter());
            }
        }
    }
    probes
}

impl Rule for ProbePathNotServed {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let settings = &model.service_settings;
        for service in &model.services.services {
            // A health library serves paths the code does not show.
            if service.signals(SignalKind::HealthLibrary).next().is_some()
                || service.dependencies.iter().any(|d| settings.is_health_library(d))
            {
                continue;
            }
            for probe in probes_of(service) {
                let ProbeCheck::Http { path, .. } = &probe.check else {
                    continue;
                };
                if service.routes.iter().any(|r| serves(&r.path, path)) {
                    continue;
                }
                let health: Vec<String> = service
                    .routes
                    .iter()
                    .filter(|r| settings.is_health_path(&r.path))
                    .map(|r| format!("`{}`", r.path))
                    .collect();
                let served = if health.is_empty() {
                    "it serves no health route".to_string()
                } else {
                    format!("its health route(s): {}", health.join(", "))
                };
                ctx.report(ProjectDiagnostic {
                    location: Some(probe.location.clone()),
                    message: format!(
                        "{} requests `{path}`, which no route of {} serves ({} routes read; {served}): the check fails and the container is restarted or never marked ready",
                        probe.kind.name(),
                        service_label(service),
                        service.routes.len()
                    ),
                    help: Some("point the probe at the service's health route, or add the route it expects".to_string()),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Compares the paths requested by Kubernetes `httpGet` probes, Dockerfile
`HEALTHCHECK` commands (`curl`/`wget` of a URL) and docker-compose
healthchecks with the routes of the service they check, and reports a probe
whose path no route serves.

## Why it matters
Checklist TASK-4.1 (health checks implemented, and probes wired to them)
and red flag RF-7. A probe on a path that answers 404 fails forever: the
liveness probe restarts a healthy container in a loop, the readiness probe
keeps it out of the load balancer, and the rollout stalls — typically after
a route was renamed (`/health` → `/healthz`) or moved under a prefix.

## Example
```dockerfile
HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1
```
while the service serves `GET /healthz`.

## Use instead
```dockerfile
HEALTHCHECK CMD curl -f http://localhost:8000/healthz || exit 1
```

## Configuration
Services that use a health library (terminus, django-health-check…,
`[services] health-libraries`) are skipped: the library serves paths the
code does not show.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("probe-path-not-served", "TASK-4.1")
        .red_flag("RF-7")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A health probe requests a path that no route of its service serves.")
        .kinds(&[FileKind::Dockerfile, FileKind::Yaml])
        .tags(&["operations", "health"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Dockerfile,
            "Dockerfile",
            r#"
            FROM python:3.12-slim
            EXPOSE 8000
            HEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1
            CMD ["uvicorn", "app.main:app"]
            "#,
            1,
        )
        .with_file(
            "app/main.py",
            FileKind::Python,
            r#"
from fastapi import FastAPI

app = FastAPI()

@app.get("/healthz")
def health():
    return {"status": "ok"}
"#,
        )
        .valid_at(
            FileKind::Dockerfile,
            "Dockerfile",
            r#"
            FROM python:3.12-slim
            EXPOSE 8000
            HEALTHCHECK CMD curl -f http://localhost:8000/healthz || exit 1
            CMD ["uvicorn", "app.main:app"]
            "#,
        )
        .with_file(
            "app/main.py",
            FileKind::Python,
            r#"
from fastapi import FastAPI

app = FastAPI()

@app.get("/healthz")
def health():
    return {"status": "ok"}
"#,
        )
}
