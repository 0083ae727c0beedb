//! `container-without-healthcheck`: a service's Dockerfile has no
//! `HEALTHCHECK` and no orchestrator probe covers the container.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::project::evidence::service_label;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(ContainerWithoutHealthcheck { meta: meta() })
}

struct ContainerWithoutHealthcheck {
    meta: RuleMeta,
}

impl Rule for ContainerWithoutHealthcheck {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for service in &model.services.services {
            let probed = service
                .workloads
                .iter()
                .any(|w| w.containers.iter().any(|c| !c.probes.is_empty()))
                || service.compose.iter().any(|c| c.healthcheck.is_some());
            if probed {
                continue;
            }
            for (path, docker) in &service.dockerfiles {
                if docker.healthcheck.is_some() {
                    continue;
                }
                // Development images are not what runs in production.
                let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
                if name.contains("dev") || name.contains("test") {
                    continue;
                }
                ctx.report(ProjectDiagnostic {
                    location: Some(docker.location.clone()),
                    message: format!(
                        "the image of {} has no HEALTHCHECK, and no Kubernetes probe or compose healthcheck covers it (looked for workloads and compose services named after the service or built from its directory): Docker and Swarm report it healthy as long as the process runs",
                        service_label(service)
                    ),
                    help: Some("add `HEALTHCHECK CMD curl -fsS http://localhost:PORT/healthz || exit 1` (or a small probe binary in distroless images), or declare probes where the container is deployed".to_string()),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Reports the Dockerfile of a service (a deployable unit that serves routes)
that declares no `HEALTHCHECK`, when no orchestrator check covers the
container either: no Kubernetes workload of the service declares probes and
no docker-compose service built from its directory has a `healthcheck`.
Dockerfiles named for development or tests (`Dockerfile.dev`) are skipped.

## Why it matters
Checklist TASK-4.1 (health checks for all services, wired to the runtime)
and red flag RF-7. Without any health check, Docker, Compose and Swarm
consider a container healthy while its process exists: a hung server keeps
its slot and `depends_on: condition: service_healthy` cannot work.

## Example
```dockerfile
FROM node:20-slim
CMD ["node", "server.js"]
```

## Use instead
```dockerfile
FROM node:20-slim
HEALTHCHECK CMD curl -fsS http://localhost:3000/healthz || exit 1
CMD ["node", "server.js"]
```

## Configuration
Kubernetes probes or a compose `healthcheck` for the service make the
Dockerfile check unnecessary; they are found by service name, image name
and compose `build:` directory.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("container-without-healthcheck", "TASK-4.1")
        .red_flag("RF-7")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A service's container image has no HEALTHCHECK and no orchestrator probe covers it.")
        .kinds(&[FileKind::Dockerfile])
        .tags(&["operations", "health", "docker"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Dockerfile,
            "Dockerfile",
            r#"
            FROM python:3.12-slim
            USER app
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
            USER app
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
