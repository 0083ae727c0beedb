//! Schema facts from SQL migrations.
//!
//! Each DDL statement of a `.sql` file becomes a small, dialect-neutral
//! [`DdlStatement`] with resolved names (unquoted identifiers folded to lower
//! case, schema qualifiers dropped) and the locations rules report at. The
//! project model replays them in migration order.

use redflag_syntax::sql::SqlDialect;
use sqlparser::ast;
use sqlparser::ast::Spanned;
use sqlparser::tokenizer::Span;

use crate::source::{Location, SourceFile};

/// Whether a migration file applies or reverts changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationRole {
    Up,
    /// `down.sql`, `*.down.sql`, Flyway `U…__` undo files: not replayed.
    Down,
    /// A test or example database: not part of the service's schema.
    Fixture,
}

/// The schema facts of one SQL file.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlFacts {
    /// What the file's own syntax says, if anything.
    pub guessed_dialect: Option<SqlDialect>,
    pub role: MigrationRole,
    pub statements: Vec<DdlStatement>,
    /// Tables rows are inserted into by the migration (seeded lookup data).
    pub seeded_tables: Vec<String>,
    /// Statements of any kind the file holds (a `down.sql` with none
    /// reverts nothing).
    pub statement_count: usize,
    /// For dbmate-style files (`-- migrate:up`): whether the
    /// `-- migrate:down` section holds a statement.
    pub dbmate_down: Option<bool>,
}

/// A foreign key and where it was declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKeyFact {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub referenced_table: String,
    pub referenced_columns: Vec<String>,
    pub location: Location,
}

/// An index; `None` columns are expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFact {
    pub name: Option<String>,
    pub table: String,
    pub columns: Vec<Option<String>>,
    pub unique: bool,
    /// Has a `WHERE` clause: covers only some rows.
    pub partial: bool,
    /// Built without blocking writes (`CONCURRENTLY`, or the ORM's option).
    pub concurrently: bool,
    /// Where the index is declared, when it is a statement of its own.
    pub location: Option<Location>,
}

/// A column with its inline constraints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnFact {
    pub name: String,
    pub primary_key: bool,
    pub unique: bool,
    pub foreign_key: Option<ForeignKeyFact>,
    /// Declared `NOT NULL` (or the ORM's `nullable=False`).
    pub not_null: bool,
    /// Has a default value (or is generated/serial).
    pub has_default: bool,
}

/// A table-level constraint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConstraintFact {
    PrimaryKey(Vec<String>),
    Unique {
        name: Option<String>,
        columns: Vec<String>,
    },
    ForeignKey(ForeignKeyFact),
    /// MySQL's inline `INDEX`/`KEY`.
    Index(IndexFact),
    Check {
        name: Option<String>,
    },
    Other {
        name: Option<String>,
    },
}

/// One operation of `ALTER TABLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlterOp {
    AddColumn(ColumnFact),
    DropColumns(Vec<String>),
    RenameColumn {
        from: String,
        to: String,
    },
    RenameTable {
        to: String,
    },
    AddConstraint {
        constraint: ConstraintFact,
        /// PostgreSQL `NOT VALID`: existing rows are not checked under lock.
        not_valid: bool,
    },
    /// `ALTER COLUMN … TYPE`: rewrites the table on most type changes.
    AlterColumnType {
        column: String,
    },
    DropConstraint {
        name: String,
    },
    DropPrimaryKey,
    DropIndex {
        name: String,
    },
}

/// A DDL statement, reduced to what the schema model needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DdlStatement {
    CreateTable {
        table: String,
        if_not_exists: bool,
        columns: Vec<ColumnFact>,
        constraints: Vec<ConstraintFact>,
        /// The statement (or model declaration) defining the table.
        location: Option<Location>,
    },
    CreateIndex(IndexFact),
    AlterTable {
        table: String,
        ops: Vec<AlterOp>,
        location: Option<Location>,
    },
    DropTables(Vec<String>),
    DropIndexes(Vec<String>),
}

/// True for files that revert a migration.
#[must_use]
pub fn migration_role(path: &str) -> MigrationRole {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let flyway_undo = name.starts_with('u')
        && name[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
        && name.contains("__");
    if name == "down.sql"
        || name.ends_with(".down.sql")
        || name.ends_with("_down.sql")
        || flyway_undo
    {
        MigrationRole::Down
    } else {
        MigrationRole::Up
    }
}

/// Reads the DDL statements of a SQL file.
#[must_use]
pub fn collect_sql_facts(file: &SourceFile) -> SqlFacts {
    // Migrations under tests/, fixtures/, examples/ describe test databases,
    // not the schema the service runs on.
    let role = if crate::semantics::paths::is_test_or_example(&file.path) {
        MigrationRole::Fixture
    } else {
        migration_role(&file.path)
    };
    let mut statements = Vec::new();
    let mut seeded_tables: Vec<String> = Vec::new();
    let parsed = &file.sql().statements;
    if role == MigrationRole::Up {
        for statement in parsed {
            if let ast::Statement::Insert(insert) = &statement.statement {
                if let ast::TableObject::TableName(name) = &insert.table {
                    let table = object_name(name);
                    if !seeded_tables.contains(&table) {
                        seeded_tables.push(table);
                    }
                }
            } else if let Some(ddl) = ddl_statement(file, &statement.statement) {
                statements.push(ddl);
            }
        }
    }
    SqlFacts {
        guessed_dialect: redflag_syntax::sql::guess_dialect(&file.text),
        role,
        statements,
        seeded_tables,
        statement_count: parsed.len(),
        dbmate_down: dbmate_down(&file.text),
    }
}

/// The DDL statements of SQL text embedded in a code file (a string a
/// migration hands to `queryRunner.query` or `knex.raw`), with their
/// locations placed in that file by `place`, which maps a byte range of
/// `text` to a byte range of `file`.
pub(crate) fn ddl_of_sql_text(
    file: &SourceFile,
    text: &str,
    place: &dyn Fn(std::ops::Range<usize>) -> std::ops::Range<usize>,
) -> Vec<DdlStatement> {
    let inner = SourceFile::new(
        file.path.clone(),
        redflag_syntax::FileKind::Sql,
        text.to_string(),
        None,
    );
    let relocate = |location: &mut Location| {
        *location = file.location(place(location.range.clone()));
    };
    let mut statements: Vec<DdlStatement> = inner
        .sql()
        .statements
        .iter()
        .filter_map(|s| ddl_statement(&inner, &s.statement))
        .collect();
    for statement in &mut statements {
        visit_locations(statement, &relocate);
    }
    statements
}

/// Calls `visit` on every location a statement holds.
fn visit_locations(statement: &mut DdlStatement, visit: &dyn Fn(&mut Location)) {
    let constraint = |c: &mut ConstraintFact| match c {
        ConstraintFact::ForeignKey(fk) => visit(&mut fk.location),
        ConstraintFact::Index(index) => index.location.iter_mut().for_each(visit),
        _ => {}
    };
    let column = |c: &mut ColumnFact| {
        if let Some(fk) = &mut c.foreign_key {
            visit(&mut fk.location);
        }
    };
    match statement {
        DdlStatement::CreateTable {
            columns,
            constraints,
            location,
            ..
        } => {
            location.iter_mut().for_each(visit);
            columns.iter_mut().for_each(column);
            constraints.iter_mut().for_each(constraint);
        }
        DdlStatement::CreateIndex(index) => index.location.iter_mut().for_each(visit),
        DdlStatement::AlterTable { ops, location, .. } => {
            location.iter_mut().for_each(visit);
            for op in ops {
                match op {
                    AlterOp::AddColumn(c) => column(c),
                    AlterOp::AddConstraint { constraint: c, .. } => constraint(c),
                    _ => {}
                }
            }
        }
        DdlStatement::DropTables(_) | DdlStatement::DropIndexes(_) => {}
    }
}

/// Whether a dbmate file's down section does something; `None` for files
/// that are not dbmate migrations.
fn dbmate_down(text: &str) -> Option<bool> {
    if !text.contains("-- migrate:up") {
        return None;
    }
    let down = text.find("-- migrate:down").map(|at| &text[at..])?;
    let does_something = down.lines().skip(1).any(|line| {
        let line = line.trim();
        !line.is_empty() && !line.starts_with("--")
    });
    Some(does_something)
}

/// An identifier as the database sees it: unquoted names fold to lower case.
fn ident(ident: &ast::Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_ascii_lowercase()
    }
}

/// The table part of a possibly schema-qualified name.
fn object_name(name: &ast::ObjectName) -> String {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(ident)
        .unwrap_or_default()
}

fn location(file: &SourceFile, span: Span) -> Location {
    let offset = |l: sqlparser::tokenizer::Location| {
        let line = usize::try_from(l.line).unwrap_or(0);
        let column = usize::try_from(l.column).unwrap_or(1).saturating_sub(1);
        file.line_index
            .offset_of_char_column(&file.text, line, column)
    };
    let start = offset(span.start);
    let end = offset(span.end).max(start);
    file.location(start..end)
}

fn index_column(column: &ast::IndexColumn) -> Option<String> {
    match &column.column.expr {
        ast::Expr::Identifier(id) => Some(ident(id)),
        ast::Expr::CompoundIdentifier(parts) => parts.last().map(ident),
        _ => None,
    }
}

fn foreign_key(
    file: &SourceFile,
    fk: &ast::ForeignKeyConstraint,
    span: Span,
    columns: Vec<String>,
) -> ForeignKeyFact {
    ForeignKeyFact {
        name: fk.name.as_ref().map(ident),
        columns,
        referenced_table: object_name(&fk.foreign_table),
        referenced_columns: fk.referred_columns.iter().map(ident).collect(),
        location: location(file, span),
    }
}

fn column(file: &SourceFile, def: &ast::ColumnDef) -> ColumnFact {
    let name = ident(&def.name);
    let type_name = def.data_type.to_string().to_ascii_lowercase();
    let mut fact = ColumnFact {
        name: name.clone(),
        primary_key: false,
        unique: false,
        foreign_key: None,
        not_null: false,
        has_default: type_name.contains("serial"),
    };
    for option in &def.options {
        match &option.option {
            ast::ColumnOption::NotNull => fact.not_null = true,
            ast::ColumnOption::Default(_)
            | ast::ColumnOption::Generated { .. }
            | ast::ColumnOption::Identity(_) => fact.has_default = true,
            ast::ColumnOption::PrimaryKey(_) => {
                fact.primary_key = true;
                fact.not_null = true;
            }
            ast::ColumnOption::Unique(_) => fact.unique = true,
            ast::ColumnOption::ForeignKey(fk) => {
                fact.foreign_key = Some(foreign_key(file, fk, def.span(), vec![name.clone()]));
            }
            _ => {}
        }
    }
    fact
}

fn constraint(file: &SourceFile, table: &str, constraint: &ast::TableConstraint) -> ConstraintFact {
    match constraint {
        ast::TableConstraint::PrimaryKey(pk) => {
            ConstraintFact::PrimaryKey(pk.columns.iter().filter_map(index_column).collect())
        }
        ast::TableConstraint::Unique(unique) => ConstraintFact::Unique {
            name: unique.name.as_ref().map(ident),
            columns: unique.columns.iter().filter_map(index_column).collect(),
        },
        ast::TableConstraint::ForeignKey(fk) => {
            let columns = fk.columns.iter().map(ident).collect();
            ConstraintFact::ForeignKey(foreign_key(file, fk, constraint.span(), columns))
        }
        ast::TableConstraint::Index(index) => ConstraintFact::Index(IndexFact {
            name: index.name.as_ref().map(ident),
            table: table.to_string(),
            columns: index.columns.iter().map(index_column).collect(),
            unique: false,
            partial: false,
            concurrently: false,
            location: None,
        }),
        ast::TableConstraint::Check(check) => ConstraintFact::Check {
            name: check.name.as_ref().map(ident),
        },
        _ => ConstraintFact::Other { name: None },
    }
}

fn ddl_statement(file: &SourceFile, statement: &ast::Statement) -> Option<DdlStatement> {
    match statement {
        // A temporary table lives for one session: not part of the schema.
        ast::Statement::CreateTable(create) if create.temporary => None,
        ast::Statement::CreateTable(create) => {
            let table = object_name(&create.name);
            Some(DdlStatement::CreateTable {
                columns: create.columns.iter().map(|c| column(file, c)).collect(),
                constraints: create
                    .constraints
                    .iter()
                    .map(|c| constraint(file, &table, c))
                    .collect(),
                if_not_exists: create.if_not_exists,
                location: Some(location(file, statement.span())),
                table,
            })
        }
        ast::Statement::CreateIndex(index) => Some(DdlStatement::CreateIndex(IndexFact {
            name: index.name.as_ref().map(object_name),
            table: object_name(&index.table_name),
            columns: index.columns.iter().map(index_column).collect(),
            unique: index.unique,
            partial: index.predicate.is_some(),
            concurrently: index.concurrently,
            location: Some(location(file, statement.span())),
        })),
        ast::Statement::AlterTable(alter) => {
            let table = object_name(&alter.name);
            let ops = alter
                .operations
                .iter()
                .filter_map(|op| alter_op(file, &table, op))
                .collect();
            Some(DdlStatement::AlterTable {
                table,
                ops,
                location: Some(location(file, statement.span())),
            })
        }
        ast::Statement::Drop {
            object_type, names, ..
        } => match object_type {
            ast::ObjectType::Table => Some(DdlStatement::DropTables(
                names.iter().map(object_name).collect(),
            )),
            ast::ObjectType::Index => Some(DdlStatement::DropIndexes(
                names.iter().map(object_name).collect(),
            )),
            _ => None,
        },
        _ => None,
    }
}

fn alter_op(file: &SourceFile, table: &str, op: &ast::AlterTableOperation) -> Option<AlterOp> {
    use ast::AlterTableOperation as Op;
    Some(match op {
        Op::AddColumn { column_def, .. } => AlterOp::AddColumn(column(file, column_def)),
        Op::DropColumn { column_names, .. } => {
            AlterOp::DropColumns(column_names.iter().map(ident).collect())
        }
        Op::RenameColumn {
            old_column_name,
            new_column_name,
        } => AlterOp::RenameColumn {
            from: ident(old_column_name),
            to: ident(new_column_name),
        },
        Op::RenameTable { table_name } => {
            let name = match table_name {
                ast::RenameTableNameKind::As(name) | ast::RenameTableNameKind::To(name) => name,
            };
            AlterOp::RenameTable {
                to: object_name(name),
            }
        }
        Op::AddConstraint {
            constraint: c,
            not_valid,
        } => AlterOp::AddConstraint {
            constraint: constraint(file, table, c),
            not_valid: *not_valid,
        },
        Op::AlterColumn {
            column_name,
            op: ast::AlterColumnOperation::SetDataType { .. },
        } => AlterOp::AlterColumnType {
            column: ident(column_name),
        },
        Op::DropConstraint { name, .. } => AlterOp::DropConstraint { name: ident(name) },
        Op::DropForeignKey { name, .. } => AlterOp::DropConstraint { name: ident(name) },
        Op::DropPrimaryKey { .. } => AlterOp::DropPrimaryKey,
        Op::DropIndex { name } => AlterOp::DropIndex { name: ident(name) },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use redflag_syntax::FileKind;

    fn facts(path: &str, sql: &str) -> SqlFacts {
        let file = SourceFile::new(path.into(), FileKind::Sql, sql.into(), None);
        collect_sql_facts(&file)
    }

    #[test]
    fn down_migrations_are_recognised() {
        assert_eq!(
            migration_role("migrations/2024-01-01-000000_init/down.sql"),
            MigrationRole::Down
        );
        assert_eq!(migration_role("db/0001_init.down.sql"), MigrationRole::Down);
        assert_eq!(migration_role("db/U2__drop.sql"), MigrationRole::Down);
        assert_eq!(migration_role("db/V2__add.sql"), MigrationRole::Up);
        assert_eq!(migration_role("migrations/up.sql"), MigrationRole::Up);
        assert_eq!(migration_role("db/users.sql"), MigrationRole::Up);
    }

    #[test]
    fn inline_and_table_level_foreign_keys_with_their_lines() {
        let sql = "CREATE TABLE orders (\n  id BIGSERIAL PRIMARY KEY,\n  user_id BIGINT NOT NULL REFERENCES users (id),\n  shop_id BIGINT,\n  CONSTRAINT orders_shop_fk FOREIGN KEY (shop_id) REFERENCES \"Shops\" (id)\n);\n";
        let found = facts("m/001.sql", sql);
        let DdlStatement::CreateTable {
            table,
            columns,
            constraints,
            ..
        } = &found.statements[0]
        else {
            panic!("create table");
        };
        assert_eq!(table, "orders");
        assert!(columns[0].primary_key);
        let inline = columns[1].foreign_key.as_ref().expect("inline fk");
        assert_eq!(inline.referenced_table, "users");
        assert_eq!(inline.location.start.line, 3);
        let ConstraintFact::ForeignKey(table_fk) = &constraints[0] else {
            panic!("table fk");
        };
        assert_eq!(table_fk.name.as_deref(), Some("orders_shop_fk"));
        assert_eq!(table_fk.referenced_table, "Shops");
        assert_eq!(table_fk.location.start.line, 5);
    }

    #[test]
    fn indexes_alters_and_drops() {
        let sql = "CREATE INDEX CONCURRENTLY idx ON public.orders (user_id, lower(email)) WHERE deleted_at IS NULL;\nALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (shop_id) REFERENCES shops (id), RENAME COLUMN a TO b;\nDROP INDEX idx;\nDROP TABLE old;\n";
        let found = facts("m/002.sql", sql);
        assert_eq!(found.statements.len(), 4);
        let DdlStatement::CreateIndex(index) = &found.statements[0] else {
            panic!("index");
        };
        assert_eq!(index.table, "orders");
        assert_eq!(index.columns, [Some("user_id".to_string()), None]);
        assert!(index.partial);
        let DdlStatement::AlterTable { ops, .. } = &found.statements[1] else {
            panic!("alter");
        };
        assert!(matches!(
            ops[0],
            AlterOp::AddConstraint {
                constraint: ConstraintFact::ForeignKey(_),
                not_valid: false
            }
        ));
        assert_eq!(
            ops[1],
            AlterOp::RenameColumn {
                from: "a".into(),
                to: "b".into()
            }
        );
        assert_eq!(
            found.statements[2],
            DdlStatement::DropIndexes(vec!["idx".into()])
        );
        assert_eq!(
            found.statements[3],
            DdlStatement::DropTables(vec!["old".into()])
        );
    }

    #[test]
    fn dbmate_down_sections_are_not_read() {
        let sql = "-- migrate:up\nCREATE TABLE a (id INT);\n-- migrate:down\nDROP TABLE a;\n";
        let found = facts("db/migrations/20240101_a.sql", sql);
        assert_eq!(found.statements.len(), 1);
        assert_eq!(found.dbmate_down, Some(true));
        let one_way = "-- migrate:up\nCREATE TABLE a (id INT);\n\n-- migrate:down\n\n";
        assert_eq!(
            facts("db/migrations/2.sql", one_way).dbmate_down,
            Some(false)
        );
        assert_eq!(
            facts("db/V1__a.sql", "CREATE TABLE a (id INT);").dbmate_down,
            None
        );
    }

    #[test]
    fn sql_text_inside_code_is_placed_in_the_code_file() {
        let code = "await queryRunner.query(`CREATE TABLE \"post\" (\n  \"id\" SERIAL PRIMARY KEY,\n  \"authorId\" integer REFERENCES \"user\" (\"id\")\n)`);\n";
        let file = SourceFile::new(
            "src/migrations/1-Init.ts".into(),
            FileKind::TypeScript,
            code.into(),
            None,
        );
        let start = code.find('`').expect("template") + 1;
        let end = code.rfind('`').expect("template");
        let statements = ddl_of_sql_text(&file, &code[start..end], &|r| {
            r.start + start..r.end + start
        });
        let [DdlStatement::CreateTable {
            table,
            columns,
            location,
            ..
        }] = statements.as_slice()
        else {
            panic!("{statements:?}");
        };
        assert_eq!(table, "post");
        // sqlparser spans a `CREATE TABLE` from the table's name.
        let location = location.as_ref().expect("location");
        assert_eq!(
            (location.path.as_str(), location.start.line),
            ("src/migrations/1-Init.ts", 1)
        );
        assert!(location.text.starts_with("\"post\" ("), "{}", location.text);
        let fk = columns[1].foreign_key.as_ref().expect("fk");
        assert_eq!(fk.location.start.line, 3);
    }

    #[test]
    fn locking_details_seeds_and_temporary_tables() {
        let sql = "CREATE TEMP TABLE scratch (id INT);\n\
                   ALTER TABLE orders ADD COLUMN note TEXT NOT NULL, ADD COLUMN n INT NOT NULL DEFAULT 0;\n\
                   ALTER TABLE orders ALTER COLUMN total TYPE NUMERIC(12, 2);\n\
                   ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;\n\
                   INSERT INTO order_states (name) VALUES ('new'), ('paid');\n";
        let found = facts("m/003.sql", sql);
        assert_eq!(found.statements.len(), 3, "{:?}", found.statements);
        assert_eq!(found.seeded_tables, ["order_states"]);
        let DdlStatement::AlterTable { ops, location, .. } = &found.statements[0] else {
            panic!("alter");
        };
        assert_eq!(location.as_ref().map(|l| l.start.line), Some(2));
        let [AlterOp::AddColumn(note), AlterOp::AddColumn(n)] = ops.as_slice() else {
            panic!("{ops:?}");
        };
        assert!(note.not_null && !note.has_default);
        assert!(n.not_null && n.has_default);
        assert!(matches!(
            &found.statements[1],
            DdlStatement::AlterTable { ops, .. } if ops == &[AlterOp::AlterColumnType { column: "total".into() }]
        ));
        assert!(matches!(
            &found.statements[2],
            DdlStatement::AlterTable { ops, .. }
                if matches!(ops.as_slice(), [AlterOp::AddConstraint { constraint: ConstraintFact::Check { .. }, not_valid: true }])
        ));
    }
}
