//! `hardcoded-provider-credential`: a provider's API key or token (GitHub,
//! AWS, Stripe, Slack, OpenAI, … — 95 formats) committed in any text file,
//! validated by checksum or structure where the format allows it.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::rule::{FileContext, Rule, RuleMeta};
use crate::secrets::providers::PROVIDERS;
use crate::secret_findings::placement::placement;
use crate::secret_findings::{secret_diagnostic, Placement};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(HardcodedProviderCredential { meta: meta() })
}

struct HardcodedProviderCredential {
    meta: RuleMeta,
}

impl Rule for HardcodedProviderCredential {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn file_kinds(&self) -> Vec<FileKind> {
        FileKind::ALL.to_vec()
    }

    fn check_file(&self, file: &SourceFile, ctx: &mut FileContext<'_>) {
        let scan = file.secret_scan();
        let settings = ctx.settings.secrets;
        for token in &scan.tokens {
            let provider = &PROVIDERS[token.provider];
            let secret = file.slice(token.range.clone());
            if settings.allows(secret) {
                continue;
            }
            let (confidence, detail) = if token.verified {
                (Confidence::High, "checksum or structure verified")
            } else {
                (Confidence::High, "prefix, charset and length match")
            };
            // A real-format token in documentation is still a leak.
            let placement = match placement(file, settings, token.range.start) {
                Placement::TestCode => Placement::TestCode,
                _ => Placement::Production,
            };
            let mut diagnostic =
                secret_diagnostic(token.range.clone(), secret, provider.name, confidence, detail, placement, settings);
            if provider.test_key && placement == Placement::Production {
                diagnostic.severity = Some(Severity::Warning);
                diagnostic.confidence = Some(Confidence::Medium);
            }
            ctx.report(diagnostic);
        }
        if ctx.explaining() {
            for dropped in &scan.dropped {
                let line = file.position(dropped.offset).line;
                ctx.note(format!("line {line}: {} not reported: {}", dropped.what, dropped.why));
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds credentials of 95 providers in every text file the walk keeps — code,
configuration, `.env` files, YAML/JSON/TOML, Dockerfiles, shell scripts, SQL,
Markdown: AWS, Google and GCP, Azure, GitHub, GitLab, Atlassian, Slack,
Discord, Telegram, Stripe, Square, Shopify, Twilio SendGrid, Mailgun, OpenAI,
Anthropic, Hugging Face, npm, PyPI, RubyGems, NuGet, Docker Hub, JFrog,
DigitalOcean, Heroku, Cloudflare, HashiCorp Vault and Terraform Cloud,
Databricks, Doppler, Sentry, Grafana, New Relic, Dynatrace, Okta, SonarQube,
age keys, JSON Web Tokens and more. Each format is matched by its prefix,
charset and length, and validated where the format allows it: the CRC-32 of
GitHub, npm, GitLab (routable), Grafana and Atlassian tokens, the Bech32 of
age keys, the JSON header of JWTs, base64 JSON of Grafana keys. A token that
fails its checksum, a documented example key (`AKIAIOSFODNN7EXAMPLE`) or a
padded placeholder (`ghp_xxxx…`) is not reported.

## Why it matters
Checklist TASK-3.3 (secrets stored in a vault or environment variables,
never in code) and red flag RF-6. A token in a repository is readable by
everyone with access to it — and to every clone, fork, CI log and backup —
long after it is deleted from the latest commit.

## Example
```python
GITHUB_TOKEN = "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"
```

## Use instead
```python
GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]
```
Rotate the leaked token first: removing it from the code does not remove it
from history.

## Configuration
`[secrets] allow` and `allow-regexes` accept values that must never be
reported (a public test key). Findings in tests, fixtures and examples are
reported as notes at low confidence (`test-severity`, `test-confidence`,
`test-paths`). `redflag: ignore[hardcoded-provider-credential] reason`,
`gitleaks:allow` and `pragma: allowlist secret` on the line silence one
finding. The secret is masked in every output format; `--show-secrets` shows
it locally.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("hardcoded-provider-credential", "TASK-3.3")
        .red_flag("RF-6")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A provider API key or token is committed in the repository.")
        .kinds(&FileKind::ALL)
        .tags(&["security", "secrets"])
        .cwe(&["CWE-798"])
        .security_severity(9.0)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            GITHUB_TOKEN = "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"
            client = boto3.client("s3", aws_access_key_id="AKIAQRXIVBTCJBS5Z6Z3")
            "#,
            2,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            export const stripe = new Stripe("sk_live_DKtCosB7CrsVfPClu4QAvcxR");
            const grafana = { token: "glsa_OV6T2UmxQamt62tVDZNVAg9lTphK2GsP_1cc748c4" };
            "#,
            2,
        )
        .invalid(
            FileKind::Yaml,
            r#"
            registry:
              npm_token: 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
            "#,
            1,
        )
        .invalid_at(
            FileKind::Text,
            "docs/setup.md",
            r#"
            Call the API with `Authorization: Bearer xoxb-583475069261-554464042848-hdyaAQ2dV2lbTraSGji6gFV9`.
            "#,
            1,
        )
        .valid(
            FileKind::Python,
            r#"
            GITHUB_TOKEN = os.environ["GITHUB_TOKEN"]
            EXAMPLE_TOKEN = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            DOCS_KEY = "AKIAIOSFODNN7EXAMPLE"
            # The checksum of this token is wrong: it is not a GitHub token.
            BROKEN = "ghp_qBhy02hoi8ucTVyAmSRnraF4pk0bZu3i8raH"
            STRIPE_PUBLISHABLE = "pk_live_DKtCosB7CrsVfPClu4QAvcxR"
            "#,
        )
}
