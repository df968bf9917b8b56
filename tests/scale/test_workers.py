"""Two `recruit worker` processes on PostgreSQL + Redis import 200 CVs; one is killed mid-read.

Then the same folder through the embedded runner on SQLite must give the same profiles and
scores. Workers run as real subprocesses of the real command, and are killed in teardown.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from recruit.db import make_sessionmaker
from recruit.db.models import Application, Document
from recruit.services.documents import CLAIM_BATCH
from tests.scale.cvs import worker_env

pytestmark = pytest.mark.slow

LOG_LINE = re.compile(
    r" (?P<pid>\d+) recruit\.tasks INFO task (?P<event>start|done|later) document=(?P<id>\d+)"
)
FINAL = ("ok", "needs_review", "error")


def _recruit(*args: str, env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    run = subprocess.run(
        [sys.executable, "-m", "recruit.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        **kwargs,
    )
    assert run.returncode == 0, f"recruit {' '.join(args)}:\n{run.stderr[-3000:]}"
    return run


def _create_opening(database_url: str) -> int:
    from recruit import services

    engine = create_engine(database_url)
    with make_sessionmaker(engine)() as session:
        opening = services.create_opening(session, "Account Manager", "account-manager")
        session.commit()
        opening_id = opening.id
    engine.dispose()
    return opening_id


def _results(database_url: str) -> dict[str, tuple[str, str | None, Any, list[float]]]:
    """Return sha256 -> (status, error code, profile, score totals) for every document: the
    totals the shortlist shows for it (its application's, when that scored this document)."""
    engine = create_engine(database_url)
    with make_sessionmaker(engine)() as session:
        totals: dict[int, list[float]] = defaultdict(list)
        scored = select(Application.scored_document_id, Application.score).where(
            Application.scored_document_id.is_not(None)
        )
        for doc_id, total in session.execute(scored):
            totals[doc_id].append(round(total, 6))
        out = {
            d.sha256: (d.status, d.error_code, d.profile, sorted(totals[d.id]))
            for d in session.scalars(select(Document))
        }
    engine.dispose()
    return out


def _statuses(database_url: str) -> dict[int, tuple[str, int]]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(Document.id, Document.status, Document.attempts)).all()
    engine.dispose()
    return {doc_id: (status, attempts) for doc_id, status, attempts in rows}


def _events(log: Path) -> list[tuple[str, int]]:
    return [
        (m["event"], int(m["id"]))
        for m in (LOG_LINE.search(line) for line in log.read_text(errors="replace").splitlines())
        if m
    ]


def queue_env(tmp_path: Path, pg_url: str, redis_url: str, queue_name: str) -> dict[str, str]:
    """Return the environment of workers on PostgreSQL and a Redis queue of this test's."""
    return worker_env(
        tmp_path,
        pg_url,
        RECRUIT_REDIS_URL=redis_url,
        RECRUIT_QUEUE=queue_name,
        # Short lease and sweep so a killed worker's document comes back within seconds.
        RECRUIT_LEASE_SECONDS="6",
        RECRUIT_SWEEP_SECONDS="1",
    )


def start_worker(
    tmp_path: Path, env: dict[str, str], n: int
) -> tuple[subprocess.Popen[bytes], Path]:
    """Start `recruit worker` number `n` in a group of its own; return it and its log file."""
    log = tmp_path / f"worker-{n}.log"
    # An instance folder each: processes starting at once in one folder race while
    # compiling the translations (recruit.web.i18n writes one fixed temp file name).
    own = {**env, "RECRUIT_INSTANCE_PATH": str(tmp_path / f"instance-{n}")}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "recruit.cli", "worker"],
            env=own,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, so a test can clean up all of it
        )
    return proc, log


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[list[tuple[subprocess.Popen[bytes], Path]]]:
    """Room for worker processes; every one still alive is killed (with its group) at the end."""
    started: list[tuple[subprocess.Popen[bytes], Path]] = []
    yield started
    for proc, _log in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for proc, _log in started:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(max(0.1, deadline - time.monotonic()))
        # The group also holds RQ's scheduler process, which outlives a killed worker.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.fixture(scope="module")
def shared_results() -> dict[str, Any]:
    """What the worker test saw, for the SQLite comparison."""
    return {}


def test_two_workers_survive_one_killed_mid_read(
    tmp_path: Path,
    pg_url: str,
    redis_url: str,
    queue_name: str,
    generated_cvs: Path,
    workers: list[tuple[subprocess.Popen[bytes], Path]],
    shared_results: dict[str, Any],
) -> None:
    env = queue_env(tmp_path, pg_url, redis_url, queue_name)
    opening_id = _create_opening(pg_url)
    workers += [start_worker(tmp_path, env, n) for n in range(2)]

    imported = _recruit(
        "import", "--opening", str(opening_id), "--no-wait", str(generated_cvs), env=env
    )
    # Three broken files are no PDF by their bytes: the import skips them, as the form would.
    assert "197 added, 0 already imported, 0 duplicates, 3 skipped" in imported.stderr

    # Kill worker 0 (and its group) right after it logged the start of a read.
    victim, victim_log = workers[0]
    deadline = time.monotonic() + 90
    killed_at = None
    with victim_log.open("rb") as log:
        done, last = 0, None
        while time.monotonic() < deadline:
            for line in log.read().decode(errors="replace").splitlines():
                if m := LOG_LINE.search(line):
                    done += m["event"] == "done"
                    last = (m["event"], int(m["id"]))
            if done >= 20 and last and last[0] == "start":
                os.killpg(victim.pid, signal.SIGKILL)
                killed_at = last[1]
                break
            time.sleep(0.005)
    assert killed_at is not None, "worker 0 never got going:\n" + victim_log.read_text()[-3000:]
    victim.wait(10)

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        statuses = _statuses(pg_url)
        if all(status in FINAL for status, _ in statuses.values()):
            break
        time.sleep(0.5)
    statuses = _statuses(pg_url)

    # None lost: every document ended read or with its error.
    assert len(statuses) == 197
    assert {s for s, _ in statuses.values()} <= set(FINAL), statuses
    # The document being read when its worker died was read again, by the other worker.
    assert statuses[killed_at][1] >= 2

    # None twice: each document finished exactly once, and only the dead worker left starts
    # without an end: those of the job it was reading (a job holds up to CLAIM_BATCH
    # documents, stored in one commit, so all of them were read again).
    finished: dict[int, int] = defaultdict(int)
    unfinished: dict[int, int] = defaultdict(int)
    victim_open: set[int] = set()
    for n, (_proc, log) in enumerate(workers):
        open_starts: set[int] = set()
        for event, doc_id in _events(log):
            if event == "start":
                assert doc_id not in open_starts
                open_starts.add(doc_id)
            else:  # "later": its batch ran out of reading time and handed it back unread
                open_starts.discard(doc_id)
                finished[doc_id] += event == "done"
        if n == 0:
            assert killed_at in open_starts and len(open_starts) <= CLAIM_BATCH, open_starts
            victim_open = open_starts
        for doc_id in open_starts:
            unfinished[doc_id] += 1
    assert set(finished) == set(statuses)
    assert set(finished.values()) == {1}, {d: c for d, c in finished.items() if c != 1}
    assert set(unfinished) == victim_open
    assert all(statuses[doc_id][1] >= 2 for doc_id in victim_open)

    results = _results(pg_url)
    errors = {sha: r for sha, r in results.items() if r[0] == "error"}
    assert all(code for _status, code, _p, _s in errors.values())
    assert len(errors) == 2  # the PDFs cut short, and only them
    assert all(scores for status, _c, _p, scores in results.values() if status == "ok")
    shared_results["postgresql"] = results


def test_embedded_sqlite_import_gives_the_same_profiles_and_scores(
    tmp_path: Path, generated_cvs: Path, shared_results: dict[str, Any]
) -> None:
    if "postgresql" not in shared_results:
        pytest.skip("needs the PostgreSQL + Redis run above")
    url = f"sqlite:///{tmp_path / 'recruit.db'}"
    env = worker_env(tmp_path, url)
    _recruit("db", "upgrade", env=env)
    opening_id = _create_opening(url)
    out = _recruit("import", "--opening", str(opening_id), str(generated_cvs), env=env)
    assert "not read yet: 0" in out.stdout
    embedded = _results(url)
    scaled = shared_results["postgresql"]
    assert embedded.keys() == scaled.keys()
    different = [sha for sha in scaled if embedded[sha] != scaled[sha]]
    assert different == []


def test_embedded_worker_burst_reads_what_is_queued_then_quits(tmp_path: Path) -> None:
    from tests.scale.cvs import write

    folder = tmp_path / "cvs"
    folder.mkdir()
    write(folder, 4)
    url = f"sqlite:///{tmp_path / 'recruit.db'}"
    env = worker_env(tmp_path, url)
    _recruit("db", "upgrade", env=env)
    opening_id = _create_opening(url)
    _recruit("import", "--opening", str(opening_id), "--no-wait", str(folder), env=env)
    assert {status for status, _ in _statuses(url).values()} == {"queued"}
    # Without Redis it used to serve forever; now it stops when nothing is left to claim.
    out = _recruit("worker", "--burst", "--threads", "2", env=env)
    assert "read 4 documents" in out.stderr
    assert {status for status, _ in _statuses(url).values()} <= set(FINAL)
