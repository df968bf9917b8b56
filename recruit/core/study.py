"""Fields of study: what a degree or school line is in (economics, finance, law, ...).

One function, `fields_of_study`, over the vocabulary in `models/lexicons/fields_of_study.json`;
scoring asks it whether an education is "economic" as Romanian job ads mean it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from recruit.core.assets import models_path
from recruit.core.text import fold


@dataclass(frozen=True)
class _Fields:
    regexes: tuple[tuple[re.Pattern[str], bool], ...]  # (regex, on folded text)
    groups: dict[str, str]  # regex group -> field id
    economic: frozenset[str]
    labels: dict[str, tuple[str, str]]  # field id -> (English, Romanian)


def _regex(phrases: list[tuple[str, str]], groups: dict[str, str]) -> re.Pattern[str]:
    parts = []
    for phrase, field in sorted(phrases, key=lambda item: -len(item[0])):
        name = f"f{len(groups)}"
        groups[name] = field
        parts.append(f"(?P<{name}>{r'[^A-Za-z0-9]+'.join(map(re.escape, phrase.split()))})")
    return re.compile(rf"(?<![A-Za-z0-9])(?:{'|'.join(parts)})(?![A-Za-z0-9])")


@cache
def _fields() -> _Fields:
    path = models_path("lexicons", "fields_of_study.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    pairs = [(p, f["id"]) for f in data["fields"] for p in f["phrases"]]
    # Abbreviations such as "ASE" (Bucharest's economics university) count only in capitals.
    upper = [(p, f) for p, f in pairs if p.isupper()]
    lower = [(fold(p), f) for p, f in pairs if not p.isupper()]
    groups: dict[str, str] = {}
    regexes = ((_regex(lower, groups), True), (_regex(upper, groups), False))
    economic = frozenset(f["id"] for f in data["fields"] if f["economic"])
    labels = {f["id"]: (f["en"], f["ro"]) for f in data["fields"]}
    return _Fields(regexes, groups, economic, labels)


@lru_cache(maxsize=1 << 14)
def fields_of_study(text: str | None) -> tuple[str, ...]:
    """Return the fields a degree or school line names, each once, in order of appearance."""
    if not text:
        return ()
    found = _fields()
    hits = [
        (m.start(), found.groups[m.lastgroup or ""])
        for regex, folded in found.regexes
        for m in regex.finditer(fold(text) if folded else text)
    ]
    return tuple(dict.fromkeys(field for _, field in sorted(hits)))


def economic_fields() -> frozenset[str]:
    """Return the fields that count as economic education."""
    return _fields().economic


def field_labels(language: str | None) -> dict[str, str]:
    """Return every field's name in `language` (English when unknown), by id."""
    return {k: ro if language == "ro" else en for k, (en, ro) in _fields().labels.items()}
