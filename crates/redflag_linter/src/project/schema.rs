//! The database schema, replayed from migrations.
//!
//! SQL migrations are applied in order — tables, columns, keys, indexes,
//! renames and drops — into one model of what the database looks like after
//! the last migration. Rules ask it questions such as "does an index cover
//! these columns?".

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::facts::data::SchemaSource;
use crate::facts::sql::{
    AlterOp, ColumnFact, ConstraintFact, DdlStatement, ForeignKeyFact, IndexFact,
};
use crate::source::Location;

/// An index of a table. `None` columns are expressions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    pub columns: Vec<Option<String>>,
    pub unique: bool,
    pub partial: bool,
}

/// A table after all migrations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub primary_key: Option<Vec<String>>,
    /// Unique constraints, with their (possibly generated) names.
    pub uniques: Vec<(String, Vec<String>)>,
    pub indexes: Vec<Index>,
    /// Foreign keys, with their (possibly generated) names.
    pub foreign_keys: Vec<(String, ForeignKeyFact)>,
    /// False when only indexes on the table were seen, not its creation.
    pub created: bool,
    /// Where the table is defined: its `CREATE TABLE`, migration or model.
    pub defined_at: Option<Location>,
    /// Which tool defined it.
    pub source: Option<SchemaSource>,
}

/// How an index covers a set of columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    PrimaryKey,
    Unique(String),
    Index(String),
}

impl Table {
    /// The first key or index whose leading columns are exactly `columns`
    /// (in any order: equality lookups use the index either way). Partial
    /// and expression indexes do not count.
    #[must_use]
    pub fn covering(&self, columns: &[String]) -> Option<Coverage> {
        let wanted: Vec<&str> = sorted(columns.iter().map(String::as_str));
        let leading_matches = |key: &[String]| {
            key.len() >= wanted.len()
                && sorted(key[..wanted.len()].iter().map(String::as_str)) == wanted
        };
        if self.primary_key.as_deref().is_some_and(leading_matches) {
            return Some(Coverage::PrimaryKey);
        }
        if let Some((name, _)) = self.uniques.iter().find(|(_, key)| leading_matches(key)) {
            return Some(Coverage::Unique(name.clone()));
        }
        self.indexes
            .iter()
            .filter(|index| !index.partial && index.columns.len() >= wanted.len())
            .find(|index| {
                let lead: Option<Vec<String>> =
                    index.columns[..wanted.len()].iter().cloned().collect();
                lead.is_some_and(|lead| leading_matches(&lead))
            })
            .map(|index| Coverage::Index(index.name.clone()))
    }
}

fn sorted<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut items: Vec<&str> = items.collect();
    items.sort_unstable();
    items
}

/// All tables, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: BTreeMap<String, Table>,
}

fn generated_name(table: &str, columns: &[String], suffix: &str) -> String {
    format!("{table}_{}_{suffix}", columns.join("_"))
}

impl Schema {
    /// Applies a migration's statement, in order.
    pub fn apply(&mut self, statement: &DdlStatement, source: SchemaSource) {
        match statement {
            DdlStatement::CreateTable {
                table,
                if_not_exists,
                columns,
                constraints,
                location,
            } => {
                if *if_not_exists && self.tables.get(table).is_some_and(|t| t.created) {
                    return;
                }
                // Indexes declared before the table (in another file read
                // earlier) are kept.
                let indexes = self
                    .tables
                    .remove(table)
                    .map(|t| t.indexes)
                    .unwrap_or_default();
                let mut created = Table {
                    name: table.clone(),
                    indexes,
                    created: true,
                    defined_at: location.clone(),
                    source: Some(source),
                    ..Table::default()
                };
                for column in columns {
                    add_column(&mut created, column);
                }
                for constraint in constraints {
                    add_constraint(&mut created, constraint);
                }
                self.tables.insert(table.clone(), created);
            }
            DdlStatement::CreateIndex(index) => self.add_index(index),
            DdlStatement::AlterTable { table, ops, .. } => {
                let mut name = table.clone();
                for op in ops {
                    name = self.alter(&name, op);
                }
            }
            DdlStatement::DropTables(names) => {
                for name in names {
                    self.tables.remove(name);
                }
            }
            DdlStatement::DropIndexes(names) => {
                for table in self.tables.values_mut() {
                    table.indexes.retain(|index| !names.contains(&index.name));
                }
            }
        }
    }

    /// Merges a model's declaration (an ORM model describes the table as it
    /// is now, beside any migrations): a table new to the schema is
    /// created; a known one gains the columns, keys and indexes it lacked,
    /// so a column counts as indexed when any source says it is.
    pub fn declare(&mut self, statement: &DdlStatement, source: SchemaSource) {
        if let DdlStatement::CreateIndex(index) = statement {
            let same = self.tables.get(&index.table).is_some_and(|t| {
                t.indexes
                    .iter()
                    .any(|i| i.columns == index.columns && i.partial == index.partial)
            });
            if !same {
                self.add_index(index);
            }
            return;
        }
        let DdlStatement::CreateTable {
            table,
            columns,
            constraints,
            location,
            ..
        } = statement
        else {
            self.apply(statement, source);
            return;
        };
        if !self.tables.get(table).is_some_and(|t| t.created) {
            self.apply(statement, source);
            return;
        }
        let existing = self.table_mut(table);
        for column in columns {
            let known = existing.columns.contains(&column.name);
            let mut column = column.clone();
            // A key the migrations already gave the table is not added twice.
            if known {
                column.primary_key &= existing.primary_key.is_none();
                column.unique &= !existing
                    .uniques
                    .iter()
                    .any(|(_, k)| k == &[column.name.clone()]);
                column.foreign_key = column.foreign_key.filter(|fk| {
                    !existing
                        .foreign_keys
                        .iter()
                        .any(|(_, f)| f.columns == fk.columns)
                });
            }
            add_column(existing, &column);
        }
        for constraint in constraints {
            let duplicate = match constraint {
                ConstraintFact::PrimaryKey(_) => existing.primary_key.is_some(),
                ConstraintFact::Unique { columns, .. } => {
                    existing.uniques.iter().any(|(_, k)| k == columns)
                }
                ConstraintFact::ForeignKey(fk) => existing
                    .foreign_keys
                    .iter()
                    .any(|(_, f)| f.columns == fk.columns),
                _ => false,
            };
            if !duplicate {
                add_constraint(existing, constraint);
            }
        }
        if existing.defined_at.is_none() {
            existing.defined_at.clone_from(location);
        }
    }

    fn table_mut(&mut self, name: &str) -> &mut Table {
        self.tables
            .entry(name.to_string())
            .or_insert_with(|| Table {
                name: name.to_string(),
                ..Table::default()
            })
    }

    fn add_index(&mut self, index: &IndexFact) {
        let table = self.table_mut(&index.table);
        let columns: Vec<String> = index
            .columns
            .iter()
            .map(|c| c.clone().unwrap_or_default())
            .collect();
        let name = index
            .name
            .clone()
            .unwrap_or_else(|| generated_name(&index.table, &columns, "idx"));
        table.indexes.retain(|existing| existing.name != name);
        table.indexes.push(Index {
            name,
            columns: index.columns.clone(),
            unique: index.unique,
            partial: index.partial,
        });
    }

    /// Applies one `ALTER TABLE` operation; returns the table's name after it.
    fn alter(&mut self, table_name: &str, op: &AlterOp) -> String {
        match op {
            AlterOp::RenameTable { to } => {
                if let Some(mut table) = self.tables.remove(table_name) {
                    table.name.clone_from(to);
                    self.tables.insert(to.clone(), table);
                }
                for table in self.tables.values_mut() {
                    for (_, fk) in &mut table.foreign_keys {
                        if fk.referenced_table == table_name {
                            fk.referenced_table.clone_from(to);
                        }
                    }
                }
                return to.clone();
            }
            AlterOp::AddColumn(column) => add_column(self.table_mut(table_name), column),
            AlterOp::AddConstraint {
                constraint: ConstraintFact::Index(index),
                ..
            } => self.add_index(index),
            AlterOp::AddConstraint { constraint, .. } => {
                add_constraint(self.table_mut(table_name), constraint)
            }
            AlterOp::AlterColumnType { .. } => {}
            AlterOp::DropColumns(columns) => {
                let table = self.table_mut(table_name);
                let touches = |key: &[String]| key.iter().any(|c| columns.contains(c));
                table.columns.retain(|c| !columns.contains(c));
                if table.primary_key.as_deref().is_some_and(touches) {
                    table.primary_key = None;
                }
                table.uniques.retain(|(_, key)| !touches(key));
                table
                    .indexes
                    .retain(|index| !index.columns.iter().flatten().any(|c| columns.contains(c)));
                table.foreign_keys.retain(|(_, fk)| !touches(&fk.columns));
            }
            AlterOp::RenameColumn { from, to } => {
                let rename = |c: &mut String| {
                    if c == from {
                        c.clone_from(to);
                    }
                };
                let table = self.table_mut(table_name);
                table.columns.iter_mut().for_each(rename);
                if let Some(pk) = &mut table.primary_key {
                    pk.iter_mut().for_each(rename);
                }
                for (_, key) in &mut table.uniques {
                    key.iter_mut().for_each(rename);
                }
                for index in &mut table.indexes {
                    index.columns.iter_mut().flatten().for_each(rename);
                }
                for (_, fk) in &mut table.foreign_keys {
                    fk.columns.iter_mut().for_each(rename);
                }
                for other in self.tables.values_mut() {
                    for (_, fk) in &mut other.foreign_keys {
                        if fk.referenced_table == table_name {
                            fk.referenced_columns.iter_mut().for_each(rename);
                        }
                    }
                }
            }
            AlterOp::DropConstraint { name } => {
                let table = self.table_mut(table_name);
                table.foreign_keys.retain(|(fk_name, _)| fk_name != name);
                table.uniques.retain(|(unique_name, _)| unique_name != name);
                table.indexes.retain(|index| &index.name != name);
                if name == &format!("{table_name}_pkey") {
                    table.primary_key = None;
                }
            }
            AlterOp::DropPrimaryKey => self.table_mut(table_name).primary_key = None,
            AlterOp::DropIndex { name } => self
                .table_mut(table_name)
                .indexes
                .retain(|i| &i.name != name),
        }
        table_name.to_string()
    }
}

fn add_column(table: &mut Table, column: &ColumnFact) {
    if !table.columns.contains(&column.name) {
        table.columns.push(column.name.clone());
    }
    let key = vec![column.name.clone()];
    if column.primary_key {
        table.primary_key = Some(key.clone());
    }
    if column.unique {
        table
            .uniques
            .push((generated_name(&table.name, &key, "key"), key.clone()));
    }
    if let Some(fk) = &column.foreign_key {
        let name = fk
            .name
            .clone()
            .unwrap_or_else(|| generated_name(&table.name, &key, "fkey"));
        table.foreign_keys.push((name, fk.clone()));
    }
}

fn add_constraint(table: &mut Table, constraint: &ConstraintFact) {
    match constraint {
        ConstraintFact::PrimaryKey(columns) => table.primary_key = Some(columns.clone()),
        ConstraintFact::Unique { name, columns } => {
            let name = name
                .clone()
                .unwrap_or_else(|| generated_name(&table.name, columns, "key"));
            table.uniques.push((name, columns.clone()));
        }
        ConstraintFact::ForeignKey(fk) => {
            let name = fk
                .name
                .clone()
                .unwrap_or_else(|| generated_name(&table.name, &fk.columns, "fkey"));
            table.foreign_keys.push((name, fk.clone()));
        }
        ConstraintFact::Index(index) => {
            let columns: Vec<String> = index
                .columns
                .iter()
                .map(|c| c.clone().unwrap_or_default())
                .collect();
            table.indexes.push(Index {
                name: index
                    .name
                    .clone()
                    .unwrap_or_else(|| generated_name(&table.name, &columns, "idx")),
                columns: index.columns.clone(),
                unique: index.unique,
                partial: index.partial,
            });
        }
        ConstraintFact::Check { .. } | ConstraintFact::Other { .. } => {}
    }
}

/// Orders paths as people number migrations: `V2__` before `V10__`.
#[must_use]
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut left = a.as_bytes();
    let mut right = b.as_bytes();
    loop {
        match (left.first(), right.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let digits = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dl, dr) = (digits(left), digits(right));
                let (nl, nr) = (&left[..dl], &right[..dr]);
                let trim = |n: &[u8]| {
                    let zeros = n.iter().take_while(|c| **c == b'0').count();
                    n[zeros..].to_vec()
                };
                let (tl, tr) = (trim(nl), trim(nr));
                let order = tl
                    .len()
                    .cmp(&tr.len())
                    .then_with(|| tl.cmp(&tr))
                    .then_with(|| dl.cmp(&dr));
                if order != Ordering::Equal {
                    return order;
                }
                left = &left[dl..];
                right = &right[dr..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                left = &left[1..];
                right = &right[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::sql::collect_sql_facts;
    use crate::source::SourceFile;
    use redflag_syntax::FileKind;

    fn replay(migrations: &[&str]) -> Schema {
        let mut schema = Schema::default();
        for (i, sql) in migrations.iter().enumerate() {
            let file = SourceFile::new(
                format!("m/{i}.sql"),
                FileKind::Sql,
                (*sql).to_string(),
                None,
            );
            for statement in collect_sql_facts(&file).statements {
                schema.apply(&statement, SchemaSource::Sql);
            }
        }
        schema
    }

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn keys_and_indexes_cover_leading_columns() {
        let schema = replay(&[
            "CREATE TABLE t (a INT, b INT, c INT, d INT UNIQUE, PRIMARY KEY (a, b));",
            "CREATE INDEX t_c_a ON t (c, a);",
            "CREATE INDEX t_partial ON t (b) WHERE c > 0;",
        ]);
        let table = &schema.tables["t"];
        assert_eq!(table.covering(&cols(&["a"])), Some(Coverage::PrimaryKey));
        assert_eq!(
            table.covering(&cols(&["b", "a"])),
            Some(Coverage::PrimaryKey)
        );
        assert_eq!(
            table.covering(&cols(&["c"])),
            Some(Coverage::Index("t_c_a".into()))
        );
        assert_eq!(
            table.covering(&cols(&["d"])),
            Some(Coverage::Unique("t_d_key".into()))
        );
        assert_eq!(
            table.covering(&cols(&["b"])),
            None,
            "partial and non-leading do not cover"
        );
    }

    #[test]
    fn renames_and_drops_are_replayed() {
        let schema = replay(&[
            "CREATE TABLE users (id INT PRIMARY KEY);\nCREATE TABLE orders (id INT PRIMARY KEY, uid INT REFERENCES users (id));",
            "CREATE INDEX orders_uid ON orders (uid);",
            "ALTER TABLE orders RENAME COLUMN uid TO user_id;",
            "ALTER TABLE orders RENAME TO purchases;",
            "DROP INDEX orders_uid;",
        ]);
        let table = &schema.tables["purchases"];
        let (name, fk) = &table.foreign_keys[0];
        assert_eq!(name, "orders_uid_fkey");
        assert_eq!(fk.columns, ["user_id"]);
        assert_eq!(table.covering(&fk.columns), None);
        assert!(!schema.tables.contains_key("orders"));
    }

    #[test]
    fn dropping_a_generated_constraint_name_removes_the_key() {
        let schema = replay(&[
            "CREATE TABLE a (id INT PRIMARY KEY, b_id INT REFERENCES b (id));",
            "ALTER TABLE a DROP CONSTRAINT a_b_id_fkey;",
        ]);
        assert!(schema.tables["a"].foreign_keys.is_empty());
    }

    #[test]
    fn natural_order_of_migration_names() {
        let mut names = vec![
            "V10__c.sql",
            "V2__b.sql",
            "V1__a.sql",
            "migrations/0003_x.sql",
            "migrations/0020_y.sql",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "V1__a.sql",
                "V2__b.sql",
                "V10__c.sql",
                "migrations/0003_x.sql",
                "migrations/0020_y.sql"
            ]
        );
    }
}
