"""Text normalisation shared by the PDF and DOCX readers.

Works word by word (and line by line for hyphenation and bullets) so that every character
of the output can still be traced to the word box it came from.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
from ftfy.badness import is_bad

from recruit.core.text import comma_below

# Latin ligatures (U+FB00..FB06) expand to their letters.
_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_DROP = dict.fromkeys(
    map(ord, "\u00ad\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u2060\ufeff"), None
)
# Debris that HTML-to-PDF converters leave when UTF-8 was read as Latin-1 and a byte got
# lost, so ftfy cannot undo it: "ï¼" (a fullwidth form's first two bytes), "Â" (before a
# no-break space, which became the word break) and "â€" (a closing quote, U+201D).
_LOST_LEAD = re.compile("\u00ef[\u00bc\u00bd]")
_STRAY_A = re.compile("(?<=[A-Za-z0-9.,;:!?)])\u00c2+(?=[a-z]|$)|^\u00c2+$")
# s/t followed by a combining comma or cedilla, or a spacing cedilla, inside a word: the mark
# some fonts draw apart. (An ASCII comma drawn under the letter is rebuilt from positions.)
_STRAY_COMMA = re.compile(r"([sStT])[\u0326\u0327\u00b8](?=[a-zăâîșț])")
_COMMA_BELOW = {"s": "ș", "S": "Ș", "t": "ț", "T": "Ț"}
# Accents that fonts without the accented letter draw as glyphs of their own (pdfTeX's OT1
# fonts: \u{a} is "˘" over "a", \c{s} "¸" under "s"; OpenType marks), and the combining mark
# each stands for. The ASCII ones count only where a glyph sits right on a letter.
_ACCENTS = {
    "\u02d8": "\u0306",  # breve
    "\u00b8": "\u0327",  # cedilla
    "\u02c6": "\u0302",  # circumflex
    "^": "\u0302",
    "\u00b4": "\u0301",  # acute
    "`": "\u0300",
    "\u02dd": "\u030b",  # double acute
    "\u00a8": "\u0308",  # diaeresis
    "\u02c7": "\u030c",  # caron
    "\u02db": "\u0328",  # ogonek
    "\u02d9": "\u0307",  # dot above
    "\u02da": "\u030a",  # ring
    "\u02dc": "\u0303",  # small tilde
    "~": "\u0303",
    "\u00af": "\u0304",  # macron
    ",": "\u0326",  # a comma drawn under s or t
    "\u02cf": "\u0326",  # a low acute some fonts use as that comma
}
ACCENT_CHARS = frozenset(_ACCENTS) | frozenset(map(chr, range(0x0300, 0x0370)))
_DOTLESS = {"\u0131": "i", "\u0237": "j"}
_CID = re.compile(r"\(cid:\d+\)")

# Line-initial glyphs used as bullets; U+F0B7 and U+F0A7 are Word's Symbol-font bullets.
BULLET_CHARS = frozenset("•▪●◦■□►▸➢➤✓✔❖◆◇○∙·*–-\uf0b7\uf0a7\uf076\uf0d8\uf0fc")
BULLET = "•"


def normalise_word(word: str) -> tuple[str, int, int]:
    """Normalise one word; return it with its count of (cid:NN) and U+FFFD characters."""
    cids = fffd = 0
    if "(cid:" in word:
        word, cids = _CID.subn("", word)
    if "\ufffd" in word:
        fffd = word.count("\ufffd")
        word = word.replace("\ufffd", "")
    if word.isascii():
        return word, cids, fffd
    word = word.translate(_DROP)
    if is_bad(word):
        # ftfy only changes text it can prove is mojibake; Romanian â/î stay as they are.
        word = ftfy.fix_encoding(word).replace("\u00e2\u20ac", "\u201d").translate(_DROP)
    if "\u00ef" in word:
        word, lost = _LOST_LEAD.subn("", word)
        fffd += lost
    if "\u00c2" in word:
        word = _STRAY_A.sub(lambda m: " " if m.end() < len(m.string) else "", word).strip()
    for lig, letters in _LIGATURES.items():
        if lig in word:
            word = word.replace(lig, letters)
    if not unicodedata.is_normalized("NFC", word):
        word = unicodedata.normalize("NFC", word)
    word = _STRAY_COMMA.sub(lambda m: _COMMA_BELOW[m.group(1)], word)
    # Fullwidth ASCII (U+FF01..FF5E) comes from CJK-locale converters; fold it.
    if any("\uff01" <= ch <= "\uff5e" for ch in word):
        word = "".join(chr(ord(ch) - 0xFEE0) if "\uff01" <= ch <= "\uff5e" else ch for ch in word)
    return comma_below(word), cids, fffd


def attach_accent(letter: str, accent: str) -> str | None:
    """Return `letter` carrying `accent` (a spacing or combining glyph), or None if none exists."""
    mark = _ACCENTS.get(accent, accent)
    if mark in ("\u0326", "\u0327") and letter in _COMMA_BELOW:
        return _COMMA_BELOW[letter]  # ș ț, whether the font drew a comma or a cedilla
    composed = unicodedata.normalize("NFC", _DOTLESS.get(letter, letter) + mark)
    return composed if len(composed) == 1 and composed != letter else None


def is_bullet(word: str) -> bool:
    """Tell whether a line-initial word is a bullet glyph."""
    return len(word) == 1 and word in BULLET_CHARS


# Romanian clitics written after a hyphen ("într-o", "s-a"): a line break after their hyphen
# is not word hyphenation.
_CLITIC_WORDS = "o un una a am ai au i l le lea ul ului urile ți mi ne v s n ar aș"
_CLITICS = frozenset(_CLITIC_WORDS.split())


def joins_hyphenated(left: str, right: str, vocabulary: frozenset[str] = frozenset()) -> str | None:
    """Join a word broken across lines ("vân-" + "zări"); None when it is not a break.

    A hard hyphen at a line end is kept ("follow-" + "up" is "follow-up") unless the
    document spells the joined word elsewhere: CVs come from word processors and browsers,
    which break lines after compound words' hyphens but seldom hyphenate words themselves.
    """
    if left.endswith("\u00ad"):
        return left[:-1] + right
    if len(left) < 2 or not left.endswith("-") or not left[-2].isalpha():
        return None
    if not right[:1].isalpha():
        return None
    head = right.rstrip(".,;:)")
    if right[0].islower() and head.lower() not in _CLITICS:
        joined = left[:-1] + right
        if joined.rstrip(".,;:)").lower() in vocabulary:
            return joined
    return left + right


def normalise_text(text: str) -> str:
    """Normalise free text (DOCX paragraphs, tests) the way PDF words are normalised."""
    out_lines = []
    for line in text.splitlines():
        words = [normalise_word(w)[0] for w in line.split()]
        words = [w for w in words if w]
        if words and is_bullet(words[0]):
            words[0] = BULLET
        out_lines.append(" ".join(words))
    return "\n".join(out_lines)
