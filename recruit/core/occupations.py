"""Job titles to occupations: a title's families (sales, banking, ...) and ISCO-08 groups.

The vocabulary is ours, in `models/occupations/families.json`: title words and phrases in
English and Romanian, folded (any case, with or without diacritics), each naming a family and
an ISCO-08 unit group. Scoring asks here what a position was; nothing else maps titles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from recruit.core.assets import models_path
from recruit.core.text import fold


@dataclass(frozen=True)
class Family:
    """A family of job titles, with the ISCO-08 unit groups it covers."""

    id: str
    en: str
    ro: str
    related: bool  # one the account-manager roles screen for
    isco: tuple[str, ...]

    def label(self, language: str | None) -> str:
        """Return the family's name in `language` (English when unknown)."""
        return self.ro if language == "ro" else self.en


@dataclass(frozen=True)
class TitleMatch:
    """One phrase of the vocabulary found in a title."""

    family: str
    isco: str
    text: str  # the words of the title it matched (folded)


@dataclass(frozen=True)
class _Vocabulary:
    families: dict[str, Family]
    regex: re.Pattern[str]
    groups: dict[str, tuple[str, str]]  # regex group name -> (family, isco)


@cache
def _vocabulary() -> _Vocabulary:
    data = json.loads(models_path("occupations", "families.json").read_text(encoding="utf-8"))
    families = {
        f["id"]: Family(f["id"], f["en"], f["ro"], bool(f["related"]), tuple(f["isco"]))
        for f in data["families"]
    }
    phrases: list[tuple[str, str, str]] = []
    for entry in data["titles"]:
        if entry["family"] not in families:
            raise ValueError(f"families.json: unknown family {entry['family']!r}")
        phrases += [(fold(p), entry["family"], entry["isco"]) for p in entry["phrases"]]
    # Longest first, so "sales engineer" wins over "sales" and "engineer" at the same place.
    phrases.sort(key=lambda item: (-len(item[0].split()), -len(item[0])))
    groups: dict[str, tuple[str, str]] = {}
    parts, seen = [], set()
    for phrase, family, isco in phrases:
        if phrase in seen:
            continue
        seen.add(phrase)
        name = f"p{len(groups)}"
        groups[name] = (family, isco)
        words = [
            re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in phrase.split()
        ]
        parts.append(f"(?P<{name}>{'[^a-z0-9]+'.join(words)})")
    regex = re.compile(rf"(?<![a-z0-9])(?:{'|'.join(parts)})(?![a-z0-9])")
    return _Vocabulary(families, regex, groups)


def families() -> dict[str, Family]:
    """Return the title families by id."""
    return _vocabulary().families


@lru_cache(maxsize=1 << 16)
def classify_title(title: str | None) -> tuple[TitleMatch, ...]:
    """Return the vocabulary's phrases found in a job title, left to right."""
    if not title:
        return ()
    vocabulary = _vocabulary()
    matches = []
    for m in vocabulary.regex.finditer(fold(title)):
        family, isco = vocabulary.groups[m.lastgroup or ""]
        matches.append(TitleMatch(family, isco, m.group()))
    return tuple(matches)


def title_matches(
    title: str | None, wanted_families: Sequence[str], isco_prefixes: Sequence[str] = ()
) -> tuple[TitleMatch, ...]:
    """Return the title's matches that are in one of the families or ISCO groups asked."""
    return tuple(
        m
        for m in classify_title(title)
        if m.family in wanted_families or any(m.isco.startswith(p) for p in isco_prefixes)
    )
