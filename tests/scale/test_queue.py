"""Claims, releases, the enqueue-after-commit hook, the sweep and RQ retries (fast tests)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from recruit import services
from recruit.db.models import Document, Score
from recruit.services.documents import claim_document
from recruit.storage import StorageUnavailable
from recruit.tasks import TaskContext, claim_and_read, rescore_opening


def _documents(session, storage, n: int) -> list[int]:
    ids = []
    for i in range(n):
        stored = storage.put(f"not a pdf {i}".encode())
        doc = services.add_document(session, stored.key, stored.sha256, stored.size, f"{i}.pdf")
        ids.append(doc.id)
    session.commit()
    return ids


def _ctx(app, storage=None, lease=dt.timedelta(minutes=5)) -> TaskContext:
    return TaskContext(
        app.extensions["recruit.sessions"], storage or app.extensions["recruit.storage"], lease
    )


def test_a_document_is_claimed_once_until_its_lease_runs_out(app, session, storage) -> None:
    (doc_id,) = _documents(session, storage, 1)
    now = dt.datetime.now(dt.UTC)
    assert claim_document(session, doc_id, now=now)
    assert not claim_document(session, doc_id, now=now + dt.timedelta(minutes=4))
    assert claim_document(session, doc_id, now=now + dt.timedelta(minutes=6))
    assert session.get(Document, doc_id).attempts == 2


def test_concurrent_claims_never_hand_out_a_document_twice(app, session, storage) -> None:
    ids = _documents(session, storage, 40)
    sessions = app.extensions["recruit.sessions"]
    claimed: list[int] = []
    lock = threading.Lock()

    def claim_all() -> None:
        with sessions() as s:
            while (doc_id := services.claim_next_document(s)) is not None:
                with lock:
                    claimed.append(doc_id)

    threads = [threading.Thread(target=claim_all) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(claimed) == ids


def test_claim_skips_a_row_another_worker_has_locked(app, session, storage) -> None:
    if session.bind.dialect.name != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's")
    first, second = _documents(session, storage, 2)
    with app.extensions["recruit.sessions"]() as other:
        # Another worker is between its SELECT ... FOR UPDATE and its UPDATE on `first`.
        other.execute(select(Document).where(Document.id == first).with_for_update())
        assert services.claim_next_document(session) == second
        other.rollback()
    assert services.claim_next_document(session) == first


def test_a_duplicate_delivery_does_not_read_again(app, session, storage) -> None:
    (doc_id,) = _documents(session, storage, 1)
    ctx = _ctx(app)
    assert claim_and_read(ctx, doc_id) == "error"  # "not a pdf": read, with its error
    assert claim_and_read(ctx, doc_id) is None
    session.expire_all()
    assert session.get(Document, doc_id).attempts == 1


def test_a_transient_failure_hands_the_claim_back_and_raises(
    app, session, storage, monkeypatch
) -> None:
    (doc_id,) = _documents(session, storage, 1)

    def away(key: str) -> bytes:
        raise StorageUnavailable("store away")

    monkeypatch.setattr(storage, "get", away)
    with pytest.raises(StorageUnavailable):
        claim_and_read(_ctx(app, storage), doc_id)
    session.expire_all()
    doc = session.get(Document, doc_id)
    assert (doc.status, doc.lease_until, doc.attempts) == ("queued", None, 1)


def test_rescoring_an_opening_scores_stored_profiles(app, session, storage) -> None:
    from recruit.core.profile import Profile

    opening = services.create_opening(session, "Account Manager", "account-manager")
    submission = services.submit_application(
        session,
        storage,
        opening,
        name="Ana Pop",
        email="ana@example.com",
        phone="",
        filename="cv.pdf",
        data=b"%PDF- stand-in",
        consent_version="v1",
    )
    submission.document.status = "ok"
    submission.document.profile = Profile().to_dict()
    session.commit()
    assert rescore_opening(_ctx(app), opening.id) == 1
    assert session.scalar(select(Score.document_id)) == submission.document.id


# --- with Redis --------------------------------------------------------------------------


@pytest.fixture
def task_queue(queue_name: str, redis_url: str):
    from recruit.queue import QueueSettings, TaskQueue

    return TaskQueue(QueueSettings(redis_url, name=queue_name))


def test_documents_are_enqueued_after_commit_only(app, session, storage, task_queue) -> None:
    from recruit.queue import install

    install(app.extensions["recruit.sessions"], task_queue)
    with app.extensions["recruit.sessions"]() as s:
        stored = storage.put(b"rolled back")
        services.add_document(s, stored.key, stored.sha256, stored.size, "a.pdf")
        s.flush()
        assert task_queue.rq.count == 0  # flushed, not committed: a worker would not find it
        s.rollback()
        stored = storage.put(b"committed")
        doc = services.add_document(s, stored.key, stored.sha256, stored.size, "b.pdf")
        s.commit()
    assert task_queue.rq.job_ids == [task_queue.job_id(doc.id, 0)]


def test_a_batch_out_of_time_hands_the_rest_back_to_the_queue(
    app, session, storage, task_queue, monkeypatch
) -> None:
    from recruit import tasks
    from recruit.queue import install
    from recruit.tasks import claim_and_read_many

    ids = _documents(session, storage, 3)
    install(app.extensions["recruit.sessions"], task_queue)
    # No reading budget left after the first file: the batch reads that one only.
    monkeypatch.setattr(tasks, "reading_budget", lambda lease: 0.0)
    statuses = claim_and_read_many(_ctx(app), ids)
    assert statuses[ids[0]] == "error"  # read: "not a pdf"
    assert [statuses[i] for i in ids[1:]] == ["queued", "queued"]
    session.expire_all()
    for doc_id in ids[1:]:
        doc = session.get(Document, doc_id)
        # Unread and unclaimed, its claim not counted as an attempt.
        assert (doc.status, doc.attempts, doc.started_at, doc.text) == ("queued", 0, None, None)
        assert (doc.lease_until, doc.lease_host, doc.lease_pid) == (None, None, None)
    # Announced as new documents are: one job for the two, after the commit.
    assert task_queue.rq.job_ids == [task_queue.job_id(ids[1], 0)]
    assert task_queue.rq.fetch_job(task_queue.job_id(ids[1], 0)).args == (ids[1:],)
    monkeypatch.undo()
    assert claim_and_read_many(_ctx(app), ids[1:]) == {ids[1]: "error", ids[2]: "error"}


def test_the_reading_budget_ends_a_batch_inside_its_lease() -> None:
    from recruit.core.reading import Limits
    from recruit.services.documents import LEASE, reading_budget

    timeout = Limits().timeout_s
    assert 0 < reading_budget(LEASE) + timeout <= LEASE.total_seconds() * 0.8 - timeout
    # A test's lease of seconds: a quarter of it, not nothing (one file a batch).
    assert reading_budget(dt.timedelta(seconds=6)) == 1.5


def test_documents_go_in_even_jobs() -> None:
    from recruit.queue import even_chunks

    def sizes(n: int) -> list[int]:
        return [len(chunk) for chunk in even_chunks(list(range(n)), 16)]

    assert sizes(0) == [] and sizes(16) == [16] and sizes(48) == [16, 16, 16]
    assert sizes(20) == [10, 10]  # two workers share a small import
    assert sizes(33) == [11, 11, 11]
    assert [x for chunk in even_chunks(list(range(37)), 16) for x in chunk] == list(range(37))


def test_sweep_enqueues_what_no_job_will_read(app, session, storage, task_queue) -> None:
    from recruit.queue import sweep

    lost, abandoned, pending, fresh = _documents(session, storage, 4)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    for doc_id in (lost, abandoned, pending):
        session.get(Document, doc_id).created_at = long_ago
    # `abandoned` died with its worker: claimed once, lease over.
    dead = session.get(Document, abandoned)
    dead.status, dead.attempts, dead.lease_until = "reading", 1, long_ago
    session.commit()
    task_queue.enqueue_documents([(pending, 0)])

    ctx = _ctx(app)
    assert sweep(ctx, task_queue, grace=60) == 2
    assert set(task_queue.rq.job_ids) == {
        task_queue.job_id(pending, 0),
        task_queue.job_id(lost, 0),
        task_queue.job_id(abandoned, 1),
    }
    assert fresh not in {int(j.split("-")[-2]) for j in task_queue.rq.job_ids}
    assert sweep(ctx, task_queue, grace=60) == 0  # nothing twice


def test_sweep_leaves_the_documents_of_a_waiting_batch_job_alone(
    app, session, storage, task_queue
) -> None:
    from recruit.queue import sweep

    # A long import: its documents wait longer than the sweep's grace in jobs of several,
    # each job named after its first document.
    ids = _documents(session, storage, 5)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    for doc_id in ids:
        session.get(Document, doc_id).created_at = long_ago
    session.commit()
    task_queue.enqueue_documents([(doc_id, 0) for doc_id in ids[:4]], batch=4)
    ctx = _ctx(app)
    # Only the one no job holds; no job of its own for each of the others.
    assert sweep(ctx, task_queue, grace=60) == 1
    assert len(task_queue.rq.job_ids) == 2
    # Once the batch job is gone (finished, deleted), what it left queued is enqueued again.
    task_queue.rq.fetch_job(task_queue.job_id(ids[0], 0)).delete()
    assert sweep(ctx, task_queue, grace=60) == 4


def test_a_transient_failure_is_retried_with_backoff(
    app, session, storage, task_queue, monkeypatch
) -> None:
    from rq import SimpleWorker
    from rq.job import JobStatus

    import recruit.queue

    (doc_id,) = _documents(session, storage, 1)

    def away(key: str) -> bytes:
        raise StorageUnavailable("store away")

    monkeypatch.setattr(storage, "get", away)
    monkeypatch.setattr(recruit.queue, "_context", _ctx(app, storage))
    task_queue.enqueue_documents([(doc_id, 0)])
    worker = SimpleWorker([task_queue.rq], connection=task_queue.rq.connection)
    worker.work(burst=True)
    job = task_queue.rq.fetch_job(task_queue.job_id(doc_id, 0))
    assert job.get_status() == JobStatus.SCHEDULED  # retried in 10 s, not failed
    assert job.retries_left == 1
    session.expire_all()
    assert session.get(Document, doc_id).status == "queued"
