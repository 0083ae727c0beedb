//! Schema from JavaScript and TypeScript: TypeORM entities and migrations,
//! Sequelize models and `queryInterface` migrations, knex migrations.
//!
//! One file is one kind of source; a cheap text check picks which (a
//! TypeORM migration names `MigrationInterface`, an entity `@Entity(`, a
//! Sequelize migration `queryInterface`, a knex migration `.schema`, a
//! Sequelize model `define(`/`init(`) before the tree is built. This module
//! holds what the readers share: literal values (strings, booleans,
//! objects, arrays), call chains, the `up`/`down` steps of a migration and
//! SQL text handed to the database inside a migration.

mod knex;
mod sequelize;
mod typeorm;

use std::cell::Cell;
use std::ops::Range;

use redflag_syntax::sql::{guess_dialect, SqlDialect};
use redflag_syntax::tree_sitter::Node;

use crate::facts::data::{DownFact, SchemaFacts, SchemaSource};
use crate::facts::routes::walk;
use crate::facts::sql::{ddl_of_sql_text, DdlStatement};
use crate::semantics::compact;
use crate::source::{Location, SourceFile};

/// Longest call chain followed.
const MAX_CHAIN: usize = 64;

pub(super) fn collect(file: &SourceFile) -> Option<SchemaFacts> {
    let candidates = candidate_sources(&file.text);
    if candidates.is_empty() {
        return None;
    }
    let tree = file.tree()?;
    let js = Js {
        file,
        dialect: Cell::new(None),
    };
    let root = tree.root_node();
    // The first reader that finds something wins: a models file that calls
    // `sequelize.getQueryInterface()` is still a models file.
    let mut facts = candidates.into_iter().find_map(|source| match source {
        SchemaSource::TypeOrmMigration => typeorm::migration(&js, root),
        SchemaSource::TypeOrmEntity => typeorm::entities(&js, root),
        SchemaSource::SequelizeMigration => sequelize::migration(&js, root),
        SchemaSource::KnexMigration => knex::migration(&js, root),
        SchemaSource::SequelizeModel => sequelize::models(&js, root),
        _ => None,
    })?;
    facts.dialect = facts.dialect.or(js.dialect.get());
    Some(facts)
}

/// The schema sources a file's text can be, most specific first, from the
/// words each must contain.
fn candidate_sources(text: &str) -> Vec<SchemaSource> {
    let has = |word: &str| text.contains(word);
    let mut found = Vec::new();
    if has("MigrationInterface") || (has("queryRunner") && has("up(")) {
        found.push(SchemaSource::TypeOrmMigration);
    }
    if has("@Entity(") {
        found.push(SchemaSource::TypeOrmEntity);
    }
    if has("queryInterface") || has("QueryInterface") {
        found.push(SchemaSource::SequelizeMigration);
    }
    if has("schema") && has("up") && (has("Table(") || has(".table(") || has("raw(")) {
        found.push(SchemaSource::KnexMigration);
    }
    if (has("define(") || has(".init(")) && (has("equelize") || has("DataTypes")) {
        found.push(SchemaSource::SequelizeModel);
    }
    found
}

/// The file being read, with the value readers every tool shares.
pub(super) struct Js<'a> {
    pub(super) file: &'a SourceFile,
    /// What the SQL text the file runs says about its database.
    dialect: Cell<Option<SqlDialect>>,
}

/// Strips what does not change a value: parentheses, `as`, `satisfies`,
/// `!`, `await`.
pub(super) fn value(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    for _ in 0..MAX_CHAIN {
        match current.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "await_expression" => match current.named_child(0) {
                Some(inner) => current = inner,
                None => break,
            },
            _ => break,
        }
    }
    current
}

/// The arguments of a call or `new` expression, comments left out.
pub(super) fn args(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(list) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    let found = list
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .map(value)
        .collect();
    found
}

pub(super) fn is_function(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "function_expression"
            | "function"
            | "arrow_function"
            | "function_declaration"
            | "generator_function_declaration"
            | "generator_function"
            | "method_definition"
    )
}

/// The first parameter's name (`knex`, `queryInterface`, `table`), also
/// from `{ context: queryInterface }` destructuring.
pub(super) fn first_param<'a>(js: &Js<'a>, function: Node<'_>) -> Option<&'a str> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return Some(js.text(single));
    }
    let params = function.child_by_field_name("parameters")?;
    let mut cursor = params.walk();
    let first = params
        .named_children(&mut cursor)
        .find(|n| n.kind() != "comment")?;
    let pattern = first.child_by_field_name("pattern").unwrap_or(first);
    match pattern.kind() {
        "identifier" => Some(js.text(pattern)),
        "object_pattern" => {
            let mut inner = pattern.walk();
            let found = pattern.named_children(&mut inner).find_map(|p| {
                let value = p.child_by_field_name("value")?;
                (value.kind() == "identifier").then(|| js.text(value))
            });
            found
        }
        _ => None,
    }
}

/// A migration step: the function and the name it is given.
#[derive(Debug, Clone, Copy)]
pub(super) struct Step<'t> {
    pub(super) function: Node<'t>,
    pub(super) name: Node<'t>,
}

/// The `up` and `down` functions of a migration file.
#[derive(Debug, Default)]
pub(super) struct Steps<'t> {
    pub(super) up: Vec<Step<'t>>,
    pub(super) down: Vec<Step<'t>>,
}

impl<'a> Js<'a> {
    pub(super) fn text(&self, node: Node<'_>) -> &'a str {
        self.file.text_of(node)
    }

    pub(super) fn location(&self, node: Node<'_>) -> Location {
        self.file.location(node.byte_range())
    }

    /// `createTable('users'`: a call's method and first argument, where a
    /// statement is reported (not the whole multi-line call).
    pub(super) fn head_location(&self, call: Node<'_>, first: Option<Node<'_>>) -> Location {
        let start = call
            .child_by_field_name("function")
            .and_then(|f| f.child_by_field_name("property"))
            .map_or(call.start_byte(), |p| p.start_byte());
        let end = first.map_or(call.end_byte(), |f| f.end_byte());
        self.file.location(start..end.max(start))
    }

    /// The value of a string literal, or of a template literal without
    /// substitutions.
    pub(super) fn string(&self, node: Node<'_>) -> Option<String> {
        let node = value(node);
        if !matches!(node.kind(), "string" | "template_string") {
            return None;
        }
        let mut out = String::new();
        let mut cursor = node.walk();
        for part in node.named_children(&mut cursor) {
            match part.kind() {
                "string_fragment" => out.push_str(self.text(part)),
                "escape_sequence" => out.push_str(&unescape(self.text(part))),
                "template_substitution" => return None,
                _ => {}
            }
        }
        Some(out)
    }

    /// A string, or the strings of an array (other elements skipped).
    pub(super) fn strings(&self, node: Node<'_>) -> Vec<String> {
        let node = value(node);
        if node.kind() == "array" {
            let mut cursor = node.walk();
            let found = node
                .named_children(&mut cursor)
                .filter_map(|n| self.string(n))
                .collect();
            return found;
        }
        self.string(node).into_iter().collect()
    }

    pub(super) fn boolean(node: Node<'_>) -> Option<bool> {
        match value(node).kind() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// The properties of an object literal: key, key node, value node
    /// (the method itself for `up() {}`, the name for `{ sequelize }`).
    pub(super) fn properties<'t>(&self, object: Node<'t>) -> Vec<(String, Node<'t>, Node<'t>)> {
        let object = value(object);
        if object.kind() != "object" {
            return Vec::new();
        }
        let mut cursor = object.walk();
        let found = object
            .named_children(&mut cursor)
            .filter_map(|member| match member.kind() {
                "pair" => {
                    let key = member.child_by_field_name("key")?;
                    let name = match key.kind() {
                        "string" => self.string(key)?,
                        "computed_property_name" => return None,
                        _ => self.text(key).to_string(),
                    };
                    Some((name, key, value(member.child_by_field_name("value")?)))
                }
                "method_definition" => {
                    let key = member.child_by_field_name("name")?;
                    Some((self.text(key).to_string(), key, member))
                }
                "shorthand_property_identifier" => {
                    Some((self.text(member).to_string(), member, member))
                }
                _ => None,
            })
            .collect();
        found
    }

    pub(super) fn property<'t>(&self, object: Node<'t>, key: &str) -> Option<Node<'t>> {
        self.properties(object)
            .into_iter()
            .find(|(name, _, _)| name == key)
            .map(|(_, _, v)| v)
    }

    pub(super) fn property_string(&self, object: Node<'_>, key: &str) -> Option<String> {
        self.string(self.property(object, key)?)
    }

    pub(super) fn property_bool(&self, object: Node<'_>, key: &str) -> Option<bool> {
        Js::boolean(self.property(object, key)?)
    }

    pub(super) fn property_strings(&self, object: Node<'_>, key: &str) -> Vec<String> {
        self.property(object, key)
            .map(|v| self.strings(v))
            .unwrap_or_default()
    }

    /// A method call chain read from its outermost call: the receiver it
    /// starts from and each method with its call, in call order.
    /// `t.string('email').notNullable()` → `t`, `[string, notNullable]`.
    pub(super) fn chain<'t>(&self, call: Node<'t>) -> Option<(Node<'t>, Vec<(&'a str, Node<'t>)>)> {
        let mut methods = Vec::new();
        let mut current = call;
        for _ in 0..MAX_CHAIN {
            if current.kind() != "call_expression" {
                methods.reverse();
                return Some((current, methods));
            }
            let function = value(current.child_by_field_name("function")?);
            if function.kind() != "member_expression" {
                return None;
            }
            let property = function.child_by_field_name("property")?;
            methods.push((self.text(property), current));
            current = value(function.child_by_field_name("object")?);
        }
        None
    }

    /// The calls under `root` that end a chain (are not the receiver of a
    /// further method call), in source order. Read top-down: a parent walk
    /// costs the depth of the tree per step in tree-sitter.
    pub(super) fn chain_ends<'t>(root: Node<'t>) -> Vec<Node<'t>> {
        let mut calls = Vec::new();
        let mut inner = std::collections::HashSet::new();
        walk(root, |node| {
            if node.kind() == "call_expression" {
                calls.push(node);
                let receiver = node
                    .child_by_field_name("function")
                    .map(value)
                    .filter(|f| f.kind() == "member_expression")
                    .and_then(|f| f.child_by_field_name("object"))
                    .map(value);
                if let Some(receiver) = receiver.filter(|r| r.kind() == "call_expression") {
                    inner.insert(receiver.id());
                }
            }
            true
        });
        calls.retain(|c| !inner.contains(&c.id()));
        calls
    }

    /// The receiver's text without whitespace (`queryInterface.sequelize`).
    /// Every `receiver.method(…)` call inside `root`, in source order,
    /// with the receiver as a path (`this.queryRunner`) and the method name.
    pub(super) fn member_calls<'t>(&self, root: Node<'t>) -> Vec<(String, &'a str, Node<'t>)> {
        let mut calls = Vec::new();
        walk(root, |node| {
            if node.kind() == "call_expression" {
                calls.push(node);
            }
            true
        });
        calls
            .into_iter()
            .filter_map(|call| {
                let function = value(call.child_by_field_name("function")?);
                if function.kind() != "member_expression" {
                    return None;
                }
                let object = function.child_by_field_name("object")?;
                let method = function.child_by_field_name("property")?;
                Some((self.path(object), self.text(method), call))
            })
            .collect()
    }

    pub(super) fn path(&self, node: Node<'_>) -> String {
        compact(self.text(node))
    }

    /// The `up` and `down` functions: declarations (`export async function
    /// up`), `exports.up = …`, `const up = …`, object members
    /// (`module.exports = { up() {}, down: async () => {} }`) and class
    /// methods.
    pub(super) fn steps<'t>(&self, root: Node<'t>) -> Steps<'t> {
        let mut steps = Steps::default();
        walk(root, |node| {
            let found: Option<(Node<'t>, Node<'t>)> = match node.kind() {
                "function_declaration" | "method_definition" => {
                    node.child_by_field_name("name").map(|name| (name, node))
                }
                "assignment_expression" => node.child_by_field_name("left").and_then(|left| {
                    let name = match left.kind() {
                        "member_expression" => left.child_by_field_name("property")?,
                        _ => return None,
                    };
                    Some((name, value(node.child_by_field_name("right")?)))
                }),
                "variable_declarator" => node
                    .child_by_field_name("name")
                    .zip(node.child_by_field_name("value").map(value)),
                "pair" => node
                    .child_by_field_name("key")
                    .zip(node.child_by_field_name("value").map(value)),
                _ => None,
            };
            if let Some((name, function)) = found {
                if is_function(function) {
                    let step = Step { function, name };
                    match self.text(name).trim_matches(['"', '\'']) {
                        "up" => steps.up.push(step),
                        "down" => steps.down.push(step),
                        _ => {}
                    }
                }
            }
            true
        });
        steps
    }

    /// How the migration is reverted: missing when there is no `down` or
    /// every `down` does nothing (an empty body, `return;`, or `return
    /// Promise.resolve()`). A `down` that throws is a deliberate decision
    /// and counts as present.
    pub(super) fn down(&self, steps: &Steps<'_>) -> Option<DownFact> {
        let up = steps.up.first()?;
        let Some(first) = steps.down.first() else {
            return Some(DownFact::Missing {
                location: self.location(up.name),
                what: "a migration with `up` and no `down`".into(),
            });
        };
        if steps.down.iter().all(|s| self.does_nothing(s.function)) {
            Some(DownFact::Missing {
                location: self.location(first.name),
                what: "a `down` that does nothing".into(),
            })
        } else {
            Some(DownFact::Present)
        }
    }

    fn does_nothing(&self, function: Node<'_>) -> bool {
        let Some(body) = function.child_by_field_name("body") else {
            return true;
        };
        if body.kind() != "statement_block" {
            return self.is_noop_value(body);
        }
        let mut cursor = body.walk();
        let nothing = body
            .named_children(&mut cursor)
            .all(|statement| match statement.kind() {
                "comment" | "empty_statement" => true,
                "return_statement" => statement
                    .named_child(0)
                    .is_none_or(|v| v.kind() == "comment" || self.is_noop_value(v)),
                _ => false,
            });
        nothing
    }

    /// `Promise.resolve()`, `undefined`, `null`.
    fn is_noop_value(&self, node: Node<'_>) -> bool {
        let node = value(node);
        match node.kind() {
            "undefined" | "null" => true,
            "identifier" => self.text(node) == "undefined",
            "call_expression" => node
                .child_by_field_name("function")
                .is_some_and(|f| self.path(f) == "Promise.resolve"),
            _ => false,
        }
    }

    /// The DDL of SQL text a migration runs (`queryRunner.query("…")`,
    /// `knex.raw("…")`); nothing when the text is built at run time.
    pub(super) fn sql(&self, node: Node<'_>) -> Vec<DdlStatement> {
        let node = value(node);
        let Some(text) = self.string(node) else {
            return Vec::new();
        };
        if self.dialect.get().is_none() {
            self.dialect.set(guess_dialect(&text));
        }
        let literal = node.byte_range();
        let inner = literal.start + 1..literal.end.saturating_sub(1).max(literal.start + 1);
        if self.file.slice(inner.clone()) == text {
            let start = inner.start;
            ddl_of_sql_text(self.file, &text, &|r: Range<usize>| {
                r.start + start..r.end + start
            })
        } else {
            // Escapes moved the offsets: point at the whole literal.
            ddl_of_sql_text(self.file, &text, &|_| literal.clone())
        }
    }
}

fn unescape(escape: &str) -> String {
    match escape {
        "\\n" => "\n".into(),
        "\\t" => "\t".into(),
        "\\r" => "\r".into(),
        "\\0" => "\0".into(),
        _ => escape.chars().skip(1).collect(),
    }
}

/// TypeORM's `snakeCase` (DefaultNamingStrategy's table names):
/// `ABc` → `a_bc`, then `aB` → `a_b`, then lower case.
pub(super) fn typeorm_snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut first = Vec::with_capacity(chars.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len()
            && chars[i].is_ascii_uppercase()
            && chars[i + 1].is_ascii_uppercase()
            && chars[i + 2].is_ascii_lowercase()
        {
            first.extend([chars[i], '_', chars[i + 1], chars[i + 2]]);
            i += 3;
        } else {
            first.push(chars[i]);
            i += 1;
        }
    }
    let mut out = String::with_capacity(first.len() + 4);
    let mut i = 0;
    while i < first.len() {
        if i + 1 < first.len()
            && (first[i].is_ascii_lowercase() || first[i].is_ascii_digit())
            && first[i + 1].is_ascii_uppercase()
        {
            out.extend([first[i], '_', first[i + 1]]);
            i += 2;
        } else {
            out.push(first[i]);
            i += 1;
        }
    }
    out.to_lowercase()
}

/// TypeORM's `camelCase` (join column names: `user` + `_` + `id` →
/// `userId`): a leading capital is lowered, a separator and the word
/// character after it become that character in upper case.
pub(super) fn typeorm_camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut chars = name.chars().peekable();
    if let Some(&c) = chars.peek() {
        if c.is_ascii_uppercase() {
            out.push(c.to_ascii_lowercase());
            chars.next();
        }
    }
    while let Some(c) = chars.next() {
        let separator = c.is_whitespace() || c == '-' || c == '_';
        match chars.peek() {
            Some(&next) if separator && (next.is_alphanumeric() || next == '_') => {
                out.extend(next.to_uppercase());
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Sequelize's `underscore` (the `inflection` package): `_` before every
/// capital, no leading `_`, lower case: `createdAt` → `created_at`.
pub(super) fn sequelize_underscore(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out.strip_prefix('_').map(str::to_string).unwrap_or(out)
}

/// Words `inflection` leaves alone in the plural.
const UNCOUNTABLE: &[&str] = &[
    "equipment",
    "information",
    "rice",
    "money",
    "species",
    "series",
    "fish",
    "sheep",
    "moose",
    "deer",
    "news",
    "metadata",
];

/// Sequelize's default table name: the model name in the plural, as
/// `inflection.pluralize` makes it for regular English nouns (`User` →
/// `Users`, `Category` → `Categories`, `Address` → `Addresses`, `Person`
/// → `People`). Rarer irregular plurals are not known.
pub(super) fn sequelize_pluralize(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if UNCOUNTABLE.iter().any(|w| lower.ends_with(w)) {
        return name.to_string();
    }
    let stem = |cut: usize| &name[..name.len().saturating_sub(cut)];
    for (ending, cut, plural) in [
        ("person", 4, "ople"),
        ("child", 0, "ren"),
        ("status", 0, "es"),
        ("alias", 0, "es"),
        ("bus", 0, "es"),
        ("sis", 2, "es"),
        ("quiz", 0, "zes"),
    ] {
        if lower.ends_with(ending) && name.is_char_boundary(name.len().saturating_sub(cut)) {
            return format!("{}{plural}", stem(cut));
        }
    }
    let bytes = lower.as_bytes();
    if lower.ends_with('y') && bytes.len() >= 2 {
        let before = bytes[bytes.len() - 2];
        if !b"aeiouy".contains(&before) || lower.ends_with("quy") {
            return format!("{}ies", stem(1));
        }
    }
    if ["x", "ch", "ss", "sh"].iter().any(|e| lower.ends_with(e)) {
        return format!("{name}es");
    }
    if lower.ends_with('s') {
        return name.to_string();
    }
    format!("{name}s")
}

#[cfg(test)]
mod tests {
    use super::*;
    use redflag_syntax::FileKind;

    pub(super) fn file(path: &str, text: &str) -> SourceFile {
        let kind = if path.ends_with(".ts") {
            FileKind::TypeScript
        } else {
            FileKind::JavaScript
        };
        SourceFile::new(path.into(), kind, text.into(), None)
    }

    pub(super) fn facts(path: &str, text: &str) -> Option<SchemaFacts> {
        collect(&file(path, text))
    }

    #[test]
    fn naming_rules() {
        assert_eq!(typeorm_snake_case("UserProfile"), "user_profile");
        assert_eq!(typeorm_snake_case("HTTPRequestLog"), "http_request_log");
        assert_eq!(typeorm_snake_case("Order2Item"), "order2_item");
        assert_eq!(typeorm_camel_case("user_id"), "userId");
        assert_eq!(
            typeorm_camel_case("billingAddress_uuid"),
            "billingAddressUuid"
        );
        assert_eq!(sequelize_underscore("createdAt"), "created_at");
        assert_eq!(sequelize_underscore("OrderItems"), "order_items");
        for (singular, plural) in [
            ("User", "Users"),
            ("Category", "Categories"),
            ("Key", "Keys"),
            ("Address", "Addresses"),
            ("Box", "Boxes"),
            ("Batch", "Batches"),
            ("Person", "People"),
            ("Status", "Statuses"),
            ("Analysis", "Analyses"),
            ("news", "news"),
            ("Users", "Users"),
            ("order_item", "order_items"),
        ] {
            assert_eq!(sequelize_pluralize(singular), plural, "{singular}");
        }
    }

    /// `depth` nested brackets, wrapped so the text is not one line.
    fn nested(open: &str, close: &str, depth: usize) -> String {
        let flat = format!("{}{}", open.repeat(depth), close.repeat(depth));
        flat.as_bytes()
            .chunks(80)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn hostile_nesting_and_chains_are_read_without_recursion() {
        const DEPTH: usize = 50_000;
        let parens = nested("(", ")", DEPTH);
        let objects = nested("{ a: ", " }", DEPTH / 2);
        let chain = ".notNullable()".repeat(DEPTH / 4);
        let cases = [
            (
                "migrations/1_deep.js",
                format!("exports.up = (knex) => knex.schema.createTable('t', (t) => {{ t.string{parens}; t.integer('a'){chain}; }});\nexports.down = () => {{}};\n"),
            ),
            (
                "src/deep.entity.ts",
                format!("@Entity()\nexport class Deep {{\n  @Column({objects})\n  a!: string;\n  @ManyToOne({parens})\n  b!: Deep;\n}}\n"),
            ),
            (
                "migrations/2-deep.js",
                format!("module.exports = {{\n  async up(queryInterface) {{\n    await queryInterface.createTable('t', {objects});\n  }},\n}};\n"),
            ),
            (
                "src/models/deep.js",
                format!("const {{ DataTypes }} = require('sequelize');\nconst Deep = sequelize.define('Deep', {{ a: {objects} }}, {{ indexes: [{objects}] }});\nclass A extends Model {{ static setup(sequelize) {{ return super.init({{ b: DataTypes.STRING }}, {{ sequelize }}); }} }}\n"),
            ),
            (
                "src/migrations/1-Deep.ts",
                format!("export class Deep1 implements MigrationInterface {{\n  async up(queryRunner: QueryRunner) {{\n    await queryRunner.query{parens};\n    await queryRunner.createTable(new Table({objects}));\n  }}\n}}\n"),
            ),
        ];
        // Whatever tree-sitter makes of such input, reading it ends.
        for (path, text) in &cases {
            let _ = facts(path, text);
        }
    }

    #[test]
    fn a_models_file_that_names_the_query_interface_is_still_models() {
        let text = "const { Sequelize, DataTypes } = require('sequelize');\nconst sequelize = new Sequelize(process.env.DATABASE_URL);\nconst User = sequelize.define('User', { email: DataTypes.STRING });\nconst queryInterface = sequelize.getQueryInterface();\nmodule.exports = { sequelize, queryInterface, User };\n";
        let found = facts("src/models/index.js", text).expect("facts");
        assert_eq!(found.source, SchemaSource::SequelizeModel);
        assert_eq!(found.models[0].table, "Users");
    }

    #[test]
    fn files_of_other_kinds_are_not_parsed() {
        let router = "import express from 'express';\nconst router = express.Router();\nrouter.get('/users', list);\n";
        let routes = file("src/routes.ts", router);
        assert!(collect(&routes).is_none());
        assert!(!routes.was_parsed());
        let query = "export async function listUsers(knex) {\n  return knex('users').where({ active: true });\n}\n";
        assert!(facts("src/users.js", query).is_none());
    }
}
