//! Python sinks: DB-API cursors and connections (psycopg, psycopg2,
//! sqlite3, aiosqlite, pymysql), asyncpg's `fetch*`, SQLAlchemy `text()`
//! and `exec_driver_sql`, Django `Manager.raw()` and `RawSQL`, pandas
//! `read_sql`; and Python's ways of building strings: f-strings, implicit
//! and `+` concatenation, `%` formatting and `str.format`.

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use super::eval::{brace_format, concatenation, unescape, Assigned, Eval, Grammar, Piece};
use super::{api_text, Construction, Expects, Safety, Sink};
use crate::semantics::callee_path;
use crate::source::SourceFile;

pub(super) struct PythonGrammar;

const STATEMENT_METHODS: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "exec_driver_sql",
    "fetch",
    "fetchrow",
    "fetchval",
    "fetch_all",
    "fetch_one",
    "fetch_val",
    "iterate",
];

/// Every name a Python sink is called by.
pub(super) const NAMES: &[&str] = &[
    "execute",
    "executemany",
    "executescript",
    "exec_driver_sql",
    "fetch",
    "fetchrow",
    "fetchval",
    "fetch_all",
    "fetch_one",
    "fetch_val",
    "iterate",
    "raw",
    "read_sql",
    "read_sql_query",
    "text",
    "RawSQL",
];

const DB_API: &str = "write `%s` where a value goes and pass the values separately: `cursor.execute(\"… WHERE id = %s\", (user_id,))`";
const SQLITE: &str = "write `?` where a value goes and pass the values separately: `conn.execute(\"… WHERE id = ?\", (user_id,))`";
const ASYNCPG: &str = "write `$1`, `$2` where values go and pass them as arguments: `await conn.fetch(\"… WHERE id = $1\", user_id)`";
const SQLALCHEMY: &str = "write bound parameters and pass their values to `execute`: `session.execute(text(\"… WHERE id = :id\"), {\"id\": user_id})`";
const DJANGO_RAW: &str = "write `%s` where a value goes and pass the values as `params`: `Order.objects.raw(\"… WHERE id = %s\", [order_id])`";
const RAW_SQL: &str =
    "write `%s` where a value goes and pass the values as `params`: `RawSQL(\"… = %s\", (value,))`";
const PANDAS: &str = "pass values through `params`: `pd.read_sql(\"… WHERE id = %(id)s\", con, params={\"id\": user_id})`";

/// The sink a Python `call` is, if any.
pub(super) fn sink<'t>(file: &SourceFile, call: Node<'t>) -> Option<Sink<'t>> {
    if call.kind() != "call" {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    let arguments = call.child_by_field_name("arguments")?;
    if arguments.kind() != "argument_list" {
        return None;
    }
    let (name, receiver) = match function.kind() {
        "attribute" => (
            file.text_of(function.child_by_field_name("attribute")?),
            function.child_by_field_name("object"),
        ),
        "identifier" => (file.text_of(function), None),
        _ => return None,
    };
    let imports = file.imports();
    let resolved = || {
        callee_path(file, Language::Python, call)
            .map(|path| imports.resolve(&path))
            .unwrap_or_default()
    };
    let imports_module = |prefix: &str| {
        imports
            .modules()
            .iter()
            .any(|m| m == prefix || m.starts_with(&format!("{prefix}.")))
    };
    let (expects, parameters, keywords): (Expects, &'static str, &[&str]) = match name {
        _ if STATEMENT_METHODS.contains(&name) && receiver.is_some() => {
            let parameters = if imports_module("sqlite3") || imports_module("aiosqlite") {
                SQLITE
            } else if imports_module("asyncpg") {
                ASYNCPG
            } else if name == "exec_driver_sql" {
                SQLALCHEMY
            } else {
                DB_API
            };
            (
                Expects::Statement,
                parameters,
                &["query", "sql", "operation", "statement"],
            )
        }
        "raw"
            if receiver.is_some_and(|r| file.text_of(r).ends_with("objects"))
                || imports_module("django") =>
        {
            (Expects::Statement, DJANGO_RAW, &["raw_query"])
        }
        "read_sql" | "read_sql_query" if resolved().starts_with("pandas.") => {
            (Expects::Statement, PANDAS, &["sql"])
        }
        "text" => {
            let resolved = resolved();
            let sqlalchemy =
                resolved.starts_with("sqlalchemy.") || resolved.starts_with("sqlmodel.");
            if !(sqlalchemy && resolved.ends_with(".text")) {
                return None;
            }
            (Expects::Fragment, SQLALCHEMY, &["text"])
        }
        "RawSQL" if resolved().starts_with("django.") => (Expects::Fragment, RAW_SQL, &["sql"]),
        _ => return None,
    };
    let argument = sql_argument(file, arguments, keywords)?;
    let strings = Eval::new(file, &PythonGrammar, call).strings(argument);
    Some(Sink {
        api: api_text(file, Language::Python, call, function),
        call,
        argument,
        strings,
        safety: Safety::Raw,
        expects,
        parameters,
    })
}

/// The first positional argument, or the keyword argument naming the SQL.
fn sql_argument<'t>(file: &SourceFile, arguments: Node<'t>, keywords: &[&str]) -> Option<Node<'t>> {
    let mut cursor = arguments.walk();
    let found = arguments
        .named_children(&mut cursor)
        .find_map(|argument| match argument.kind() {
            "keyword_argument" => {
                let name = argument.child_by_field_name("name")?;
                keywords
                    .contains(&file.text_of(name))
                    .then(|| argument.child_by_field_name("value"))
                    .flatten()
            }
            "comment" | "list_splat" | "dictionary_splat" => None,
            _ => Some(argument),
        });
    found
}

/// The prefix letters of a string literal (`f`, `rb`, …), lower-cased.
fn prefix(file: &SourceFile, string: Node<'_>) -> String {
    let text = file.text_of(string);
    text.chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The pieces of one `string` node.
fn string_pieces<'t>(file: &SourceFile, string: Node<'t>, out: &mut Vec<Piece<'t>>) -> bool {
    let prefix = prefix(file, string);
    let raw = prefix.contains('r');
    let formatted = prefix.contains('f');
    let mut holes = false;
    let mut cursor = string.walk();
    for child in string.named_children(&mut cursor) {
        match child.kind() {
            "string_content" => {
                let text = file.text_of(child);
                let mut text = if raw {
                    text.to_string()
                } else {
                    unescape(text)
                };
                if formatted {
                    text = text.replace("{{", "{").replace("}}", "}");
                }
                out.push(Piece::Text(text));
            }
            "interpolation" => {
                holes = true;
                let expression = child.child_by_field_name("expression");
                out.push(Piece::Hole {
                    node: expression,
                    text: expression
                        .map(|e| file.text_of(e))
                        .unwrap_or_default()
                        .to_string(),
                });
            }
            _ => {}
        }
    }
    holes
}

/// The literal text of a plain (not formatted) string expression.
fn plain_text(file: &SourceFile, node: Node<'_>) -> Option<String> {
    let mut pieces = Vec::new();
    let holes = match node.kind() {
        "string" => string_pieces(file, node, &mut pieces),
        "concatenated_string" => {
            let mut cursor = node.walk();
            let mut holes = false;
            for part in node.named_children(&mut cursor) {
                holes |= part.kind() == "string" && string_pieces(file, part, &mut pieces);
            }
            holes
        }
        _ => return None,
    };
    if holes {
        return None;
    }
    Some(
        pieces
            .into_iter()
            .filter_map(|p| match p {
                Piece::Text(text) => Some(text),
                _ => None,
            })
            .collect(),
    )
}

/// `"… %s … %(name)s" % args`: the format string split at conversions,
/// each taking its value from the right operand.
fn percent_pieces<'t>(file: &SourceFile, format: &str, args: Node<'t>) -> Vec<Piece<'t>> {
    let mut cursor = args.walk();
    let positional: Vec<Node<'t>> = match args.kind() {
        "tuple" => args.named_children(&mut cursor).collect(),
        _ => vec![args],
    };
    let keyed = |key: &str| -> Option<Node<'t>> {
        if args.kind() != "dictionary" {
            return None;
        }
        let mut cursor = args.walk();
        let found = args.named_children(&mut cursor).find_map(|pair| {
            let k = pair.child_by_field_name("key")?;
            let text = file.text_of(k).trim_matches(['"', '\'']);
            (text == key)
                .then(|| pair.child_by_field_name("value"))
                .flatten()
        });
        found
    };
    let hole = |node: Option<Node<'t>>, fallback: &str| Piece::Hole {
        node,
        text: node.map_or(fallback, |n| file.text_of(n)).to_string(),
    };
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut next = 0usize;
    let mut rest = format;
    while let Some(at) = rest.find('%') {
        text.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('%') {
            text.push('%');
            rest = tail;
        } else if let Some(named) = after.strip_prefix('(') {
            let Some(close) = named.find(')') else {
                text.push('%');
                rest = after;
                continue;
            };
            let key = &named[..close];
            pieces.push(Piece::Text(std::mem::take(&mut text)));
            pieces.push(hole(keyed(key), file.text_of(args)));
            rest = named[close + 1..].trim_start_matches(|c: char| !c.is_ascii_alphabetic());
            rest = rest.get(1..).unwrap_or("");
        } else if after.starts_with(|c: char| c.is_ascii_alphabetic()) {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
            pieces.push(hole(positional.get(next).copied(), file.text_of(args)));
            next += 1;
            rest = &after[1..];
        } else {
            text.push('%');
            rest = after;
        }
    }
    text.push_str(rest);
    pieces.push(Piece::Text(text));
    pieces
}

/// `"… {} … {name}".format(a, name=b)`.
fn format_pieces<'t>(file: &SourceFile, format: &str, arguments: Node<'t>) -> Vec<Piece<'t>> {
    let mut positional = Vec::new();
    let mut named = Vec::new();
    let mut cursor = arguments.walk();
    for argument in arguments.named_children(&mut cursor) {
        match argument.kind() {
            "keyword_argument" => {
                if let (Some(name), Some(value)) = (
                    argument.child_by_field_name("name"),
                    argument.child_by_field_name("value"),
                ) {
                    named.push((file.text_of(name), value));
                }
            }
            "comment" => {}
            _ => positional.push(argument),
        }
    }
    brace_format(
        format,
        |field| field.split(['.', '[', '!', ':']).next().unwrap_or(""),
        &positional,
        &named,
        |node, field| Piece::Hole {
            node,
            text: node.map_or(field, |n| file.text_of(n)).to_string(),
        },
    )
}

impl Grammar for PythonGrammar {
    fn function_kinds(&self) -> &'static [&'static str] {
        &["function_definition"]
    }

    fn unwrap<'t>(&self, _file: &SourceFile, mut node: Node<'t>) -> Node<'t> {
        for _ in 0..16 {
            match node.kind() {
                "parenthesized_expression" | "await" => match node.named_child(0) {
                    Some(inner) => node = inner,
                    None => break,
                },
                _ => break,
            }
        }
        node
    }

    fn pieces<'t>(
        &self,
        file: &SourceFile,
        node: Node<'t>,
    ) -> Option<(Vec<Piece<'t>>, Construction)> {
        let mut pieces = Vec::new();
        match node.kind() {
            "string" => {
                let holes = string_pieces(file, node, &mut pieces);
                let how = if holes {
                    Construction::FString
                } else {
                    Construction::Literal
                };
                Some((pieces, how))
            }
            "concatenated_string" => {
                let mut cursor = node.walk();
                for part in node.named_children(&mut cursor) {
                    if part.kind() == "string" {
                        string_pieces(file, part, &mut pieces);
                    }
                }
                Some((pieces, Construction::FString))
            }
            "binary_operator" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map(|o| file.text_of(o));
                let left = node.child_by_field_name("left")?;
                let right = node.child_by_field_name("right")?;
                match operator {
                    Some("+") => concatenation(file, node, "binary_operator"),
                    Some("%") => {
                        let format = plain_text(file, self.unwrap(file, left))?;
                        Some((percent_pieces(file, &format, right), Construction::Percent))
                    }
                    _ => None,
                }
            }
            "call" => {
                let function = node.child_by_field_name("function")?;
                if function.kind() != "attribute"
                    || function
                        .child_by_field_name("attribute")
                        .map(|a| file.text_of(a))
                        != Some("format")
                {
                    return None;
                }
                let format = plain_text(
                    file,
                    self.unwrap(file, function.child_by_field_name("object")?),
                )?;
                let arguments = node.child_by_field_name("arguments")?;
                Some((
                    format_pieces(file, &format, arguments),
                    Construction::FormatMethod,
                ))
            }
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
        let kind = node.kind();
        if kind == "call" {
            let function = node.child_by_field_name("function")?;
            let appends = function.kind() == "attribute"
                && function
                    .child_by_field_name("object")
                    .is_some_and(|o| file.text_of(o) == name)
                && function
                    .child_by_field_name("attribute")
                    .map(|a| file.text_of(a))
                    == Some("append");
            return appends
                .then(|| node.child_by_field_name("arguments")?.named_child(0))
                .flatten()
                .map(Assigned::Push);
        }
        if kind != "assignment" && kind != "augmented_assignment" {
            return None;
        }
        let left = node.child_by_field_name("left")?;
        if left.kind() != "identifier" || file.text_of(left) != name {
            return None;
        }
        let right = node.child_by_field_name("right")?;
        if kind == "assignment" {
            return Some(Assigned::Set(right));
        }
        let operator = node
            .child_by_field_name("operator")
            .map(|o| file.text_of(o));
        (operator == Some("+=")).then_some(Assigned::Append(right))
    }

    fn branches<'t>(&self, node: Node<'t>) -> Option<[Node<'t>; 2]> {
        if node.kind() != "conditional_expression" {
            return None;
        }
        // `body if condition else alternative`
        Some([node.named_child(0)?, node.named_child(2)?])
    }

    fn elements<'t>(&self, _file: &SourceFile, node: Node<'t>) -> Option<Vec<Node<'t>>> {
        if !matches!(node.kind(), "list" | "tuple") {
            return None;
        }
        let mut cursor = node.walk();
        let items = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        Some(items)
    }

    fn is_literal(&self, file: &SourceFile, node: Node<'_>) -> bool {
        match node.kind() {
            "integer" | "float" | "true" | "false" | "none" => true,
            "string" | "concatenated_string" => plain_text(file, node).is_some(),
            "unary_operator" => node
                .child_by_field_name("argument")
                .is_some_and(|a| matches!(a.kind(), "integer" | "float")),
            _ => false,
        }
    }

    fn loop_part(&self, parent: Node<'_>, child: Node<'_>) -> bool {
        match parent.kind() {
            "for_statement" => parent
                .child_by_field_name("body")
                .is_some_and(|b| b.id() == child.id()),
            "while_statement" => true,
            "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => child.kind() != "for_in_clause",
            _ => false,
        }
    }

    fn iteration_callback(&self, _file: &SourceFile, _function: Node<'_>) -> bool {
        false
    }

    fn function_name(&self, file: &SourceFile, function: Node<'_>) -> Option<String> {
        function
            .child_by_field_name("name")
            .map(|n| file.text_of(n).to_string())
    }
}
