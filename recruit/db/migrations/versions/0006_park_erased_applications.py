"""park erased candidates' applications outside the shortlist views

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 13:55:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Knocked out with no score: the pair recruit.services.review.ERASED leaves out of every
    # list and count. Rows erased from now on are parked by the erasure itself.
    op.execute(
        sa.text(
            "UPDATE applications SET score = NULL, knocked_out = :yes, knockouts = '', "
            "sales_months = NULL, typo_count = 0, scored_document_id = NULL, "
            "scored_version = NULL WHERE candidate_id IN "
            "(SELECT id FROM candidates WHERE erased_at IS NOT NULL)"
        ).bindparams(yes=True)
    )


def downgrade() -> None:
    # Nothing to restore: the parked columns of an erased application held no data.
    pass
