"""criterion values: each application keeps its scored document's packed criterion values,
and an index covers the preview's look at an opening's scored documents

Revision ID: 0015
Revises: 0016
Create Date: 2026-11-30 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty for rows scored before: the first preview evaluates those profiles, as it did.
    op.add_column("applications", sa.Column("criterion_values", sa.LargeBinary(), nullable=True))
    # Index-only: the count, newest and sum of scored document ids the preview checks every
    # few seconds took ~1 s at 100k applications through the shortlist index and the table.
    op.create_index("ix_applications_scored", "applications", ["opening_id", "scored_document_id"])


def downgrade() -> None:
    op.drop_index("ix_applications_scored", table_name="applications")
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch rebuild would lose partial indexes.
    op.execute("ALTER TABLE applications DROP COLUMN criterion_values")
