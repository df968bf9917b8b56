"""openings of one's own: employment type, salary range, closing date, creator

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("openings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "employment_type", sa.String(length=20), nullable=False, server_default="full_time"
            )
        )
        batch_op.add_column(sa.Column("salary_min", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("salary_max", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("salary_currency", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("closes_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_openings_created_by_id_users"),
            "users",
            ["created_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("openings", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_openings_created_by_id_users"), type_="foreignkey")
        batch_op.drop_column("created_by_id")
        batch_op.drop_column("closes_on")
        batch_op.drop_column("salary_currency")
        batch_op.drop_column("salary_max")
        batch_op.drop_column("salary_min")
        batch_op.drop_column("employment_type")
