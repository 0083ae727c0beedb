//! `outbound-calls-without-circuit-breaker`: a service that calls several
//! external hosts and has no circuit breaker or bulkhead.

use std::collections::BTreeMap;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::project::evidence::{anchor, service_label};
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(OutboundCallsWithoutCircuitBreaker { meta: meta() })
}

struct OutboundCallsWithoutCircuitBreaker {
    meta: RuleMeta,
}

/// Packages that break circuits or isolate calls (bulkheads, limits).
const BREAKERS: &[&str] = &[
    "pybreaker",
    "aiobreaker",
    "circuitbreaker",
    "purgatory",
    "opossum",
    "cockatiel",
    "brakes",
    "mollitia",
    "failsafe",
    "recloser",
    "tower",
    "tower-http",
    "hystrixjs",
    "resilience4j",
];

/// How many distinct external hosts make the lack of a breaker worth a note.
const HOSTS: usize = 2;

/// Call sites named in a message.
const SHOWN: usize = 4;

impl Rule for OutboundCallsWithoutCircuitBreaker {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for service in &model.services.services {
            let mut by_host: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for call in &service.outbound {
                by_host.entry(call.host.as_str()).or_default().push(format!(
                    "`{}` at {}:{}",
                    call.api, call.location.path, call.location.start.line
                ));
            }
            if by_host.len() < HOSTS {
                continue;
            }
            let has_breaker = service
                .dependencies
                .iter()
                .chain(service.libraries.values().flatten())
                .any(|d| BREAKERS.contains(&d.as_str()));
            if has_breaker {
                continue;
            }
            let Some(location) = anchor(service) else {
                continue;
            };
            let sites: Vec<String> = by_host
                .iter()
                .map(|(host, calls)| format!("{host} ({})", calls[0]))
                .collect();
            let more = sites.len().saturating_sub(SHOWN);
            let mut listed = sites.into_iter().take(SHOWN).collect::<Vec<_>>().join(", ");
            if more > 0 {
                listed.push_str(&format!(" and {more} more"));
            }
            ctx.report(ProjectDiagnostic {
                location: Some(location),
                message: format!(
                    "{} calls {} external hosts — {listed} — and uses no circuit breaker or bulkhead (pybreaker, aiobreaker, opossum, cockatiel, tower, failsafe…): when one of them slows down, its calls pile up and take the whole service with them",
                    service_label(service),
                    by_host.len()
                ),
                help: Some(
                    "wrap each dependency's client in a circuit breaker with a timeout (pybreaker/aiobreaker, opossum/cockatiel, tower `ServiceBuilder` with `timeout` and `concurrency_limit`, failsafe) so failures fail fast and recover"
                        .to_string(),
                ),
                severity: None,
                confidence: None,
            });
        }
    }
}

const DOCS: &str = r#"
## What it does
Counts, per service of the service model, the external hosts its code calls
over HTTP with a fixed URL: a URL literal handed to a client call
(`requests.post("https://…")`, `fetch("https://…")`, `reqwest::get(…)`) or
set as a client's base URL (`httpx.Client(base_url=…)`,
`axios.create({ baseURL })`). Loopback addresses, bare service names and
internal domains (`.svc`, `.internal`, `.local`) are not external. A service
calling two or more external hosts with no circuit-breaker or bulkhead
package among its dependencies gets one note, at its entry point, naming
the hosts and a call site of each.

URLs built at run time (from configuration or environment variables) are not
seen; breakers provided by a service mesh (Istio `outlierDetection`,
Linkerd) are not read.

## Why it matters
Checklist SCOPE-3.3 (resilient communication) and red flag RF-4 (no circuit
breakers on external calls). Without a breaker, a slow dependency holds a
worker per call until timeouts fire; requests queue behind it and the
service fails with it. A breaker fails fast while the dependency is down
and probes until it recovers.

## Example
```python
PAYMENTS = httpx.Client(base_url="https://api.stripe.com/v1", timeout=10)

def notify(body):
    requests.post("https://hooks.slack.com/services/T000/B000", json=body, timeout=5)
```

## Use instead
```python
import pybreaker

payments_breaker = pybreaker.CircuitBreaker(fail_max=5, reset_timeout=30)

@payments_breaker
def charge(body):
    return PAYMENTS.post("/charges", json=body)
```

## Configuration
No options.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("outbound-calls-without-circuit-breaker", "SCOPE-3.3")
        .red_flag("RF-4")
        .severity(Severity::Note)
        .confidence(Confidence::Medium)
        .summary("A service calls several external hosts and uses no circuit breaker or bulkhead.")
        .kinds(&[
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
            FileKind::Rust,
        ])
        .tags(&["resilience"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            import httpx
            import requests
            from fastapi import FastAPI

            app = FastAPI()
            PAYMENTS = httpx.Client(base_url="https://api.stripe.com/v1", timeout=10)


            @app.get("/healthz")
            def health():
                return {"ok": True}


            @app.post("/api/v1/orders")
            def create_order(order: dict):
                PAYMENTS.post("/charges", json=order)
                requests.post("https://hooks.slack.com/services/T000/B000", json=order, timeout=5)
                return order
            "#,
            1,
        )
        .with_file("requirements.txt", FileKind::Text, "fastapi\nhttpx\nrequests\n")
        .valid_at(
            FileKind::Python,
            "app/main.py",
            r#"
            import httpx
            import pybreaker
            import requests
            from fastapi import FastAPI

            app = FastAPI()
            PAYMENTS = httpx.Client(base_url="https://api.stripe.com/v1", timeout=10)
            breaker = pybreaker.CircuitBreaker(fail_max=5, reset_timeout=30)


            @app.post("/api/v1/orders")
            @breaker
            def create_order(order: dict):
                PAYMENTS.post("/charges", json=order)
                requests.post("https://hooks.slack.com/services/T000/B000", json=order, timeout=5)
                requests.get("http://inventory/items", timeout=2)
                return order
            "#,
        )
        .with_file("requirements.txt", FileKind::Text, "fastapi\nhttpx\nrequests\npybreaker\n")
}
