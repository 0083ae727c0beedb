//! One renderer per output format.
//!
//! Every renderer reads the same [`Report`] and writes to any `io::Write`, so
//! the command line, `-o FILE` and the snapshot tests share one code path.
//! Secrets are masked here, in every format, whatever the rule emitted.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde::Serialize;
use serde_json::{json, Value};

use crate::finding::{Finding, RuleDescriptor, Severity};

/// The tool's name as other tools see it.
pub const TOOL_NAME: &str = "redflag";
/// The tool's version, shared by the whole workspace.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Where the tool's documentation lives.
pub const TOOL_URI: &str = "https://redflag.dev";
/// Version of the JSON output format; bumped on any breaking change.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// A file the scan could not analyse because of an internal error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScanError {
    pub path: String,
    pub message: String,
}

/// Counts about the scan itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub files_scanned: usize,
    pub files_skipped: usize,
    /// Skipped files by reason (`binary`, `oversize`, …).
    pub skipped: BTreeMap<String, usize>,
    pub errors: Vec<ScanError>,
}

/// Everything a renderer needs.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// Findings in report order, fingerprints filled in.
    pub findings: &'a [Finding],
    /// The rules that ran.
    pub rules: &'a [RuleDescriptor],
    pub summary: &'a Summary,
    /// Show secrets in full (`--show-secrets`); masked otherwise.
    pub show_secrets: bool,
}

/// A finding's message, with its secret unmasked when asked.
fn message(finding: &Finding, show_secrets: bool) -> std::borrow::Cow<'_, str> {
    match (&finding.secret, show_secrets) {
        (Some(secret), true) => finding.message.replace(&mask_secret(secret), secret).into(),
        _ => finding.message.as_str().into(),
    }
}

/// Gives renderers the text of a file, for code frames.
pub trait SourceProvider {
    fn source(&self, path: &str) -> Option<Arc<str>>;
}

/// A provider with no sources: frames are left out.
pub struct NoSources;

impl SourceProvider for NoSources {
    fn source(&self, _path: &str) -> Option<Arc<str>> {
        None
    }
}

/// Characters of a secret kept visible when it is masked, at most.
const VISIBLE_SECRET_PREFIX: usize = 4;

/// Masks a secret: at most its first four characters stay (fewer for short
/// secrets, a third of them at most), followed by a fixed `****` that does
/// not tell the secret's length.
#[must_use]
pub fn mask_secret(secret: &str) -> String {
    let visible = VISIBLE_SECRET_PREFIX.min(secret.chars().count() / 3);
    let mut masked: String = secret.chars().take(visible).collect();
    masked.push_str("****");
    masked
}

// ---------------------------------------------------------------- full

/// The default format: a code frame per finding, the task it violates, and
/// a closing count.
///
/// # Errors
/// Returns write errors of `out`.
pub fn render_full(
    report: &Report<'_>,
    sources: &dyn SourceProvider,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for finding in report.findings {
        let level = match finding.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
            Severity::Note => Level::NOTE,
        };
        let task_line = format!("task: {} {}", finding.task, finding.task_text);
        let red_flag_line = finding.red_flag.as_ref().map(|rf| {
            let text = finding.red_flag_text.as_deref().unwrap_or("");
            format!("red flag: {rf} {text}").trim_end().to_string()
        });
        let help_line = finding.help.as_ref().map(|h| format!("help: {h}"));
        let docs_line = format!("docs: {}", finding.url);

        let frame = frame_for(finding, sources, report.show_secrets);
        let text = message(finding, report.show_secrets);
        let title = level.primary_title(text.as_ref()).id(finding.rule.as_str());
        let mut group = match (&frame, &finding.path, finding.start) {
            (Some(frame), Some(path), _) => title.element(
                Snippet::source(frame.text.as_str())
                    .line_start(frame.first_line)
                    .path(path.as_str())
                    .annotation(AnnotationKind::Primary.span(frame.span.clone())),
            ),
            (None, Some(path), Some(start)) => title.element(
                annotate_snippets::Origin::path(path.as_str())
                    .line(start.line as usize)
                    .char_column(start.column.saturating_sub(1) as usize),
            ),
            (None, Some(path), None) => {
                title.element(annotate_snippets::Origin::path(path.as_str()))
            }
            _ => title.element(Level::NOTE.message("applies to the project as a whole")),
        };
        group = group.element(Level::NOTE.no_name().message(task_line.as_str()));
        if let Some(line) = &red_flag_line {
            group = group.element(Level::NOTE.no_name().message(line.as_str()));
        }
        if let Some(line) = &help_line {
            group = group.element(Level::HELP.no_name().message(line.as_str()));
        }
        group = group.element(Level::NOTE.no_name().message(docs_line.as_str()));
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    write_closing_line(report, out)
}

struct Frame {
    text: String,
    first_line: usize,
    span: std::ops::Range<usize>,
}

/// The lines that hold a finding's span, with the span made relative to them
/// and a secret masked.
fn frame_for(finding: &Finding, sources: &dyn SourceProvider, show_secrets: bool) -> Option<Frame> {
    let path = finding.path.as_deref()?;
    let range = finding.byte_range.clone()?;
    let source = sources.source(path)?;
    if range.end > source.len()
        || !source.is_char_boundary(range.start)
        || !source.is_char_boundary(range.end)
    {
        return None;
    }
    let start = source[..range.start].rfind('\n').map_or(0, |i| i + 1);
    let end = source[range.end..]
        .find('\n')
        .map_or(source.len(), |i| range.end + i);
    // Very long frames (minified lines, huge statements) are cut to the first
    // lines of the span.
    let mut text = source[start..end].to_string();
    let mut span = range.start - start..range.end - start;
    if finding.sensitive && !show_secrets {
        let secret = &text[span.clone()];
        let masked = mask_secret(secret);
        // The mask has its own length; the span is adjusted to it.
        text.replace_range(span.clone(), &masked);
        span = span.start..span.start + masked.len();
    }
    const MAX_FRAME_LINES: usize = 12;
    if text.lines().count() > MAX_FRAME_LINES {
        let cut = text
            .match_indices('\n')
            .nth(MAX_FRAME_LINES - 1)
            .map_or(text.len(), |(i, _)| i);
        text.truncate(cut);
        span = span.start.min(cut)..span.end.min(cut);
    }
    let first_line = finding.start.map_or(1, |p| p.line as usize);
    Some(Frame {
        text,
        first_line,
        span,
    })
}

fn write_closing_line(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let files = report.summary.files_scanned;
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    if report.findings.is_empty() {
        return writeln!(out, "No findings in {}.", plural(files, "file"));
    }
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity == s).count();
    writeln!(
        out,
        "Found {} ({}, {}, {}) in {}.",
        plural(report.findings.len(), "finding"),
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Note), "note"),
        plural(files, "file"),
    )
}

// ---------------------------------------------------------------- concise

/// One line per finding: `path:line:col: severity rule [TASK] message`.
///
/// # Errors
/// Returns write errors of `out`.
pub fn render_concise(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for finding in report.findings {
        let location = match (&finding.path, finding.start) {
            (Some(path), Some(start)) => format!("{path}:{}:{}", start.line, start.column),
            (Some(path), None) => path.clone(),
            (None, _) => "<project>".to_string(),
        };
        writeln!(
            out,
            "{location}: {} {} [{}] {}",
            finding.severity,
            finding.rule,
            finding.task,
            one_line(&message(finding, report.show_secrets))
        )?;
    }
    write_closing_line(report, out)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------- json

/// The versioned JSON document (documented in the README).
///
/// # Errors
/// Returns write or serialization errors.
pub fn render_json(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| {
            let mut value = serde_json::to_value(finding).unwrap_or(Value::Null);
            if report.show_secrets && finding.secret.is_some() {
                value["message"] = json!(message(finding, true));
            }
            value
        })
        .collect();
    let document = json!({
        "version": JSON_FORMAT_VERSION,
        "tool": { "name": TOOL_NAME, "version": TOOL_VERSION },
        "findings": findings,
        "summary": {
            "findings": report.findings.len(),
            "bySeverity": {
                "error": report.findings.iter().filter(|f| f.severity == Severity::Error).count(),
                "warning": report.findings.iter().filter(|f| f.severity == Severity::Warning).count(),
                "note": report.findings.iter().filter(|f| f.severity == Severity::Note).count(),
            },
            "filesScanned": report.summary.files_scanned,
            "filesSkipped": report.summary.files_skipped,
            "skipped": report.summary.skipped,
            "errors": report.summary.errors,
        },
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

// ---------------------------------------------------------------- sarif

fn precision(descriptor: &RuleDescriptor) -> &'static str {
    match descriptor.confidence {
        crate::Confidence::High => "high",
        crate::Confidence::Medium => "medium",
        crate::Confidence::Low => "low",
    }
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn sarif_rule(descriptor: &RuleDescriptor) -> Value {
    let mut tags: Vec<String> = descriptor.tags.clone();
    tags.push(format!("task/{}", descriptor.task));
    if let Some(rf) = &descriptor.red_flag {
        tags.push(format!("red-flag/{rf}"));
    }
    for cwe in &descriptor.cwe {
        let number = cwe.trim_start_matches("CWE-");
        tags.push(format!("external/cwe/cwe-{number}"));
    }
    let mut properties = json!({
        "tags": tags,
        "precision": precision(descriptor),
        "task": descriptor.task,
        "taskText": descriptor.task_text,
    });
    if let Some(rf) = &descriptor.red_flag {
        properties["redFlag"] = json!(rf);
    }
    if let Some(score) = descriptor.security_severity {
        properties["security-severity"] = json!(format!("{score:.1}"));
    }
    json!({
        "id": descriptor.name,
        "name": descriptor.name,
        "shortDescription": { "text": descriptor.summary },
        "fullDescription": { "text": descriptor.summary },
        "help": {
            "text": descriptor.docs,
            "markdown": descriptor.docs,
        },
        "helpUri": descriptor.url,
        "defaultConfiguration": { "level": sarif_level(descriptor.severity) },
        "properties": properties,
    })
}

/// SARIF 2.1.0: one run, rules with help and tags, results with task and red
/// flag properties and our fingerprint.
///
/// # Errors
/// Returns write or serialization errors.
pub fn render_sarif(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let rule_index: BTreeMap<&str, usize> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.as_str(), i))
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|finding| {
            let mut result = json!({
                "ruleId": finding.rule,
                "level": sarif_level(finding.severity),
                "message": { "text": finding.message },
                "partialFingerprints": { "redflag/v1": finding.fingerprint },
                "properties": {
                    "task": finding.task,
                    "taskText": finding.task_text,
                    "redFlag": finding.red_flag,
                    "confidence": finding.confidence,
                },
            });
            if let Some(index) = rule_index.get(finding.rule.as_str()) {
                result["ruleIndex"] = json!(index);
            }
            if let Some(path) = &finding.path {
                let mut physical = json!({ "artifactLocation": { "uri": uri_path(path) } });
                if let (Some(start), Some(end)) = (finding.start, finding.end) {
                    // SARIF forbids 0; positions are 1-based already, and an
                    // empty or inverted end is widened to one column.
                    let start_line = start.line.max(1);
                    let start_column = start.column.max(1);
                    let end_line = end.line.max(start_line);
                    let mut end_column = end.column.max(1);
                    if end_line == start_line && end_column <= start_column {
                        end_column = start_column + 1;
                    }
                    physical["region"] = json!({
                        "startLine": start_line,
                        "startColumn": start_column,
                        "endLine": end_line,
                        "endColumn": end_column,
                    });
                }
                result["locations"] = json!([{ "physicalLocation": physical }]);
            }
            result
        })
        .collect();
    let notifications: Vec<Value> = report
        .summary
        .errors
        .iter()
        .map(|error| {
            json!({
                "level": "error",
                "message": { "text": error.message },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri_path(&error.path) } } }],
            })
        })
        .collect();
    let document = json!({
        "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": TOOL_NAME,
                    "version": TOOL_VERSION,
                    "semanticVersion": TOOL_VERSION,
                    "informationUri": TOOL_URI,
                    "rules": report.rules.iter().map(sarif_rule).collect::<Vec<_>>(),
                }
            },
            "invocations": [{
                "executionSuccessful": report.summary.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// Relative paths as URI references: spaces and other reserved characters
/// percent-encoded, `/` kept.
fn uri_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(byte as char);
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

// ---------------------------------------------------------------- github

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands, one annotation per finding.
///
/// # Errors
/// Returns write errors of `out`.
pub fn render_github(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    for finding in report.findings {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut properties = Vec::new();
        if let Some(path) = &finding.path {
            properties.push(format!("file={}", escape_property(path)));
        }
        if let (Some(start), Some(end)) = (finding.start, finding.end) {
            properties.push(format!("line={}", start.line));
            properties.push(format!("col={}", start.column));
            properties.push(format!("endLine={}", end.line));
            properties.push(format!("endColumn={}", end.column));
        }
        properties.push(format!(
            "title={}",
            escape_property(&format!("{} [{}]", finding.rule, finding.task))
        ));
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&format!(
                "{} ({} {})",
                message(finding, report.show_secrets),
                finding.task,
                finding.task_text
            ))
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------- statistics

/// Counts per rule and per task, most frequent first.
///
/// # Errors
/// Returns write errors of `out`.
pub fn render_statistics(report: &Report<'_>, out: &mut dyn Write) -> io::Result<()> {
    let mut by_rule: BTreeMap<(&str, Severity, &str), usize> = BTreeMap::new();
    let mut by_task: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for finding in report.findings {
        *by_rule
            .entry((
                finding.rule.as_str(),
                finding.severity,
                finding.task.as_str(),
            ))
            .or_default() += 1;
        *by_task
            .entry((finding.task.as_str(), finding.task_text.as_str()))
            .or_default() += 1;
    }
    let mut rules: Vec<_> = by_rule.into_iter().collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut tasks: Vec<_> = by_task.into_iter().collect();
    tasks.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let width = rules
        .iter()
        .map(|((r, _, _), _)| r.len())
        .max()
        .unwrap_or(0);
    writeln!(out, "Findings per rule:")?;
    for ((rule, severity, task), count) in &rules {
        writeln!(
            out,
            "{count:>6}  {:<7}  {rule:<width$}  {task}",
            severity.as_str()
        )?;
    }
    writeln!(out, "\nFindings per task:")?;
    for ((task, text), count) in &tasks {
        writeln!(out, "{count:>6}  {task:<9}  {text}")?;
    }
    writeln!(out)?;
    write_closing_line(report, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_keep_four_characters_at_most() {
        assert_eq!(mask_secret("AKIAABCDEFGH"), "AKIA****");
        assert_eq!(mask_secret("hunter22"), "hu****");
        assert_eq!(mask_secret("ab"), "****");
        assert_eq!(mask_secret(&"x".repeat(3000)), "xxxx****");
    }

    #[test]
    fn github_commands_escape_data_and_properties() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn uri_paths_encode_reserved_characters() {
        assert_eq!(uri_path("src/my file#1.py"), "src/my%20file%231.py");
    }
}
