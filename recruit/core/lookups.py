"""spaCy's lookup tables (spacy-lookups-data): lemmas of Romanian and English word forms.

Read only to build the on-disk cache (`recruit.core.cache`); a process that finds the cache
never opens them.
"""

from __future__ import annotations

import gzip
import json
from importlib import resources


def lemma_table(name: str) -> dict[str, object]:
    """Return the table `name` of spacy-lookups-data ("ro_lemma_lookup", "en_lemma_exc"...)."""
    path = resources.files("spacy_lookups_data").joinpath("data", f"{name}.json.gz")
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        data: dict[str, object] = json.load(fh)
    return data
