//! Facts: what per-file analysis learns for project-level rules.
//!
//! Facts are plain data extracted in the parallel stage while a file is
//! open; syntax trees die with the file, facts live on into the project
//! model: the SQL schema; what code files say about their HTTP service
//! (routes, mounts, middleware); manifests, deployment files and OpenAPI
//! specs; the datastores configuration names; schema declared by ORM
//! models and code migrations, and the queries code runs.

pub mod data;
pub mod datastores;
pub mod deploy;
pub mod manifest;
pub mod openapi;
pub mod operations;
pub mod orm;
pub mod outbound;
pub mod queries;
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
    /// Schema declared by ORM models and code migrations.
    pub schema: Option<data::SchemaFacts>,
    /// Queries the file runs.
    pub queries: Vec<data::QueryFact>,
    /// HTTP calls to external hosts.
    pub outbound: Vec<outbound::OutboundCall>,
    /// Datastores named by connection URLs, backends and providers.
    pub datastores: Vec<datastores::DatastoreRef>,
    /// Logging, request-ID and metrics evidence, and stdout prints.
    pub operations: Option<operations::OperationsFacts>,
}

impl FileFacts {
    fn is_empty(&self) -> bool {
        self.sql.is_none()
            && self.service.is_none()
            && self.manifest.is_none()
            && self.deploy.is_none()
            && self.openapi.is_none()
            && self.schema.is_none()
            && self.queries.is_empty()
            && self.outbound.is_empty()
            && self.datastores.is_empty()
            && self.operations.is_none()
    }
}

/// Directories whose code documents or exercises a service rather than
/// being one (beyond the test and example directories).
const DOCUMENTATION_DIRS: &[&str] = &[
    "docs",
    "doc",
    "docs_src",
    "samples",
    "sample",
    "demo",
    "demos",
    "playground",
    "e2e",
];

/// True for files whose apps, routes and deployment files are not a
/// service of the repository: test suites, fixtures, examples, docs.
#[must_use]
pub fn is_outside_services(path: &str) -> bool {
    crate::semantics::paths::is_test_or_example(path)
        || path
            .split('/')
            .rev()
            .skip(1)
            .any(|dir| DOCUMENTATION_DIRS.contains(&dir))
}

/// Extracts the facts of one file, if it has any.
#[must_use]
pub fn collect(file: &SourceFile) -> Option<FileFacts> {
    let mut facts = FileFacts {
        path: file.path.clone(),
        ..FileFacts::default()
    };
    if file.kind != FileKind::Sql && is_outside_services(&file.path) {
        // A spec in `docs/` still documents the services.
        if !crate::semantics::paths::is_test_or_example(&file.path) {
            facts.openapi = match file.kind {
                FileKind::Yaml | FileKind::Json => openapi::collect(file),
                _ => None,
            };
        }
        return (!facts.is_empty()).then_some(facts);
    }
    match file.kind {
        FileKind::Sql => facts.sql = Some(sql::collect_sql_facts(file)),
        kind if kind.language().is_some() => {
            facts.service = routes::collect(file);
            facts.queries = queries::collect(file);
            facts.outbound = outbound::collect(file);
            facts.operations = operations::collect(file);
        }
        FileKind::Dockerfile => facts.deploy = deploy::collect(file),
        FileKind::Yaml => {
            facts.deploy = deploy::collect(file);
            facts.openapi = openapi::collect(file);
        }
        FileKind::Json => facts.openapi = openapi::collect(file),
        _ => {}
    }
    facts.schema = orm::collect(file);
    facts.manifest = manifest::collect(file);
    facts.datastores = datastores::collect(file);
    (!facts.is_empty()).then_some(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_docs_and_example_apps_are_not_services() {
        for path in [
            "tests/test_app.py",
            "docs_src/first_steps/tutorial001.py",
            "examples/hello/main.rs",
            "packages/api/src/server.spec.ts",
            "docs/snippets/app.js",
        ] {
            assert!(is_outside_services(path), "{path}");
        }
        for path in [
            "app/main.py",
            "src/routes/users.ts",
            "services/docs-api/src/main.rs",
        ] {
            assert!(!is_outside_services(path), "{path}");
        }
        let spec = "openapi: 3.0.3\ninfo:\n  title: x\npaths: {}\n";
        let file = SourceFile::new(
            "docs/openapi.yaml".into(),
            FileKind::Yaml,
            spec.into(),
            None,
        );
        assert!(collect(&file).and_then(|f| f.openapi).is_some());
        let app = "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/x')\ndef x():\n    return 1\n";
        let file = SourceFile::new(
            "tests/test_app.py".into(),
            FileKind::Python,
            app.into(),
            None,
        );
        assert!(collect(&file).is_none());
    }
}
