//! Alembic migrations: the `op.*` calls of `upgrade()` as DDL, and
//! whether `downgrade()` does anything.
//!
//! Only `upgrade()` is read: `downgrade()` undoes it. `op.execute` and
//! `op.bulk_insert` move data and are left alone. Inside
//! `with op.batch_alter_table("t") as batch_op:` the batch operations act on
//! that table; the binding is found on the `with` around each call, so one
//! name reused by several blocks names the right table each time.

use redflag_syntax::tree_sitter::Node;

use super::columns::{concurrently, partial, read_column, table_item, TableItem, Verbatim};
use super::{
    argument, callee, callee_last, definitions, elements, flag, given, header_location, index_on,
    keyword, location_of, name_value, positionals, statements, string_value, TableBuilder,
};
use crate::facts::data::{DownFact, SchemaFacts, SchemaSource};
use crate::facts::routes::walk;
use crate::facts::sql::{AlterOp, ConstraintFact, DdlStatement, ForeignKeyFact, IndexFact};
use crate::source::SourceFile;

/// True for an Alembic revision module.
pub(super) fn is_migration(text: &str) -> bool {
    text.contains("def upgrade(") && (text.contains("alembic") || text.contains("op."))
}

pub(super) fn collect(file: &SourceFile) -> Option<SchemaFacts> {
    let tree = file.tree()?;
    let root = tree.root_node();
    let functions = definitions(root, "function_definition");
    let named = |name: &str| {
        functions.iter().copied().find(|f| {
            f.child_by_field_name("name")
                .is_some_and(|n| file.text_of(n) == name)
        })
    };
    let mut facts = SchemaFacts::new(SchemaSource::Alembic);
    facts.dialect = super::dialect(file);
    if let Some(body) = named("upgrade").and_then(|f| f.child_by_field_name("body")) {
        walk(body, |node| {
            if node.kind() == "call" {
                operation(file, node, &mut facts.statements);
            }
            true
        });
    }
    facts.down = named("downgrade").map(|f| down(file, f));
    Some(facts)
}

/// `Missing` when `downgrade()` is only `pass`, `...` or a docstring.
fn down(file: &SourceFile, function: Node<'_>) -> DownFact {
    let Some(body) = function.child_by_field_name("body") else {
        return DownFact::Present;
    };
    let idle = statements(body)
        .into_iter()
        .all(|s| matches!(s.kind(), "pass_statement" | "ellipsis" | "string"));
    if idle {
        DownFact::Missing {
            location: header_location(file, function),
            what: "downgrade() does nothing".to_string(),
        }
    } else {
        DownFact::Present
    }
}

/// What an operation applies to: `op` itself, or a batch on a table.
enum Receiver {
    Op,
    Batch(String),
}

/// The receiver of a call: `op.…`, or a name bound by an enclosing
/// `with op.batch_alter_table("t") as name:`.
fn receiver(file: &SourceFile, call: Node<'_>) -> Option<Receiver> {
    let function = call.child_by_field_name("function")?;
    let object = function.child_by_field_name("object")?;
    if object.kind() != "identifier" {
        return None;
    }
    let object = file.text_of(object);
    if object == "op" {
        return Some(Receiver::Op);
    }
    let mut ancestor = call.parent();
    while let Some(node) = ancestor {
        if node.kind() == "with_statement" {
            if let Some(table) = batch_binding(file, node, object) {
                return Some(Receiver::Batch(table));
            }
        }
        ancestor = node.parent();
    }
    None
}

/// The table a `with` statement binds to `name` with `batch_alter_table`.
fn batch_binding(file: &SourceFile, with: Node<'_>, name: &str) -> Option<String> {
    let mut found = None;
    walk(with, |node| {
        if found.is_some() || node.kind() == "block" {
            return false;
        }
        if node.kind() == "as_pattern" {
            let alias = node
                .child_by_field_name("alias")
                .map(|a| file.text_of(a).trim().to_string());
            let call = node.named_child(0).filter(|c| c.kind() == "call");
            if let (Some(alias), Some(call)) = (alias, call) {
                if alias == name && callee(file, call).as_deref() == Some("op.batch_alter_table") {
                    found =
                        argument(file, call, 0, "table_name").and_then(|t| string_value(file, t));
                }
            }
            return false;
        }
        true
    });
    found
}

/// One `op.*` or `batch_op.*` call as statements.
fn operation(file: &SourceFile, call: Node<'_>, out: &mut Vec<DdlStatement>) {
    let Some(receiver) = receiver(file, call) else {
        return;
    };
    let Some(name) = callee_last(file, call) else {
        return;
    };
    let location = location_of(file, call);
    // Batch operations take the same arguments as `op`'s, minus the table.
    let (table, shift) = match &receiver {
        Receiver::Op => (None, 1),
        Receiver::Batch(table) => (Some(table.clone()), 0),
    };
    let arg = |index: usize, keyword_name: &str| argument(file, call, index, keyword_name);
    let text = |index: usize, keyword_name: &str| {
        arg(index, keyword_name).and_then(|n| name_value(file, n))
    };
    let table_at = |index: usize| table.clone().or_else(|| text(index, "table_name"));
    let alter = |table: String, ops: Vec<AlterOp>| DdlStatement::AlterTable {
        table,
        ops,
        location: Some(location.clone()),
    };
    let add = |constraint| AlterOp::AddConstraint {
        constraint,
        not_valid: false,
    };
    match name {
        "create_table" if matches!(receiver, Receiver::Op) => create_table(file, call, out),
        "add_column" => {
            let Some(table) = table_at(0) else { return };
            let Some(column) = arg(shift, "column").and_then(|c| read_column(file, c)) else {
                return;
            };
            let Some(column_name) = column.name.clone() else {
                return;
            };
            let fact = column.fact(&column_name, true, &Verbatim);
            out.push(alter(table.clone(), vec![AlterOp::AddColumn(fact)]));
            out.extend(
                column
                    .index(&table, &column_name)
                    .map(DdlStatement::CreateIndex),
            );
        }
        "drop_column" => {
            if let (Some(table), Some(column)) = (table_at(0), text(shift, "column_name")) {
                out.push(alter(table, vec![AlterOp::DropColumns(vec![column])]));
            }
        }
        "alter_column" => {
            let (Some(table), Some(column)) = (table_at(0), text(shift, "column_name")) else {
                return;
            };
            let mut ops = Vec::new();
            if given(file, call, "type_") {
                ops.push(AlterOp::AlterColumnType {
                    column: column.clone(),
                });
            }
            if let Some(to) =
                keyword(file, call, "new_column_name").and_then(|n| name_value(file, n))
            {
                ops.push(AlterOp::RenameColumn { from: column, to });
            }
            if !ops.is_empty() {
                out.push(alter(table, ops));
            }
        }
        "create_index" => {
            let index_name = text(0, "index_name");
            let (Some(table), Some(columns)) = (
                table.clone().or_else(|| text(1, "table_name")),
                arg(1 + shift, "columns"),
            ) else {
                return;
            };
            let columns = elements(columns)
                .into_iter()
                .map(|c| string_value(file, c))
                .collect();
            out.push(DdlStatement::CreateIndex(IndexFact {
                unique: flag(file, call, "unique") == Some(true),
                partial: partial(file, call),
                concurrently: concurrently(file, call),
                ..index_on(&table, index_name, columns, Some(location))
            }));
        }
        "drop_index" => {
            if let Some(index) = text(0, "index_name") {
                out.push(DdlStatement::DropIndexes(vec![index]));
            }
        }
        "create_foreign_key" => {
            let Some(table) = table.clone().or_else(|| text(1, "source_table")) else {
                return;
            };
            let strings = |node: Option<Node<'_>>| -> Vec<String> {
                node.map(elements)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|n| string_value(file, n))
                    .collect()
            };
            let Some(referenced_table) = text(1 + shift, "referent_table") else {
                return;
            };
            let fk = ForeignKeyFact {
                name: text(0, "constraint_name"),
                columns: strings(arg(2 + shift, "local_cols")),
                referenced_table,
                referenced_columns: strings(arg(3 + shift, "remote_cols")),
                location: location.clone(),
            };
            out.push(alter(table, vec![add(ConstraintFact::ForeignKey(fk))]));
        }
        "create_unique_constraint" | "create_primary_key" => {
            let Some(table) = table_at(1) else { return };
            let columns: Vec<String> = arg(1 + shift, "columns")
                .map(elements)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|n| string_value(file, n))
                .collect();
            let constraint = if name == "create_primary_key" {
                ConstraintFact::PrimaryKey(columns)
            } else {
                ConstraintFact::Unique {
                    name: text(0, "constraint_name"),
                    columns,
                }
            };
            out.push(alter(table, vec![add(constraint)]));
        }
        "create_check_constraint" => {
            if let Some(table) = table_at(1) {
                let check = ConstraintFact::Check {
                    name: text(0, "constraint_name"),
                };
                out.push(alter(table, vec![add(check)]));
            }
        }
        "drop_constraint" => {
            let (Some(table), Some(constraint)) = (table_at(1), text(0, "constraint_name")) else {
                return;
            };
            let primary = keyword(file, call, "type_")
                .and_then(|t| string_value(file, t))
                .is_some_and(|t| t == "primary");
            let op = if primary {
                AlterOp::DropPrimaryKey
            } else {
                AlterOp::DropConstraint { name: constraint }
            };
            out.push(alter(table, vec![op]));
        }
        "drop_table" if matches!(receiver, Receiver::Op) => {
            if let Some(table) = text(0, "table_name") {
                out.push(DdlStatement::DropTables(vec![table]));
            }
        }
        "rename_table" if matches!(receiver, Receiver::Op) => {
            if let (Some(from), Some(to)) = (text(0, "old_table_name"), text(1, "new_table_name")) {
                out.push(alter(from, vec![AlterOp::RenameTable { to }]));
            }
        }
        _ => {}
    }
}

/// `op.create_table("t", sa.Column(…), …, sa.UniqueConstraint(…))`.
fn create_table(file: &SourceFile, call: Node<'_>, out: &mut Vec<DdlStatement>) {
    let arguments = positionals(call);
    let Some(table) = keyword(file, call, "table_name")
        .or_else(|| arguments.first().copied())
        .and_then(|t| name_value(file, t))
    else {
        return;
    };
    let mut builder = TableBuilder::new(&table, Some(location_of(file, call)));
    for item in arguments.iter().skip(1) {
        if let Some(column) = read_column(file, *item) {
            let Some(name) = column.name.clone() else {
                continue;
            };
            builder.column(column.fact(&name, true, &Verbatim));
            builder.indexes.extend(column.index(&table, &name));
            continue;
        }
        match table_item(file, *item, &table, &Verbatim) {
            Some(TableItem::Constraint(constraint)) => builder.constraints.push(constraint),
            Some(TableItem::Index(index)) => builder.indexes.push(index),
            None => {}
        }
    }
    let if_not_exists = flag(file, call, "if_not_exists") == Some(true);
    let mut statements = Vec::new();
    builder.finish(&mut statements);
    if let Some(DdlStatement::CreateTable {
        if_not_exists: flag,
        ..
    }) = statements.first_mut()
    {
        *flag = if_not_exists;
    }
    out.extend(statements);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::sql::ColumnFact;
    use redflag_syntax::sql::SqlDialect;
    use redflag_syntax::FileKind;

    fn facts(path: &str, text: &str) -> Option<SchemaFacts> {
        let file = SourceFile::new(path.into(), FileKind::Python, text.into(), None);
        crate::facts::orm::collect(&file)
    }

    const INITIAL: &str = r#""""create users and orders

Revision ID: 3f1c2a9b7d10
Revises:
Create Date: 2024-03-02 10:14:55.120391

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "3f1c2a9b7d10"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(length=255), unique=True, index=True, nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("now()"), nullable=False),
    )
    op.create_table(
        "orders",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.ForeignKeyConstraint(["shop_id"], ["public.shops.id"], name="fk_orders_shop"),
        sa.UniqueConstraint("user_id", "shop_id", name="uq_orders_user_shop"),
        sa.Index("ix_orders_status_open", "status", postgresql_where=sa.text("status = 'open'")),
    )
    op.create_index(op.f("ix_orders_shop_id"), "orders", ["shop_id"], unique=False)
    op.create_index(
        "ix_users_lower_email",
        "users",
        [sa.text("lower(email)")],
        postgresql_concurrently=True,
    )
    op.execute("INSERT INTO shops (id, name) VALUES (1, 'main')")


def downgrade() -> None:
    op.drop_index("ix_users_lower_email", table_name="users")
    op.drop_table("orders")
    op.drop_table("users")
"#;

    #[test]
    fn create_table_columns_constraints_and_indexes() {
        let found = facts("alembic/versions/3f1c2a9b7d10_create_users.py", INITIAL).expect("facts");
        assert_eq!(found.source, SchemaSource::Alembic);
        assert_eq!(found.dialect, Some(SqlDialect::PostgreSql));
        assert_eq!(found.down, Some(DownFact::Present));
        let statements = &found.statements;
        assert_eq!(statements.len(), 6, "{statements:#?}");
        let DdlStatement::CreateTable {
            table,
            columns,
            location,
            ..
        } = &statements[0]
        else {
            panic!("users table: {:?}", statements[0]);
        };
        assert_eq!(table, "users");
        assert_eq!(location.as_ref().map(|l| l.start.line), Some(19));
        let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "email", "display_name", "created_at"]);
        assert!(columns[0].primary_key && columns[0].has_default && columns[0].not_null);
        // `unique=True, index=True` is a unique index, not a constraint.
        assert!(!columns[1].unique && columns[1].not_null);
        assert!(!columns[2].not_null);
        assert!(columns[3].has_default);
        let DdlStatement::CreateIndex(email) = &statements[1] else {
            panic!("email index");
        };
        assert_eq!(email.name.as_deref(), Some("ix_users_email"));
        assert_eq!(email.columns, [Some("email".to_string())]);
        assert!(email.unique);
        assert_eq!(email.location.as_ref().map(|l| l.start.line), Some(22));

        let DdlStatement::CreateTable {
            table,
            columns,
            constraints,
            ..
        } = &statements[2]
        else {
            panic!("orders table");
        };
        assert_eq!(table, "orders");
        let user_fk = columns[1].foreign_key.as_ref().expect("inline fk");
        assert_eq!(user_fk.referenced_table, "users");
        assert_eq!(user_fk.referenced_columns, ["id"]);
        assert_eq!(user_fk.location.start.line, 29);
        assert_eq!(
            constraints[0],
            ConstraintFact::PrimaryKey(vec!["id".into()])
        );
        let ConstraintFact::ForeignKey(shop_fk) = &constraints[1] else {
            panic!("table fk");
        };
        assert_eq!(shop_fk.name.as_deref(), Some("fk_orders_shop"));
        assert_eq!(shop_fk.columns, ["shop_id"]);
        assert_eq!(shop_fk.referenced_table, "shops");
        assert_eq!(
            constraints[2],
            ConstraintFact::Unique {
                name: Some("uq_orders_user_shop".into()),
                columns: vec!["user_id".into(), "shop_id".into()]
            }
        );
        let DdlStatement::CreateIndex(open) = &statements[3] else {
            panic!("partial index");
        };
        assert!(open.partial);
        let DdlStatement::CreateIndex(shop) = &statements[4] else {
            panic!("shop index");
        };
        assert_eq!(shop.name.as_deref(), Some("ix_orders_shop_id"));
        assert_eq!(shop.location.as_ref().map(|l| l.start.line), Some(37));
        assert!(!shop.concurrently);
        let DdlStatement::CreateIndex(lower) = &statements[5] else {
            panic!("expression index");
        };
        assert_eq!(lower.columns, [None]);
        assert!(lower.concurrently);
    }

    const CHANGES: &str = r#""""orders: rename total, add notes, batch changes

Revision ID: 8a2d44e01c3b
Revises: 3f1c2a9b7d10
"""
from alembic import op
import sqlalchemy as sa

revision = "8a2d44e01c3b"
down_revision = "3f1c2a9b7d10"


def _backfill(connection):
    connection.execute(sa.text("UPDATE orders SET notes = ''"))


def upgrade():
    op.add_column("orders", sa.Column("notes", sa.Text(), nullable=False, server_default=""))
    op.add_column("orders", sa.Column("coupon_id", sa.Integer(), sa.ForeignKey("coupons.id"), index=True))
    op.alter_column("orders", "total", new_column_name="total_cents")
    op.alter_column("orders", "status", type_=sa.String(length=32), existing_type=sa.String(length=20))
    op.create_foreign_key("fk_orders_user", "orders", "users", ["user_id"], ["id"])
    op.create_unique_constraint("uq_users_handle", "users", ["handle"])
    op.drop_index("ix_orders_shop_id", table_name="orders")
    op.drop_constraint("uq_orders_user_shop", "orders", type_="unique")
    op.rename_table("coupons", "promotions")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_last_seen_at"), ["last_seen_at"], unique=False)
        batch_op.drop_column("display_name")
    with op.batch_alter_table("orders") as batch_op:
        batch_op.alter_column("notes", new_column_name="note")
        batch_op.create_foreign_key("fk_orders_promotion", "promotions", ["coupon_id"], ["id"])
    _backfill(op.get_bind())
    op.drop_table("legacy_carts")


def downgrade():
    pass
"#;

    #[test]
    fn alterations_batches_and_a_downgrade_that_does_nothing() {
        let found = facts("migrations/versions/8a2d44e01c3b_orders.py", CHANGES).expect("facts");
        let statements = &found.statements;
        let alter = |i: usize| -> (&str, &[AlterOp]) {
            match &statements[i] {
                DdlStatement::AlterTable { table, ops, .. } => (table.as_str(), ops.as_slice()),
                other => panic!("{i}: {other:?}"),
            }
        };
        let (table, ops) = alter(0);
        assert_eq!(table, "orders");
        let AlterOp::AddColumn(ColumnFact {
            name,
            not_null,
            has_default,
            ..
        }) = &ops[0]
        else {
            panic!("add column");
        };
        assert_eq!(
            (name.as_str(), *not_null, *has_default),
            ("notes", true, true)
        );
        let AlterOp::AddColumn(coupon) = &alter(1).1[0] else {
            panic!("coupon");
        };
        assert_eq!(
            coupon
                .foreign_key
                .as_ref()
                .map(|f| f.referenced_table.as_str()),
            Some("coupons")
        );
        let DdlStatement::CreateIndex(coupon_index) = &statements[2] else {
            panic!("coupon index");
        };
        assert_eq!(coupon_index.name.as_deref(), Some("ix_orders_coupon_id"));
        assert_eq!(
            alter(3).1,
            [AlterOp::RenameColumn {
                from: "total".into(),
                to: "total_cents".into()
            }]
        );
        assert_eq!(
            alter(4).1,
            [AlterOp::AlterColumnType {
                column: "status".into()
            }]
        );
        let (table, ops) = alter(5);
        assert_eq!(table, "orders");
        let AlterOp::AddConstraint {
            constraint: ConstraintFact::ForeignKey(fk),
            not_valid: false,
        } = &ops[0]
        else {
            panic!("fk");
        };
        assert_eq!(
            (fk.columns.as_slice(), fk.referenced_table.as_str()),
            (&["user_id".to_string()][..], "users")
        );
        assert_eq!(alter(6).0, "users");
        assert_eq!(
            statements[7],
            DdlStatement::DropIndexes(vec!["ix_orders_shop_id".into()])
        );
        assert_eq!(
            alter(8).1,
            [AlterOp::DropConstraint {
                name: "uq_orders_user_shop".into()
            }]
        );
        assert_eq!(
            alter(9),
            (
                "coupons",
                &[AlterOp::RenameTable {
                    to: "promotions".into()
                }][..]
            )
        );
        // The first batch works on users, the second on orders.
        assert!(
            matches!(alter(10), ("users", [AlterOp::AddColumn(c)]) if c.name == "last_seen_at")
        );
        let DdlStatement::CreateIndex(seen) = &statements[11] else {
            panic!("batch index");
        };
        assert_eq!(
            (seen.table.as_str(), seen.name.as_deref()),
            ("users", Some("ix_users_last_seen_at"))
        );
        assert_eq!(
            alter(12),
            (
                "users",
                &[AlterOp::DropColumns(vec!["display_name".into()])][..]
            )
        );
        assert_eq!(alter(13).0, "orders");
        let (table, ops) = alter(14);
        assert_eq!(table, "orders");
        assert!(
            matches!(&ops[0], AlterOp::AddConstraint { constraint: ConstraintFact::ForeignKey(fk), .. } if fk.referenced_table == "promotions" && fk.columns == ["coupon_id"])
        );
        assert_eq!(
            statements[15],
            DdlStatement::DropTables(vec!["legacy_carts".into()])
        );
        assert_eq!(statements.len(), 16);
        let Some(DownFact::Missing { location, what }) = &found.down else {
            panic!("missing down: {:?}", found.down);
        };
        assert_eq!(what, "downgrade() does nothing");
        assert_eq!(location.start.line, 38);
        assert_eq!(location.text, "def downgrade():");
    }

    #[test]
    fn docstring_and_ellipsis_downgrades_do_nothing_and_a_real_one_counts() {
        let migration = |down: &str| {
            format!(
                "from alembic import op\n\n\ndef upgrade():\n    op.drop_column(\"users\", \"nickname\")\n\n\ndef downgrade():\n{down}"
            )
        };
        for idle in [
            "    \"\"\"Irreversible.\"\"\"\n",
            "    # nothing to undo\n    ...\n",
            "    pass  # data loss\n",
        ] {
            let found = facts("alembic/versions/a1_drop.py", &migration(idle)).expect("facts");
            assert!(
                matches!(found.down, Some(DownFact::Missing { .. })),
                "{idle}"
            );
        }
        let commented = migration("    pass\n").replace(
            "def downgrade():",
            "def downgrade() -> None:  # irreversible: data is gone",
        );
        let found = facts("alembic/versions/a1_drop.py", &commented).expect("facts");
        let Some(DownFact::Missing { location, .. }) = &found.down else {
            panic!("missing down");
        };
        assert_eq!(location.text, "def downgrade() -> None:");
        let real =
            migration("    op.add_column(\"users\", sa.Column(\"nickname\", sa.String(50)))\n");
        let found = facts("alembic/versions/a1_drop.py", &real).expect("facts");
        assert_eq!(found.down, Some(DownFact::Present));
        assert_eq!(found.statements.len(), 1, "downgrade is not replayed");
    }
}
