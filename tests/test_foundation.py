"""The foundation: migrations, storage, the task runner, settings, the app and the wheel."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select

from recruit import services
from recruit.db import upgrade
from recruit.db.models import Base, Document
from recruit.db.search import not_modelled
from recruit.settings import Settings
from recruit.storage import LocalStorage
from recruit.tasks import TaskContext, run_next
from tests.conftest import reset_database

ROOT = Path(__file__).resolve().parents[1]


def test_migrations_from_empty_match_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    reset_database(engine)
    assert inspect(engine).get_table_names() == []
    upgrade(database_url)
    with engine.connect() as conn:
        # The search index's FTS5 table and trigram indexes are no model's (recruit.db.search).
        context = MigrationContext.configure(
            conn, opts={"include_name": lambda name, *_: not not_modelled(name)}
        )
        diff = compare_metadata(context, Base.metadata)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"
    assert {"users", "openings", "documents", "scores", "audit_events"} <= tables


def test_storage_writes_once_by_content(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    first = store.put(b"%PDF-1.4 same bytes")
    second = store.put(b"%PDF-1.4 same bytes")
    assert first.key == second.key and first.created and not second.created
    assert store.get(first.key) == b"%PDF-1.4 same bytes"
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_storage_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch) -> None:
    store = LocalStorage(tmp_path)

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        store.put(b"x" * 1000)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_storage_keeps_a_reading_until_it_is_taken_or_the_file_deleted(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    key = store.put(b"%PDF-1.4 a cv").key
    assert store.take_reading(key) is None
    store.keep_reading(key, b"reading")
    assert store.take_reading(key) == b"reading"
    assert store.take_reading(key) is None  # taken once
    store.keep_reading(key, b"reading")
    store.delete(key)  # erasure: the reading holds the CV's text
    assert store.take_reading(key) is None
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_storage_refuses_keys_that_could_escape(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).get("../../etc/passwd")


def test_failed_storage_write_leaves_no_row(app, session, storage, monkeypatch) -> None:
    opening = services.create_opening(session, "Account Manager", "account-manager")
    session.commit()

    def broken_put(data: bytes):
        raise OSError("disk full")

    monkeypatch.setattr(storage, "put", broken_put)
    with pytest.raises(OSError):
        services.submit_application(
            session,
            storage,
            opening,
            name="Ana Pop",
            email="ana@example.com",
            phone="",
            filename="cv.pdf",
            data=b"%PDF-",
            consent_version="v1",
        )
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_restarted_worker_resumes_queued_and_interrupted_work(app, session, storage) -> None:
    stored = storage.put(b"not a pdf at all")
    queued = services.add_document(session, stored.key, stored.sha256, stored.size, "a.pdf")
    stored2 = storage.put(b"also not a pdf")
    crashed = services.add_document(session, stored2.key, stored2.sha256, stored2.size, "b.pdf")
    session.commit()
    # A worker claimed `crashed` and died: its lease runs out.
    claimed = services.claim_next_document(session)
    assert claimed == queued.id
    doc = session.get(Document, claimed)
    doc.lease_until = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    session.commit()

    # A new worker (a fresh context, as after a restart) finishes both.
    ctx = TaskContext(app.extensions["recruit.sessions"], storage)
    assert run_next(ctx) is not None
    assert run_next(ctx) is not None
    assert run_next(ctx) is None
    session.expire_all()
    statuses = {d.id: (d.status, d.error_code) for d in session.scalars(select(Document))}
    assert statuses == {queued.id: ("error", "not_a_pdf"), crashed.id: ("error", "not_a_pdf")}
    assert storage.exists(stored.key) and storage.exists(stored2.key)


def test_settings_come_from_the_environment(tmp_path: Path) -> None:
    env = {
        "RECRUIT_DATABASE_URL": "postgresql+psycopg://u@h/db",
        "RECRUIT_UPLOAD_DIR": str(tmp_path / "up"),
        "RECRUIT_REDIS_URL": "redis://127.0.0.1:6379/0",
        "RECRUIT_MAX_UPLOAD_MB": "7",
    }
    s = Settings.from_env(tmp_path / "inst", env)
    assert s.database_url == env["RECRUIT_DATABASE_URL"]
    assert s.upload_dir == tmp_path / "up"
    assert s.redis_url == env["RECRUIT_REDIS_URL"] and s.max_upload_mb == 7


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings.from_env(tmp_path, {}).secret_key
    again = Settings.from_env(tmp_path, {}).secret_key
    assert first == again and len(first) >= 32
    assert Settings.from_env(tmp_path / "other", {}).secret_key != first
    assert Settings.from_env(tmp_path, {"RECRUIT_SECRET_KEY": "k"}).secret_key == "k"
    assert (tmp_path / "instance.db").exists() is False
    assert Settings.from_env(tmp_path, {}).database_url == f"sqlite:///{tmp_path / 'recruit.db'}"


def test_public_pages_and_sign_in(app, client, session) -> None:
    services.create_opening(session, "Manager cont bancar", "bank-account-manager")
    services.create_user(session, "ioana@example.com", "correct horse battery", "recruiter")
    session.commit()
    page = client.get("/")
    assert page.status_code == 200 and "Manager cont bancar" in page.text
    form = client.get("/auth/sign-in")
    assert form.status_code == 200 and 'name="password"' in form.text
    app.config["WTF_CSRF_ENABLED"] = False
    bad = client.post("/auth/sign-in", data={"email": "ioana@example.com", "password": "nope"})
    assert "Wrong e-mail or password" in bad.text
    good = client.post(
        "/auth/sign-in", data={"email": "ioana@example.com", "password": "correct horse battery"}
    )
    assert good.status_code == 302


def test_cli_demo_is_idempotent(app) -> None:
    runner = app.test_cli_runner()
    # Accounts and openings only: tests/test_demo.py runs the demo with its candidates.
    first = runner.invoke(args=["demo", "--candidates", "0"])
    assert first.exit_code == 0, first.output
    assert "recruiter@demo.recruit" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0 and "recruiter@demo.recruit" not in second.stdout
    with app.extensions["recruit.sessions"]() as s:
        from recruit.db.models import Opening, OpeningMember

        assert s.scalar(select(func.count()).select_from(Opening)) == 5
        # The demo recruiter and hiring manager work on every demo opening.
        assert s.scalar(select(func.count()).select_from(OpeningMember)) == 10


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_recruit_serve_answers_on_its_port(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "RECRUIT_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("RECRUIT_DATABASE_URL", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from recruit.cli import main; main()",
            "serve",
            "--port",
            str(port),
            "--no-worker",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/auth/sign-in") as page:
                    assert page.status == 200 and b'name="password"' in page.read()
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "recruit serve did not answer within 60 s"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(10)
        server.stderr.close()


@pytest.mark.slow
def test_wheel_ships_models_and_templates(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    (wheel,) = tmp_path.glob("recruit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "recruit/_assets/models/skills/catalog.json" in names
    assert "recruit/_assets/templates/base.html" in names
    assert any(n.startswith("recruit/_assets/translations/ro/") for n in names)
    assert any(n.startswith("recruit/_assets/models/roles/") for n in names)
    # Installed (not editable) and run from elsewhere, it finds its assets inside the package.
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    roles = subprocess.run(
        [sys.executable, "-c", "from recruit.cli import main; main()", "roles"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert roles.returncode == 0, roles.stderr[-2000:]
    assert "account-manager" in roles.stdout.split()
    where = subprocess.run(
        [
            sys.executable,
            "-c",
            "from recruit.core.assets import asset_root as a; print(a('models'))",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    )
    assert where.stdout.strip().startswith(str(target))


def test_a_batch_is_claimed_in_one_transaction_and_stored_in_one_commit(
    app, session, storage, monkeypatch
) -> None:
    from sqlalchemy import event

    from recruit.core import pipeline
    from recruit.db.models import Application
    from recruit.tasks import read_documents
    from tests.scale.cvs import generate

    opening = services.create_opening(session, "Account Manager", "account-manager")
    session.commit()
    files = generate(4, broken_every=0)
    ids = []
    for n, (name, data) in enumerate(files):
        submitted = services.submit_application(
            session, storage, opening, name=f"Ana Pop {n}", email=f"ana{n}@example.com",
            phone="", filename=name, data=data, consent_version="v1",
        )  # fmt: skip
        ids.append(submitted.document.id)
    session.commit()
    # The third file breaks the extractor (a bug, not a bad file): only it is marked.
    original = pipeline.analyse

    def analyse(data: bytes, filename: str = "", **kw):  # type: ignore[no-untyped-def]
        if filename == files[2][0]:
            raise RuntimeError("a bug in extraction")
        return original(data, filename, **kw)

    monkeypatch.setattr(pipeline, "analyse", analyse)
    sessions = app.extensions["recruit.sessions"]
    commits: list[int] = []
    event.listen(sessions, "after_commit", lambda s: commits.append(1))
    ctx = TaskContext(sessions, storage)

    claimed = services.claim_documents(session, 3)
    assert claimed == ids[:3] and len(commits) == 1  # one transaction for the three claims
    session.expire_all()
    assert {
        d.status for d in session.scalars(select(Document).where(Document.id.in_(ids[:3])))
    } == {"reading"}
    commits.clear()
    statuses = read_documents(ctx, claimed)
    assert statuses == {ids[0]: "ok", ids[1]: "ok", ids[2]: "error"}
    assert len(commits) == 1  # three documents, their scores and the mirror: one commit
    monkeypatch.setattr(pipeline, "analyse", original)
    assert services.claim_documents(session, 5) == [ids[3]]  # what is left
    assert read_documents(ctx, [ids[3]]) == {ids[3]: "ok"}
    session.expire_all()
    apps = {
        a.scored_document_id: a
        for a in session.scalars(select(Application))
        if a.scored_document_id
    }
    assert set(apps) == {ids[0], ids[1], ids[3]}
    assert all(a.score is not None and a.criterion_values for a in apps.values())
