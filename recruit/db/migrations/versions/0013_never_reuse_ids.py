"""never reuse ids on SQLite: AUTOINCREMENT on the tables erasure and purges delete from

SQLite hands out max(id) + 1 without AUTOINCREMENT: erase the newest candidate's documents and
the next upload got the erased one's id, so an old audit record or link named a new person's
file. PostgreSQL's sequences never go back; nothing changes there.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 15:00:00
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Rebuilt in this order (referenced first); batch mode keeps their indexes, partial ones too.
TABLES = ("candidates", "applications", "documents", "scores", "notes")


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
