"""GDPR: consent, export and erasure from the status link, retention purge, audit trail."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

from sqlalchemy import MetaData, select

from recruit import services
from recruit.db.models import Application, AuditEvent, Candidate, Document, Opening
from recruit.services.gdpr import add_months
from tests.security.conftest import PDF, sign_in_as

CV_TEXT = (
    "Ana Popescu\nE-mail: ana.popescu@example.com | Telefon: +40 722 123 456\n"
    "Data nașterii: 12.03.1990 | Naționalitate: română\n"
    "Account manager la Orange România, 2019 - 2024: portofoliu de 120 de clienți B2B."
)
# What must not survive an erasure, anywhere in the database.
PERSONAL = (
    "Ana Popescu",
    "Popescu",
    "ana.popescu@example.com",
    "722123456",
    "12.03.1990",
    "Strong negotiator",
    "Orange România",
)


def _read(session, world) -> None:
    """Give opening A's document the text and profile a worker would have stored."""
    document = session.get(Document, world.document_a.id)
    document.status = "ok"
    document.text = CV_TEXT
    document.profile = {"name": "Ana Popescu", "emails": ["ana.popescu@example.com"]}
    session.commit()


def _database_text(engine) -> str:
    """Every value of every row of every table, as one string."""
    meta = MetaData()
    meta.reflect(engine)
    parts = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(table.select()):
                parts.append(" ".join(str(v) for v in row))
    return "\n".join(parts)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_consent_is_recorded_with_time_and_the_notice_version(web, world, session) -> None:
    candidate = session.get(Candidate, world.application_a.candidate_id)
    assert candidate.consent_at is not None
    assert candidate.consent_version == services.current_notice(session).version
    notice = web.test_client().get(f"/privacy/versions/{candidate.consent_version}")
    assert notice.status_code == 200 and "GDPR" in notice.text


def test_a_published_notice_becomes_current_and_old_versions_stay(web, world, session) -> None:
    old = services.current_notice(session)
    admin = web.test_client()
    sign_in_as(admin, world.users["admin"])
    admin.post("/admin/privacy/notice", data={"version": "2027-01", "body": "Noua notă."})
    assert services.current_notice(session).version == "2027-01"
    client = web.test_client()
    assert "Noua notă." in client.get("/privacy/").text
    assert client.get(f"/privacy/versions/{old.version}").text.count("GDPR") >= 1
    again = admin.post("/admin/privacy/notice", data={"version": "2027-01", "body": "x"})
    assert "exists already" in again.text


def test_candidate_exports_everything_held(web, world, session, storage) -> None:
    _read(session, world)
    client = web.test_client()
    token = world.application_a.status_token
    page = client.get(f"/privacy/data/{token}")
    assert page.status_code == 200 and "Account Manager" in page.text
    export = client.get(f"/privacy/data/{token}/export.json")
    assert export.status_code == 200 and export.mimetype == "application/json"
    assert export.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(export.data)
    assert data["candidate"]["email"] == "ana.popescu@example.com"
    assert data["consent"]["version"] and data["consent"]["text"]
    (application,) = data["applications"]
    assert "status_token" not in application
    assert application["documents"][0]["text"] == CV_TEXT
    assert application["notes"][0]["body"].startswith("Strong negotiator")
    original = client.get(f"/privacy/data/{token}/documents/{world.document_a.id}")
    assert original.data == storage.get(world.document_a.storage_key)
    assert original.headers["Content-Disposition"].startswith("attachment;")
    actions = {e.action for e in session.scalars(select(AuditEvent))}
    assert {"candidate.exported", "document.downloaded"} <= actions


def test_a_token_opens_only_its_own_candidate(web, world) -> None:
    client = web.test_client()
    token_b = world.application_b.status_token
    assert client.get(f"/privacy/data/{token_b}/documents/{world.document_a.id}").status_code == 404
    assert client.get(f"/privacy/data/{token_b}/documents/{world.document_b.id}").status_code == 200
    for bad in ("x", "0" * 43, world.application_a.status_token[:-1]):
        assert client.get(f"/privacy/data/{bad}").status_code == 404
        assert client.get(f"/status/{bad}").status_code == 404
    export = json.loads(client.get(f"/privacy/data/{token_b}/export.json").data)
    assert "ana.popescu" not in json.dumps(export)


def test_erasure_asks_first_then_leaves_nothing(web, world, session, storage, app) -> None:
    _read(session, world)
    client = web.test_client()
    token = world.application_a.status_token
    key = world.document_a.storage_key
    assert "Erase everything" in client.get(f"/privacy/data/{token}/erase").text
    unconfirmed = client.post(f"/privacy/data/{token}/erase", data={})
    assert unconfirmed.status_code == 200 and "Tick the box" in unconfirmed.text
    assert storage.exists(key)

    done = client.post(f"/privacy/data/{token}/erase", data={"confirm": "y"})
    assert done.status_code == 200 and "Your data is erased" in done.text

    # On disk: the file is gone; the other candidate's file stays.
    assert not storage.exists(key) and storage.exists(world.document_b.storage_key)
    assert len(_files(storage.root)) == 1
    # In the database: no personal field of hers anywhere, in any table.
    text = _database_text(app.extensions["recruit.engine"])
    leaks = [p for p in PERSONAL if p in text]
    assert not leaks, f"still in the database after erasure: {leaks}"
    assert "bogdan.ionescu@example.com" in text  # the other candidate is untouched
    # The link opens nothing now.
    assert client.get(f"/privacy/data/{token}").status_code == 404
    assert client.get(f"/status/{token}").status_code == 404
    # The audit log says it happened, and when; the recruiter no longer finds her.
    session.expire_all()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "candidate.erased"))
    assert event.subject_id == str(world.application_a.candidate_id)
    assert event.detail["reason"] == "candidate request" and event.created_at
    recruiter = web.test_client()
    sign_in_as(recruiter, world.users["recruiter"])
    assert recruiter.get(f"/recruiter/applications/{world.application_a.id}").status_code == 404


def test_erasure_keeps_a_file_that_another_document_shares(web, world, session, storage) -> None:
    opening = session.get(Opening, world.opening_b)
    same = services.submit_application(
        session,
        storage,
        opening,
        name="Other Person",
        email="other@example.com",
        phone="",
        filename="copy.pdf",
        data=PDF + b"ana.popescu@example.com",
        consent_version="2026-11",
    )
    session.commit()
    assert same.document.storage_key == world.document_a.storage_key
    services.erase_candidate(
        session, storage, session.get(Candidate, world.application_a.candidate_id), reason="test"
    )
    assert storage.exists(world.document_a.storage_key)


def test_retention_dates_follow_the_opening_closing(world, session) -> None:
    closed_at = dt.datetime(2026, 1, 31, 12, tzinfo=dt.UTC)
    opening = session.get(Opening, world.opening_a)
    opening.status, opening.closed_at = "closed", closed_at
    session.commit()
    services.refresh_retention(session)
    session.commit()
    session.expire_all()  # bulk UPDATEs bypass the identity map, where the world's rows live
    a = session.get(Candidate, world.application_a.candidate_id)
    b = session.get(Candidate, world.application_b.candidate_id)
    assert a.retain_until.replace(tzinfo=dt.UTC) == dt.datetime(2026, 7, 31, 12, tzinfo=dt.UTC)
    assert b.retain_until is None  # opening B is still open: the clock has not started
    services.set_retention_months(session, 1, actor=None)
    session.commit()
    session.refresh(a)
    assert a.retain_until.replace(tzinfo=dt.UTC) == dt.datetime(2026, 2, 28, 12, tzinfo=dt.UTC)


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(dt.datetime(2026, 8, 31), 6) == dt.datetime(2027, 2, 28)
    assert add_months(dt.datetime(2027, 11, 30), 3) == dt.datetime(2028, 2, 29)
    assert add_months(dt.datetime(2026, 1, 15), 12) == dt.datetime(2027, 1, 15)


def test_purge_erases_only_what_is_due_and_audits_it(app, world, session, storage) -> None:
    key_a, key_b = world.document_a.storage_key, world.document_b.storage_key
    opening = session.get(Opening, world.opening_a)
    opening.status = "closed"
    opening.closed_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)
    session.commit()
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "purged 1 candidates, deleted 1 files" in result.output
    session.expire_all()
    a = session.get(Candidate, world.application_a.candidate_id)
    b = session.get(Candidate, world.application_b.candidate_id)
    assert a.erased_at is not None and a.name is None and a.email is None  # unknown now
    assert b.erased_at is None and b.name == "Bogdan Ionescu"
    assert not storage.exists(key_a) and storage.exists(key_b)
    assert (
        session.scalars(
            select(Document).where(Document.application_id == world.application_a.id)
        ).all()
        == []
    )
    application = session.get(Application, world.application_a.id)
    assert application.status == "new"  # counts per opening and status survive, anonymous
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "candidate.purged"))
    assert event.detail["reason"] == "retention"
    # Running it again finds nothing more to do.
    report = services.purge_task(app.extensions["recruit.sessions"], storage)
    assert report == services.PurgeReport(0, 0)


def test_admin_sets_retention_and_reads_the_audit_log(web, world, session) -> None:
    admin = web.test_client()
    sign_in_as(admin, world.users["admin"])
    assert "6 months" in admin.get("/admin/privacy").text
    admin.post("/admin/privacy/retention", data={"months": "3"})
    assert services.retention_months(session) == 3
    assert admin.post("/admin/privacy/retention", data={"months": "0"}).status_code == 200
    assert services.retention_months(session) == 3
    log = admin.get("/admin/audit")
    assert "retention.changed" in log.text and "admin@example.com" in log.text
    filtered = admin.get("/admin/audit?action=retention.changed")
    assert "<td>opening.member_added</td>" not in filtered.text
    assert "<td>retention.changed</td>" in filtered.text


def test_staff_pages_still_work_after_an_erasure(web, world, session, storage) -> None:
    _read(session, world)
    services.erase_candidate(
        session, storage, session.get(Candidate, world.application_a.candidate_id), reason="t"
    )
    client = web.test_client()
    sign_in_as(client, world.users["recruiter"])
    for url in (
        "/recruiter/",
        f"/recruiter/openings/{world.opening_a}",
        f"/recruiter/openings/{world.opening_a}?view=unscored",
        f"/recruiter/openings/{world.opening_a}/export.csv",
        "/recruiter/needs-review",
        f"/api/v1/openings/{world.opening_a}/applications",
        f"/api/v1/openings/{world.opening_a}/applications?view=unscored",
    ):
        response = client.get(url)
        body = response.get_data(as_text=True)
        response.close()
        assert response.status_code == 200, url
        assert "Ana Popescu" not in body and "ana.popescu" not in body, url


def test_the_status_page_leads_to_the_data_pages_in_romanian(web, world) -> None:
    client = web.test_client()
    token = world.application_a.status_token
    ro = {"Accept-Language": "ro"}
    status = client.get(f"/status/{token}", headers=ro).text
    assert f'href="/privacy/data/{token}"' in status
    assert "Datele dumneavoastră: descărcați-le sau ștergeți-le" in status
    data = client.get(f"/privacy/data/{token}", headers=ro).text
    assert "Pentru candidatura dumneavoastră la <strong>Account Manager</strong>" in data
    assert "1 fișier CV, textul citit din el" in data
    assert "Șterge candidatura și datele mele" in data and "Your data" not in data
    erase = client.get(f"/privacy/data/{token}/erase", headers=ro).text
    assert "Descărcați mai întâi o copie" in erase and "Renunță" in erase
    notice = client.get("/privacy/", headers=ro).text
    assert "<h1>Nota de informare privind datele personale</h1>" in notice
    erased = client.post(f"/privacy/data/{token}/erase", data={"confirm": "y"}, headers=ro).text
    assert "Datele dumneavoastră au fost șterse" in erased


def test_the_data_page_shows_an_opening_title_as_text(web, world, session) -> None:
    session.get(Opening, world.opening_b).title = "Sales & <b>Key</b> accounts"
    session.commit()
    page = web.test_client().get(f"/privacy/data/{world.application_b.status_token}").text
    assert "to <strong>Sales &amp; &lt;b&gt;Key&lt;/b&gt; accounts</strong> we hold" in page


def test_the_embedded_worker_runs_the_retention_purge_itself(
    app, world, session, storage, monkeypatch
) -> None:
    from recruit import tasks
    from recruit.runner import LocalRunner

    opening = session.get(Opening, world.opening_a)
    opening.status = "closed"
    opening.closed_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=200)
    session.commit()
    monkeypatch.setattr(tasks, "PURGE_FIRST", dt.timedelta(0))
    # No reading threads: only the purge runs.
    runner = LocalRunner(tasks.TaskContext(app.extensions["recruit.sessions"], storage), threads=0)
    runner.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            session.expire_all()
            if session.get(Candidate, world.application_a.candidate_id).erased_at is not None:
                break
            time.sleep(0.1)
    finally:
        runner.stop()
    session.expire_all()
    assert session.get(Candidate, world.application_a.candidate_id).erased_at is not None
    assert session.get(Candidate, world.application_b.candidate_id).erased_at is None
