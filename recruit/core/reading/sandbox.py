"""Run a parse in a long-lived child process with a hard time limit and a memory cap.

A hostile file cannot hang or exhaust the worker that calls us: the child is killed at the
deadline and replaced.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # not on Windows
    resource = None  # type: ignore[assignment]

from recruit.core.lifeline import close_in_child, watch_parent
from recruit.core.media import DOCX, IMAGE_TYPES, PDF
from recruit.core.reading.result import TOO_COMPLEX, Limits, Timeout

Parser = Callable[[bytes, Limits], dict[str, Any]]


def parser(media: str) -> Parser:
    """Return the parse function for a media type of `media.CV_MEDIA_TYPES`."""
    if media == PDF:
        from recruit.core.reading.pdf import parse_pdf

        return parse_pdf
    if media == DOCX:
        from recruit.core.reading.docx import parse_docx

        return parse_docx
    if media in IMAGE_TYPES:
        from recruit.core.reading.ocr import parse_image

        return parse_image
    raise ValueError(f"no parser for {media}")


def run_guarded(media: str, data: bytes, limits: Limits) -> dict[str, Any]:
    """Parse `data` as a file of type `media` in a reader child (or here, when isolation is off)."""
    if not limits.isolate or os.name != "posix":
        return run_here(media, data, limits)
    for _ in range(2):  # a second try only when a host died before it got the document
        try:
            host = _pool().take(limits.max_memory_mb)
        except OSError:
            return run_here(media, data, limits)  # cannot start a child: soft limit only
        outcome, result = host.call(media, data, limits)
        if outcome == "ok" and not result.pop("fatal", False):
            _pool().give(host)
            return result
        host.close(kill=True)
        if outcome == "timeout":
            return {"error": "timeout"}
        if outcome == "ok":
            return result
        if outcome == "dead_after_send":
            # Killed by the memory limit (or crashed in C code) on this very file.
            return {"error": "too_large", "message": TOO_COMPLEX}
    return run_here(media, data, limits)


def start_reader(limits: Limits | None = None) -> None:
    """Start this process's reader child now, so that its first document does not wait."""
    limits = limits or Limits()
    if not limits.isolate or os.name != "posix":
        return
    # When it cannot start, the first document tries again (and reads here if it fails too).
    with contextlib.suppress(OSError):
        _pool().give(_pool().take(limits.max_memory_mb))


def run_here(media: str, data: bytes, limits: Limits) -> dict[str, Any]:
    """Parse `data` as type `media` in this process, within its limits where this process can.

    On the main thread of a POSIX process whose alarm signal is free (the command line
    reading one file), the deadline is an alarm and the memory cap an address-space limit,
    both lifted afterwards; elsewhere the deadline is only checked, not enforced.
    """
    try:
        with warnings.catch_warnings(), _enforced(limits):
            # pdfminer warns about every oddity of real-world files; none of it is ours.
            warnings.simplefilter("ignore")
            return parser(media)(data, limits)
    except Timeout:
        return {"error": "timeout"}
    except MemoryError:
        return {"error": "too_large", "message": TOO_COMPLEX, "fatal": True}
    except Exception:  # noqa: BLE001 - any parser failure on untrusted bytes is "corrupt"
        return {"error": "corrupt"}


@contextlib.contextmanager
def _enforced(limits: Limits) -> Iterator[None]:
    owned = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        # None: a handler set outside Python (libFuzzer's own timeout), which is not ours.
        and signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    )
    if not owned:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise Timeout

    previous = _address_space()
    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limits.timeout_s)
    try:
        if previous is not None:
            _limit_memory(limits.max_memory_mb, lift_later=True)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        if previous is not None and resource is not None:
            resource.setrlimit(resource.RLIMIT_AS, previous)


def _address_space() -> tuple[int, int] | None:
    if resource is None:
        return None
    try:
        return resource.getrlimit(resource.RLIMIT_AS)
    except (OSError, ValueError):
        return None


class _Host:
    """A reader child process, parsing one document at a time; killed when over time.

    Forking the caller for every document cost 20-60 ms here (copy-on-write of a heap that
    holds spaCy); a long-lived small child costs a pipe round trip (<1 ms).
    """

    def __init__(self, memory_mb: int) -> None:
        root = str(Path(__file__).resolve().parents[3])
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        self.memory_mb = memory_mb
        self.used = 0
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from recruit.core.reading.sandbox import serve; serve()",
                str(memory_mb),
                str(os.getpid()),  # the child exits when this process is gone
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        _HOSTS.add(self)
        os.set_blocking(self._in, False)
        if self._read(1, time.monotonic() + 60) != b"R":
            self.close(kill=True)
            raise OSError("the reader child did not start")

    def call(self, media: str, data: bytes, limits: Limits) -> tuple[str, dict[str, Any]]:
        """Send one document; return ("ok", fields), ("timeout" | "dead*", {})."""
        if self.proc.poll() is not None:
            return "dead", {}
        payload = pickle.dumps((media, data, limits), pickle.HIGHEST_PROTOCOL)
        deadline = time.monotonic() + limits.timeout_s
        sent = self._write(len(payload).to_bytes(8, "big") + payload, deadline)
        head = self._read(8, deadline) if sent else None
        body = self._read(int.from_bytes(head, "big"), deadline) if head else None
        if body is None:
            if time.monotonic() >= deadline:
                return "timeout", {}
            return ("dead_after_send" if sent else "dead"), {}
        self.used += 1
        result: dict[str, Any] = pickle.loads(body)  # noqa: S301 - from our own child
        return "ok", result

    def _write(self, data: bytes, deadline: float) -> bool:
        view = memoryview(data)
        while view:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [self._in], [], left)[1]:
                return False
            try:
                view = view[os.write(self._in, view) :]
            except BlockingIOError:
                continue
            except OSError:  # the child is gone
                return False
        return True

    def _read(self, n: int, deadline: float) -> bytes | None:
        chunks: list[bytes] = []
        while n > 0:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._out], [], [], left)[0]:
                return None
            chunk = os.read(self._out, min(n, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def close(self, *, kill: bool = False) -> None:
        """Stop the child: politely (end of input), or at once."""
        if self.proc.poll() is None:
            if kill:
                self.proc.kill()
            else:
                with contextlib.suppress(OSError):
                    self.proc.stdin.close()  # type: ignore[union-attr]
            try:
                self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]


class _Pool:
    """Idle reader hosts of this process, shared by its threads; one busy host per reader."""

    RECYCLE = 500  # documents per host, so that leaks in the parser stay bounded

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.idle: list[_Host] = []

    def take(self, memory_mb: int) -> _Host:
        with self.lock:
            for i, host in enumerate(self.idle):
                if host.memory_mb == memory_mb:
                    return self.idle.pop(i)
        return _Host(memory_mb)

    def give(self, host: _Host) -> None:
        with self.lock:
            if host.used < self.RECYCLE and len(self.idle) < (os.cpu_count() or 2):
                self.idle.append(host)
                return
        host.close()

    def close(self) -> None:
        with self.lock:
            hosts, self.idle = self.idle, []
        for host in hosts:
            host.close()


_POOLS: list[_Pool] = []  # [the pool of this process]; pools inherited by fork stay below


def _pool() -> _Pool:
    if not _POOLS or _POOLS[-1].pid != os.getpid():
        # A forked child (a process-pool worker) must not share its parent's hosts; the
        # inherited pool stays referenced so its pipes are never closed from here.
        _POOLS.append(_Pool())
    return _POOLS[-1]


@atexit.register
def stop_readers() -> None:
    """Stop this process's idle reader children (at exit; a forked process, which exits
    without running atexit, calls it itself)."""
    if _POOLS and _POOLS[-1].pid == os.getpid():
        _POOLS[-1].close()


# Every host of this process, idle or busy, for a forked child to let go of their pipes.
_HOSTS: weakref.WeakSet[_Host] = weakref.WeakSet()


def _let_go_of_inherited_hosts() -> None:
    # RQ forks its scheduler from a worker that holds hosts: a copy of a host's stdin write end
    # in the fork kept the reader from ever seeing end-of-file once the worker was killed.
    close_in_child([fd for host in list(_HOSTS) for fd in (host._in, host._out)])
    _HOSTS.clear()


os.register_at_fork(after_in_child=_let_go_of_inherited_hosts)


def serve() -> None:
    """Serve documents on stdin/stdout: the child process behind `read_document`."""
    # Gone with the process that started us, even if it was SIGKILLed in the middle of a read.
    parent = int(sys.argv[2]) if len(sys.argv) > 2 else os.getppid()
    if os.getppid() != parent:
        return
    watch_parent(parent)
    _limit_memory(int(sys.argv[1]) if len(sys.argv) > 1 else Limits.max_memory_mb)
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the replies
    out.write(b"R")
    out.flush()
    while True:
        head = inp.read(8)
        if len(head) < 8:
            return
        media, data, limits = pickle.loads(inp.read(int.from_bytes(head, "big")))  # noqa: S301
        result = run_here(media, data, limits)
        body = pickle.dumps(result, pickle.HIGHEST_PROTOCOL)
        out.write(len(body).to_bytes(8, "big") + body)
        out.flush()
        if result.get("fatal"):
            return  # after a MemoryError the heap is suspect: let the parent start afresh


def _limit_memory(extra_mb: int, *, lift_later: bool = False) -> None:
    if resource is None:
        return
    try:
        with open("/proc/self/statm") as f:
            current = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        cap = current + extra_mb * 1024 * 1024
        # Only the soft limit when it must be lifted again: a lowered hard one cannot be.
        hard = resource.getrlimit(resource.RLIMIT_AS)[1] if lift_later else cap
        if hard != resource.RLIM_INFINITY and hard < cap:
            return
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (OSError, ValueError):
        pass  # no /proc or no rlimit: the deadline still holds
