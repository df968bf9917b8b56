"""The candidate's name and headline: from labels, the personal section or the first lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from recruit.core.nlp import load_jsonl
from recruit.core.occupations import classify_title
from recruit.core.sections import Line, Section, classify_heading, heading_key, label_value
from recruit.core.text import fold

# Separators between a name and a headline on one line ("Ana Pop | Account Manager").
_SPLIT = re.compile(r"\s+[|•·–—-]\s+|\s{3,}|,\s*|\t")
_LABEL_SPLIT = re.compile(r"\s*[:：]\s*")
_FORBIDDEN = re.compile(r"[\d@/\\:;|#&+=<>()\[\]{}_*%$€]|www\.|https?")
_HEADER_LINES = 6
# An address, an e-mail, a phone or a link: no headline, whatever job words it holds.
_CONTACT = re.compile(r"@|www\.|https?:|\d{3}")
# Titles written before a name in Romanian and English CVs ("Ing. Ion Pop", "Dr. Ana Ene").
_HONORIFIC = re.compile(r"(?i)(?:dr|ing|ec|prof|av|jr|mr|mrs|ms)\.\s+")
_INITIAL_END = re.compile(r"(?:^|\s)\w\.$")


@cache
def _lexicon() -> tuple[frozenset[str], dict[str, str]]:
    names = load_jsonl("patterns", "names.jsonl")
    not_name = {fold(r["pattern"]) for r in names if r["label"] == "NOT_NAME"}
    not_name |= {fold(r["pattern"]) for r in load_jsonl("patterns", "jobs.jsonl")
                 if r["label"] == "TITLE"}  # fmt: skip
    # Label -> "name" (the whole name), "given" or "family" (one part of it).
    labels = {heading_key(r["pattern"]): "name" for r in names if r["label"] == "NAME_LABEL"}
    labels |= {heading_key(r["pattern"]): r["id"] for r in names if r["label"] == "NAME_PART"}
    return frozenset(not_name), labels


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


def _parts(line: Line) -> list[tuple[int, int]]:
    # "Curriculum Vitae – Ana Pop | Sales": (start, end) of each part between separators.
    cuts = list(_SPLIT.finditer(line.text))
    starts = [0, *(cut.end() for cut in cuts)]
    ends = [*(cut.start() for cut in cuts), len(line.text)]
    return list(zip(starts, ends, strict=True))


def _candidate(line: Line) -> Line | None:
    # The whole line, else one of its first parts ("Curriculum Vitae – Ana Pop | Sales").
    for start, end in [(0, len(line.text)), *_parts(line)[:4]]:
        found = _name_in(line, start, line.text[start:end])
        if found:
            return found
    return None


def _name_in(line: Line, at: int, text: str) -> Line | None:
    # Without a title before it ("Ing.", "Dr.") or a full stop after it.
    text = text.rstrip()
    if text.endswith(".") and not _INITIAL_END.search(text):
        text = text[:-1]
    honorific = _HONORIFIC.match(text)
    skip = honorific.end() if honorific else 0
    if not looks_like_name(text[skip:]):
        return None
    start = line.start + at + skip
    return Line(start, start + len(text) - skip, text[skip:])


def _labelled(line: Line) -> tuple[str, Line] | None:
    # "Nume: Ana Pop", the Europass label without its colon ("Nume / Prenume Pop Ana"), or
    # one part of the name ("Nume: Pop" and "Prenume: Ana" on lines of their own).
    not_name, labels = _lexicon()
    field = label_value(line, labels)
    if field is None or field[1] is None:
        return None
    kind, value = field[0], field[1]
    text = value.text.rstrip(" .")
    found = Line(value.start, value.start + len(text), text)
    if looks_like_name(text):
        return "name", found
    if " " not in text and len(text) > 1 and _name_word(text) and fold(text) not in not_name:
        return ("family" if kind == "name" else kind), found
    return None


def find_name(sections: Sequence[Section]) -> tuple[Line, ...]:
    """Return the line(s) naming the candidate, or () when no line is clearly a name."""
    personal = [s for s in sections if s.kind in ("header", "personal")]
    parts: dict[str, Line] = {}
    for section in personal:
        for line in section.lines:
            found = _labelled(line)
            if found is None:
                continue
            if found[0] == "name":
                return (found[1],)
            parts.setdefault(*found)
    if "given" in parts and "family" in parts:
        return tuple(sorted(parts.values(), key=lambda x: x.start))  # in the order written
    for section in personal:
        lines = section.lines if section.kind == "personal" else section.lines[:_HEADER_LINES]
        for n, line in enumerate(lines[:_HEADER_LINES]):
            candidate = _candidate(line)
            if candidate:
                return (candidate,)
            if n == 0 and len(lines) > 1 and (wrapped := _wrapped(line, lines[1])):
                return wrapped
    for section in sections:
        if section.kind in ("header", "summary", "personal") and (
            said := _said(section.lines[: _HEADER_LINES * 2])
        ):
            return said
    return ()


def _wrapped(line: Line, after: Line) -> tuple[Line, ...]:
    # The first line of a CV, a name set large enough to wrap a word a line: "Camryn" /
    # "Hilliard".
    first, second = line.text.strip(), after.text.strip()
    if " " in first or len(second.split()) > 2 or not looks_like_name(f"{first} {second}"):
        return ()
    return (line, after)


# "My name is James Sauders", "Numele meu este Ana Pop", "Mă numesc Ana Pop": a letter-like
# summary that says who wrote it (the name may wrap onto the next line). On folded text.
_SAYS_NAME = re.compile(r"\b(?:my name is|numele meu (?:este|e)|ma numesc)\s+")


def _said(lines: Sequence[Line]) -> tuple[Line, ...]:
    for n, line in enumerate(lines):
        said = _SAYS_NAME.search(fold(line.text))
        if said is None:
            continue
        parts: list[Line] = []
        for piece, at in ((line, said.end()), *((nxt, 0) for nxt in lines[n + 1 : n + 2])):
            rest = piece.text[at:]
            taken = _name_words(rest, 4 - sum(len(p.text.split()) for p in parts))
            if taken:
                start, end = at + taken[0][0], at + taken[-1][1]
                parts.append(Line(piece.start + start, piece.start + end, piece.text[start:end]))
            if len(taken) < len(rest.split()):
                break  # the name ended on this line
        if looks_like_name(" ".join(p.text for p in parts)):
            return tuple(parts)
    return ()


def _name_words(text: str, most: int) -> list[tuple[int, int]]:
    """Return the spans of the name words `text` starts with (at most `most`)."""
    out: list[tuple[int, int]] = []
    for m in re.finditer(r"\S+", text):
        word = m.group().rstrip(".,")
        if len(out) >= most or not word or not _name_word(word):
            break
        out.append((m.start(), m.start() + len(word)))
        if m.group() != word:
            break  # "Sauders," or "Pop.": the name ends here
    return out


def find_headline(sections: Sequence[Section], name: Sequence[Line] = ()) -> Line | None:
    """Return the job title the candidate gives themselves, or None.

    The Europass "Job applied for" / "Locul de muncă vizat" field, else a job title among the
    first lines above any heading ("SALES ASSOCIATE", "Ana Pop | Account Manager").
    """
    for section in sections:
        if section.kind == "desired" and section.lines:
            line = section.lines[0]
            return line if classify_title(line.text) else None
    named = {(part.start, part.end) for part in name}
    parts = (
        _part(line, start, end)
        for section in sections
        if section.kind == "header"
        for line in section.lines[:_HEADER_LINES]
        for start, end in _parts(line)
    )
    return next((p for p in parts if (p.start, p.end) not in named and _is_headline(p.text)), None)


def _part(line: Line, start: int, end: int) -> Line:
    text = line.text[start:end].strip()
    at = line.start + line.text.index(text, start) if text else line.start
    return Line(at, at + len(text), text)


def _is_headline(text: str) -> bool:
    return (
        bool(text)
        and len(text.split()) <= 8
        and not _CONTACT.search(text)
        and bool(classify_title(text))
    )
