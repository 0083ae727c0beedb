//! Literals a file must contain for a declarative pattern to match in it.
//!
//! Parsing is the cost of a scan; most files cannot match a given rule. A
//! pattern whose constraints require, say, `verify` or `rejectUnauthorized`
//! cannot match a file that contains neither, so the engine skips the parse
//! when no rule's literals occur. The literals are derived, never written by
//! hand: from `equals` constraints and from the literal prefixes of `regex`
//! constraints (via `regex-syntax`), and only for captures that every match
//! binds (see [`super::query_text`]) — a capture inside an alternation or
//! under `?`/`*` may be absent.

use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// Shortest literal worth filtering on: shorter ones occur everywhere.
const MIN_LITERAL_LEN: usize = 3;

/// The literals one of which every text matching `regex` contains, if the
/// regex has a finite set of literal prefixes.
#[must_use]
pub fn regex_literals(regex: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::Parser::new().parse(regex).ok()?;
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix);
    let seq = extractor.extract(&hir);
    let literals = seq.literals()?;
    let mut out = Vec::with_capacity(literals.len());
    for literal in literals {
        let text = std::str::from_utf8(literal.as_bytes()).ok()?;
        if text.is_empty() {
            return None;
        }
        out.push(text.to_string());
    }
    (!out.is_empty()).then_some(out)
}

/// Picks the most selective set: the one whose shortest literal is longest.
/// Sets with a literal shorter than [`MIN_LITERAL_LEN`] are not used.
#[must_use]
pub fn most_selective(candidates: Vec<Vec<String>>) -> Option<Vec<String>> {
    candidates
        .into_iter()
        .filter(|set| !set.is_empty() && set.iter().all(|l| l.len() >= MIN_LITERAL_LEN))
        .max_by_key(|set| set.iter().map(String::len).min().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_prefixes_become_literals() {
        assert_eq!(
            regex_literals("^(verify|verify_ssl)$"),
            Some(vec!["verify".to_string(), "verify_ssl".to_string()])
        );
        assert_eq!(
            regex_literals("^danger_accept_invalid_(certs|hostnames)$").map(|l| l.len()),
            Some(2)
        );
        assert_eq!(regex_literals(r"\w+Sync$"), None, "no literal prefix");
        assert_eq!(regex_literals("a*"), None, "may match the empty string");
    }

    #[test]
    fn most_selective_prefers_longer_literals() {
        let chosen = most_selective(vec![
            vec!["False".into()],
            vec!["verify".into(), "check_hostname".into()],
            vec!["ab".into()],
        ]);
        assert_eq!(
            chosen,
            Some(vec!["verify".to_string(), "check_hostname".to_string()])
        );
        assert_eq!(most_selective(vec![vec!["ab".into()]]), None);
    }
}
