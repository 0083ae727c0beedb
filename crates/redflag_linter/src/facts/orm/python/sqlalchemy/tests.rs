use super::*;
use crate::facts::sql::{ColumnFact, ConstraintFact, IndexFact};
use redflag_syntax::FileKind;

fn facts(path: &str, text: &str) -> Option<SchemaFacts> {
    let file = SourceFile::new(path.into(), FileKind::Python, text.into(), None);
    crate::facts::orm::collect(&file)
}

fn table<'a>(facts: &'a SchemaFacts, name: &str) -> (&'a [ColumnFact], &'a [ConstraintFact]) {
    facts
        .statements
        .iter()
        .find_map(|s| match s {
            DdlStatement::CreateTable {
                table,
                columns,
                constraints,
                ..
            } if table == name => Some((columns.as_slice(), constraints.as_slice())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no table {name}: {:#?}", facts.statements))
}

fn names(columns: &[ColumnFact]) -> Vec<&str> {
    columns.iter().map(|c| c.name.as_str()).collect()
}

fn indexes<'a>(facts: &'a SchemaFacts, name: &str) -> Vec<&'a IndexFact> {
    facts
        .statements
        .iter()
        .filter_map(|s| match s {
            DdlStatement::CreateIndex(index) if index.table == name => Some(index),
            _ => None,
        })
        .collect()
}

fn fields<'a>(facts: &'a SchemaFacts, model: &str) -> &'a [(String, String)] {
    &facts
        .models
        .iter()
        .find(|m| m.name == model)
        .unwrap_or_else(|| panic!("no model {model}"))
        .fields
}

const LEGACY: &str = r#"from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, UniqueConstraint, func
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

order_tags = Table(
    "order_tags",
    Base.metadata,
    Column("order_id", ForeignKey("orders.id"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


class TimestampMixin:
    created_at = Column(DateTime, server_default=func.now(), nullable=False)


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column(String(255), unique=True, nullable=False)
    full_name = Column("name", String(120))

    orders = relationship("Order", back_populates="user")


class Order(TimestampMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("user_id", "reference", name="uq_orders_user_reference"),
        Index("ix_orders_status_created", "status", "created_at"),
        {"schema": "public"},
    )

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey(User.id, ondelete="CASCADE"), nullable=False, index=True)
    reference = Column(String(40), nullable=False)
    status = Column(String(16), default="pending")

    user = relationship(User, back_populates="orders")


Index("ix_orders_reference_lower", func.lower(Order.reference))
"#;

#[test]
fn classic_declarative_models_and_core_tables() {
    let found = facts("app/models.py", LEGACY).expect("facts");
    assert_eq!(found.source, SchemaSource::SqlAlchemyModel);
    let (columns, constraints) = table(&found, "order_tags");
    assert_eq!(names(columns), ["order_id", "tag_id"]);
    assert_eq!(
        constraints,
        [ConstraintFact::PrimaryKey(vec![
            "order_id".into(),
            "tag_id".into()
        ])]
    );
    assert_eq!(
        columns[1]
            .foreign_key
            .as_ref()
            .map(|f| f.referenced_table.as_str()),
        Some("tags")
    );

    let (columns, _) = table(&found, "users");
    assert_eq!(names(columns), ["id", "email", "name"]);
    assert!(columns[0].primary_key && columns[0].has_default);
    assert!(columns[1].unique && columns[1].not_null);
    assert!(!columns[2].not_null);
    assert_eq!(
        fields(&found, "User"),
        [
            ("id".to_string(), "id".to_string()),
            ("email".into(), "email".into()),
            ("full_name".into(), "name".into())
        ]
    );

    let (columns, constraints) = table(&found, "orders");
    assert_eq!(
        names(columns),
        ["created_at", "id", "user_id", "reference", "status"]
    );
    assert!(columns[0].has_default, "server_default from the mixin");
    let user = columns[2].foreign_key.as_ref().expect("fk by attribute");
    assert_eq!(
        (
            user.referenced_table.as_str(),
            user.referenced_columns.as_slice()
        ),
        ("users", &["id".to_string()][..])
    );
    assert!(
        !columns[4].has_default,
        "a Python-side default is not the database's"
    );
    assert!(
        matches!(&constraints[0], ConstraintFact::Unique { name: Some(n), .. } if n == "uq_orders_user_reference")
    );
    let summary: Vec<(Option<&str>, Vec<Option<String>>)> = indexes(&found, "orders")
        .iter()
        .map(|i| (i.name.as_deref(), i.columns.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (Some("ix_orders_user_id"), vec![Some("user_id".to_string())]),
            (
                Some("ix_orders_status_created"),
                vec![Some("status".to_string()), Some("created_at".to_string())]
            ),
            (Some("ix_orders_reference_lower"), vec![None]),
        ]
    );
    let model_names: Vec<&str> = found.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(model_names, ["User", "Order", "order_tags"]);
}

const MODERN: &str = r#"import enum
from datetime import datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import ForeignKey, Index, Numeric, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class InvoiceKind(enum.Enum):
    SALE = "sale"
    REFUND = "refund"


class AuditMixin:
    @declared_attr
    def created_by_id(cls) -> Mapped[Optional[int]]:
        return mapped_column(ForeignKey("accounts.id"), nullable=True)

    updated_at: Mapped[Optional[datetime]]


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True, index=True)
    nickname: Mapped[str | None]
    orders: Mapped[list["Invoice"]] = relationship(back_populates="account")


class Invoice(AuditMixin, Base):
    __tablename__ = "invoices"
    __table_args__ = (
        Index("ix_invoices_unpaid", "account_id", postgresql_where=text("paid_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    paid_at: Mapped[Optional[datetime]]
    status: Mapped[str] = mapped_column("state", String(20), server_default="open")
    kind: Mapped[InvoiceKind]

    account: Mapped["Account"] = relationship(back_populates="orders")
    lines: Mapped[list["InvoiceLine"]] = relationship()


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    invoice_id: Mapped[int] = mapped_column(ForeignKey("invoices.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32))
"#;

#[test]
fn mapped_columns_annotations_and_mixins() {
    let found = facts("app/db/models.py", MODERN).expect("facts");
    let (columns, _) = table(&found, "accounts");
    assert_eq!(names(columns), ["id", "email", "nickname"]);
    assert!(columns[1].not_null, "Mapped[str] is NOT NULL");
    assert!(
        !columns[1].unique,
        "unique=True with index=True is a unique index"
    );
    assert!(!columns[2].not_null, "str | None is nullable");
    let email = indexes(&found, "accounts");
    assert_eq!(email[0].name.as_deref(), Some("ix_accounts_email"));
    assert!(email[0].unique);

    let (columns, _) = table(&found, "invoices");
    assert_eq!(
        names(columns),
        [
            "updated_at",
            "created_by_id",
            "id",
            "account_id",
            "total",
            "paid_at",
            "state",
            "kind"
        ]
    );
    assert_eq!(
        columns[1]
            .foreign_key
            .as_ref()
            .map(|f| f.referenced_table.as_str()),
        Some("accounts"),
        "declared_attr column of the mixin"
    );
    assert!(columns[3].not_null && columns[3].foreign_key.is_some());
    assert!(!columns[5].not_null);
    assert!(columns[6].has_default);
    let unpaid = indexes(&found, "invoices");
    assert_eq!(unpaid.len(), 1);
    assert!(unpaid[0].partial);
    assert!(fields(&found, "Invoice").contains(&("status".into(), "state".into())));
    assert!(!fields(&found, "Invoice")
        .iter()
        .any(|(a, _)| a == "account" || a == "lines"));

    let (columns, constraints) = table(&found, "invoice_lines");
    assert!(columns.iter().all(|c| !c.primary_key));
    assert_eq!(
        constraints,
        [ConstraintFact::PrimaryKey(vec![
            "invoice_id".into(),
            "position".into()
        ])]
    );
    assert!(
        found
            .models
            .iter()
            .all(|m| m.name != "Base" && m.name != "AuditMixin"),
        "the base and mixin have no table"
    );
}

#[test]
fn sqlmodel_tables_and_their_base_models() {
    let text = r#"from typing import Optional

from sqlmodel import Field, Relationship, SQLModel


class Team(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    headquarters: str

    heroes: list["Hero"] = Relationship(back_populates="team")


class HeroBase(SQLModel):
    name: str = Field(index=True)
    secret_name: str
    age: int | None = Field(default=None, index=True)
    team_id: int | None = Field(default=None, foreign_key="team.id")


class Hero(HeroBase, table=True):
    __tablename__ = "heroes"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column_kwargs={"unique": True, "name": "email_address"}, unique=True)

    team: Team | None = Relationship(back_populates="heroes")


class HeroPublic(HeroBase):
    id: int
"#;
    let found = facts("app/models.py", text).expect("facts");
    let (columns, _) = table(&found, "team");
    assert_eq!(names(columns), ["id", "name", "headquarters"]);
    assert!(columns[0].primary_key && columns[0].has_default && columns[0].not_null);
    assert!(columns[2].not_null);
    assert_eq!(
        indexes(&found, "team")[0].name.as_deref(),
        Some("ix_team_name")
    );

    let (columns, _) = table(&found, "heroes");
    assert_eq!(
        names(columns),
        [
            "name",
            "secret_name",
            "age",
            "team_id",
            "id",
            "email_address"
        ]
    );
    assert!(!columns[2].not_null);
    let team = columns[3].foreign_key.as_ref().expect("foreign_key=");
    assert_eq!(team.referenced_table, "team");
    assert!(columns[5].unique);
    let indexed: Vec<Option<&str>> = indexes(&found, "heroes")
        .iter()
        .map(|i| i.name.as_deref())
        .collect();
    assert_eq!(indexed, [Some("ix_heroes_name"), Some("ix_heroes_age")]);
    let models: Vec<&str> = found.models.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        models,
        ["Team", "Hero"],
        "HeroBase and HeroPublic are not tables"
    );
}

#[test]
fn flask_sqlalchemy_names_tables_in_snake_case() {
    let text = r#"from .extensions import db


class OrderItem(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    order_id = db.Column(db.Integer, db.ForeignKey("order.id"), nullable=False, index=True)


class Order(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(20))
    __mapper_args__ = {"polymorphic_on": kind}


class RushOrder(Order):
    __mapper_args__ = {"polymorphic_identity": "rush"}
    deadline = db.Column(db.DateTime)
"#;
    let found = facts("shop/models.py", text).expect("facts");
    let (columns, _) = table(&found, "order_item");
    assert_eq!(names(columns), ["id", "order_id"]);
    assert_eq!(
        indexes(&found, "order_item")[0].name.as_deref(),
        Some("ix_order_item_order_id")
    );
    table(&found, "order");
    // Single-table inheritance: the subclass queries its parent's table.
    let rush = found
        .models
        .iter()
        .find(|m| m.name == "RushOrder")
        .expect("rush");
    assert_eq!(rush.table, "order");
    assert!(rush
        .fields
        .contains(&("deadline".into(), "deadline".into())));
    assert_eq!(snake_case("HTTPRequestLog"), "http_request_log");
}

#[test]
fn sessions_queries_and_engines_declare_nothing() {
    let text = r#"from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from .models import Order, User

engine = create_engine("postgresql+psycopg://app@db/app", pool_pre_ping=True)
SessionLocal = sessionmaker(bind=engine, expire_on_commit=False)


def open_orders(session: Session, user_id: int) -> list[Order]:
    stmt = select(Order).where(Order.user_id == user_id, Order.status == "open")
    return list(session.scalars(stmt))


def by_email(session: Session, email: str) -> User | None:
    return session.query(User).filter_by(email=email).first()


def count(session: Session) -> int:
    return session.execute(text("SELECT count(*) FROM orders WHERE status = :s"), {"s": "open"}).scalar_one()
"#;
    assert!(facts("app/repository.py", text).is_none());
    let schemas = "from pydantic import BaseModel\nfrom sqlalchemy.orm import Mapped\n\n\nclass UserOut(BaseModel):\n    id: int\n    email: str\n";
    assert!(facts("app/schemas.py", schemas).is_none());
}
