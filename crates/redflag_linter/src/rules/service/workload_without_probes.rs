//! `workload-without-probes`: a long-running Kubernetes workload whose
//! container has neither a liveness nor a readiness probe.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::deploy::ProbeKind;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(WorkloadWithoutProbes { meta: meta() })
}

struct WorkloadWithoutProbes {
    meta: RuleMeta,
}

impl Rule for WorkloadWithoutProbes {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for workload in &model.services.workloads {
            if workload.is_batch() {
                continue;
            }
            for container in &workload.containers {
                let has = |kind: ProbeKind| container.probes.iter().any(|p| p.kind == kind);
                let (liveness, readiness) = (has(ProbeKind::Liveness), has(ProbeKind::Readiness));
                if liveness || readiness {
                    continue;
                }
                ctx.report(ProjectDiagnostic {
                    location: Some(container.location.clone()),
                    message: format!(
                        "container `{}` of {} `{}` has no livenessProbe and no readinessProbe: Kubernetes sends it traffic as soon as the process starts and never restarts it when it hangs",
                        container.name, workload.kind, workload.name
                    ),
                    help: Some("add `readinessProbe` and `livenessProbe` (`httpGet` on the service's health route, or `tcpSocket`/`exec` for non-HTTP containers)".to_string()),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Reads every Kubernetes workload (Deployment, StatefulSet, DaemonSet,
ReplicaSet, Pod) in the repository's YAML, whatever the file is called, and
reports each container that declares neither a `livenessProbe` nor a
`readinessProbe`. Jobs and CronJobs run to completion and are skipped.

## Why it matters
Checklist TASK-4.1 (health checks, and probes wired to them) and red flag
RF-7. Without a readiness probe a pod receives traffic before it can serve
and during shutdown; without a liveness probe a deadlocked process keeps its
place forever. Both turn one bad pod into user-visible errors.

## Example
```yaml
containers:
  - name: api
    image: acme/orders:1.4
```

## Use instead
```yaml
containers:
  - name: api
    image: acme/orders:1.4
    readinessProbe:
      httpGet: { path: /readyz, port: 8000 }
    livenessProbe:
      httpGet: { path: /healthz, port: 8000 }
```

## Configuration
Silence a deliberate exception with `# redflag: ignore[workload-without-probes] reason`
on the container's line.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("workload-without-probes", "TASK-4.1")
        .red_flag("RF-7")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A Kubernetes workload's container has no liveness or readiness probe.")
        .kinds(&[FileKind::Yaml])
        .tags(&["operations", "health", "kubernetes"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Yaml,
            "k8s/deployment.yaml",
            r"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: orders
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      image: acme/orders:1.4
            ",
            1,
        )
        .valid_at(
            FileKind::Yaml,
            "k8s/deployment.yaml",
            r"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: orders
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      image: acme/orders:1.4
                      readinessProbe:
                        httpGet:
                          path: /readyz
                          port: 8000
                      livenessProbe:
                        httpGet:
                          path: /healthz
                          port: 8000
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: nightly
            spec:
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers:
                        - name: report
                          image: acme/report:1.0
            ",
        )
}
