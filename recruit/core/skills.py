"""The skill catalogue: canonical skill ids and their labels in each language."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from recruit.core.assets import models_path


@dataclass(frozen=True)
class SkillInfo:
    id: str
    en: str
    ro: str
    group: str

    def label(self, language: str | None) -> str:
        """Return the label in `language` (English when unknown)."""
        return self.ro if language == "ro" else self.en


@cache
def skill_catalog() -> dict[str, SkillInfo]:
    """Load `models/skills/catalog.json` once per process."""
    data = json.loads(models_path("skills", "catalog.json").read_text(encoding="utf-8"))
    return {s["id"]: SkillInfo(s["id"], s["en"], s["ro"], s["group"]) for s in data["skills"]}
