"""Bulk import: folders and zips, dedup by content, resuming, the summary and the command."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from recruit import services
from recruit.db.models import Application, Document
from recruit.services import ingest
from tests.fuzz import hostile

MB = 1024 * 1024


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "cvs"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.pdf").write_bytes(b"%PDF- a")
    (folder / "sub" / "b.PDF").write_bytes(b"%PDF- b")
    (folder / "copy of a.pdf").write_bytes(b"%PDF- a")
    (folder / "c.docx").write_bytes(hostile.docx(b"<w:document " + hostile.W + b"/>"))
    (folder / "notes.txt").write_text("call Ana back")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / "huge.pdf").write_bytes(b"%PDF-" + b"x" * MB)
    return folder


@pytest.fixture
def opening(session):
    opening = services.create_opening(session, "Account Manager", "account-manager")
    session.commit()
    return opening


def test_a_folder_is_imported_once_per_content(tmp_path, session, storage, opening) -> None:
    sources, skipped = ingest.list_sources(_folder(tmp_path), max_bytes=MB)
    assert skipped == [("huge.pdf", "too_large")]
    report = ingest.import_files(session, storage, opening, sources)
    # What a file is comes from its bytes, as on the upload form: notes are no CV.
    assert report.skipped == [("notes.txt", "unsupported_type")]
    assert report.added == 3
    assert report.duplicates in ([("copy of a.pdf", "a.pdf")], [("a.pdf", "copy of a.pdf")])
    docs = session.scalars(select(Document).order_by(Document.id)).all()
    assert {d.status for d in docs} == {"queued"}
    assert all(storage.get(d.storage_key) for d in docs)
    assert session.scalar(select(func.count()).select_from(Application)) == 3
    assert len(report.document_ids) == 3


def test_a_zip_imports_like_a_folder(tmp_path, session, storage, opening) -> None:
    archive = tmp_path / "cvs.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.pdf", b"%PDF- a")
        z.writestr("x/b.pdf", b"%PDF- b")
        z.writestr("__MACOSX/._a.pdf", b"junk")
        z.writestr("readme.md", b"hello")
    sources, skipped = ingest.list_sources(archive, max_bytes=MB)
    assert [s.name for s in sources] == ["a.pdf", "x/b.pdf", "readme.md"]
    assert skipped == []
    report = ingest.import_files(session, storage, opening, sources)
    assert report.added == 2 and report.skipped == [("readme.md", "unsupported_type")]


def test_an_interrupted_import_resumes_where_it_stopped(
    tmp_path, app, session, storage, opening
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(10):
        (folder / f"{i}.pdf").write_bytes(f"%PDF- {i}".encode())
    sources, _ = ingest.list_sources(folder, max_bytes=MB)
    seen = []

    def interrupt_at_seven(source: ingest.Source) -> None:
        seen.append(source)
        if len(seen) == 7:
            raise KeyboardInterrupt

    with app.extensions["recruit.sessions"]() as first_run, pytest.raises(KeyboardInterrupt):
        ingest.import_files(
            first_run, storage, opening, sources, batch=3, on_file=interrupt_at_seven
        )
    # Two batches of three were committed; the seventh file's row was not.
    assert session.scalar(select(func.count()).select_from(Document)) == 6
    report = ingest.import_files(session, storage, opening, sources, batch=3)
    assert (report.added, report.already_imported) == (4, 6)
    assert session.scalar(select(func.count()).select_from(Document)) == 10
    assert len(report.document_ids) == 10


def test_the_summary_gives_counts_and_reasons(tmp_path, session, storage, opening) -> None:
    sources, _ = ingest.list_sources(_folder(tmp_path), max_bytes=MB)
    report = ingest.import_files(session, storage, opening, sources)
    ok, review, bad = sorted(report.document_ids)
    for doc_id, status, code in ((ok, "ok", None), (review, "needs_review", "no_text_layer")):
        doc = session.get(Document, doc_id)
        doc.status, doc.error_code, doc.error_message = status, code, code and "scanned"
    session.commit()
    summary = ingest.summarise(session, report.document_ids)
    assert summary.counts == {"ok": 1, "needs_review": 1, "queued": 1}
    assert summary.pending == 1
    assert summary.problems == [
        (report.document_ids[review], "needs_review", "no_text_layer", "scanned")
    ]


def test_the_import_command_stores_and_summarises(tmp_path, app, session, opening) -> None:
    runner = app.test_cli_runner()
    folder = _folder(tmp_path)
    result = runner.invoke(args=["import", "--opening", str(opening.id), "--no-wait", str(folder)])
    assert result.exit_code == 0, result.output
    # The app allows 10 MB, so huge.pdf is imported here.
    assert "4 added, 0 already imported, 1 duplicates, 1 skipped" in result.output
    assert "not read yet: 4" in result.output
    again = runner.invoke(args=["import", "--opening", str(opening.id), "--no-wait", str(folder)])
    assert "0 added, 4 already imported" in again.output
    missing = runner.invoke(args=["import", "--opening", "999", "--no-wait", str(folder)])
    assert missing.exit_code == 2 and "no opening 999" in missing.output
