//! The output formats: snapshots of every format on a fixture repository,
//! SARIF validated against the official 2.1.0 schema, and the contract
//! properties that other tools read.

mod common;

use common::{redflag, stdout, workspace};
use serde_json::Value;

fn fixture(name: &str) -> std::path::PathBuf {
    workspace().join("testdata/repos").join(name)
}

fn run(name: &str, args: &[&str]) -> String {
    let output = redflag(&fixture(name), args);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{name} {args:?}: {}",
        common::stderr(&output)
    );
    stdout(&output)
}

fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace().join("testdata/schemas/sarif-schema-2.1.0.json"))
            .expect("schema"),
    )
    .expect("schema is JSON");
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(text: &str) -> Value {
    let document: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    document
}

#[test]
fn json_output_snapshot() {
    insta::assert_snapshot!(
        "json_python_fastapi_orders",
        run("python-fastapi-orders", &["--output-format", "json"])
    );
}

#[test]
fn sarif_output_snapshot_and_schema() {
    let text = run("python-fastapi-orders", &["--output-format", "sarif"]);
    assert_valid_sarif(&text);
    insta::assert_snapshot!("sarif_python_fastapi_orders", text);
}

#[test]
fn sarif_carries_the_contract_fields() {
    for name in [
        "python-fastapi-orders",
        "django-shop",
        "sql-migrations",
        "suppressions",
    ] {
        let document = assert_valid_sarif(&run(name, &["--output-format", "sarif"]));
        let runs = document["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 1, "{name}: one run");
        let run = &runs[0];
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        for rule in rules {
            let id = rule["id"].as_str().expect("id");
            assert!(
                rule["help"]["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("## Why it matters")),
                "{id}"
            );
            assert!(rule["help"]["markdown"].as_str().is_some(), "{id}");
            assert!(
                rule["helpUri"]
                    .as_str()
                    .is_some_and(|u| u.starts_with("https://")),
                "{id}"
            );
            let tags: Vec<&str> = rule["properties"]["tags"]
                .as_array()
                .expect("tags")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert!(rule["properties"]["precision"].is_string(), "{id}");
            if let Some(task) = rule["properties"]["task"]
                .as_str()
                .filter(|t| !t.is_empty())
            {
                assert!(
                    tags.contains(&format!("task/{task}").as_str()),
                    "{id}: {tags:?}"
                );
            }
            if tags.contains(&"security") {
                let score: f64 = rule["properties"]["security-severity"]
                    .as_str()
                    .expect("security rules carry security-severity")
                    .parse()
                    .expect("a number");
                assert!((0.0..=10.0).contains(&score), "{id}");
            }
        }
        for result in run["results"].as_array().expect("results") {
            let properties = &result["properties"];
            assert!(properties["task"]
                .as_str()
                .is_some_and(|t| t.starts_with("TASK-") || t.starts_with("SCOPE-")));
            assert!(
                properties.get("redFlag").is_some(),
                "every result carries redFlag: {result}"
            );
            assert_eq!(
                result["partialFingerprints"]["redflag/v1"]
                    .as_str()
                    .map(str::len),
                Some(32)
            );
            let region = &result["locations"][0]["physicalLocation"]["region"];
            for key in ["startLine", "startColumn", "endLine", "endColumn"] {
                assert!(
                    region[key].as_u64().is_some_and(|n| n >= 1),
                    "{name}: {key} in {region}"
                );
            }
        }
        // The task's text travels with the rule descriptor.
        assert!(rules.iter().any(|r| r["properties"]["taskText"]
            .as_str()
            .is_some_and(|t| !t.is_empty())));
    }
}

#[test]
fn sarif_for_a_clean_repository_has_one_run_with_no_results() {
    let document = assert_valid_sarif(&run("clean-service", &["--output-format", "sarif"]));
    assert_eq!(document["runs"].as_array().map(Vec::len), Some(1));
    assert_eq!(document["runs"][0]["results"], Value::Array(vec![]));
    assert_eq!(
        document["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

#[test]
fn red_flags_and_tasks_appear_in_json_findings() {
    let report: Value =
        serde_json::from_str(&run("rust-axum-service", &["--output-format", "json"])).unwrap();
    assert_eq!(report["version"], 1);
    let blocking = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "blocking-call-in-async-function")
        .expect("a blocking call");
    assert_eq!(blocking["task"], "SCOPE-3.2");
    assert_eq!(blocking["redFlag"], "RF-8");
    assert!(blocking["taskText"]
        .as_str()
        .unwrap()
        .starts_with("Event-driven work"));
    let tls = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "tls-verification-disabled")
        .unwrap();
    assert!(
        tls.get("redFlag").is_none(),
        "TLS has no red flag: absent, not null"
    );
}

#[test]
fn full_output_snapshot() {
    insta::assert_snapshot!(
        "full_suppressions",
        run("suppressions", &["--color", "never"])
    );
}

#[test]
fn concise_output_snapshot() {
    insta::assert_snapshot!(
        "concise_django_shop",
        run("django-shop", &["--output-format", "concise"])
    );
}

#[test]
fn github_output_snapshot() {
    insta::assert_snapshot!(
        "github_sql_migrations",
        run("sql-migrations", &["--output-format", "github"])
    );
}

#[test]
fn statistics_output_snapshot() {
    insta::assert_snapshot!(
        "statistics_python_fastapi_orders",
        run("python-fastapi-orders", &["--statistics"])
    );
}
