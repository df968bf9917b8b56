"""Text that Romanian CVs write several ways: with or without diacritics, with the old cedilla
forms (ş ţ) or the comma-below ones (ș ț). The one home of diacritic folding."""

from __future__ import annotations

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
