//! Schema from a Prisma schema file (`schema.prisma`, or one file of a
//! multi-file `prisma/schema/` folder).
//!
//! There is no tree-sitter grammar for the Prisma schema language, and the
//! part we need is small: blocks (`datasource`, `model`, `enum`, …) made of
//! lines, each line a field with `@attributes` or a `@@block_attribute`. A
//! lexer turns the text into tokens with byte ranges (strings, comments and
//! line ends handled once), blocks are cut on braces and lines on line ends
//! outside brackets, so an attribute written across lines stays one line.
//!
//! Names follow Prisma Migrate: the table is `@@map` or the model name as
//! written (Prisma quotes identifiers, so `User` stays `User`), a column is
//! `@map` or the field name. Constraint names left to Prisma
//! (`User_email_key`, `Post_authorId_fkey`) are the names the schema model
//! generates, so they are not spelt out here. Prisma creates no index for a
//! relation's foreign key, and with `relationMode = "prisma"` no foreign key
//! at all.

use std::collections::HashMap;
use std::ops::Range;

use redflag_syntax::sql::SqlDialect;

use crate::facts::data::{ModelFact, SchemaFacts, SchemaSource};
use crate::facts::sql::{ColumnFact, ConstraintFact, DdlStatement, ForeignKeyFact, IndexFact};
use crate::source::{Location, SourceFile};

/// Scalar types of the Prisma schema language: fields of these types are
/// columns; fields typed with a model are relations.
const SCALARS: &[&str] = &[
    "String",
    "Boolean",
    "Int",
    "BigInt",
    "Float",
    "Decimal",
    "DateTime",
    "Json",
    "Bytes",
    "Unsupported",
];

/// Deepest bracket nesting read; real schemas stay under five.
const MAX_DEPTH: usize = 64;

pub(super) fn collect(file: &SourceFile) -> Option<SchemaFacts> {
    if !file.text.contains("model") {
        return None;
    }
    let tokens = lex(&file.text);
    let schema = parse(&tokens);
    if schema.models.is_empty() {
        return None;
    }
    Some(Emitter::new(file, &schema).emit())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    Str,
    Number,
    Punct(u8),
    Newline,
}

#[derive(Debug, Clone)]
struct Token<'a> {
    kind: Kind,
    /// The text; for strings, the contents without quotes (escapes kept).
    text: &'a str,
    range: Range<usize>,
}

/// Splits a schema into tokens. Line ends inside parentheses or brackets
/// are not tokens: an attribute written across lines is one line.
fn lex(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut nesting = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
            b'\n' => {
                if nesting == 0 {
                    tokens.push(Token {
                        kind: Kind::Newline,
                        text: "",
                        range: i..i + 1,
                    });
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i = (i + 2).min(bytes.len());
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(bytes.len());
                let closed = bytes.get(end) == Some(&b'"');
                tokens.push(Token {
                    kind: Kind::Str,
                    text: text.get(start + 1..end).unwrap_or(""),
                    range: start..if closed { end + 1 } else { end },
                });
                i = if closed { end + 1 } else { end };
            }
            b if b.is_ascii_alphabetic() || b == b'_' => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                tokens.push(Token {
                    kind: Kind::Ident,
                    text: &text[start..i],
                    range: start..i,
                });
            }
            b if b.is_ascii_digit() || b == b'-' => {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                    i += 1;
                }
                tokens.push(Token {
                    kind: Kind::Number,
                    text: &text[start..i],
                    range: start..i,
                });
            }
            b if b.is_ascii_whitespace() => i += 1,
            b if b.is_ascii() => {
                match b {
                    b'(' | b'[' => nesting += 1,
                    b')' | b']' => nesting = nesting.saturating_sub(1),
                    _ => {}
                }
                tokens.push(Token {
                    kind: Kind::Punct(b),
                    text: &text[start..=start],
                    range: start..i + 1,
                });
                i += 1;
            }
            // Non-ASCII text outside strings and comments is not Prisma
            // syntax: skip the whole character.
            _ => {
                i += 1;
                while i < bytes.len() && !text.is_char_boundary(i) {
                    i += 1;
                }
            }
        }
    }
    tokens
}

/// One `@name(args)` or `@@name(args)`.
#[derive(Debug)]
struct Attribute<'t, 'a> {
    /// `id`, `unique`, `map`, `db.VarChar`, …
    name: String,
    args: Vec<Arg<'t, 'a>>,
}

/// An argument: `name: value` or a positional value.
#[derive(Debug)]
struct Arg<'t, 'a> {
    name: Option<&'a str>,
    value: &'t [Token<'a>],
}

impl<'a> Attribute<'_, 'a> {
    fn arg(&self, name: &str) -> Option<&[Token<'a>]> {
        self.args
            .iter()
            .find(|a| a.name == Some(name))
            .map(|a| a.value)
    }

    /// The named argument, or else the first positional one.
    fn arg_or_first(&self, name: &str) -> Option<&[Token<'a>]> {
        self.arg(name)
            .or_else(|| self.args.iter().find(|a| a.name.is_none()).map(|a| a.value))
    }
}

/// The string a value is, if it is one.
fn string_of<'a>(value: Option<&[Token<'a>]>) -> Option<&'a str> {
    match value? {
        [token] if token.kind == Kind::Str => Some(token.text),
        _ => None,
    }
}

/// The names listed in `[a, b(sort: Desc), c]`.
fn names_of<'a>(value: Option<&[Token<'a>]>) -> Vec<&'a str> {
    let Some(value) = value else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut depth = 0usize;
    let mut expect_name = false;
    for token in value {
        match token.kind {
            Kind::Punct(b'[') if depth == 0 => expect_name = true,
            Kind::Punct(b'(' | b'[') => depth += 1,
            Kind::Punct(b')' | b']') => depth = depth.saturating_sub(1),
            Kind::Punct(b',') if depth == 0 => expect_name = true,
            Kind::Ident if depth == 0 && expect_name => {
                names.push(token.text);
                expect_name = false;
            }
            _ => {}
        }
    }
    names
}

#[derive(Debug)]
struct Field<'t, 'a> {
    name: &'a str,
    type_name: &'a str,
    list: bool,
    optional: bool,
    attributes: Vec<Attribute<'t, 'a>>,
    range: Range<usize>,
}

impl<'a> Field<'_, 'a> {
    fn attribute(&self, name: &str) -> Option<&Attribute<'_, 'a>> {
        self.attributes.iter().find(|a| a.name == name)
    }

    fn has(&self, name: &str) -> bool {
        self.attribute(name).is_some()
    }

    /// The column this field is stored in.
    fn column(&self) -> String {
        self.attribute("map")
            .and_then(|a| string_of(a.arg_or_first("name")))
            .unwrap_or(self.name)
            .to_string()
    }
}

#[derive(Debug)]
struct Model<'t, 'a> {
    name: &'a str,
    /// `model User`: where the model is reported.
    range: Range<usize>,
    fields: Vec<Field<'t, 'a>>,
    attributes: Vec<Attribute<'t, 'a>>,
}

impl Model<'_, '_> {
    fn table(&self) -> String {
        self.attributes
            .iter()
            .find(|a| a.name == "map")
            .and_then(|a| string_of(a.arg_or_first("name")))
            .unwrap_or(self.name)
            .to_string()
    }

    fn column_of(&self, field: &str) -> String {
        self.fields
            .iter()
            .find(|f| f.name == field)
            .map_or_else(|| field.to_string(), Field::column)
    }
}

#[derive(Debug, Default)]
struct Schema<'t, 'a> {
    models: Vec<Model<'t, 'a>>,
    /// Enums and composite types: fields of these types are columns.
    value_types: Vec<&'a str>,
    provider: Option<&'a str>,
    /// `relationMode = "prisma"` (or the older `referentialIntegrity`).
    emulated_relations: bool,
}

/// Splits the tokens of a block body into its non-empty lines.
fn lines<'t, 'a>(body: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    body.split(|t| t.kind == Kind::Newline)
        .filter(|line| !line.is_empty())
        .collect()
}

fn parse<'t, 'a>(tokens: &'t [Token<'a>]) -> Schema<'t, 'a> {
    let mut schema = Schema::default();
    let mut i = 0;
    while i < tokens.len() {
        // `keyword Name {`
        let header = (
            tokens.get(i).map(|t| (t.kind, t.text)),
            tokens.get(i + 1).map(|t| t.kind),
            tokens.get(i + 2).map(|t| t.kind),
        );
        let (Some((Kind::Ident, keyword)), Some(Kind::Ident), Some(Kind::Punct(b'{'))) = header
        else {
            i += 1;
            continue;
        };
        let body_start = i + 3;
        let mut depth = 1usize;
        let mut end = body_start;
        while end < tokens.len() {
            match tokens[end].kind {
                Kind::Punct(b'{') => depth += 1,
                Kind::Punct(b'}') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            end += 1;
        }
        let body = &tokens[body_start..end.min(tokens.len())];
        let name = tokens[i + 1].text;
        match keyword {
            "model" => schema.models.push(model(
                name,
                tokens[i].range.start..tokens[i + 1].range.end,
                body,
            )),
            "enum" | "type" => schema.value_types.push(name),
            "datasource" => datasource(&mut schema, body),
            _ => {}
        }
        i = end + 1;
    }
    schema
}

fn datasource<'a>(schema: &mut Schema<'_, 'a>, body: &[Token<'a>]) {
    for line in lines(body) {
        if let [key, eq, value] = line {
            if eq.kind != Kind::Punct(b'=') || value.kind != Kind::Str {
                continue;
            }
            match key.text {
                "provider" => schema.provider = Some(value.text),
                "relationMode" | "referentialIntegrity" => {
                    schema.emulated_relations = value.text == "prisma";
                }
                _ => {}
            }
        }
    }
}

fn model<'t, 'a>(name: &'a str, range: Range<usize>, body: &'t [Token<'a>]) -> Model<'t, 'a> {
    let mut model = Model {
        name,
        range,
        fields: Vec::new(),
        attributes: Vec::new(),
    };
    for line in lines(body) {
        let is_punct = |at: usize, c: u8| line.get(at).is_some_and(|t| t.kind == Kind::Punct(c));
        if is_punct(0, b'@') && is_punct(1, b'@') {
            model.attributes.extend(attributes(&line[1..]));
            continue;
        }
        let [name, type_name, rest @ ..] = line else {
            continue;
        };
        if name.kind != Kind::Ident || type_name.kind != Kind::Ident {
            continue;
        }
        let mut field = Field {
            name: name.text,
            type_name: type_name.text,
            list: false,
            optional: false,
            attributes: Vec::new(),
            range: name.range.start..line.last().map_or(name.range.end, |t| t.range.end),
        };
        let mut at = 0;
        // `Unsupported("tsvector")`
        if rest.first().is_some_and(|t| t.kind == Kind::Punct(b'(')) {
            at = closing(rest, 0).map_or(rest.len(), |c| c + 1);
        }
        while let Some(token) = rest.get(at) {
            match token.kind {
                Kind::Punct(b'[') => field.list = true,
                Kind::Punct(b'?') => field.optional = true,
                Kind::Punct(b']' | b'!') => {}
                _ => break,
            }
            at += 1;
        }
        field.attributes = attributes(&rest[at.min(rest.len())..]);
        model.fields.push(field);
    }
    model
}

/// The index of the bracket closing the one at `open`.
fn closing(tokens: &[Token<'_>], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::Punct(b'(' | b'[' | b'{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return None;
                }
            }
            Kind::Punct(b')' | b']' | b'}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Reads `@name(args) @other.name …` (the leading `@` of each included).
fn attributes<'t, 'a>(tokens: &'t [Token<'a>]) -> Vec<Attribute<'t, 'a>> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].kind != Kind::Punct(b'@') {
            i += 1;
            continue;
        }
        i += 1;
        let mut name = String::new();
        while let Some(token) = tokens.get(i) {
            match token.kind {
                Kind::Ident => name.push_str(token.text),
                Kind::Punct(b'.') => name.push('.'),
                _ => break,
            }
            i += 1;
        }
        let mut args = Vec::new();
        if tokens.get(i).is_some_and(|t| t.kind == Kind::Punct(b'(')) {
            let end = closing(tokens, i).unwrap_or(tokens.len());
            args = arguments(&tokens[i + 1..end.max(i + 1)]);
            i = end + 1;
        }
        if !name.is_empty() {
            found.push(Attribute { name, args });
        }
    }
    found
}

/// Splits `a, name: [b, c], map: "x"` on top-level commas.
fn arguments<'t, 'a>(tokens: &'t [Token<'a>]) -> Vec<Arg<'t, 'a>> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut push = |part: &'t [Token<'a>]| {
        if part.is_empty() {
            return;
        }
        match part {
            [name, colon, value @ ..]
                if name.kind == Kind::Ident && colon.kind == Kind::Punct(b':') =>
            {
                args.push(Arg {
                    name: Some(name.text),
                    value,
                });
            }
            _ => args.push(Arg {
                name: None,
                value: part,
            }),
        }
    };
    for (i, token) in tokens.iter().enumerate() {
        match token.kind {
            Kind::Punct(b'(' | b'[' | b'{') => depth += 1,
            Kind::Punct(b')' | b']' | b'}') => depth = depth.saturating_sub(1),
            Kind::Punct(b',') if depth == 0 => {
                push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    push(&tokens[start.min(tokens.len())..]);
    args
}

/// The database a `provider` names; `None` for stores without SQL tables.
fn dialect(provider: &str) -> Option<SqlDialect> {
    match provider {
        "postgresql" | "postgres" | "cockroachdb" => Some(SqlDialect::PostgreSql),
        "mysql" => Some(SqlDialect::MySql),
        "sqlite" => Some(SqlDialect::Sqlite),
        _ => None,
    }
}

/// `OrderItem` → `orderItem`: the accessor of the Prisma client.
fn client_name(model: &str) -> String {
    let mut chars = model.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

struct Emitter<'s, 't, 'a> {
    file: &'s SourceFile,
    schema: &'s Schema<'t, 'a>,
    models: HashMap<&'a str, &'s Model<'t, 'a>>,
}

impl<'s, 't, 'a> Emitter<'s, 't, 'a> {
    fn new(file: &'s SourceFile, schema: &'s Schema<'t, 'a>) -> Self {
        let models = schema.models.iter().map(|m| (m.name, m)).collect();
        Emitter {
            file,
            schema,
            models,
        }
    }

    fn location(&self, range: &Range<usize>) -> Location {
        self.file.location(range.clone())
    }

    /// Whether a field is stored in a column of its model's table (rather
    /// than being the other side of a relation).
    fn is_column(&self, field: &Field<'_, '_>) -> bool {
        if field.has("ignore") || field.has("relation") {
            return false;
        }
        if self.models.contains_key(field.type_name) {
            return false;
        }
        if SCALARS.contains(&field.type_name) || self.schema.value_types.contains(&field.type_name)
        {
            return true;
        }
        // A type declared in another file of a multi-file schema: an enum
        // when it carries column attributes, else most likely the far side
        // of a relation.
        !field.list
            && field.attributes.iter().any(|a| {
                matches!(a.name.as_str(), "default" | "map" | "id" | "unique")
                    || a.name.starts_with("db.")
            })
    }

    fn emit(&self) -> SchemaFacts {
        let mut facts = SchemaFacts::new(SchemaSource::PrismaSchema);
        facts.dialect = self.schema.provider.and_then(dialect);
        for model in &self.schema.models {
            self.emit_model(model, &mut facts);
        }
        facts
    }

    fn emit_model(&self, model: &Model<'_, '_>, facts: &mut SchemaFacts) {
        let table = model.table();
        let mut columns: Vec<ColumnFact> = Vec::new();
        let mut constraints = Vec::new();
        let mut fields = Vec::new();
        for field in &model.fields {
            if !self.is_column(field) {
                continue;
            }
            let name = field.column();
            fields.push((field.name.to_string(), name.clone()));
            let unique = field.attribute("unique");
            // A named unique constraint keeps its name, for later drops.
            let unique_name = unique.and_then(|u| string_of(u.arg("map")));
            if let Some(name_given) = unique_name {
                constraints.push(ConstraintFact::Unique {
                    name: Some(name_given.to_string()),
                    columns: vec![name.clone()],
                });
            }
            columns.push(ColumnFact {
                primary_key: field.has("id"),
                unique: unique.is_some() && unique_name.is_none(),
                foreign_key: None,
                not_null: !field.optional && !field.list,
                has_default: field.has("default"),
                name,
            });
        }
        for field in model.fields.iter().filter(|f| !f.has("ignore")) {
            let Some(relation) = field.attribute("relation") else {
                continue;
            };
            let own = names_of(relation.arg("fields"));
            if own.is_empty() {
                continue;
            }
            let own_columns: Vec<String> = own.iter().map(|f| model.column_of(f)).collect();
            if let [column] = own_columns.as_slice() {
                fields.push((field.name.to_string(), column.clone()));
            }
            if self.schema.emulated_relations {
                continue;
            }
            let target = self.models.get(field.type_name);
            let referenced_columns = names_of(relation.arg("references"))
                .into_iter()
                .map(|r| target.map_or_else(|| r.to_string(), |t| t.column_of(r)))
                .collect();
            constraints.push(ConstraintFact::ForeignKey(ForeignKeyFact {
                name: string_of(relation.arg("map")).map(str::to_string),
                columns: own_columns,
                referenced_table: target.map_or_else(|| field.type_name.to_string(), |t| t.table()),
                referenced_columns,
                location: self.location(&field.range),
            }));
        }
        let mut indexes = Vec::new();
        for attribute in &model.attributes {
            let columns: Vec<String> = names_of(attribute.arg_or_first("fields"))
                .into_iter()
                .map(|f| model.column_of(f))
                .collect();
            if columns.is_empty() {
                continue;
            }
            match attribute.name.as_str() {
                "id" => constraints.push(ConstraintFact::PrimaryKey(columns)),
                // `name:` names the client's compound key, `map:` the
                // database constraint.
                "unique" => constraints.push(ConstraintFact::Unique {
                    name: string_of(attribute.arg("map")).map(str::to_string),
                    columns,
                }),
                // Before Prisma 3, `name:` was the index's database name.
                "index" => indexes.push(IndexFact {
                    name: string_of(attribute.arg("map"))
                        .or_else(|| string_of(attribute.arg("name")))
                        .map(str::to_string),
                    table: table.clone(),
                    columns: columns.into_iter().map(Some).collect(),
                    unique: false,
                    partial: false,
                    concurrently: false,
                    location: None,
                }),
                _ => {}
            }
        }
        let location = self.location(&model.range);
        facts.statements.push(DdlStatement::CreateTable {
            table: table.clone(),
            if_not_exists: false,
            columns,
            constraints,
            location: Some(location.clone()),
        });
        facts
            .statements
            .extend(indexes.into_iter().map(DdlStatement::CreateIndex));
        if model.attributes.iter().any(|a| a.name == "ignore") {
            return;
        }
        for name in [client_name(model.name), model.name.to_string()] {
            facts.models.push(ModelFact {
                name,
                table: table.clone(),
                fields: fields.clone(),
                location: location.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::FileFacts;
    use crate::project::data::DataModel;
    use crate::project::schema::Coverage;
    use redflag_syntax::FileKind;

    fn facts(text: &str) -> Option<SchemaFacts> {
        let file = SourceFile::new(
            "prisma/schema.prisma".into(),
            FileKind::Prisma,
            text.into(),
            None,
        );
        collect(&file)
    }

    const BLOG: &str = r#"// This is your Prisma schema file,
// learn more about it in the docs: https://pris.ly/d/prisma-schema

generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

enum Role {
  USER
  ADMIN
}

model User {
  id        Int      @id @default(autoincrement())
  email     String   @unique
  name      String?
  role      Role     @default(USER)
  createdAt DateTime @default(now()) @map("created_at")
  posts     Post[]
  profile   Profile?

  @@map("users")
}

/// A post, written by one user.
model Post {
  id          Int       @id @default(autoincrement())
  title       String    @db.VarChar(255)
  published   Boolean   @default(false)
  publishedAt DateTime? @map("published_at")
  author      User      @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId    Int       @map("author_id")
  tags        String[]

  @@index([published, publishedAt(sort: Desc)], map: "posts_feed_idx")
  @@map("posts")
}

model Profile {
  id     Int    @id @default(autoincrement())
  bio    String
  user   User   @relation(fields: [userId], references: [id])
  userId Int    @unique
}
"#;

    fn create_table(facts: &SchemaFacts, name: &str) -> (Vec<ColumnFact>, Vec<ConstraintFact>) {
        facts
            .statements
            .iter()
            .find_map(|s| match s {
                DdlStatement::CreateTable {
                    table,
                    columns,
                    constraints,
                    ..
                } if table == name => Some((columns.clone(), constraints.clone())),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no table {name}"))
    }

    #[test]
    fn models_become_tables_with_mapped_names() {
        let found = facts(BLOG).expect("schema facts");
        assert_eq!(found.source, SchemaSource::PrismaSchema);
        assert_eq!(found.dialect, Some(SqlDialect::PostgreSql));
        let (columns, _) = create_table(&found, "users");
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "email", "name", "role", "created_at"]);
        assert!(columns[0].primary_key && columns[0].has_default);
        assert!(columns[1].unique && columns[1].not_null);
        assert!(!columns[2].not_null, "optional field is nullable");
        let (posts, constraints) = create_table(&found, "posts");
        let names: Vec<&str> = posts.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "id",
                "title",
                "published",
                "published_at",
                "author_id",
                "tags"
            ]
        );
        let [ConstraintFact::ForeignKey(fk)] = constraints.as_slice() else {
            panic!("{constraints:?}");
        };
        assert_eq!(fk.columns, ["author_id"]);
        assert_eq!(fk.referenced_table, "users");
        assert_eq!(fk.referenced_columns, ["id"]);
        assert_eq!(fk.location.start.line, 36);
        // A model without `@@map` keeps its name as written.
        let (_, profile) = create_table(&found, "Profile");
        assert!(
            matches!(&profile[0], ConstraintFact::ForeignKey(fk) if fk.referenced_table == "users")
        );
    }

    #[test]
    fn block_indexes_and_client_names() {
        let found = facts(BLOG).expect("schema facts");
        let index = found
            .statements
            .iter()
            .find_map(|s| match s {
                DdlStatement::CreateIndex(index) => Some(index),
                _ => None,
            })
            .expect("index");
        assert_eq!(index.name.as_deref(), Some("posts_feed_idx"));
        assert_eq!(
            index.columns,
            [
                Some("published".to_string()),
                Some("published_at".to_string())
            ]
        );
        let post = found
            .models
            .iter()
            .find(|m| m.name == "post")
            .expect("client accessor");
        assert_eq!(post.table, "posts");
        assert!(post
            .fields
            .contains(&("publishedAt".into(), "published_at".into())));
        assert!(post.fields.contains(&("author".into(), "author_id".into())));
        assert_eq!(post.location.start.line, 31);
        assert!(found.models.iter().any(|m| m.name == "Post"));
        assert!(!post.fields.iter().any(|(f, _)| f == "posts"));
    }

    #[test]
    fn compound_keys_and_multiline_attributes() {
        let text = r#"datasource db {
  provider = "mysql"
  url      = env("DATABASE_URL")
}

model Membership {
  teamId  String @map("team_id")
  userId  String @map("user_id")
  role    String
  email   String @unique(map: "membership_email_uq")

  @@id([teamId, userId])
  @@unique(fields: [userId, role], name: "userRole")
  @@index(
    [role],
    name: "legacy_role_index"
  )
  @@map("memberships")
}
"#;
        let found = facts(text).expect("facts");
        assert_eq!(found.dialect, Some(SqlDialect::MySql));
        let (columns, constraints) = create_table(&found, "memberships");
        assert!(
            !columns.iter().any(|c| c.unique),
            "named unique is a constraint"
        );
        assert_eq!(
            constraints,
            [
                ConstraintFact::Unique {
                    name: Some("membership_email_uq".into()),
                    columns: vec!["email".into()]
                },
                ConstraintFact::PrimaryKey(vec!["team_id".into(), "user_id".into()]),
                ConstraintFact::Unique {
                    name: None,
                    columns: vec!["user_id".into(), "role".into()]
                },
            ]
        );
        assert!(found.statements.iter().any(|s| matches!(
            s,
            DdlStatement::CreateIndex(i) if i.name.as_deref() == Some("legacy_role_index")
        )));
    }

    #[test]
    fn emulated_relations_have_no_foreign_keys() {
        let text = r#"datasource db {
  provider     = "mysql"
  url          = env("DATABASE_URL")
  relationMode = "prisma"
}

model Comment {
  id     Int  @id
  post   Post @relation(fields: [postId], references: [id])
  postId Int

  @@index([postId])
}

model Post {
  id       Int       @id
  comments Comment[]
}
"#;
        let found = facts(text).expect("facts");
        let (columns, constraints) = create_table(&found, "Comment");
        assert_eq!(columns.len(), 2);
        assert!(constraints.is_empty());
    }

    #[test]
    fn schemas_without_models_and_odd_input() {
        assert!(facts("generator client {\n  provider = \"prisma-client-js\"\n}\n").is_none());
        for odd in [
            "model",
            "model X {",
            "model X { id Int @id @default(",
            "model Y {\n  a String @map(\"unterminated\n}\n",
            "model Z { @@index([a, b(sort: Desc]) }",
            "model \u{e9}t\u{e9} { id Int @id }",
            &"model A { id Int @default(".repeat(1000),
        ] {
            let _ = facts(odd);
        }
        let found = facts("model Event {\n  id String @id\n  at DateTime\n}").expect("facts");
        assert_eq!(found.models[0].name, "event");
        assert_eq!(found.dialect, None);
    }

    #[test]
    fn replayed_into_the_data_model() {
        let files = vec![FileFacts {
            path: "prisma/schema.prisma".into(),
            schema: facts(BLOG),
            ..FileFacts::default()
        }];
        let data = DataModel::build(&files);
        let posts = &data.schema.tables["posts"];
        assert_eq!(
            posts.covering(&["published".into()]),
            Some(Coverage::Index("posts_feed_idx".into()))
        );
        assert_eq!(posts.covering(&["author_id".into()]), None);
        assert_eq!(data.model("post").map(|m| m.table.as_str()), Some("posts"));
        let users = &data.schema.tables["users"];
        assert_eq!(
            users.covering(&["email".into()]),
            Some(Coverage::Unique("users_email_key".into()))
        );
        assert_eq!(users.covering(&["created_at".into()]), None);
    }
}
