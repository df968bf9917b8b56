"""Coverage-guided fuzz targets for atheris (libFuzzer).

    python -m tests.fuzz.atheris_targets TARGET [CORPUS_DIR...] [-runs=N] [-max_total_time=S]

TARGET is one of: reader, text, profile. A crash (any exception but the documented ones)
stops the run with its input saved as crash-*; CI runs each target for a few seconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys

import atheris

# Only what a target exercises is instrumented: instrumenting at import is slow.
INSTRUMENT = {
    "reader": ["recruit.core.reading", "recruit.core.layout", "pdfminer"],
    "text": ["recruit.core.normalise", "recruit.core.dates"],
    "profile": ["recruit.core.roles"],
}


def reader(data: bytes) -> None:
    """Read arbitrary bytes as a CV."""
    from recruit.core.reading import ERROR_CODES, Limits, read_document

    # In-process (no fork) so libFuzzer sees the parser's coverage; libFuzzer's own
    # -timeout stands in for the reader's hard deadline.
    limits = Limits(timeout_s=2.0, max_memory_mb=512, isolate=False)
    result = read_document(data, "cv.pdf", limits=limits)
    if result.error is not None and result.error.code not in ERROR_CODES:
        raise AssertionError(f"undocumented error code {result.error.code}")


def text(data: bytes) -> None:
    """Normalise arbitrary text and look for date ranges in it."""
    from recruit.core import dates, normalise

    fdp = atheris.FuzzedDataProvider(data)
    value = fdp.ConsumeUnicodeNoSurrogates(len(data))
    normalise.normalise_text(value)
    for r in dates.find_date_ranges(value, dt.date(2026, 11, 1)):
        if not (1 <= r.start[1] <= 12 and 1 <= r.end[1] <= 12):
            raise AssertionError(f"month out of range: {r}")


def profile(data: bytes) -> None:
    """Validate arbitrary text as a requirement profile."""
    from recruit.core import roles

    with contextlib.suppress(roles.ProfileError):
        roles.parse_requirements(data.decode("utf-8", "replace"))


TARGETS = {"reader": reader, "text": text, "profile": profile}


def main() -> None:
    """Run one target under libFuzzer with the remaining arguments."""
    name = sys.argv[1]
    target = TARGETS[name]
    with atheris.instrument_imports(include=INSTRUMENT[name]):
        # Import once here, instrumented; the targets' own imports then find them loaded.
        target(b"")
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
