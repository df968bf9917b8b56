"""What typed text may hold: no control characters, which break exports and hide content."""

from __future__ import annotations

import unicodedata

# Bidirectional overrides and isolates reorder what a reader sees ("Ana" shown for "anA").
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\t\n\r")


def unprintable(text: str, *, multiline: bool = False) -> list[str]:
    """Return the characters of `text` that typed input must not hold, in order.

    Control characters (C0, C1, DEL), lone surrogates, non-characters and bidi overrides;
    tabs and line breaks only in a text of several lines (a note, a notice).
    """
    return [
        c
        for c in text
        if not (multiline and c in _LINE_BREAKS)
        and (unicodedata.category(c) in ("Cc", "Cs") or c in _BIDI or _noncharacter(c))
    ]


def _noncharacter(c: str) -> bool:
    # U+FFFE, U+FFFF (and their copies in every plane) and U+FDD0..U+FDEF: never text, and
    # XML refuses the first two.
    o = ord(c)
    return 0xFDD0 <= o <= 0xFDEF or o & 0xFFFE == 0xFFFE
