"""lease holder's start time: a recycled pid no longer makes a dead holder look alive

Revision ID: 0016
Revises: 0013
Create Date: 2026-11-30 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("lease_started", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch rebuild would lose the partial index.
    op.execute("ALTER TABLE documents DROP COLUMN lease_started")
