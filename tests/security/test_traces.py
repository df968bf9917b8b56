"""What erasure and file modes leave behind (issue 12, row 15).

On SQLite an erased row used to linger in free pages and in the write-ahead log until a
checkpoint, ids of deleted rows were handed out again, and files and folders followed the
umask (world-readable CVs under the usual 022).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from recruit import services
from recruit.db.models import Document, Note, Opening
from tests.security.conftest import PDF

MARKER = "Qzxv-erased-marker-7c1f"


def _sqlite_files(database_url: str) -> list[Path]:
    db = Path(database_url.removeprefix("sqlite:///"))
    return [p for p in (db, Path(f"{db}-wal")) if p.exists()]


def _apply(session, storage, opening_id: int, name: str, data: bytes):
    return services.submit_application(
        session,
        storage,
        session.get(Opening, opening_id),
        name=name,
        email=f"{name.split()[0].lower()}@example.com",
        phone="",
        filename="cv.pdf",
        data=data,
        consent_version="x",
    )


def test_sqlite_connections_delete_securely(app, session) -> None:
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("a SQLite setting")
    assert session.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_an_erased_candidate_leaves_no_trace_in_the_sqlite_files(
    app, world, session, storage, database_url
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's files")
    submission = _apply(session, storage, world.opening_a, f"Ana {MARKER}", PDF + b"%trace")
    document = session.get(Document, submission.document.id)
    document.text = f"Experience at {MARKER} and more {MARKER}"
    session.add(Note(application_id=submission.application.id, body=f"call {MARKER}"))
    session.commit()
    assert any(MARKER.encode() in p.read_bytes() for p in _sqlite_files(database_url))
    services.erase_candidate(
        session, storage, submission.application.candidate, reason="candidate request"
    )
    for path in _sqlite_files(database_url):
        assert MARKER.encode() not in path.read_bytes(), path.name


def test_the_retention_purge_empties_the_wal_too(app, world, session, storage, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's files")
    import datetime as dt

    from recruit.db.models import Candidate, utcnow

    submission = _apply(session, storage, world.opening_b, f"Bo {MARKER}", PDF + b"%purge")
    opening = session.get(Opening, world.opening_b)
    opening.status, opening.closed_at = "closed", utcnow() - dt.timedelta(days=400)
    session.commit()
    report = services.purge_expired(session, storage)
    assert report.candidates >= 1
    assert session.get(Candidate, submission.application.candidate_id).erased_at is not None
    for path in _sqlite_files(database_url):
        assert MARKER.encode() not in path.read_bytes(), path.name


def test_ids_of_erased_rows_are_never_handed_out_again(app, world, session, storage) -> None:
    newest = _apply(session, storage, world.opening_a, "Newest Candidate", PDF + b"%newest")
    session.add(Note(application_id=newest.application.id, body="a note"))
    session.commit()
    erased_document = newest.document.id
    erased_note = max(
        n.id for n in session.get(type(newest.application), newest.application.id).notes
    )
    services.erase_candidate(session, storage, newest.application.candidate, reason="request")
    after = _apply(session, storage, world.opening_a, "After Erasure", PDF + b"%after")
    session.add(Note(application_id=after.application.id, body="another note"))
    session.commit()
    assert after.document.id > erased_document
    assert max(n.id for n in after.application.notes) > erased_note


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_instance_uploads_and_database_are_private_whatever_the_umask(tmp_path) -> None:
    from recruit import create_app
    from recruit.db import upgrade

    instance = tmp_path / "new" / "instance"
    uploads = tmp_path / "new" / "uploads"
    database = instance / "recruit.db"
    previous = os.umask(0o022)  # the usual default: files world-readable
    try:
        env = {
            "RECRUIT_DATABASE_URL": f"sqlite:///{database}",
            "RECRUIT_UPLOAD_DIR": str(uploads),
            "RECRUIT_SECRET_KEY": "k",
        }
        app = create_app({"INSTANCE_PATH": instance, "ENV": env, "TESTING": True})
        upgrade(env["RECRUIT_DATABASE_URL"])
        with app.extensions["recruit.sessions"]() as session:
            opening = services.create_opening(session, "Account Manager", "account-manager")
            session.commit()
            _apply(session, app.extensions["recruit.storage"], opening.id, "Ana Pop", PDF)
            session.commit()
        app.extensions["recruit.engine"].dispose()
    finally:
        os.umask(previous)
    assert _mode(instance) == 0o700
    assert _mode(database) == 0o600
    folders = [uploads, *(p for p in uploads.rglob("*") if p.is_dir())]
    files = [p for p in uploads.rglob("*") if p.is_file()]
    assert len(folders) == 3 and len(files) == 1
    assert {_mode(p) for p in folders} == {0o700}
    assert {_mode(p) for p in files} == {0o600}
