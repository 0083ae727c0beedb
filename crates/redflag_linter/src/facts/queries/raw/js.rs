//! JavaScript and TypeScript sinks: node-postgres and mysql2 `query`/
//! `execute` (a string or `{ text }`/`{ sql }`), pg-promise, Sequelize
//! `query` and `literal`, knex `raw` and `*Raw` builders, TypeORM `query`
//! and query-builder `where`, Prisma `$queryRaw`/`$executeRaw` (tagged,
//! hence parameterised) and their `Unsafe` forms, postgres.js and slonik
//! `sql\`…\`` tags and `sql.unsafe`; strings from literals, template
//! literals and `+` concatenation.

use redflag_syntax::tree_sitter::Node;

use super::eval::{concatenation, unescape, Assigned, Eval, Grammar, Piece};
use super::{api_text, Construction, Expects, Safety, Sink};
use crate::source::SourceFile;

pub(super) struct JsGrammar;

/// Packages whose clients take raw SQL.
const DRIVERS: &[&str] = &[
    "pg",
    "pg-pool",
    "pg-promise",
    "mysql",
    "mysql2",
    "sequelize",
    "@sequelize/core",
    "typeorm",
    "@nestjs/typeorm",
    "knex",
    "better-sqlite3",
    "sqlite3",
    "sqlite",
    "postgres",
    "slonik",
    "@vercel/postgres",
    "@neondatabase/serverless",
    "@planetscale/database",
    "@libsql/client",
    "mssql",
    "oracledb",
    "@databases/pg",
    "@databases/mysql",
    "@mikro-orm/core",
    "@mikro-orm/postgresql",
    "@mikro-orm/mysql",
    "duckdb",
];

/// Packages whose `sql` tag binds every `${}` as a parameter.
const TAGGED_SQL: &[&str] = &[
    "postgres",
    "slonik",
    "@vercel/postgres",
    "@neondatabase/serverless",
    "@prisma/client",
    "drizzle-orm",
    "kysely",
    "sql-template-strings",
    "sql-template-tag",
];

/// Receiver names that say "database handle".
const DB_WORDS: &[&str] = &[
    "pool",
    "db",
    "client",
    "conn",
    "knex",
    "trx",
    "tx",
    "sequelize",
    "runner",
    "manager",
    "datasource",
    "database",
    "sql",
    "pg",
    "mysql",
    "sqlite",
    "transaction",
];

const KNEX_RAW: &[&str] = &[
    "whereRaw",
    "orWhereRaw",
    "andWhereRaw",
    "whereNotRaw",
    "havingRaw",
    "orHavingRaw",
    "orderByRaw",
    "groupByRaw",
    "joinRaw",
    "fromRaw",
];

const TYPEORM_WHERE: &[&str] = &[
    "where",
    "andWhere",
    "orWhere",
    "having",
    "andHaving",
    "orHaving",
];

const PG_PROMISE: &[&str] = &[
    "any",
    "one",
    "none",
    "many",
    "oneOrNone",
    "manyOrNone",
    "result",
    "multi",
];

const ITERATION_METHODS: &[&str] = &[
    "forEach",
    "map",
    "flatMap",
    "filter",
    "reduce",
    "some",
    "every",
    "find",
    "findIndex",
];

/// Every name a JavaScript sink is called by.
pub(super) const NAMES: &[&str] = &[
    "$queryRaw",
    "$executeRaw",
    "$queryRawUnsafe",
    "$executeRawUnsafe",
    "sql",
    "unsafe",
    "raw",
    "whereRaw",
    "orWhereRaw",
    "andWhereRaw",
    "whereNotRaw",
    "havingRaw",
    "orHavingRaw",
    "orderByRaw",
    "groupByRaw",
    "joinRaw",
    "fromRaw",
    "literal",
    "where",
    "andWhere",
    "orWhere",
    "having",
    "andHaving",
    "orHaving",
    "query",
    "execute",
    "any",
    "one",
    "none",
    "many",
    "oneOrNone",
    "manyOrNone",
    "result",
    "multi",
];

const PG: &str = "write `$1`, `$2` where values go and pass them as an array: `pool.query(\"… WHERE id = $1\", [id])`";
const MYSQL: &str = "write `?` where a value goes and pass the values as an array: `connection.execute(\"… WHERE id = ?\", [id])`";
const SEQUELIZE: &str = "pass values as `replacements` or `bind`: `sequelize.query(\"… WHERE id = :id\", { replacements: { id } })`";
const TYPEORM: &str = "write `$1` (PostgreSQL) or `?` (MySQL) and pass the parameters: `dataSource.query(\"… WHERE id = $1\", [id])`";
const TYPEORM_BUILDER: &str = "use named parameters: `.where(\"user.email = :email\", { email })`";
const KNEX: &str = "write `?` where a value goes (`??` for an identifier) and pass bindings: `knex.raw(\"… WHERE id = ?\", [id])`";
const PRISMA: &str =
    "use the tagged template, which binds every `${}`: prisma.$queryRaw`… WHERE id = ${id}`";
const POSTGRES_JS: &str =
    "use the tagged template, which binds every `${}`: sql`… WHERE id = ${id}`";
const GENERIC: &str =
    "write the driver's placeholders (`$1` or `?`) where values go and pass the values separately";

fn imports_any(file: &SourceFile, packages: &[&str]) -> bool {
    file.imports().modules().iter().any(|module| {
        packages.iter().any(|p| {
            module == p
                || module
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
    })
}

fn db_like(file: &SourceFile, receiver: Node<'_>) -> bool {
    let text = file.text_of(receiver);
    let text = text
        .get(..text.len().min(120))
        .unwrap_or(text)
        .to_ascii_lowercase();
    DB_WORDS.iter().any(|w| text.contains(w))
}

fn statement_parameters(file: &SourceFile) -> &'static str {
    if imports_any(file, &["sequelize", "@sequelize/core"]) {
        SEQUELIZE
    } else if imports_any(file, &["typeorm", "@nestjs/typeorm"]) {
        TYPEORM
    } else if imports_any(file, &["knex"]) {
        KNEX
    } else if imports_any(file, &["mysql", "mysql2", "@planetscale/database"]) {
        MYSQL
    } else if imports_any(
        file,
        &[
            "pg",
            "pg-pool",
            "pg-promise",
            "@vercel/postgres",
            "@neondatabase/serverless",
        ],
    ) {
        PG
    } else {
        GENERIC
    }
}

/// The sink a `call_expression` is, if any.
pub(super) fn sink<'t>(file: &SourceFile, call: Node<'t>) -> Option<Sink<'t>> {
    if call.kind() != "call_expression" {
        return None;
    }
    let function = call.child_by_field_name("function")?;
    let arguments = call.child_by_field_name("arguments")?;
    let tagged = arguments.kind() == "template_string";
    let (name, receiver) = match function.kind() {
        "member_expression" => (
            file.text_of(function.child_by_field_name("property")?),
            function.child_by_field_name("object"),
        ),
        "identifier" => (file.text_of(function), None),
        _ => return None,
    };
    let first = || first_argument(arguments);
    let (argument, safety, expects, parameters) = match name {
        "$queryRaw" | "$executeRaw" if tagged => {
            (arguments, Safety::Parameterised, Expects::Statement, PRISMA)
        }
        "$queryRaw" | "$executeRaw" => {
            let inner = first()?;
            let inner_arguments = inner.child_by_field_name("arguments")?;
            (inner.kind() == "call_expression" && inner_arguments.kind() == "template_string")
                .then_some(())?;
            (
                inner_arguments,
                Safety::Parameterised,
                Expects::Statement,
                PRISMA,
            )
        }
        "$queryRawUnsafe" | "$executeRawUnsafe" => {
            (first()?, Safety::Raw, Expects::Statement, PRISMA)
        }
        "sql" if tagged && imports_any(file, TAGGED_SQL) => (
            arguments,
            Safety::Parameterised,
            Expects::Statement,
            POSTGRES_JS,
        ),
        "unsafe" if receiver.is_some_and(|r| file.text_of(r) == "sql") && !tagged => {
            (first()?, Safety::Raw, Expects::Statement, POSTGRES_JS)
        }
        "raw"
            if !tagged
                && (imports_any(file, &["knex", "drizzle-orm", "objection", "kysely"])
                    || receiver.is_some_and(|r| db_like(file, r))) =>
        {
            (first()?, Safety::Raw, Expects::Fragment, KNEX)
        }
        _ if KNEX_RAW.contains(&name) && receiver.is_some() && !tagged => {
            (first()?, Safety::Raw, Expects::Fragment, KNEX)
        }
        "literal" if !tagged && imports_any(file, &["sequelize", "@sequelize/core"]) => {
            (first()?, Safety::Raw, Expects::Fragment, SEQUELIZE)
        }
        _ if TYPEORM_WHERE.contains(&name)
            && receiver.is_some_and(|r| r.kind() == "call_expression")
            && imports_any(file, &["typeorm", "@nestjs/typeorm"]) =>
        {
            let argument = first()?;
            // Only strings that splice values in: a literal condition with
            // named parameters is the safe, ordinary form.
            matches!(argument.kind(), "template_string" | "binary_expression").then_some(())?;
            (argument, Safety::Raw, Expects::Fragment, TYPEORM_BUILDER)
        }
        "query" | "execute"
            if !tagged
                && (imports_any(file, DRIVERS) || receiver.is_some_and(|r| db_like(file, r))) =>
        {
            let argument = statement_argument(file, first()?);
            (
                argument,
                Safety::Raw,
                Expects::Statement,
                statement_parameters(file),
            )
        }
        _ if PG_PROMISE.contains(&name) && !tagged && imports_any(file, &["pg-promise"]) => {
            (first()?, Safety::Raw, Expects::Statement, PG)
        }
        _ => return None,
    };
    let strings = Eval::new(file, &JsGrammar, call).strings(argument);
    Some(Sink {
        api: api_text(file, redflag_syntax::Language::JavaScript, call, function),
        call,
        argument,
        strings,
        safety,
        expects,
        parameters,
    })
}

fn first_argument(arguments: Node<'_>) -> Option<Node<'_>> {
    if arguments.kind() != "arguments" {
        return None;
    }
    let mut cursor = arguments.walk();
    let found = arguments
        .named_children(&mut cursor)
        .find(|a| a.kind() != "comment");
    found
}

/// `{ text: "…", values }` (node-postgres) or `{ sql: "…" }` (mysql):
/// the SQL inside a query config object.
fn statement_argument<'t>(file: &SourceFile, argument: Node<'t>) -> Node<'t> {
    if argument.kind() != "object" {
        return argument;
    }
    let mut cursor = argument.walk();
    let found = argument.named_children(&mut cursor).find_map(|pair| {
        if pair.kind() != "pair" {
            return None;
        }
        let key = pair.child_by_field_name("key")?;
        matches!(file.text_of(key).trim_matches(['"', '\'']), "text" | "sql")
            .then(|| pair.child_by_field_name("value"))
            .flatten()
    });
    found.unwrap_or(argument)
}

impl Grammar for JsGrammar {
    fn function_kinds(&self) -> &'static [&'static str] {
        &[
            "function_declaration",
            "generator_function_declaration",
            "function_expression",
            "function",
            "generator_function",
            "arrow_function",
            "method_definition",
        ]
    }

    fn unwrap<'t>(&self, _file: &SourceFile, mut node: Node<'t>) -> Node<'t> {
        for _ in 0..16 {
            let inner = match node.kind() {
                "parenthesized_expression" | "await_expression" | "non_null_expression" => {
                    node.named_child(0)
                }
                "as_expression" | "satisfies_expression" | "type_assertion" => node.named_child(0),
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
            "string" => {
                let mut text = String::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    text.push_str(&unescape(file.text_of(child)));
                }
                Some((vec![Piece::Text(text)], Construction::Literal))
            }
            "template_string" => {
                let mut pieces = Vec::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "template_substitution" => {
                            let inner = child.named_child(0);
                            pieces.push(Piece::Hole {
                                node: inner,
                                text: inner
                                    .map(|n| file.text_of(n))
                                    .unwrap_or_default()
                                    .to_string(),
                            });
                        }
                        _ => pieces.push(Piece::Text(unescape(file.text_of(child)))),
                    }
                }
                Some((pieces, Construction::Template))
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
        if node.kind() == "call_expression" {
            let function = node.child_by_field_name("function")?;
            let pushes = function.kind() == "member_expression"
                && function
                    .child_by_field_name("object")
                    .is_some_and(|o| file.text_of(o) == name)
                && function
                    .child_by_field_name("property")
                    .map(|p| file.text_of(p))
                    == Some("push");
            return pushes
                .then(|| first_argument(node.child_by_field_name("arguments")?))
                .flatten()
                .map(Assigned::Push);
        }
        let (target, value) = match node.kind() {
            "variable_declarator" => (
                node.child_by_field_name("name")?,
                node.child_by_field_name("value")?,
            ),
            "assignment_expression" | "augmented_assignment_expression" => (
                node.child_by_field_name("left")?,
                node.child_by_field_name("right")?,
            ),
            _ => return None,
        };
        if target.kind() != "identifier" || file.text_of(target) != name {
            return None;
        }
        match node.kind() {
            "augmented_assignment_expression" => {
                let operator = node
                    .child_by_field_name("operator")
                    .map(|o| file.text_of(o));
                (operator == Some("+=")).then_some(Assigned::Append(value))
            }
            _ => Some(Assigned::Set(value)),
        }
    }

    fn branches<'t>(&self, node: Node<'t>) -> Option<[Node<'t>; 2]> {
        if node.kind() != "ternary_expression" {
            return None;
        }
        Some([
            node.child_by_field_name("consequence")?,
            node.child_by_field_name("alternative")?,
        ])
    }

    fn elements<'t>(&self, _file: &SourceFile, node: Node<'t>) -> Option<Vec<Node<'t>>> {
        if node.kind() != "array" {
            return None;
        }
        let mut cursor = node.walk();
        let items = node
            .named_children(&mut cursor)
            .filter(|c| c.kind() != "comment")
            .collect();
        Some(items)
    }

    fn is_literal(&self, _file: &SourceFile, node: Node<'_>) -> bool {
        match node.kind() {
            "string" | "number" | "true" | "false" | "null" | "undefined" => true,
            "template_string" => {
                let mut cursor = node.walk();
                let plain = !node
                    .named_children(&mut cursor)
                    .any(|c| c.kind() == "template_substitution");
                plain
            }
            _ => false,
        }
    }

    fn loop_part(&self, parent: Node<'_>, child: Node<'_>) -> bool {
        let is_field = |field: &str| {
            parent
                .child_by_field_name(field)
                .is_some_and(|f| f.id() == child.id())
        };
        match parent.kind() {
            "for_statement" => is_field("body") || is_field("condition") || is_field("increment"),
            "for_in_statement" => is_field("body"),
            "while_statement" | "do_statement" => true,
            _ => false,
        }
    }

    fn iteration_callback(&self, file: &SourceFile, function: Node<'_>) -> bool {
        let Some(arguments) = function.parent().filter(|p| p.kind() == "arguments") else {
            return false;
        };
        let Some(callee) = arguments
            .parent()
            .and_then(|call| call.child_by_field_name("function"))
            .filter(|f| f.kind() == "member_expression")
        else {
            return false;
        };
        callee
            .child_by_field_name("property")
            .is_some_and(|p| ITERATION_METHODS.contains(&file.text_of(p)))
    }

    fn function_name(&self, file: &SourceFile, function: Node<'_>) -> Option<String> {
        if let Some(name) = function.child_by_field_name("name") {
            return Some(file.text_of(name).to_string());
        }
        let parent = function.parent()?;
        let name = match parent.kind() {
            "variable_declarator" | "public_field_definition" => parent.child_by_field_name("name"),
            "field_definition" => parent.child_by_field_name("property"),
            "pair" => parent.child_by_field_name("key"),
            "assignment_expression" => parent
                .child_by_field_name("left")
                .map(|left| left.child_by_field_name("property").unwrap_or(left)),
            _ => None,
        }?;
        Some(file.text_of(name).to_string())
    }
}
