//! Inline suppressions.
//!
//! `redflag: ignore[rule-a, rule-b] reason` in a comment of the file's own
//! syntax silences those rules on that line (at the end of the line) or on
//! the next line (alone on a line); `redflag: ignore-file[rule] reason`
//! silences a rule in the whole file. A suppression is a claim about the
//! code, so it must say why, and it must still be needed: both are checked.

use std::ops::Range;

use redflag_diagnostics::Position;
use regex::Regex;

use crate::source::SourceFile;

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// 1-based line of the comment.
    pub line: u32,
    /// The line whose findings it silences (ignored for file directives).
    pub target_line: u32,
    /// The comment shares its line with code.
    pub trailing: bool,
    pub file_level: bool,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// An allow comment of another tool (`gitleaks:allow`,
    /// `pragma: allowlist secret`): it silences the secrets rules on its line
    /// and is never itself reported.
    pub implicit: bool,
    /// Byte range of the directive text, for findings about it.
    pub range: Range<usize>,
    pub start: Position,
    pub end: Position,
}

impl Directive {
    /// True when this directive silences `rule` for a finding spanning
    /// `start_line..=end_line`.
    #[must_use]
    pub fn covers(&self, rule: &str, start_line: u32, end_line: u32) -> bool {
        if !self.rules.iter().any(|r| r == rule) {
            return false;
        }
        if self.file_level {
            return true;
        }
        if self.trailing {
            (start_line..=end_line).contains(&self.line)
        } else {
            self.target_line == start_line
        }
    }
}

fn directive_pattern() -> &'static Regex {
    static PATTERN: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(
            r"redflag:\s*(?P<kind>ignore-file|ignore)\s*\[(?P<rules>[^\]]*)\](?P<reason>.*)$",
        )
        .expect("static pattern compiles")
    })
}

/// Allow comments of other secret scanners that redflag honours.
const FOREIGN_SECRET_ALLOWS: &[&str] = &["gitleaks:allow", "pragma: allowlist secret"];

/// Lines carrying `gitleaks:allow` or `pragma: allowlist secret`.
fn foreign_allows(file: &SourceFile) -> Vec<Directive> {
    let bytes = file.text.as_bytes();
    let mut lines: Vec<usize> = FOREIGN_SECRET_ALLOWS
        .iter()
        .flat_map(|marker| memchr::memmem::find_iter(bytes, marker.as_bytes()))
        .map(|at| file.line_index.line_of(at))
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines
        .into_iter()
        .map(|line| {
            let range = file.line_index.line_range(&file.text, line);
            let line_no = u32::try_from(line + 1).unwrap_or(u32::MAX);
            Directive {
                line: line_no,
                target_line: line_no,
                trailing: true,
                file_level: false,
                rules: crate::secrets::SECRET_RULES
                    .iter()
                    .map(|r| (*r).to_string())
                    .collect(),
                reason: Some("allow comment of another secret scanner".to_string()),
                implicit: true,
                start: file.position(range.start),
                end: file.position(range.end),
                range,
            }
        })
        .collect()
}

/// Finds the suppression comments of a file.
#[must_use]
pub fn parse_directives(file: &SourceFile) -> Vec<Directive> {
    let mut found = foreign_allows(file);
    if memchr::memmem::find(file.text.as_bytes(), b"redflag:").is_none() {
        return found;
    }
    let markers = comment_markers(file);
    let line_count = file.line_index.line_count();
    for line in 0..line_count {
        let text = file.line_index.line_text(&file.text, line);
        let Some(at) = text.find("redflag:") else {
            continue;
        };
        let before = text[..at].trim_end();
        // A one-character marker (`#`) opens a comment only at the start of
        // the line or after whitespace, as in YAML and shell.
        let Some(marker) = markers.iter().find(|m| {
            before.strip_suffix(**m).is_some_and(|code| {
                m.len() > 1 || code.is_empty() || code.ends_with(char::is_whitespace)
            })
        }) else {
            continue;
        };
        if !in_comment(file, file.line_index.line_start(line) + at) {
            continue;
        }
        let Some(captures) = directive_pattern().captures(&text[at..]) else {
            continue;
        };
        let code_before = before[..before.len() - marker.len()].trim();
        let rules: Vec<String> = captures["rules"]
            .split(',')
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty())
            .collect();
        let reason = captures["reason"]
            .trim()
            .trim_end_matches("*/")
            .trim_end_matches("-->")
            .trim()
            .trim_start_matches(['-', ':', '—', '–', ','])
            .trim()
            .to_string();
        let line_start = file.line_index.line_start(line);
        let range = line_start + at..line_start + text.len();
        let line_no = u32::try_from(line + 1).unwrap_or(u32::MAX);
        found.push(Directive {
            line: line_no,
            target_line: line_no,
            trailing: !code_before.is_empty(),
            file_level: &captures["kind"] == "ignore-file",
            rules,
            reason: (!reason.is_empty()).then_some(reason),
            implicit: false,
            start: file.position(range.start),
            end: file.position(range.end),
            range,
        });
    }
    found.sort_by_key(|d| d.line);
    // A directive alone on its line applies to the next line of code,
    // skipping blank lines and other directives stacked below it.
    let standalone_lines: Vec<u32> = found
        .iter()
        .filter(|d| !d.trailing)
        .map(|d| d.line)
        .collect();
    for directive in found.iter_mut().filter(|d| !d.trailing && !d.file_level) {
        let mut target = directive.line + 1;
        while (target as usize) <= line_count {
            let text = file.line_index.line_text(&file.text, target as usize - 1);
            if !text.trim().is_empty() && !standalone_lines.contains(&target) {
                break;
            }
            target += 1;
        }
        directive.target_line = target;
    }
    found
}

/// The comment openers a suppression may follow in this file. Markdown and
/// other prose only take HTML comments, so documentation that shows the
/// syntax is not read as a directive.
fn comment_markers(file: &SourceFile) -> &'static [&'static str] {
    const PROSE: [&str; 5] = [".md", ".markdown", ".rst", ".txt", ".adoc"];
    if file.kind == redflag_syntax::FileKind::Text
        && PROSE.iter().any(|ext| file.path.ends_with(ext))
    {
        return &["<!--"];
    }
    file.kind.comment_markers()
}

/// In code files the syntax tree decides: the directive must sit in a
/// comment node, not in a string that happens to contain `// redflag:`.
fn in_comment(file: &SourceFile, offset: usize) -> bool {
    let Some(tree) = file.tree() else {
        return true;
    };
    tree.root_node()
        .descendant_for_byte_range(offset, offset)
        .is_some_and(|node| node.kind().contains("comment"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use redflag_syntax::FileKind;

    fn directives(kind: FileKind, text: &str) -> Vec<Directive> {
        let path = crate::rule::default_example_path(kind);
        let file = SourceFile::new(path.into(), kind, text.into(), None);
        parse_directives(&file)
    }

    #[test]
    fn directive_text_inside_strings_and_prose_is_not_a_directive() {
        assert!(directives(FileKind::Rust, "let s = \"// redflag: ignore[r] why\";\n").is_empty());
        assert!(directives(
            FileKind::Python,
            "s = \"\"\"\n# redflag: ignore[r] why\n\"\"\"\n"
        )
        .is_empty());
        assert!(directives(FileKind::Yaml, "docs: |\n  `# redflag: ignore[r] why`\n").is_empty());
        let readme = SourceFile::new(
            "README.md".into(),
            FileKind::Text,
            "# redflag: ignore[r] why\n<!-- redflag: ignore[r] why -->\n".into(),
            None,
        );
        assert_eq!(parse_directives(&readme).len(), 1);
    }

    #[test]
    fn trailing_and_standalone_directives() {
        let found = directives(
            FileKind::Python,
            "x = f(verify=False)  # redflag: ignore[tls-verification-disabled] internal CA only\n# redflag: ignore[a, b]\n\ny = 2\n",
        );
        assert_eq!(found.len(), 2);
        assert!(found[0].trailing);
        assert_eq!(found[0].rules, ["tls-verification-disabled"]);
        assert_eq!(found[0].reason.as_deref(), Some("internal CA only"));
        assert!(!found[1].trailing);
        assert_eq!(found[1].rules, ["a", "b"]);
        assert_eq!(found[1].reason, None);
        assert_eq!(found[1].target_line, 4);
        assert!(found[1].covers("a", 4, 4));
        assert!(!found[1].covers("a", 3, 3));
    }

    #[test]
    fn each_file_kind_uses_its_own_comment_syntax() {
        assert_eq!(
            directives(FileKind::Rust, "let x = 1; // redflag: ignore[r] why\n").len(),
            1
        );
        assert_eq!(
            directives(FileKind::Sql, "-- redflag: ignore[r] why\nSELECT 1;\n").len(),
            1
        );
        assert_eq!(
            directives(FileKind::TypeScript, "/* redflag: ignore[r] why */\nf();\n")[0]
                .reason
                .as_deref(),
            Some("why")
        );
        // Not a comment in Python: ignored.
        assert!(directives(FileKind::Python, "x = \"// redflag: ignore[r] why\"\n").is_empty());
    }

    #[test]
    fn allow_comments_of_other_scanners_cover_the_secrets_rules() {
        let found = directives(
            FileKind::Python,
            "TOKEN = 'abc'  # gitleaks:allow\nKEY = 'x'  # pragma: allowlist secret\n",
        );
        assert_eq!(found.len(), 2);
        assert!(found
            .iter()
            .all(|d| d.implicit && d.covers("hardcoded-secret", d.line, d.line)));
        assert!(!found[0].covers("debug-mode-enabled", 1, 1));
    }

    #[test]
    fn file_level_directives() {
        let found = directives(
            FileKind::Python,
            "# redflag: ignore-file[debug-mode-enabled] -- local settings module\nDEBUG = True\n",
        );
        assert!(found[0].file_level);
        assert_eq!(found[0].reason.as_deref(), Some("local settings module"));
        assert!(found[0].covers("debug-mode-enabled", 90, 90));
    }
}
