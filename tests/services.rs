//! The service model end to end: `redflag inventory` on every service
//! fixture repository lists exactly the routes in its
//! `expected-routes.txt` (`METHOD FULLPATH HANDLER`, sorted), and the
//! checklist report is deterministic and names what it found.

mod common;

use std::path::PathBuf;

use common::{json, redflag, stderr, workspace};

fn service_fixtures() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(workspace().join("testdata/repos"))
        .expect("testdata/repos")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("expected-routes.txt").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// `METHOD PATH HANDLER` lines of an inventory, one per method, sorted.
fn route_lines(inventory: &serde_json::Value) -> Vec<String> {
    let mut lines = Vec::new();
    for service in inventory["services"].as_array().into_iter().flatten() {
        for route in service["routes"].as_array().into_iter().flatten() {
            let handler = route["handler"].as_str().unwrap_or("<inline>");
            for method in route["methods"].as_array().into_iter().flatten() {
                lines.push(format!(
                    "{} {} {handler}",
                    method.as_str().unwrap_or("?"),
                    route["path"].as_str().unwrap_or("?")
                ));
            }
        }
    }
    lines.sort();
    lines.dedup();
    lines
}

#[test]
fn inventory_lists_the_expected_routes_of_every_service_fixture() {
    let fixtures = service_fixtures();
    assert!(
        fixtures.len() >= 3,
        "service fixtures with expected-routes.txt: {fixtures:?}"
    );
    let mut failures = Vec::new();
    for dir in fixtures {
        let mut expected: Vec<String> = std::fs::read_to_string(dir.join("expected-routes.txt"))
            .expect("expected-routes.txt")
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        expected.sort();
        let output = redflag(&dir, &["inventory", "--output-format", "json"]);
        assert!(
            output.status.success(),
            "{}: {}",
            dir.display(),
            stderr(&output)
        );
        let found = route_lines(&json(&output));
        if found != expected {
            let missing: Vec<_> = expected.iter().filter(|l| !found.contains(l)).collect();
            let extra: Vec<_> = found.iter().filter(|l| !expected.contains(l)).collect();
            failures.push(format!(
                "{}:\n  missing: {missing:#?}\n  unexpected: {extra:#?}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn inventory_text_names_services_frameworks_and_probes() {
    let dir = workspace().join("testdata/repos/service-fastapi");
    let output = redflag(&dir, &["inventory"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = common::stdout(&output);
    assert!(text.contains("service "), "{text}");
    assert!(text.contains("frameworks: fastapi"), "{text}");
    assert!(text.contains("HEALTHCHECK http"), "{text}");
}

#[test]
fn the_checklist_report_is_written_and_deterministic() {
    let dir = workspace().join("testdata/repos/service-fastapi-bare");
    let out = tempfile::tempdir().unwrap();
    let first = out.path().join("first.md");
    let second = out.path().join("second.md");
    for file in [&first, &second] {
        let output = redflag(
            &dir,
            &[
                "check",
                "--output-format",
                "todo",
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    }
    let text = std::fs::read_to_string(&first).unwrap();
    assert_eq!(text, std::fs::read_to_string(&second).unwrap());
    insta::assert_snapshot!("todo_service_fastapi_bare", text);
    assert!(
        text.starts_with("# Backend architecture checklist"),
        "{text}"
    );
    assert!(text.contains("## Context"));
    assert!(text.contains("| service | root |"), "{text}");
    // Violated items are unchecked with their findings; covered and clean
    // items are checked; items no rule covers say so.
    assert!(text.contains("- [ ] **TASK-4.1**"), "{text}");
    assert!(text.contains("service-without-health-endpoint"), "{text}");
    assert!(text.contains("- [ ] **RF-1**"), "{text}");
    assert!(text.contains("- [x] **TASK-3.3**"), "{text}");
    assert!(text.contains("*not checked*"), "{text}");
}

#[test]
fn the_checklist_report_goes_to_its_default_file() {
    let repo = common::repo(&[(
        "app/main.py",
        "from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get(\"/orders\")\ndef orders(limit: int = 10):\n    return []\n",
    )]);
    let output = redflag(repo.path(), &["check", "--output-format", "todo"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = std::fs::read_to_string(repo.path().join("TODO_backend-architect.md"))
        .expect("TODO_backend-architect.md written");
    assert!(text.contains("unversioned-api"), "{text}");
    assert!(common::stdout(&output).is_empty());
}

#[test]
fn datastores_come_from_dependencies_compose_and_kubernetes_images() {
    let repo = common::repo(&[
        ("requirements.txt", "fastapi\nredis>=5\n"),
        (
            "app/main.py",
            "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/healthz\")\ndef health():\n    return {}\n",
        ),
        (
            "k8s/db.yaml",
            "kind: StatefulSet\nmetadata:\n  name: db\nspec:\n  template:\n    spec:\n      containers:\n        - name: pg\n          image: postgres:16\n",
        ),
        (
            "docker-compose.yml",
            "services:\n  api:\n    build: .\n  queue:\n    image: rabbitmq:3-management\n",
        ),
    ]);
    let output = redflag(repo.path(), &["inventory", "--output-format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let inventory = json(&output);
    let stores: Vec<&str> = inventory["services"][0]["datastores"]
        .as_array()
        .expect("datastores")
        .iter()
        .filter_map(serde_json::Value::as_str)
        .collect();
    assert_eq!(stores, ["postgresql", "rabbitmq", "redis"]);
}

#[test]
fn datastores_come_from_connection_urls_each_to_its_own_service() {
    // Two services whose drivers are generic (SQLAlchemy, Prisma): the
    // stores show only through URLs, backends and providers, and each
    // service gets the ones its own files and deployment name.
    let repo = common::repo(&[
        ("api/requirements.txt", "fastapi\nsqlalchemy\n"),
        (
            "api/app/main.py",
            "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/healthz\")\ndef health():\n    return {}\n",
        ),
        (
            "api/.env.example",
            "DATABASE_URL=postgresql+psycopg://app:app@db:5432/app\n",
        ),
        (
            "web/package.json",
            "{\"name\": \"web\", \"dependencies\": {\"express\": \"4\", \"@prisma/client\": \"5\"}}\n",
        ),
        (
            "web/src/server.js",
            "const express = require('express');\nconst app = express();\napp.get('/healthz', (req, res) => res.send('ok'));\napp.listen(3000);\n",
        ),
        (
            "web/prisma/schema.prisma",
            "datasource db {\n  provider = \"mysql\"\n  url = env(\"DATABASE_URL\")\n}\n",
        ),
        (
            "docker-compose.yml",
            "services:\n  web:\n    build: ./web\n    environment:\n      SESSION_URL: redis://cache:6379/0\n",
        ),
        (
            "tests/conftest.py",
            "TEST_URL = 'mongodb://localhost/test'\n",
        ),
    ]);
    let output = redflag(repo.path(), &["inventory", "--output-format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let inventory = json(&output);
    let services = inventory["services"].as_array().expect("services");
    let stores_of = |name: &str| -> Vec<String> {
        let service = services
            .iter()
            .find(|s| s["root"] == name)
            .unwrap_or_else(|| panic!("service {name} in {inventory}"));
        service["datastores"]
            .as_array()
            .expect("datastores")
            .iter()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(stores_of("api"), ["postgresql"]);
    assert_eq!(stores_of("web"), ["mysql", "redis"]);
}

#[test]
fn outbound_hosts_are_in_the_inventory_and_counted_per_service() {
    let repo = common::repo(&[
        ("requirements.txt", "fastapi\nhttpx\nrequests\n"),
        (
            "app/main.py",
            "import httpx\nimport requests\nfrom fastapi import FastAPI\n\napp = FastAPI()\nPAY = httpx.Client(base_url=\"https://api.stripe.com/v1\", timeout=10)\n\n@app.get(\"/healthz\")\ndef health():\n    return {}\n\n@app.post(\"/api/v1/orders\")\ndef create(order: dict):\n    requests.post(\"https://hooks.slack.com/services/T0/B0\", json=order, timeout=5)\n    requests.get(\"http://inventory/items\", timeout=2)\n    return order\n",
        ),
    ]);
    let output = redflag(repo.path(), &["inventory", "--output-format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let inventory = json(&output);
    let hosts: Vec<&str> = inventory["services"][0]["outbound"]
        .as_array()
        .expect("outbound")
        .iter()
        .filter_map(|c| c["host"].as_str())
        .collect();
    assert_eq!(hosts, ["api.stripe.com", "hooks.slack.com"]);
    let output = redflag(
        repo.path(),
        &[
            "check",
            "--select",
            "outbound-calls-without-circuit-breaker",
            "--output-format",
            "json",
        ],
    );
    let report = json(&output);
    assert_eq!(
        common::finding_lines(&report),
        ["app/main.py:5 outbound-calls-without-circuit-breaker"]
    );
}
