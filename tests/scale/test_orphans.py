"""A SIGKILLed `recruit worker` leaves no process behind (issue 12, row 14).

Two real workers on PostgreSQL + Redis read an import; one is killed with SIGKILL (the worker
alone, not its group: as the OOM killer or a container runtime without an init kills) while it
reads. Every process descended from it, RQ's scheduler and the reader children, must be gone
within seconds; they used to run for half an hour and more, the scheduler holding its lock.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scale.cvs import write
from tests.scale.test_workers import _create_opening, _recruit, queue_env, start_worker

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc"),
]

STARTED = re.compile(r" (?P<pid>\d+) recruit\.tasks INFO task start document=\d+")


def _stat(pid: int) -> tuple[int, str, int] | None:
    """Return (parent pid, state, start time) of a process, or None when there is none."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(fields[1]), fields[0], int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """Return {pid: start time} of every process below `root`."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            children.setdefault(stat[0], []).append(int(entry))
    found: dict[int, int] = {}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            stat = _stat(child)
            if stat is not None and child not in found:
                found[child] = stat[2]
                todo.append(child)
    return found


def running(pid: int, started: int) -> bool:
    """Tell whether the process `pid` that started at `started` still runs (zombies do not)."""
    stat = _stat(pid)
    return stat is not None and stat[2] == started and stat[1] != "Z"


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # its group: whatever a failure left behind
        proc.wait()


def test_a_killed_worker_leaves_no_process_behind(
    tmp_path: Path, pg_url: str, redis_url: str, queue_name: str, workers
) -> None:
    folder = tmp_path / "cvs"
    write(folder, 60)
    env = queue_env(tmp_path, pg_url, redis_url, queue_name)
    opening_id = _create_opening(pg_url)
    started = [start_worker(tmp_path, env, n) for n in range(2)]
    workers += [proc for proc, _ in started]
    logs = [log for _, log in started]
    _recruit("import", "--opening", str(opening_id), "--no-wait", str(folder), env=env)

    # Mid-import, kill the worker that holds RQ's scheduler (one per queue) while it reads:
    # the scheduler and a reader child are below it.
    deadline = time.monotonic() + 120
    victim = None
    while victim is None and time.monotonic() < deadline:
        for n, proc in enumerate(workers):
            below = descendants(proc.pid)
            if len(below) >= 2 and STARTED.search(logs[n].read_text(errors="replace")):
                victim, survivor = proc, workers[1 - n]
                break
        time.sleep(0.05)
    tails = "\n".join(log.read_text(errors="replace")[-2000:] for log in logs)
    assert victim is not None, f"no worker got going with a scheduler and a reader:\n{tails}"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(running(p, t) for p, t in below.items()):
        time.sleep(0.1)
    left = {p: _stat(p) for p, t in below.items() if running(p, t)}
    assert not left, f"processes of the killed worker still run: {left}"
    assert survivor.poll() is None  # the other worker goes on
