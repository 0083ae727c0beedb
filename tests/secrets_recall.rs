//! Recall of the provider-credential detector on generated tokens: every
//! supported format, checksum-valid, in twenty syntactic contexts across
//! Python, JavaScript, TypeScript, Rust, YAML, compose files, JSON, TOML,
//! `.env`, Dockerfiles, shell, SQL, Markdown, properties and XML. Recall
//! must be 100%; a token whose checksum is broken must not be reported as
//! its provider.

mod common;
mod secret_gen;

use std::collections::{BTreeMap, BTreeSet};

use common::{json, redflag, write};
use redflag_linter::secrets::providers::{Check, PROVIDERS};
use secret_gen::{tokens, Gen, CONTEXTS};

/// Every provider's generated tokens, in table order.
fn generated(seed: u64) -> Vec<(usize, String)> {
    let mut g = Gen::new(seed);
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for (index, provider) in PROVIDERS.iter().enumerate() {
        match tokens(provider.id, &mut g) {
            Some(list) => out.extend(list.into_iter().map(|t| (index, t))),
            None => unknown.push(provider.id),
        }
    }
    assert!(
        unknown.is_empty(),
        "formats without a generator (add them to tests/secret_gen): {unknown:?}"
    );
    out
}

/// The secret between the first pair of backticks of a message.
fn quoted(message: &str) -> &str {
    message.split('`').nth(1).unwrap_or("")
}

/// Findings of one rule as (path, line) → messages.
fn findings_by_line(
    report: &serde_json::Value,
    rule: &str,
) -> BTreeMap<(String, u64), Vec<String>> {
    let mut map: BTreeMap<(String, u64), Vec<String>> = BTreeMap::new();
    for finding in report["findings"].as_array().expect("findings") {
        if finding["rule"] != rule {
            continue;
        }
        let key = (
            finding["path"].as_str().unwrap_or("").to_string(),
            finding["start"]["line"].as_u64().unwrap_or(0),
        );
        map.entry(key)
            .or_default()
            .push(finding["message"].as_str().unwrap_or("").to_string());
    }
    map
}

#[test]
fn every_format_is_found_in_every_context() {
    let tokens = generated(0x5EC2E7);
    assert!(PROVIDERS.len() >= 60, "{} formats", PROVIDERS.len());
    assert!(CONTEXTS.len() >= 15, "{} contexts", CONTEXTS.len());
    let dir = tempfile::tempdir().expect("tempdir");
    let values: Vec<String> = tokens.iter().map(|(_, t)| t.clone()).collect();
    let mut expected = Vec::new();
    for context in CONTEXTS {
        let (text, lines) = context.render(&values);
        write(dir.path(), context.path, text.as_bytes());
        for ((provider, token), line) in tokens.iter().zip(lines) {
            expected.push((context.path, line as u64, *provider, token));
        }
    }
    let output = redflag(
        dir.path(),
        &[
            "check",
            "--select",
            "hardcoded-provider-credential",
            "--show-secrets",
            "--output-format",
            "json",
        ],
    );
    let report = json(&output);
    assert_eq!(
        report["summary"]["errors"].as_array().map_or(0, Vec::len),
        0,
        "{report}"
    );
    let found = findings_by_line(&report, "hardcoded-provider-credential");
    let mut misses = Vec::new();
    for (path, line, provider, token) in &expected {
        let provider = &PROVIDERS[*provider];
        let messages = found.get(&((*path).to_string(), *line));
        let hit = messages.is_some_and(|messages| {
            messages.len() == 1
                && messages[0].starts_with(provider.name)
                && quoted(&messages[0]).len() >= 16
                && token.contains(quoted(&messages[0]))
        });
        if !hit {
            misses.push(format!(
                "{path}:{line} {} {token}: {messages:?}",
                provider.id
            ));
        }
    }
    let total = expected.len();
    assert!(
        misses.is_empty(),
        "recall {}/{total}; missed:\n{}",
        total - misses.len(),
        misses.join("\n")
    );
    // Nothing else was reported: no finding on a line without a token.
    let expected_lines: BTreeSet<(String, u64)> = expected
        .iter()
        .map(|(path, line, _, _)| ((*path).to_string(), *line))
        .collect();
    let extra: Vec<_> = found
        .keys()
        .filter(|k| !expected_lines.contains(*k))
        .collect();
    assert!(
        extra.is_empty(),
        "findings on lines without a token: {extra:?}"
    );
}

/// Changes the last character of a token's checksum.
fn corrupt(token: &str) -> String {
    let mut chars: Vec<char> = token.chars().collect();
    let last = chars.last_mut().expect("non-empty");
    *last = match *last {
        '0' => '1',
        'A' => 'B',
        'a' => 'b',
        c if c.is_ascii_digit() => '0',
        c if c.is_ascii_uppercase() => 'A',
        _ => 'a',
    };
    chars.into_iter().collect()
}

#[test]
fn a_token_with_a_broken_checksum_is_not_its_provider() {
    let tokens = generated(0xBAD_C4C);
    let checked: Vec<(usize, String)> = tokens
        .into_iter()
        .filter(|(provider, token)| {
            let check = PROVIDERS[*provider].check;
            // GitLab legacy tokens carry no checksum.
            matches!(
                check,
                Check::GithubCrc | Check::Grafana | Check::Atlassian | Check::Age
            ) || (check == Check::Gitlab && token.contains('.'))
        })
        .map(|(provider, token)| (provider, corrupt(&token)))
        .collect();
    let ids: BTreeSet<&str> = checked.iter().map(|(p, _)| PROVIDERS[*p].id).collect();
    for id in [
        "github-pat",
        "npm-access-token",
        "gitlab-pat",
        "grafana-service-account-token",
        "atlassian-api-token",
        "age-secret-key",
    ] {
        assert!(ids.contains(id), "{id} has a checksum case");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let text: String = checked
        .iter()
        .enumerate()
        .map(|(n, (_, token))| format!("VALUE_{n} = \"{token}\"\n"))
        .collect();
    write(dir.path(), "app/values.py", text.as_bytes());
    let output = redflag(
        dir.path(),
        &[
            "check",
            "--select",
            "hardcoded-provider-credential",
            "--output-format",
            "json",
        ],
    );
    let report = json(&output);
    let found = findings_by_line(&report, "hardcoded-provider-credential");
    assert!(
        found.is_empty(),
        "reported despite a broken checksum: {found:?}"
    );
    assert_eq!(output.status.code(), Some(0));

    // A JWT whose header is not JSON with `alg` is not a JWT.
    let mut g = Gen::new(7);
    let fake = format!("eyJ{}.eyJ{}.{}", g.b64url(30), g.b64url(40), g.b64url(43));
    write(
        dir.path(),
        "app/values.py",
        format!("VALUE = \"{fake}\"\n").as_bytes(),
    );
    let report = json(&redflag(
        dir.path(),
        &[
            "check",
            "--select",
            "hardcoded-provider-credential",
            "--output-format",
            "json",
        ],
    ));
    assert!(findings_by_line(&report, "hardcoded-provider-credential").is_empty());
}
