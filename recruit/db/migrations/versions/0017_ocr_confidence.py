"""ocr confidence: a CV read by text recognition keeps its mean word confidence

Pictures of CVs (phone photos, scans) are read by OCR; the recruiter sees that a document was
read that way and how sure the recognition was (0-100).

Revision ID: 0017
Revises: 0014
Create Date: 2026-11-30 02:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("ocr_confidence", sa.Float(), nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (SQLite 3.35 and later): a batch rebuild would lose the partial index.
    op.execute("ALTER TABLE documents DROP COLUMN ocr_confidence")
