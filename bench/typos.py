"""Measure the key-term typo detector: precision, recall, false flags on clean text, speed.

Clean CV texts (the shared real CVs when present, the generated Romanian and English
corpus, the reader's sample CVs) get typos injected into key terms with a seeded generator:
deletion, insertion, substitution with a neighbouring key, transposition, doubled letter.
A flag counts as right when its span is an injected one. An injected edit that happens to
spell another real word (or another key form) is dropped: no non-word checker can see it,
and the count of those is printed.

Real-word swaps are measured apart: key terms swapped for a common word one slip away
("contracte" -> "contacte"), the words chosen by wordfreq alone, never from the detector's
collocations. Only a flag on a swap is right; the detector is meant to flag few of them
(where the context says which word was meant), so precision is the target, recall is shown.

Run: .venv/bin/python bench/typos.py [--cvs N] [--seed S] [--per-cv K] [--real-words]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from wordfreq import zipf_frequency

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from recruit.core.lexicon import key_forms  # noqa: E402
from recruit.core.typos import _ADJACENT, _fold, _vocabulary, find_typos  # noqa: E402
from tests.core.typos_corpus import cv_texts  # noqa: E402

SHARED_CVS = ROOT.parent / "shared" / "data" / "cvs"
SHARED_ARTICLE = ROOT.parent / "shared" / "data" / "domain" / "manager-de-cont-ro.txt"
SHARED_ESCO = ROOT.parent / "shared" / "data" / "taxonomy" / "esco_occupations_labels_en_ro.csv"
WORD = re.compile(r"[^\W\d_]+")
# A token glued to these is part of an e-mail, a URL or a path: never a place to inject.
ADDRESS = re.compile(r"\S*[@/]\S*|\S+\.[a-z]{2,4}\b")
KINDS = ("deletion", "insertion", "substitution", "transposition", "doubled")
CEDILLA = str.maketrans("şţŞŢ", "șțȘȚ")
# Real-word swaps land on common words: wordfreq's Zipf 3 is about once per million words.
REAL_WORD_ZIPF = 3.0


@dataclass
class Corpus:
    name: str
    docs: list[tuple[str, str, list[int]]]  # (language, text, page starts)
    cvs: bool = True  # CV-shaped, so timed for CVs/s


def _shared_docs() -> list[tuple[str, str, list[int]]]:
    files = sorted(SHARED_CVS.rglob("*.pdf")) if SHARED_CVS.is_dir() else []
    docs = []
    try:
        from recruit.core.reading import read_document
    except ImportError:  # before the reader landed: pdfplumber's text, page by page
        read_document = None  # type: ignore[assignment]
    for path in files:
        if read_document is not None:
            doc = read_document(path.read_bytes(), path.name)
            if doc.status != "error":
                docs.append((doc.language or "en", doc.text, list(doc.page_starts or (0,))))
            continue
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            pages = [unicodedata.normalize("NFC", p.extract_text() or "") + "\n" for p in pdf.pages]
        starts = [sum(len(p) for p in pages[:i]) for i in range(len(pages))]
        docs.append(("en", "".join(pages), starts))
    return docs


def _cvgen_docs() -> list[tuple[str, str, list[int]]]:
    try:
        from tests.cvgen import LAYOUTS, expected_text, sample_cvs
    except ImportError:
        return []
    docs = []
    for key, doc in sample_cvs().items():
        lang = "en" if key == "en" else "ro"
        for layout in LAYOUTS:
            docs.append((lang, expected_text(doc, layout).translate(CEDILLA), [0]))
    return docs


def _strip(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept)


def corpora(count: int, seed: int) -> list[Corpus]:
    """Return the clean corpora to measure on."""
    generated = cv_texts(count, seed)
    out = [
        Corpus("generated ro", [(lang, t, [0]) for lang, t in generated if lang == "ro"]),
        Corpus(
            "generated ro, no diacritics",
            [(lang, _strip(t), [0]) for lang, t in generated if lang == "ro"],
        ),
        Corpus("generated en", [(lang, t, [0]) for lang, t in generated if lang == "en"]),
    ]
    cvgen = _cvgen_docs()
    if cvgen:
        out.append(Corpus("tests/cvgen samples x layouts", cvgen))
    print("reading the shared CVs...", file=sys.stderr)
    shared = _shared_docs()
    if shared:
        out.append(Corpus("shared real CVs (livecareer, en)", shared))
    if SHARED_ARTICLE.is_file():
        # Real Romanian prose, not a CV: its glued words ("afaceriși") are real flags.
        text = SHARED_ARTICLE.read_text(encoding="utf-8")
        out.append(Corpus("shared ro article (not a CV)", [("ro", text, [0])], cvs=False))
    if SHARED_ESCO.is_file():
        # Real occupation names, one per line: rare trade words next to our key terms.
        with SHARED_ESCO.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for lang in ("ro", "en"):
            labels = [r[f"preferred_label_{lang}"] for r in rows]
            labels += [a for r in rows for a in r[f"alt_labels_{lang}"].split(" | ") if a]
            docs = [(lang, "\n".join(labels[i : i + 300]) + "\n", [0])
                    for i in range(0, len(labels), 300)]  # fmt: skip
            out.append(Corpus(f"shared ESCO occupation labels, {lang}", docs, cvs=False))
    return out


def _keys(language: str | None = None) -> tuple[set[str], set[str]]:
    # English CVs are checked against English terms and product names only (as the detector
    # does); Romanian CVs, full of English terms, against all of them.
    exact = {kf.form.lower() for kf in key_forms() if language != "en" or kf.language != "ro"}
    return exact, {_fold(f) for f in exact}


def _undetectable(word: str, exact: set[str], folded_forms: set[str]) -> bool:
    low = word.lower().translate(CEDILLA)
    return _vocabulary().is_word(low) or low in exact or _fold(low) in folded_forms


def _neighbour(ch: str, rng: random.Random, upper: bool) -> str:
    base = _fold(ch.lower())
    choices = sorted(_ADJACENT.get(base, ())) or list("aeiou")
    new = rng.choice(choices)
    return new.upper() if upper else new


def _edit(word: str, kind: str, rng: random.Random, first: int = 1) -> str:
    new = _slip(word, kind, rng, first)
    # Shift is held for the first key of a capitalised word, whichever key that is.
    if word[:1].isupper() and new[:1].islower():
        new = new[:1].upper() + new[1:]
    return new


def _slip(word: str, kind: str, rng: random.Random, first: int) -> str:
    # Edits avoid the first letter, where typing slips are rare (and the detector trusts it
    # in capitalised words); `first=0` lets them hit it, for the side measure.
    i = rng.randrange(first, len(word))
    if kind in ("insertion", "transposition") and i == 0:
        i = 1
    # A slip inside a word is typed in the word's case: "Maanger", not "MAnager".
    upper = word.isupper()
    if kind == "deletion":
        return word[:i] + word[i + 1 :]
    if kind == "insertion":
        return word[:i] + _neighbour(word[i - 1], rng, upper) + word[i:]
    if kind == "substitution":
        return word[:i] + _neighbour(word[i], rng, upper) + word[i + 1 :]
    if kind == "transposition":
        i = min(i, len(word) - 2)
        if i < 1 or word[i] == word[i + 1]:
            return word
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]  # doubled letter


@dataclass
class Injected:
    start: int
    end: int
    original: str
    kind: str


def inject(
    text: str,
    language: str,
    per_cv: int,
    rng: random.Random,
    *,
    edits_per_word: int = 1,
    first: int = 1,
) -> tuple[str, list[Injected], int]:
    """Return `text` with up to `per_cv` key terms misspelt, the edits, and the rejects."""
    _, targets = _keys(language)
    exact, folded_forms = _keys()
    addresses = [m.span() for m in ADDRESS.finditer(text)]
    spots = [
        m
        for m in WORD.finditer(text)
        if len(m.group()) >= (4 if edits_per_word == 1 else 8)
        and not m.group().isupper()
        and _fold(m.group().lower().translate(CEDILLA)) in targets
        and not any(a <= m.start() < b for a, b in addresses)
    ]
    chosen = sorted(rng.sample(spots, min(per_cv, len(spots))), key=lambda m: m.start())
    pieces, edits, rejected, shift, last = [], [], 0, 0, 0
    for m in chosen:
        word = m.group()
        kinds = [rng.choice(KINDS) for _ in range(edits_per_word)]
        kind = "+".join(kinds)
        for _ in range(10):
            new = word
            for k in kinds:
                new = _edit(new, k, rng, first)
            if new != word and not _undetectable(new, exact, folded_forms):
                break
            rejected += new != word  # spelt a real word: drawn again
        else:
            continue
        pieces.append(text[last : m.start()])
        pieces.append(new)
        start = m.start() + shift
        edits.append(Injected(start, start + len(new), word, kind))
        shift += len(new) - len(word)
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces), edits, rejected


def measure(corpora_: list[Corpus], per_cv: int, seed: int) -> None:
    """Print clean false flags, precision/recall on injected typos, and speed."""
    rng = random.Random(seed)
    terms: dict[str, set[str]] = {}
    for kf in key_forms():
        terms.setdefault(_fold(kf.form.lower()), set()).add(kf.term)
    total = Counter[str]()
    by_kind: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    print(
        f"{'corpus':36} {'CVs':>5} {'words':>7} {'flags':>5} {'/1k':>6}  "
        f"{'inj':>4} {'TP':>4} {'FP':>3} {'P':>6} {'R':>6} {'sugg':>5} {'term':>5}"
    )
    clean_examples: list[str] = []
    false_examples: list[str] = []
    for corpus in corpora_:
        c = Counter[str]()
        for lang, text, starts in corpus.docs:
            clean = find_typos(text, lang, starts)
            c["docs"] += 1
            c["words"] += clean.words
            c["clean_flags"] += len(clean.typos)
            clean_examples += [
                f"  [{corpus.name}] {t.found!r} -> {t.suggestion!r}: "
                f"...{text[max(0, t.start - 35) : t.end + 15]!r}"
                for t in clean.typos
            ]
            dirty, edits, rejected = inject(text, lang, per_cv, rng)
            c["rejected"] += rejected
            report = find_typos(dirty, lang, starts)
            spans = {(e.start, e.end): e for e in edits}
            # Flags the clean text already had are counted above, not again here.
            before = Counter(t.found for t in clean.typos)
            for t in report.typos:
                e = spans.pop((t.start, t.end), None)
                if e is not None:
                    c["tp"] += 1
                    by_kind[e.kind]["tp"] += 1
                    if _fold(t.suggestion.lower()) == _fold(e.original.lower()):
                        c["suggestion_ok"] += 1
                    # The skill credit needs the term right, even where the inflection is a
                    # toss-up ("contractelr": "contractele" or "contractelor").
                    c["term_ok"] += t.term in terms.get(_fold(e.original.lower()), ())
                elif before[t.found] > 0:
                    before[t.found] -= 1
                else:
                    c["fp"] += 1
                    false_examples.append(
                        f"  [{corpus.name}] {t.found!r} -> {t.suggestion!r}: "
                        f"...{dirty[max(0, t.start - 35) : t.end + 15]!r}"
                    )
            for e in edits:
                by_kind[e.kind]["injected"] += 1
            c["injected"] += len(edits)
            for e in spans.values():
                false_examples.append(
                    f"  missed {e.kind}: {dirty[e.start : e.end]!r} (for {e.original!r}): "
                    f"...{dirty[max(0, e.start - 35) : e.end + 15]!r}"
                )
        _row(corpus.name, c)
        total.update(c)
    print("-" * 100)
    _row("all", total)
    print()
    for kind, k in by_kind.items():
        rate = k["tp"] / k["injected"] if k["injected"] else float("nan")
        print(f"recall {kind:14} {k['tp']:4}/{k['injected']:<4} = {rate:.3f}")
    print(f"edits drawn again because they spelt a real word or key form: {total['rejected']}")
    print("\nflags on the clean texts (each counts as false above):")
    print("\n".join(clean_examples) or "  none")
    print("\nfalse flags and misses on the injected texts:")
    print("\n".join(false_examples) or "  none")
    _first_letter(corpora_, per_cv, seed)
    _two_slips(corpora_, per_cv, seed)
    print()
    _speed(corpora_)


def _first_letter(corpora_: list[Corpus], per_cv: int, seed: int) -> None:
    # Not a target: one edit that may hit the first letter, which capitalised words refuse.
    rng = random.Random(seed)
    c = Counter[str]()
    for corpus in corpora_:
        for lang, text, starts in corpus.docs:
            dirty, edits, _ = inject(text, lang, per_cv, rng, first=0)
            spans = {(e.start, e.end) for e in edits}
            hits = {(t.start, t.end) for t in find_typos(dirty, lang, starts).typos}
            for e in edits:
                key = "first" if _fold(dirty[e.start]) != _fold(e.original[0]) else "later"
                key += "_title" if e.original[0].isupper() else "_lower"
                c[key] += 1
                c[key + "_found"] += (e.start, e.end) in hits
            c["fp"] += len(hits - spans)
    print("\none edit anywhere, first letter included (not a target):")
    for key in ("first_lower", "first_title", "later_lower", "later_title"):
        where, case = key.split("_")
        print(f"  {where} letter, {case}case word: found {c[key + '_found']}/{c[key]}")


def _two_slips(corpora_: list[Corpus], per_cv: int, seed: int) -> None:
    # Not a target: words of 8+ letters with two edits, to show what _LONG_LIMIT gives up.
    rng = random.Random(seed)
    c = Counter[str]()
    for corpus in corpora_:
        for lang, text, starts in corpus.docs:
            dirty, edits, _ = inject(text, lang, per_cv, rng, edits_per_word=2)
            spans = {(e.start, e.end): e for e in edits}
            c["injected"] += len(edits)
            for t in find_typos(dirty, lang, starts).typos:
                e = spans.pop((t.start, t.end), None)
                if e is None:
                    continue
                c["found"] += 1
                cheap = sum(k in ("substitution", "transposition", "doubled")
                            for k in e.kind.split("+"))  # fmt: skip
                c[f"found_{cheap}_cheap"] += 1
            for e in edits:
                cheap = sum(k in ("substitution", "transposition", "doubled")
                            for k in e.kind.split("+"))  # fmt: skip
                c[f"injected_{cheap}_cheap"] += 1
    print(f"\ntwo edits in one word (not a target): found {c['found']}/{c['injected']}", end="")
    print(" = " + ", ".join(
        f"{c[f'found_{n}_cheap']}/{c[f'injected_{n}_cheap']} with {n} cheap slips"
        for n in (0, 1, 2)))  # fmt: skip


def _real_word_variants(word: str, language: str, keys: set[str]) -> list[str]:
    """Return the slips of `word` that spell another common word (wordfreq, not the detector's)."""
    letters = "abcdefghijklmnopqrstuvwxyz" + ("ăâîșț" if language == "ro" else "")
    low = word.lower()
    edits = set()
    for i in range(1, len(low) + 1):  # the first letter is kept, as in the slips above
        head, tail = low[:i], low[i:]
        if tail:
            edits.add(head + tail[1:])
            edits |= {head + c + tail[1:] for c in letters}
        if len(tail) > 1:
            edits.add(head + tail[1] + tail[0] + tail[2:])
        edits |= {head + c + tail for c in letters}
    languages = ("ro", "en") if language == "ro" else ("en",)
    out = []
    for new in sorted(edits - {low}):
        # Common words only: a slip into a rare word is rare itself. Key forms are not swaps.
        if new in keys or _fold(new) in keys:
            continue
        if max(zipf_frequency(new, lang) for lang in languages) >= REAL_WORD_ZIPF:
            out.append(new[:1].upper() + new[1:] if word[:1].isupper() else new)
    return out


def inject_real_words(
    text: str, language: str, per_cv: int, rng: random.Random
) -> tuple[str, list[Injected]]:
    """Return `text` with up to `per_cv` key terms swapped for a word one slip away."""
    _, targets = _keys(language)
    exact, folded_forms = _keys()
    keys = exact | folded_forms
    addresses = [m.span() for m in ADDRESS.finditer(text)]
    spots = []
    for m in WORD.finditer(text):
        word = m.group()
        if len(word) < 4 or word.isupper() or any(a <= m.start() < b for a, b in addresses):
            continue
        if _fold(word.lower().translate(CEDILLA)) in targets:
            variants = _real_word_variants(word.translate(CEDILLA), language, keys)
            if variants:
                spots.append((m, variants))
    chosen = sorted(rng.sample(spots, min(per_cv, len(spots))), key=lambda s: s[0].start())
    pieces, edits, shift, last = [], [], 0, 0
    for m, variants in chosen:
        new = rng.choice(variants)
        pieces += [text[last : m.start()], new]
        start = m.start() + shift
        edits.append(Injected(start, start + len(new), m.group(), "real word"))
        shift += len(new) - len(m.group())
        last = m.end()
    pieces.append(text[last:])
    return "".join(pieces), edits


def real_word_swaps(corpora_: list[Corpus], per_cv: int, seed: int) -> Counter[str]:
    """Print precision and recall on key terms swapped for other real words, per corpus."""
    rng = random.Random(seed)
    print(
        f"\nreal-word swaps ({per_cv} per document, one slip into a word of Zipf >= "
        f"{REAL_WORD_ZIPF}; a flag is right only on a swap):"
    )
    head = ("corpus", "docs", "swaps", "TP", "FP", "P", "R", "/1k")
    print("{:36} {:>5} {:>5} {:>4} {:>3} {:>6} {:>6} {:>6}".format(*head))
    total = Counter[str]()
    found: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    wrong: list[str] = []
    for corpus in corpora_:
        c = Counter[str]()
        for lang, text, starts in corpus.docs:
            clean = find_typos(text, lang, starts)
            before = Counter(t.found for t in clean.typos)
            dirty, edits = inject_real_words(text, lang, per_cv, rng)
            spans = {(e.start, e.end): e for e in edits}
            report = find_typos(dirty, lang, starts)
            c["docs"] += 1
            c["words"] += clean.words
            c["clean_flags"] += len(clean.typos)
            for t in report.typos:
                e = spans.pop((t.start, t.end), None)
                if e is not None:
                    c["tp"] += 1
                    found[f"{t.found.lower()} for {e.original.lower()}"] += 1
                elif before[t.found] > 0:
                    before[t.found] -= 1
                else:
                    c["fp"] += 1
                    wrong.append(
                        f"  [{corpus.name}] {t.found!r} -> {t.suggestion!r}: "
                        f"...{dirty[max(0, t.start - 35) : t.end + 15]!r}"
                    )
            c["injected"] += len(edits)
            for e in spans.values():
                missed[f"{dirty[e.start : e.end].lower()} for {e.original.lower()}"] += 1
        flags = c["tp"] + c["fp"]
        print(
            f"{corpus.name:36} {c['docs']:5} {c['injected']:5} {c['tp']:4} {c['fp']:3} "
            f"{c['tp'] / flags if flags else float('nan'):6.3f} "
            f"{c['tp'] / c['injected'] if c['injected'] else float('nan'):6.3f} "
            f"{c['clean_flags'] / c['words'] * 1000 if c['words'] else 0.0:6.3f}"
        )
        total.update(c)
    flags = total["tp"] + total["fp"]
    print(
        f"{'all':36} {total['docs']:5} {total['injected']:5} {total['tp']:4} {total['fp']:3} "
        f"{total['tp'] / flags if flags else float('nan'):6.3f} "
        f"{total['tp'] / total['injected'] if total['injected'] else float('nan'):6.3f} "
        f"{total['clean_flags'] / total['words'] * 1000 if total['words'] else 0.0:6.3f}"
    )
    print("(/1k: flags per 1,000 words of the clean texts, every kind of flag; target < 0.2)")
    print("swaps flagged: " + (", ".join(f"{k} x{n}" for k, n in found.most_common()) or "none"))
    print("commonest swaps missed: " + ", ".join(f"{k} x{n}" for k, n in missed.most_common(25)))
    print("false flags on the swapped texts:")
    print("\n".join(wrong) or "  none")
    return total


def _row(name: str, c: Counter[str]) -> None:
    per_k = c["clean_flags"] / c["words"] * 1000 if c["words"] else 0.0
    flags = c["tp"] + c["fp"]
    precision = c["tp"] / flags if flags else float("nan")
    recall = c["tp"] / c["injected"] if c["injected"] else float("nan")
    sugg = c["suggestion_ok"] / c["tp"] if c["tp"] else float("nan")
    term = c["term_ok"] / c["tp"] if c["tp"] else float("nan")
    print(
        f"{name:36} {c['docs']:5} {c['words']:7} {c['clean_flags']:5} {per_k:6.3f}  "
        f"{c['injected']:4} {c['tp']:4} {c['fp']:3} {precision:6.3f} {recall:6.3f} {sugg:5.2f}"
        f" {term:5.2f}"
    )


def _speed(corpora_: list[Corpus]) -> None:
    # CVs only: the article and the ESCO label lists are not CV-shaped.
    find_typos("", "ro")  # load the vocabulary outside the timing
    for corpus in corpora_:
        if not corpus.cvs:
            continue
        docs = corpus.docs
        n, t0 = 0, time.process_time()
        while time.process_time() - t0 < 2.0:
            for lang, text, starts in docs:
                find_typos(text, lang, starts)
            n += len(docs)
        dt = time.process_time() - t0
        words = sum(len(WORD.findall(t)) for _, t, _ in docs) * n / len(docs)
        print(
            f"speed, one core (CPU time): {n / dt:6.0f} CVs/s, {words / dt / 1000:4.0f}k words/s"
            f" - {corpus.name}, {words / n:.0f} words per CV"
        )
    print(f"(load average while measuring: {os.getloadavg()[0]:.1f})")


def main() -> None:
    """Run the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cvs", type=int, default=400, help="generated CVs (half ro, half en)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--per-cv", type=int, default=3, help="typos injected per CV")
    parser.add_argument(
        "--real-words", action="store_true", help="only the real-word swaps, not the other slips"
    )
    args = parser.parse_args()
    t0 = time.perf_counter()
    find_typos("", "ro")
    print(f"vocabulary and lexicon loaded in {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    texts = corpora(args.cvs, args.seed)
    if not args.real_words:
        measure(texts, args.per_cv, args.seed)
    real_word_swaps(texts, args.per_cv, args.seed)


if __name__ == "__main__":
    main()
