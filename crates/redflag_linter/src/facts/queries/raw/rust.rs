//! Rust sinks: `sqlx::query!`/`query_as!`/`query_scalar!` (checked at
//! compile time), the `sqlx::query*` functions, `diesel::sql_query` and
//! `diesel::dsl::sql`, SeaORM `Statement::from_string`, and the
//! `query`/`execute`/`prepare` methods of `tokio-postgres`, `postgres`,
//! `rusqlite` and sqlx executors; strings from literals, raw strings,
//! `format!`, `+`, `push_str` and `write!`.
//!
//! Macro bodies are token trees to tree-sitter: their arguments are read
//! by splitting the tree at top-level commas.

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use super::eval::{brace_format, concatenation, unescape, Assigned, Eval, Grammar, Piece};
use super::{api_text, Construction, Expects, Safety, Sink, SqlString};
use crate::semantics::{callee_path, compact};
use crate::source::SourceFile;

pub(super) struct RustGrammar;

const SQLX_MACROS: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "query_unchecked",
    "query_as_unchecked",
    "query_scalar_unchecked",
];

const SQLX_FUNCTIONS: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "query_with",
    "query_as_with",
    "query_scalar_with",
    "raw_sql",
];

/// Connection and client methods that take SQL first.
const METHODS: &[&str] = &[
    "query",
    "query_one",
    "query_opt",
    "query_raw",
    "execute",
    "prepare",
    "prepare_cached",
    "batch_execute",
    "simple_query",
    "query_row",
    "query_map",
    "execute_batch",
    "query_drop",
    "query_first",
];

/// Every name a Rust sink is called by.
pub(super) const NAMES: &[&str] = &[
    "query",
    "query_as",
    "query_scalar",
    "query_unchecked",
    "query_as_unchecked",
    "query_scalar_unchecked",
    "query_with",
    "query_as_with",
    "query_scalar_with",
    "raw_sql",
    "sql_query",
    "sql",
    "from_string",
    "query_one",
    "query_opt",
    "query_raw",
    "execute",
    "prepare",
    "prepare_cached",
    "batch_execute",
    "simple_query",
    "query_row",
    "query_map",
    "execute_batch",
    "query_drop",
    "query_first",
];

const NUMERIC_TYPES: &[&str] = &[
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "f32",
    "f64",
    "bool",
    "Uuid",
    "uuid::Uuid",
];

const ITERATION_METHODS: &[&str] = &[
    "for_each",
    "try_for_each",
    "for_each_concurrent",
    "try_for_each_concurrent",
    "map",
    "filter_map",
    "flat_map",
    "then",
    "and_then",
    "fold",
];

const SQLX: &str = "write `$1` (PostgreSQL) or `?` (MySQL, SQLite) and bind the values: `sqlx::query(\"… WHERE id = $1\").bind(id)`, or use `sqlx::query!`";
const DIESEL: &str = "write `$1` or `?` and bind the values: `diesel::sql_query(\"… WHERE id = $1\").bind::<Integer, _>(id)`, or use the query builder";
const POSTGRES: &str = "write `$1`, `$2` where values go and pass them separately: `client.query(\"… WHERE id = $1\", &[&id])`";
const RUSQLITE: &str = "write `?1` where a value goes and pass the values separately: `conn.execute(\"… WHERE id = ?1\", params![id])`";
const SEA_ORM: &str =
    "use `Statement::from_sql_and_values(backend, \"… WHERE id = $1\", [id.into()])`";
const GENERIC: &str =
    "write the driver's placeholders (`$1` or `?`) where values go and pass the values separately";

/// The sink a `call_expression` or `macro_invocation` is, if any.
pub(super) fn sink<'t>(file: &SourceFile, node: Node<'t>) -> Option<Sink<'t>> {
    match node.kind() {
        "macro_invocation" => macro_sink(file, node),
        "call_expression" => call_sink(file, node),
        _ => None,
    }
}

fn mentions_a_driver(file: &SourceFile) -> bool {
    [
        "postgres", "rusqlite", "sqlite", "mysql", "sqlx", "diesel", "duckdb", "libsql",
    ]
    .iter()
    .any(|d| file.text.contains(d))
}

fn macro_sink<'t>(file: &SourceFile, node: Node<'t>) -> Option<Sink<'t>> {
    let path = compact(file.text_of(node.child_by_field_name("macro")?));
    let resolved = file.imports().resolve(&path);
    let name = resolved.rsplit("::").next()?;
    if !SQLX_MACROS.contains(&name)
        || !(resolved.starts_with("sqlx::") || file.text.contains("sqlx"))
    {
        return None;
    }
    let segments = segments(token_tree(node)?);
    let index = usize::from(name.starts_with("query_as"));
    let argument = match segments.get(index)?.as_slice() {
        [single] => *single,
        _ => return None,
    };
    let text = literal_text(file, argument)?;
    Some(Sink {
        api: format!("{path}!"),
        call: node,
        argument,
        strings: vec![SqlString::literal(text)],
        safety: Safety::Checked,
        expects: Expects::Statement,
        parameters: SQLX,
    })
}

fn call_sink<'t>(file: &SourceFile, call: Node<'t>) -> Option<Sink<'t>> {
    let function = call.child_by_field_name("function")?;
    let arguments = call.child_by_field_name("arguments")?;
    let (argument_index, expects, parameters) = if function.kind() == "field_expression" {
        let method = file.text_of(function.child_by_field_name("field")?);
        if !METHODS.contains(&method) || !mentions_a_driver(file) {
            return None;
        }
        let parameters = if file.text.contains("rusqlite") {
            RUSQLITE
        } else if file.text.contains("postgres") {
            POSTGRES
        } else if file.text.contains("sqlx") {
            SQLX
        } else {
            GENERIC
        };
        (0, Expects::Statement, parameters)
    } else {
        let path = callee_path(file, Language::Rust, call)?;
        let written = path.rsplit("::").next()?;
        let candidate = SQLX_FUNCTIONS.contains(&written)
            || matches!(written, "sql_query" | "sql" | "from_string");
        if !candidate {
            return None;
        }
        let resolved = file.imports().resolve(&path);
        let last = resolved.rsplit("::").next()?;
        if resolved.starts_with("sqlx::") && SQLX_FUNCTIONS.contains(&last) {
            (0, Expects::Statement, SQLX)
        } else if resolved.starts_with("diesel::") && last == "sql_query" {
            (0, Expects::Statement, DIESEL)
        } else if resolved.starts_with("diesel::") && last == "sql" {
            (0, Expects::Fragment, DIESEL)
        } else if resolved.ends_with("Statement::from_string") && file.text.contains("sea_orm") {
            (1, Expects::Statement, SEA_ORM)
        } else {
            return None;
        }
    };
    let mut cursor = arguments.walk();
    let argument = arguments
        .named_children(&mut cursor)
        .filter(|a| !matches!(a.kind(), "line_comment" | "block_comment"))
        .nth(argument_index)?;
    let strings = Eval::new(file, &RustGrammar, call).strings(argument);
    Some(Sink {
        api: api_text(file, Language::Rust, call, function),
        call,
        argument,
        strings,
        safety: Safety::Raw,
        expects,
        parameters,
    })
}

fn token_tree(node: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .find(|c| c.kind() == "token_tree");
    found
}

/// The top-level comma-separated token groups of a macro's token tree.
fn segments(tree: Node<'_>) -> Vec<Vec<Node<'_>>> {
    let mut segments = vec![Vec::new()];
    let count = tree.child_count();
    let mut cursor = tree.walk();
    for (i, child) in tree.children(&mut cursor).enumerate() {
        if i == 0 || i + 1 == count as usize {
            continue;
        }
        if child.kind() == "," {
            segments.push(Vec::new());
        } else if let Some(last) = segments.last_mut() {
            last.push(child);
        }
    }
    if segments.last().is_some_and(Vec::is_empty) {
        segments.pop();
    }
    segments
}

/// The value of a string or raw string literal.
fn literal_text(file: &SourceFile, node: Node<'_>) -> Option<String> {
    match node.kind() {
        "raw_string_literal" => {
            let mut cursor = node.walk();
            let content = node
                .named_children(&mut cursor)
                .find(|c| c.kind() == "string_content");
            Some(
                content
                    .map(|c| file.text_of(c).to_string())
                    .unwrap_or_default(),
            )
        }
        "string_literal" => {
            let mut cursor = node.walk();
            let text = node
                .named_children(&mut cursor)
                .map(|c| match c.kind() {
                    "escape_sequence" => unescape(file.text_of(c)),
                    _ => file.text_of(c).to_string(),
                })
                .collect();
            Some(text)
        }
        _ => None,
    }
}

/// A hole for a group of argument tokens.
fn hole_of<'t>(file: &SourceFile, tokens: &[Node<'t>]) -> Piece<'t> {
    let (Some(first), Some(last)) = (tokens.first(), tokens.last()) else {
        return Piece::Hole {
            node: None,
            text: String::new(),
        };
    };
    let node = match tokens {
        [single] => Some(*single),
        [reference, single] if file.text_of(*reference) == "&" => Some(*single),
        _ => None,
    };
    Piece::Hole {
        node,
        text: file.slice(first.start_byte()..last.end_byte()).to_string(),
    }
}

/// `format!`-style pieces: the format string of the first segment with
/// each `{…}` taken from the positional, named or captured argument.
fn format_pieces<'t>(file: &SourceFile, segments: &[Vec<Node<'t>>]) -> Option<Vec<Piece<'t>>> {
    let (format, arguments) = segments.split_first()?;
    let format = match format.as_slice() {
        [literal] => literal_text(file, *literal)?,
        _ => return None,
    };
    let mut positional = Vec::new();
    let mut named = Vec::new();
    for tokens in arguments {
        match tokens.as_slice() {
            [name, equals, value @ ..]
                if name.kind() == "identifier"
                    && file.text_of(*equals) == "="
                    && !value.is_empty() =>
            {
                named.push((file.text_of(*name), value));
            }
            tokens => positional.push(tokens),
        }
    }
    Some(brace_format(
        &format,
        |field| field.split(':').next().unwrap_or("").trim(),
        &positional,
        &named,
        |tokens, field| match tokens {
            Some(tokens) => hole_of(file, tokens),
            None => Piece::Hole {
                node: None,
                text: field.split(':').next().unwrap_or("").trim().to_string(),
            },
        },
    ))
}

fn macro_name<'a>(file: &'a SourceFile, node: Node<'_>) -> Option<&'a str> {
    let path = file.text_of(node.child_by_field_name("macro")?);
    path.rsplit("::").next()
}

impl Grammar for RustGrammar {
    fn function_kinds(&self) -> &'static [&'static str] {
        &["function_item", "closure_expression"]
    }

    fn unwrap<'t>(&self, file: &SourceFile, mut node: Node<'t>) -> Node<'t> {
        for _ in 0..16 {
            let inner = match node.kind() {
                "reference_expression" => node.child_by_field_name("value"),
                "unary_expression" | "parenthesized_expression" | "await_expression" => {
                    node.named_child(0)
                }
                "call_expression" => {
                    let function = node.child_by_field_name("function");
                    let arguments = node.child_by_field_name("arguments");
                    let argument_count = arguments.map_or(0, |a| a.named_child_count());
                    match function {
                        Some(f) if f.kind() == "field_expression" && argument_count == 0 => {
                            let method = f.child_by_field_name("field").map(|m| file.text_of(m));
                            matches!(
                                method,
                                Some(
                                    "as_str"
                                        | "as_ref"
                                        | "to_string"
                                        | "to_owned"
                                        | "into"
                                        | "clone"
                                        | "borrow"
                                )
                            )
                            .then(|| f.child_by_field_name("value"))
                            .flatten()
                        }
                        Some(f)
                            if argument_count == 1
                                && matches!(
                                    compact(file.text_of(f)).as_str(),
                                    "String::from" | "Cow::from" | "Cow::Borrowed" | "Cow::Owned"
                                ) =>
                        {
                            arguments.and_then(|a| a.named_child(0))
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            match inner {
                Some(inner) => node = inner,
                None => break,
            }
        }
        node
    }

    fn pieces<'t>(
        &self,
        file: &SourceFile,
        node: Node<'t>,
    ) -> Option<(Vec<Piece<'t>>, Construction)> {
        match node.kind() {
            "string_literal" | "raw_string_literal" => Some((
                vec![Piece::Text(literal_text(file, node)?)],
                Construction::Literal,
            )),
            "macro_invocation" => match macro_name(file, node)? {
                "format" => {
                    let pieces = format_pieces(file, &segments(token_tree(node)?))?;
                    Some((pieces, Construction::FormatMacro))
                }
                "concat" => {
                    let mut text = String::new();
                    for tokens in segments(token_tree(node)?) {
                        match tokens.as_slice() {
                            [literal] => text.push_str(&literal_text(file, *literal)?),
                            _ => return None,
                        }
                    }
                    Some((vec![Piece::Text(text)], Construction::Literal))
                }
                _ => None,
            },
            "call_expression" => {
                let function = compact(file.text_of(node.child_by_field_name("function")?));
                matches!(function.as_str(), "String::new" | "String::with_capacity")
                    .then(|| (vec![Piece::Text(String::new())], Construction::Literal))
            }
            "binary_expression" => concatenation(file, node, "binary_expression"),
            _ => None,
        }
    }

    fn identifier<'a>(&self, file: &'a SourceFile, node: Node<'_>) -> Option<&'a str> {
        (node.kind() == "identifier").then(|| file.text_of(node))
    }

    fn assignment<'t>(
        &self,
        file: &SourceFile,
        node: Node<'t>,
        name: &str,
    ) -> Option<Assigned<'t>> {
        let is_name = |n: Option<Node<'_>>| {
            n.is_some_and(|n| n.kind() == "identifier" && file.text_of(n) == name)
        };
        match node.kind() {
            "let_declaration" if is_name(node.child_by_field_name("pattern")) => {
                node.child_by_field_name("value").map(Assigned::Set)
            }
            "const_item" | "static_item" if is_name(node.child_by_field_name("name")) => {
                node.child_by_field_name("value").map(Assigned::Set)
            }
            "assignment_expression" if is_name(node.child_by_field_name("left")) => {
                node.child_by_field_name("right").map(Assigned::Set)
            }
            "compound_assignment_expr" if is_name(node.child_by_field_name("left")) => {
                let operator = node
                    .child_by_field_name("operator")
                    .map(|o| file.text_of(o));
                if operator != Some("+=") {
                    return None;
                }
                node.child_by_field_name("right").map(Assigned::Append)
            }
            "call_expression" => {
                let function = node.child_by_field_name("function")?;
                let pushes = function.kind() == "field_expression"
                    && is_name(function.child_by_field_name("value"))
                    && function
                        .child_by_field_name("field")
                        .map(|f| file.text_of(f))
                        == Some("push_str");
                if !pushes {
                    return None;
                }
                node.child_by_field_name("arguments")?
                    .named_child(0)
                    .map(Assigned::Append)
            }
            "macro_invocation" if matches!(macro_name(file, node), Some("write" | "writeln")) => {
                let segments = segments(token_tree(node)?);
                let (target, rest) = segments.split_first()?;
                let writes_here = match target.as_slice() {
                    [single] => is_name(Some(*single)),
                    [.., last] => is_name(Some(*last)) && file.text_of(target[0]) == "&",
                    [] => false,
                };
                if !writes_here {
                    return None;
                }
                let mut pieces = format_pieces(file, rest)?;
                if macro_name(file, node) == Some("writeln") {
                    pieces.push(Piece::Text(" ".to_string()));
                }
                Some(Assigned::AppendPieces(pieces, Construction::FormatMacro))
            }
            _ => None,
        }
    }

    fn elements<'t>(&self, file: &SourceFile, node: Node<'t>) -> Option<Vec<Node<'t>>> {
        match node.kind() {
            "array_expression" => {
                let mut cursor = node.walk();
                let items = node
                    .named_children(&mut cursor)
                    .filter(|c| !matches!(c.kind(), "line_comment" | "block_comment"))
                    .collect();
                Some(items)
            }
            "macro_invocation" if macro_name(file, node) == Some("vec") => {
                segments(token_tree(node)?)
                    .into_iter()
                    .map(|tokens| match tokens.as_slice() {
                        [single] => Some(*single),
                        _ => None,
                    })
                    .collect()
            }
            "call_expression" => {
                let function = compact(file.text_of(node.child_by_field_name("function")?));
                matches!(function.as_str(), "Vec::new" | "Vec::with_capacity").then(Vec::new)
            }
            _ => None,
        }
    }

    fn is_literal(&self, _file: &SourceFile, node: Node<'_>) -> bool {
        matches!(
            node.kind(),
            "string_literal"
                | "raw_string_literal"
                | "integer_literal"
                | "float_literal"
                | "boolean_literal"
                | "char_literal"
                | "negative_literal"
        )
    }

    fn typed_constant(&self, file: &SourceFile, scope: Node<'_>, name: &str) -> bool {
        let mut function = Some(scope);
        while let Some(node) = function {
            if node.kind() == "function_item" {
                break;
            }
            function = node.parent();
        }
        let Some(parameters) = function.and_then(|f| f.child_by_field_name("parameters")) else {
            return false;
        };
        let mut cursor = parameters.walk();
        let found = parameters.named_children(&mut cursor).any(|parameter| {
            let named = parameter
                .child_by_field_name("pattern")
                .is_some_and(|p| file.text_of(p).trim_start_matches("mut ").trim() == name);
            let numeric = parameter.child_by_field_name("type").is_some_and(|t| {
                NUMERIC_TYPES.contains(&compact(file.text_of(t)).trim_start_matches('&'))
            });
            named && numeric
        });
        found
    }

    fn loop_part(&self, parent: Node<'_>, child: Node<'_>) -> bool {
        match parent.kind() {
            "for_expression" => parent
                .child_by_field_name("body")
                .is_some_and(|b| b.id() == child.id()),
            "while_expression" | "loop_expression" => true,
            _ => false,
        }
    }

    fn iteration_callback(&self, file: &SourceFile, function: Node<'_>) -> bool {
        if function.kind() != "closure_expression" {
            return false;
        }
        let Some(callee) = function
            .parent()
            .filter(|p| p.kind() == "arguments")
            .and_then(|a| a.parent())
            .and_then(|call| call.child_by_field_name("function"))
            .filter(|f| f.kind() == "field_expression")
        else {
            return false;
        };
        callee
            .child_by_field_name("field")
            .is_some_and(|f| ITERATION_METHODS.contains(&file.text_of(f)))
    }

    fn function_name(&self, file: &SourceFile, function: Node<'_>) -> Option<String> {
        (function.kind() == "function_item")
            .then(|| function.child_by_field_name("name"))
            .flatten()
            .map(|n| file.text_of(n).to_string())
    }
}
