//! Python schema sources meeting in the project's data model.

use crate::facts::data::{SchemaFacts, SchemaSource};
use crate::facts::FileFacts;
use crate::project::data::DataModel;
use crate::project::schema::Coverage;
use crate::source::SourceFile;
use redflag_syntax::FileKind;

fn schema(path: &str, text: &str) -> Option<SchemaFacts> {
    let file = SourceFile::new(path.into(), FileKind::Python, text.into(), None);
    crate::facts::orm::collect(&file)
}

fn model_of(files: &[(&str, &str)]) -> DataModel {
    let facts: Vec<FileFacts> = files
        .iter()
        .map(|(path, text)| FileFacts {
            path: (*path).to_string(),
            schema: schema(path, text),
            ..FileFacts::default()
        })
        .collect();
    DataModel::build(&facts)
}

fn columns(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

const MODELS: &str = r#"from django.db import models


class Customer(models.Model):
    email = models.EmailField(unique=True)
    country = models.CharField(max_length=2)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    status = models.CharField(max_length=16, default="new")
    reference = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at", "status"], name="order_created_status_idx")]
"#;

const INITIAL: &str = r#"from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Customer",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("email", models.EmailField(max_length=254, unique=True)),
                ("country", models.CharField(max_length=2)),
            ],
        ),
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("status", models.CharField(default="new", max_length=16)),
                ("reference", models.CharField(db_index=True, max_length=32)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("customer", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="shop.customer")),
            ],
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["created_at", "status"], name="order_created_status_idx"),
        ),
    ]
"#;

#[test]
fn django_keys_are_covered_and_plain_columns_are_not() {
    let data = model_of(&[
        ("shop/migrations/0001_initial.py", INITIAL),
        ("shop/models.py", MODELS),
    ]);
    assert!(data.sources.contains(&SchemaSource::DjangoMigration));
    assert!(data.sources.contains(&SchemaSource::DjangoModel));
    let order = &data.schema.tables["shop_order"];
    assert_eq!(order.source, Some(SchemaSource::DjangoMigration));
    assert_eq!(
        order
            .defined_at
            .as_ref()
            .map(|l| (l.path.as_str(), l.start.line)),
        Some(("shop/migrations/0001_initial.py", 18))
    );
    assert_eq!(
        order.covering(&columns(&["id"])),
        Some(Coverage::PrimaryKey)
    );
    assert!(matches!(
        order.covering(&columns(&["customer_id"])),
        Some(Coverage::Index(_))
    ));
    assert!(order.covering(&columns(&["reference"])).is_some());
    assert_eq!(
        order.covering(&columns(&["created_at"])),
        Some(Coverage::Index("order_created_status_idx".into()))
    );
    assert_eq!(
        order.covering(&columns(&["status"])),
        None,
        "not a leading column"
    );
    let customer = &data.schema.tables["shop_customer"];
    assert!(matches!(
        customer.covering(&columns(&["email"])),
        Some(Coverage::Unique(_))
    ));
    assert_eq!(customer.covering(&columns(&["country"])), None);
    // The model and its index are not declared twice.
    assert_eq!(order.indexes.len(), 3, "{:?}", order.indexes);
    let model = data.model("Order").expect("model");
    assert_eq!(model.table, "shop_order");
    assert!(model
        .fields
        .contains(&("customer".into(), "customer_id".into())));
}

#[test]
fn models_alone_describe_the_schema() {
    let data = model_of(&[("shop/models.py", MODELS)]);
    let order = &data.schema.tables["shop_order"];
    assert_eq!(order.source, Some(SchemaSource::DjangoModel));
    assert!(order.covering(&columns(&["customer_id"])).is_some());
    assert_eq!(order.covering(&columns(&["status"])), None);
}

#[test]
fn alembic_history_meets_sqlalchemy_models() {
    let migration = r#"from alembic import op
import sqlalchemy as sa


def upgrade():
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("email", sa.String(255), nullable=False),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
    )
    op.create_index("ix_users_email", "users", ["email"], unique=True)


def downgrade():
    op.drop_table("orders")
    op.drop_table("users")
"#;
    let later = r#"from alembic import op


def upgrade():
    op.alter_column("orders", "status", new_column_name="state")
    op.drop_index("ix_users_email", table_name="users")


def downgrade():
    pass
"#;
    let models = r#"from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column("state", String(16))
"#;
    let data = model_of(&[
        ("alembic/versions/0001_init.py", migration),
        ("alembic/versions/0002_rename.py", later),
        ("app/models.py", models),
    ]);
    let users = &data.schema.tables["users"];
    assert_eq!(
        users.covering(&columns(&["email"])),
        None,
        "the index was dropped"
    );
    let orders = &data.schema.tables["orders"];
    assert_eq!(orders.columns, ["id", "user_id", "state"]);
    assert_eq!(
        orders.covering(&columns(&["user_id"])),
        Some(Coverage::Index("ix_orders_user_id".into())),
        "the model's index counts"
    );
    assert_eq!(orders.covering(&columns(&["state"])), None);
    let order = data.model("Order").expect("model");
    assert!(order.fields.contains(&("status".into(), "state".into())));
}

#[test]
fn flask_migrate_revisions_are_alembic_not_django() {
    let revision = "\"\"\"empty message\"\"\"\nfrom alembic import op\nimport sqlalchemy as sa\n\n\ndef upgrade():\n    with op.batch_alter_table('user', schema=None) as batch_op:\n        batch_op.create_index(batch_op.f('ix_user_email'), ['email'], unique=True)\n\n\ndef downgrade():\n    with op.batch_alter_table('user', schema=None) as batch_op:\n        batch_op.drop_index(batch_op.f('ix_user_email'))\n";
    let found = schema("migrations/versions/4b1a_add_email_index.py", revision).expect("facts");
    assert_eq!(found.source, SchemaSource::Alembic);
    assert_eq!(found.statements.len(), 1);
}

#[test]
fn hostile_nesting_does_not_overflow() {
    let depth = 50_000;
    let mut text = String::from("from django.db import models\n\n\nclass Order(models.Model):\n    status = models.CharField(choices=");
    text.push_str(&"[".repeat(depth));
    text.push_str(&"]".repeat(depth));
    text.push_str(")\n    note = models.TextField(default=");
    text.push_str(&"(".repeat(depth));
    text.push_str("''");
    text.push_str(&")".repeat(depth));
    text.push_str(")\n");
    let found = schema("shop/models.py", &text).expect("facts");
    assert_eq!(found.models[0].table, "shop_order");
    let alembic = format!(
        "from alembic import op\n\n\ndef upgrade():\n    op.create_index({}'ix'{}, 't', ['a'])\n\n\ndef downgrade():\n    pass\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let found = schema("alembic/versions/x.py", &alembic).expect("facts");
    assert_eq!(found.statements.len(), 1);
}
