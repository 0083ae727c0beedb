//! Every rule's metadata is valid and every example it documents behaves as
//! documented: valid samples give no finding of the rule, invalid samples
//! exactly the number they state.

use redflag_linter::engine::{Engine, Settings, SourceInput};
use redflag_linter::registry::{validate, Registry};
use redflag_linter::rule::RuleOrigin;
use redflag_linter::Catalog;

fn engine() -> Engine {
    let registry = Registry::builtin().expect("built-in rules load");
    let enabled = vec![true; registry.rules().len()];
    Engine::new(registry, enabled, Settings::default())
}

#[test]
fn every_builtin_rule_has_a_catalog_task_docs_and_examples() {
    let registry = Registry::builtin().expect("built-in rules load");
    assert!(
        registry.rules().len() >= 6,
        "the four proving rules and the two suppression rules"
    );
    let mut problems = Vec::new();
    for rule in registry.rules() {
        for problem in validate(rule.as_ref(), true) {
            problems.push(format!("{}: {problem}", rule.meta().name));
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn builtin_rules_are_collected_from_both_places() {
    let registry = Registry::builtin().unwrap();
    let origin = |name: &str| {
        registry
            .get(registry.id(name).expect(name))
            .meta()
            .origin
            .clone()
    };
    assert_eq!(
        origin("blocking-call-in-async-function"),
        RuleOrigin::Builtin
    );
    assert_eq!(origin("foreign-key-without-index"), RuleOrigin::Builtin);
    assert!(matches!(
        origin("tls-verification-disabled"),
        RuleOrigin::BuiltinYaml(_)
    ));
    assert!(matches!(
        origin("debug-mode-enabled"),
        RuleOrigin::BuiltinYaml(_)
    ));
}

#[test]
fn every_example_behaves_as_documented() {
    let engine = engine();
    let mut failures = Vec::new();
    for rule in engine.registry().rules() {
        let meta = rule.meta();
        for example in meta.valid.iter().chain(&meta.invalid) {
            let path = example.effective_path();
            let mut sources = vec![SourceInput {
                path: path.clone(),
                kind: example.kind,
                text: example.code.clone(),
            }];
            sources.extend(
                example
                    .other_files
                    .iter()
                    .map(|(path, kind, code)| SourceInput {
                        path: path.clone(),
                        kind: *kind,
                        text: code.clone(),
                    }),
            );
            let result = engine.scan_sources(sources);
            assert!(
                result.errors.is_empty(),
                "{}: {:?}",
                meta.name,
                result.errors
            );
            let found: Vec<String> = result
                .findings
                .iter()
                .filter(|f| f.rule == meta.name)
                .map(|f| {
                    format!(
                        "{}:{} {}",
                        f.start.unwrap().line,
                        f.start.unwrap().column,
                        f.message
                    )
                })
                .collect();
            if found.len() != example.findings {
                failures.push(format!(
                    "{} ({} example, {path}): expected {} finding(s), got {}:\n  {}\n--- code ---\n{}",
                    meta.name,
                    if example.findings == 0 { "valid" } else { "invalid" },
                    example.findings,
                    found.len(),
                    found.join("\n  "),
                    example.code
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn findings_carry_the_task_text_of_the_catalog() {
    let engine = engine();
    let result = engine.scan_sources(vec![SourceInput {
        path: "app/client.py".into(),
        kind: redflag_syntax::FileKind::Python,
        text: "requests.get(url, verify=False)\n".into(),
    }]);
    let finding = &result.findings[0];
    assert_eq!(finding.rule, "tls-verification-disabled");
    assert_eq!(finding.task, "TASK-3.4");
    assert_eq!(
        finding.task_text,
        Catalog::builtin().item("TASK-3.4").unwrap().text
    );
    assert_eq!(finding.fingerprint.len(), 32);
}

#[test]
fn builtin_rules_are_prefiltered_in_every_language_they_cover() {
    use redflag_syntax::Language;
    let registry = Registry::builtin().unwrap();
    let mut report = Vec::new();
    for rule in registry.rules() {
        for language in Language::ALL {
            if rule.node_kinds(language).is_empty() {
                continue;
            }
            let literals = rule.prefilter(language);
            assert!(
                literals.is_some(),
                "{} has no prefilter for {language}: every file of it would be parsed",
                rule.meta().name
            );
            let groups = literals.unwrap();
            assert!(
                groups.iter().all(|g| !g.is_empty()),
                "{}: empty literal group",
                rule.meta().name
            );
            report.push(format!("{} {language}: {groups:?}", rule.meta().name));
        }
    }
    println!("{}", report.join("\n"));
}
