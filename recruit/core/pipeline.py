"""One CV from bytes to profile: read, find typos, extract; the CLI, workers and web call this."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from recruit.core.extraction import extract_profile
from recruit.core.profile import Profile
from recruit.core.reading import Limits, ReadResult, read_document
from recruit.core.typos import find_typos

# Bump when reading or extraction changes what a stored profile holds.
EXTRACTOR_VERSION = "1"


@dataclass(frozen=True)
class Analysis:
    read: ReadResult
    profile: Profile | None  # None when the text could not be read


def analyse(data: bytes, filename: str = "", *, limits: Limits | None = None) -> Analysis:
    """Read a CV file and extract its profile, typos included."""
    read = read_document(data, filename, limits=limits)
    if not read.text.strip():
        return Analysis(read, None)
    report = find_typos(read.text, read.language, read.page_starts)
    profile = extract_profile(
        read.text,
        language=read.language,
        page_starts=read.page_starts,
        doc_date=read.doc_date,
        typos=report.typos,
    )
    profile = dataclasses.replace(
        profile,
        language=read.language or profile.language,
        emails=read.emails,
        phones=read.phones,
        links=read.links,
        typos=report.typos,
        missing_diacritics=report.missing_diacritics,
        words=report.words or profile.words,
    )
    return Analysis(read, profile)


def parse_record(file: str, analysis: Analysis, *, with_text: bool = False) -> dict[str, Any]:
    """Return the `recruit parse` JSON object of ARCHITECTURE.md for one analysed file."""
    read = analysis.read
    record: dict[str, Any] = {
        "file": file,
        "status": read.status,
        "error": {"code": read.error.code, "message": read.error.message} if read.error else None,
        "sha256": read.sha256,
        "pages": read.pages,
        "language": read.language,
    }
    p = analysis.profile.to_dict() if analysis.profile else Profile().to_dict()
    exp, edu = p["experience"], p["education"]
    record.update(
        name=p["name"],
        emails=list(read.emails),
        phones=list(read.phones),
        links=list(read.links),
        skills=[{"id": s["id"], "label": s["label"], "count": s["count"]} for s in p["skills"]],
        experience={
            "total_months": exp["total_months"],
            "sales_months": exp["sales_months"],
            "positions": [
                {k: pos[k] for k in ("title", "employer", "start", "end", "current")}
                for pos in exp["positions"]
            ],
        },
        education={
            "highest": edu["highest"],
            "entries": [
                {k: e[k] for k in ("degree", "institution", "start", "end")} for e in edu["entries"]
            ],
        },
        languages=[{"code": lang["code"], "level": lang["level"]} for lang in p["languages"]],
        driving_licence=p["driving_licence"],
        typos=p["typos"],
    )
    if with_text:
        record["text"] = read.text
    return record
