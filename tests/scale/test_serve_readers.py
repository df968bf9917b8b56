"""`recruit serve` reads CVs in processes beside the web, not in threads of it (issue 16.2).

A burst of uploads read by threads of the web process queued behind one core (the GIL), the
requests with them. The reading processes are woken through their sockets in the instance
folder at each commit; one that dies is started again; a SIGTERM stops them cleanly, a
SIGKILL of the server leaves none behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.scale.cvs import worker_env, write
from tests.scale.test_orphans import descendants, running
from tests.scale.test_workers import _create_opening, _recruit

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc"),
]

UP_WITHIN = 180.0  # a server and two readers warming up spaCy on a loaded machine


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], dict[str, str], Path]]:
    """`recruit serve` on SQLite with two reading processes: (process, env, wake folder)."""
    env = worker_env(tmp_path, f"sqlite:///{tmp_path / 'recruit.db'}", RECRUIT_WORKER_THREADS="2")
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "recruit.cli", "serve", "--port", "0"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, so the test can clean up all of it
        )
    try:
        yield proc, env, Path(env["RECRUIT_INSTANCE_PATH"]) / "wake"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        print(log.read_text(errors="replace")[-3000:])


def _readers(proc: subprocess.Popen[bytes], folder: Path, n: int = 2) -> set[int]:
    """Wait for `n` reading processes of `proc` listening in `folder`; return their pids."""
    deadline = time.monotonic() + UP_WITHIN
    while time.monotonic() < deadline:
        assert proc.poll() is None, "recruit serve exited"
        alive = {pid for pid, started in descendants(proc.pid).items() if running(pid, started)}
        pids = {int(p.stem.split("-")[1]) for p in folder.glob("worker-*.sock")} & alive
        if len(pids) == n:
            return pids
        time.sleep(0.2)
    raise AssertionError(f"not {n} readers listening in {folder} within {UP_WITHIN} s")


def _scores(env: dict[str, str]) -> list[float | None]:
    engine = create_engine(env["RECRUIT_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return [row[0] for row in conn.execute(text("SELECT score FROM applications"))]
    finally:
        engine.dispose()


def test_serve_reads_in_processes_restarts_a_dead_one_and_stops_them_on_sigterm(
    served, tmp_path: Path
) -> None:
    proc, env, folder = served
    readers = _readers(proc, folder)
    assert proc.pid not in readers

    # Queued by another process's commit (as an upload is): only the datagrams reach them.
    opening_id = _create_opening(env["RECRUIT_DATABASE_URL"])
    write(tmp_path / "cvs", 3)
    _recruit("import", "--opening", str(opening_id), "--no-wait", str(tmp_path / "cvs"), env=env)
    deadline = time.monotonic() + UP_WITHIN
    while None in (scores := _scores(env)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(scores) == 3 and None not in scores

    # A reader killed (the OOM killer, an operator) is replaced; the web goes on.
    victim = min(readers)
    started = descendants(proc.pid)[victim]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while running(victim, started) and time.monotonic() < deadline:
        time.sleep(0.05)
    replaced = _readers(proc, folder)
    assert victim not in replaced and len(replaced) == 2

    # SIGTERM to the server alone: it stops its readers (each after its document) and exits.
    below = descendants(proc.pid)
    os.kill(proc.pid, signal.SIGTERM)
    assert proc.wait(60) == 0
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(running(p, t) for p, t in below.items()):
        time.sleep(0.1)
    assert not [p for p, t in below.items() if running(p, t)]
    assert not list(folder.glob("*.sock"))  # each reader took its socket with it


def test_a_killed_server_leaves_no_reader_behind(served) -> None:
    proc, _env, folder = served
    _readers(proc, folder)
    below = descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)  # the server alone, as the OOM killer does
    proc.wait(10)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(running(p, t) for p, t in below.items()):
        time.sleep(0.1)
    assert not {p: t for p, t in below.items() if running(p, t)}
