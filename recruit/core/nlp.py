"""The spaCy pipeline for CVs: a blank language, our normaliser and our skill matcher.

Built once per process (`pipeline`). No statistical models: a blank tokenizer, a folded
lookup lemmatizer (spacy-lookups-data) written into NORM, and matchers fed by `models/`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, cast

import numpy
import spacy
from spacy.attrs import NORM, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import StringStore
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span

from recruit.core import text as _text_module
from recruit.core.assets import models_path
from recruit.core.cache import Lookup, cached_file, write_table
from recruit.core.lookups import lemma_table
from recruit.core.text import fold

LANGUAGES = ("ro", "en")
TYPOS_KEY = "recruit_typos"  # Doc.user_data key: [(start_char, end_char, suggestion)]


def load_jsonl(*parts: str) -> list[dict[str, Any]]:
    """Read a JSONL file under `models/`."""
    path = models_path(*parts)
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _build_lemmas(path: Path) -> None:
    """Write each language's lookup lemma table, keyed and valued by folded forms, to `path`."""
    for language in LANGUAGES:
        table: dict[str, str] = {}
        for form, lemma in lemma_table(f"{language}_lemma_lookup").items():
            key = fold(form)
            # "vanzari" may fold from several forms; a form already written without
            # diacritics wins, otherwise the first one does.
            if isinstance(lemma, str) and (key not in table or key == form.lower()):
                table[key] = fold(lemma)
        write_table(path, language, ("lemma",), table.items())


@cache
def folded_lemmas(language: str) -> Lookup:
    """Return the lookup lemma table of `language` keyed and valued by folded forms."""

    def source() -> Path:
        return cached_file(
            "lemmas",
            _build_lemmas,
            packages=("spacy-lookups-data",),
            sources=(__file__, _text_module.__file__),  # the tables are keyed by folded forms
        )

    return Lookup(source, language)


@Language.factory("recruit_normalizer")
def make_normalizer(nlp: Language, name: str) -> RecruitNormalizer:
    """Create the component that writes a folded lemma into each token's NORM."""
    return RecruitNormalizer(nlp.lang or "en")


class RecruitNormalizer:
    """Set NORM to the folded lemma so "vanzari", "vânzări" and "Vânzările" all match."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.lemmas: Lookup | None = None
        self.cache: dict[str, str] = {}
        self.ids: dict[int, int] = {}  # orth id -> norm id

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
    ) -> None:
        """Load the folded lemma table of the pipeline's language."""
        self.lemmas = folded_lemmas(self.language) if self.language in LANGUAGES else None
        self.cache.clear()
        self.ids.clear()

    def key(self, word: str) -> str:
        """Return the matching key of one word."""
        found = self.cache.get(word)
        if found is None:
            folded = fold(word)
            row = self.lemmas.get(folded) if self.lemmas is not None else None
            found = row[0] if row else folded
            if len(self.cache) < 200_000:
                self.cache[word] = found
        return found

    def __call__(self, doc: Doc) -> Doc:
        if len(doc):
            # Through arrays: a Token object per token costs more than the lookup itself.
            strings = doc.vocab.strings
            orths = doc.to_array([ORTH])
            if self.lemmas is not None:  # the lemmas of this document's new words, at once
                new = {int(o) for o in orths} - self.ids.keys()
                self.lemmas.prefetch(fold(strings[o]) for o in new)
            norms = numpy.fromiter(
                (self._norm_id(int(orth), strings) for orth in orths),
                dtype="uint64",
                count=len(orths),
            )
            doc.from_array([NORM], cast(Any, norms.reshape(-1, 1)))  # thinc's Ints2d
        for start, end, suggestion in doc.user_data.get(TYPOS_KEY, ()):
            self._credit_typo(doc, start, end, suggestion)
        return doc

    def _norm_id(self, orth: int, strings: StringStore) -> int:
        found = self.ids.get(orth)
        if found is None:
            found = strings.add(self.key(strings[orth]))
            if len(self.ids) < 200_000:
                self.ids[orth] = found
        return found

    def _credit_typo(self, doc: Doc, start: int, end: int, suggestion: str) -> None:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            return
        words = suggestion.split()
        if len(words) == len(span):
            for token, word in zip(span, words, strict=True):
                token.norm_ = self.key(word)
        elif len(span) == 1:
            # One misspelt token standing for a multi-word term: the matcher sees the term.
            span[0].norm_ = " ".join(self.key(word) for word in words)


@Language.factory("recruit_skills")
def make_skill_matcher(nlp: Language, name: str) -> RecruitSkills:
    """Create the component that marks skill mentions in `doc.spans["skills"]`."""
    return RecruitSkills(nlp)


class RecruitSkills:
    """Match skill phrases of both languages on NORM; cased token patterns on ORTH."""

    def __init__(self, nlp: Language) -> None:
        self.phrases = PhraseMatcher(nlp.vocab, attr="NORM")
        # Token patterns here are exact words ("Word", "Excel"): a PhraseMatcher on ORTH
        # does them many times faster than the Matcher, which builds a Token per token.
        self.cased = PhraseMatcher(nlp.vocab, attr="ORTH")

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Any]] | None = None,
        *,
        nlp: Language | None = None,
    ) -> None:
        """Load the skill patterns of both languages from `models/patterns/`."""
        if nlp is None:
            raise ValueError("recruit_skills needs the pipeline to read its patterns")
        # The pipeline's own normalizer, so patterns and text get the same keys.
        normalizer = nlp.get_pipe("recruit_normalizer")
        assert isinstance(normalizer, RecruitNormalizer)
        by_id: dict[str, list[Doc]] = {}
        cased: dict[str, list[Doc]] = {}
        for language in LANGUAGES:
            for row in load_jsonl("patterns", language, "skills.jsonl"):
                pattern = row["pattern"]
                if isinstance(pattern, str):
                    by_id.setdefault(row["id"], []).extend(_pattern_docs(nlp, normalizer, pattern))
                elif all(set(token) == {"ORTH"} for token in pattern):
                    words = [token["ORTH"] for token in pattern]
                    cased.setdefault(row["id"], []).append(Doc(nlp.vocab, words=words))
                else:
                    raise ValueError(f"only ORTH token patterns are supported: {row}")
        for skill_id, docs in by_id.items():
            self.phrases.add(skill_id, docs)
        for skill_id, docs in cased.items():
            self.cased.add(skill_id, docs)

    def __call__(self, doc: Doc) -> Doc:
        matches = list(self.phrases(doc)) + list(self.cased(doc))
        doc.spans["skills"] = list(_longest_per_label(doc, matches))
        return doc


def _pattern_docs(nlp: Language, normalizer: RecruitNormalizer, pattern: str) -> list[Doc]:
    # The lookup table lemmatizes inconsistently ("contract" -> "contracta" but
    # "contractelor" -> "contract"), so a pattern also matches by its plain folded form.
    lemmatized = normalizer(nlp.make_doc(pattern))
    plain = nlp.make_doc(pattern)
    for token in plain:
        token.norm_ = fold(token.text)
    if [t.norm_ for t in plain] == [t.norm_ for t in lemmatized]:
        return [lemmatized]
    return [lemmatized, plain]


def _longest_per_label(doc: Doc, matches: Iterable[tuple[int, int, int]]) -> Iterator[Span]:
    # Overlaps within one skill count once (longest wins); different skills may overlap,
    # since "Microsoft Dynamics CRM" is evidence of both.
    by_label: dict[int, list[tuple[int, int]]] = {}
    for label, start, end in matches:
        by_label.setdefault(label, []).append((start, end))
    for label, spans in by_label.items():
        taken: list[tuple[int, int]] = []
        for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
            if all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
        for start, end in sorted(taken):
            yield Span(doc, start, end, label=label)


_PREFIX = re.compile(r"^[^\w@#]")
_SUFFIX = re.compile(r"[^\w]$")
_INFIX = re.compile(r"[^\w.@'’]|(?<=\w)[.'’](?=\w)")


@spacy.registry.tokenizers("recruit_tokenizer")
def make_tokenizer() -> Callable[[Language], Tokenizer]:
    """Create the tokenizer factory of the CV pipeline: words and single punctuation marks."""

    def build(nlp: Language) -> Tokenizer:
        # Matching needs words and single punctuation marks, nothing more: these three rules
        # tokenize real CVs about 8x faster than the language's full rule set. Named in the
        # config, so the language's own tokenizer (its exceptions, its regexes) is never built.
        return Tokenizer(
            nlp.vocab,
            rules={},
            prefix_search=_PREFIX.search,
            suffix_search=_SUFFIX.search,
            infix_finditer=_INFIX.finditer,
        )

    return build


@cache
def pipeline(language: str) -> Language:
    """Build the CV pipeline for `language` ("ro" or "en") once per process."""
    nlp = spacy.blank(
        language if language in LANGUAGES else "en",
        config={"nlp": {"tokenizer": {"@tokenizers": "recruit_tokenizer"}}},
    )
    nlp.add_pipe("recruit_normalizer")
    nlp.add_pipe("recruit_skills")
    nlp.initialize()  # the components load their tables and patterns from models/
    return nlp


def analyse(text: str, language: str, typos: Sequence[tuple[int, int, str]] = ()) -> Doc:
    """Run the pipeline over `text`, crediting misspelt key terms with their suggestion."""
    nlp = pipeline(language)
    doc = nlp.make_doc(text)
    doc.user_data[TYPOS_KEY] = list(typos)
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc
