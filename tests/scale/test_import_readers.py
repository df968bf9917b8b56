"""`recruit import`'s reading processes: forked warm, yet inheriting no connection or thread.

The readers are forked from the import once it has built the pure core, so they must hold no
copy of its database connections, fall back to spawning where a fork is unsafe, stop with a
killed import, and let Ctrl-C end the import after the document they are reading.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from recruit.runner import ProcessRunner
from recruit.settings import Settings
from tests.scale.cvs import worker_env, write
from tests.scale.test_orphans import descendants, running
from tests.scale.test_workers import FINAL, _create_opening, _recruit, _statuses


def _runner(tmp_path: Path, engine: object = None) -> ProcessRunner:
    settings = Settings.from_env(tmp_path, {"RECRUIT_DATABASE_URL": "sqlite://"})
    return ProcessRunner(settings, 1, lease=dt.timedelta(minutes=5), engine=engine)  # type: ignore[arg-type]


def test_the_readers_fork_only_from_a_process_with_no_connection_or_other_thread(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'fork.db'}")
    with engine.connect() as conn:
        conn.execute(text("select 1"))
    assert engine.pool.checkedin() == 1  # type: ignore[attr-defined]
    assert _runner(tmp_path, engine)._can_fork()
    assert engine.pool.checkedin() == 0  # type: ignore[attr-defined]  # closed, not copied

    with engine.connect() as conn:  # a connection still in use: both processes would use it
        conn.execute(text("select 1"))
        assert not _runner(tmp_path, engine)._can_fork()

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:  # a thread's locks would stay held in the child forever
        assert not _runner(tmp_path, engine)._can_fork()
    finally:
        stop.set()
        thread.join()
    engine.dispose()


@pytest.fixture
def import_env(tmp_path: Path) -> tuple[dict[str, str], int, Path]:
    folder = tmp_path / "cvs"
    write(folder, 30)
    url = f"sqlite:///{tmp_path / 'recruit.db'}"
    env = worker_env(tmp_path, url)
    _recruit("db", "upgrade", env=env)
    return env, _create_opening(url), folder


def _start_import(env: dict[str, str], opening_id: int, folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "recruit.cli", "import", "--opening", str(opening_id), str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own terminal group, as a shell gives it
    )


def _wait_for_reading(url: str, proc: subprocess.Popen[str]) -> dict[int, int]:
    """Wait until a document is being read; return the import's processes {pid: start}."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        statuses = _statuses(url) if Path(url.removeprefix("sqlite:///")).exists() else {}
        if any(status == "reading" for status, _ in statuses.values()):
            return descendants(proc.pid)
        time.sleep(0.05)
    raise AssertionError("no document was being read within 2 minutes")


def _left(processes: dict[int, int], seconds: float = 10.0) -> list[int]:
    """Return which of `processes` ({pid: start}) still run after up to `seconds`."""
    deadline = time.monotonic() + seconds
    while (left := [p for p, start in processes.items() if running(p, start)]) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.1)
    return left


def _command(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")


def _reading_import(
    import_env: tuple[dict[str, str], int, Path],
) -> tuple[str, subprocess.Popen[str], dict[int, int]]:
    """Start an import and wait until it reads: (database URL, the import, its readers)."""
    env, opening_id, folder = import_env
    url = env["RECRUIT_DATABASE_URL"]
    proc = _start_import(env, opening_id, folder)
    return url, proc, _wait_for_reading(url, proc)


@pytest.mark.slow
def test_a_killed_import_leaves_no_reader_behind(
    import_env: tuple[dict[str, str], int, Path],
) -> None:
    _, proc, below = _reading_import(import_env)
    assert len(below) >= 2  # the readers (os.cpu_count()) and their reader children
    # Forked from the warm import, not spawned to import everything again.
    commands = [_command(pid) for pid in below]
    assert _command(proc.pid) in commands
    assert not [c for c in commands if "spawn_main" in c]
    proc.kill()  # the import alone, not its group: as the OOM killer does
    proc.communicate()
    assert not _left(below)


@pytest.mark.slow
def test_ctrl_c_stops_after_the_documents_being_read_and_a_second_import_resumes(
    import_env: tuple[dict[str, str], int, Path],
) -> None:
    env, opening_id, folder = import_env
    url, proc, below = _reading_import(import_env)
    os.killpg(proc.pid, signal.SIGINT)  # what the terminal sends its whole group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "stopped; run the same import again to resume" in err
    assert not _left(below)
    # Nothing was left half read: every document is read or still queued for the next run.
    assert {status for status, _ in _statuses(url).values()} <= {*FINAL, "queued"}

    again = _recruit("import", "--opening", str(opening_id), str(folder), env=env)
    assert "not read yet: 0" in again.stdout
    assert {status for status, _ in _statuses(url).values()} <= set(FINAL)
