//! `unused-suppression`: a `redflag: ignore[...]` comment that silences
//! nothing, or names a rule that does not exist. The engine reports it after
//! all other findings are known (see `engine::apply_suppressions`).

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::rule::{Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(UnusedSuppression { meta: meta() })
}

struct UnusedSuppression {
    meta: RuleMeta,
}

impl Rule for UnusedSuppression {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }
}

const DOCS: &str = r#"
## What it does
Reports a suppression comment (`redflag: ignore[rule] reason` or
`redflag: ignore-file[rule] reason`) that silences no finding of a rule that
ran, or that names a rule redflag does not have (with the closest rule name
as a suggestion). Rules that were not selected for the run are not judged.

## Why it matters
A suppression is a claim that a finding does not apply. Once the code it
excused is fixed or moved, a stale suppression would silently hide the next
real problem on that line — a secret, a disabled TLS check. The finding names
the checklist task of the suppressed rule.

## Example
```python
client = httpx.Client()  # redflag: ignore[tls-verification-disabled] internal CA
```

## Use instead
Delete the comment, or move it to the line the finding is reported on.

## Configuration
Select or ignore it by name. It has no task of its own: each finding carries
the task of the rule its suppression names.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("unused-suppression", "")
        .task_of_suppressed_rule()
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A suppression comment silences nothing, or names a rule that does not exist.")
        .kinds(&FileKind::ALL)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            client = httpx.Client(timeout=5)  # redflag: ignore[tls-verification-disabled] internal CA
            "#,
            1,
        )
        .invalid(
            FileKind::Python,
            r#"
            requests.get(url, verify=False)  # redflag: ignore[tls-verification-disable] internal CA
            "#,
            1,
        )
        .valid(
            FileKind::Python,
            r#"
            requests.get(url, verify=False)  # redflag: ignore[tls-verification-disabled] internal CA bundle is pinned elsewhere
            "#,
        )
}
