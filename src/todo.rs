//! The context of the checklist report, from the project model: project
//! name, detected stack, services with their frameworks, route counts,
//! datastores, specs and deployment.

use std::collections::BTreeSet;
use std::path::Path;

use redflag_diagnostics::{ChecklistItem, TodoContext};
use redflag_linter::project::ProjectModel;
use redflag_linter::Catalog;

/// The file the report goes to when `-o` names none.
pub const DEFAULT_TODO_FILE: &str = "TODO_backend-architect.md";

/// Every catalog item with its section and heading titles.
#[must_use]
pub fn checklist_items() -> Vec<ChecklistItem> {
    let catalog = Catalog::builtin();
    catalog
        .items
        .iter()
        .map(|item| {
            let section = catalog
                .sections
                .iter()
                .find(|s| item.id.starts_with(&format!("{}-", s.prefix)))
                .map(|s| format!("{} — {}", s.prefix, s.title))
                .unwrap_or_default();
            let group = catalog
                .group_of(&item.id)
                .map(|g| {
                    let number = g.id.rsplit('-').next().unwrap_or("");
                    if number.chars().all(|c| c.is_ascii_digit()) && !number.is_empty() {
                        format!("{number}. {}", g.title)
                    } else {
                        g.title.clone()
                    }
                })
                .unwrap_or_default();
            ChecklistItem {
                id: item.id.clone(),
                text: item.text.clone(),
                section,
                group,
            }
        })
        .collect()
}

/// The context section.
#[must_use]
pub fn context(model: Option<&ProjectModel>, root: &Path) -> TodoContext {
    let project = root
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| ".".to_string());
    let mut lines = vec![format!("- **Project**: `{project}`")];
    let Some(model) = model else {
        lines.push("- The project model could not be built.".to_string());
        return TodoContext {
            project,
            lines,
            idle_rules: Vec::new(),
        };
    };
    let services = &model.services.services;
    let frameworks: BTreeSet<&str> = services
        .iter()
        .flat_map(|s| s.frameworks.iter().map(|f| f.name()))
        .collect();
    let datastores: BTreeSet<&str> = services
        .iter()
        .flat_map(|s| s.datastores.iter().map(String::as_str))
        .collect();
    let mut languages: BTreeSet<&str> = BTreeSet::new();
    for facts in &model.files {
        let ext = facts.path.rsplit('.').next().unwrap_or("");
        match ext {
            "py" => languages.insert("Python"),
            "ts" | "tsx" => languages.insert("TypeScript"),
            "js" | "jsx" | "mjs" | "cjs" => languages.insert("JavaScript"),
            "rs" => languages.insert("Rust"),
            "sql" => languages.insert("SQL"),
            _ => false,
        };
    }
    let list = |set: &BTreeSet<&str>| {
        if set.is_empty() {
            "none detected".to_string()
        } else {
            set.iter().copied().collect::<Vec<_>>().join(", ")
        }
    };
    lines.push(format!(
        "- **Stack**: languages {}; frameworks {}; datastores {}",
        list(&languages),
        list(&frameworks),
        list(&datastores)
    ));
    if services.is_empty() {
        lines.push("- **Services**: none found (no application with routes)".to_string());
    } else {
        lines.push(format!("- **Services**: {}", services.len()));
        lines.push(String::new());
        lines.push(
            "| service | root | frameworks | routes | datastores | OpenAPI | deployment |"
                .to_string(),
        );
        lines.push("| --- | --- | --- | --- | --- | --- | --- |".to_string());
        for service in services {
            let mut deployment = Vec::new();
            if !service.dockerfiles.is_empty() {
                deployment.push(format!("{} Dockerfile(s)", service.dockerfiles.len()));
            }
            if !service.workloads.is_empty() {
                deployment.push(format!("{} k8s workload(s)", service.workloads.len()));
            }
            if !service.compose.is_empty() {
                deployment.push("compose".to_string());
            }
            lines.push(format!(
                "| {} | `{}` | {} | {} | {} | {} | {} |",
                service.name,
                if service.root.is_empty() {
                    "."
                } else {
                    &service.root
                },
                service
                    .frameworks
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join(", "),
                service.routes.len(),
                if service.datastores.is_empty() {
                    "-".to_string()
                } else {
                    service.datastores.join(", ")
                },
                if service.specs.is_empty() {
                    "-".to_string()
                } else {
                    service.specs.join(", ")
                },
                if deployment.is_empty() {
                    "-".to_string()
                } else {
                    deployment.join(", ")
                }
            ));
        }
        lines.push(String::new());
    }
    let specs = &model.services.specs;
    if !specs.is_empty() {
        lines.push(format!(
            "- **OpenAPI specs**: {}",
            specs
                .iter()
                .map(|(p, _)| format!("`{p}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    lines.push(format!(
        "- **Deployment**: {} Dockerfile(s), {} Kubernetes workload(s), {} Ingress(es), {} compose service(s)",
        model.services.dockerfiles.len(),
        model.services.workloads.len(),
        model.services.ingresses.len(),
        model.services.compose.len()
    ));
    if model.has_schema() {
        lines.push(format!(
            "- **Schema**: {} table(s) from {}",
            model
                .data
                .schema
                .tables
                .values()
                .filter(|t| t.created)
                .count(),
            model
                .data
                .sources
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    TodoContext {
        project,
        lines,
        idle_rules: idle_rules(model),
    }
}

/// Data rules that had nothing to read in this repository.
fn idle_rules(model: &ProjectModel) -> Vec<(String, String)> {
    let mut idle = Vec::new();
    if !model.has_schema() {
        for rule in [
            "foreign-key-without-index",
            "table-without-primary-key",
            "query-on-unindexed-column",
        ] {
            idle.push((
                rule.to_string(),
                "no database schema (migrations or ORM models) found".to_string(),
            ));
        }
    }
    let no_queries = model.files.iter().all(|f| f.queries.is_empty());
    let no_datastore = model
        .services
        .services
        .iter()
        .all(|s| s.datastores.is_empty());
    if no_queries && no_datastore {
        idle.push((
            "connection-per-request".to_string(),
            "no database client or query found".to_string(),
        ));
    }
    if no_queries {
        for rule in ["query-in-loop", "unbounded-query", "sql-built-from-strings"] {
            idle.push((
                rule.to_string(),
                "no database queries found in the code".to_string(),
            ));
        }
    }
    if model
        .services
        .services
        .iter()
        .all(|s| s.outbound.is_empty())
    {
        idle.push((
            "outbound-calls-without-circuit-breaker".to_string(),
            "no outbound HTTP call to a fixed external host found".to_string(),
        ));
    }
    if model.services.workloads.is_empty() && model.services.compose.is_empty() {
        idle.push((
            "services-share-database".to_string(),
            "no compose or Kubernetes deployment found".to_string(),
        ));
    }
    let has_migrations = model
        .files
        .iter()
        .any(|f| f.sql.is_some() || f.schema.as_ref().is_some_and(|s| s.source.is_migration()));
    if !has_migrations {
        for rule in ["migration-without-down", "locking-migration"] {
            idle.push((rule.to_string(), "no migrations found".to_string()));
        }
    }
    idle
}
