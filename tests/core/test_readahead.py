"""A file read ahead in a forked child comes back as reading it here would have read it."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from recruit.core import readahead
from recruit.core.readahead import ReadAhead
from recruit.core.reading import Limits, read_path
from tests import cvgen


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


def test_a_core_is_to_spare_only_below_a_full_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.7, 0.5, 0.5))
    assert readahead.core_to_spare()
    monkeypatch.setattr(os, "getloadavg", lambda: (1.6, 0.5, 0.5))
    assert not readahead.core_to_spare()
