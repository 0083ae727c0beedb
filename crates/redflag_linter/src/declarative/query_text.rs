//! The shape of a tree-sitter query, read from its text.
//!
//! Two things are needed before (or instead of) compiling a query: the node
//! kinds its patterns start at, for the dispatch tables, and the captures
//! every match binds, for the prefilter. Both come from one small reading
//! of the query text into items: nodes `(kind …)`, groups `((a) (b))`,
//! alternations `[…]`, predicates `(#eq? …)` and leaves, each with its
//! quantifier and captures.

/// One element of a query pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub shape: Shape,
    pub children: Vec<Item>,
    pub captures: Vec<String>,
    /// Under `?` or `*`: may match nothing.
    pub optional: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// `(kind …)`; the kind is `_` for a wildcard.
    Node(String),
    /// `((a) (b))`: a sequence of siblings.
    Group,
    /// `[(a) (b)]`.
    Alternation,
    /// `(#eq? @x "y")`.
    Predicate,
    /// A string, `_`, a field name, an anchor.
    Leaf,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open(char),
    Close,
    Capture(String),
    Optional,
    Word(String),
    Other,
}

fn tokenize(source: &str) -> Vec<Token> {
    let bytes = source.as_bytes();
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
            b'@' => {
                let name: String = source[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                    .collect();
                i += name.len();
                tokens.push(Token::Capture(name));
            }
            c if c.is_ascii_whitespace() || c == b'+' => {}
            _ => {
                let start = i;
                while i + 1 < bytes.len()
                    && !bytes[i + 1].is_ascii_whitespace()
                    && !b"()[]@?*+\";".contains(&bytes[i + 1])
                {
                    i += 1;
                }
                tokens.push(Token::Word(source[start..=i].to_string()));
            }
        }
        i += 1;
    }
    tokens
}

/// Reads the top-level patterns of a query.
///
/// # Errors
/// Unbalanced brackets.
pub fn parse(source: &str) -> Result<Vec<Item>, String> {
    let tokens = tokenize(source);
    let mut position = 0;
    let mut items = Vec::new();
    while position < tokens.len() {
        match parse_item(&tokens, &mut position)? {
            Some(item) => items.push(item),
            None => position += 1,
        }
    }
    Ok(items)
}

fn parse_item(tokens: &[Token], position: &mut usize) -> Result<Option<Item>, String> {
    let mut item = Item {
        shape: Shape::Leaf,
        children: Vec::new(),
        captures: Vec::new(),
        optional: false,
    };
    match tokens.get(*position) {
        Some(Token::Open(bracket)) => {
            *position += 1;
            item.shape = match (bracket, tokens.get(*position)) {
                ('[', _) => Shape::Alternation,
                (_, Some(Token::Word(word))) if word.starts_with('#') => Shape::Predicate,
                (_, Some(Token::Word(word))) => {
                    *position += 1;
                    Shape::Node(word.clone())
                }
                _ => Shape::Group,
            };
            loop {
                match tokens.get(*position) {
                    None => return Err("unbalanced brackets in query".to_string()),
                    Some(Token::Close) => break,
                    Some(_) => match parse_item(tokens, position)? {
                        Some(child) => item.children.push(child),
                        None => *position += 1,
                    },
                }
            }
            *position += 1;
        }
        Some(Token::Word(_) | Token::Other) => *position += 1,
        Some(Token::Close) => return Err("unbalanced brackets in query".to_string()),
        _ => return Ok(None),
    }
    while let Some(token) = tokens.get(*position) {
        match token {
            Token::Optional => item.optional = true,
            Token::Capture(name) => item.captures.push(name.clone()),
            _ => break,
        }
        *position += 1;
    }
    Ok(Some(item))
}

impl Item {
    /// The node kinds a match of this item can start at.
    ///
    /// # Errors
    /// A pattern that starts with a wildcard, a string or a predicate.
    pub fn root_kinds(&self) -> Result<Vec<String>, String> {
        match &self.shape {
            Shape::Node(kind) if kind != "_" => Ok(vec![kind.clone()]),
            Shape::Node(_) => {
                Err("a query pattern must start with a named node kind, not `(_)`".to_string())
            }
            Shape::Group => self
                .children
                .first()
                .ok_or_else(|| "an empty group cannot start a pattern".to_string())?
                .root_kinds(),
            Shape::Alternation => {
                let mut kinds = Vec::new();
                for alternative in &self.children {
                    kinds.extend(alternative.root_kinds()?);
                }
                if kinds.is_empty() {
                    Err("an empty alternation cannot start a pattern".to_string())
                } else {
                    Ok(kinds)
                }
            }
            Shape::Predicate | Shape::Leaf => Err(
                "a query pattern must start with `(kind …)`, a group or an alternation".to_string(),
            ),
        }
    }

    /// Captures every match of this item binds: a node or group binds what
    /// all its children bind, an alternation what all its alternatives
    /// bind, an optional item or a predicate nothing.
    #[must_use]
    pub fn guaranteed_captures(&self) -> Vec<String> {
        if self.optional || self.shape == Shape::Predicate {
            return Vec::new();
        }
        let mut names = self.captures.clone();
        if self.shape == Shape::Alternation {
            let mut alternatives = self.children.iter().map(Item::guaranteed_captures);
            if let Some(first) = alternatives.next() {
                names.extend(alternatives.fold(first, |common, next| {
                    common.into_iter().filter(|n| next.contains(n)).collect()
                }));
            }
        } else {
            for child in &self.children {
                names.extend(child.guaranteed_captures());
            }
        }
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roots(query: &str) -> Result<Vec<String>, String> {
        let mut kinds = Vec::new();
        for item in parse(query)? {
            kinds.extend(item.root_kinds()?);
        }
        Ok(kinds)
    }

    fn guaranteed(query: &str) -> Vec<String> {
        parse(query)
            .unwrap()
            .iter()
            .flat_map(Item::guaranteed_captures)
            .collect()
    }

    #[test]
    fn root_kinds_of_query_patterns() {
        assert_eq!(roots("(call function: (_))"), Ok(vec!["call".to_string()]));
        assert_eq!(
            roots("; a comment (not_a_kind)\n  [(call) @a (attribute (identifier))] @b"),
            Ok(vec!["call".to_string(), "attribute".to_string()])
        );
        assert_eq!(
            roots("((identifier) @x (#eq? @x \"a)\")) (pair) @p"),
            Ok(vec!["identifier".to_string(), "pair".to_string()])
        );
        assert!(roots("(_) @x").is_err());
        assert!(roots("(call").is_err());
        assert!(roots("\"string\"").is_err());
    }

    #[test]
    fn captures_under_alternation_or_quantifiers_are_not_guaranteed() {
        let query = r#"(assignment
            left: [
              (attribute object: (_) @object attribute: (identifier) @attribute)
              (subscript value: (_) @config)
            ]
            right: (true) @value) @match"#;
        assert_eq!(guaranteed(query), ["match", "value"]);
        assert_eq!(
            guaranteed("(call (identifier)? @maybe (argument_list (string)* @many) @args)"),
            ["args"]
        );
        assert_eq!(
            guaranteed(r#"((identifier) @name (#eq? @name "x"))"#),
            ["name"]
        );
        assert_eq!(
            guaranteed(r#"(pair key: (_) @k (#match? @k "@notacapture"))"#),
            ["k"]
        );
        assert_eq!(
            guaranteed("(assignment left: [(member property: (p) @name) (subscript index: (s) @name)] right: (_) @value)"),
            ["name", "value"]
        );
    }
}
