"""Lines by geometry alone: a page drawn word by word, in any order, each word in a slightly
different size, reads as the original does (issue 14, point 4)."""

from __future__ import annotations

import pytest

from recruit.core.extraction import extract_profile
from recruit.core.layout import build_words
from recruit.core.reading import ReadResult, read_document
from tests import cvgen

DOCS = cvgen.sample_cvs()
REDRAWS = ("words", "shuffled")


def _name(result: ReadResult) -> str | None:
    profile = extract_profile(
        result.text,
        language=result.language,
        page_starts=result.page_starts,
        doc_date=result.doc_date,
    )
    return profile.name


def _check_redraws(doc: cvgen.CvDocument, layout: str) -> None:
    truth = cvgen.expected_text(doc, layout)
    original = read_document(cvgen.render_pdf(doc, layout))
    for order in REDRAWS:
        redrawn = read_document(cvgen.render_pdf(doc, layout, file_order=order))
        assert cvgen.bigram_recall(truth, redrawn.text) >= 0.99, (layout, order)
        assert _name(redrawn) == _name(original), (layout, order)


@pytest.mark.parametrize("layout", cvgen.LAYOUTS)
@pytest.mark.parametrize("lang", sorted(DOCS))
def test_sample_cvs_redrawn_word_by_word_read_the_same(lang: str, layout: str) -> None:
    _check_redraws(DOCS[lang], layout)


@pytest.mark.parametrize("cv_id", ["gen23-en-sidebar_right", "gen57-ro-sidebar_left"])
def test_words_drawn_as_runs_in_row_order_keep_their_spaces(cv_id: str) -> None:
    # A run a per cent larger leaves 0.14 em before the next word ("Representativeat").
    from tests.labelled import labelled_cvs

    [cv] = [cv for cv in labelled_cvs() if cv.id == cv_id]
    data = cvgen.render_pdf(cv.doc, cv.layout, file_order="words")
    assert read_document(data).text.split() == cvgen.expected_text(cv.doc, cv.layout).split()


def test_a_gap_between_runs_breaks_words_sooner_than_one_inside_a_run() -> None:
    # text, x0, x1, top, bottom, size, bold, run: "ab" and "cd" 1.4 pt (0.14 em) apart, then
    # a space glyph and "e" (a run with space glyphs marks its words with them).
    def chars(second_run: int) -> list:
        return [
            ("a", 0.0, 5.0, 0.0, 10.0, 10.0, False, 1),
            ("b", 5.0, 10.0, 0.0, 10.0, 10.0, False, 1),
            ("c", 11.4, 16.4, 0.0, 10.0, 10.0, False, second_run),
            ("d", 16.4, 21.4, 0.0, 10.0, 10.0, False, second_run),
            (" ", 21.4, 24.4, 0.0, 10.0, 10.0, False, second_run),
            ("e", 24.4, 29.4, 0.0, 10.0, 10.0, False, second_run),
        ]

    assert [w.text for w in build_words(chars(2))] == ["ab", "cd", "e"]
    assert [w.text for w in build_words(chars(1))] == ["abcd", "e"]  # kerning inside a run


@pytest.mark.slow
def test_labelled_cvs_redrawn_word_by_word_read_the_same() -> None:
    from tests.labelled import labelled_cvs

    for cv in labelled_cvs():
        _check_redraws(cv.doc, cv.layout)
