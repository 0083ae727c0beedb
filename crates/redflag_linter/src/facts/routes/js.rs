//! Routes of Express, Fastify, NestJS, Koa-router and Hono services.

use redflag_syntax::Language;

use crate::facts::service::ServiceFacts;
use crate::source::SourceFile;

/// Fills `out` with the routers, routes, mounts, middleware and signals of
/// one JavaScript/TypeScript file.
pub(super) fn collect(file: &SourceFile, language: Language, out: &mut ServiceFacts) {
    let _ = (file, language, out);
}
