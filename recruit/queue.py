"""Distributed tasks on RQ (Redis Queue), used when RECRUIT_REDIS_URL is set.

The jobs call the same task functions as the embedded runner (recruit.tasks). Redis only
carries "please read document N": the claim on the Document row (a lease) is the lock, so a
job delivered twice or re-delivered after its worker died never reads a document twice at
once, and a periodic sweep re-enqueues what Redis lost (a worker killed mid-read, a failed
enqueue, a flushed Redis) from the database, which stays the source of truth.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from redis import Redis
from rq import Queue, Retry, SimpleWorker, get_current_job
from rq.exceptions import DeserializationError
from rq.job import Job, JobStatus
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from recruit.backoff import Backoff
from recruit.core.lifeline import bind_forks
from recruit.db.models import Document, utcnow
from recruit.services.documents import ASKED_REREAD_BATCH, CLAIM_BATCH
from recruit.settings import Settings, default_instance_path
from recruit.tasks import (
    TaskContext,
    claim_and_read,
    claim_and_read_many,
    mail_loop,
    on_queued,
    purge_loop,
    reclaim_dead_leases,
    reread_batch,
    rescore_opening,
    warm_up,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

# Back off from a database or storage outage: 10 s, then a minute (then the lease and the sweep).
RETRY = Retry(max=2, interval=[10, 60])
DONE_STATUSES = {JobStatus.FINISHED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


@dataclass(frozen=True)
class QueueSettings:
    redis_url: str
    name: str = "recruit"
    lease: dt.timedelta = dt.timedelta(minutes=5)
    sweep_every: float = 30.0

    @property
    def job_timeout(self) -> int:
        """Stop a job well before its lease runs out, so a lease never expires under a live read."""
        return max(1, int(self.lease.total_seconds() * 0.8))

    @classmethod
    def from_env(cls, redis_url: str, env: Mapping[str, str] | None = None) -> QueueSettings:
        """Read RECRUIT_QUEUE, RECRUIT_LEASE_SECONDS and RECRUIT_SWEEP_SECONDS."""
        env = os.environ if env is None else env
        return cls(
            redis_url=redis_url,
            name=env.get("RECRUIT_QUEUE") or "recruit",
            lease=dt.timedelta(seconds=float(env.get("RECRUIT_LEASE_SECONDS") or 300)),
            sweep_every=float(env.get("RECRUIT_SWEEP_SECONDS") or 30),
        )


class TaskQueue:
    """The RQ queue documents and re-scoring go to, with the timeouts its jobs need."""

    def __init__(self, qs: QueueSettings, connection: Redis | None = None) -> None:
        self.settings = qs
        # A connect timeout: with Redis host unreachable, a web request enqueueing after its
        # commit must not hang for the system's minutes (the sweep enqueues it later).
        redis = connection or Redis.from_url(qs.redis_url, socket_connect_timeout=2)
        self.rq = Queue(qs.name, connection=redis)
        # Reading again what an older extractor read: a worker takes it only when the main
        # queue is empty, so new CVs never wait behind it.
        self.low = Queue(f"{qs.name}-low", connection=redis)

    def enqueue_documents(
        self, documents: Iterable[tuple[int, int]], *, batch: int | None = None
    ) -> int:
        """Enqueue (document id, attempts) pairs in one round trip; return how many documents.

        Documents committed together go in jobs of up to CLAIM_BATCH, as even as can be (20
        documents: 10 + 10, not 16 + 4, so two workers share them): each job claims its documents
        in one transaction and stores them in one commit, and RQ's bookkeeping is paid per
        job. A job is named after its first document (`job_id`); the sweep may enqueue the
        others of a job that waits long once more on their own, which costs a claim that
        finds them read or taken. The sweep itself enqueues one job per document (`batch=1`),
        each named so that its next round finds it.
        """
        pending = sorted(documents)
        chunks = even_chunks(pending, max(1, batch or CLAIM_BATCH))
        jobs = [
            Queue.prepare_data(
                read_document_job if len(chunk) == 1 else read_documents_job,
                args=(chunk[0][0],) if len(chunk) == 1 else ([doc_id for doc_id, _ in chunk],),
                job_id=self.job_id(*chunk[0]),
                timeout=self.settings.job_timeout,
                retry=RETRY,
                result_ttl=600,
                failure_ttl=7 * 24 * 3600,
            )
            for chunk in chunks
        ]
        if jobs:
            self.rq.enqueue_many(jobs)
        return len(pending)

    def job_id(self, document_id: int, attempts: int) -> str:
        """Name a document's job by its claim count, so each re-delivery after a crash is new.

        The queue name comes first: two deployments (or test runs) may share one Redis.
        """
        return f"{self.settings.name}-doc-{document_id}-{attempts}"

    def enqueue_rescore(self, opening_id: int) -> Job:
        """Enqueue re-scoring an opening's stored profiles (after its requirements changed)."""
        return self.rq.enqueue(
            rescore_opening_job, opening_id, job_timeout=self.settings.job_timeout, retry=RETRY
        )

    def enqueue_reread(self, jobs: int = 1, *, among: list[int] | None = None) -> list[Job]:
        """Enqueue `jobs` low-priority jobs that each read again a small batch (`among`: these
        documents, on the main queue: someone asked for them now)."""
        if among is not None:
            return [
                self.rq.enqueue(
                    reread_documents_job,
                    list(chunk),
                    job_timeout=self.settings.job_timeout,
                    retry=RETRY,
                )
                for chunk in even_chunks(among, ASKED_REREAD_BATCH)
            ]
        return [
            self.low.enqueue(reread_next_job, job_timeout=self.settings.job_timeout, retry=RETRY)
            for _ in range(jobs)
        ]


def even_chunks(items: Sequence[T], most: int) -> list[Sequence[T]]:
    """Cut `items` into the fewest chunks of at most `most`, sizes differing by one at most."""
    count = -(-len(items) // most)
    size, extra = divmod(len(items), count) if count else (0, 0)
    chunks, at = [], 0
    for n in range(count):
        step = size + (n < extra)
        chunks.append(items[at : at + step])
        at += step
    return chunks


def install(sessions: sessionmaker[Session], queue: TaskQueue) -> None:
    """Enqueue every document created as queued through `sessions`, right after its commit.

    If Redis is away the document stays queued in the database and the workers' sweep
    enqueues it later.
    """

    def enqueue(pending: dict[int, int]) -> None:
        queue.enqueue_documents(pending.items())

    on_queued(sessions, enqueue)


def sweep(
    ctx: TaskContext,
    queue: TaskQueue,
    *,
    grace: float = 30.0,
    limit: int = 1000,
    reread: bool | None = None,
) -> int:
    """Re-enqueue documents that no live job will read: expired leases, lost enqueues; and
    when nothing waits on the low queue, start reading again what an older extractor read."""
    reread = ctx.reread if reread is None else reread
    now = utcnow()
    with ctx.sessions() as session:
        rows = session.execute(
            select(Document.id, Document.attempts, Document.status)
            .where(
                or_(
                    (Document.status == "queued")
                    & (Document.created_at < now - dt.timedelta(seconds=grace)),
                    (Document.status == "reading") & (Document.lease_until < now),
                )
            )
            .order_by(Document.id)
            .limit(limit)
        ).all()
    if reread and queue.low.count == 0:
        _sweep_rereads(ctx, queue)
    if not rows:
        return 0
    ids = [queue.job_id(doc_id, attempts) for doc_id, attempts, _ in rows]
    existing = Job.fetch_many(ids, connection=queue.rq.connection)
    # A job of several documents is named after its first: the others wait in it too. (A
    # lease run out is another matter: the job that claimed it died with its worker.)
    waiting = _documents_in_jobs(queue) if any(s == "queued" for *_, s in rows) else set()
    missing = [
        (doc_id, attempts)
        for (doc_id, attempts, status), job in zip(rows, existing, strict=True)
        if (job is None or job.get_status(refresh=False) in DONE_STATUSES)
        and not (status == "queued" and doc_id in waiting)
    ]
    if missing:
        log.info("sweep: re-enqueued %d documents", len(missing))
    return queue.enqueue_documents(missing, batch=1)


def _documents_in_jobs(queue: TaskQueue) -> set[int]:
    """Return the documents that jobs of several, queued, running or due to retry, will read."""
    rq = queue.rq
    ids = [
        *rq.get_job_ids(),
        *rq.started_job_registry.get_job_ids(),
        *rq.scheduled_job_registry.get_job_ids(),
    ]
    found: set[int] = set()
    for job in Job.fetch_many(ids, connection=rq.connection):
        if job is None:
            continue
        try:
            if job.func_name == _READ_MANY:
                found.update(job.args[0])
        except DeserializationError:
            continue  # not ours to read (another version's job): it covers nothing here
    return found


# Low-priority jobs the sweep starts when documents wait to be read again; each one that
# finds a full batch enqueues its successor, so the catching up goes on between sweeps.
REREAD_JOBS = 2


def _sweep_rereads(ctx: TaskContext, queue: TaskQueue) -> None:
    from recruit.services.documents import stale_documents

    if ctx.reread_quiet.active():
        return
    with ctx.sessions() as session:
        waiting = stale_documents(session, limit=1)  # whether any: not a count of thousands
    if not waiting:
        ctx.reread_quiet.begin()
    else:
        log.info("sweep: documents wait to be read again; %d jobs on the low queue", REREAD_JOBS)
        queue.enqueue_reread(REREAD_JOBS)


# --- inside a worker process -------------------------------------------------------------

_context: TaskContext | None = None
_context_lock = threading.Lock()


def worker_context() -> TaskContext:
    """Return this process's task context, built once from the environment."""
    global _context
    with _context_lock:
        if _context is None:
            settings = Settings.from_env(default_instance_path())
            lease = QueueSettings.from_env(settings.redis_url or "").lease
            _context = TaskContext.from_settings(settings, lease=lease)
        return _context


def read_document_job(document_id: int) -> str | None:
    """RQ job: claim and read one document (a no-op when someone else holds it)."""
    return claim_and_read(worker_context(), document_id)


def read_documents_job(document_ids: list[int]) -> dict[int, str]:
    """RQ job: claim what is left to read of these documents, read them, one commit."""
    return claim_and_read_many(worker_context(), document_ids)


_READ_MANY = f"{read_documents_job.__module__}.{read_documents_job.__qualname__}"


def reread_next_job() -> dict[int, str]:
    """RQ job (low queue): read again a small batch an older extractor read; enqueue the
    next one when the batch was full (more are likely waiting)."""
    from recruit.tasks import REREAD_BATCH

    ctx = worker_context()
    results = reread_batch(ctx, REREAD_BATCH)
    job = get_current_job()
    if len(results) >= REREAD_BATCH and ctx.reread and job is not None:
        Queue(job.origin, connection=job.connection).enqueue(
            reread_next_job, job_timeout=job.timeout, retry=RETRY
        )
    return results


def reread_documents_job(document_ids: list[int], force: bool = False) -> dict[int, str]:
    """RQ job: read these documents again now (`recruit reread`)."""
    return reread_batch(worker_context(), len(document_ids), among=document_ids, force=force)


def rescore_opening_job(opening_id: int) -> int:
    """RQ job: re-score an opening's stored profiles."""
    return rescore_opening(worker_context(), opening_id)


def run_worker(ctx: TaskContext, qs: QueueSettings, *, burst: bool = False) -> None:
    """Serve the queue in this process until stopped (SIGTERM / Ctrl-C finish the current job)."""
    global _context
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"
    )
    _context = ctx
    queue = TaskQueue(qs)
    # What a killed worker of this host was reading goes back to the queue now, not in 5 min.
    queue.enqueue_documents(reclaim_dead_leases(ctx))
    warm_up()
    stop = threading.Event()
    sweeper = threading.Thread(
        target=_sweep_loop, args=(ctx, queue, qs, stop), name="recruit-sweep", daemon=True
    )
    sweeper.start()
    threading.Thread(target=purge_loop, args=(ctx, stop), name="recruit-purge", daemon=True).start()
    threading.Thread(target=mail_loop, args=(ctx, stop), name="recruit-mail", daemon=True).start()
    # RQ forks its scheduler: it must die with us, even when we are SIGKILLed (it held
    # rq:scheduler-lock for half an hour after its worker was gone).
    bind_forks()
    try:
        # SimpleWorker reads in this process: no fork per job, so the warm pipelines stay.
        worker = SimpleWorker([queue.rq, queue.low], connection=queue.rq.connection)
        worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        stop.set()


def _sweep_loop(
    ctx: TaskContext, queue: TaskQueue, qs: QueueSettings, stop: threading.Event
) -> None:
    # Wait a moment first: RQ forks its scheduler when work() starts, and the child should not
    # inherit database connections this thread opened.
    stop.wait(min(2.0, qs.sweep_every))
    backoff = Backoff("sweep", log, first=qs.sweep_every, cap=max(60.0, qs.sweep_every))
    while not stop.is_set():
        try:
            sweep(ctx, queue, grace=qs.sweep_every)
        except Exception as exc:  # the database or Redis away: wait longer, log once a minute
            stop.wait(backoff.failed(exc))
            continue
        backoff.succeeded()
        stop.wait(qs.sweep_every)
