"""Find misspelt key terms in a CV's normalised text, and count Romanian words without diacritics.

A token is a typo of a key term when it is a near miss of one of the term's forms (weighted
Damerau-Levenshtein, see `_distance`: one edit for forms of up to six letters, two cheap
slips for longer ones) and is not a word of Romanian or English. "Word" is decided by
wordfreq's frequency lists and spaCy's lemma tables (spacy-lookups-data), never by a list
of our own. Precision comes first: capitalised tokens get one slip, never in the first
letter, and none beside a name; tokens with inner capitals are compared with product names
only; all-caps tokens, e-mails and URLs are skipped. Candidates come from a deletion index
of the lexicon's diacritic-folded forms, so only the rare tokens that are no word cost more
than a few dict lookups.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from recruit.core import lexicon as _lexicon_module
from recruit.core import text as _text_module
from recruit.core.assets import models_path
from recruit.core.cache import Lookup, cached_file, write_table
from recruit.core.contacts import EMAIL, HANDLE, LINK, find_contacts
from recruit.core.lexicon import KeyForm, key_forms
from recruit.core.lookups import lemma_table
from recruit.core.profile import Typo
from recruit.core.text import comma_below, fold


@dataclass(frozen=True)
class TypoReport:
    """The typos of one document, its count of words missing diacritics, and its word count."""

    typos: tuple[Typo, ...]
    missing_diacritics: int  # Romanian words written without their diacritics; never typos
    words: int  # the denominator of typos per 1,000 words


_WORD = re.compile(r"[^\W\d_]+")

# Words of English below this Zipf frequency are not trusted as words: wordfreq's English
# list is long enough to hold common misspellings. Of the one-edit variants of our English
# key forms that no lemma table lists, the misspellings all sit below 2.5 ("buisness" 2.41,
# "commerical" 2.34, "managment" 2.15, "exel" 1.74, "negociation" 1.01) and real words
# above it ("reposted" 2.79, "corporates" 2.71). Words in spaCy's English lemma tables
# count whatever their frequency; Romanian's list stops at 3.0, so all its entries count.
_EN_MIN_ZIPF = 2.5
# "și" is 8 times commoner than "si" (a bare "și"), "să" under 6 times commoner than "sa"
# (a word: "her"), "față" twice "fata" (a word: "the girl").
_BARE_GAP = 0.8
_MIN_LEN = 4  # shorter tokens have too many real neighbours to be flagged safely
_SHORT = 6  # forms up to this length (folded) allow one edit, longer ones two
# Keyboard slips (a neighbouring key), swapped and doubled letters are the commonest
# typos, so they cost less than other edits.
_CHEAP = 0.75
# Two edits of a long form only when both are cheap slips. On ESCO's occupation labels
# (175k words of real Romanian and English) two plain edits, or a plain and a cheap one,
# mostly reached other real words ("sablare" -> "răbdare", "digestor" -> "director",
# "lettings" -> "meetings", "piledriver" -> "Pipedrive"); two cheap slips did not.
_LONG_LIMIT = 2 * _CHEAP

_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours() -> dict[str, frozenset[str]]:
    pos = {ch: (r, c) for r, row in enumerate(_QWERTY) for c, ch in enumerate(row)}
    out: dict[str, frozenset[str]] = {}
    for a, (ra, ca) in pos.items():
        # Rows are staggered by about half a key, so a key touches two keys above or below.
        out[a] = frozenset(
            b
            for b, (rb, cb) in pos.items()
            if b != a
            and (
                (rb == ra and abs(cb - ca) == 1)
                or (rb == ra - 1 and cb in (ca, ca + 1))
                or (rb == ra + 1 and cb in (ca - 1, ca))
            )
        )
    return out


_ADJACENT = _neighbours()


def _distance(a: str, b: str, limit: float) -> float:
    """Return the weighted optimal-string-alignment distance from `a` to `b`, capped at `limit`."""
    la, lb = len(a), len(b)
    if abs(la - lb) > limit:
        return limit + 1
    prev2: list[float] = []
    prev = [float(j) for j in range(lb + 1)]
    for i in range(1, la + 1):
        ca = a[i - 1]
        # Deleting a doubled letter ("contraact") is a cheap slip too.
        cost_del = _CHEAP if i > 1 and a[i - 2] == ca else 1.0
        cur = [prev[0] + cost_del]
        for j in range(1, lb + 1):
            cb = b[j - 1]
            if ca == cb:
                sub = 0.0
            elif cb in _ADJACENT.get(ca, ()):
                sub = _CHEAP
            else:
                sub = 1.0
            cost_ins = _CHEAP if j > 1 and b[j - 2] == cb else 1.0
            best = min(prev[j] + cost_del, cur[j - 1] + cost_ins, prev[j - 1] + sub)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and ca != cb:
                best = min(best, prev2[j - 2] + _CHEAP)
            cur.append(best)
        # A transposition reaches back two rows, so give up only when two rows are over.
        if min(cur) > limit and min(prev) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[lb]


def _deletes(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _zipf_table(language: str, min_zipf: float) -> dict[str, float]:
    """Return wordfreq's words of `language` from `min_zipf` up, with their Zipf frequency."""
    from wordfreq import get_frequency_list  # only to build the cache: its import is slow

    # wordfreq's list is bucketed by centibels: bucket i holds the words of frequency
    # 10^(-i/100), Zipf 9 - i/100. Read it directly: the dict form costs 45 MB in English.
    out: dict[str, float] = {}
    for i, bucket in enumerate(get_frequency_list(language)):
        zipf = 9.0 - i / 100
        if zipf < min_zipf:
            break
        for word in bucket:
            out.setdefault(word, zipf)
    return out


def _words_of(table: dict[str, object]) -> Iterable[str]:
    # Lookup tables map form -> lemma; the index table maps part of speech -> [lemma, ...].
    for key, value in table.items():
        if not isinstance(value, list):
            yield key
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (v for v in value if isinstance(v, str))


# What the vocabulary knows of a lower-case string, as bits.
_REAL = 1  # a word of Romanian or English as spelt
_RO_DICT = 2  # in spaCy's Romanian lemma table, which spells with diacritics
_EN_DICT = 4  # in spaCy's English lemma tables
_RO_FOLDED = 8  # a Romanian word with its diacritics folded away


def _build_tables(path: Path) -> None:
    """Write the vocabulary and the lexicon's deletion index into the cache file `path`."""
    ro_zipf = _zipf_table("ro", 0.0)
    en_zipf = _zipf_table("en", _EN_MIN_ZIPF)
    flags: dict[str, int] = {}
    for w in ro_zipf.keys() | en_zipf.keys():
        flags[w] = _REAL
    for w in _words_of(lemma_table("ro_lemma_lookup")):
        low = w.lower()
        flags[low] = flags.get(low, 0) | _REAL | _RO_DICT
    for name in ("en_lemma_lookup", "en_lemma_exc", "en_lemma_index"):
        for w in _words_of(lemma_table(name)):
            low = w.lower()
            flags[low] = flags.get(low, 0) | _REAL | _EN_DICT
    restore: dict[str, str] = {}
    ro_words = [w for w, f in flags.items() if f & _RO_DICT] + list(ro_zipf)
    for w in ro_words:
        folded = fold(w)
        flags[folded] = flags.get(folded, 0) | _RO_FOLDED
        if folded != w:
            best = restore.get(folded)
            if best is None or ro_zipf.get(w, 0.0) > ro_zipf.get(best, 0.0):
                restore[folded] = w
    write_table(
        path,
        "words",
        ("flags", "ro", "en", "restore"),
        ((w, f, ro_zipf.get(w), en_zipf.get(w), restore.get(w)) for w, f in flags.items()),
    )
    index: dict[str, set[str]] = {}
    for folded in {fold(kf.form.lower()) for kf in key_forms()}:
        for d in _deletes(folded, 1 if len(folded) <= _SHORT else 2):
            index.setdefault(d, set()).add(folded)
    write_table(path, "deletes", ("forms",), ((d, "\t".join(sorted(v))) for d, v in index.items()))


def _tables() -> Path:
    return cached_file(
        "typos",
        _build_tables,
        packages=("wordfreq", "spacy-lookups-data"),
        sources=(__file__, _lexicon_module.__file__, _text_module.__file__),
    )


class _Vocabulary:
    """What wordfreq and spaCy's lemma tables know of lower-case strings, read from the cache."""

    def __init__(self, words: Lookup) -> None:
        self.words = words

    def prefetch(self, keys: Iterable[str]) -> None:
        """Read the entries of `keys` in one go (the words of a document)."""
        self.words.prefetch(keys)

    def flags(self, key: str) -> int:
        """Return the bits the vocabulary holds for `key` (0: unknown)."""
        row = self.words.get(key)
        return int(row[0]) if row else 0

    def ro_zipf(self, word: str) -> float:
        """Return the Zipf frequency of `word` in Romanian (its list stops at 3.0; else 0)."""
        row = self.words.get(word)
        return float(row[1]) if row and row[1] is not None else 0.0

    def en_zipf(self, word: str) -> float:
        """Return the Zipf frequency of `word` in English from _EN_MIN_ZIPF up (else 0)."""
        row = self.words.get(word)
        return float(row[2]) if row and row[2] is not None else 0.0

    def restore(self, folded: str) -> str | None:
        """Return the commonest Romanian spelling with diacritics of a folded word."""
        row = self.words.get(folded)
        return str(row[3]) if row and row[3] is not None else None

    def is_word(self, low: str) -> bool:
        """Tell whether lower-case `low` is a word, or a Romanian word without diacritics."""
        return bool(self.flags(low) & _REAL or self.flags(fold(low)) & _RO_FOLDED)

    def in_dictionary(self, low: str) -> bool:
        """Tell whether lower-case `low` is in spaCy's Romanian or English lemma tables."""
        return bool(self.flags(low) & (_RO_DICT | _EN_DICT))


@cache
def _vocabulary() -> _Vocabulary:
    return _Vocabulary(Lookup(_tables, "words"))


@dataclass(frozen=True)
class _Lexicon:
    exact: frozenset[str]  # lower-case forms, as spelt
    index: Lookup  # a deletion of a folded form -> folded forms, tab-separated
    forms: dict[str, tuple[KeyForm, ...]]  # folded form -> its key forms
    zipf: dict[str, float]  # folded form -> wordfreq Zipf frequency of its commonest spelling

    def near(self, deletion: str) -> tuple[str, ...]:
        """Return the folded forms that `deletion` is a deletion of."""
        row = self.index.get(deletion)
        return tuple(row[0].split("\t")) if row else ()


@cache
def _lexicon() -> _Lexicon:
    forms: dict[str, list[KeyForm]] = {}
    for kf in key_forms():
        forms.setdefault(fold(kf.form.lower()), []).append(kf)
    vocab = _vocabulary()
    vocab.prefetch(kf.form.lower() for kf in key_forms())
    zipf = {
        folded: max(
            (vocab.ro_zipf if kf.language == "ro" else vocab.en_zipf)(kf.form.lower()) for kf in kfs
        )
        for folded, kfs in forms.items()
    }
    return _Lexicon(
        exact=frozenset(kf.form.lower() for kf in key_forms()),
        index=Lookup(_tables, "deletes"),
        forms={k: tuple(v) for k, v in forms.items()},
        zipf=zipf,
    )


def _languages(language: str | None) -> frozenset[str | None]:
    # Romanian CVs are full of English terms ("key account", "sales"); English CVs rarely
    # hold Romanian ones, and a Romanian near miss in English text is more likely a name.
    if language == "en":
        return frozenset({"en", None})
    return frozenset({"ro", "en", None})


def _best_match(
    folded: str,
    languages: frozenset[str | None],
    preferred: str | None,
    *,
    max_cost: float = _LONG_LIMIT,
    same_first: bool = False,
) -> tuple[float, KeyForm] | None:
    lex = _lexicon()
    seen: set[str] = set()
    best: tuple[tuple[float, int, bool, float], KeyForm] | None = None
    deletions = _deletes(folded, 2)
    lex.index.prefetch(deletions)
    for d in deletions:
        for cand in lex.near(d):
            if cand in seen:
                continue
            seen.add(cand)
            if same_first and cand[0] != folded[0]:
                continue
            limit = min(max_cost, 1.0 if len(cand) <= _SHORT else _LONG_LIMIT)
            cost = _distance(folded, cand, limit)
            if cost > limit:
                continue
            usable = [kf for kf in lex.forms[cand] if kf.language in languages]
            if not usable:
                continue
            usable.sort(key=lambda kf: kf.language != preferred)
            # Prefer the form that keeps the first letter (slips there are rare), then one of
            # the document's language ("servicu": "serviciu", not "service"), then the
            # commoner: "negotiaton" is one edit from "negotiation" and "negotiator".
            foreign = usable[0].language not in (preferred, None)
            rank = (cost, 0 if cand[0] == folded[0] else 1, foreign, -lex.zipf[cand])
            if best is None or rank < best[0]:
                best = (rank, usable[0])
    return None if best is None else (best[0][0], best[1])


_PRODUCTS: frozenset[str | None] = frozenset({None})


def _joins_neighbour(text: str, start: int, end: int, low: str, vocab: _Vocabulary) -> bool:
    """Tell whether the token is half of a word split by a stray space ("ma nagement")."""
    before = _prev_word(text, start)
    if before and vocab.is_word(before.lower() + low):
        return True
    after = _next_word(text, end)
    return bool(after and vocab.is_word(low + after.lower()))


def _beside_name(
    text: str, start: int, end: int, known: Callable[[str], bool], languages: frozenset[str | None]
) -> bool:
    """Tell whether the token stands next to a capitalised word that is not `known`."""
    for word in (_prev_word(text, start), _next_word(text, end)):
        if not word or not word[:1].isupper():
            continue
        # The reader writes comma-below forms already; text from elsewhere (tests, the CLI
        # on raw text) may carry cedilla ones, which must not become flags.
        low = comma_below(word.lower())
        # A misspelt neighbour is no name: "Business Deveopment Manaer" has two typos.
        if not known(low) and _best_match(fold(low), languages, None, max_cost=1.0) is None:
            return True
    return False


def _prev_word(text: str, start: int) -> str | None:
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == start or i == 0 or not text[i - 1].isalpha():
        return None
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    return text[j:i]


def _next_word(text: str, end: int) -> str | None:
    i = end
    while i < len(text) and text[i] in " \t":
        i += 1
    if i == end or i == len(text) or not text[i].isalpha():
        return None
    j = i
    while j < len(text) and text[j].isalpha():
        j += 1
    return text[i:j]


def _old_spelling_known(low: str, exact: frozenset[str], vocab: _Vocabulary) -> bool:
    """Tell whether `low` is a known word in the spelling before 1993 ("vînzări", "întîlniri")."""
    # The reform wrote â for î inside words; older writers and Moldova keep î.
    reformed = low[0] + low[1:-1].replace("î", "â") + low[-1]
    return reformed in exact or vocab.is_word(reformed)


def _cased(form: KeyForm, found: str) -> str:
    if form.language is None:  # product names keep their own capitals
        return form.form
    if found[:1].isupper():
        return form.form[:1].upper() + form.form[1:]
    return form.form


@dataclass(frozen=True)
class _Collocation:
    """The phrases around one word that show it was meant: a key term's, or a real word's own."""

    lemma: str
    language: str
    forms: frozenset[str]  # folded
    before: tuple[tuple[frozenset[str], ...], ...]  # each phrase's words in text order
    after: tuple[tuple[frozenset[str], ...], ...]
    key: bool  # a key term of the lexicon (the only kind ever suggested)

    def score(self, before: Sequence[str], after: Sequence[str]) -> int:
        """Return the words of the longest phrase matched on each side, added up."""
        best_before = max(
            (len(p) for p in self.before if _phrase_at(p, before[len(before) - len(p) :])),
            default=0,
        )
        best_after = max((len(p) for p in self.after if _phrase_at(p, after[: len(p)])), default=0)
        return best_before + best_after


def _phrase_at(phrase: tuple[frozenset[str], ...], words: Sequence[str]) -> bool:
    if len(words) != len(phrase):
        return False
    return all(w in slot for w, slot in zip(words, phrase, strict=True))


@dataclass(frozen=True)
class _Collocations:
    terms: tuple[_Collocation, ...]  # key terms
    own: dict[tuple[str, str], _Collocation]  # (language, folded form) -> the word's own entry
    first_after: frozenset[str]  # words that can start an `after` phrase
    last_before: frozenset[str]  # words that can end a `before` phrase
    span: int  # words of the longest phrase


def _key(word: str) -> str:
    return fold(comma_below(word.lower()))


@cache
def _collocations() -> _Collocations:
    data = json.loads(models_path("lexicons", "collocations.json").read_text(encoding="utf-8"))
    entries: list[_Collocation] = []
    for language, rows in data["collocations"].items():
        groups = {
            name: frozenset(_key(w) for w in words)
            for name, words in data["groups"].get(language, {}).items()
        }

        def phrases(texts: list[str]) -> tuple[tuple[frozenset[str], ...], ...]:
            return tuple(
                tuple(groups.get(w) or frozenset({_key(w)}) for w in text.split())  # noqa: B023
                for text in texts
            )

        for row in rows:
            own = row.get("forms")
            forms = own or [
                kf.form for kf in key_forms() if kf.term == row["lemma"] and kf.language == language
            ]
            if not forms:
                raise ValueError(f"collocations.json: {row['lemma']!r} is no {language} key term")
            entries.append(
                _Collocation(
                    lemma=row["lemma"],
                    language=language,
                    forms=frozenset(_key(f) for f in forms),
                    before=phrases(row["before"]),
                    after=phrases(row["after"]),
                    key=own is None,
                )
            )
    return _Collocations(
        terms=tuple(e for e in entries if e.key),
        own={(e.language, f): e for e in entries if not e.key for f in e.forms},
        first_after=frozenset(w for e in entries for p in e.after for w in p[0]),
        last_before=frozenset(w for e in entries for p in e.before for w in p[-1]),
        span=max(len(p) for e in entries for p in (*e.before, *e.after)),
    )


# Collocations stay inside a clause: a line break or punctuation between two words parts them.
_CLAUSE_BREAK = re.compile(r"[\n.,;:!?()\[\]{}•|/\"“”„«»]")


def _real_word_slip(
    text: str,
    found: Sequence[re.Match[str]],
    keys: Sequence[str],
    i: int,
    languages: frozenset[str | None],
) -> KeyForm | None:
    """Return the key form a real word stands for when its neighbours say which was meant.

    `keys`: each word of `found` as `_key` gives it.
    """
    col = _collocations()
    start, end = found[i].span()
    folded = keys[i]
    # Most words have no neighbour that could open or close a collocation: told from the
    # two next to them, before the longer look both ways.
    if not (
        i > 0
        and keys[i - 1] in col.last_before
        and not _CLAUSE_BREAK.search(text, found[i - 1].end(), start)
    ) and not (
        i + 1 < len(found)
        and keys[i + 1] in col.first_after
        and not _CLAUSE_BREAK.search(text, end, found[i + 1].start())
    ):
        return None

    def neighbours(step: int) -> list[str]:
        out: list[str] = []
        j, edge = i + step, (start if step < 0 else end)
        while 0 <= j < len(found) and len(out) < col.span:
            gap = text[found[j].end() : edge] if step < 0 else text[edge : found[j].start()]
            if _CLAUSE_BREAK.search(gap):
                break
            out.append(keys[j])
            edge = found[j].start() if step < 0 else found[j].end()
            j += step
        return out[::-1] if step < 0 else out

    before, after = neighbours(-1), neighbours(1)
    lex = _lexicon()
    best: tuple[float, KeyForm] | None = None
    for term in col.terms:
        if term.language not in languages:
            continue
        for form in term.forms:
            if form[0] != folded[0]:
                continue
            limit = 1.0 if len(form) <= _SHORT else _LONG_LIMIT
            cost = _distance(folded, form, limit)
            if cost > limit or (best is not None and cost >= best[0]):
                continue
            own = col.own.get((term.language, folded))
            gain = term.score(before, after) - (own.score(before, after) if own else 0)
            if gain > 0:
                kf = next(k for k in lex.forms[form] if k.term == term.lemma)
                best = (cost, kf)
    return None if best is None else best[1]


def find_typos(text: str, language: str | None, page_starts: Sequence[int] = (0,)) -> TypoReport:
    """Find misspelt key terms and count Romanian words written without diacritics."""
    vocab = _vocabulary()
    lex = _lexicon()
    languages = _languages(language)
    # Words inside e-mails, links and handles are never flagged (nor counted).
    masked = [(c.start, c.end) for c in find_contacts(text, kinds=(EMAIL, LINK, HANDLE))]
    mask_i = 0
    typos: list[Typo] = []
    words = 0
    missing = 0
    found = list(_WORD.finditer(text))
    tokens = [m.group() for m in found]
    # Each word's lower-case and folded forms (`_key`), worked out once per distinct word.
    forms: dict[str, tuple[str, str]] = {}
    for token in tokens:
        if token not in forms:
            low = comma_below(token.lower())
            forms[token] = (low, fold(low))
    keys = [forms[token][1] for token in tokens]
    vocab.prefetch({form for pair in forms.values() for form in pair})
    for i, m in enumerate(found):
        start, end = m.span()
        while mask_i < len(masked) and masked[mask_i][1] <= start:
            mask_i += 1
        if mask_i < len(masked) and masked[mask_i][0] < end:
            continue
        words += 1
        token = tokens[i]
        low, folded = forms[token]
        restored = vocab.restore(folded) if language == "ro" else None
        if restored is not None and low not in lex.exact:
            # wordfreq's Romanian counts are full of text typed without diacritics, so a bare
            # form is only trusted when the dictionary has it ("data", "fata", "peste") and
            # its accented twin is not far commoner ("in" for "în", "si" for "și").
            gap = vocab.ro_zipf(restored) - vocab.ro_zipf(low)
            listed = vocab.flags(low) & _RO_DICT
            if restored != low and (not listed or gap >= _BARE_GAP):
                missing += 1
                continue
        if len(token) < _MIN_LEN or token.isupper() or low in lex.exact:
            continue
        if "î" in low[1:-1] and _old_spelling_known(low, lex.exact, vocab):
            continue
        if vocab.is_word(low):
            # A slip that spells another word ("contacte" for "contracte") is told by its
            # context alone, and only where our collocations speak for the key term.
            slip = None
            if not any(ch.isupper() for ch in token[1:]):
                slip = _real_word_slip(text, found, keys, i, languages)
            if slip is not None:
                typos.append(_typo(slip, token, page_starts, start, end))
            continue
        if _joins_neighbour(text, start, end, low, vocab):
            continue
        if any(ch.isupper() for ch in token[1:]):
            # Inner capitals mark names and brands ("DirecTV", "LinkedIn") or PDF debris
            # glued to a word ("servicesÂ"): only product names are compared.
            match = _best_match(folded, _PRODUCTS, language)
        elif token[0].isupper():
            # Capitalised near misses are often names and brands ("Hexcel", "Strategen"):
            # only one slip, never in the first letter, and never beside another name.
            match = _best_match(folded, languages, language, max_cost=1.0, same_first=True)
            # "Ioana Vânzaru", "POPESCU Clinet": next to a name, the token is likely one too.
            # English job titles capitalise every word ("Key Acount Manager"), so there a
            # neighbour in the lemma tables is a word, not a name; Romanian capitalises
            # only names, and the tables hold first names, so only key forms count as words.
            if match and match[1].language:
                known = lex.exact.__contains__ if match[1].language == "ro" else vocab.in_dictionary
                if _beside_name(text, start, end, known, languages):
                    continue
        else:
            match = _best_match(folded, languages, language)
        if match is None:
            continue
        typos.append(_typo(match[1], token, page_starts, start, end))
    return TypoReport(typos=tuple(typos), missing_diacritics=missing, words=words)


def _typo(form: KeyForm, token: str, page_starts: Sequence[int], start: int, end: int) -> Typo:
    return Typo(
        term=form.term,
        found=token,
        suggestion=_cased(form, token),
        page=max(1, bisect_right(page_starts, start)),
        start=start,
        end=end,
    )
