"""Normalisation of words and lines: diacritics, ligatures, hyphenation, bullets, debris."""

from __future__ import annotations

import pytest

from recruit.core.normalise import joins_hyphenated, normalise_text, normalise_word


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("şcoală", "școală"),  # cedilla to comma below
        ("ŞEF", "ȘEF"),
        ("ţară", "țară"),
        ("s\u0326i", "și"),  # combining comma below
        ("s\u0327i", "și"),  # combining cedilla
        ("s\u00b8i", "și"),  # a spacing cedilla
        ("clients,sales", "clients,sales"),  # an ASCII comma is punctuation in text
        ("oﬁce", "ofice"),
        ("ﬂux", "flux"),
        ("Cafe\u0301", "Café"),  # NFC
        ("vân\u00adzări", "vânzări"),  # soft hyphen inside a word
        ("dÃ©cor", "décor"),  # mojibake ftfy can prove
        ("â€¢", "•"),
        ("ROMÂNIA", "ROMÂNIA"),  # real Romanian Â stays
        ("câmp", "câmp"),
        ("favor.Â", "favor."),  # the leftover of a mojibake no-break space
        ("ＡＢＣ", "ABC"),
    ],
)
def test_normalise_word(raw: str, want: str) -> None:
    assert normalise_word(raw)[0] == want


def test_cid_and_replacement_characters_are_counted_not_passed() -> None:
    assert normalise_word("(cid:12)(cid:7)ab") == ("ab", 2, 0)
    assert normalise_word("a\ufffdb") == ("ab", 0, 1)
    word, _, lost = normalise_word("ï¼\u200b")
    assert word == "" and lost == 1


def test_hyphenation() -> None:
    assert joins_hyphenated("vân\u00ad", "zări") == "vânzări"
    assert joins_hyphenated("vân-", "zări", frozenset({"vânzări"})) == "vânzări"
    assert joins_hyphenated("follow-", "up") == "follow-up"  # a compound stays a compound
    assert joins_hyphenated("Cluj-", "Napoca") == "Cluj-Napoca"
    assert joins_hyphenated("într-", "o", frozenset({"întro"})) == "într-o"
    assert joins_hyphenated("2019 -", "2020") is None
    assert joins_hyphenated("word", "next") is None


def test_bullets_are_unified() -> None:
    text = "▪ Negociere\n➢ CRM\n– Excel\n\uf0b7 Vânzări\n2019 – 2020"
    assert normalise_text(text) == "• Negociere\n• CRM\n• Excel\n• Vânzări\n2019 – 2020"


def test_comma_drawn_under_s_and_t_is_rebuilt_from_positions() -> None:
    from recruit.core.layout import build_words

    # text, x0, x1, top, bottom, size, bold, run: "s", "," under it, "i"; "a," stays.
    chars = [
        ("s", 0.0, 5.0, 0.0, 10.0, 10.0, False, 1),
        (",", 1.0, 4.0, 0.0, 10.0, 10.0, False, 1),
        ("i", 5.0, 8.0, 0.0, 10.0, 10.0, False, 1),
        (" ", 8.0, 11.0, 0.0, 10.0, 10.0, False, 1),
        ("a", 11.0, 16.0, 0.0, 10.0, 10.0, False, 1),
        (",", 16.0, 19.0, 0.0, 10.0, 10.0, False, 1),
    ]
    assert [w.text for w in build_words(chars)] == ["și", "a,"]
