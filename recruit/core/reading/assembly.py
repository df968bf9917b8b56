"""Ordered segments to text: separators, bullets, hyphenation, and each word's box and page."""

from __future__ import annotations

from typing import Any

from recruit.core import layout
from recruit.core.normalise import BULLET, is_bullet, joins_hyphenated, normalise_word
from recruit.core.reading.result import Span


def build_text(pages: list[list[layout.Seg]]) -> dict[str, Any]:
    """Join ordered segments into text, keeping each word's box and page."""
    # token: [text, separator before it, page, x0, top, x1, bottom, raw text]
    toks: list[list[Any]] = []
    page_tok: list[int] = []
    breaks: list[int] = []  # tokens that follow a line ending in a hyphen
    cid = fffd = 0
    for pno, segs in enumerate(pages, start=1):
        page_tok.append(len(toks))
        prev: layout.Seg | None = None
        for seg in segs:
            if prev is None:
                sep = "\n\n"
            elif abs(seg.bottom - prev.bottom) < 0.5 * prev.size and seg.x0 >= prev.x1:
                sep = " "  # the next cell of the same row (label, then its content)
            elif seg.top - prev.bottom > 0.9 * prev.size or seg.top < prev.top - 1:
                sep = "\n\n"
            else:
                sep = "\n"
            first = True
            for w in seg.words:
                t, c, f = normalise_word(w.text)
                cid += c
                fffd += f
                if not t:
                    continue
                if first and is_bullet(t):
                    t = BULLET
                if first and sep == "\n" and toks and toks[-1][7].endswith("\u00ad"):
                    sep = ""  # a soft hyphen ended the line (normalising dropped it)
                elif first and sep == "\n" and toks and toks[-1][0].endswith("-"):
                    breaks.append(len(toks))
                toks.append([t, sep if first else " ", pno, w.x0, w.top, w.x1, w.bottom, w.text])
                first = False
            prev = seg
    if breaks:
        vocabulary = frozenset(tok[0].rstrip(".,;:)").lower() for tok in toks)
        for i in breaks:
            left, right = toks[i - 1][0], toks[i][0]
            joined = joins_hyphenated(left, right, vocabulary)
            if joined is not None:
                if joined != left + right:
                    toks[i - 1][0] = left[:-1]  # the hyphen only broke the line
                toks[i][1] = ""
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    starts: list[int] = []
    k = 0
    for i, tok in enumerate(toks):
        while k < len(page_tok) and page_tok[k] <= i:
            starts.append(pos + (len(tok[1]) if i else 0))
            k += 1
        sep = tok[1] if i else ""
        parts.append(sep)
        pos += len(sep)
        spans.append(
            (
                pos,
                pos + len(tok[0]),
                tok[2],
                round(tok[3], 1),
                round(tok[4], 1),
                round(tok[5], 1),
                round(tok[6], 1),
            )
        )
        parts.append(tok[0])
        pos += len(tok[0])
    while len(starts) < len(page_tok):
        starts.append(pos)
    return {
        "text": "".join(parts),
        "spans": tuple(spans),
        "page_starts": tuple(starts),
        "cid": cid,
        "fffd": fffd,
    }
