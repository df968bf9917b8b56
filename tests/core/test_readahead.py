"""A file read ahead in a forked child comes back as reading it here would have read it."""

from __future__ import annotations

import os
import signal
import time
import zlib
from pathlib import Path

import pytest

from recruit.core import readahead
from recruit.core.readahead import FolderReadAhead, ReadAhead
from recruit.core.reading import Limits, ReadResult, read_path
from recruit.core.reading.result import dump_kept, load_kept
from tests import cvgen
from tests.scale.cvs import generate


@pytest.fixture(autouse=True)
def idle_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork whatever the load of the machine running the tests."""
    monkeypatch.setattr(readahead, "core_to_spare", lambda: True)


def _cv(tmp_path: Path) -> Path:
    path = tmp_path / "cv.pdf"
    path.write_bytes(cvgen.render_pdf(cvgen.sample_cvs()["ro"], "two_column", min_pages=2))
    return path


def test_the_fork_reads_what_this_process_would(tmp_path: Path) -> None:
    path = _cv(tmp_path)
    ahead = ReadAhead(str(path))
    assert ahead._pid  # a child was started
    read = ahead.result()
    assert read.status == "ok" and read.pages == 2 and read.language == "ro"
    assert read == read_path(str(path), Limits(isolate=False))


def test_a_bad_file_comes_back_with_its_error_from_the_fork(tmp_path: Path) -> None:
    path = tmp_path / "cv.pdf"
    path.write_bytes(b"%PDF-1.4\n" + os.urandom(4000))
    read = ReadAhead(str(path)).result()
    assert read.status == "error" and read.error is not None
    assert read.error.code == "corrupt"


def test_a_fork_killed_before_it_answered_leaves_the_reading_to_this_process(
    tmp_path: Path,
) -> None:
    path = _cv(tmp_path)
    ahead = ReadAhead(str(path))
    os.kill(ahead._pid, signal.SIGKILL)
    assert ahead.result() == read_path(str(path), Limits(isolate=False))


def test_limits_given_are_the_forks_limits(tmp_path: Path) -> None:
    path = _cv(tmp_path)
    read = ReadAhead(str(path), Limits(isolate=False, max_pages=1)).result()
    assert read.status == "error" and read.error is not None
    assert read.error.code == "too_many_pages"


def test_without_a_core_to_spare_the_file_is_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readahead, "core_to_spare", lambda: False)
    path = _cv(tmp_path)
    ahead = ReadAhead(str(path))
    assert not ahead._pid
    assert ahead.result() == read_path(str(path), Limits(isolate=False))


def test_a_core_is_to_spare_only_when_fewer_processes_run_than_cores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.undo()
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    # The last minute's average is not asked where the running processes can be counted: a
    # command run just before this one must not keep it from reading ahead.
    monkeypatch.setattr(os, "getloadavg", lambda: (1.9, 1.5, 1.5))
    monkeypatch.setattr(readahead, "_running", lambda: 1)  # this process alone
    assert readahead.core_to_spare()
    monkeypatch.setattr(readahead, "_running", lambda: 2)
    assert not readahead.core_to_spare()
    looks = iter([3, 1, 2])  # one look between two passing processes is enough
    monkeypatch.setattr(readahead, "_running", lambda: next(looks))
    assert readahead.core_to_spare()


def test_without_proc_the_load_average_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    def no_proc() -> int:
        raise FileNotFoundError("/proc/loadavg")

    monkeypatch.setattr(readahead, "_running", no_proc)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.7, 0.5, 0.5))
    assert readahead.core_to_spare()
    monkeypatch.setattr(os, "getloadavg", lambda: (1.6, 0.5, 0.5))
    assert not readahead.core_to_spare()


def _folder(tmp_path: Path, n: int) -> list[Path]:
    paths = []
    for name, data in generate(n, broken_every=0):  # all different
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def _finished(pid: int) -> bool:
    """Tell whether child `pid` has exited (a zombie until reaped); Linux's /proc."""
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state == "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="looks at /proc")
def test_a_folder_read_ahead_gives_back_what_the_worker_would_have_read(tmp_path: Path) -> None:
    paths = _folder(tmp_path, 3)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a CV")
    ahead = FolderReadAhead([str(p) for p in [*paths, notes]])
    assert ahead._pid
    deadline = time.monotonic() + 60
    while not _finished(ahead._pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    readings = ahead.stop()
    expected = {p: read_path(str(p), Limits(isolate=False)) for p in paths}
    assert set(readings) == {read.sha256 for read in expected.values()}  # no reading of notes
    for read in expected.values():
        assert load_kept(readings[read.sha256]) == read


def test_a_folder_read_ahead_stopped_early_gives_only_whole_readings(tmp_path: Path) -> None:
    paths = _folder(tmp_path, 60)  # some 10 ms each: far more than 0.15 s
    ahead = FolderReadAhead([str(p) for p in paths])
    time.sleep(0.15)
    readings = ahead.stop()
    assert len(readings) < len(paths)  # the child was stopped where it was
    by_sha = {read_path(str(p), Limits(isolate=False)).sha256: p for p in paths}
    for sha, kept in readings.items():
        assert load_kept(kept) == read_path(str(by_sha[sha]), Limits(isolate=False))
    assert ahead.stop() == {}  # stopped once


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="looks at /proc")
def test_what_is_taken_while_the_child_reads_on_and_what_stop_gives_make_every_reading(
    tmp_path: Path,
) -> None:
    paths = _folder(tmp_path, 60)  # some 10 ms each: the first is back long before the last
    ahead = FolderReadAhead([str(p) for p in paths])
    assert ahead._pid
    taken: dict[str, bytes] = {}
    deadline = time.monotonic() + 60
    while not taken and time.monotonic() < deadline:
        time.sleep(0.05)
        taken |= ahead.take()
    assert taken and not _finished(ahead._pid)  # a first reading back, the child reading on
    while not _finished(ahead._pid) and time.monotonic() < deadline:
        taken |= ahead.take()
        time.sleep(0.02)
    rest = ahead.stop()
    assert not set(rest) & set(taken)  # each reading handed over once
    readings = taken | rest
    assert len(readings) == len(paths)
    for path in paths:
        read = read_path(str(path), Limits(isolate=False))
        assert load_kept(readings[read.sha256]) == read
    assert ahead.take() == {} and ahead.stop() == {}


def test_a_frame_cut_short_is_dropped() -> None:
    first, second = dump_kept(_reading("a")), dump_kept(_reading("b"))
    data = _frame("a" * 64, first) + _frame("b" * 64, second)
    assert readahead._frames(data) == ({"a" * 64: first, "b" * 64: second}, len(data))
    whole = len(_frame("a" * 64, first))
    assert readahead._frames(data[:-5]) == ({"a" * 64: first}, whole)
    # A body that is no zlib stream loses that one reading, not the ones after it.
    bad = readahead._HEADER.pack(b"c" * 64, 3) + b"xyz"
    assert readahead._frames(bad + data)[0] == {"a" * 64: first, "b" * 64: second}


def _reading(text: str) -> ReadResult:
    return ReadResult("ok", None, "0" * 64, "application/pdf", pages=1, text=text)


def _frame(sha: str, kept: bytes) -> bytes:
    body = zlib.compress(kept, 1)
    return readahead._HEADER.pack(sha.encode(), len(body)) + body


def test_without_a_core_to_spare_nothing_is_read_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readahead, "core_to_spare", lambda: False)
    ahead = FolderReadAhead([str(p) for p in _folder(tmp_path, 1)])
    assert not ahead._pid and ahead.stop() == {}
