"""lease holder: the host and process id that claimed a document

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("lease_host", sa.String(length=255), nullable=True))
    op.add_column("documents", sa.Column("lease_pid", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch rebuild would lose the partial index.
    op.execute("ALTER TABLE documents DROP COLUMN lease_pid")
    op.execute("ALTER TABLE documents DROP COLUMN lease_host")
