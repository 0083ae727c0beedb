"""order reference and coupon code

Revision ID: 0002
Revises: 0001
Create Date: 2024-05-20 16:03:48.101442

"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("orders", sa.Column("reference", sa.String(length=20), nullable=True))
    op.add_column("orders", sa.Column("coupon_code", sa.String(length=32), nullable=True))
    with op.get_context().autocommit_block():
        op.create_index(
            "uq_orders_reference",
            "orders",
            ["reference"],
            unique=True,
            postgresql_concurrently=True,
        )


def downgrade() -> None:  # expect: migration-without-down
    pass
