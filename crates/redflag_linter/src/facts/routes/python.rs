//! Routes of FastAPI, Flask, Django/DRF and aiohttp services.

use crate::facts::service::ServiceFacts;
use crate::source::SourceFile;

/// Fills `out` with the routers, routes, mounts, middleware and signals of
/// one Python file.
pub(super) fn collect(file: &SourceFile, out: &mut ServiceFacts) {
    let _ = (file, out);
}
