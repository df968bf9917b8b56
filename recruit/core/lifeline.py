"""Child processes die with the process that started them, even when it is SIGKILLed.

A killed worker cannot stop its children (the OOM killer, `kill -9`, a container with no init
to reap them): each child must notice by itself. Two ways, both used where they fit:

- a watchdog thread in the child that exits once its parent changes (the child was adopted):
  it works whatever thread of the parent started the child;
- Linux's parent-death signal (prctl PR_SET_PDEATHSIG): at once, but it fires when the
  *thread* that forked the child exits, so only for children forked from a thread that lives
  as long as its process (RQ forks its scheduler from the worker's main thread). Reader
  children are started from the embedded runner's threads and reused by others: watchdog only.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading
import time

_PR_SET_PDEATHSIG = 1
# The exit status of a child that found itself orphaned (EX_SOFTWARE): visible in a trace.
ORPHANED = 70
_forking_pid = [0]  # the pid of the process about to fork, for its child's hook


def parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send `sig` to this process when the thread that forked it exits."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def watch_parent(parent: int, interval: float = 0.5) -> threading.Thread:
    """Exit this process as soon as `parent` is no longer its parent (it died; we were adopted)."""

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(ORPHANED)  # no clean-up: whatever we would clean up was the parent's
            time.sleep(interval)

    thread = threading.Thread(target=watch, name="recruit-lifeline", daemon=True)
    thread.start()
    return thread


def _remember_forking_pid() -> None:
    _forking_pid[0] = os.getpid()


def _die_with_forking_parent() -> None:
    parent = _forking_pid[0]
    parent_death_signal()
    # The signal is not sent when the parent died before prctl ran: look once, then keep looking.
    if os.getppid() != parent:
        os._exit(ORPHANED)
    watch_parent(parent)


_bound = [False]


def bind_forks() -> None:
    """Make every process this one forks from now on (RQ's scheduler) die with it. Idempotent."""
    if _bound[0]:
        return
    _bound[0] = True
    os.register_at_fork(before=_remember_forking_pid, after_in_child=_die_with_forking_parent)


def close_in_child(fds: list[int]) -> None:
    """Point inherited file descriptors at /dev/null in a forked child, keeping their numbers.

    A fork inherits the write end of a reader child's stdin; while any copy is open the reader
    never sees end-of-file. /dev/null instead of close(): the parent's file objects, copied
    into the child, may close these numbers later, and must not close someone else's file.
    """
    null = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
    finally:
        os.close(null)


def process_start(pid: int) -> int | None:
    """Return when process `pid` started (clock ticks after boot, from /proc), or None.

    A pid is reused once its process is gone: with the start time recorded beside it, a new
    process that got a dead one's pid is told apart from it. None where there is no /proc
    (not Linux) or no such process.
    """
    try:
        with open(f"/proc/{int(pid)}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the
    # last ")"; starttime is field 22 of the line, the 20th after comm.
    fields = stat[stat.rfind(b")") + 2 :].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None
