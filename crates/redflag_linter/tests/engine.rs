//! Engine guarantees: one traversal per file with kind buckets, panics
//! isolated to their file, and the same result whatever the thread count.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use redflag_linter::engine::{Engine, Settings};
use redflag_linter::registry::Registry;
use redflag_linter::rule::{NodeContext, Rule, RuleMeta};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};
use redflag_workspace::WalkedFile;

/// Panics on any file whose path contains `boom`.
struct PanicsOnBoom {
    meta: RuleMeta,
}

impl Rule for PanicsOnBoom {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }
    fn node_kinds(&self, language: Language) -> Vec<String> {
        match language {
            Language::Python => vec!["module".to_string()],
            _ => Vec::new(),
        }
    }
    fn check_node(&self, _node: Node<'_>, ctx: &mut NodeContext<'_>) {
        assert!(
            !ctx.file.path.contains("boom"),
            "rule bug triggered by {}",
            ctx.file.path
        );
    }
}

/// Counts how often it is called, to show kinds are bucketed.
struct CountsCalls {
    meta: RuleMeta,
    calls: Arc<AtomicUsize>,
}

impl Rule for CountsCalls {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }
    fn node_kinds(&self, language: Language) -> Vec<String> {
        match language {
            Language::Python => vec!["call".to_string()],
            _ => Vec::new(),
        }
    }
    fn check_node(&self, node: Node<'_>, _ctx: &mut NodeContext<'_>) {
        assert_eq!(node.kind(), "call");
        self.calls.fetch_add(1, Ordering::Relaxed);
    }
}

fn walked(dir: &std::path::Path, name: &str, text: &str) -> WalkedFile {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    WalkedFile {
        path,
        display: name.to_string(),
        kind: FileKind::Python,
        explicit: false,
    }
}

#[test]
fn a_panic_in_one_file_is_an_error_for_that_file_only() {
    redflag_linter::panic_guard::install_panic_hook();
    let mut registry = Registry::builtin().unwrap();
    registry
        .add(Box::new(PanicsOnBoom {
            meta: RuleMeta::new("test-panics-on-boom", "TASK-4.1"),
        }))
        .unwrap();
    let enabled = vec![true; registry.rules().len()];
    let engine = Engine::new(registry, enabled, Settings::default());
    let dir = tempfile::tempdir().unwrap();
    let files = vec![
        walked(dir.path(), "boom.py", "requests.get(url, verify=False)\n"),
        walked(dir.path(), "fine.py", "requests.get(url, verify=False)\n"),
    ];
    let result = engine.scan(&files, &|| {});
    assert_eq!(result.errors.len(), 1, "{:?}", result.errors);
    assert_eq!(result.errors[0].path, "boom.py");
    assert!(
        result.errors[0]
            .message
            .contains("rule bug triggered by boom.py"),
        "{}",
        result.errors[0].message
    );
    let paths: Vec<&str> = result
        .findings
        .iter()
        .filter_map(|f| f.path.as_deref())
        .collect();
    assert_eq!(paths, ["fine.py"]);
    assert_eq!(result.files_scanned, 1);
}

#[test]
fn rules_only_see_the_node_kinds_they_declare() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut registry = Registry::empty();
    registry
        .add(Box::new(CountsCalls {
            meta: RuleMeta::new("test-counts-calls", "TASK-4.1"),
            calls: Arc::clone(&calls),
        }))
        .unwrap();
    let engine = Engine::new(registry, vec![true], Settings::default());
    let result = engine.scan_sources(vec![redflag_linter::SourceInput {
        path: "a.py".into(),
        kind: FileKind::Python,
        text: "x = f(g(1), h())\ny = [i for i in range(3)]\n".into(),
    }]);
    assert!(result.errors.is_empty());
    assert_eq!(calls.load(Ordering::Relaxed), 4, "f, g, h and range");
}

#[test]
fn files_no_rule_can_match_are_not_parsed() {
    let registry = Registry::builtin().unwrap();
    let enabled = vec![true; registry.rules().len()];
    let engine = Engine::new(registry, enabled, Settings::default());
    let source = |path: &str, kind, text: &str| redflag_linter::SourceInput {
        path: path.into(),
        kind,
        text: text.into(),
    };
    let result = engine.scan_sources(vec![
        source(
            "plain.py",
            FileKind::Python,
            "def add(a, b):\n    return a + b\n",
        ),
        source(
            "plain.ts",
            FileKind::TypeScript,
            "export const sum = (a: number, b: number) => a + b;\n",
        ),
        source(
            "plain.rs",
            FileKind::Rust,
            "pub fn add(a: u32, b: u32) -> u32 { a + b }\n",
        ),
        // Contains a literal of tls-verification-disabled: parsed, and found.
        source(
            "client.py",
            FileKind::Python,
            "requests.get(url, verify=False)\n",
        ),
        // `async` alone is not enough for the blocking rule: no candidate call.
        source(
            "handler.py",
            FileKind::Python,
            "async def f():\n    return 1\n",
        ),
    ]);
    assert_eq!(result.files_scanned, 5);
    assert_eq!(result.files_parsed, 1, "only client.py needs a tree");
    assert_eq!(result.findings.len(), 1);
}
