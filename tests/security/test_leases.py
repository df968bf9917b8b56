"""A reader killed mid-document (issue 12, row 10): the next worker on its host takes it at once.

Before, the candidate saw "Being read" for the whole 5-minute lease after a crash. Leases now
name their holder (host, process id and that process's start time); a worker starting on that
host queues again what dead processes held, so a crash costs seconds, and a pid the system gave
to a new process since does not keep a dead holder's lease.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from sqlalchemy import update

from recruit import services
from recruit.db.models import Document, utcnow
from recruit.services.documents import claim_document
from recruit.tasks import WARM_UP_CVS, TaskContext, tiny_pdf

CLAIM_AND_HANG = """
import sys, time
from recruit.db import make_engine, make_sessionmaker
from recruit.services.documents import claim_document
session = make_sessionmaker(make_engine(sys.argv[1]))()
assert claim_document(session, int(sys.argv[2]))
print("claimed", flush=True)
time.sleep(600)
"""


def _document(session, storage, data: bytes) -> int:
    stored = storage.put(data)
    document = services.add_document(session, stored.key, stored.sha256, stored.size, "cv.pdf")
    session.commit()
    return document.id


def _claimed_by_a_killed_process(database_url: str, document_id: int) -> int:
    """Claim the document in another process, as a worker does, then SIGKILL it; its pid."""
    with subprocess.Popen(
        [sys.executable, "-c", CLAIM_AND_HANG, database_url, str(document_id)],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "claimed"
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
    return proc.pid


def _ctx(app) -> TaskContext:
    return TaskContext(app.extensions["recruit.sessions"], app.extensions["recruit.storage"])


def test_a_claim_names_its_host_and_process(app, session, storage) -> None:
    doc_id = _document(session, storage, b"%PDF-1.4 claim")
    assert claim_document(session, doc_id)
    document = session.get(Document, doc_id)
    assert (document.lease_host, document.lease_pid) == (socket.gethostname(), os.getpid())
    # The start time is the one Linux keeps for this process (field 22 of /proc/<pid>/stat).
    with open(f"/proc/{os.getpid()}/stat") as handle:
        starttime = int(handle.read().rsplit(")", 1)[1].split()[19])
    assert document.lease_started == starttime > 0


def _hold(session, doc_id: int, pid: int, started: int | None) -> None:
    session.execute(
        update(Document)
        .where(Document.id == doc_id)
        .values(
            status="reading",
            lease_until=utcnow() + dt.timedelta(minutes=5),
            lease_host=socket.gethostname(),
            lease_pid=pid,
            lease_started=started,
            attempts=1,
        )
    )


def test_a_dead_holders_pid_taken_by_a_new_process_does_not_keep_its_lease(
    app, session, storage
) -> None:
    """Pids are reused: the lease's pid running again, started at another time, is not the holder.

    The holder ran and died (its start time is what its claim recorded); another process now
    runs under the pid on record. Before, that process kept the dead holder's lease alive.
    """
    from recruit.core.lifeline import process_start

    with subprocess.Popen(["sleep", "0"]) as holder:
        started = process_start(holder.pid)
        holder.wait(30)
    assert started is not None and process_start(holder.pid) is None  # the holder is gone
    time.sleep(0.05)  # start times count clock ticks (1/100 s): the next one starts later
    with subprocess.Popen(["sleep", "600"]) as newcomer:
        try:
            now = process_start(newcomer.pid)
            assert now is not None and now > started
            recycled = _document(session, storage, b"%PDF-1.4 recycled pid")
            live = _document(session, storage, b"%PDF-1.4 live holder")
            unknown = _document(session, storage, b"%PDF-1.4 lease of an older claim")
            # The newcomer's pid with the dead holder's start time: as if the pid came round.
            _hold(session, recycled, newcomer.pid, started)
            _hold(session, live, newcomer.pid, now)  # the newcomer's own lease: alive
            _hold(session, unknown, newcomer.pid, None)  # no start time: the pid decides
            session.commit()
            reclaimed = services.reclaim_dead_leases(session)
            session.expire_all()
            assert [doc_id for doc_id, _ in reclaimed] == [recycled]
            assert session.get(Document, recycled).status == "queued"
            assert session.get(Document, recycled).lease_started is None
            assert session.get(Document, live).status == "reading"
            assert session.get(Document, unknown).status == "reading"
        finally:
            newcomer.kill()
            newcomer.wait(30)
    # Once the newcomer is gone too, its own lease goes back as well.
    assert [doc_id for doc_id, _ in services.reclaim_dead_leases(session)] == [live, unknown]


def test_a_starting_worker_takes_back_at_once_what_a_killed_one_held(
    app, session, storage, database_url
) -> None:
    from recruit.runner import LocalRunner

    killed = _document(session, storage, tiny_pdf(WARM_UP_CVS[0]))
    dead_pid = _claimed_by_a_killed_process(database_url, killed)
    elsewhere = _document(session, storage, b"%PDF-1.4 elsewhere")
    alive = _document(session, storage, b"%PDF-1.4 alive")
    for doc_id, host, pid in ((elsewhere, "another-host", dead_pid), (alive, None, os.getppid())):
        session.execute(
            update(Document)
            .where(Document.id == doc_id)
            .values(
                status="reading",
                lease_until=utcnow() + dt.timedelta(minutes=5),
                lease_host=host or socket.gethostname(),
                lease_pid=pid,
                attempts=1,
            )
        )
    session.commit()
    session.expire_all()
    assert session.get(Document, killed).status == "reading"
    assert session.get(Document, killed).lease_pid == dead_pid

    runner = LocalRunner(_ctx(app), threads=0)  # no reading threads: only what start() does
    runner.start()
    runner.stop(timeout=0)
    session.expire_all()
    document = session.get(Document, killed)
    assert (document.status, document.lease_until, document.attempts) == ("queued", None, 1)
    # Another host's lease may be a live worker there; a live process here is reading still.
    assert session.get(Document, elsewhere).status == "reading"
    assert session.get(Document, alive).status == "reading"

    assert runner.run_until_idle() == 1
    session.expire_all()
    assert session.get(Document, killed).status == "ok"
    assert session.get(Document, killed).attempts == 2


@pytest.mark.slow
def test_a_starting_rq_worker_takes_it_back_and_reads_it(
    app, session, storage, database_url, redis_url, queue_name
) -> None:
    from recruit.queue import QueueSettings, run_worker

    killed = _document(session, storage, tiny_pdf(WARM_UP_CVS[1]))
    _claimed_by_a_killed_process(database_url, killed)
    run_worker(_ctx(app), QueueSettings(redis_url, name=queue_name), burst=True)
    session.expire_all()
    assert session.get(Document, killed).status == "ok"
