//! Literals bound to names, found around secret-word hits.
//!
//! In structured text — YAML, JSON, TOML, `.env`, Dockerfiles, ini and
//! properties files, shell — the name and its value are read directly from
//! the text around the hit (`name: value`, `"name": "value"`, `NAME=value`,
//! `<name>value</name>`). In code the syntax tree decides: the value must be
//! a string literal and the name what it is bound to — a variable, a field,
//! a keyword argument, a dictionary key, or a secret-taking call such as
//! `jwt.sign(payload, "…")` or `EncodingKey::from_secret(b"…")`.

use std::ops::Range;

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use crate::source::SourceFile;

/// A literal and the name it is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedLiteral {
    pub name: String,
    pub value: String,
    pub value_range: Range<usize>,
}

/// The longest value read.
const MAX_VALUE: usize = 1000;

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Named values in structured text, one per distinct name position.
#[must_use]
pub fn text_assignments(text: &str, hits: &[usize]) -> Vec<NamedLiteral> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut last_name_start = usize::MAX;
    for &hit in hits {
        let mut start = hit;
        while start > 0 && is_name_char(bytes[start - 1]) {
            start -= 1;
        }
        if start == last_name_start {
            continue;
        }
        last_name_start = start;
        let mut end = hit;
        while end < bytes.len() && is_name_char(bytes[end]) {
            end += 1;
        }
        let name = text[start..end].trim_matches(['.', '-']);
        if name.is_empty() {
            continue;
        }
        if let Some((value_range, value)) = value_after_name(text, start, end) {
            found.push(NamedLiteral {
                name: name.to_string(),
                value,
                value_range,
            });
        }
    }
    found
}

fn skip_blanks(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

/// Reads `= value`, `: value`, `:= value`, `=> value`, `>value<`, or the
/// Dockerfile `ENV NAME value`, after a name at `start..end`.
fn value_after_name(text: &str, start: usize, end: usize) -> Option<(Range<usize>, String)> {
    let bytes = text.as_bytes();
    let mut i = end;
    let opening = start.checked_sub(1).map(|s| bytes[s]);
    // `"name": …` and `'name' = …`: step over the closing quote.
    if let Some(quote @ (b'"' | b'\'')) = opening {
        if bytes.get(i) == Some(&quote) {
            i += 1;
        }
    }
    // .NET/Java XML settings: `<add key="ApiSecret" value="…" />`.
    if opening == Some(b'"') && bytes.get(end) == Some(&b'"') {
        let before = text[..start - 1].to_ascii_lowercase();
        if before.ends_with("key=") || before.ends_with("name=") {
            let tag_end = text[i..].find('>').map_or(text.len(), |p| i + p);
            let value_at = text[i..tag_end].find("value=")? + i + "value=".len();
            return read_value(text, value_at);
        }
    }
    // XML: `<password>value</password>`.
    if opening == Some(b'<') && bytes.get(i) == Some(&b'>') {
        let value_start = i + 1;
        let close = text[value_start..].find('<')?;
        let value = text[value_start..value_start + close].trim();
        return (!value.is_empty()).then(|| (value_start..value_start + close, value.to_string()));
    }
    i = skip_blanks(bytes, i);
    let operator_len = match (bytes.get(i), bytes.get(i + 1)) {
        (Some(b'='), Some(b'=' | b'~')) | (Some(b':'), Some(b':')) => return None,
        (Some(b':' | b'?' | b'='), Some(b'=' | b'>')) => 2,
        (Some(b'=' | b':'), _) => 1,
        (Some(_), _) => {
            // Dockerfile `ENV NAME value`: the name follows `ENV `/`ARG `.
            let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
            let keyword = text[line_start..start].trim().to_ascii_uppercase();
            if keyword == "ENV" && i > end {
                0
            } else {
                return None;
            }
        }
        (None, _) => return None,
    };
    i = skip_blanks(bytes, i + operator_len);
    read_value(text, i)
}

/// A quoted or bare value starting at `i`, on one line.
fn read_value(text: &str, i: usize) -> Option<(Range<usize>, String)> {
    let bytes = text.as_bytes();
    match bytes.get(i)? {
        quote @ (b'"' | b'\'' | b'`') => {
            let value_start = i + 1;
            let mut j = value_start;
            while j < bytes.len() && j - value_start <= MAX_VALUE {
                match bytes[j] {
                    b'\\' => j += 2,
                    b'\n' => return None,
                    b if b == *quote => {
                        let value = &text[value_start..j];
                        return Some((value_start..j, value.to_string()));
                    }
                    _ => j += 1,
                }
            }
            None
        }
        b'\n' | b'\r' | b'|' | b'>' | b'{' | b'[' | b'(' | b'&' | b'*' => None,
        _ => {
            let line_end = text[i..].find('\n').map_or(text.len(), |p| i + p);
            let mut value = &text[i..line_end];
            if let Some(comment) = value.find(" #") {
                value = &value[..comment];
            }
            let value = value
                .trim_end()
                .trim_end_matches([',', ';', '\r'])
                .trim_end_matches(['}', ']'])
                .trim_end();
            // A bare value with quotes or brackets is an expression
            // (`os.environ["X"]`, `config.get("x")`), not a literal.
            if value.is_empty() || value.len() > MAX_VALUE || value.contains(['"', '\'', '(', '['])
            {
                return None;
            }
            Some((i..i + value.len(), value.to_string()))
        }
    }
}

/// The content of a string literal node, or `None` for anything that is not
/// a plain literal (an f-string with holes, a template with substitutions).
#[must_use]
pub fn literal_text(file: &SourceFile, node: Node<'_>) -> Option<(Range<usize>, String)> {
    match node.kind() {
        "string" | "string_literal" | "raw_string_literal" | "template_string" => {}
        _ => return None,
    }
    let mut cursor = node.walk();
    let mut range: Option<Range<usize>> = None;
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "string_content" | "string_fragment" | "escape_sequence" => {
                range = Some(match range {
                    Some(r) => r.start..child.end_byte(),
                    None => child.byte_range(),
                });
            }
            "string_start" | "string_end" => {}
            // Interpolations and substitutions: not a literal.
            _ => return None,
        }
    }
    let range = range?;
    Some((range.clone(), file.slice(range).to_string()))
}

/// Named string literals in a code file, driven by secret-word hits.
#[must_use]
pub fn code_assignments(
    file: &SourceFile,
    language: Language,
    hits: &[usize],
) -> Vec<NamedLiteral> {
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    let root = tree.root_node();
    let mut found: Vec<NamedLiteral> = Vec::new();
    for &hit in hits {
        let Some(node) = root.descendant_for_byte_range(hit, hit + 1) else {
            continue;
        };
        if let Some(named) = binding_of(file, language, node) {
            if !found.iter().any(|f| f.value_range == named.value_range) {
                found.push(named);
            }
        }
    }
    found
}

/// Climbs from a name node to the construct that binds a value to it.
fn binding_of(file: &SourceFile, language: Language, node: Node<'_>) -> Option<NamedLiteral> {
    let mut current = node;
    for _ in 0..5 {
        let parent = current.parent()?;
        let named = |name: Node<'_>, value: Option<Node<'_>>| -> Option<NamedLiteral> {
            let (value_range, value) = literal_text(file, value?)?;
            let name = file
                .text_of(name)
                .trim_matches(['"', '\'', '`'])
                .to_string();
            Some(NamedLiteral {
                name,
                value,
                value_range,
            })
        };
        fn field<'t>(n: Node<'t>, f: &str) -> Option<Node<'t>> {
            n.child_by_field_name(f)
        }
        let result = match (language, parent.kind()) {
            // name = "literal"
            (Language::Python, "assignment") | (_, "assignment_expression") => {
                let left = field(parent, "left")?;
                // `app.config["SECRET_KEY"] = …`: the key names the value.
                let name_node = match left.kind() {
                    "subscript" => field(left, "subscript").unwrap_or(left),
                    "subscript_expression" => field(left, "index").unwrap_or(left),
                    _ => left,
                };
                named(name_node, field(parent, "right"))
            }
            (Language::Python, "keyword_argument") => {
                named(field(parent, "name")?, field(parent, "value"))
            }
            (Language::Python, "default_parameter" | "typed_default_parameter") => {
                named(field(parent, "name")?, field(parent, "value"))
            }
            (_, "pair") => named(field(parent, "key")?, field(parent, "value")),
            (_, "variable_declarator") => named(field(parent, "name")?, field(parent, "value")),
            (_, "public_field_definition" | "field_definition") => named(
                field(parent, "name").or_else(|| field(parent, "property"))?,
                field(parent, "value"),
            ),
            (_, "assignment_pattern") => named(field(parent, "left")?, field(parent, "right")),
            (_, "jsx_attribute") => {
                let mut cursor = parent.walk();
                let children: Vec<Node<'_>> = parent.named_children(&mut cursor).collect();
                named(*children.first()?, children.get(1).copied())
            }
            (Language::Rust, "let_declaration") => {
                named(field(parent, "pattern")?, field(parent, "value"))
            }
            (Language::Rust, "const_item" | "static_item") => {
                named(field(parent, "name")?, field(parent, "value"))
            }
            (Language::Rust, "field_initializer") => {
                named(field(parent, "field")?, field(parent, "value"))
            }
            // Secret-taking calls: `jwt.sign(p, "…")`, `jwt.encode(p, "…")`,
            // `EncodingKey::from_secret(b"…")`, `.password("…")`.
            (_, "call" | "call_expression") => secret_call(file, parent),
            _ => None,
        };
        if result.is_some() {
            return result;
        }
        current = parent;
    }
    None
}

fn secret_call(file: &SourceFile, call: Node<'_>) -> Option<NamedLiteral> {
    let function = call.child_by_field_name("function")?;
    let callee = file.text_of(function);
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let args: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
    let last = callee.rsplit(['.', ':']).next().unwrap_or(callee);
    let (name, arg) = if callee.starts_with("jwt.") && matches!(last, "sign" | "encode") {
        ("JWT signing secret".to_string(), args.get(1)?)
    } else if last == "from_secret" || last == "from_base64_secret" {
        ("JWT signing secret".to_string(), args.first()?)
    } else if function.kind() == "field_expression"
        || function.kind() == "member_expression"
        || function.kind() == "attribute"
    {
        // A builder method named like a secret, given one literal. A bare
        // `.token("…")` is a lexer's or a path's token far more often.
        if args.len() != 1 || matches!(last, "token" | "tokens" | "Token") {
            return None;
        }
        (last.to_string(), args.first()?)
    } else {
        return None;
    };
    let (value_range, value) = literal_text(file, *arg)?;
    Some(NamedLiteral {
        name,
        value,
        value_range,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use redflag_syntax::FileKind;

    fn text_values(text: &str, word: &str) -> Vec<(String, String)> {
        let hits: Vec<usize> = text.match_indices(word).map(|(i, _)| i).collect();
        text_assignments(text, &hits)
            .into_iter()
            .map(|n| (n.name, n.value))
            .collect()
    }

    #[test]
    fn structured_text_forms() {
        assert_eq!(
            text_values("db:\n  password: Kq7vZ2p9Lm\n", "password"),
            [("password".into(), "Kq7vZ2p9Lm".into())]
        );
        assert_eq!(
            text_values("{\"api_key\": \"q7ZxW2mK9p\"}", "api_key"),
            [("api_key".into(), "q7ZxW2mK9p".into())]
        );
        assert_eq!(
            text_values("client_secret = \"abc12345\"\n", "secret"),
            [("client_secret".into(), "abc12345".into())]
        );
        assert_eq!(
            text_values("export API_TOKEN=xyz98765 # note\n", "TOKEN"),
            [("API_TOKEN".into(), "xyz98765".into())]
        );
        assert_eq!(
            text_values("ENV DB_PASSWORD s3cr3tP4ss\n", "PASSWORD"),
            [("DB_PASSWORD".into(), "s3cr3tP4ss".into())]
        );
        assert_eq!(
            text_values("<password>hunter22x</password>", "password"),
            [("password".into(), "hunter22x".into())]
        );
        assert!(text_values("if password == other:\n", "password").is_empty());
        assert!(text_values("password:\n  from_env: X\n", "password").is_empty());
        assert!(text_values("SECRET_KEY = os.environ[\"SECRET_KEY\"]\n", "SECRET").is_empty());
    }

    fn code_values(kind: FileKind, code: &str, word: &str) -> Vec<(String, String)> {
        let file = SourceFile::new("x".into(), kind, code.into(), None);
        let lower = code.to_ascii_lowercase();
        let hits: Vec<usize> = lower
            .match_indices(&word.to_ascii_lowercase())
            .map(|(i, _)| i)
            .collect();
        code_assignments(&file, kind.language().unwrap(), &hits)
            .into_iter()
            .map(|n| (n.name, n.value))
            .collect()
    }

    #[test]
    fn python_bindings() {
        let code = "SECRET_KEY = 'a1b2c3'\nconnect(password=\"p4ss\")\napp.config[\"SECRET_KEY\"] = \"x9y8\"\ncfg = {\"api_secret\": \"k7\"}\nx = f\"{secret}\"\npassword = request.form[\"password\"]\n";
        let found = code_values(FileKind::Python, code, "ecret");
        assert!(found.contains(&("SECRET_KEY".into(), "a1b2c3".into())));
        assert!(
            found.contains(&("SECRET_KEY".into(), "x9y8".into())),
            "{found:?}"
        );
        assert!(found.contains(&("api_secret".into(), "k7".into())));
        let found = code_values(FileKind::Python, code, "password");
        assert_eq!(found, [("password".to_string(), "p4ss".to_string())]);
    }

    #[test]
    fn js_and_rust_bindings() {
        let js = "const jwtSecret = 'q1w2e3';\napp.use(session({ secret: \"z9x8c7\" }));\nconst t = jwt.sign(payload, \"m4n5b6\");\n";
        let found = code_values(FileKind::JavaScript, js, "ecret");
        assert!(found.contains(&("jwtSecret".into(), "q1w2e3".into())));
        assert!(found.contains(&("secret".into(), "z9x8c7".into())));
        let found = code_values(FileKind::JavaScript, js, "jwt.");
        assert_eq!(
            found,
            [("JWT signing secret".to_string(), "m4n5b6".to_string())]
        );
        let rust = "const API_KEY: &str = \"r5t6y7\";\nlet key = EncodingKey::from_secret(b\"u8i9o0\");\nlet opts = PgConnectOptions::new().password(\"p0o9i8\");\n";
        let found = code_values(FileKind::Rust, rust, "API_KEY");
        assert_eq!(found, [("API_KEY".to_string(), "r5t6y7".to_string())]);
        let found = code_values(FileKind::Rust, rust, "from_secret");
        assert_eq!(
            found,
            [("JWT signing secret".to_string(), "u8i9o0".to_string())]
        );
        let found = code_values(FileKind::Rust, rust, "password");
        assert_eq!(found, [("password".to_string(), "p0o9i8".to_string())]);
    }
}
