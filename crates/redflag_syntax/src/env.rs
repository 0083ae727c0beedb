//! A small `.env` reader.
//!
//! Reads `KEY=value` lines as the common dotenv loaders do: `export` prefixes,
//! single and double quotes (double-quoted values may span lines), inline `#`
//! comments after unquoted values. Keeps byte ranges of keys and values.

use std::ops::Range;

use crate::line_index::LineIndex;

/// One assignment of a `.env` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvEntry {
    pub key: String,
    /// The value, quotes removed.
    pub value: String,
    pub key_range: Range<usize>,
    /// Byte range of the value as written (inside quotes when quoted).
    pub value_range: Range<usize>,
    /// 1-based line of the key.
    pub line: usize,
}

/// Reads every assignment of a `.env` text. Lines that are not assignments
/// are ignored.
#[must_use]
pub fn parse_env(text: &str) -> Vec<EnvEntry> {
    let mut entries = Vec::new();
    let bytes = text.as_bytes();
    let index = LineIndex::new(text);
    let mut pos = 0;
    while pos < text.len() {
        let line_end = memchr::memchr(b'\n', &bytes[pos..]).map_or(text.len(), |e| pos + e);
        let line = &text[pos..line_end];
        let next = line_end + 1;
        let indent = line.len() - line.trim_start().len();
        let mut body = &line[indent..];
        let mut key_start = pos + indent;
        if let Some(rest) = body.strip_prefix("export ") {
            let skipped = body.len() - rest.trim_start().len();
            key_start += skipped;
            body = rest.trim_start();
        }
        if body.starts_with('#') || body.is_empty() {
            pos = next;
            continue;
        }
        let Some(eq) = body.find('=') else {
            pos = next;
            continue;
        };
        let key = body[..eq].trim_end();
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            pos = next;
            continue;
        }
        let after_eq = key_start + eq + 1;
        let raw = &text[after_eq..];
        let lead = raw.len() - raw.trim_start_matches([' ', '\t']).len();
        let value_start = after_eq + lead;
        let quote = text[value_start..]
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'');
        let (value, value_range, consumed_to) = if let Some(q) = quote {
            let inner_start = value_start + 1;
            // Double-quoted values may continue on the next lines.
            let search_end = if q == '"' { text.len() } else { line_end };
            match text[inner_start..search_end].find(q) {
                Some(close) => {
                    let inner_end = inner_start + close;
                    let value = text[inner_start..inner_end].to_string();
                    let consumed = text[inner_end..]
                        .find('\n')
                        .map_or(text.len(), |e| inner_end + e);
                    (value, inner_start..inner_end, consumed)
                }
                None => (
                    text[inner_start..line_end].to_string(),
                    inner_start..line_end,
                    line_end,
                ),
            }
        } else {
            let rest = &text[value_start..line_end];
            let cut = rest
                .find(" #")
                .or_else(|| rest.find("\t#"))
                .unwrap_or(rest.len());
            let value = rest[..cut].trim_end();
            (
                value.to_string(),
                value_start..value_start + value.len(),
                line_end,
            )
        };
        entries.push(EnvEntry {
            key: key.to_string(),
            value,
            key_range: key_start..key_start + key.len(),
            value_range,
            line: index.line_of(key_start) + 1,
        });
        pos = consumed_to + 1;
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_common_forms() {
        let text = "# comment\nexport PORT=8080\nNAME=\"my app\" # note\nSINGLE='a b'\nPLAIN=value # trailing\nEMPTY=\nnot an assignment\n";
        let entries = parse_env(text);
        let pairs: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("PORT", "8080"),
                ("NAME", "my app"),
                ("SINGLE", "a b"),
                ("PLAIN", "value"),
                ("EMPTY", "")
            ]
        );
        assert_eq!(entries[0].line, 2);
        assert_eq!(&text[entries[0].key_range.clone()], "PORT");
        assert_eq!(&text[entries[1].value_range.clone()], "my app");
        assert_eq!(entries[4].line, 6);
    }

    #[test]
    fn double_quoted_values_span_lines() {
        let text = "KEY=\"line one\nline two\"\nNEXT=1\n";
        let entries = parse_env(text);
        assert_eq!(entries[0].value, "line one\nline two");
        assert_eq!(entries[1].key, "NEXT");
        assert_eq!(entries[1].line, 3);
    }

    #[test]
    fn crlf_lines() {
        let entries = parse_env("A=1\r\nB=2\r\n");
        assert_eq!(entries[0].value, "1");
        assert_eq!(entries[1].key, "B");
    }
}
