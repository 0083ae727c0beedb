//! Findings and how they are shown.
//!
//! The [`Finding`] type is the contract every consumer of redflag reads —
//! terminals, editors through JSON, code scanning through SARIF, GitHub
//! annotations. This crate owns that type, the report order and fingerprints,
//! and one renderer per output format. It knows nothing about how findings
//! are produced.

pub mod finding;
pub mod render;
pub mod todo;

pub use finding::{
    finalize, hash_hex, normalize_for_fingerprint, Confidence, Edit, Finding, Fix, Position,
    RuleDescriptor, Severity,
};
pub use render::{
    mask_secret, render_concise, render_full, render_github, render_json, render_sarif,
    render_statistics, NoSources, Report, ScanError, SourceProvider, Summary,
};
pub use todo::{render_todo, ChecklistItem, TodoContext};
