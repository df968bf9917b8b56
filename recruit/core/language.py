"""Document language, Romanian or English, from function words and diacritics."""

from __future__ import annotations

import re

# Frequent words that belong to one language only; "in", "a", "de", "o" are left out because
# both languages (or Romanian without diacritics) use them.
# Function words, then the words CV headings and profiles use (a short CV may have no
# sentence at all: "PROFIL / Caut un loc de muncă").
_RO_WORDS = """
și si în cu la pentru din pe care sau ale al cel cea mai este sunt am fost un unei unui prin
până pana după dupa către catre ani anul lucru clienți clienti experiență experienta vânzări
vanzari limba limbi educație educatie competențe competente nivel bună buna
telefon profil caut loc muncă munca consilier studii permis conducere abilități abilitati
aptitudini despre mine luni prezent absolvent facultatea universitatea liceul
"""
_EN_WORDS = """
the and of to for with on at as by from is are was were my i an this that have has years work
experience skills education languages customer customers sales team management responsible
managed led
phone profile looking job new present university degree college school driving licence
license about me months
"""
_RO = frozenset(_RO_WORDS.split())
_EN = frozenset(_EN_WORDS.split())
_WORD = re.compile(r"[^\W\d_]+")
_RO_LETTERS = frozenset("ăâîșțşţĂÂÎȘȚŞŢ")


def detect_language(text: str) -> str | None:
    """Return "ro" or "en" for `text`, or None when it has too few clues."""
    ro = en = 0
    for word in _WORD.findall(text.lower()):
        if word in _RO:
            ro += 1
        elif word in _EN:
            en += 1
    # Romanian letters are strong evidence, but English CVs of Romanians carry them in names.
    ro += sum(1 for ch in text if ch in _RO_LETTERS) // 8
    if ro + en < 3:
        return None
    return "ro" if ro > en else "en"
