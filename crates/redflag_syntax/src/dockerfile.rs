//! A small Dockerfile reader.
//!
//! Enough of the Dockerfile grammar for rules: instructions with their line
//! continuations joined, the `# escape=` parser directive, comments, heredoc
//! bodies (kept out of the instruction list), build stages, exec-form JSON
//! arrays, and `ENV`/`ARG` key-value pairs with their source positions.

use std::ops::Range;

/// One instruction, continuations joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-cased keyword: `FROM`, `ENV`, `CMD`, …
    pub keyword: String,
    /// The arguments with continuations joined by a space.
    pub args: String,
    /// Byte range of the whole instruction in the file.
    pub range: Range<usize>,
    /// 1-based line of the keyword.
    pub line: usize,
    /// Index into [`Dockerfile::stages`] of the stage this instruction is in
    /// (`None` before the first `FROM`).
    pub stage: Option<usize>,
}

/// A build stage opened by `FROM`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub image: String,
    /// The name after `AS`, lower-cased, if any.
    pub name: Option<String>,
}

/// A `KEY=value` pair of an `ENV` or `ARG` instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvPair {
    pub key: String,
    /// The value with surrounding quotes removed; `None` for `ARG NAME`.
    pub value: Option<String>,
    /// Byte range of the pair in the file (best effort across continuations).
    pub range: Range<usize>,
}

/// The instructions and stages of one Dockerfile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dockerfile {
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
}

impl Dockerfile {
    /// True when `instruction` belongs to the last stage, the one that ships.
    #[must_use]
    pub fn is_final_stage(&self, instruction: &Instruction) -> bool {
        match instruction.stage {
            Some(stage) => stage + 1 == self.stages.len(),
            None => true,
        }
    }

    /// The stage an instruction belongs to.
    #[must_use]
    pub fn stage_of(&self, instruction: &Instruction) -> Option<&Stage> {
        instruction.stage.and_then(|i| self.stages.get(i))
    }
}

/// Reads a Dockerfile. Never fails: lines it does not understand are skipped.
#[must_use]
pub fn parse_dockerfile(text: &str) -> Dockerfile {
    let escape = escape_directive(text).unwrap_or('\\');
    let mut file = Dockerfile::default();
    let lines = line_spans(text);
    let mut i = 0;
    while i < lines.len() {
        let (start, end) = lines[i];
        let line = &text[start..end];
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        let first_line = i + 1;
        let mut args = String::new();
        let mut last_end = end;
        let mut current = trimmed;
        loop {
            let (body, continues) = strip_continuation(current, escape);
            if !args.is_empty() && !body.trim().is_empty() {
                args.push(' ');
            }
            args.push_str(if args.is_empty() {
                body.trim_end()
            } else {
                body.trim()
            });
            if !continues {
                break;
            }
            // Comment lines inside a continuation are dropped, as Docker does.
            i += 1;
            while i < lines.len() && text[lines[i].0..lines[i].1].trim_start().starts_with('#') {
                i += 1;
            }
            let Some(&(next_start, next_end)) = lines.get(i) else {
                break;
            };
            last_end = next_end;
            current = &text[next_start..next_end];
        }
        i += 1;

        let args = args.trim();
        let (keyword, rest) = match args.split_once(char::is_whitespace) {
            Some((k, r)) => (k, r.trim()),
            None => (args, ""),
        };
        let keyword = keyword.to_ascii_uppercase();
        if keyword == "FROM" {
            file.stages.push(parse_from(rest));
        }
        // Heredoc bodies (`RUN <<EOF`) are data, not instructions.
        if let Some(marker) = heredoc_marker(rest) {
            while i < lines.len() && text[lines[i].0..lines[i].1].trim() != marker {
                last_end = lines[i].1;
                i += 1;
            }
            if i < lines.len() {
                last_end = lines[i].1;
                i += 1;
            }
        }
        file.instructions.push(Instruction {
            keyword,
            args: rest.to_string(),
            range: start..last_end,
            line: first_line,
            stage: file.stages.len().checked_sub(1),
        });
    }
    file
}

impl Instruction {
    /// The arguments of an exec-form instruction (`CMD ["a", "b"]`).
    #[must_use]
    pub fn exec_form(&self) -> Option<Vec<String>> {
        let args = self.args.trim();
        if !args.starts_with('[') {
            return None;
        }
        serde_json::from_str::<Vec<String>>(args).ok()
    }

    /// The command words of `RUN`/`CMD`/`ENTRYPOINT`, exec form or shell form.
    #[must_use]
    pub fn command_words(&self) -> Vec<String> {
        if let Some(words) = self.exec_form() {
            return words;
        }
        shlex::split(&self.args)
            .unwrap_or_else(|| self.args.split_whitespace().map(str::to_string).collect())
    }

    /// The `KEY=value` pairs of `ENV` and `ARG`, including the legacy
    /// `ENV KEY value` form.
    #[must_use]
    pub fn env_pairs(&self, source: &str) -> Vec<EnvPair> {
        if self.keyword != "ENV" && self.keyword != "ARG" {
            return Vec::new();
        }
        let words = shlex::split(&self.args)
            .unwrap_or_else(|| self.args.split_whitespace().map(str::to_string).collect());
        let original = source.get(self.range.clone()).unwrap_or("");
        let locate = |key: &str| -> Range<usize> {
            let at = find_word(original, key).unwrap_or(0);
            let line_end = original[at..].find('\n').map_or(original.len(), |e| at + e);
            let pair_end = original[at..line_end]
                .find(char::is_whitespace)
                .map_or(line_end, |e| at + e);
            self.range.start + at..self.range.start + pair_end
        };
        let legacy = self.keyword == "ENV"
            && words.len() >= 2
            && !words[0].contains('=')
            && !words.iter().skip(1).all(|w| w.contains('='));
        if legacy {
            let key = words[0].clone();
            let value = words[1..].join(" ");
            let range = locate(&key);
            return vec![EnvPair {
                key,
                value: Some(value),
                range,
            }];
        }
        words
            .into_iter()
            .map(|word| {
                let (key, value) = match word.split_once('=') {
                    Some((k, v)) => (k.to_string(), Some(v.to_string())),
                    None => (word, None),
                };
                let range = locate(&key);
                EnvPair { key, value, range }
            })
            .collect()
    }
}

fn find_word(haystack: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(pos) = haystack[from..].find(word) {
        let at = from + pos;
        let before_ok = at == 0
            || !haystack[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = haystack[at + word.len()..].chars().next();
        let after_ok = !after.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if before_ok && after_ok {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

fn parse_from(rest: &str) -> Stage {
    let words: Vec<&str> = rest
        .split_whitespace()
        .filter(|w| !w.starts_with("--"))
        .collect();
    let image = words.first().copied().unwrap_or("").to_string();
    let name = match words.as_slice() {
        [_, as_kw, name, ..] if as_kw.eq_ignore_ascii_case("as") => Some(name.to_ascii_lowercase()),
        _ => None,
    };
    Stage { image, name }
}

fn heredoc_marker(args: &str) -> Option<String> {
    let at = args.find("<<")?;
    let rest = args[at + 2..].trim_start_matches('-');
    let marker: String = rest
        .trim_matches(|c| c == '"' || c == '\'')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!marker.is_empty()).then_some(marker)
}

/// Reads the `# escape=` parser directive, which must come before anything else.
fn escape_directive(text: &str) -> Option<char> {
    for line in text.lines() {
        let line = line.trim();
        let directive = line.strip_prefix('#')?;
        let directive = directive.trim();
        if let Some((key, value)) = directive.split_once('=') {
            if key.trim().eq_ignore_ascii_case("escape") {
                return value.trim().chars().next();
            }
            continue;
        }
        return None;
    }
    None
}

fn strip_continuation(line: &str, escape: char) -> (&str, bool) {
    let trimmed = line.trim_end();
    match trimmed.strip_suffix(escape) {
        Some(body) => (body, true),
        None => (trimmed, false),
    }
}

fn line_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            spans.push((start, end));
            start = i + 1;
        }
    }
    if start < text.len() {
        spans.push((start, text.len()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continuations_and_tracks_stages() {
        let text = "# syntax=docker/dockerfile:1\nFROM node:20 AS build\nRUN npm ci \\\n  # a comment\n  && npm run build\nFROM node:20-slim\nENV NODE_ENV=production PORT=8080\nCMD [\"node\", \"dist/main.js\"]\n";
        let file = parse_dockerfile(text);
        let keywords: Vec<&str> = file
            .instructions
            .iter()
            .map(|i| i.keyword.as_str())
            .collect();
        assert_eq!(keywords, ["FROM", "RUN", "FROM", "ENV", "CMD"]);
        assert_eq!(file.instructions[1].args, "npm ci && npm run build");
        assert_eq!(file.instructions[1].line, 3);
        assert_eq!(file.stages.len(), 2);
        assert_eq!(file.stages[0].name.as_deref(), Some("build"));
        assert!(!file.is_final_stage(&file.instructions[1]));
        assert!(file.is_final_stage(&file.instructions[3]));
        assert_eq!(
            file.instructions[4].exec_form(),
            Some(vec!["node".to_string(), "dist/main.js".to_string()])
        );
    }

    #[test]
    fn env_pairs_in_both_forms_with_positions() {
        let text = "FROM python:3.12\nENV FLASK_DEBUG=1 APP=\"my app\"\nENV LEGACY some value\nARG VERSION\n";
        let file = parse_dockerfile(text);
        let pairs = file.instructions[1].env_pairs(text);
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0].key, "FLASK_DEBUG");
        assert_eq!(pairs[0].value.as_deref(), Some("1"));
        assert_eq!(&text[pairs[0].range.clone()], "FLASK_DEBUG=1");
        assert_eq!(pairs[1].value.as_deref(), Some("my app"));
        let legacy = file.instructions[2].env_pairs(text);
        assert_eq!(legacy[0].key, "LEGACY");
        assert_eq!(legacy[0].value.as_deref(), Some("some value"));
        let arg = file.instructions[3].env_pairs(text);
        assert_eq!(arg[0].value, None);
    }

    #[test]
    fn heredoc_bodies_are_not_instructions() {
        let text = "FROM alpine\nRUN <<EOF\nENV NOT_AN_INSTRUCTION=1\nEOF\nCMD [\"sh\"]\n";
        let file = parse_dockerfile(text);
        let keywords: Vec<&str> = file
            .instructions
            .iter()
            .map(|i| i.keyword.as_str())
            .collect();
        assert_eq!(keywords, ["FROM", "RUN", "CMD"]);
    }

    #[test]
    fn escape_directive_changes_the_continuation_character() {
        let text = "# escape=`\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\n";
        let file = parse_dockerfile(text);
        assert_eq!(file.instructions[1].args, "dir c:\\");
    }
}
