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


def _ten_sources(tmp_path: Path) -> list[ingest.Source]:
    """Ten small files that each pass as a PDF by their bytes, listed for import."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(10):
        (folder / f"{i}.pdf").write_bytes(f"%PDF- {i}".encode())
    return ingest.list_sources(folder, max_bytes=MB)[0]


def test_an_interrupted_import_resumes_where_it_stopped(
    tmp_path, app, session, storage, opening
) -> None:
    sources = _ten_sources(tmp_path)
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


def test_an_import_asked_to_stop_ends_after_its_batch_and_resumes(
    tmp_path, session, storage, opening
) -> None:
    # Ctrl-C while storing (`recruit import`): the batch being stored is committed, then stop.
    sources = _ten_sources(tmp_path)
    stored = []
    report = ingest.import_files(
        session,
        storage,
        opening,
        sources,
        batch=3,
        on_file=stored.append,
        stop=lambda: len(stored) >= 4,  # asked during the second batch
    )
    assert report.stopped and report.added == 6 == len(report.document_ids)
    assert session.scalar(select(func.count()).select_from(Document)) == 6
    again = ingest.import_files(session, storage, opening, sources, batch=3)
    assert not again.stopped and (again.added, again.already_imported) == (4, 6)


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


def _same_people(tmp_path: Path, session, storage, opening) -> dict[str, int]:
    """Import four CVs (two of one address in two spellings), one address having applied
    through the form before; return {candidate's e-mail or name: document id}."""
    from recruit.tasks import tiny_pdf

    folder = tmp_path / "people"
    folder.mkdir()
    people = [
        ("Ana Pop", "ana@example.ro"),
        ("Ana Pop", "ANA@Example.ro"),
        ("Dan Ion", "dan@ex.ro"),
    ]
    people.append(("Ion Dan", "early@example.ro"))
    for n, (name, email) in enumerate(people):
        lines = [name, f"E-mail: {email}", "Manager de cont", f"Dosar {n}"]
        (folder / f"{n}.pdf").write_bytes(tiny_pdf(lines))
    services.submit_application(
        session,
        storage,
        opening,
        name="Ion Dan",
        email="early@example.ro",
        phone="",
        filename="cv.pdf",
        data=tiny_pdf(["Ion Dan", "formular"]),
        consent_version="x",
    )
    sources, _ = ingest.list_sources(folder, max_bytes=MB)
    report = ingest.import_files(session, storage, opening, sources)
    session.commit()
    return {name: doc_id for doc_id, name in report.document_ids.items()}


def _keys(session) -> dict[str, tuple[str | None, int | None, int]]:
    """Return {the application's file name: (its e-mail key, duplicate of, its id)}."""
    session.expire_all()
    return {
        a.documents[0].original_filename: (a.email_key, a.duplicate_of_id, a.id)
        for a in session.scalars(select(Application))
    }


def test_a_batch_keys_its_applications_by_e_mail_as_one_at_a_time_does(
    tmp_path, session, storage, opening
) -> None:
    from recruit.services.documents import claim_documents

    documents = _same_people(tmp_path, session, storage, opening)
    claimed = claim_documents(session, 8, among=documents.values())
    assert len(claimed) == 4
    services.process_documents(session, storage, claimed)
    keys = _keys(session)
    assert keys["cv.pdf"][:2] == ("early@example.ro", None)  # applied through the form
    assert keys["3.pdf"][:2] == ("early@example.ro", keys["cv.pdf"][2])
    assert keys["2.pdf"][:2] == ("dan@ex.ro", None)
    assert keys["0.pdf"][:2] == ("ana@example.ro", None)  # the first of the batch with it
    assert keys["1.pdf"][:2] == ("ana@example.ro", keys["0.pdf"][2])


def test_a_batch_the_unique_index_refuses_is_keyed_one_by_one(
    tmp_path, session, storage, opening, monkeypatch
) -> None:
    from recruit.services import documents as service
    from recruit.services.documents import claim_documents

    documents = _same_people(tmp_path, session, storage, opening)
    claimed = claim_documents(session, 8, among=documents.values())
    together = service._key_together

    def refused(own_session, applications) -> None:
        # As when another reader keyed an address between our look and our write: the
        # index of firsts refuses the flush (here: Dan as a second first with Ana's key).
        together(own_session, applications)
        dan = next(a for a in applications if a.candidate.email == "dan@ex.ro")
        dan.email_key, dan.duplicate_of_id = "ana@example.ro", None

    monkeypatch.setattr(service, "_key_together", refused)
    services.process_documents(session, storage, claimed)
    keys = _keys(session)
    assert keys["2.pdf"][:2] == ("dan@ex.ro", None)
    assert keys["0.pdf"][:2] == ("ana@example.ro", None)
    assert keys["1.pdf"][:2] == ("ana@example.ro", keys["0.pdf"][2])
    assert keys["3.pdf"][:2] == ("early@example.ro", keys["cv.pdf"][2])


def test_readings_made_ahead_are_kept_beside_their_files_for_the_reader(
    tmp_path, session, storage, opening
) -> None:
    from recruit.core.reading.result import dump_kept

    folder, reads = _tiny_cvs(tmp_path, 2)

    class Ahead:  # had read the first file only, and reads no more
        def take(self) -> dict[str, bytes]:
            return {reads[0].sha256: dump_kept(reads[0])}

        def stop(self) -> dict[str, bytes]:
            return {}

    sources, _ = ingest.list_sources(folder, max_bytes=MB)
    report = ingest.import_files(session, storage, opening, sources, read_ahead=Ahead())
    key = {name: session.get(Document, i).storage_key for i, name in report.document_ids.items()}
    assert storage.take_reading(key["0.pdf"]) == dump_kept(reads[0])
    assert storage.take_reading(key["1.pdf"]) is None  # not read ahead: its reader reads it


def test_a_read_ahead_reads_on_until_the_first_batch_is_committed(
    tmp_path, session, storage, opening
) -> None:
    from recruit.core.reading.result import dump_kept

    folder, reads = _tiny_cvs(tmp_path, 5)
    kept = {n: dump_kept(reads[n]) for n in (0, 3, 4)}
    calls: list[tuple[str, int]] = []

    class Ahead:  # read 0 and 3 before the first batch's commit; 4 only by its stop
        def take(self) -> dict[str, bytes]:
            calls.append(("take", _documents(session)))
            return {reads[n].sha256: kept[n] for n in (0, 3)}

        def stop(self) -> dict[str, bytes]:
            calls.append(("stop", _documents(session)))
            return {reads[4].sha256: kept[4]}

    sources, _ = ingest.list_sources(folder, max_bytes=MB)
    report = ingest.import_files(session, storage, opening, sources, batch=2, read_ahead=Ahead())
    # Taken before the first commit, stopped once the readers have the first batch.
    assert calls == [("take", 0), ("stop", 2)]
    key = {name: session.get(Document, i).storage_key for i, name in report.document_ids.items()}
    for n in range(5):
        assert storage.take_reading(key[f"{n}.pdf"]) == kept.get(n)


def _tiny_cvs(tmp_path: Path, n: int) -> tuple[Path, list]:
    """Return a folder of `n` one-page CVs (0.pdf ...) and what the reader reads of each."""
    from recruit.core.reading import Limits, read_path
    from recruit.tasks import tiny_pdf

    folder = tmp_path / "ahead"
    folder.mkdir()
    for i in range(n):
        (folder / f"{i}.pdf").write_bytes(tiny_pdf([f"Ana Pop {i}", "Manager de cont"]))
    return folder, [read_path(str(folder / f"{i}.pdf"), Limits(isolate=False)) for i in range(n)]


def _documents(session) -> int:
    return session.scalar(select(func.count()).select_from(Document))


def test_a_batch_holds_a_bounded_number_of_bytes(monkeypatch) -> None:
    monkeypatch.setattr(ingest, "BATCH_BYTES", 100)
    sources = [ingest.Source(str(n), size, bytes) for n, size in enumerate([60, 30, 20, 200, 5])]
    chunks = [[s.name for s in c] for c in ingest._chunks(sources, 3)]
    assert chunks == [["0", "1"], ["2"], ["3"], ["4"]]
    assert [[s.name for s in c] for c in ingest._chunks(sources[:3], 2)] == [["0", "1"], ["2"]]
