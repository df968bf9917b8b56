"""The candidate's name: from a "Nume:" label, the personal section or the first lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from recruit.core.nlp import fold, load_jsonl
from recruit.core.sections import Line, Section, classify_heading, heading_key

# Separators between a name and a headline on one line ("Ana Pop | Account Manager").
_SPLIT = re.compile(r"\s+[|•·–—-]\s+|\s{3,}|,\s*|\t")
_LABEL_SPLIT = re.compile(r"\s*[:：]\s*")
_FORBIDDEN = re.compile(r"[\d@/\\:;|#&+=<>()\[\]{}_*%$€]|www\.|https?")
_HEADER_LINES = 6
# Titles written before a name in Romanian and English CVs ("Ing. Ion Pop", "Dr. Ana Ene").
_HONORIFIC = re.compile(r"(?i)(?:dr|ing|ec|prof|av|jr|mr|mrs|ms)\.\s+")
_INITIAL_END = re.compile(r"(?:^|\s)\w\.$")


@cache
def _lexicon() -> tuple[frozenset[str], frozenset[str]]:
    not_name = {fold(r["pattern"]) for r in load_jsonl("patterns", "names.jsonl")
                if r["label"] == "NOT_NAME"}  # fmt: skip
    not_name |= {fold(r["pattern"]) for r in load_jsonl("patterns", "jobs.jsonl")
                 if r["label"] == "TITLE"}  # fmt: skip
    labels = {heading_key(r["pattern"]) for r in load_jsonl("patterns", "names.jsonl")
              if r["label"] == "NAME_LABEL"}  # fmt: skip
    return frozenset(not_name), frozenset(labels)


def _name_word(word: str) -> bool:
    if len(word) == 2 and word[0].isupper() and word[1] == ".":
        return True  # a middle initial
    # "Popescu-Ionescu", "O'Connor": each piece capitalised, then all lower or all upper.
    for part in re.split(r"[-'’]", word):
        if not part.isalpha() or not part[0].isupper():
            return False
        if len(part) > 1 and not (part[1:].islower() or part.isupper()):
            return False
    return True


def looks_like_name(text: str) -> bool:
    """Say whether `text` reads as a person's name (2-4 capitalised words, no job words)."""
    if _FORBIDDEN.search(text) or len(text) > 50:
        return False
    words = text.split()
    if not 2 <= len(words) <= 4 or not all(_name_word(w) for w in words):
        return False
    if words[0].endswith(".") or sum(len(w) > 2 for w in words) < 2:
        return False
    not_name, _ = _lexicon()
    for word in words:
        for part in fold(word).strip(".").split("-"):
            if part in not_name:
                return False
    return classify_heading(Line(0, len(text), text)) is None


def _candidate(line: Line) -> Line | None:
    # The whole line, else its first part before a separator; without a title ("Ing.").
    for text in (line.text, _SPLIT.split(line.text, maxsplit=1)[0]):
        text = text.rstrip()
        if text.endswith(".") and not _INITIAL_END.search(text):
            text = text[:-1]
        honorific = _HONORIFIC.match(text)
        offset = honorific.end() if honorific else 0
        if looks_like_name(text[offset:]):
            start = line.start + offset
            return Line(start, start + len(text) - offset, text[offset:])
    return None


def _labelled(line: Line) -> Line | None:
    _, labels = _lexicon()
    head, sep, value = line.text.partition(":")
    if not sep or heading_key(head) not in labels:
        return None
    value = value.strip(" .")
    if not looks_like_name(value):
        return None
    start = line.start + line.text.index(value, len(head))
    return Line(start, start + len(value), value)


def find_name(sections: Sequence[Section]) -> Line | None:
    """Return the name line of the CV, or None when no line is clearly a name."""
    personal = [s for s in sections if s.kind in ("header", "personal")]
    for section in personal:
        for line in section.lines:
            found = _labelled(line)
            if found:
                return found
    for section in personal:
        lines = section.lines if section.kind == "personal" else section.lines[:_HEADER_LINES]
        for line in lines[:_HEADER_LINES]:
            found = _candidate(line)
            if found:
                return found
    return None
