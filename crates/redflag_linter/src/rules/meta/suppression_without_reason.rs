//! `suppression-without-reason`: a `redflag: ignore[...]` comment that does
//! not say why. The engine reports it (see `engine::apply_suppressions`).

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::rule::{Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(SuppressionWithoutReason { meta: meta() })
}

struct SuppressionWithoutReason {
    meta: RuleMeta,
}

impl Rule for SuppressionWithoutReason {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }
}

const DOCS: &str = r#"
## What it does
Reports a suppression comment that has no reason after its rule list:
`# redflag: ignore[tls-verification-disabled]` instead of
`# redflag: ignore[tls-verification-disabled] test server with a self-signed cert`.

## Why it matters
Reviewers and the next engineer need to know why a checklist item does not
apply here; without a reason a suppression cannot be told from a shortcut.
The finding names the checklist task of the suppressed rule.

## Example
```python
requests.get(url, verify=False)  # redflag: ignore[tls-verification-disabled]
```

## Use instead
```python
requests.get(url, verify=False)  # redflag: ignore[tls-verification-disabled] local mock server, never deployed
```

## Configuration
Select or ignore it by name. It has no task of its own: each finding carries
the task of the rule its suppression names.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("suppression-without-reason", "")
        .task_of_suppressed_rule()
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A suppression comment does not say why the finding does not apply.")
        .kinds(&FileKind::ALL)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            requests.get(url, verify=False)  # redflag: ignore[tls-verification-disabled]
            "#,
            1,
        )
        .invalid(
            FileKind::Rust,
            r#"
            // redflag: ignore-file[blocking-call-in-async-function]
            async fn f() { std::thread::sleep(std::time::Duration::from_secs(1)); }
            "#,
            1,
        )
        .valid(
            FileKind::Python,
            r#"
            requests.get(url, verify=False)  # redflag: ignore[tls-verification-disabled] local mock server, never deployed
            "#,
        )
}
