//! How secret candidates become findings: where a value sits (production,
//! test code, documentation), which literal a name is bound to in a syntax
//! tree, and the masked, hash-fingerprinted diagnostic every secrets rule
//! reports. The text analysis itself (anchors, formats, randomness) lives in
//! [`crate::secrets`] and knows nothing of rules or files.

pub mod assign;
pub mod placement;

use std::ops::Range;

use redflag_diagnostics::{hash_hex, mask_secret, Confidence};

use crate::rule::Diagnostic;
use crate::secrets::SecretsSettings;
pub use placement::Placement;

/// Builds the diagnostic for a secret at `range`, masked everywhere, its
/// fingerprint a hash of the secret.
#[must_use]
pub fn secret_diagnostic(
    range: Range<usize>,
    secret: &str,
    what: &str,
    confidence: Confidence,
    detail: &str,
    placement: Placement,
    settings: &SecretsSettings,
) -> Diagnostic {
    let masked = mask_secret(secret);
    let (severity, confidence) = if placement.is_downgraded() {
        (Some(settings.test_severity), settings.test_confidence)
    } else {
        (None, confidence)
    };
    let message = format!(
        "{what} `{masked}` is hardcoded ({detail}; {} confidence){}",
        confidence.as_str(),
        placement.clause()
    );
    let mut diagnostic = Diagnostic::new(range, message)
        .help("rotate it now, then load it from the environment or a secret manager (Vault, AWS Secrets Manager, Doppler, sealed secrets)")
        .with_confidence(confidence);
    diagnostic.severity = severity;
    diagnostic.sensitive = true;
    diagnostic.fingerprint_basis = Some(hash_hex(secret));
    diagnostic.secret = Some(secret.to_string());
    diagnostic
}
