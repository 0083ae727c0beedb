//! Attribute routes: `#[get("/users/{id}")]` (Actix-web) and
//! `#[post("/", data = "<body>")]` (Rocket) on handler functions.
//!
//! The attribute's arguments are a token tree that tree-sitter leaves
//! flat, so they are read with a small tokenizer of their own: string
//! literals, names and punctuation are all the route macros use.

use redflag_syntax::tree_sitter::Node;

use super::{last_segment, marker_text, FileIndex};
use crate::facts::service::Framework;
use crate::source::SourceFile;

/// The route macros named after the method they answer.
const METHOD_ATTRIBUTES: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "trace", "connect",
];

/// Attributes that say nothing about who may call a handler: they are not
/// recorded as its markers.
const NEUTRAL_ATTRIBUTES: &[&str] = &[
    "doc",
    "allow",
    "warn",
    "deny",
    "expect",
    "forbid",
    "cfg",
    "cfg_attr",
    "must_use",
    "inline",
    "cold",
    "instrument",
    "debug_handler",
    "path",
    "openapi",
    "async_trait",
    "deprecated",
    "test",
    "main",
    "launch",
    "skip",
    "catch",
    "routes",
    "route",
    "handler",
    "axum_macros",
];

/// One route attribute on a handler.
pub(super) struct RouteAttr<'a> {
    pub(super) node: Node<'a>,
    pub(super) framework: Framework,
    /// The path without Rocket's query part.
    pub(super) path: String,
    pub(super) methods: Vec<String>,
    /// Rocket query parameters (`?<limit>&<page>`).
    pub(super) query: Vec<String>,
    /// Handler parameters Rocket binds from the path, query or body: they
    /// are not guards.
    pub(super) bound: Vec<String>,
    /// Actix `wrap = "…"` and `guard = "…"`.
    pub(super) markers: Vec<String>,
}

/// The attributes written before an item, nearest last.
fn attributes_of(function: Node<'_>) -> Vec<Node<'_>> {
    let mut found = Vec::new();
    let mut previous = function.prev_named_sibling();
    while let Some(sibling) = previous {
        match sibling.kind() {
            "attribute_item" => found.push(sibling),
            "line_comment" | "block_comment" => {}
            _ => break,
        }
        previous = sibling.prev_named_sibling();
    }
    found.reverse();
    found
}

/// An attribute's path (`get`, `actix_web::get`) and argument tokens.
fn read_attribute<'a>(file: &'a SourceFile, item: Node<'a>) -> Option<(&'a str, Node<'a>)> {
    let attribute = item.named_child(0).filter(|a| a.kind() == "attribute")?;
    let path = attribute.named_child(0)?;
    Some((file.text_of(path), attribute))
}

/// The route attributes of a function.
pub(super) fn route_attributes<'a>(
    file: &'a SourceFile,
    index: &FileIndex<'_>,
    function: Node<'a>,
) -> Vec<RouteAttr<'a>> {
    let mut routes = Vec::new();
    for item in attributes_of(function) {
        let Some((path, attribute)) = read_attribute(file, item) else {
            continue;
        };
        let name = last_segment(path);
        if name != "route" && !METHOD_ATTRIBUTES.contains(&name) {
            continue;
        }
        let Some(arguments) = attribute.child_by_field_name("arguments") else {
            continue;
        };
        if let Some(route) = parse_route(file, index, item, path, arguments) {
            routes.push(route);
        }
    }
    routes
}

/// Markers from the function's other attributes (`#[protect("ADMIN")]`,
/// `#[has_permissions("write")]`), as written without `#[…]`.
pub(super) fn attribute_markers(file: &SourceFile, function: Node<'_>) -> Vec<String> {
    let mut markers = Vec::new();
    for item in attributes_of(function) {
        let Some((path, attribute)) = read_attribute(file, item) else {
            continue;
        };
        let name = last_segment(path);
        let first = path.split("::").next().unwrap_or(path);
        let neutral = NEUTRAL_ATTRIBUTES.contains(&name)
            || METHOD_ATTRIBUTES.contains(&name)
            || matches!(
                first,
                "tokio" | "actix_web" | "rocket" | "utoipa" | "tracing" | "clippy" | "rustfmt"
            );
        if !neutral {
            markers.push(marker_text(file.text_of(attribute)));
        }
    }
    markers
}

fn parse_route<'a>(
    file: &SourceFile,
    index: &FileIndex<'_>,
    item: Node<'a>,
    attribute_path: &str,
    arguments: Node<'_>,
) -> Option<RouteAttr<'a>> {
    let name = last_segment(attribute_path);
    let mut path = None;
    let mut methods = Vec::new();
    let mut markers = Vec::new();
    let mut data = None;
    for argument in split_arguments(&tokens(file.text_of(arguments))) {
        match argument.as_slice() {
            [Token::Str(value)] if path.is_none() => path = Some(value.clone()),
            // Rocket: `#[route(GET, uri = "/")]`.
            [Token::Name(method)] => methods.push(method_name(method)),
            [Token::Name(key), Token::Punct('='), value] => {
                let value = match value {
                    Token::Str(s) | Token::Name(s) => s.clone(),
                    Token::Punct(_) => continue,
                };
                match key.as_str() {
                    "uri" | "path" if path.is_none() => path = Some(value),
                    "method" => methods.push(method_name(&value)),
                    "data" => data = Some(value),
                    "wrap" | "guard" => markers.push(marker_text(&value)),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let path = path.filter(|p| p.starts_with('/'))?;
    let framework = framework_of(index, attribute_path, &path);
    if name != "route" {
        methods = vec![name.to_ascii_uppercase()];
    } else if methods.is_empty() {
        methods.push("ANY".to_string());
    }
    let (path, query, bound) = if framework == Framework::Rocket {
        let (route_path, query_part) = match path.split_once('?') {
            Some((p, q)) => (p.to_string(), q),
            None => (path.clone(), ""),
        };
        let query = rocket_segments(query_part);
        let mut bound = rocket_segments(&route_path);
        bound.extend(query.iter().cloned());
        bound.extend(data.as_deref().map(rocket_segments).unwrap_or_default());
        (route_path, query, bound)
    } else {
        (path, Vec::new(), Vec::new())
    };
    Some(RouteAttr {
        node: item,
        framework,
        path,
        methods,
        query,
        bound,
        markers,
    })
}

/// Which framework a route attribute belongs to: its own path says so
/// (`actix_web::get`), else the framework the file mentions, else the path
/// syntax (`<id>` is Rocket's, `{id}` Actix's).
fn framework_of(index: &FileIndex<'_>, attribute_path: &str, path: &str) -> Framework {
    if attribute_path.starts_with("actix_web") {
        return Framework::ActixWeb;
    }
    if attribute_path.starts_with("rocket") {
        return Framework::Rocket;
    }
    match (index.actix, index.rocket) {
        (true, false) => Framework::ActixWeb,
        (false, true) => Framework::Rocket,
        _ if path.contains('<') => Framework::Rocket,
        _ => Framework::ActixWeb,
    }
}

/// `GET`, `"get"`, `Method::GET` → `GET`.
fn method_name(written: &str) -> String {
    last_segment(written.trim_matches('"')).to_ascii_uppercase()
}

/// Names of Rocket's dynamic segments: `/<id>/<path..>` → `id`, `path`.
fn rocket_segments(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('>') else {
            break;
        };
        let name = after[..end].trim_end_matches("..").trim();
        if !name.is_empty() {
            names.push(name.to_string());
        }
        rest = &after[end + 1..];
    }
    names
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Str(String),
    Name(String),
    Punct(char),
}

/// Tokens of an attribute's argument text, outer parentheses included.
fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || (c == 'r' && matches!(chars.get(i + 1), Some('"' | '#'))) {
            let (value, next) = read_string(&chars, i);
            tokens.push(Token::Str(value));
            i = next;
        } else if c.is_alphanumeric() || c == '_' || c == ':' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | ':')) {
                i += 1;
            }
            tokens.push(Token::Name(chars[start..i].iter().collect()));
        } else {
            tokens.push(Token::Punct(c));
            i += 1;
        }
    }
    tokens
}

/// Reads a string literal starting at `start`; returns its value and the
/// index after it. An unterminated literal runs to the end.
fn read_string(chars: &[char], start: usize) -> (String, usize) {
    let mut i = start;
    let mut hashes = 0;
    let raw = chars[i] == 'r';
    if raw {
        i += 1;
        while chars.get(i) == Some(&'#') {
            hashes += 1;
            i += 1;
        }
    }
    // Past the opening quote.
    i += 1;
    let mut value = String::new();
    while i < chars.len() {
        let c = chars[i];
        if !raw && c == '\\' {
            if let Some(&next) = chars.get(i + 1) {
                value.push(c);
                value.push(next);
            }
            i += 2;
            continue;
        }
        if c == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
            return (value, i + 1 + hashes);
        }
        value.push(c);
        i += 1;
    }
    (value, i)
}

/// The top-level, comma-separated arguments inside the outer parentheses.
fn split_arguments(tokens: &[Token]) -> Vec<Vec<Token>> {
    let inner = match tokens {
        [Token::Punct('(' | '['), inner @ .., Token::Punct(')' | ']')] => inner,
        _ => tokens,
    };
    let mut arguments = vec![Vec::new()];
    let mut depth = 0usize;
    for token in inner {
        match token {
            Token::Punct('(' | '[' | '{') => depth += 1,
            Token::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
            Token::Punct(',') if depth == 0 => {
                arguments.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if let Some(current) = arguments.last_mut() {
            current.push(token.clone());
        }
    }
    arguments.retain(|a| !a.is_empty());
    arguments
}
