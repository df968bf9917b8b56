"""`recruit import`'s reading processes: forked warm, yet inheriting no connection or thread.

The readers are forked from the import once it has built the pure core, so they must hold no
copy of its database connections, fall back to spawning where a fork is unsafe, stop with a
killed import, and let Ctrl-C end the import after the document they are reading.
"""

from __future__ import annotations

import datetime as dt
import os
import re
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
from tests import cvgen
from tests.scale.cvs import worker_env, write
from tests.scale.test_orphans import descendants, running
from tests.scale.test_workers import FINAL, _create_opening, _recruit, _results, _statuses


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


# `recruit import` that gets Ctrl-C (SIGINT to its whole group, as a terminal sends it) while
# it stores its third file: the first batch is still being stored.
CTRL_C_WHILE_STORING = """
import os, signal, sys
from recruit.services import ingest
store = ingest.import_files
def interrupted(*args, **kwargs):
    shown, stored = kwargs["on_file"], []
    def on_file(source):
        stored.append(source)
        if len(stored) == 3:
            os.killpg(os.getpgrp(), signal.SIGINT)
        shown(source)
    return store(*args, **{**kwargs, "on_file": on_file, "batch": 24})
ingest.import_files = interrupted
from recruit.cli import main
main(sys.argv[1:])
"""


@pytest.mark.slow
def test_ctrl_c_while_storing_keeps_the_batch_being_stored_and_a_second_import_resumes(
    import_env: tuple[dict[str, str], int, Path],
) -> None:
    env, opening_id, folder = import_env  # 30 CVs: a first batch of 24, then 6
    url = env["RECRUIT_DATABASE_URL"]
    args = ["import", "--opening", str(opening_id), str(folder)]
    proc = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_WHILE_STORING, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "stopped; run the same import again to resume" in err
    assert "Aborted" not in err
    statuses = _statuses(url)
    assert len(statuses) == 24  # the batch being stored was committed, nothing after it
    assert {status for status, _ in statuses.values()} <= {*FINAL, "queued"}

    again = _recruit("import", "--opening", str(opening_id), str(folder), env=env)
    assert "not read yet: 0" in again.stdout
    assert len(_statuses(url)) == 30


# `recruit import` with its read-ahead on or off whatever the machine's load, saying how
# many readings the read-ahead has handed over so far (taken while it reads on, or at its stop).
AHEAD = """
import sys
from recruit.core import readahead
readahead.core_to_spare = lambda: sys.argv[1] == "ahead"
handed = 0
def counted(method):
    def count(self):
        global handed
        readings = method(self)
        handed += len(readings)
        print(f"READ_AHEAD={handed}", file=sys.stderr, flush=True)
        return readings
    return count
readahead.FolderReadAhead.take = counted(readahead.FolderReadAhead.take)
readahead.FolderReadAhead.stop = counted(readahead.FolderReadAhead.stop)
from recruit.cli import main
main(sys.argv[2:])
"""


def _import(tmp_path: Path, folder: Path, mode: str) -> tuple[str, str, subprocess.Popen[str]]:
    """Start an import of `folder` into a new instance; return (its database URL, the
    instance's folder of kept readings, the import)."""
    url = f"sqlite:///{tmp_path / f'{mode}.db'}"
    env = worker_env(tmp_path / mode, url)
    _recruit("db", "upgrade", env=env)
    args = ["import", "--opening", str(_create_opening(url)), str(folder)]
    proc = subprocess.Popen(
        [sys.executable, "-c", AHEAD, mode, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return url, env["RECRUIT_UPLOAD_DIR"], proc


@pytest.mark.slow
def test_what_is_read_ahead_reads_as_the_readers_would_and_nothing_is_left_behind(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "cvs"
    paths = write(folder, 30)
    # Bad files among them: one cut short, one with a password, one that is no CV at all.
    (folder / "cut.pdf").write_bytes(paths[0].read_bytes()[:2000])
    (folder / "locked.pdf").write_bytes(
        cvgen.render_pdf(cvgen.sample_cvs()["ro"], "single", encrypt="secret")
    )
    (folder / "notes.pdf").write_bytes(b"call Ana back on Monday\n")
    results = {}
    for mode in ("ahead", "not"):
        url, uploads, proc = _import(tmp_path, folder, mode)
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        assert "not read yet: 0" in out
        handed = int(re.findall(r"READ_AHEAD=(\d+)", err)[-1])
        assert (handed > 0) == (mode == "ahead"), err[-3000:]
        # Every reading kept for the readers was taken by them.
        assert not list(Path(uploads, "readings").glob("*"))
        results[mode] = _results(url)
    # A recruiter sees the same statuses, profiles and scores either way, bad files included.
    assert results["ahead"] == results["not"]
    errors = sorted(code for status, code, _, _ in results["ahead"].values() if status == "error")
    assert errors == ["corrupt", "encrypted"]  # the note is no CV: skipped, never stored


@pytest.mark.slow
def test_a_killed_import_leaves_no_read_ahead_behind(tmp_path: Path) -> None:
    folder = tmp_path / "cvs"
    write(folder, 30)
    _, _, proc = _import(tmp_path, folder, "ahead")
    deadline = time.monotonic() + 60
    while not (below := descendants(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert below, "no read-ahead child was started"
    proc.kill()  # during its start-up, before it stopped the read-ahead itself
    proc.communicate()
    assert not _left(below)
