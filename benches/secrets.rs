//! The secrets stage on source code, one core: the anchor pass with its
//! bounded-window matching and validation (`SecretScan::run`), and the six
//! RF-6 rules through the engine (which adds syntax-tree context for the
//! files with candidates).
//!
//! `cargo bench --bench secrets`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use redflag_linter::engine::{Engine, Settings, SourceInput};
use redflag_linter::registry::Registry;
use redflag_linter::secrets::SecretScan;
use redflag_syntax::FileKind;

/// Realistic source files from testdata, repeated to a few hundred lines.
fn samples() -> Vec<(&'static str, FileKind, String)> {
    let code = [
        (
            "python",
            FileKind::Python,
            include_str!("../testdata/bench/app.py"),
        ),
        (
            "typescript",
            FileKind::TypeScript,
            include_str!("../testdata/bench/server.ts"),
        ),
        (
            "tsx",
            FileKind::Tsx,
            include_str!("../testdata/bench/component.tsx"),
        ),
        (
            "javascript",
            FileKind::JavaScript,
            include_str!("../testdata/bench/routes.js"),
        ),
        (
            "rust",
            FileKind::Rust,
            include_str!("../testdata/bench/handlers.rs"),
        ),
    ];
    code.into_iter()
        .map(|(name, kind, text)| (name, kind, text.repeat(8)))
        .collect()
}

fn text_stage(c: &mut Criterion) {
    let mut group = c.benchmark_group("secrets-text-stage");
    for (name, _, text) in samples() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| SecretScan::run(text, "src/sample"));
        });
    }
    let all: String = samples().into_iter().map(|(_, _, t)| t).collect();
    group.throughput(Throughput::Bytes(all.len() as u64));
    group.bench_with_input(
        BenchmarkId::from_parameter("all-languages"),
        &all,
        |b, text| {
            b.iter(|| SecretScan::run(text, "src/sample"));
        },
    );
    group.finish();
}

fn secrets_rules(c: &mut Criterion) {
    let registry = Registry::builtin().expect("rules");
    let enabled: Vec<bool> = registry
        .rules()
        .iter()
        .map(|rule| rule.meta().red_flag.as_deref() == Some("RF-6"))
        .collect();
    assert_eq!(
        enabled.iter().filter(|e| **e).count(),
        6,
        "the six secrets rules"
    );
    let engine = Engine::new(registry, enabled, Settings::default());
    let mut group = c.benchmark_group("secrets-rules");
    for (name, kind, text) in samples() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| {
                engine.scan_sources(vec![SourceInput {
                    path: format!("src/sample.{name}"),
                    kind,
                    text: text.clone(),
                }])
            });
        });
    }
    group.finish();
}

criterion_group!(benches, text_stage, secrets_rules);
criterion_main!(benches);
