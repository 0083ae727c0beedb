//! Credential formats a team declares in a user rule (`secret:` patterns):
//! a prefix, a charset and a length, matched like the built-in formats —
//! anchored on the prefix, bounded on both sides, the body judged for
//! randomness so placeholders (`acme_live_xxxxxxxx`) stay quiet.

use std::ops::Range;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::quiet::is_placeholder_token;
use super::randomness::looks_generated;

/// Named charsets a `secret:` pattern may use.
const NAMED_CHARSETS: &[(&str, &str)] = &[
    ("alnum", "A-Za-z0-9"),
    ("alnum-upper", "A-Z0-9"),
    ("alnum-lower", "a-z0-9"),
    ("hex", "a-f0-9"),
    ("hex-upper", "A-F0-9"),
    ("base64", "A-Za-z0-9+/="),
    ("base64url", "A-Za-z0-9_="),
    ("base32", "A-Z2-7="),
    ("digits", "0-9"),
];

/// A declared credential format.
#[derive(Debug, Clone)]
pub struct CustomFormat {
    /// Shown in messages: "Acme live API key".
    pub name: String,
    finder: AhoCorasick,
    prefix_lengths: Vec<usize>,
    /// Which ASCII bytes the body may hold.
    charset: [bool; 128],
    min: usize,
    max: usize,
}

/// One match of a declared format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomMatch {
    /// The whole token, prefix included.
    pub range: Range<usize>,
    /// `None` when reported; why not otherwise.
    pub dropped: Option<&'static str>,
}

impl CustomFormat {
    /// Builds a format from its declaration.
    ///
    /// # Errors
    /// An empty prefix, an unknown charset name, a bad character class, or
    /// a length range that is empty or longer than 1024.
    pub fn new(
        name: &str,
        prefixes: &[String],
        charset: &str,
        min: usize,
        max: usize,
    ) -> Result<Self, String> {
        if prefixes.is_empty() || prefixes.iter().any(String::is_empty) {
            return Err("a secret pattern needs a non-empty `prefix`".to_string());
        }
        if min == 0 || min > max || max > 1024 {
            return Err(format!(
                "`length` {min}..{max}: expected 1 ≤ min ≤ max ≤ 1024 characters after the prefix"
            ));
        }
        let class = if charset.starts_with('[') {
            charset.to_string()
        } else {
            let (_, class) = NAMED_CHARSETS
                .iter()
                .find(|(n, _)| *n == charset)
                .ok_or_else(|| {
                    let names: Vec<&str> = NAMED_CHARSETS.iter().map(|(n, _)| *n).collect();
                    format!(
                        "unknown charset `{charset}`: expected one of {} or a character class such as `[A-Za-z0-9_-]`",
                        names.join(", ")
                    )
                })?;
            format!("[{class}]")
        };
        let regex =
            Regex::new(&format!("^{class}$")).map_err(|e| format!("charset `{charset}`: {e}"))?;
        let mut table = [false; 128];
        for byte in 0x21u8..0x7f {
            table[usize::from(byte)] = regex.is_match(&char::from(byte).to_string());
        }
        if !table.iter().any(|b| *b) {
            return Err(format!(
                "charset `{charset}` holds no printable ASCII character"
            ));
        }
        let finder = AhoCorasick::new(prefixes).map_err(|e| e.to_string())?;
        Ok(CustomFormat {
            name: name.to_string(),
            finder,
            prefix_lengths: prefixes.iter().map(String::len).collect(),
            charset: table,
            min,
            max,
        })
    }

    fn in_charset(&self, byte: u8) -> bool {
        self.charset
            .get(usize::from(byte))
            .copied()
            .unwrap_or(false)
    }

    /// Every token of this format in `text`.
    #[must_use]
    pub fn find(&self, text: &str) -> Vec<CustomMatch> {
        let bytes = text.as_bytes();
        let mut found = Vec::new();
        for hit in self.finder.find_overlapping_iter(text) {
            let start = hit.start();
            // The token is not the tail of a longer word.
            let glued = start > 0
                && bytes[start].is_ascii_alphanumeric()
                && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
            if glued {
                continue;
            }
            let body_start = start + self.prefix_lengths[hit.pattern().as_usize()];
            let mut end = body_start;
            while end < bytes.len() && end - body_start <= self.max && self.in_charset(bytes[end]) {
                end += 1;
            }
            let len = end - body_start;
            if len < self.min || len > self.max {
                continue;
            }
            let token = &text[start..end];
            let body = &text[body_start..end];
            let dropped = if is_placeholder_token(token) {
                Some("placeholder")
            } else if !looks_generated(body) {
                Some("low randomness")
            } else {
                None
            };
            found.push(CustomMatch {
                range: start..end,
                dropped,
            });
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> CustomFormat {
        CustomFormat::new(
            "Acme live key",
            &["acme_live_".to_string()],
            "alnum",
            32,
            32,
        )
        .unwrap()
    }

    #[test]
    fn finds_bounded_tokens_of_the_declared_shape() {
        let token = "acme_live_q7ZxW2mK9pL4vR8tB1nY6cD3fG5hJ0kE";
        let text = format!("KEY = \"{token}\"\nother = acme_live_short\nx{token}\n");
        let found = acme().find(&text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(&text[found[0].range.clone()], token);
        assert_eq!(found[0].dropped, None);
        // One character too many is not this format.
        assert!(acme().find(&format!("{token}Z")).is_empty());
    }

    #[test]
    fn placeholders_are_dropped_and_declarations_checked() {
        let found = acme().find("acme_live_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        assert_eq!(found[0].dropped, Some("placeholder"));
        assert!(CustomFormat::new("x", &["p_".into()], "letters", 10, 10)
            .unwrap_err()
            .contains("unknown charset"));
        assert!(CustomFormat::new("x", &["p_".into()], "[a-z", 10, 10).is_err());
        assert!(CustomFormat::new("x", &["p_".into()], "hex", 20, 10).is_err());
        assert!(CustomFormat::new("x", &["p_".into()], "[A-Za-z0-9_-]", 10, 12).is_ok());
    }
}
