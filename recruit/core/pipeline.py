"""One CV from bytes to profile: read, find typos, extract; the CLI, workers and web call this."""

from __future__ import annotations

import dataclasses
import gc
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from recruit.core import europass
from recruit.core.extraction import extract_profile
from recruit.core.profile import CEFR_SKILLS, Profile
from recruit.core.reading import Limits, ReadResult, read_document, read_path
from recruit.core.typos import find_typos
from recruit.core.version import EXTRACTOR_VERSION as EXTRACTOR_VERSION  # its home; asked here too


@dataclass(frozen=True)
class Analysis:
    read: ReadResult
    profile: Profile | None  # None when the text could not be read


def analyse(data: bytes, filename: str = "", *, limits: Limits | None = None) -> Analysis:
    """Read a CV file and extract its profile, typos included."""
    return analyse_read(read_document(data, filename, limits=limits))


def analyse_read(read: ReadResult) -> Analysis:
    """Extract the profile, typos included, of a CV already read."""
    if not read.text.strip():
        return Analysis(read, None)
    report = find_typos(read.text, read.language, read.page_starts)
    profile = extract_profile(
        read.text,
        language=read.language,
        page_starts=read.page_starts,
        doc_date=read.doc_date,
        typos=report.typos,
        attachments=[(f.name, f.data) for f in read.embedded_files],
        spans=read.spans,
    )
    profile = dataclasses.replace(
        profile,
        language=read.language or profile.language,
        emails=read.emails,
        phones=read.phones,
        links=read.links,
        handles=read.handles,
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
        # Read by text recognition (a photo, a scan): its mean word confidence 0-100, else null.
        "ocr_confidence": read.ocr_confidence if read.ocr else None,
    }
    p = analysis.profile.to_dict() if analysis.profile else Profile().to_dict()
    exp, edu = p["experience"], p["education"]
    record.update(
        name=p["name"],
        # The job title the CV gives its author at its top, or the job applied for: or null.
        headline=p["headline"],
        emails=list(read.emails),
        phones=list(read.phones),
        links=list(read.links),
        handles=list(read.handles),
        skills=[{"id": s["id"], "label": s["label"], "count": s["count"]} for s in p["skills"]],
        experience={
            "total_months": exp["total_months"],
            "sales_months": exp["sales_months"],
            "positions": [_position(pos) for pos in exp["positions"]],
            # Volunteering is apart: its months are not in total_months.
            "volunteer_months": exp["volunteer_months"],
            "volunteering": [_position(pos) for pos in exp["volunteering"]],
        },
        education={
            "highest": edu["highest"],
            "entries": [
                {k: e[k] for k in ("degree", "institution", "start", "end", "level", "in_progress")}
                for e in edu["entries"]
            ],
            # The level being studied for, above "highest" (a master's student): or null.
            "in_progress": edu["in_progress"],
        },
        languages=[
            {
                "code": lang["code"],
                "level": lang["level"],
                # A level per CEFR skill where the CV gives them (a Europass grid), else {}.
                "skill_levels": {
                    k: lang["skill_levels"][k] for k in CEFR_SKILLS if k in lang["skill_levels"]
                },
            }
            for lang in p["languages"]
        ],
        driving_licence=p["driving_licence"],
        typos=p["typos"],
        read=_read_facts(read),
    )
    if with_text:
        record["text"] = read.text
    return record


def _position(pos: dict[str, Any]) -> dict[str, Any]:
    return {k: pos[k] for k in ("title", "employer", "start", "end", "current")}


def _read_facts(read: ReadResult) -> dict[str, Any]:
    """Return how the file was read: the facts a person checking the output wants to know."""
    attached = [(f.name, f.data) for f in read.embedded_files]
    xml = europass.find_europass_xml(attached) if attached else None
    return {
        "media_type": read.media_type,
        "ocr": read.ocr,  # the text came from text recognition of page images
        # The PDF carries a Europass CV as XML, read: its positions, education, languages and
        # licences are the ones above.
        "europass_xml": xml is not None and europass.read_europass(xml) is not None,
        "unmapped_glyphs": read.cid_count,  # characters the file draws but does not name
        "replaced_characters": read.replacement_count,
    }


def analyse_path(path: str, limits: Limits | None = None) -> Analysis:
    """Analyse the file at `path` (see `read_path`)."""
    return analyse_read(read_path(path, limits))


def _warm_worker() -> None:
    """Build the spaCy pipelines once in a pool process, then freeze the heap.

    Once spaCy's long-lived objects are built, gc.freeze() keeps the cyclic collector from
    re-scanning them while pdfplumber allocates (measured 1.22x faster in a 2-process pool).
    """
    for language in ("ro", "en"):
        extract_profile("warm up", language=language)
    gc.freeze()


def analyse_paths(
    paths: Sequence[str], *, jobs: int | None = None, limits: Limits | None = None
) -> Iterator[Analysis]:
    """Analyse files across `jobs` processes, yielding results in input order."""
    if len(paths) == 1:
        # One file: no pool and no reader child to start, and only the pipeline of its
        # language gets built. The read stays bounded: see `run_here`.
        yield analyse_path(paths[0], limits or Limits(isolate=False))
        return
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(paths)))
    if jobs == 1:
        _warm_worker()
        for path in paths:
            yield analyse_path(path, limits)
        return
    with ProcessPoolExecutor(jobs, initializer=_warm_worker) as pool:
        yield from pool.map(analyse_path, paths, [limits] * len(paths), chunksize=1)
