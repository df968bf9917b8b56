"""One home per concept: diacritic folding, cedilla forms and language live in core/text.py,
file types in core/media.py, contacts in core/contacts.py; nothing else writes its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from recruit.core.text import comma_below, detect_language, fold

RECRUIT = Path(__file__).resolve().parents[2] / "recruit"


def test_cedilla_comma_and_bare_forms_fold_alike() -> None:
    for word in ("Ștefănescu", "Ştefănescu", "Stefanescu", "ȘTEFĂNESCU", "ştefănescu"):
        assert fold(word) == "stefanescu", word
    assert fold("Țară în Câmpia", lower=False) == "Tara in Campia"
    assert comma_below("şi Ţara, Ştefan, ţine") == "și Țara, Ștefan, ține"


@pytest.mark.parametrize(
    "text", ["İstanbul", "ﬁnanțe", "s\u0326i", "½ normă", "Ǆ", "€ 2.000", "", "ăâîșț ĂÂÎȘȚ"]
)
def test_folding_keeps_one_character_for_one(text: str) -> None:
    # Evidence and redaction offsets found in the folded text must point into the original.
    for lower in (True, False):
        assert len(fold(text, lower=lower)) == len(text)


def test_language() -> None:
    assert detect_language("Am lucrat ca manager de cont pentru clienți corporativi.") == "ro"
    assert detect_language("Am lucrat ca manager de cont pentru clienti si am fost sef.") == "ro"
    assert detect_language("Experiență în vânzări, studii, permis de conducere") == "ro"
    assert detect_language("I managed the accounts of our corporate customers for years.") == "en"
    assert detect_language("Excel") is None and detect_language("") is None


# concept -> (what writing it again looks like, the one module allowed to, and why others may)
HOMES: dict[str, tuple[re.Pattern[str], set[str]]] = {
    "diacritic folding": (
        re.compile(
            r"normalize\(\s*[\"']NFK?D[\"']|unicodedata\.combining"
            r"|def (?:_?fold|strip_diacritics)\b"
        ),
        {"core/text.py"},
    ),
    "cedilla forms": (re.compile(r"maketrans\([^)]*ş"), {"core/text.py"}),
    "language detection": (
        re.compile(r"def (?:_?detect_language|_language_of)\b"),
        {"core/text.py"},
    ),
    # File signatures compared with bytes; tasks.py writes a PDF for the demo, deciding nothing.
    "file type": (
        re.compile(
            r"(?:startswith\(|==\s*|\bin\s+)\(?b[\"'](?:%PDF|PK\\x03|\\x89PNG|\\xd0\\xcf)"
            r"|[\"']word/document\.xml[\"']\s+in\b|\.suffix\.lower\(\)\s+(?:not\s+)?in\b"
        ),
        {"core/media.py"},
    ),
    "contacts": (re.compile(r"PhoneNumberMatcher|\[\\w\.\+-\]\+@"), {"core/contacts.py"}),
}


@pytest.mark.parametrize("concept", sorted(HOMES))
def test_no_second_implementation_remains(concept: str) -> None:
    pattern, homes = HOMES[concept]
    found = []
    for path in sorted(RECRUIT.rglob("*.py")):
        where = path.relative_to(RECRUIT).as_posix()
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and where not in homes:
                found.append(f"{where}:{n}: {line.strip()}")
    assert not found, f"{concept} has one home ({', '.join(homes)}); also written in:\n" + (
        "\n".join(found)
    )


def test_the_scan_would_see_a_copy() -> None:
    # The patterns above do match the code they guard against.
    samples = {
        "diacritic folding": 'unicodedata.normalize("NFKD", text.lower())',
        "cedilla forms": '_CEDILLA = str.maketrans("şţŞŢ", "șțȘȚ")',
        "language detection": "def detect_language(text: str) -> str | None:",
        "file type": 'if data.lstrip()[:5] == b"%PDF-":',
        "contacts": '_EMAIL = re.compile(r"[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+")',
    }
    for concept, line in samples.items():
        assert HOMES[concept][0].search(line), concept
    assert HOMES["file type"][0].search("if pure.suffix.lower() not in CV_SUFFIXES:")
