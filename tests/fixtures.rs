//! Every fixture repository under `testdata/repos/` gives exactly the
//! findings listed in its `expected.txt` (`path:line rule`, one per line),
//! and the same findings whatever the thread count.

mod common;

use common::{finding_lines, json, redflag_with_env, workspace};

#[test]
fn fixture_repositories_give_their_expected_findings() {
    let repos = workspace().join("testdata/repos");
    let mut dirs: Vec<_> = std::fs::read_dir(&repos)
        .expect("testdata/repos")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 7, "fixture repositories: {dirs:?}");
    let mut failures = Vec::new();
    for dir in dirs {
        let expected: Vec<String> = std::fs::read_to_string(dir.join("expected.txt"))
            .unwrap_or_else(|_| panic!("{} has no expected.txt", dir.display()))
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let output = redflag_with_env(&dir, &["check", "--output-format", "json"], &[]);
        let report = json(&output);
        let found = finding_lines(&report);
        let errors = report["summary"]["errors"].as_array().map_or(0, Vec::len);
        if found != expected || errors != 0 {
            failures.push(format!(
                "{}:\n  expected: {expected:#?}\n  found:    {found:#?}\n  stderr: {}",
                dir.display(),
                common::stderr(&output)
            ));
        }
        let want_status = if expected.is_empty() { 0 } else { 1 };
        if output.status.code() != Some(want_status) {
            failures.push(format!(
                "{}: exit status {:?}, expected {want_status}",
                dir.display(),
                output.status.code()
            ));
        }
        // One thread or many: the same bytes.
        let single = redflag_with_env(
            &dir,
            &["check", "--output-format", "json"],
            &[("RAYON_NUM_THREADS", "1")],
        );
        if single.stdout != output.stdout {
            failures.push(format!(
                "{}: output differs with RAYON_NUM_THREADS=1",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
