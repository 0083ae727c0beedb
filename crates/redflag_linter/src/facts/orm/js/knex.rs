//! knex migrations: `knex.schema.createTable(name, (table) => { … })`,
//! `alterTable`/`table`, `dropTable`, `renameTable` and `knex.raw(sql)`,
//! read from the `up` step only (`exports.up = …`, `export async function
//! up(knex)`).
//!
//! Inside a table builder each statement is a chain on the builder
//! (`table.string('email').notNullable().unique()`): the first method is a
//! column type or a table-level command (`index`, `unique`, `foreign`,
//! `dropColumn`, …), the rest are modifiers. Constraint and index names are
//! the ones knex generates (`users_email_unique`, `users_a_b_index`,
//! `posts_user_id_foreign`), so a later `dropIndex(['a', 'b'])` finds the
//! index it drops. `.references()` adds a foreign key and no index.

use redflag_syntax::tree_sitter::Node;

use super::{args, first_param, is_function, Js};
use crate::facts::data::{SchemaFacts, SchemaSource};
use crate::facts::sql::{
    AlterOp, ColumnFact, ConstraintFact, DdlStatement, ForeignKeyFact, IndexFact,
};
use crate::source::Location;

/// Builder methods that add a column.
const COLUMN_TYPES: &[&str] = &[
    "increments",
    "bigIncrements",
    "integer",
    "bigInteger",
    "bigint",
    "tinyint",
    "smallint",
    "mediumint",
    "text",
    "string",
    "float",
    "double",
    "decimal",
    "boolean",
    "date",
    "datetime",
    "time",
    "timestamp",
    "binary",
    "enum",
    "enu",
    "json",
    "jsonb",
    "uuid",
    "geometry",
    "geography",
    "point",
    "specificType",
];

pub(super) fn migration(js: &Js<'_>, root: Node<'_>) -> Option<SchemaFacts> {
    let steps = js.steps(root);
    let mut facts = SchemaFacts::new(SchemaSource::KnexMigration);
    let mut schema_calls = 0usize;
    for step in &steps.up {
        let param = first_param(js, step.function);
        for call in Js::chain_ends(step.function) {
            let Some((receiver, methods)) = js.chain(call) else {
                continue;
            };
            let receiver = js.path(receiver);
            let on_schema = receiver == "schema" || receiver.ends_with(".schema");
            if !on_schema && Some(receiver.as_str()) != param {
                continue;
            }
            for (method, call) in methods {
                if on_schema {
                    schema_calls += 1;
                }
                schema_call(js, method, call, on_schema, &mut facts.statements);
            }
        }
    }
    // A file with an `up` but no schema call is not a knex migration.
    if schema_calls == 0 && facts.statements.is_empty() {
        return None;
    }
    facts.down = js.down(&steps);
    Some(facts)
}

fn schema_call(
    js: &Js<'_>,
    method: &str,
    call: Node<'_>,
    on_schema: bool,
    out: &mut Vec<DdlStatement>,
) {
    let arguments = args(call);
    if method == "raw" {
        if let Some(sql) = arguments.first() {
            out.extend(js.sql(*sql));
        }
        return;
    }
    if !on_schema {
        return;
    }
    let Some(table) = arguments.first().and_then(|a| js.string(*a)) else {
        return;
    };
    let location = || js.head_location(call, arguments.first().copied());
    match method {
        "createTable" | "createTableIfNotExists" | "alterTable" | "table" => {
            let create = method.starts_with("create");
            let mut builder = Builder::new(&table, create);
            if let Some(callback) = arguments.get(1).filter(|a| is_function(**a)) {
                builder.read(js, *callback);
            }
            out.push(if create {
                DdlStatement::CreateTable {
                    table,
                    if_not_exists: method == "createTableIfNotExists",
                    columns: builder.columns,
                    constraints: builder.constraints,
                    location: Some(location()),
                }
            } else {
                DdlStatement::AlterTable {
                    table,
                    ops: builder.ops,
                    location: Some(location()),
                }
            });
            out.extend(builder.indexes.into_iter().map(DdlStatement::CreateIndex));
        }
        "dropTable" | "dropTableIfExists" => out.push(DdlStatement::DropTables(vec![table])),
        "renameTable" => {
            if let Some(to) = arguments.get(1).and_then(|a| js.string(*a)) {
                out.push(DdlStatement::AlterTable {
                    table,
                    ops: vec![AlterOp::RenameTable { to }],
                    location: Some(location()),
                });
            }
        }
        _ => {}
    }
}

/// knex's generated names: `users_email_unique`, `users_a_b_index`.
fn generated(table: &str, columns: &[String], kind: &str) -> String {
    format!(
        "{}_{}_{kind}",
        table.replace(['.', '-'], "_"),
        columns.join("_")
    )
    .to_lowercase()
}

struct Builder {
    table: String,
    create: bool,
    columns: Vec<ColumnFact>,
    constraints: Vec<ConstraintFact>,
    ops: Vec<AlterOp>,
    indexes: Vec<IndexFact>,
}

impl Builder {
    fn new(table: &str, create: bool) -> Builder {
        Builder {
            table: table.to_string(),
            create,
            columns: Vec::new(),
            constraints: Vec::new(),
            ops: Vec::new(),
            indexes: Vec::new(),
        }
    }

    fn read(&mut self, js: &Js<'_>, callback: Node<'_>) {
        // `function () { this.increments(); }` in older migrations.
        let builder = first_param(js, callback).unwrap_or("this").to_string();
        for call in Js::chain_ends(callback) {
            let Some((receiver, methods)) = js.chain(call) else {
                continue;
            };
            if js.text(receiver) != builder {
                continue;
            }
            if let Some((&(first, first_call), modifiers)) = methods.split_first() {
                self.statement(js, first, first_call, modifiers, call);
            }
        }
    }

    fn add_constraint(&mut self, constraint: ConstraintFact) {
        if self.create {
            self.constraints.push(constraint);
        } else {
            self.ops.push(AlterOp::AddConstraint {
                constraint,
                not_valid: false,
            });
        }
    }

    fn index(&mut self, columns: Vec<String>, name: Option<String>, partial: bool, at: Location) {
        let name = name.unwrap_or_else(|| generated(&self.table, &columns, "index"));
        self.indexes.push(IndexFact {
            name: Some(name),
            table: self.table.clone(),
            columns: columns.into_iter().map(Some).collect(),
            unique: false,
            partial,
            concurrently: false,
            location: Some(at),
        });
    }

    /// One builder statement: `first` is the method called on the builder,
    /// `modifiers` the ones chained after it, `whole` the outermost call.
    fn statement(
        &mut self,
        js: &Js<'_>,
        first: &str,
        first_call: Node<'_>,
        modifiers: &[(&str, Node<'_>)],
        whole: Node<'_>,
    ) {
        let arguments = args(first_call);
        let string_arg = |i: usize| arguments.get(i).and_then(|a| js.string(*a));
        let strings_arg = |i: usize| arguments.get(i).map(|a| js.strings(*a)).unwrap_or_default();
        // An index or constraint name given as a string or `{ indexName }`.
        let name_arg = |i: usize| {
            string_arg(i).or_else(|| {
                let options = arguments.get(i)?;
                js.property_string(*options, "indexName")
                    .or_else(|| js.property_string(*options, "constraintName"))
            })
        };
        let at = || js.location(whole);
        match first {
            "timestamps" => {
                let camel = arguments.get(2).and_then(|a| Js::boolean(*a)) == Some(true);
                let now = arguments.get(1).and_then(|a| Js::boolean(*a)) == Some(true);
                let names = if camel {
                    ["createdAt", "updatedAt"]
                } else {
                    ["created_at", "updated_at"]
                };
                for name in names {
                    self.column(ColumnFact {
                        name: name.into(),
                        primary_key: false,
                        unique: false,
                        foreign_key: None,
                        not_null: now,
                        has_default: now,
                    });
                }
            }
            kind if COLUMN_TYPES.contains(&kind) => {
                self.column_chain(js, kind, &arguments, modifiers, whole);
            }
            "primary" => {
                let columns = strings_arg(0);
                if !columns.is_empty() {
                    self.add_constraint(ConstraintFact::PrimaryKey(columns));
                }
            }
            "unique" => {
                let columns = strings_arg(0);
                if !columns.is_empty() {
                    let name =
                        name_arg(1).unwrap_or_else(|| generated(&self.table, &columns, "unique"));
                    self.add_constraint(ConstraintFact::Unique {
                        name: Some(name),
                        columns,
                    });
                }
            }
            "index" => {
                let columns = strings_arg(0);
                if !columns.is_empty() {
                    let partial = arguments
                        .iter()
                        .skip(1)
                        .any(|a| js.property(*a, "predicate").is_some());
                    self.index(columns, name_arg(1), partial, at());
                }
            }
            "foreign" => {
                let columns = strings_arg(0);
                if columns.is_empty() {
                    return;
                }
                let name =
                    string_arg(1).unwrap_or_else(|| generated(&self.table, &columns, "foreign"));
                if let Some(fk) = references(js, modifiers, columns, name, at()) {
                    self.add_constraint(ConstraintFact::ForeignKey(fk));
                }
            }
            "dropColumn" | "dropColumns" => {
                let columns: Vec<String> = (0..arguments.len()).flat_map(strings_arg).collect();
                if !columns.is_empty() {
                    self.ops.push(AlterOp::DropColumns(columns));
                }
            }
            "dropTimestamps" => self.ops.push(AlterOp::DropColumns(vec![
                "created_at".into(),
                "updated_at".into(),
            ])),
            "renameColumn" => {
                if let (Some(from), Some(to)) = (string_arg(0), string_arg(1)) {
                    self.ops.push(AlterOp::RenameColumn { from, to });
                }
            }
            "dropIndex" => {
                let name = string_arg(1)
                    .unwrap_or_else(|| generated(&self.table, &strings_arg(0), "index"));
                self.ops.push(AlterOp::DropIndex { name });
            }
            "dropUnique" | "dropForeign" => {
                let kind = if first == "dropUnique" {
                    "unique"
                } else {
                    "foreign"
                };
                let name =
                    string_arg(1).unwrap_or_else(|| generated(&self.table, &strings_arg(0), kind));
                self.ops.push(AlterOp::DropConstraint { name });
            }
            "dropPrimary" => self.ops.push(AlterOp::DropPrimaryKey),
            _ => {}
        }
    }

    fn column(&mut self, column: ColumnFact) {
        if self.create {
            self.columns.push(column);
        } else {
            self.ops.push(AlterOp::AddColumn(column));
        }
    }

    /// `table.integer('user_id').notNullable().references('id').inTable('users').index()`
    fn column_chain(
        &mut self,
        js: &Js<'_>,
        kind: &str,
        arguments: &[Node<'_>],
        modifiers: &[(&str, Node<'_>)],
        whole: Node<'_>,
    ) {
        let increments = kind.ends_with("ncrements");
        let name = arguments
            .first()
            .and_then(|a| js.string(*a))
            .or_else(|| increments.then(|| "id".to_string()));
        let Some(name) = name else {
            return;
        };
        let opted_out = arguments
            .get(1)
            .and_then(|o| js.property_bool(*o, "primaryKey"))
            == Some(false);
        let mut column = ColumnFact {
            name: name.clone(),
            primary_key: increments && !opted_out,
            unique: false,
            foreign_key: None,
            not_null: increments,
            has_default: increments,
        };
        let mut altered = false;
        let mut unique = None;
        let mut index = None;
        for &(modifier, call) in modifiers {
            let first_string = || args(call).first().and_then(|a| js.string(*a));
            match modifier {
                "primary" => {
                    column.primary_key = true;
                    column.not_null = true;
                }
                "notNullable" => column.not_null = true,
                "nullable" => column.not_null = false,
                "defaultTo" => column.has_default = true,
                "unique" => {
                    let given = args(call)
                        .first()
                        .and_then(|o| js.property_string(*o, "indexName"));
                    unique = Some(given.unwrap_or_else(|| {
                        generated(&self.table, std::slice::from_ref(&name), "unique")
                    }));
                }
                "index" => {
                    index = Some(first_string());
                }
                "alter" => altered = true,
                _ => {}
            }
        }
        let at = js.location(whole);
        if modifiers.iter().any(|(m, _)| *m == "references") {
            let fk_name = generated(&self.table, std::slice::from_ref(&name), "foreign");
            column.foreign_key = references(js, modifiers, vec![name.clone()], fk_name, at.clone());
        }
        if altered {
            self.ops.push(AlterOp::AlterColumnType {
                column: name.clone(),
            });
        } else {
            self.column(column);
        }
        if let Some(unique_name) = unique {
            self.add_constraint(ConstraintFact::Unique {
                name: Some(unique_name),
                columns: vec![name.clone()],
            });
        }
        if let Some(index_name) = index {
            self.index(vec![name], index_name, false, at);
        }
    }
}

/// The foreign key a `.references(…)`/`.inTable(…)` chain describes:
/// `references('id').inTable('users')`, `references('users.id')`.
fn references(
    js: &Js<'_>,
    modifiers: &[(&str, Node<'_>)],
    columns: Vec<String>,
    name: String,
    location: Location,
) -> Option<ForeignKeyFact> {
    let mut referenced_table = None;
    let mut referenced_columns = Vec::new();
    let mut name = name;
    for &(modifier, call) in modifiers {
        let first = args(call).first().copied();
        match modifier {
            "references" => {
                let targets = first.map(|f| js.strings(f)).unwrap_or_default();
                for target in targets {
                    match target.rsplit_once('.') {
                        Some((table, column)) => {
                            referenced_table = Some(table.to_string());
                            referenced_columns.push(column.to_string());
                        }
                        None => referenced_columns.push(target),
                    }
                }
            }
            "inTable" => referenced_table = first.and_then(|f| js.string(f)),
            "withKeyName" => {
                if let Some(given) = first.and_then(|f| js.string(f)) {
                    name = given;
                }
            }
            _ => {}
        }
    }
    Some(ForeignKeyFact {
        name: Some(name),
        columns,
        referenced_table: referenced_table?,
        referenced_columns,
        location,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::facts;
    use super::*;
    use crate::facts::data::DownFact;
    use crate::facts::FileFacts;
    use crate::project::data::DataModel;
    use crate::project::schema::Coverage;

    const CREATE: &str = r#"/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.up = function (knex) {
  return knex.schema
    .createTable('users', (table) => {
      table.increments('id');
      table.string('email', 255).notNullable().unique();
      table.string('name');
      table.timestamps(true, true);
    })
    .createTable('orders', (table) => {
      table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
      table.integer('user_id').unsigned().notNullable().references('id').inTable('users').onDelete('CASCADE');
      table.integer('shop_id').references('shops.id').index();
      table.string('status', 32).notNullable().defaultTo('pending');
      table.index(['status', 'created_at'], 'orders_status_created_idx');
      table.timestamps(true, true);
    });
};

/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.down = function (knex) {
  return knex.schema.dropTable('orders').dropTable('users');
};
"#;

    #[test]
    fn create_tables_with_keys_indexes_and_references() {
        let found = facts("migrations/20240101120000_init.js", CREATE).expect("facts");
        assert_eq!(found.source, SchemaSource::KnexMigration);
        assert_eq!(found.down, Some(DownFact::Present));
        let tables: Vec<&str> = found
            .statements
            .iter()
            .filter_map(|s| match s {
                DdlStatement::CreateTable { table, .. } => Some(table.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(tables, ["users", "orders"]);
        let DdlStatement::CreateTable {
            columns,
            constraints,
            location,
            ..
        } = &found.statements[0]
        else {
            panic!("users");
        };
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "email", "name", "created_at", "updated_at"]);
        assert!(columns[0].primary_key);
        assert_eq!(
            constraints,
            &[ConstraintFact::Unique {
                name: Some("users_email_unique".into()),
                columns: vec!["email".into()]
            }]
        );
        assert_eq!(location.as_ref().map(|l| l.start.line), Some(7));
        let DdlStatement::CreateTable { columns, .. } = &found.statements[1] else {
            panic!("orders");
        };
        let user_fk = columns[1].foreign_key.as_ref().expect("user fk");
        assert_eq!(
            (
                user_fk.referenced_table.as_str(),
                user_fk.name.as_deref(),
                user_fk.location.start.line
            ),
            ("users", Some("orders_user_id_foreign"), 15)
        );
        let shop_fk = columns[2].foreign_key.as_ref().expect("shop fk");
        assert_eq!(shop_fk.referenced_table, "shops");
        assert_eq!(shop_fk.referenced_columns, ["id"]);
        let indexes: Vec<&str> = found
            .statements
            .iter()
            .filter_map(|s| match s {
                DdlStatement::CreateIndex(i) => i.name.as_deref(),
                _ => None,
            })
            .collect();
        assert_eq!(
            indexes,
            ["orders_shop_id_index", "orders_status_created_idx"]
        );
    }

    #[test]
    fn alter_tables_and_raw_sql_in_typescript() {
        let text = r#"import type { Knex } from "knex";

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("orders", (table) => {
    table.dropIndex(["status", "created_at"], "orders_status_created_idx");
    table.renameColumn("shop_id", "store_id");
    table.text("note").notNullable();
    table.string("status", 64).alter();
    table.foreign("coupon_id").references("coupons.id");
    table.dropColumn("legacy_ref");
  });
  await knex.raw("CREATE INDEX CONCURRENTLY orders_store_idx ON orders (store_id)");
  await knex.schema.renameTable("users", "accounts");
}

export async function down(knex: Knex): Promise<void> {}
"#;
        let found = facts("db/migrations/20240301_orders.ts", text).expect("facts");
        let DdlStatement::AlterTable { table, ops, .. } = &found.statements[0] else {
            panic!("{:?}", found.statements);
        };
        assert_eq!(table, "orders");
        assert_eq!(
            ops[..2],
            [
                AlterOp::DropIndex {
                    name: "orders_status_created_idx".into()
                },
                AlterOp::RenameColumn {
                    from: "shop_id".into(),
                    to: "store_id".into()
                }
            ]
        );
        assert!(
            matches!(&ops[2], AlterOp::AddColumn(c) if c.name == "note" && c.not_null && !c.has_default)
        );
        assert_eq!(
            ops[3],
            AlterOp::AlterColumnType {
                column: "status".into()
            }
        );
        assert!(matches!(
            &ops[4],
            AlterOp::AddConstraint { constraint: ConstraintFact::ForeignKey(fk), .. }
                if fk.columns == ["coupon_id"] && fk.referenced_table == "coupons" && fk.name.as_deref() == Some("orders_coupon_id_foreign")
        ));
        assert_eq!(ops[5], AlterOp::DropColumns(vec!["legacy_ref".into()]));
        let DdlStatement::CreateIndex(index) = &found.statements[1] else {
            panic!("raw index");
        };
        assert!(index.concurrently);
        assert_eq!(index.location.as_ref().map(|l| l.start.line), Some(12));
        assert!(
            matches!(&found.statements[2], DdlStatement::AlterTable { ops, .. } if ops == &[AlterOp::RenameTable { to: "accounts".into() }])
        );
        let Some(DownFact::Missing { location, .. }) = &found.down else {
            panic!("{:?}", found.down);
        };
        assert_eq!(location.start.line, 16);
    }

    #[test]
    fn down_steps_that_do_nothing() {
        for down in [
            "exports.down = function () {};",
            "exports.down = () => Promise.resolve();",
            "exports.down = async function (knex) {\n  // cannot be reverted\n};",
            "exports.down = function (knex) { return Promise.resolve(); };",
        ] {
            let text =
                format!("exports.up = (knex) => knex.schema.dropTable('sessions');\n{down}\n");
            let found = facts("migrations/2.js", &text).expect("facts");
            assert!(
                matches!(found.down, Some(DownFact::Missing { .. })),
                "{down}"
            );
        }
        let text = "exports.up = (knex) => knex.schema.dropTable('sessions');\nexports.down = () => { throw new Error('irreversible'); };\n";
        assert_eq!(
            facts("migrations/3.js", text).and_then(|f| f.down),
            Some(DownFact::Present)
        );
        let only_up = "module.exports = {\n  up: (knex) => knex.schema.createTable('a', (t) => { t.increments(); }),\n};\n";
        assert!(matches!(
            facts("migrations/4.js", only_up).and_then(|f| f.down),
            Some(DownFact::Missing { .. })
        ));
    }

    #[test]
    fn query_code_and_odd_builders_give_nothing() {
        let query = "export async function up(knex) {\n  const rows = await knex('users').where('email', 'a');\n  return rows;\n}\nconst schema = 1; Table();\n";
        assert!(facts("src/lib/up.js", query).is_none());
        let odd = "exports.up = (knex) => knex.schema.createTable(name, (t) => { t.string(); t[x]('a'); t.index(); t.foreign('a'); });\nexports.down = () => {};\n";
        let found = facts("migrations/5.js", odd).expect("facts");
        assert!(found.statements.is_empty());
    }

    #[test]
    fn replayed_into_the_data_model() {
        let files = vec![FileFacts {
            path: "migrations/20240101120000_init.js".into(),
            schema: facts("migrations/20240101120000_init.js", CREATE),
            ..FileFacts::default()
        }];
        let data = DataModel::build(&files);
        let orders = &data.schema.tables["orders"];
        assert_eq!(
            orders.covering(&["status".into()]),
            Some(Coverage::Index("orders_status_created_idx".into()))
        );
        assert_eq!(orders.covering(&["user_id".into()]), None);
        assert_eq!(
            orders.covering(&["shop_id".into()]),
            Some(Coverage::Index("orders_shop_id_index".into()))
        );
    }
}
