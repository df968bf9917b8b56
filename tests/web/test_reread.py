"""Documents an older extractor read are read again: by the idle embedded worker, by the RQ
sweep's low-priority jobs and by `recruit reread`. Status, notes and history stay; profile,
text and score are replaced; a file that no longer reads keeps its old reading (SQLite, and
PostgreSQL with RECRUIT_TEST_DATABASE_URL)."""

from __future__ import annotations

import json
import logging
import threading
import time

import pytest
from sqlalchemy import func, select

from recruit import services
from recruit.backoff import Backoff
from recruit.core.pipeline import EXTRACTOR_VERSION
from recruit.db.models import Application, AuditEvent, Document, Note, Score
from recruit.services import review
from recruit.services.documents import outdated, stale, stale_documents
from recruit.tasks import TaskContext, reread_batch, tiny_pdf
from tests.web import factories as f

# An invented CV that the current reader reads well (sales work, skills, languages, licence).
CV_LINES = (
    "Maria Ionescu",
    "Key Account Manager",
    "Experienta profesionala",
    "2018 - prezent Key Account Manager, Distributie Nord SRL, Iasi",
    "Vanzari B2B, negociere contracte, portofoliu de clienti, targete lunare",
    "2014 - 2018 Agent vanzari, Comert Est SRL, Iasi",
    "Educatie: Licenta in Stiinte Economice, 2010 - 2014",
    "Competente: negociere, vanzari, CRM, Microsoft Excel, limba engleza C1, permis B",
)
OLD_PROFILE = {"language": "ro", "skills": [], "words": 3}


def _stale_candidate(session, storage, data: bytes, status: str = "ok") -> tuple[int, int]:
    """An application whose CV version 2 read into a poor profile; a note and a status."""
    recruiter = f.staff(session, "recruiter")
    opening = f.opening(session, recruiter)
    application = f.read_application(session, opening, "Maria Ionescu", {"crm": "CRM"})
    application.status = "interview"
    document = application.documents[0]
    stored = storage.put(data)
    document.storage_key, document.sha256, document.size = stored.key, stored.sha256, stored.size
    document.status = status
    document.error_code = "low_text" if status == "needs_review" else None
    document.text = "old text"
    document.profile = dict(OLD_PROFILE)
    document.extractor_version = "2"
    session.add(Note(application_id=application.id, author_id=recruiter.id, body="called, keen"))
    session.flush()
    services.score_document(session, document, opening)
    session.commit()
    return application.id, document.id


@pytest.fixture
def task_queue(queue_name: str, redis_url: str):
    from recruit.queue import QueueSettings, TaskQueue

    return TaskQueue(QueueSettings(redis_url, name=queue_name))


def _ctx(app) -> TaskContext:
    return TaskContext(app.extensions["recruit.sessions"], app.extensions["recruit.storage"])


def _state(session, application_id: int, document_id: int) -> dict:
    session.expire_all()
    document = session.get(Document, document_id)
    application = session.get(Application, application_id)
    return {
        "version": document.extractor_version,
        "status": document.status,
        "error_code": document.error_code,
        "text": document.text,
        "profile": document.profile,
        "score": application.score,
        "app_status": application.status,
        "notes": [n.body for n in application.notes],
        "totals": sorted(
            session.scalars(select(Score.total).where(Score.document_id == document_id))
        ),
    }


def _assert_reread(session, ids: tuple[int, int], before: dict) -> None:
    after = _state(session, *ids)
    assert after["version"] == EXTRACTOR_VERSION
    assert (after["status"], after["error_code"]) == (before["status"], before["error_code"])
    assert after["app_status"] == "interview" and after["notes"] == ["called, keen"]
    assert "Distributie Nord" in after["text"] and after["profile"]["skills"]
    assert after["score"] > before["score"]  # the shortlist's column follows the new score
    # The old reading's breakdown is gone; the candidate page's first view explains the new
    # score, the same as the shortlist's.
    assert before["totals"] and not after["totals"]
    application = session.get(Application, ids[0])
    detail = review.candidate_detail(session, application)
    session.commit()
    assert detail.score is not None and detail.score.total == after["score"]
    assert _state(session, *ids)["totals"] == [after["score"]]


def test_versions_older_than_the_current_one_are_stale() -> None:
    assert stale("2") and stale(None) and not stale(EXTRACTOR_VERSION)
    assert not stale(f"2!{EXTRACTOR_VERSION}")  # this version tried and failed: not again
    assert stale("2!1")  # an older version failed: this one tries
    assert outdated("2") == "waiting" and outdated(f"2!{EXTRACTOR_VERSION}") == "failed"
    assert outdated(EXTRACTOR_VERSION) is None


@pytest.mark.parametrize("status", ["ok", "needs_review"])
def test_the_idle_embedded_worker_reads_it_again(app, session, storage, status) -> None:
    from recruit.runner import LocalRunner

    ids = _stale_candidate(session, storage, tiny_pdf(CV_LINES), status)
    before = _state(session, *ids)
    audits = session.scalar(select(func.count()).select_from(AuditEvent))
    runner = LocalRunner(_ctx(app), threads=1, idle_sleep=0.2)
    runner.start()
    try:
        deadline = time.monotonic() + 60
        while _state(session, *ids)["version"] != EXTRACTOR_VERSION:
            assert time.monotonic() < deadline, "not read again within 60 s"
            time.sleep(0.2)
    finally:
        runner.stop()
    _assert_reread(session, ids, before)
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == audits
    lease = session.get(Document, ids[1])
    assert (lease.lease_until, lease.lease_pid) == (None, None)


def test_reread_off_leaves_it_alone(app, session, storage) -> None:
    from recruit.settings import Settings
    from recruit.tasks import Wakeup, serve_documents

    assert Settings.from_env(app.instance_path, {"RECRUIT_REREAD": "off"}).reread is False
    assert Settings.from_env(app.instance_path, {}).reread is True
    ids = _stale_candidate(session, storage, tiny_pdf(CV_LINES))
    ctx = TaskContext(
        app.extensions["recruit.sessions"], app.extensions["recruit.storage"], reread=False
    )
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_documents,
        args=(ctx, stop, Backoff("test", logging.getLogger(__name__)), 0.05),
        kwargs={"wakeup": Wakeup()},
    )
    thread.start()
    time.sleep(1.0)
    stop.set()
    thread.join(10)
    assert _state(session, *ids)["version"] == "2"


def test_a_file_that_no_longer_reads_stays_as_it_was(app, session, storage) -> None:
    ids = _stale_candidate(session, storage, b"not a pdf at all", status="needs_review")
    before = _state(session, *ids)
    assert reread_batch(_ctx(app)) == {ids[1]: "failed"}
    after = _state(session, *ids)
    assert after["version"] == f"2!{EXTRACTOR_VERSION}"
    for key in ("status", "error_code", "text", "profile", "score", "app_status", "notes"):
        assert after[key] == before[key], key
    assert stale_documents(session) == []  # not tried again by this version
    assert reread_batch(_ctx(app)) == {}


def test_a_new_upload_is_read_before_the_catching_up(app, session, storage) -> None:
    from recruit.tasks import run_next

    ids = _stale_candidate(session, storage, tiny_pdf(CV_LINES))
    stored = storage.put(tiny_pdf(CV_LINES[:3]))
    fresh = services.add_document(session, stored.key, stored.sha256, stored.size, "new.pdf")
    session.commit()
    # The worker's loop: a queued document first; the stale one only when nothing is queued.
    assert run_next(_ctx(app)) == fresh.id
    assert _state(session, *ids)["version"] == "2"
    assert run_next(_ctx(app)) is None
    assert reread_batch(_ctx(app)) == {ids[1]: "reread"}


def test_the_command_reads_them_again_now(app, session, storage) -> None:
    ids = _stale_candidate(session, storage, tiny_pdf(CV_LINES))
    broken = _stale_candidate(session, storage, b"%PDF-1.4 broken")
    before = _state(session, *ids)
    opening_id = session.get(Application, ids[0]).opening_id
    runner = app.test_cli_runner(mix_stderr=False) if _mixes() else app.test_cli_runner()
    result = runner.invoke(args=["reread", "--opening", str(opening_id)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary == {"documents": 1, "reread": 1, "failed": 0, "skipped": 0, "queued": False}
    _assert_reread(session, ids, before)
    assert _state(session, *broken)["version"] == "2"  # another opening's: not asked
    result = runner.invoke(args=["reread"])
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["documents"], summary["failed"]) == (1, 1)
    # --all: every read document again, current ones too.
    result = runner.invoke(args=["reread", "--all"])
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert (summary["documents"], summary["reread"], summary["failed"]) == (2, 1, 1)
    assert runner.invoke(args=["reread", "--opening", "999"]).exit_code != 0


def _mixes() -> bool:
    import inspect

    from click.testing import CliRunner

    return "mix_stderr" in inspect.signature(CliRunner.__init__).parameters


def test_the_sweep_feeds_a_low_queue_read_after_new_documents(
    app, session, storage, task_queue
) -> None:
    from rq import SimpleWorker

    from recruit.queue import sweep

    ids = _stale_candidate(session, storage, tiny_pdf(CV_LINES))
    before = _state(session, *ids)
    ctx = _ctx(app)
    sweep(ctx, task_queue)
    assert task_queue.low.count >= 1 and task_queue.rq.count == 0
    sweep(ctx, task_queue)  # jobs wait already: none more
    low = task_queue.low.count
    import recruit.queue

    recruit.queue._context = ctx
    try:
        SimpleWorker([task_queue.rq, task_queue.low], connection=task_queue.rq.connection).work(
            burst=True
        )
    finally:
        recruit.queue._context = None
    assert low <= 2
    _assert_reread(session, ids, before)
    assert not sweep(ctx, task_queue, reread=True) and task_queue.low.count == 0
    # `recruit reread` with Redis: jobs of these documents on the main queue.
    session.get(Document, ids[1]).extractor_version = "2"
    session.commit()
    task_queue.enqueue_reread(among=[ids[1]])
    assert task_queue.rq.count == 1
    recruit.queue._context = ctx
    try:
        SimpleWorker([task_queue.rq], connection=task_queue.rq.connection).work(burst=True)
    finally:
        recruit.queue._context = None
    assert _state(session, *ids)["version"] == EXTRACTOR_VERSION


def test_pages_say_it_is_being_read_again(web, session, storage, wclient) -> None:
    app_id, doc_id = _stale_candidate(session, storage, tiny_pdf(CV_LINES))
    application = session.get(Application, app_id)
    user = f.staff(session, "admin")
    session.commit()
    f.sign_in(wclient, user)
    for lang, words in (
        ("en", "read by an earlier version; being read again"),
        ("ro", "citit de o versiune anterioară; este citit din nou"),
    ):
        headers = {"Accept-Language": lang}
        url = f"/recruiter/applications/{app_id}"
        page = wclient.get(url, headers=headers).get_data(as_text=True)
        assert words in page, lang
        listing = wclient.get(
            f"/recruiter/openings/{application.opening_id}", headers=headers
        ).get_data(as_text=True)
        assert words in listing, lang
    assert reread_batch(_ctx(web)) == {doc_id: "reread"}
    page = wclient.get(f"/recruiter/applications/{app_id}").get_data(as_text=True)
    assert "data-outdated" not in page


def test_after_finding_none_an_idle_process_stops_looking_for_a_while(app, session, storage):
    # Between deployments nothing becomes stale, so an idle worker must not scan the
    # documents table every few seconds for ever; it looks again after the quiet spell.
    ctx = _ctx(app)
    assert reread_batch(ctx) == {}
    assert ctx.reread_quiet.active()
    ids = _stale_candidate(session, storage, tiny_pdf(CV_LINES))
    assert reread_batch(ctx) == {}  # quiet: it did not look
    assert reread_batch(ctx, among=[ids[1]]) == {ids[1]: "reread"}  # asked for: it reads
    assert not _ctx(app).reread_quiet.active()  # a new process looks at once
