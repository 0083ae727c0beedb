//! Facts: what per-file analysis learns for project-level rules.
//!
//! Facts are plain data extracted in the parallel stage while a file is
//! open; syntax trees die with the file, facts live on into the project
//! model: the SQL schema; what code files say about their HTTP service
//! (routes, mounts, middleware); manifests, deployment files and OpenAPI
//! specs.

pub mod deploy;
pub mod manifest;
pub mod openapi;
pub mod routes;
pub mod service;
pub mod sql;

use redflag_syntax::FileKind;

use crate::source::SourceFile;

/// Everything one file contributes to the project model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileFacts {
    pub path: String,
    pub sql: Option<sql::SqlFacts>,
    pub service: Option<service::ServiceFacts>,
    pub manifest: Option<manifest::ManifestFact>,
    pub deploy: Option<deploy::DeployFacts>,
    pub openapi: Option<openapi::OpenApiFact>,
}

impl FileFacts {
    fn is_empty(&self) -> bool {
        self.sql.is_none()
            && self.service.is_none()
            && self.manifest.is_none()
            && self.deploy.is_none()
            && self.openapi.is_none()
    }
}

/// Extracts the facts of one file, if it has any.
#[must_use]
pub fn collect(file: &SourceFile) -> Option<FileFacts> {
    let mut facts = FileFacts {
        path: file.path.clone(),
        ..FileFacts::default()
    };
    match file.kind {
        FileKind::Sql => facts.sql = Some(sql::collect_sql_facts(file)),
        kind if kind.language().is_some() => facts.service = routes::collect(file),
        FileKind::Dockerfile => facts.deploy = deploy::collect(file),
        FileKind::Yaml => {
            facts.deploy = deploy::collect(file);
            facts.openapi = openapi::collect(file);
        }
        FileKind::Json => facts.openapi = openapi::collect(file),
        _ => {}
    }
    facts.manifest = manifest::collect(file);
    (!facts.is_empty()).then_some(facts)
}
