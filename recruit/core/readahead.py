"""Read files in a forked child while this process goes on starting up.

`ReadAhead` reads the one file of `recruit parse one.pdf`; `FolderReadAhead` the first files
of a `recruit import`, whose readers start only once the pure core is warm.

`recruit parse one.pdf` spends most of its time importing spaCy and building a pipeline, and
reading the file needs neither: forked before those imports, a child reads the file on the
other core (pdfplumber, layout, contacts, language) and hands the `ReadResult` back through a
pipe. The child reads under the limits of a one-file read (its own deadline and memory cap);
when it fails in a way a read does not report by itself (killed, a crash in C code, no fork
on this system), the file is read here instead, as it was before. Only when a core is idle:
on a busy machine the child would take the parent's turn, not a free core.

This module imports nothing heavy: whatever the parent has imported when it forks, the child
has too, and the point is to fork before spaCy.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import sys
import time
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from recruit.core.reading.result import Limits, ReadResult

# Beyond the read's own deadline (enforced in the child): imports, and a busy machine.
_SLACK_S = 30.0


class ReadAhead:
    """The reading of one file, started at once in a forked child."""

    def __init__(self, path: str, limits: Limits | None = None) -> None:
        self.path = path
        self.limits = limits
        self._pid = 0
        self._fd = -1
        if not hasattr(os, "fork") or not core_to_spare():
            return
        inp, out = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or too many processes: read it here later
            os.close(inp)
            os.close(out)
            return
        if pid == 0:
            os.close(inp)
            _read_in_child(path, limits, out)  # never returns
        os.close(out)
        self._pid, self._fd = pid, inp

    def result(self) -> ReadResult:
        """Return the child's reading of the file, or read it here if the child gave none."""
        from recruit.core.reading import read_path

        read = self._collect()
        return read if read is not None else read_path(self.path, self._limits())

    def _limits(self) -> Limits:
        from recruit.core.reading.result import Limits

        # One file on the command line: no reader child to start, limits enforced in-process.
        return self.limits or Limits(isolate=False)

    def _collect(self) -> ReadResult | None:
        if not self._pid:
            return None
        from recruit.core.reading.result import ReadResult

        pid, fd = self._pid, self._fd
        self._pid, self._fd = 0, -1
        deadline = time.monotonic() + self._limits().timeout_s + _SLACK_S
        chunks: list[bytes] = []
        try:
            while (left := deadline - time.monotonic()) > 0:
                if not select.select([fd], [], [], left)[0]:
                    continue
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
            else:  # stuck where its own deadline cannot reach
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        finally:
            os.close(fd)
            _, status = os.waitpid(pid, 0)
        if status != 0:
            return None
        try:
            read = pickle.loads(b"".join(chunks))  # noqa: S301 - from our own child
        except Exception:  # noqa: BLE001 - a reply cut short: read it here
            return None
        return read if isinstance(read, ReadResult) else None


def core_to_spare() -> bool:
    """Tell whether a core is idle: a child beside us then runs, instead of taking our turn.

    At load 5.7 on 2 cores the fork made a one-file parse 1.18 s against 1.00 s without it
    (bench/startup.py): the child read on the core the parent needed for spaCy. Asked of the
    processes running now (Linux's /proc/loadavg, the least of three looks: one may catch a
    passing process), not of the last minute's average, which counts the command run just
    before this one: an import or a parse run in a loop saw its own past load and never read
    ahead. Elsewhere, the average.
    """
    cores = os.cpu_count() or 1
    try:
        running = min(_running() for _ in range(3))  # this process included
    except (OSError, ValueError, IndexError):
        try:
            return os.getloadavg()[0] <= cores - 1
        except OSError:  # no load average here: do not guess
            return False
    return running <= cores - 1


def _running() -> int:
    with open("/proc/loadavg", encoding="ascii") as f:
        return int(f.read().split()[3].split("/")[0])


def _read_in_child(path: str, limits: Limits | None, out: int) -> None:
    code = 1
    try:
        _become_child()
        from recruit.core.reading import read_path
        from recruit.core.reading.result import Limits

        read = read_path(path, limits or Limits(isolate=False))
        _write_all(out, pickle.dumps(read, pickle.HIGHEST_PROTOCOL))
        code = 0
    finally:
        # Never back into the parent's code or its atexit handlers, even on an exception
        # (the parent then reads the file itself, and says what went wrong).
        os._exit(code)


# A frame: the file's sha256 (64 hex digits), the kept reading's length, then the reading.
_HEADER = struct.Struct("64sI")
# What the pipe holds while the parent starts up (readings compress about 4 to 1: some 250 CVs).
_PIPE_BYTES = 1 << 20


class FolderReadAhead:
    """Read the first files of an import in a forked child while the importer starts up.

    `recruit import` spends its first second or so importing Flask, SQLAlchemy and spaCy and
    warming the pipelines before its readers can start, with the other core idle. Forked
    before those imports, a child reads `paths` in order (the reader alone: no spaCy) and
    hands each reading worth keeping back through a pipe, compressed. `take()` returns what it
    has read so far, reading on; `stop()` ends it and returns the rest. Both key each reading
    by its file's sha256, as `dump_kept` bytes: the importer keeps them beside the stored
    files, and its readers take them instead of reading those files.

    Nothing it reads touches a disk: the readings stay in the pipe, then in memory, until the
    files are stored. A file it has not reached, or could not read, is read by the importer's
    readers as always. When the pipe is full, the child waits; the parent never does.
    """

    def __init__(self, paths: Sequence[str], limits: Limits | None = None) -> None:
        self._pid = 0
        self._fd = -1
        self._held = b""  # what came through the pipe after the last whole reading
        if not paths or not hasattr(os, "fork") or not core_to_spare():
            return
        inp, out = os.pipe()
        with contextlib.suppress(ImportError, OSError, AttributeError):  # Linux only
            import fcntl

            fcntl.fcntl(out, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
        try:
            pid = os.fork()
        except OSError:  # no memory or too many processes: the readers read every file
            os.close(inp)
            os.close(out)
            return
        if pid == 0:
            os.close(inp)
            _read_folder_in_child(list(paths), limits, out)  # never returns
        os.close(out)
        self._pid, self._fd = pid, inp

    def take(self) -> dict[str, bytes]:
        """Return the readings handed back since the last `take`; the child reads on."""
        if not self._pid:
            return {}
        chunks = [self._held]
        while select.select([self._fd], [], [], 0)[0]:
            chunk = os.read(self._fd, 1 << 20)
            if not chunk:  # the child has read every file and left
                break
            chunks.append(chunk)
        readings, used = _frames(data := b"".join(chunks))
        self._held = data[used:]
        return readings

    def stop(self) -> dict[str, bytes]:
        """End the child (where it is: what it reads now is dropped) and return the readings
        not taken yet."""
        if not self._pid:
            return {}
        pid, fd = self._pid, self._fd
        self._pid, self._fd = 0, -1
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        chunks = [self._held]
        self._held = b""
        try:
            while chunk := os.read(fd, 1 << 20):  # the child is gone: the pipe ends
                chunks.append(chunk)
        finally:
            os.close(fd)
            os.waitpid(pid, 0)
        return _frames(b"".join(chunks))[0]


def _frames(data: bytes) -> tuple[dict[str, bytes], int]:
    """Return the whole readings at the start of `data`, and how many bytes they take."""
    readings: dict[str, bytes] = {}
    at = 0
    while at + _HEADER.size <= len(data):
        sha, size = _HEADER.unpack_from(data, at)
        body = data[at + _HEADER.size : at + _HEADER.size + size]
        if len(body) < size:
            break  # the frame the child is writing (or was, when it was stopped)
        with contextlib.suppress(zlib.error, UnicodeDecodeError):  # that one file is read again
            readings[sha.decode("ascii")] = zlib.decompress(body)
        at += _HEADER.size + size
    return readings, at


def _read_folder_in_child(paths: list[str], limits: Limits | None, out: int) -> None:
    try:
        _become_child()
        from recruit.core.reading import read_path
        from recruit.core.reading.result import Limits, dump_kept, keepable

        # A read-ahead, not a reader: it gives way to any other process wanting the core.
        with contextlib.suppress(OSError):
            os.nice(5)
        for path in paths:
            read = read_path(path, limits or Limits(isolate=False))
            if not keepable(read):
                continue
            body = zlib.compress(dump_kept(read), 1)
            _write_all(out, _HEADER.pack(read.sha256.encode("ascii"), len(body)) + body)
    finally:
        os._exit(0)  # never back into the parent's code or its atexit handlers


def _become_child() -> None:
    """Set up a forked reading child: gone with the parent's main thread that forked it, and
    nothing printed on the parent's stdout (a command's JSON, an import's summary)."""
    from recruit.core.lifeline import parent_death_signal

    parent_death_signal()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
