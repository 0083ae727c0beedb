//! The redflag rule engine.
//!
//! Owns the [`Rule`](rule::Rule) abstraction and its three shapes (per-node,
//! file, project), the registry of built-in, declarative and user rules, the
//! task catalog, the per-file stage (one traversal per file, rules bucketed
//! by node kind), facts and the project model, suppressions and selection.
//! Rust rules live one per file under `src/rules/<area>/`.

pub mod catalog;
pub mod declarative;
pub mod engine;
pub mod facts;
pub mod panic_guard;
pub mod project;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod secret_findings;
pub mod secrets;
pub mod selection;
pub mod semantics;
pub mod source;
pub mod suppression;

pub use catalog::Catalog;
pub use engine::{Engine, FileNote, ScanResult, Settings, SourceInput};
pub use registry::{Registry, RegistryError};
pub use rule::{Rule, RuleId, RuleMeta};
pub use selection::{parse_selector, resolve_selection, PerFileIgnores, Selector};
