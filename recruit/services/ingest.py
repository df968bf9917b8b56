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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from recruit.core.folders import folder_files, hidden
from recruit.core.reading import type_error
from recruit.db.models import Application, Candidate, Document, Opening, utcnow
from recruit.services.documents import CLAIM_BATCH, new_document, open_applications
from recruit.services.errors import ServiceError, _l
from recruit.storage import Storage, StoredFile

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
    stopped: bool = False  # asked to stop (Ctrl-C): the files after the last batch were left


@dataclass(frozen=True)
class ImportSummary:
    counts: dict[str, int]  # by document status
    problems: list[tuple[str, str, str, str]]  # (file, status, code, message)

    @property
    def pending(self) -> int:
        """Documents not read yet."""
        return sum(self.counts.get(s, 0) for s in PENDING)


class ReadingsAhead(Protocol):
    """The import's files being read meanwhile (`readahead.FolderReadAhead`): readings by the
    file's sha256, as `dump_kept` bytes."""

    def take(self) -> Mapping[str, bytes]:
        """The readings made since the last take; the reading goes on."""
        ...

    def stop(self) -> Mapping[str, bytes]:
        """The readings not taken yet; the reading ends."""
        ...


def list_sources(path: Path, *, max_bytes: int) -> tuple[list[Source], list[tuple[str, str]]]:
    """List the CV files in a folder (recursively) or a zip; return them and what was skipped."""
    if path.is_dir():
        entries = [(name, p.stat().st_size, _file_reader(p)) for name, p in folder_files(path)]
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
        if hidden(name):
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
    batch: int = 2 * CLAIM_BATCH,
    on_file: Callable[[Source], None] | None = None,
    retain_for: dt.timedelta = dt.timedelta(days=183),
    read_ahead: ReadingsAhead | None = None,
    stop: Callable[[], bool] | None = None,
) -> ImportReport:
    """Store and record each new CV as a queued document of its own application.

    A file that is no CV by its bytes (notes, photos, spreadsheets, a legacy .doc) is
    skipped with the reader's error code. Commits every `batch` files (two claim batches:
    each commit's documents go to readers or RQ jobs of CLAIM_BATCH, one per worker of a
    2-core machine), so an interruption loses at most one batch of rows (their bytes are
    stored already; the next run records them). `read_ahead`: readings of the files being
    made meanwhile (by sha256, `dump_kept` bytes), kept beside their files for the worker that
    reads them, as an upload's are; it reads on while the first batch is stored and
    committed (until then the readers have nothing to read) and is stopped at the next batch.
    `stop`: asked before each batch; once it says so, the import ends there
    (`report.stopped`), its batches committed.
    """
    report = ImportReport()
    seen: dict[str, str] = {}  # sha256 -> first file with these bytes in this run
    known: dict[str, bytes] = {}
    committed = False
    for chunk in _chunks(sources, batch):
        if stop is not None and stop():
            report.stopped = True
            break
        # The files first, with no write begun: SQLite's one writer (a reader claiming its
        # next documents) never waits for our fsyncs, only for the rows' commit below.
        fresh: dict[int, tuple[str, bytes]] = {}  # index in chunk -> (sha256, bytes)
        for n, source in enumerate(chunk):
            data = source.read()
            digest = hashlib.sha256(data).hexdigest()
            refused = type_error(data, source.name)
            if refused is not None:
                report.skipped.append((source.name, refused.code))
            elif digest in seen:
                report.duplicates.append((source.name, seen[digest]))
            else:
                seen[digest] = source.name
                fresh[n] = (digest, data)
        existing = _documents_with(session, opening, [digest for digest, _ in fresh.values()])
        new: list[tuple[str, StoredFile]] = []
        for n, source in enumerate(chunk):
            if n in fresh:
                digest, data = fresh.pop(n)
                if digest in existing:
                    report.already_imported += 1
                    report.document_ids[existing[digest]] = source.name
                else:
                    new.append((source.name, storage.put(data)))  # a failed write: no row
            if on_file:
                on_file(source)
        if read_ahead is not None:
            known.update(read_ahead.stop() if committed else read_ahead.take())
            read_ahead = None if committed else read_ahead
        for (name, stored), document in zip(
            new, _record(session, opening, new, retain_for), strict=True
        ):
            report.added += 1
            report.document_ids[document.id] = name
            if (reading := known.pop(stored.sha256, None)) is not None:
                storage.keep_reading(stored.key, reading)
        session.commit()
        committed = True
    if read_ahead is not None:
        read_ahead.stop()
    return report


# A batch's files are held in memory until stored: no more than this many bytes of them.
BATCH_BYTES = 64 * 1024 * 1024


def _chunks(sources: Iterable[Source], size: int) -> Iterator[list[Source]]:
    """Cut `sources` into batches of `size` files at most, and of BATCH_BYTES."""
    chunk: list[Source] = []
    held = 0
    for source in sources:
        if chunk and (len(chunk) >= size or held + source.size > BATCH_BYTES):
            yield chunk
            chunk, held = [], 0
        chunk.append(source)
        held += source.size
    if chunk:
        yield chunk


def _documents_with(session: Session, opening: Opening, digests: list[str]) -> dict[str, int]:
    """Return {sha256: first document id} of the files with these digests on the opening."""
    if not digests:
        return {}
    rows = session.execute(
        select(Document.sha256, func.min(Document.id))
        .join(Application, Document.application_id == Application.id)
        .where(Application.opening_id == opening.id, Document.sha256.in_(digests))
        .group_by(Document.sha256)
    )
    return {digest: doc_id for digest, doc_id in rows}


def _record(
    session: Session,
    opening: Opening,
    files: Sequence[tuple[str, StoredFile]],
    retain_for: dt.timedelta,
) -> list[Document]:
    """Record each stored file as a queued document of a new candidate's application.

    A batch's rows go in together: a flush for its candidates, one for their applications,
    one for the documents (ids are known after each).
    """
    if not files:
        return []
    now = utcnow()
    # Name, e-mail and phone are unknown until the CV is read (services.documents fills them
    # in then); a file name is not a name ("CV_final_2024.pdf").
    candidates = [
        Candidate(
            name=None,
            email=None,
            phone=None,
            consent_at=now,
            consent_version=IMPORT_CONSENT,
            retain_until=now + retain_for,
        )
        for _ in files
    ]
    applications = open_applications(session, opening, candidates)
    documents = [
        new_document(stored.key, stored.sha256, stored.size, name, application)
        for (name, stored), application in zip(files, applications, strict=True)
    ]
    session.add_all(documents)
    session.flush()
    return documents


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
