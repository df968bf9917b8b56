"""web: shortlist columns on applications

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 12:30:00

The shortlist filters and sorts 100k applications per opening; these columns mirror the
latest scored document so that is one indexed query instead of parsing JSON per row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("score", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("knocked_out", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("knockouts", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("typo_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("sales_months", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("education", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("english_level", sa.String(length=2), nullable=True))
        batch_op.add_column(
            sa.Column("licence", sa.String(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("headline", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("scored_document_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("scored_version", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_applications_shortlist",
            ["opening_id", "knocked_out", "score", "id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_shortlist")
        for column in (
            "scored_version",
            "scored_document_id",
            "search_text",
            "headline",
            "licence",
            "english_level",
            "education",
            "sales_months",
            "language",
            "typo_count",
            "knockouts",
            "knocked_out",
            "score",
        ):
            batch_op.drop_column(column)
