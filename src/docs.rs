//! `redflag rule` and `redflag tasks`: the rule docs and the checklist
//! catalog, printed from the same data the findings use.

use std::io::Write;

use anyhow::{anyhow, Result};
use redflag_linter::registry::Registry;
use redflag_linter::rule::{RuleOrigin, TaskRef};
use redflag_linter::Catalog;

use crate::check::EXIT_OK;
use crate::cli::RuleArgs;

fn task_line(task: &TaskRef) -> String {
    match task {
        TaskRef::Fixed(id) => {
            let text = Catalog::builtin()
                .item(id)
                .map(|i| i.text.as_str())
                .unwrap_or("");
            format!("{id} {text}")
        }
        TaskRef::OfSuppressedRule => "the task of the rule the suppression names".to_string(),
    }
}

/// Prints one rule's docs, or the list of rules.
///
/// # Errors
/// An unknown rule name (with a suggestion), or a write error.
pub fn rule(args: &RuleArgs) -> Result<u8> {
    let registry = Registry::builtin()?;
    let mut out = std::io::stdout().lock();
    if args.all {
        let width = registry
            .rules()
            .iter()
            .map(|r| r.meta().name.len())
            .max()
            .unwrap_or(0);
        for rule in registry.rules() {
            let meta = rule.meta();
            let task = meta.task_id().unwrap_or("-");
            let flag = meta.red_flag.as_deref().unwrap_or("-");
            writeln!(
                out,
                "{:<width$}  {task:<9}  {flag:<4}  {:<7}  {}",
                meta.name,
                meta.severity.as_str(),
                meta.summary
            )?;
        }
        return Ok(EXIT_OK);
    }
    let name = args.name.as_deref().unwrap_or_default();
    let id = registry.id(name).ok_or_else(|| {
        anyhow!(
            "{} (`redflag rule --all` lists them)",
            registry.unknown_rule(name)
        )
    })?;
    let meta = registry.get(id).meta();
    let kinds: Vec<&str> = meta.kinds.iter().map(|k| k.name()).collect();
    let origin = match &meta.origin {
        RuleOrigin::Builtin => "built-in (Rust)".to_string(),
        RuleOrigin::BuiltinYaml(path) => format!("rules/{path}"),
        RuleOrigin::User(path) => path.clone(),
    };
    writeln!(out, "# {}\n", meta.name)?;
    writeln!(out, "{}\n", meta.summary)?;
    writeln!(out, "- task: {}", task_line(&meta.task))?;
    if let Some(flag) = &meta.red_flag {
        let text = Catalog::builtin()
            .item(flag)
            .map(|i| i.text.as_str())
            .unwrap_or("");
        writeln!(out, "- red flag: {flag} {text}")?;
    }
    writeln!(
        out,
        "- severity: {} (confidence {})",
        meta.severity, meta.confidence
    )?;
    writeln!(out, "- languages: {}", kinds.join(", "))?;
    writeln!(out, "- defined in: {origin}")?;
    if !meta.url.is_empty() {
        writeln!(out, "- docs: {}", meta.url)?;
    }
    writeln!(out, "\n{}", meta.docs)?;
    Ok(EXIT_OK)
}

/// Prints the checklist, grouped under its headings.
///
/// # Errors
/// A write error.
pub fn tasks() -> Result<u8> {
    let catalog = Catalog::builtin();
    let mut out = std::io::stdout().lock();
    for section in &catalog.sections {
        writeln!(out, "{} — {}", section.prefix, section.title)?;
        for group in catalog
            .groups
            .iter()
            .filter(|g| g.id.starts_with(&section.prefix))
        {
            if group.id != section.prefix {
                writeln!(out, "\n  {} {}", group.id, group.title)?;
            }
            for item in catalog
                .items
                .iter()
                .filter(|i| catalog.group_of(&i.id).is_some_and(|g| g.id == group.id))
            {
                writeln!(out, "    {:<9} {}", item.id, item.text)?;
            }
        }
        writeln!(out)?;
    }
    Ok(EXIT_OK)
}
