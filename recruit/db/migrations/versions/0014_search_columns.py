"""search columns: who the candidate is (folded name, e-mail, phone forms) beside what the CV
says (skills, positions, employers), and each candidate's phone in E.164

The texts are folded by the application (core.search), so SQLite and PostgreSQL search alike;
existing rows are filled here from the candidates and the scored documents' profiles.

Revision ID: 0014
Revises: 0015
Create Date: 2026-12-02 02:00:00
"""

import json
from typing import Any

import sqlalchemy as sa
from alembic import op

from recruit.core.search import identity_text, phone_key, profile_text

revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None

BATCH = 2000


def upgrade() -> None:
    # Plain ALTER TABLE: a batch rebuild would drop SQLite's AUTOINCREMENT (0013).
    op.add_column(
        "applications",
        sa.Column("search_identity", sa.Text(), nullable=False, server_default=""),
    )
    op.add_column("candidates", sa.Column("phone_key", sa.String(length=40), nullable=True))
    op.create_index(op.f("ix_candidates_phone_key"), "candidates", ["phone_key"], unique=False)
    _backfill(op.get_bind())
    _create_index(op.get_bind())


# SQLite: an FTS5 table with the trigram tokenizer over the two columns, kept by triggers
# (recruit.db.search). External content: the texts are stored once, in applications.
SQLITE_INDEX = [
    "CREATE VIRTUAL TABLE application_search USING fts5(search_text, search_identity, "
    "content='applications', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER application_search_insert AFTER INSERT ON applications BEGIN "
    "INSERT INTO application_search (rowid, search_text, search_identity) "
    "VALUES (new.id, new.search_text, new.search_identity); END",
    "CREATE TRIGGER application_search_delete AFTER DELETE ON applications BEGIN "
    "INSERT INTO application_search (application_search, rowid, search_text, search_identity) "
    "VALUES ('delete', old.id, old.search_text, old.search_identity); END",
    "CREATE TRIGGER application_search_update AFTER UPDATE OF search_text, search_identity "
    "ON applications BEGIN "
    "INSERT INTO application_search (application_search, rowid, search_text, search_identity) "
    "VALUES ('delete', old.id, old.search_text, old.search_identity); "
    "INSERT INTO application_search (rowid, search_text, search_identity) "
    "VALUES (new.id, new.search_text, new.search_identity); END",
    "INSERT INTO application_search (application_search) VALUES ('rebuild')",
]
# PostgreSQL: trigram GIN indexes answer LIKE '%word%' on each column.
TRIGRAM_INDEXES = ("search_text", "search_identity")


def _create_index(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        for statement in SQLITE_INDEX:
            conn.execute(sa.text(statement))
        return
    if conn.dialect.name != "postgresql":
        return
    try:
        with conn.begin_nested():
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return  # no right to add the extension: searches scan, as they did before
    for column in TRIGRAM_INDEXES:
        conn.execute(
            sa.text(
                f"CREATE INDEX ix_applications_{column}_trgm ON applications "  # nosec B608
                f"USING gin ({column} gin_trgm_ops)"
            )
        )


def _drop_index(conn: sa.Connection) -> None:
    if conn.dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            conn.execute(sa.text(f"DROP TRIGGER IF EXISTS application_search_{trigger}"))
        conn.execute(sa.text("DROP TABLE IF EXISTS application_search"))
    elif conn.dialect.name == "postgresql":
        for column in TRIGRAM_INDEXES:
            conn.execute(sa.text(f"DROP INDEX IF EXISTS ix_applications_{column}_trgm"))


def _backfill(conn: sa.Connection) -> None:
    last = 0
    while True:
        rows = conn.execute(
            sa.text(
                "SELECT a.id, c.id, c.name, c.email, c.phone, c.erased_at, d.profile "
                "FROM applications a JOIN candidates c ON c.id = a.candidate_id "
                "LEFT JOIN documents d ON d.id = a.scored_document_id "
                "WHERE a.id > :last ORDER BY a.id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).all()
        if not rows:
            return
        apps, candidates = [], []
        for app_id, cand_id, name, email, phone, erased_at, profile in rows:
            erased = erased_at is not None
            identity = "" if erased else identity_text(name, email, phone)
            item: dict[str, Any] = {"id": app_id, "identity": identity}
            data = json.loads(profile) if isinstance(profile, str) else profile
            item["text"] = None if erased or not data else profile_text(data, [name])
            apps.append(item)
            candidates.append({"id": cand_id, "key": None if erased else phone_key(phone)})
        conn.execute(
            sa.text(
                "UPDATE applications SET search_identity = :identity, "
                "search_text = coalesce(CAST(:text AS TEXT), search_text) WHERE id = :id"
            ),
            apps,
        )
        conn.execute(sa.text("UPDATE candidates SET phone_key = :key WHERE id = :id"), candidates)
        last = rows[-1][0]


def downgrade() -> None:
    _drop_index(op.get_bind())
    op.drop_index(op.f("ix_candidates_phone_key"), table_name="candidates")
    with op.batch_alter_table(
        "candidates", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("phone_key")
    with op.batch_alter_table(
        "applications", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("search_identity")
