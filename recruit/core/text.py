"""Text that Romanian CVs write several ways: with or without diacritics, with the old cedilla
forms (ş ţ) or the comma-below ones (ș ț), in Romanian or English. The one home of diacritic
folding and of telling the language of a text."""

from __future__ import annotations

import re
import unicodedata

# The old cedilla forms, still produced by many Windows keyboards and fonts.
_CEDILLA = str.maketrans("şţŞŢ", "șțȘȚ")


def comma_below(text: str) -> str:
    """Write the cedilla forms ş ţ Ş Ţ as the Romanian comma-below letters ș ț Ș Ț."""
    return text.translate(_CEDILLA)


class _FoldTable(dict[int, str]):
    """A `str.translate` table: each character to its base letter, one character for one."""

    def __init__(self, lower: bool) -> None:
        super().__init__()
        self.lower = lower

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[:1] or char
        if base.isalpha() != char.isalpha():
            base = char  # a symbol whose decomposition starts with a letter, or the reverse
        if self.lower:
            low = base.lower()
            # "İ".lower() is two characters: keep such a letter, so offsets stay valid.
            base = low if len(low) == 1 else base
        self[code] = base
        return base


_LOWER = _FoldTable(lower=True)
_KEEP_CASE = _FoldTable(lower=False)


def fold(text: str, *, lower: bool = True) -> str:
    """Strip diacritics ("ș", "ş" and "s" alike), lower-cased unless `lower` is False.

    One character of output per character of input, so offsets found in the folded text
    point at the same characters of the original.
    """
    if text.isascii():
        return text.lower() if lower else text
    return text.translate(_LOWER if lower else _KEEP_CASE)


# Frequent words that belong to one language only, folded; "in", "a", "de", "o" are left out
# because both languages (or Romanian without diacritics) use them. Then the words CV headings
# and profiles use: a short CV may have no sentence at all ("PROFIL / Caut un loc de muncă").
_RO_WORDS = """
si cu la pentru din pe care sau ale al cel cea mai este sunt am fost un unei unui prin pana
dupa catre ani anul lucru clienti experienta vanzari limba limbi educatie competente nivel
buna telefon profil caut loc munca consilier studii permis conducere abilitati aptitudini
despre mine luni prezent absolvent facultatea universitatea liceul
"""
_EN_WORDS = """
the and of to for with on at as by from is are was were my i an this that have has years work
experience skills education languages customer customers sales team management responsible
managed led phone profile looking job new present university degree college school driving
licence license about me months
"""
_RO = frozenset(_RO_WORDS.split())
# Romanian only as written with diacritics: folded, "în" is the English "in".
_RO_WITH_DIACRITICS = frozenset({"în"})
_EN = frozenset(_EN_WORDS.split())
_WORD = re.compile(r"[^\W\d_]+")
_RO_LETTERS = frozenset("ăâîșțşţĂÂÎȘȚŞŢ")


def detect_language(text: str) -> str | None:
    """Return "ro" or "en" for `text`, or None when it has too few clues."""
    ro = en = 0
    text = text[:20_000]
    folded = fold(text)
    for m in _WORD.finditer(text):
        word = folded[m.start() : m.end()]
        if word in _RO or m.group().lower() in _RO_WITH_DIACRITICS:
            ro += 1
        elif word in _EN:
            en += 1
    # Romanian letters are strong evidence, but English CVs of Romanians carry them in names.
    ro += sum(1 for ch in text if ch in _RO_LETTERS) // 8
    if ro + en < 3:
        return None
    return "ro" if ro > en else "en"
