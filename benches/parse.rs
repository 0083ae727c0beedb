//! Parse + traversal per language, and the whole per-file stage (parse,
//! one traversal with every rule, suppressions) on realistic files.
//!
//! `cargo bench --bench parse`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use redflag_linter::engine::{Engine, Settings, SourceInput};
use redflag_linter::registry::Registry;
use redflag_syntax::{FileKind, Language};

/// Samples from testdata, repeated to a few hundred lines.
fn sample(language: Language) -> (FileKind, String) {
    let (kind, text) = match language {
        Language::Python => (FileKind::Python, include_str!("../testdata/bench/app.py")),
        Language::TypeScript => (
            FileKind::TypeScript,
            include_str!("../testdata/bench/server.ts"),
        ),
        Language::Tsx => (
            FileKind::Tsx,
            include_str!("../testdata/bench/component.tsx"),
        ),
        Language::JavaScript => (
            FileKind::JavaScript,
            include_str!("../testdata/bench/routes.js"),
        ),
        Language::Rust => (
            FileKind::Rust,
            include_str!("../testdata/bench/handlers.rs"),
        ),
    };
    (kind, text.repeat(8))
}

fn parse_and_traverse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse+traverse");
    for language in Language::ALL {
        let (_, text) = sample(language);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(language.name()),
            &text,
            |b, text| {
                b.iter(|| {
                    let tree = redflag_syntax::parse::parse(language, text).expect("tree");
                    let mut cursor = tree.walk();
                    let mut nodes = 0usize;
                    loop {
                        nodes += 1;
                        if cursor.goto_first_child() {
                            continue;
                        }
                        while !cursor.goto_next_sibling() {
                            if !cursor.goto_parent() {
                                return nodes;
                            }
                        }
                    }
                });
            },
        );
    }
    group.finish();
}

fn per_file_stage(c: &mut Criterion) {
    let registry = Registry::builtin().expect("rules");
    let enabled = vec![true; registry.rules().len()];
    let engine = Engine::new(registry, enabled, Settings::default());
    let mut group = c.benchmark_group("all-rules");
    for language in Language::ALL {
        let (kind, text) = sample(language);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(language.name()),
            &text,
            |b, text| {
                b.iter(|| {
                    engine.scan_sources(vec![SourceInput {
                        path: format!("src/sample.{}", language.name()),
                        kind,
                        text: text.clone(),
                    }])
                });
            },
        );
    }
    group.finish();
}

criterion_group!(benches, parse_and_traverse, per_file_stage);
criterion_main!(benches);
