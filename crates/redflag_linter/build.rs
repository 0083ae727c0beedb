//! Collects the rules, so that adding one touches nothing else.
//!
//! - Rust rules: every `src/rules/<area>/<rule_name>.rs` becomes a module and
//!   an entry of `builtin_rust_rules()`; each such file exports
//!   `pub(crate) fn rule() -> Box<dyn Rule>`.
//! - YAML rules: every `rules/<area>/<rule-name>.yaml` of the workspace is
//!   embedded with `include_str!`.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    entries
}

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let rust_rules = manifest.join("src/rules");
    let yaml_rules = manifest.join("../../rules");
    println!("cargo:rerun-if-changed={}", rust_rules.display());
    println!("cargo:rerun-if-changed={}", yaml_rules.display());

    let mut modules = String::new();
    let mut constructors = Vec::new();
    for area in sorted_entries(&rust_rules) {
        if !area.is_dir() {
            continue;
        }
        let area_name = area
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 area name")
            .to_string();
        writeln!(modules, "pub mod {area_name} {{").unwrap();
        for file in sorted_entries(&area) {
            if file.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let stem = file
                .file_stem()
                .and_then(|n| n.to_str())
                .expect("utf-8 rule file name");
            writeln!(modules, "    #[path = {:?}]", file.display().to_string()).unwrap();
            writeln!(modules, "    pub mod {stem};").unwrap();
            constructors.push(format!("{area_name}::{stem}::rule()"));
        }
        writeln!(modules, "}}").unwrap();
    }
    writeln!(
        modules,
        "/// Every Rust rule of `src/rules/`, collected by the build script.\npub(crate) fn builtin_rust_rules() -> Vec<Box<dyn crate::rule::Rule>> {{\n    vec![{}]\n}}",
        constructors.join(", ")
    )
    .unwrap();

    let mut embedded = String::from(
        "/// Every YAML rule of `rules/`, embedded by the build script: (path under `rules/`, text).\npub(crate) const EMBEDDED_YAML_RULES: &[(&str, &str)] = &[\n",
    );
    for area in sorted_entries(&yaml_rules) {
        if !area.is_dir() {
            continue;
        }
        let area_name = area
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 area name")
            .to_string();
        for file in sorted_entries(&area) {
            if file.extension().is_none_or(|e| e != "yaml" && e != "yml") {
                continue;
            }
            let name = file
                .file_name()
                .and_then(|n| n.to_str())
                .expect("utf-8 rule file name");
            writeln!(
                embedded,
                "    ({:?}, include_str!({:?})),",
                format!("{area_name}/{name}"),
                file.display().to_string()
            )
            .unwrap();
        }
    }
    embedded.push_str("];\n");

    fs::write(out.join("rust_rules.rs"), modules).expect("write generated rust rules");
    fs::write(out.join("yaml_rules.rs"), embedded).expect("write generated yaml rules");
}
