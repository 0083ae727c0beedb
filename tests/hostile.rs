//! Hostile files never stop a scan and never change its exit status: each is
//! skipped (and counted by reason) or scanned safely, and the real findings
//! next to them are still reported.

mod common;

use common::{finding_lines, json, redflag, write};

/// `depth` nested brackets, wrapped every 80 characters so the file is not
/// taken for minified and really goes through the parser.
fn nested(open: &str, close: &str, depth: usize) -> String {
    let flat = format!("{}{}", open.repeat(depth), close.repeat(depth));
    let mut wrapped = String::with_capacity(flat.len() + flat.len() / 80);
    for (i, c) in flat.chars().enumerate() {
        if i > 0 && i % 80 == 0 {
            wrapped.push('\n');
        }
        wrapped.push(c);
    }
    wrapped
}

#[test]
fn hostile_files_are_skipped_or_scanned_without_changing_the_outcome() {
    const DEPTH: usize = 50_000;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();

    // One real finding, in a file with CRLF line endings, so the exit status
    // is decided by it alone.
    write(
        root,
        "app/client.py",
        b"import requests\r\n\r\ndef fetch(url):\r\n    return requests.get(url, verify=False, timeout=5)\r\n",
    );
    write(
        root,
        "blob.bin",
        b"\x7fELF\x02\x01\x01\x00\x00\x00binary\x00data",
    );
    write(root, "latin1.py", b"name = 'caf\xe9'\n");
    write(root, "utf16.ts", b"\xff\xfec\x00o\x00n\x00s\x00t\x00");
    let minified = format!("var a={};", "x".repeat(5 * 1024 * 1024));
    write(root, "static/app.js", minified.as_bytes());
    write(root, "empty.rs", b"");
    write(
        root,
        "deep/nested.py",
        format!("x = {}\n", nested("[", "]", DEPTH)).as_bytes(),
    );
    write(
        root,
        "deep/nested.js",
        format!("const x = {};\n", nested("[", "]", DEPTH)).as_bytes(),
    );
    write(
        root,
        "deep/nested.ts",
        format!("const x = {};\n", nested("(", ")", DEPTH)).as_bytes(),
    );
    write(
        root,
        "deep/nested.tsx",
        format!("const x = {};\n", nested("{[", "]}", DEPTH / 2)).as_bytes(),
    );
    write(
        root,
        "deep/nested.rs",
        format!("fn main() {{ let x = {}; }}\n", nested("[", "]", DEPTH)).as_bytes(),
    );
    write(
        root,
        "deep/macro.rs",
        format!(
            "async fn f() {{ println!(\"{{}}\", {}); }}\n",
            nested("(", ")", DEPTH)
        )
        .as_bytes(),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::os::unix::fs::symlink(root, root.join("deep/loop")).unwrap();
        let secret = write(root, "locked/settings.py", b"ALLOWED_HOSTS = []\n");
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    }

    let output = redflag(
        root,
        &["check", "--output-format", "json", "--follow-symlinks", "."],
    );
    let report = json(&output);
    assert_eq!(
        finding_lines(&report),
        ["app/client.py:4 tls-verification-disabled"],
        "{}",
        common::stderr(&output)
    );
    assert_eq!(output.status.code(), Some(1), "{}", common::stderr(&output));
    let summary = &report["summary"];
    assert_eq!(summary["errors"].as_array().unwrap().len(), 0, "{summary}");
    let skipped = &summary["skipped"];
    assert_eq!(skipped["binary"], 1, "{skipped}");
    assert_eq!(skipped["not-utf8"], 2, "{skipped}");
    // 5 MB is over the default 1 MiB limit.
    assert_eq!(skipped["oversize"], 1, "{skipped}");
    assert_eq!(
        skipped["minified"],
        serde_json::Value::Null,
        "the deep files are parsed: {skipped}"
    );
    // The CRLF file, the empty file and the six deep files; root can also
    // read the locked file.
    let readable_locked = cfg!(unix) && std::fs::read(root.join("locked/settings.py")).is_ok();
    assert_eq!(
        summary["filesScanned"],
        8 + u64::from(readable_locked),
        "{summary}"
    );
    #[cfg(unix)]
    {
        assert!(
            skipped["walk-error"].as_u64().unwrap_or(0) >= 1,
            "the symlink loop: {skipped}"
        );
        // Root reads files without permission; everyone else cannot.
        let is_root = std::fs::read(root.join("locked/settings.py")).is_ok();
        if !is_root {
            assert_eq!(skipped["unreadable"], 1, "{skipped}");
        }
    }

    // The column of the CRLF file's finding is right: `verify=False` starts
    // at column 30 of line 4.
    let finding = &report["findings"][0];
    assert_eq!(finding["start"]["column"], 30);

    // With a larger limit the 5 MB line is read and skipped as minified.
    let output = redflag(
        root,
        &[
            "check",
            "--output-format",
            "json",
            "--max-file-size",
            "10MiB",
            ".",
        ],
    );
    assert_eq!(json(&output)["summary"]["skipped"]["minified"], 1);
    assert_eq!(output.status.code(), Some(1));

    // Without the real finding the same hostile tree passes.
    std::fs::remove_file(root.join("app/client.py")).unwrap();
    #[cfg(unix)]
    std::fs::remove_dir_all(root.join("locked")).unwrap();
    let output = redflag(root, &["check", "--output-format", "json", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    assert_eq!(
        json(&output)["summary"]["errors"].as_array().unwrap().len(),
        0
    );
}

#[test]
fn oversize_files_are_skipped_at_the_configured_limit() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "big.py",
        format!("x = 1\n{}", "# padding\n".repeat(300)).as_bytes(),
    );
    write(dir.path(), "redflag.toml", b"max-file-size = \"1KiB\"\n");
    let output = redflag(dir.path(), &["check", "--output-format", "json"]);
    let report = json(&output);
    assert_eq!(report["summary"]["skipped"]["oversize"], 1);
    let output = redflag(
        dir.path(),
        &[
            "check",
            "--output-format",
            "json",
            "--max-file-size",
            "1MiB",
        ],
    );
    assert_eq!(
        json(&output)["summary"]["skipped"]["oversize"],
        serde_json::Value::Null
    );
}
