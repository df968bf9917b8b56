"""Bulk import of a recruiter's folder (or zip) of CVs into an opening.

What a file is comes from its bytes (`media.cv_media_type`, as for the upload form), never
from its name: a PDF saved as `.txt` is imported, and so is a photo of a CV (JPEG, PNG, read
by OCR) whatever it is called, while a GIF named `.pdf` is not. Each file is
stored first, then recorded as a queued document of its own application. Files
are deduplicated by the sha256 of their bytes, so running the same import again resumes an
interrupted one: what was recorded is skipped, what was not is added.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from recruit.core.reading import type_error
from recruit.db.models import Application, Candidate, Document, Opening, utcnow
from recruit.services.documents import add_document, open_application
from recruit.services.errors import ServiceError, _l
from recruit.storage import Storage

IMPORT_CONSENT = "bulk-import"  # the recruiter's lawful basis, not the candidate's consent
PENDING = ("queued", "reading")


@dataclass(frozen=True)
class Source:
    name: str  # path inside the folder or zip, for the summary
    size: int
    read: Callable[[], bytes]


@dataclass
class ImportReport:
    added: int = 0
    already_imported: int = 0  # recorded by an earlier (perhaps interrupted) run
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, same as file)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    document_ids: dict[int, str] = field(default_factory=dict)  # id -> file, this run's files


@dataclass(frozen=True)
class ImportSummary:
    counts: dict[str, int]  # by document status
    problems: list[tuple[str, str, str, str]]  # (file, status, code, message)

    @property
    def pending(self) -> int:
        """Documents not read yet."""
        return sum(self.counts.get(s, 0) for s in PENDING)


def list_sources(path: Path, *, max_bytes: int) -> tuple[list[Source], list[tuple[str, str]]]:
    """List the CV files in a folder (recursively) or a zip; return them and what was skipped."""
    if path.is_dir():
        entries = [
            (p.relative_to(path).as_posix(), p.stat().st_size, _file_reader(p))
            for p in sorted(path.rglob("*"))
            if p.is_file()
        ]
    elif zipfile.is_zipfile(path):
        archive = zipfile.ZipFile(path)
        entries = [
            (info.filename, info.file_size, _zip_reader(archive, info))
            for info in archive.infolist()
            if not info.is_dir() and not info.filename.startswith("__MACOSX/")
        ]
    else:
        raise ServiceError(_l("%(path)s is neither a folder nor a zip file"), path=path)
    sources, skipped = [], []
    for name, size, read in entries:
        pure = PurePosixPath(name)
        if any(part.startswith(".") for part in pure.parts):
            continue  # hidden files and folders (.DS_Store, .git) are not CVs
        if size > max_bytes:
            # Checked before reading: a zip's member size is what it claims to inflate to.
            skipped.append((name, "too_large"))
        else:
            sources.append(Source(name, size, read))
    return sources, skipped


def _file_reader(path: Path) -> Callable[[], bytes]:
    return path.read_bytes


def _zip_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    return lambda: archive.read(info)


def import_files(
    session: Session,
    storage: Storage,
    opening: Opening,
    sources: Iterable[Source],
    *,
    batch: int = 25,
    on_file: Callable[[Source], None] | None = None,
    retain_for: dt.timedelta = dt.timedelta(days=183),
) -> ImportReport:
    """Store and record each new CV as a queued document of its own application.

    A file that is no CV by its bytes (notes, photos, spreadsheets, a legacy .doc) is
    skipped with the reader's error code. Commits every `batch` files, so an interruption
    loses at most one batch of rows (their bytes are stored already; the next run records
    them).
    """
    report = ImportReport()
    seen: dict[str, str] = {}  # sha256 -> first file with these bytes in this run
    pending = 0
    for source in sources:
        data = source.read()
        digest = hashlib.sha256(data).hexdigest()
        refused = type_error(data, source.name)
        if refused is not None:
            report.skipped.append((source.name, refused.code))
        elif digest in seen:
            report.duplicates.append((source.name, seen[digest]))
        else:
            seen[digest] = source.name
            existing = _document_with(session, opening, digest)
            if existing is not None:
                report.already_imported += 1
                report.document_ids[existing] = source.name
            else:
                document = _record(session, storage, opening, source.name, data, retain_for)
                report.added += 1
                report.document_ids[document.id] = source.name
                pending += 1
                if pending >= batch:
                    session.commit()
                    pending = 0
        if on_file:
            on_file(source)
    session.commit()
    return report


def _document_with(session: Session, opening: Opening, digest: str) -> int | None:
    return session.scalar(
        select(Document.id)
        .join(Application, Document.application_id == Application.id)
        .where(Application.opening_id == opening.id, Document.sha256 == digest)
        .order_by(Document.id)
        .limit(1)
    )


def _record(
    session: Session,
    storage: Storage,
    opening: Opening,
    name: str,
    data: bytes,
    retain_for: dt.timedelta,
) -> Document:
    stored = storage.put(data)  # first: a failed write leaves no row behind
    now = utcnow()
    # Name, e-mail and phone are unknown until the CV is read (services.documents fills them
    # in then); a file name is not a name ("CV_final_2024.pdf").
    candidate = Candidate(
        name=None,
        email=None,
        phone=None,
        consent_at=now,
        consent_version=IMPORT_CONSENT,
        retain_until=now + retain_for,
    )
    application = open_application(session, opening, candidate)
    return add_document(session, stored.key, stored.sha256, stored.size, name, application)


def summarise(session: Session, document_ids: dict[int, str]) -> ImportSummary:
    """Count the documents by status and list the ones a person should look at, with why."""
    counts: Counter[str] = Counter()
    problems = []
    ids = sorted(document_ids)
    for chunk in (ids[i : i + 500] for i in range(0, len(ids), 500)):
        rows = session.execute(
            select(Document.id, Document.status, Document.error_code, Document.error_message)
            .where(Document.id.in_(chunk))
            .order_by(Document.id)
        )
        for doc_id, status, code, message in rows:
            counts[status] += 1
            if status in ("needs_review", "error"):
                problems.append((document_ids[doc_id], status, code or "", message or ""))
    return ImportSummary(dict(counts), problems)
