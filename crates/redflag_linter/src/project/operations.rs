//! Operations evidence of a service, shared by the TASK-4.2/4.3 absence
//! rules: what its code configures (per-file [`OpsSignal`]s) and what its
//! manifests declare, in one list the messages can name.

use crate::facts::operations::{
    package_in, OpsKind, METRICS_PACKAGES, REQUEST_ID_PACKAGES, REQUEST_ID_PREFIXES,
    STRUCTURED_LOGGING_PACKAGES,
};
use crate::source::Location;

use super::services::Service;

/// One piece of evidence: what, and where when it is in code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpsEvidence {
    pub what: String,
    pub location: Option<Location>,
}

/// Every place `service` shows `kind`: code signals first, then manifest
/// dependencies. A declared dependency counts for request IDs and metrics
/// (those packages do their work once installed and wired, and an absence
/// rule must not shout at a service that ships them); for logging only
/// packages that write structured records by default count.
#[must_use]
pub fn ops_evidence(service: &Service, kind: OpsKind) -> Vec<OpsEvidence> {
    let mut found: Vec<OpsEvidence> = service
        .operations
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| OpsEvidence {
            what: s.what.clone(),
            location: Some(s.location.clone()),
        })
        .collect();
    let (list, prefixes): (&[&str], &[&str]) = match kind {
        OpsKind::StructuredLogging => (STRUCTURED_LOGGING_PACKAGES, &[]),
        OpsKind::RequestId => (REQUEST_ID_PACKAGES, REQUEST_ID_PREFIXES),
        OpsKind::Metrics => (METRICS_PACKAGES, &[]),
        OpsKind::TextLogging => (&[], &[]),
    };
    for package in &service.dependencies {
        if package_in(package, list, prefixes) {
            found.push(OpsEvidence {
                what: format!("dependency `{package}`"),
                location: None,
            });
        }
    }
    found
}
