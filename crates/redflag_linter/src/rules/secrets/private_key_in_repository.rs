//! `private-key-in-repository`: a PEM, OpenSSH or PGP private key block in
//! any text file, also with `\n`-escaped line breaks inside JSON or string
//! literals (GCP service-account files, inline test keys).

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::rule::{FileContext, Rule, RuleMeta};
use crate::secret_findings::placement::placement;
use crate::secret_findings::{secret_diagnostic, Placement};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(PrivateKeyInRepository { meta: meta() })
}

struct PrivateKeyInRepository {
    meta: RuleMeta,
}

/// "RSA PRIVATE KEY" → "RSA private key".
fn describe(label: &str) -> String {
    label
        .replace("PRIVATE KEY BLOCK", "private key block")
        .replace("PRIVATE KEY", "private key")
        .replace("ENCRYPTED", "encrypted")
}

impl Rule for PrivateKeyInRepository {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn file_kinds(&self) -> Vec<FileKind> {
        FileKind::ALL.to_vec()
    }

    fn check_file(&self, file: &SourceFile, ctx: &mut FileContext<'_>) {
        let scan = file.secret_scan();
        let settings = ctx.settings.secrets;
        let service_account = file.text.contains("\"service_account\"") && file.text.contains("\"private_key_id\"");
        for block in &scan.keys {
            if settings.allows(&block.body) {
                continue;
            }
            let what = if service_account {
                "GCP service-account private key".to_string()
            } else {
                describe(&block.label)
            };
            let (confidence, detail) = if block.encrypted {
                (Confidence::Medium, "encrypted with a passphrase, which may be weak")
            } else {
                (Confidence::High, "the key body decodes")
            };
            let placement = match placement(file, settings, block.range.start) {
                Placement::TestCode => Placement::TestCode,
                _ => Placement::Production,
            };
            let mut diagnostic =
                secret_diagnostic(block.range.clone(), &block.body, &what, confidence, detail, placement, settings);
            if block.encrypted && placement == Placement::Production {
                diagnostic.severity = Some(Severity::Warning);
            }
            ctx.report(diagnostic);
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds private key blocks in every text file: PEM keys (`RSA`, `EC`, `DSA`,
PKCS#8 `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`), OpenSSH keys and PGP private
key blocks — also when the line breaks are `\n` escapes inside a JSON value
or a string literal, as in GCP service-account files. A block counts when its
body holds at least 64 base64 characters and decodes to DER (or an OpenSSH
container); a PGP block's armor checksum must match. Public keys and
certificates are never reported. Encrypted keys are reported as warnings.

## Why it matters
Checklist TASK-3.3 and red flag RF-6. A private key is an identity: whoever
reads it can sign as the service, decrypt its traffic, or log in to its
servers, and it cannot be rotated as easily as a token.

## Example
```json
{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE…\n-----END PRIVATE KEY-----\n"}
```

## Use instead
Keep keys in a secret manager or mount them at run time (Kubernetes secrets,
workload identity instead of service-account key files), and commit only
public keys and certificates.

## Configuration
Findings in tests, fixtures and examples are notes at low confidence. The
`[secrets]` section and inline allows work as for every secrets rule.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("private-key-in-repository", "TASK-3.3")
        .red_flag("RF-6")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A private key (PEM, OpenSSH, PGP) is committed in the repository.")
        .kinds(&FileKind::ALL)
        .tags(&["security", "secrets"])
        .cwe(&["CWE-321", "CWE-798"])
        .security_severity(9.0)
        .docs(DOCS)
        .invalid_at(
            FileKind::Text,
            "deploy/id_rsa",
            r#"
            -----BEGIN RSA PRIVATE KEY-----
            MIIBO6VNyhglMLsdbRMs3tYjey7ZHj9yH8sZcRdElNZJPJ1cNGC+MSAeaf7aoO7o
            uZl/XHwpmf2v5ZMlPNZUr0361xQnoK6z/ukjL4ryIR+e5JHFsQvstVY7/B5vk0J+
            y8j+KVXlzY5G3I7Ut8J2TSpaTXZ3BvhdhpACSta9o0Ab6cjLzMk19s0fYSJq4VM4
            rho0AE0zug0kasBMgbG68j47+e71958rSTSvh/VSC2m5Sw2YLoW7VQ==
            -----END RSA PRIVATE KEY-----
            "#,
            1,
        )
        .invalid_at(
            FileKind::Json,
            "config/gcp-service-account.json",
            r#"
            {"type": "service_account", "private_key_id": "4f1e", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIBO6VNyhglMLsdbRMs3tYjey7ZHj9yH8sZcRdElNZJPJ1cNGC+MSAeaf7aoO7o\nuZl/XHwpmf2v5ZMlPNZUr0361xQnoK6z/ukjL4ryIR+e5JHFsQvstVY7/B5vk0J+\ny8j+KVXlzY5G3I7Ut8J2TSpaTXZ3BvhdhpACSta9o0Ab6cjLzMk19s0fYSJq4VM4\nrho0AE0zug0kasBMgbG68j47+e71958rSTSvh/VSC2m5Sw2YLoW7VQ==\n-----END PRIVATE KEY-----\n"}
            "#,
            1,
        )
        .invalid(
            FileKind::Python,
            r#"
            DEPLOY_KEY = """-----BEGIN OPENSSH PRIVATE KEY-----
            b3BlbnNzaC1rZXktdjEAtnKocmN6zXRm/LYODo/xhGOw5LK6KXA0dPBkrGj3APWwKz3GZv
            Rb3qosyu3NK1FXQQ5N7krys09DCgc0R95jbA6AbJV7poTWQx+16tdCTQnhXQJMWEjyPR+m
            9zYdf2GNFTLnDiDipmaN5/R+hGflRtU+yOKhJXvbJWybPk+7SYFG73Awy/lTclLczq3XZL
            ajL7sJrerh
            -----END OPENSSH PRIVATE KEY-----"""
            "#,
            1,
        )
        .valid_at(
            FileKind::Text,
            "certs/server.pem",
            r#"
            -----BEGIN CERTIFICATE-----
            MIIBO6VNyhglMLsdbRMs3tYjey7ZHj9yH8sZcRdElNZJPJ1cNGC+MSAeaf7aoO7o
            uZl/XHwpmf2v5ZMlPNZUr0361xQnoK6z/ukjL4ryIR+e5JHFsQvstVY7/B5vk0J+
            -----END CERTIFICATE-----
            -----BEGIN PUBLIC KEY-----
            MIIBO6VNyhglMLsdbRMs3tYjey7ZHj9yH8sZcRdElNZJPJ1cNGC+MSAeaf7aoO7o
            -----END PUBLIC KEY-----
            "#,
        )
        .valid_at(
            FileKind::Text,
            "docs/keys.md",
            r#"
            Put your key in `key.pem`:

                -----BEGIN PRIVATE KEY-----
                <paste your private key here>
                -----END PRIVATE KEY-----
            "#,
        )
}
