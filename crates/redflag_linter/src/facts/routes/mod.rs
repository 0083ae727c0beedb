//! Route extraction: one module per language family fills a file's
//! [`ServiceFacts`] from its syntax tree.
//!
//! A file is parsed for routes only when a cheap text check finds the name
//! of a framework it could use; every other file costs one substring
//! search.

mod js;
mod python;
mod rust;

use redflag_syntax::Language;

use super::service::ServiceFacts;
use crate::source::SourceFile;

pub(crate) use crate::semantics::{compact, walk};

/// Longest marker recorded, in characters.
const MARKER_CHARS: usize = 120;

/// Source text as markers and middleware are recorded: whitespace runs
/// collapsed to one space, cut at [`MARKER_CHARS`] characters.
pub(crate) fn marker_text(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match joined.char_indices().nth(MARKER_CHARS) {
        Some((cut, _)) => joined[..cut].to_string(),
        None => joined,
    }
}

/// Words one of which a file of each language must contain to be read for
/// routes (framework packages, and the names URL-conf modules use).
fn mentions_a_framework(language: Language, text: &str) -> bool {
    let words: &[&str] = match language {
        Language::Python => &[
            "fastapi",
            "flask",
            "django",
            "rest_framework",
            "aiohttp",
            "urlpatterns",
            "APIRouter",
            "Blueprint",
        ],
        // Rocket handler modules may only carry the attributes.
        Language::Rust => &[
            "axum",
            "actix",
            "rocket",
            "#[get(",
            "#[post(",
            "#[put(",
            "#[patch(",
            "#[delete(",
            "#[route(",
        ],
        // Plugins and route modules handed the app may import nothing:
        // their route registrations name them.
        _ => &[
            "express",
            "fastify",
            "Fastify",
            "@nestjs",
            "koa",
            "hono",
            "Router",
            "app.get(",
            "app.post(",
            ".get('/",
            ".get(\"/",
            ".post('/",
            ".post(\"/",
            ".route(",
        ],
    };
    words.iter().any(|word| text.contains(word))
}

/// The service facts of a code file; `None` when it has none.
#[must_use]
pub fn collect(file: &SourceFile) -> Option<ServiceFacts> {
    let language = file.kind.language()?;
    if !mentions_a_framework(language, &file.text) {
        return None;
    }
    file.tree()?;
    let mut facts = ServiceFacts::default();
    match language {
        Language::Python => python::collect(file, &mut facts),
        Language::Rust => rust::collect(file, &mut facts),
        _ => js::collect(file, language, &mut facts),
    }
    let mut modules: Vec<String> = file.imports().modules().to_vec();
    modules.sort();
    modules.dedup();
    facts.imports = modules;
    (!facts.is_empty()).then_some(facts)
}

/// The service facts of a snippet analysed as `path`, for the extractors'
/// tests.
#[cfg(test)]
pub(crate) fn facts_of(path: &str, text: &str) -> ServiceFacts {
    let kind = redflag_syntax::classify(std::path::Path::new(path)).expect("a code file path");
    let file = SourceFile::new(path.to_string(), kind, text.to_string(), None);
    collect(&file).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_that_name_no_framework_are_not_parsed() {
        assert!(!mentions_a_framework(Language::Python, "import os\n"));
        assert!(mentions_a_framework(
            Language::Python,
            "from fastapi import APIRouter\n"
        ));
        assert!(mentions_a_framework(Language::Rust, "use axum::Router;\n"));
        assert!(facts_of("app/util.py", "def f():\n    return 1\n").is_empty());
    }
}
