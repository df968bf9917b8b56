"""The key-term lexicon: lemmas from `models/lexicons/`, expanded into their inflected forms."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from recruit.core.assets import models_path

# Romanian masculine plurals soften the stem's last consonant: client -> clienți,
# specialist -> specialiști, angajat -> angajați; longest ending first.
_PALATAL = (("st", "șt"), ("sc", "șt"), ("t", "ț"), ("d", "z"), ("s", "ș"))


@dataclass(frozen=True)
class KeyForm:
    """One spelling of a key term: the form, its lemma, language and skill."""

    form: str
    term: str
    language: str | None  # None for product names, which are the same in every language
    skill: str | None


def _plural_stem(stem: str, alternation: str | None) -> str:
    if alternation == "palatal":
        for old, new in _PALATAL:
            if stem.endswith(old):
                return stem[: -len(old)] + new
    elif alternation == "ar-ăr" and stem.endswith("ar"):
        return stem[:-2] + "ăr"
    return stem


def inflect_ro(lemma: str, paradigm: dict[str, Any], pl_stem: str | None = None) -> list[str]:
    """Return the forms of Romanian `lemma` under `paradigm`, lemma first."""
    strip = paradigm.get("strip", "")
    if strip and not lemma.endswith(strip):
        raise ValueError(f"{lemma!r} does not end in {strip!r}")
    stem = lemma[: len(lemma) - len(strip)]
    plural = pl_stem or _plural_stem(stem, paradigm.get("alternation"))
    forms = [stem + e for e in paradigm["sg"]] + [plural + e for e in paradigm["pl"]]
    return _unique([lemma, *forms])


def _en_s(word: str) -> str:
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    return word + "s"


def inflect_en(lemma: str, rule: str) -> list[str]:
    """Return the forms of English `lemma` under paradigm rule `rule`, lemma first."""
    if rule == "plural":
        return _unique([lemma, _en_s(lemma)])
    if rule == "verb":
        if lemma.endswith("e"):
            past, ing = lemma + "d", lemma[:-1] + "ing"
        elif lemma.endswith("y") and lemma[-2:-1] not in ("a", "e", "o", "u"):
            past, ing = lemma[:-1] + "ied", lemma + "ing"
        else:
            past, ing = lemma + "ed", lemma + "ing"
        return _unique([lemma, _en_s(lemma), past, ing])
    if rule == "none":
        return [lemma]
    raise ValueError(f"unknown English paradigm rule {rule!r}")


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


@cache
def paradigms() -> dict[str, dict[str, dict[str, Any]]]:
    """Load `models/lexicons/paradigms.json` once per process."""
    path = models_path("lexicons", "paradigms.json")
    data: dict[str, dict[str, dict[str, Any]]] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def key_forms() -> tuple[KeyForm, ...]:
    """Return every form of every key term in `models/lexicons/key_terms.json`."""
    data = json.loads(models_path("lexicons", "key_terms.json").read_text(encoding="utf-8"))
    table = paradigms()
    out: list[KeyForm] = []
    for entry in data["ro"]:
        para = table["ro"][entry["paradigm"]]
        forms = inflect_ro(entry["lemma"], para, entry.get("pl_stem"))
        for form in _unique([*forms, *entry.get("extra", ())]):
            out.append(KeyForm(form, entry["lemma"], "ro", entry.get("skill")))
    for entry in data["en"]:
        rule = table["en"][entry["paradigm"]]["rule"]
        for form in _unique([*inflect_en(entry["lemma"], rule), *entry.get("extra", ())]):
            out.append(KeyForm(form, entry["lemma"], "en", entry.get("skill")))
    for entry in data["products"]:
        out.append(KeyForm(entry["name"], entry["name"], None, entry.get("skill")))
    return tuple(out)
