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
    op.drop_index(op.f("ix_candidates_phone_key"), table_name="candidates")
    with op.batch_alter_table(
        "candidates", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("phone_key")
    with op.batch_alter_table(
        "applications", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("search_identity")
