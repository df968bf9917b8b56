"""Children die with their parent (issue 12, row 14): a reader child and a fork of a worker (as
RQ forks its scheduler) exit within seconds of the worker's SIGKILL, and no fork keeps a reader
child alive through an inherited end of its pipe."""

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

ROOT = Path(__file__).resolve().parents[2]

# A worker in miniature: it starts a reader child, then forks (RQ's scheduler), then waits.
WORKER = """
import os, sys, time
from recruit.core.lifeline import bind_forks
from recruit.core.reading import sandbox
from recruit.core.reading.result import Limits

bind_forks()  # as `recruit worker` does before RQ forks its scheduler
pool = sandbox._pool()
host = pool.take(Limits().max_memory_mb)  # a reader child, as the first read starts one
pool.give(host)
fork = os.fork()
if fork == 0:
    if sys.argv[1] == "report":  # where the fork's copies of the reader's pipe ends lead
        print(*(os.readlink(f"/proc/self/fd/{fd}") for fd in (host._in, host._out)), flush=True)
    time.sleep(600)
    os._exit(0)
print(host.proc.pid, fork, flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    """Tell whether `pid` runs (a zombie waiting for its reaper does not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def worker() -> Iterator[subprocess.Popen[str]]:
    procs: list[subprocess.Popen[str]] = []

    def start(mode: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", WORKER, mode],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own group, for the clean-up below
        )
        procs.append(proc)
        return proc

    yield start  # type: ignore[misc]
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_a_killed_workers_reader_child_and_fork_exit(worker) -> None:
    proc = worker("quiet")
    reader, fork = map(int, proc.stdout.readline().split())
    assert alive(reader) and alive(fork)
    os.kill(proc.pid, signal.SIGKILL)  # the worker alone, as the OOM killer does
    proc.wait()
    deadline = time.monotonic() + 5
    while (alive(reader) or alive(fork)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(fork), "the fork (RQ's scheduler) outlived its worker"
    assert not alive(reader), "the reader child outlived its worker"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc")
def test_a_fork_holds_no_end_of_the_reader_pipes(worker) -> None:
    proc = worker("report")
    lines = [proc.stdout.readline().split() for _ in range(2)]
    ends = next(line for line in lines if not line[0].isdigit())
    assert ends == [os.devnull, os.devnull]
