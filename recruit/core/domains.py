"""Domains of work: where a CV names banking, sales or client words, for skills in context.

One vocabulary, `models/lexicons/domains.json`. Extraction records where each domain's words
stand (`find_domain_words`); a skill criterion then asks whether a generic duty ("reports",
"advised", "contracts") has one close by (`near`), so a chef's "advised clients" on menus is
not a banker's advice on loans.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from recruit.core.assets import models_path
from recruit.core.profile import Cue
from recruit.core.text import fold

# Characters either side of a mention that count as "close by": about one bullet line.
# Real resumes put the domain word in the same duty ("prepared loan reports for the branch").
WINDOW = 80


@dataclass(frozen=True)
class Domain:
    id: str
    en: str
    ro: str

    def label(self, language: str | None) -> str:
        """Return the domain's name in `language` (English when unknown)."""
        return self.ro if language == "ro" else self.en


@dataclass(frozen=True)
class _Vocabulary:
    domains: dict[str, Domain]
    regex: re.Pattern[str]
    groups: dict[str, str]  # regex group name -> domain id
    weak: dict[str, re.Pattern[str]]  # domain id -> its words that count only beside another


@cache
def _vocabulary() -> _Vocabulary:
    data = json.loads(models_path("lexicons", "domains.json").read_text(encoding="utf-8"))
    domains = {d["id"]: Domain(d["id"], d["en"], d["ro"]) for d in data["domains"]}
    groups: dict[str, str] = {}
    # Words a prefix would catch that are no domain's come first, so they are matched and dropped.
    excluded = [w for d in data["domains"] for w in d.get("not", [])]
    parts = [f"(?P<no>{_alternatives(excluded)})"] if excluded else []
    weak = {}
    for d in data["domains"]:
        name = f"d{len(groups)}"
        groups[name] = d["id"]
        parts.append(f"(?P<{name}>{_alternatives(d['words'])})")
        if d.get("weak"):
            weak[d["id"]] = re.compile(_alternatives(d["weak"]))
    # One alternation per domain; a word of two domains goes to the first listed.
    regex = re.compile(rf"(?<![a-z0-9])(?:{'|'.join(parts)})(?![a-z0-9])")
    return _Vocabulary(domains, regex, groups, weak)


def _alternatives(words: Sequence[str]) -> str:
    """Return a regex alternation of folded words, longest first ('*' = any ending)."""
    return "|".join(
        "[^a-z0-9]+".join(
            re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else "") for t in w.split()
        )
        for w in sorted({fold(w) for w in words}, key=lambda w: (-len(w), w))
    )


def domains() -> dict[str, Domain]:
    """Return the domains by id."""
    return _vocabulary().domains


def domain_options(language: str | None) -> Sequence[tuple[str, str]]:
    """Return the domains as (id, name in `language`), in the lexicon's order."""
    return [(d.id, d.label(language)) for d in domains().values()]


def find_domain_words(text: str, page_starts: Sequence[int] = (0,)) -> tuple[Cue, ...]:
    """Return where each domain's words stand in `text` (offsets in `text`), in order.

    A weak word (a "branch", a "credit card") is kept only with another word of its domain
    within WINDOW characters: a bank's branch, not a logistics branch or a chef's card payments.
    """
    vocabulary = _vocabulary()
    # fold() keeps one character for one, so offsets in the folded text are the text's.
    folded = fold(text, lower=True)
    found = [
        (
            Cue(
                vocabulary.groups[m.lastgroup],
                max(1, bisect.bisect_right(page_starts, m.start())),
                m.start(),
                m.end(),
                text[m.start() : m.end()],
            ),
            m.group(),
        )
        for m in vocabulary.regex.finditer(folded)
        if m.lastgroup in vocabulary.groups
    ]
    weak = [
        cue.domain in vocabulary.weak and vocabulary.weak[cue.domain].fullmatch(word) is not None
        for cue, word in found
    ]
    strong = [cue for (cue, _), w in zip(found, weak, strict=True) if not w]
    return tuple(
        cue
        for (cue, _), w in zip(found, weak, strict=True)
        if not w or near(strong, (cue.domain,), cue.start, cue.end) is not None
    )


def near(
    cues: Sequence[Cue],
    wanted: Sequence[str],
    start: int,
    end: int,
    *,
    low: int = 0,
    high: int | None = None,
) -> Cue | None:
    """Return the first cue of a `wanted` domain within WINDOW characters of start..end.

    `cues` are sorted by start; only cues inside low..high (the mention's section) count.
    """
    lo = max(low, start - WINDOW)
    hi = end + WINDOW if high is None else min(high, end + WINDOW)
    first = bisect.bisect_left(cues, lo, key=lambda c: c.end)
    for cue in cues[first:]:
        if cue.start >= hi:
            break
        if cue.domain in wanted and cue.end > lo:
            return cue
    return None
