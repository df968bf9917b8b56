"""scale: a partial index for claiming queued documents and sweeping expired leases

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 12:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CLAIMABLE = "status IN ('queued', 'reading')"


def upgrade() -> None:
    op.create_index(
        "ix_documents_claimable",
        "documents",
        ["id"],
        postgresql_where=sa.text(CLAIMABLE),
        sqlite_where=sa.text(CLAIMABLE),
    )


def downgrade() -> None:
    op.drop_index("ix_documents_claimable", table_name="documents")
