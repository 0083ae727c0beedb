//! `redflag inventory`: prints the service model — services, their
//! frameworks, routes with method, full path, handler and markers,
//! datastores, specs and probes — as text or versioned JSON.
//!
//! It runs the same walk and per-file stage as `check`, with no rule
//! enabled, and keeps the project model instead of findings.

use std::fmt::Write as _;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use redflag_linter::facts::deploy::{Probe, ProbeCheck};
use redflag_linter::project::schema::{Index, Table};
use redflag_linter::project::services::{Route, Service};
use redflag_linter::project::vocabulary::ServiceSettings;
use redflag_linter::project::ProjectModel;
use redflag_linter::source::Location;
use redflag_linter::Engine;
use redflag_workspace::walk::{walk, WalkOptions};

use crate::check::resolve;
use crate::cli::{CheckArgs, ColorChoice, InventoryArgs, InventoryFormat, OutputFormat};

/// Runs `redflag inventory`.
pub fn run(args: &InventoryArgs) -> Result<u8> {
    let check_args = CheckArgs {
        paths: args.paths.clone(),
        output_format: OutputFormat::Json,
        output_file: None,
        select: None,
        extend_select: Vec::new(),
        ignore: Vec::new(),
        fail_on: None,
        exit_zero: false,
        statistics: false,
        verbose: args.verbose,
        force_exclude: false,
        config: args.config.clone(),
        rules: Vec::new(),
        extend_exclude: args.extend_exclude.clone(),
        follow_symlinks: args.follow_symlinks,
        max_file_size: None,
        sql_dialect: None,
        show_secrets: false,
        color: ColorChoice::Never,
    };
    let cwd = std::env::current_dir().context("cannot read the working directory")?;
    let mut resolved = resolve(&check_args, &cwd)?;
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let walked = walk(&WalkOptions {
        paths,
        cwd,
        excludes: resolved.excludes.clone(),
        force_exclude: false,
        follow_symlinks: resolved.follow_symlinks,
    })?;
    resolved.settings.keep_model = true;
    let enabled = vec![false; resolved.enabled.len()];
    let engine = Engine::new(resolved.registry, enabled, resolved.settings);
    let result = engine.scan(&walked.files, &|| {});
    for error in &result.errors {
        eprintln!("redflag: error: {}: {}", error.path, error.message);
    }
    let Some(model) = result.model else {
        bail!("the project model could not be built");
    };
    let text = match args.output_format {
        InventoryFormat::Text => {
            let mut text = render_text(&model.services.services, &model.service_settings);
            text.push_str(&render_schema_text(&model));
            text
        }
        InventoryFormat::Json => {
            let mut value = to_json(&model.services.services, &model.service_settings);
            value["schema"] = schema_json(&model);
            let mut text = serde_json::to_string_pretty(&value)?;
            text.push('\n');
            text
        }
    };
    let written = match &args.output_file {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("cannot write the inventory"),
            }
        }
    };
    written?;
    Ok(0)
}

fn at(location: &Location) -> String {
    format!("{}:{}", location.path, location.start.line)
}

fn evidence(route: &Route, settings: &ServiceSettings) -> Vec<&'static str> {
    let mut kinds: Vec<_> = route
        .markers
        .iter()
        .flat_map(|m| settings.classify(m))
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds.into_iter().map(|k| k.name()).collect()
}

fn probe_text(probe: &Probe) -> String {
    let check = match &probe.check {
        ProbeCheck::Http { path, port } => match port {
            Some(port) => format!("http {path} (port {port})"),
            None => format!("http {path}"),
        },
        ProbeCheck::Exec(command) => format!("exec `{command}`"),
        ProbeCheck::Tcp(port) => format!("tcp {port}"),
        ProbeCheck::Grpc => "grpc".to_string(),
        ProbeCheck::Disabled => "disabled".to_string(),
    };
    format!("{} {check} at {}", probe.kind.name(), at(&probe.location))
}

fn probe_json(probe: &Probe) -> Value {
    let (check, detail) = match &probe.check {
        ProbeCheck::Http { path, port } => ("http", json!({ "path": path, "port": port })),
        ProbeCheck::Exec(command) => ("exec", json!({ "command": command })),
        ProbeCheck::Tcp(port) => ("tcp", json!({ "port": port })),
        ProbeCheck::Grpc => ("grpc", json!({})),
        ProbeCheck::Disabled => ("disabled", json!({})),
    };
    json!({
        "kind": probe.kind.name(),
        "check": check,
        "detail": detail,
        "path": probe.location.path,
        "line": probe.location.start.line,
    })
}

/// The human-readable inventory.
#[must_use]
pub fn render_text(services: &[Service], settings: &ServiceSettings) -> String {
    let mut out = String::new();
    if services.is_empty() {
        out.push_str("No services found (no application with routes).\n");
    }
    for service in services {
        let root = if service.root.is_empty() {
            "."
        } else {
            &service.root
        };
        let _ = writeln!(out, "service {} ({root})", service.name);
        if let Some(entry) = &service.entry {
            let _ = writeln!(out, "  entry: {}", at(entry));
        }
        let frameworks: Vec<_> = service.frameworks.iter().map(|f| f.name()).collect();
        let _ = writeln!(out, "  frameworks: {}", frameworks.join(", "));
        if !service.manifests.is_empty() {
            let manifests: Vec<_> = service.manifests.iter().map(|(p, _)| p.as_str()).collect();
            let _ = writeln!(out, "  manifests: {}", manifests.join(", "));
        }
        if !service.datastores.is_empty() {
            let _ = writeln!(out, "  datastores: {}", service.datastores.join(", "));
        }
        for (role, packages) in &service.libraries {
            let _ = writeln!(out, "  {role}: {}", packages.join(", "));
        }
        let _ = writeln!(out, "  routes ({}):", service.routes.len());
        let width = service
            .routes
            .iter()
            .map(|r| r.path.len())
            .max()
            .unwrap_or(0);
        for route in &service.routes {
            let methods = route.methods.join(",");
            let handler = route.handler.as_deref().unwrap_or("<inline>");
            let mut line = format!(
                "    {methods:<7} {:<width$}  {handler}  {}",
                route.path,
                at(&route.location)
            );
            let kinds = evidence(route, settings);
            if !kinds.is_empty() {
                let _ = write!(line, "  [{}]", kinds.join(", "));
            }
            if let Some(status) = route.status {
                let _ = write!(line, "  status {status}");
            }
            if !route.mounted {
                line.push_str("  (not mounted)");
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        for signal in &service.signals {
            let _ = writeln!(
                out,
                "  {}: {} at {}",
                signal.kind.name(),
                signal.detail,
                at(&signal.location)
            );
        }
        for middleware in &service.middleware {
            let _ = writeln!(
                out,
                "  middleware on {}: {} at {}",
                middleware.router,
                middleware.name,
                at(&middleware.location)
            );
        }
        for (path, docker) in &service.dockerfiles {
            let health = docker
                .healthcheck
                .as_ref()
                .map_or_else(|| "no HEALTHCHECK".to_string(), probe_text);
            let _ = writeln!(
                out,
                "  dockerfile {path}: {health}; EXPOSE {}; USER {}",
                if docker.expose.is_empty() {
                    "-".to_string()
                } else {
                    docker.expose.join(" ")
                },
                docker.user.as_deref().unwrap_or("-")
            );
        }
        for compose in &service.compose {
            let health = compose
                .healthcheck
                .as_ref()
                .map_or_else(|| "no healthcheck".to_string(), probe_text);
            let _ = writeln!(out, "  compose service {}: {health}", compose.name);
        }
        for workload in &service.workloads {
            for container in &workload.containers {
                let probes: Vec<String> = container.probes.iter().map(probe_text).collect();
                let probes = if probes.is_empty() {
                    "no probes".to_string()
                } else {
                    probes.join("; ")
                };
                let _ = writeln!(
                    out,
                    "  {} {} container {}: {probes}",
                    workload.kind, workload.name, container.name
                );
            }
        }
        for ingress in &service.ingresses {
            let _ = writeln!(
                out,
                "  ingress {}: tls {}",
                ingress.name,
                if ingress.tls { "yes" } else { "no" }
            );
        }
        for spec in &service.specs {
            let _ = writeln!(out, "  openapi spec: {spec}");
        }
        for call in &service.outbound {
            let _ = writeln!(
                out,
                "  calls {} ({} at {})",
                call.host,
                call.api,
                at(&call.location)
            );
        }
    }
    out
}

/// The inventory as versioned JSON.
#[must_use]
pub fn to_json(services: &[Service], settings: &ServiceSettings) -> Value {
    let services: Vec<Value> = services
        .iter()
        .map(|service| {
            json!({
                "name": service.name,
                "root": service.root,
                "entry": service.entry.as_ref().map(|e| json!({"path": e.path, "line": e.start.line})),
                "frameworks": service.frameworks.iter().map(|f| f.name()).collect::<Vec<_>>(),
                "manifests": service.manifests.iter().map(|(p, _)| p).collect::<Vec<_>>(),
                "dependencies": service.dependencies,
                "libraries": service.libraries,
                "datastores": service.datastores,
                "routes": service.routes.iter().map(|route| json!({
                    "methods": route.methods,
                    "path": route.path,
                    "handler": route.handler,
                    "markers": route.markers,
                    "evidence": evidence(route, settings),
                    "status": route.status,
                    "params": route.params,
                    "mounted": route.mounted,
                    "framework": route.framework.name(),
                    "location": {"path": route.location.path, "line": route.location.start.line},
                })).collect::<Vec<_>>(),
                "signals": service.signals.iter().map(|s| json!({
                    "kind": s.kind.name(),
                    "detail": s.detail,
                    "location": {"path": s.location.path, "line": s.location.start.line},
                })).collect::<Vec<_>>(),
                "middleware": service.middleware.iter().map(|m| json!({
                    "router": m.router,
                    "name": m.name,
                    "location": {"path": m.location.path, "line": m.location.start.line},
                })).collect::<Vec<_>>(),
                "dockerfiles": service.dockerfiles.iter().map(|(path, d)| json!({
                    "path": path,
                    "healthcheck": d.healthcheck.as_ref().map(probe_json),
                    "expose": d.expose,
                    "user": d.user,
                })).collect::<Vec<_>>(),
                "compose": service.compose.iter().map(|c| json!({
                    "name": c.name,
                    "healthcheck": c.healthcheck.as_ref().map(probe_json),
                })).collect::<Vec<_>>(),
                "workloads": service.workloads.iter().map(|w| json!({
                    "kind": w.kind,
                    "name": w.name,
                    "containers": w.containers.iter().map(|c| json!({
                        "name": c.name,
                        "image": c.image,
                        "probes": c.probes.iter().map(probe_json).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "specs": service.specs,
                "outbound": service.outbound.iter().map(|c| json!({
                    "host": c.host,
                    "api": c.api,
                    "location": {"path": c.location.path, "line": c.location.start.line},
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "version": 1, "services": services })
}

fn index_columns(index: &Index) -> String {
    index
        .columns
        .iter()
        .map(|c| c.as_deref().unwrap_or("<expression>"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn tables(model: &ProjectModel) -> impl Iterator<Item = &Table> {
    model.data.schema.tables.values().filter(|t| t.created)
}

/// The replayed schema, after the services.
#[must_use]
pub fn render_schema_text(model: &ProjectModel) -> String {
    let mut out = String::new();
    if !model.has_schema() {
        return out;
    }
    let sources: Vec<&str> = model.data.sources.iter().map(|s| s.name()).collect();
    let _ = writeln!(
        out,
        "schema ({}; from {})",
        model.sql_dialect.name(),
        sources.join(", ")
    );
    for table in tables(model) {
        let defined = table
            .defined_at
            .as_ref()
            .map_or_else(String::new, |at| format!(" at {}", self::at(at)));
        let source = table.source.map_or("", |s| s.name());
        let _ = writeln!(out, "  table {}{defined} ({source})", table.name);
        let _ = writeln!(out, "    columns: {}", table.columns.join(", "));
        match &table.primary_key {
            Some(key) => {
                let _ = writeln!(out, "    primary key ({})", key.join(", "));
            }
            None => out.push_str("    no primary key\n"),
        }
        for (name, key) in &table.uniques {
            let _ = writeln!(out, "    unique {name} ({})", key.join(", "));
        }
        for index in &table.indexes {
            let _ = writeln!(
                out,
                "    {}index {} ({}){}",
                if index.unique { "unique " } else { "" },
                index.name,
                index_columns(index),
                if index.partial { " partial" } else { "" }
            );
        }
        for (name, fk) in &table.foreign_keys {
            let _ = writeln!(
                out,
                "    foreign key {name} ({}) -> {}({})",
                fk.columns.join(", "),
                fk.referenced_table,
                fk.referenced_columns.join(", ")
            );
        }
    }
    out
}

/// The replayed schema as JSON (`null` when the repository has none).
#[must_use]
pub fn schema_json(model: &ProjectModel) -> Value {
    if !model.has_schema() {
        return Value::Null;
    }
    let tables: Vec<Value> = tables(model)
        .map(|table| {
            json!({
                "name": table.name,
                "source": table.source.map(|s| s.name()),
                "defined_at": table.defined_at.as_ref().map(|at| json!({"path": at.path, "line": at.start.line})),
                "columns": table.columns,
                "primary_key": table.primary_key,
                "uniques": table.uniques.iter().map(|(name, key)| json!({"name": name, "columns": key})).collect::<Vec<_>>(),
                "indexes": table.indexes.iter().map(|index| json!({
                    "name": index.name,
                    "columns": index.columns,
                    "unique": index.unique,
                    "partial": index.partial,
                })).collect::<Vec<_>>(),
                "foreign_keys": table.foreign_keys.iter().map(|(name, fk)| json!({
                    "name": name,
                    "columns": fk.columns,
                    "references": {"table": fk.referenced_table, "columns": fk.referenced_columns},
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "dialect": model.sql_dialect.name(),
        "sources": model.data.sources.iter().map(|s| s.name()).collect::<Vec<_>>(),
        "tables": tables,
    })
}
