//! The command line as users drive it: the default command, selection,
//! exit codes, configuration errors, output files, colour, user rules and
//! the `rule`/`tasks` commands.

mod common;

use common::{finding_lines, json, redflag, redflag_with_env, repo, stderr, stdout};

const TLS_AND_BLOCKING: &[(&str, &str)] = &[
    (
        "app/client.py",
        "import time\nimport requests\n\nasync def sync_inventory():\n    time.sleep(1)\n    return requests.get(URL, verify=False, timeout=5)\n",
    ),
    ("redflag.toml", "# defaults\n"),
];

#[test]
fn redflag_alone_checks_the_current_directory() {
    let dir = repo(TLS_AND_BLOCKING);
    let bare = redflag(dir.path(), &["--output-format", "concise"]);
    let explicit = redflag(dir.path(), &["check", ".", "--output-format", "concise"]);
    assert_eq!(stdout(&bare), stdout(&explicit));
    assert_eq!(
        stdout(&bare),
        "app/client.py:5:5: warning blocking-call-in-async-function [SCOPE-3.2] `time.sleep` blocks inside `async def sync_inventory`: the event loop stalls for every request it serves until it returns\n\
         app/client.py:6:12: warning blocking-call-in-async-function [SCOPE-3.2] `requests.get` blocks inside `async def sync_inventory`: the event loop stalls for every request it serves until it returns\n\
         app/client.py:6:30: error tls-verification-disabled [TASK-3.4] `verify=False` disables TLS certificate verification; anyone on the network path can read and alter this traffic.\n\
         Found 3 findings (1 error, 2 warnings, 0 notes) in 2 files.\n"
    );
    assert_eq!(bare.status.code(), Some(1));
}

#[test]
fn exit_codes_follow_fail_on_and_exit_zero() {
    let dir = repo(TLS_AND_BLOCKING);
    assert_eq!(redflag(dir.path(), &["check"]).status.code(), Some(1));
    assert_eq!(
        redflag(dir.path(), &["check", "--exit-zero"]).status.code(),
        Some(0)
    );
    // Only warnings left: below `--fail-on error`.
    let warnings_only = redflag(
        dir.path(),
        &["check", "--ignore", "TASK-3.4", "--fail-on", "error"],
    );
    assert_eq!(
        warnings_only.status.code(),
        Some(0),
        "{}",
        stderr(&warnings_only)
    );
    let clean = repo(&[("app.py", "print('hello')\n")]);
    assert_eq!(redflag(clean.path(), &["check"]).status.code(), Some(0));
}

#[test]
fn selectors_pick_rules_by_name_task_heading_and_red_flag() {
    let dir = repo(TLS_AND_BLOCKING);
    let rules_of = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--output-format", "json"];
        all.extend_from_slice(args);
        let output = redflag(dir.path(), &all);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{args:?}: {}",
            stderr(&output)
        );
        let mut rules: Vec<String> = json(&output)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect();
        rules.dedup();
        rules
    };
    assert_eq!(
        rules_of(&["--select", "TASK-3"]),
        ["tls-verification-disabled"]
    );
    assert_eq!(
        rules_of(&["--select", "TASK-3.4"]),
        ["tls-verification-disabled"]
    );
    assert_eq!(
        rules_of(&["--select", "RF-8"]),
        ["blocking-call-in-async-function"]
    );
    assert_eq!(
        rules_of(&["--select", "SCOPE-3"]),
        ["blocking-call-in-async-function"]
    );
    assert_eq!(
        rules_of(&["--ignore", "blocking-call-in-async-function"]),
        ["tls-verification-disabled"]
    );
    assert_eq!(
        rules_of(&[
            "--select",
            "RF-8",
            "--extend-select",
            "tls-verification-disabled"
        ]),
        [
            "blocking-call-in-async-function",
            "tls-verification-disabled"
        ]
    );
}

#[test]
fn configuration_selects_ignores_and_overrides_severity() {
    let dir = repo(&[
        TLS_AND_BLOCKING[0],
        (
            "redflag.toml",
            "ignore = [\"tls-verification-disabled\"]\nfail-on = \"error\"\n\n[severity]\nblocking-call-in-async-function = \"error\"\n",
        ),
    ]);
    let output = redflag(dir.path(), &["check", "--output-format", "json"]);
    let report = json(&output);
    let severities: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert_eq!(severities, ["error", "error"]);
    assert_eq!(output.status.code(), Some(1));
    // The command line replaces the configured selection.
    let output = redflag(
        dir.path(),
        &["check", "--output-format", "json", "--select", "TASK-3.4"],
    );
    assert_eq!(
        finding_lines(&json(&output)),
        Vec::<String>::new(),
        "config ignore still applies"
    );
}

#[test]
fn pyproject_tool_table_is_read() {
    let dir = repo(&[
        TLS_AND_BLOCKING[0],
        (
            "pyproject.toml",
            "[project]\nname = \"svc\"\n\n[tool.redflag]\nselect = [\"RF-8\"]\n",
        ),
    ]);
    let output = redflag(dir.path(), &["check", "--output-format", "json"]);
    let rules: Vec<String> = json(&output)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        rules,
        [
            "blocking-call-in-async-function",
            "blocking-call-in-async-function"
        ]
    );
}

#[test]
fn bad_configuration_is_an_error_naming_the_file_and_key() {
    let dir = repo(&[
        ("app.py", "x = 1\n"),
        ("redflag.toml", "select = [\"ALL\"]\nfail_on = \"error\"\n"),
    ]);
    let output = redflag(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("redflag.toml"), "{message}");
    assert!(message.contains("fail_on"), "{message}");
    assert!(message.contains("line 2"), "{message}");

    let dir = repo(&[
        ("app.py", "x = 1\n"),
        ("redflag.toml", "select = [\"tls-verification-disable\"]\n"),
    ]);
    let output = redflag(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("key `select`"), "{message}");
    assert!(
        message.contains("did you mean `tls-verification-disabled`"),
        "{message}"
    );

    let output = redflag(
        dir.path(),
        &["check", "--config", "redflag.toml", "--select", "TASK-9"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--select"), "{}", stderr(&output));
}

#[test]
fn usage_errors_exit_with_two() {
    let dir = repo(&[("app.py", "x = 1\n")]);
    let output = redflag(dir.path(), &["check", "missing-dir"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("missing-dir"));
    let output = redflag(dir.path(), &["check", "--output-format", "xml"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn output_file_receives_the_report() {
    let dir = repo(TLS_AND_BLOCKING);
    let output = redflag(
        dir.path(),
        &["check", "--output-format", "sarif", "-o", "report.sarif"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    let written = std::fs::read_to_string(dir.path().join("report.sarif")).unwrap();
    let document: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(
        document["runs"][0]["results"].as_array().map(Vec::len),
        Some(3)
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal_and_never_with_no_color() {
    let dir = repo(TLS_AND_BLOCKING);
    let piped = redflag(dir.path(), &["check"]);
    assert!(!stdout(&piped).contains('\u{1b}'), "no colour on a pipe");
    let forced = redflag(dir.path(), &["check", "--color", "always"]);
    assert!(stdout(&forced).contains('\u{1b}'), "colour when forced");
    let no_color = redflag_with_env(dir.path(), &["check"], &[("NO_COLOR", "1")]);
    assert!(!stdout(&no_color).contains('\u{1b}'));
}

#[test]
fn full_output_shows_the_frame_the_task_and_the_help() {
    let dir = repo(TLS_AND_BLOCKING);
    let text = stdout(&redflag(
        dir.path(),
        &["check", "--select", "tls-verification-disabled"],
    ));
    assert!(text.contains("error[tls-verification-disabled]"), "{text}");
    assert!(text.contains("--> app/client.py:6:30"), "{text}");
    assert!(
        text.contains("return requests.get(URL, verify=False, timeout=5)"),
        "{text}"
    );
    assert!(text.contains("^^^^^^^^^^^^"), "{text}");
    assert!(text.contains("task: TASK-3.4 HTTPS enforced"), "{text}");
    assert!(text.contains("help: Trust the right CA"), "{text}");
}

#[test]
fn explicit_paths_bypass_default_excludes_unless_force_exclude() {
    let dir = repo(&[
        (
            "node_modules/lib/client.js",
            "const o = { rejectUnauthorized: false };\n",
        ),
        ("redflag.toml", "# defaults\n"),
    ]);
    let walked = redflag(dir.path(), &["check", "--output-format", "json"]);
    assert_eq!(finding_lines(&json(&walked)), Vec::<String>::new());
    let named = redflag(
        dir.path(),
        &[
            "check",
            "--output-format",
            "json",
            "node_modules/lib/client.js",
        ],
    );
    assert_eq!(
        finding_lines(&json(&named)),
        ["node_modules/lib/client.js:1 tls-verification-disabled"]
    );
    let forced = redflag(
        dir.path(),
        &[
            "check",
            "--output-format",
            "json",
            "--force-exclude",
            "node_modules/lib/client.js",
        ],
    );
    assert_eq!(finding_lines(&json(&forced)), Vec::<String>::new());
    assert_eq!(forced.status.code(), Some(0));
}

#[test]
fn config_excludes_and_verbose_lists_skipped_files() {
    let dir = repo(&[
        ("generated/client.py", "requests.get(url, verify=False)\n"),
        ("app.py", "x = 1\n"),
        ("redflag.toml", "extend-exclude = [\"generated/\"]\n"),
    ]);
    let output = redflag(
        dir.path(),
        &["check", "--verbose", "--output-format", "json"],
    );
    assert_eq!(finding_lines(&json(&output)), Vec::<String>::new());
    let log = stderr(&output);
    assert!(
        log.contains("skipped generated (excluded-by-config)"),
        "{log}"
    );
    assert!(log.contains("files scanned"), "{log}");
}

#[test]
fn user_rules_run_beside_the_built_in_ones() {
    let dir = repo(&[
        (
            "app/views.py",
            "def handler(request):\n    return eval(request.GET['expr'])\n",
        ),
        ("redflag.toml", "rules = [\"team-rules\"]\n"),
        (
            "team-rules/no-eval.yaml",
            r#"name: eval-of-request-data
task: SCOPE-4.6
redFlag: RF-2
severity: error
confidence: medium
summary: eval() runs code taken from the request.
message: "`{{match}}` evaluates request data as code."
languages: [python]
patterns:
  - languages: [python]
    query: |
      (call function: (identifier) @fn arguments: (argument_list (subscript) @arg)) @match
    where:
      fn:
        equals: eval
docs: Do not eval request data.
valid:
  - language: python
    code: "eval('1 + 1')\n"
invalid:
  - language: python
    code: "eval(request.GET['x'])\n"
"#,
        ),
    ]);
    let output = redflag(dir.path(), &["check", "--output-format", "json"]);
    let report = json(&output);
    // The built-in `code-injection` sees the same line; the team's rule
    // reports beside it under its own name.
    assert_eq!(
        finding_lines(&report),
        [
            "app/views.py:2 code-injection",
            "app/views.py:2 eval-of-request-data"
        ],
        "{}",
        stderr(&output)
    );
    let findings = report["findings"].as_array().expect("findings");
    let team = findings
        .iter()
        .find(|f| f["rule"] == "eval-of-request-data")
        .expect("the team rule's finding");
    assert_eq!(team["redFlag"], "RF-2");
    assert_eq!(
        team["message"],
        "`eval(request.GET['expr'])` evaluates request data as code."
    );
}

#[test]
fn a_bad_user_rule_is_an_error_with_file_and_line() {
    let dir = repo(&[
        ("app.py", "x = 1\n"),
        (
            "rules/broken.yaml",
            "name: broken-rule\ntask: TASK-3.4\nseverity: error\nconfidence: high\nsummary: s\nmessage: m\nlanguages: [python]\npatterns:\n  - languages: [python]\n    query: |\n      (call nosuch: (identifier))\ndocs: d\nvalid: []\ninvalid: []\n",
        ),
    ]);
    let output = redflag(dir.path(), &["check", "--rules", "rules"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("broken.yaml:11"), "{message}");
    assert!(message.contains("unknown field `nosuch`"), "{message}");

    let dir = repo(&[
        ("app.py", "x = 1\n"),
        (
            "rules/typo.yaml",
            "name: typo\ntask: TASK-3.4\nseverity: high\n",
        ),
    ]);
    let output = redflag(dir.path(), &["check", "--rules", "rules"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("typo.yaml"), "{message}");
    assert!(message.contains("high"), "{message}");
}

#[test]
fn rule_and_tasks_commands_print_the_catalog() {
    let dir = repo(&[]);
    let output = redflag(dir.path(), &["rule", "foreign-key-without-index"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains(
            "- task: TASK-2.1 All schemas include proper constraints, indexes, and foreign keys"
        ),
        "{text}"
    );
    assert!(
        text.contains("- red flag: RF-5 Database queries without indexes"),
        "{text}"
    );
    assert!(text.contains("## Use instead"), "{text}");

    let all = stdout(&redflag(dir.path(), &["rule", "--all"]));
    for name in [
        "tls-verification-disabled",
        "debug-mode-enabled",
        "blocking-call-in-async-function",
        "foreign-key-without-index",
        "unused-suppression",
        "suppression-without-reason",
    ] {
        assert!(all.lines().any(|l| l.starts_with(name)), "{name} in {all}");
    }

    let unknown = redflag(dir.path(), &["rule", "tls-verify"]);
    assert_eq!(unknown.status.code(), Some(2));

    let tasks = stdout(&redflag(dir.path(), &["tasks"]));
    let ids = tasks
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with("TASK-") || t.starts_with("SCOPE-") || t.starts_with("RF-")
        })
        .filter(|l| l.starts_with("    "))
        .count();
    assert_eq!(ids, 52, "{tasks}");
    assert!(
        tasks.contains("RF-6      Secrets hardcoded in source code"),
        "{tasks}"
    );
}
