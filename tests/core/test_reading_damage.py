"""Real-world text damage read clean (issue 14, point 5): no space glyphs (LaTeX), accents
drawn as glyphs of their own, faux bold, glyph-by-glyph runs, two columns a few points apart."""

from __future__ import annotations

import pytest

from recruit.core.layout import Word, build_words
from recruit.core.normalise import attach_accent
from recruit.core.reading import read_document
from tests import cvgen

DOCS = cvgen.sample_cvs()


@pytest.mark.parametrize("layout", cvgen.LAYOUTS)
@pytest.mark.parametrize("lang", ["ro", "ro_cedilla", "en"])
@pytest.mark.parametrize("damage", cvgen.DAMAGES)
def test_damaged_text_layer_reads_as_the_original(damage: str, lang: str, layout: str) -> None:
    doc = DOCS[lang]
    result = read_document(cvgen.render_damaged(doc, layout, damage), "cv.pdf")
    assert result.status == "ok"
    assert result.text.split() == cvgen.expected_text(doc, layout).split()


def test_tex_text_has_romanian_letters_and_spaces() -> None:
    text = read_document(cvgen.render_damaged(DOCS["ro"], "single", "tex")).text
    assert "vânzări B2B și relația cu clienții corporativi" in text
    assert "Științe Economice" in text and "ȘI FORMARE" in text
    assert not set("˘¸ˆı") & set(text)


@pytest.mark.parametrize("word_runs", [False, True])
@pytest.mark.parametrize("gutter", [4.0, 6.0, 14.0])
@pytest.mark.parametrize("lang", ["ro", "en"])
def test_justified_columns_a_few_points_apart_stay_apart(
    lang: str, gutter: float, word_runs: bool
) -> None:
    doc = DOCS[lang]
    data = cvgen.render_tight_columns(doc, gutter, word_runs=word_runs)
    text = read_document(data, "cv.pdf").text
    assert text.split() == cvgen.tight_columns_text(doc, gutter).split()


# text, x0, x1, top, bottom, size, bold, run
def _char(text: str, x0: float, x1: float, top: float = 0.0, run: int = 1) -> tuple:
    return (text, x0, x1, top, top + 10.0, 10.0, False, run)


def test_an_accent_before_or_after_its_letter_joins_it() -> None:
    before = [_char("v", 0, 5), _char("\u02c6", 5.6, 9), _char("a", 5, 10.5), _char("r", 10.5, 14)]
    assert [w.text for w in build_words(before)] == ["vâr"]
    # A combining cedilla in a run of its own, moved 3.5 pt below the line (OpenType marks).
    after = [_char("s", 0, 5), _char("\u0327", 2, 2, top=3.5, run=2), _char("i", 5, 8)]
    assert [w.text for w in build_words(after)] == ["și"]


def test_a_comma_after_s_is_a_comma_and_one_under_it_a_comma_below() -> None:
    chars = [_char("a", 0, 5), _char("s", 5, 10), _char(",", 9.5, 12.5), _char("s", 20, 25)]
    chars.append(_char(",", 21, 24))
    assert [w.text for w in build_words(chars)] == ["as,", "ș"]


def test_a_word_drawn_again_a_fraction_of_a_point_away_is_kept_once_and_bold() -> None:
    chars = [_char(c, 10 + 5 * i, 15 + 5 * i) for i, c in enumerate("Ana")]
    chars += [_char(c, 10.3 + 5 * i, 15.3 + 5 * i, run=2) for i, c in enumerate("Ana")]
    chars += [_char(c, 40 + 5 * i, 45 + 5 * i, run=3) for i, c in enumerate("Ana")]
    words = build_words(chars)
    assert [(w.text, w.bold) for w in words] == [("Ana", True), ("Ana", False)]
    assert isinstance(words[0], Word)


@pytest.mark.parametrize(
    ("letter", "accent", "want"),
    [
        ("a", "\u02d8", "ă"),
        ("a", "\u0306", "ă"),
        ("A", "\u02d8", "Ă"),
        ("a", "\u02c6", "â"),
        ("\u0131", "\u02c6", "î"),
        ("I", "^", "Î"),
        ("s", "\u00b8", "ș"),
        ("t", "\u0327", "ț"),
        ("T", ",", "Ț"),
        ("e", "\u00b4", "é"),
        ("a", ",", None),
        ("x", "\u02d8", None),
    ],
)
def test_attach_accent(letter: str, accent: str, want: str | None) -> None:
    assert attach_accent(letter, accent) == want
