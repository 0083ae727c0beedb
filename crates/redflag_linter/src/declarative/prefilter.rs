//! Literals a file must contain for a declarative pattern to match in it.
//!
//! Parsing is the cost of a scan; most files cannot match a given rule. A
//! pattern whose constraints require, say, `verify` or `rejectUnauthorized`
//! cannot match a file that contains neither, so the engine skips the parse
//! when no rule's literals occur. The literals are derived, never written by
//! hand: from `equals` constraints and from the literal prefixes of `regex`
//! constraints (via `regex-syntax`), and only for captures that every match
//! binds — a capture inside an alternation or under `?`/`*` may be absent.

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

/// Names of the captures that every match of one query pattern binds:
/// children of a node bind the union of what they bind, the alternatives of
/// `[...]` the intersection, and an item under `?` or `*` nothing.
#[must_use]
pub fn guaranteed_captures(pattern: &str) -> Vec<String> {
    let tokens = tokenize(pattern);
    let mut position = 0;
    let mut guaranteed = Vec::new();
    while position < tokens.len() {
        match parse_item(&tokens, &mut position) {
            Some(item) => guaranteed.extend(item.guaranteed()),
            None => position += 1,
        }
    }
    guaranteed.sort();
    guaranteed.dedup();
    guaranteed
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open(char),
    Close,
    Capture(String),
    Optional,
    Predicate,
    Other,
}

fn tokenize(pattern: &str) -> Vec<Token> {
    let bytes = pattern.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b';' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                tokens.push(Token::Other);
            }
            b'(' | b'[' => tokens.push(Token::Open(char::from(bytes[i]))),
            b')' | b']' => tokens.push(Token::Close),
            b'?' | b'*' => tokens.push(Token::Optional),
            b'#' => tokens.push(Token::Predicate),
            b'@' => {
                let name: String = pattern[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                    .collect();
                i += name.len();
                tokens.push(Token::Capture(name));
            }
            c if c.is_ascii_whitespace() || c == b':' || c == b'+' => {}
            _ => {
                while i + 1 < bytes.len()
                    && !bytes[i + 1].is_ascii_whitespace()
                    && !b"()[]@?*+:\";".contains(&bytes[i + 1])
                {
                    i += 1;
                }
                tokens.push(Token::Other);
            }
        }
        i += 1;
    }
    tokens
}

/// One element of a pattern with what it binds.
struct Item {
    optional: bool,
    captures: Vec<String>,
    /// `(…)` children, or `[…]` alternatives.
    children: Vec<Item>,
    alternation: bool,
    predicate: bool,
}

impl Item {
    fn guaranteed(&self) -> Vec<String> {
        if self.optional || self.predicate {
            return Vec::new();
        }
        let mut names = self.captures.clone();
        if self.alternation {
            let mut alternatives = self.children.iter().map(Item::guaranteed);
            if let Some(first) = alternatives.next() {
                let common = alternatives.fold(first, |acc, next| {
                    acc.into_iter().filter(|n| next.contains(n)).collect()
                });
                names.extend(common);
            }
        } else {
            for child in &self.children {
                names.extend(child.guaranteed());
            }
        }
        names
    }
}

fn parse_item(tokens: &[Token], position: &mut usize) -> Option<Item> {
    let mut item = Item {
        optional: false,
        captures: Vec::new(),
        children: Vec::new(),
        alternation: false,
        predicate: false,
    };
    match tokens.get(*position)? {
        Token::Open(bracket) => {
            item.alternation = *bracket == '[';
            *position += 1;
            item.predicate = tokens.get(*position) == Some(&Token::Predicate);
            while *position < tokens.len() && tokens[*position] != Token::Close {
                match parse_item(tokens, position) {
                    Some(child) => item.children.push(child),
                    None => *position += 1,
                }
            }
            *position += 1;
        }
        Token::Other => *position += 1,
        _ => return None,
    }
    while let Some(token) = tokens.get(*position) {
        match token {
            Token::Optional => item.optional = true,
            Token::Capture(name) => item.captures.push(name.clone()),
            _ => break,
        }
        *position += 1;
    }
    Some(item)
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

    #[test]
    fn captures_under_alternation_or_quantifiers_are_not_guaranteed() {
        let query = r#"(assignment
            left: [
              (attribute object: (_) @object attribute: (identifier) @attribute)
              (subscript value: (_) @config)
            ]
            right: (true) @value) @match"#;
        assert_eq!(guaranteed_captures(query), ["match", "value"]);
        assert_eq!(
            guaranteed_captures(
                "(call (identifier)? @maybe (argument_list (string)* @many) @args)"
            ),
            ["args"]
        );
        assert_eq!(
            guaranteed_captures(r#"((identifier) @name (#eq? @name "x"))"#),
            ["name"]
        );
        assert_eq!(
            guaranteed_captures(r#"(pair key: (_) @k (#match? @k "@notacapture"))"#),
            ["k"]
        );
        // Bound in every alternative: guaranteed.
        assert_eq!(
            guaranteed_captures("(assignment left: [(member property: (p) @name) (subscript index: (s) @name)] right: (_) @value)"),
            ["name", "value"]
        );
    }
}
