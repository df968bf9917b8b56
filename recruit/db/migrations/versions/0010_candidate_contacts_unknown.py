"""a candidate's name, e-mail and phone may be unknown (bulk import, before the CV is read)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.alter_column("name", existing_type=sa.String(length=200), nullable=True)
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=True)
        batch_op.alter_column("phone", existing_type=sa.String(length=40), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE candidates SET name = '' WHERE name IS NULL")
    op.execute("UPDATE candidates SET email = '' WHERE email IS NULL")
    op.execute("UPDATE candidates SET phone = '' WHERE phone IS NULL")
    with op.batch_alter_table("candidates", schema=None) as batch_op:
        batch_op.alter_column("phone", existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column("email", existing_type=sa.String(length=254), nullable=False)
        batch_op.alter_column("name", existing_type=sa.String(length=200), nullable=False)
