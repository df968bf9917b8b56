"""Fuzzing with hypothesis: no input makes these raise anything but their documented errors.

Budgets are small (the whole folder runs in under a minute) and there is no example
database, so a CI run is bounded, repeatable and writes nothing. Set RECRUIT_FUZZ_EXAMPLES
to search longer, at random.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recruit.core.reading import ERROR_CODES, Limits, read_document
from tests.fuzz import hostile

EXAMPLES = int(os.environ.get("RECRUIT_FUZZ_EXAMPLES") or 0)


def budget(n: int) -> settings:
    """Settings for one fuzz target: `n` examples (or RECRUIT_FUZZ_EXAMPLES), no deadline."""
    return settings(
        max_examples=EXAMPLES or n,
        # CI replays the same examples every run, so a red run is reproducible and never a
        # coin toss; a longer local campaign (RECRUIT_FUZZ_EXAMPLES) explores at random.
        derandomize=not EXAMPLES,
        deadline=None,  # a loaded CI machine must not turn slowness into failures
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


LIMITS = Limits(timeout_s=3.0, max_memory_mb=512)
VALID_PDF = hostile.valid()
VALID_DOCX = hostile.docx(
    b"<w:document "
    + hostile.W
    + b"><w:body><w:p><w:r><w:t>Manager de cont, negociere, 2019 - prezent</w:t></w:r></w:p>"
    b"</w:body></w:document>"
)
# Text that looks like CVs: Romanian letters in both comma and cedilla forms, ligatures,
# soft hyphens, bullets, digits and the separators dates use.
CV_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 .,;:/-–—()|•\n\t")
    + list("ăâîșțĂÂÎȘȚşţŞŢ\u00ad\ufb01\ufb02\ufffd\u200b\uf0b7é")
)
cv_text = st.one_of(st.text(), st.text(alphabet=CV_ALPHABET, max_size=400))


def _check(result) -> None:
    assert result.status in ("ok", "error", "needs_review")
    if result.error is not None:
        assert result.error.code in ERROR_CODES
    assert isinstance(result.text, str)


@st.composite
def mutated(draw, base: bytes) -> bytes:
    """`base` with a few bytes flipped, cut, duplicated or inserted."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "cut", "dup", "insert", "truncate"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "dup":
            data[at:at] = data[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            data[at:at] = draw(
                st.sampled_from(
                    [b"[", b"<<", b">>", b"0 0 R", b"stream", b"endobj", b"/Count 99999", b"\0"]
                )
            )
        elif op == "truncate":
            del data[at:]
    return bytes(data)


@budget(60)
@given(data=st.binary(max_size=4096), name=st.sampled_from(["cv.pdf", "cv.docx", "cv", "x.txt"]))
def test_reader_on_arbitrary_bytes(data: bytes, name: str) -> None:
    _check(read_document(data, name, limits=LIMITS))


@budget(40)
@given(data=mutated(VALID_PDF))
def test_reader_on_damaged_pdfs(data: bytes) -> None:
    _check(read_document(data, "cv.pdf", limits=LIMITS))


@budget(25)
@given(data=mutated(VALID_DOCX))
def test_reader_on_damaged_docx(data: bytes) -> None:
    _check(read_document(data, "cv.docx", limits=LIMITS))


@budget(200)
@given(text=cv_text)
def test_normaliser_never_raises(text: str) -> None:
    from recruit.core.normalise import is_bullet, joins_hyphenated, normalise_text, normalise_word

    assert isinstance(normalise_text(text), str)
    for word in text.split():
        out, cids, fffd = normalise_word(word)
        assert isinstance(out, str) and cids >= 0 and fffd >= 0
        is_bullet(word)
    words = text.split()
    for left, right in zip(words, words[1:], strict=False):
        joined = joins_hyphenated(left, right)
        assert joined is None or isinstance(joined, str)


date_text = st.lists(
    st.one_of(
        cv_text,
        st.sampled_from(
            [
                "03/2019 - prezent",
                "Jan 2018 – Mar 2021",
                "2015-2019",
                "din 2020",
                "ianuarie 2010 - decembrie 2012",
                "13/2019 - 00/2020",
                "9999 - 0000",
                "since 2021",
                "2019 -",
                "- 2020",
                "01.02.2019 – 31.12.2018",
                "mai 2019 – azi",
            ]
        ),
    ),
    max_size=8,
).map(" ".join)


@budget(200)
@given(text=date_text, doc_date=st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
def test_date_parser_never_raises_and_ranges_make_sense(text: str, doc_date: dt.date) -> None:
    from recruit.core.dates import find_date_ranges, months_between, total_months

    ranges = find_date_ranges(text, doc_date)
    today = (doc_date.year, doc_date.month)
    for r in ranges:
        assert 1 <= r.start[1] <= 12 and 1 <= r.end[1] <= 12
        assert 0 <= r.start_char <= r.end_char <= len(text)
        # A range after the document's own date keeps its dates ("IAN2001 MAR2001" in a
        # file dated 2000-01) and counts 0 months: its end never falls before its start.
        assert r.start <= r.end, r
        assert months_between(r.start, r.end) >= 1
        assert 0 <= total_months([(r.start, r.end)], today) <= months_between(r.start, r.end)
    assert total_months([(r.start, r.end) for r in ranges], today) >= 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)
criterion = st.fixed_dictionaries(
    {},
    optional={
        "id": st.text(max_size=12) | json_values,
        "type": st.sampled_from(
            ["skill", "experience", "education", "language", "licence", "own_car", "written"]
        )
        | json_values,
        "label": st.text(max_size=20) | json_values,
        "weight": st.floats(allow_nan=True) | st.integers() | json_values,
        "must_have": st.booleans() | json_values,
        "skills": st.lists(st.text(max_size=12), max_size=3) | json_values,
        "level": st.sampled_from(["A1", "B2", "C2", "bachelor", "master"]) | json_values,
        "language": st.sampled_from(["en", "ro", "xx"]) | json_values,
        "minimum": st.integers(-5, 1000) | json_values,
        "target": st.integers(-5, 1000) | json_values,
        "category": st.sampled_from(["B", "C", "Z"]) | json_values,
    },
)
profile_data = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"id": st.text(max_size=12) | json_values},
        optional={
            "label": st.text(max_size=12) | json_values,
            "criteria": st.lists(criterion, max_size=5) | json_values,
            "extra": json_values,
        },
    ),
)


@budget(300)
@given(data=profile_data, as_text=st.booleans())
def test_profile_validator_raises_only_profile_errors(data, as_text: bool) -> None:
    from recruit.core.roles import ProfileError
    from recruit.core.scoring import parse_requirements

    payload = json.dumps(data) if as_text else data
    try:
        parsed = parse_requirements(payload)
    except ProfileError as exc:
        assert str(exc)
        return
    # What validates round-trips through its own dict form.
    assert parse_requirements(parsed.to_dict()).to_dict() == parsed.to_dict()


@budget(100)
@given(text=st.text(max_size=600) | st.text(alphabet=CV_ALPHABET, max_size=600))
def test_profile_validator_on_broken_json_text(text: str) -> None:
    from recruit.core.roles import ProfileError
    from recruit.core.scoring import parse_requirements

    with contextlib.suppress(ProfileError):
        parse_requirements(text)


@budget(200)
@given(text=cv_text, names=st.lists(st.text(max_size=30), max_size=3))
def test_redaction_keeps_every_offset(text: str, names: list[str]) -> None:
    from recruit.core.redaction import Redactor

    out = Redactor(names, text).text(text)
    assert len(out) == len(text)
    # Line breaks survive, so evidence spans and lines still line up.
    assert [i for i, c in enumerate(out) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]
