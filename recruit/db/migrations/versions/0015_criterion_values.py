"""criterion values: each application keeps its scored document's packed criterion values

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


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch rebuild would lose partial indexes.
    op.execute("ALTER TABLE applications DROP COLUMN criterion_values")
