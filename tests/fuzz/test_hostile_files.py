"""The hostile-file corpus: each file is read within the time and memory limits, with a
documented outcome, and the process that called the reader stays small."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recruit.core.media import DOCX, sniff_media_type
from recruit.core.reading import ERROR_CODES, Limits, read_document
from tests.fuzz import hostile

LIMITS = Limits(timeout_s=4.0, max_memory_mb=512)
# Forking, unpickling the result and killing a child add a little to the reader's deadline.
SLACK_S = 3.0


def _check(result) -> None:
    assert result.status in ("ok", "error", "needs_review")
    if result.status == "ok":
        assert result.error is None
    else:
        assert result.error.code in ERROR_CODES and result.error.message


@pytest.mark.parametrize("name", sorted(hostile.CORPUS))
def test_hostile_file_is_read_within_the_limits(name: str) -> None:
    data = hostile.CORPUS[name]()
    filename = "cv.docx" if name.startswith("docx") else "cv.pdf"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    result = read_document(data, filename, limits=LIMITS)
    elapsed = time.monotonic() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    _check(result)
    assert elapsed < LIMITS.timeout_s + SLACK_S, f"{name} took {elapsed:.1f}s"
    # The parse runs in a child: a bomb may fill the child, never the caller.
    assert grown_mb < 200, f"{name} grew the caller by {grown_mb:.0f} MB"


def test_expected_outcomes_of_the_clear_cases() -> None:
    assert read_document(hostile.valid(), "cv.pdf", limits=LIMITS).status == "ok"
    pages = read_document(hostile.many_pages(), "cv.pdf", limits=LIMITS)
    assert pages.error is not None and pages.error.code == "too_many_pages"
    cut = read_document(hostile.truncated(), "cv.pdf", limits=LIMITS)
    assert cut.error is not None and cut.error.code == "corrupt"
    big = read_document(b"%PDF-1.4\n" + b"0" * (LIMITS.max_bytes + 1), "cv.pdf", limits=LIMITS)
    assert big.error is not None and big.error.code == "too_large"


def test_a_docx_asking_a_newer_zip_version_is_corrupt() -> None:
    # Found by the fuzzer: zipfile raises NotImplementedError for "version needed" 6.4.
    data = hostile.docx_future_zip_version()
    assert sniff_media_type(data) == DOCX
    for filename in ("cv.docx", "cv.pdf", "cv"):
        result = read_document(data, filename, limits=LIMITS)
        assert result.error is not None and result.error.code == "corrupt", filename
    # A zip with no Word body that zipfile cannot open is still just a zip.
    assert sniff_media_type(data.replace(b"word/document.xml", b"word/document.xmX")) == (
        "application/zip"
    )


IN_PROCESS = """
import sys
from recruit.core.media import DOCX, sniff_media_type
from recruit.core.reading import Limits, read_document
from tests.fuzz import hostile
limits = Limits(timeout_s=2.0, isolate=False)
result = read_document(hostile.CORPUS[sys.argv[1]](), "cv.pdf", limits=limits)
print(result.error.code if result.error else "ok")
"""


def _python(script: str, name: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run `script` on the hostile file `name` in a new Python at the project's root."""
    return subprocess.run(
        [sys.executable, "-c", script, name],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_in_process_reading_is_bounded_too() -> None:
    # pdfminer's resolve1 loops forever on a reference cycle; on the main thread the
    # in-process read (`recruit parse` of one file) stops it with an alarm.
    try:
        run = _python(IN_PROCESS, "reference_cycle", timeout=8)
    except subprocess.TimeoutExpired:
        pytest.fail("an in-process read of a 600-byte PDF ran past 8 s")
    assert run.returncode == 0 and run.stdout.strip() in ERROR_CODES | {"ok"}, run.stderr[-2000:]


OFF_THE_MAIN_THREAD = """
import sys, threading
from recruit.core.reading import Limits, read_document
from tests.fuzz import hostile
out = []
def read():
    data = hostile.CORPUS[sys.argv[1]]()
    result = read_document(data, "cv.pdf", limits=Limits(timeout_s=2.0, isolate=False))
    out.append(result.error.code if result.error else "ok")
thread = threading.Thread(target=read, daemon=True)
thread.start()
thread.join(6)
print(out[0] if out else "hung")
"""


def test_a_page_tree_of_references_that_cycle_reads_as_corrupt_without_an_alarm() -> None:
    # Off the main thread (a web request, a fuzzer's own alarm) no alarm stops a loop inside
    # pdfminer: a chain of references that comes back on itself must end by itself.
    run = _python(OFF_THE_MAIN_THREAD, "page_tree_reference_cycle", timeout=30)
    assert run.stdout.strip() == "corrupt", run.stderr[-2000:]
