"""One sniffer: the upload form, the reader, the bulk import and downloads agree on what a
file is, on a corpus of odd and hostile files (issue 12, rows 11 and "file type four ways")."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from recruit import services
from recruit.core import reading
from recruit.core.media import CV_MEDIA_TYPES, DOCX, PDF, served_as, sniff_media_type
from recruit.db.models import Application, Candidate, Document
from recruit.services import ingest
from tests import cvgen
from tests.fuzz import hostile
from tests.security.conftest import sign_in_as


def _cv_pdf(key: str = "en") -> bytes:
    return cvgen.render_pdf(cvgen.sample_cvs()[key], "single")


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


def _encrypted_office() -> bytes:
    # A password-protected DOCX is an OLE file holding an "EncryptedPackage" stream.
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le")
    )


# name -> (the name it is uploaded under, its bytes, the type its bytes have)
ODD: dict[str, tuple[str, Callable[[], bytes], str | None]] = {
    # A mail gateway's line and a byte-order mark before the header: spec-legal, Acrobat opens it.
    "junk before %PDF-": (
        "cv.pdf",
        lambda: b"\xef\xbb\xbfX-Scanned-By: gateway 1.2\r\n" + _cv_pdf(),
        PDF,
    ),
    "docx named .pdf": ("cv.pdf", lambda: cvgen.render_docx(cvgen.sample_cvs()["ro"]), DOCX),
    "pdf named .docx": ("cv.docx", _cv_pdf, PDF),
    "pdf named .txt": ("cv.txt", lambda: _cv_pdf("ro"), PDF),
    # Row 11: a PDF that is also a web page, uploaded as .html.
    "pdf/html polyglot": (
        "x.html",
        lambda: _cv_pdf().replace(
            b"\n", b"\n%<html><body><script>alert(document.cookie)</script></body></html>\n", 1
        ),
        PDF,
    ),
    "html, then a pdf header": (
        "x.html",
        lambda: b"<html><!-- " + b"x" * 200 + b"\n" + _cv_pdf() + b" --></html>",
        PDF,
    ),
    "empty": ("cv.pdf", lambda: b"", None),
    "zip": ("cvs.zip", lambda: _zip({"cv.txt": b"Account manager"}), "application/zip"),
    "zip claiming to be a pdf": (
        "cv.pdf",
        lambda: _zip({"mimetype": b"application/pdf", "x": b"%PDF-1.4"}),
        "application/zip",
    ),
    "odt": ("cv.odt", cvgen.odt_bytes, "application/vnd.oasis.opendocument.text"),
    "legacy .doc": ("cv.doc", cvgen.doc_bytes, "application/msword"),
    "legacy .doc named .docx": ("cv.docx", cvgen.doc_bytes, "application/msword"),
    "encrypted office": ("cv.docx", _encrypted_office, "application/x-encrypted-office"),
    "png": ("cv.png", cvgen.png_bytes, "image/png"),
    "png mentioning %PDF-": ("cv.pdf", lambda: cvgen.png_bytes() + b"%PDF-1.4", "image/png"),
    "rtf": ("cv.rtf", lambda: rb"{\rtf1\ansi Account manager}", "application/rtf"),
    "html page": ("cv.html", lambda: b"<!DOCTYPE html><html><body>CV</body></html>", "text/html"),
    "plain text": ("cv.txt", lambda: b"Ana Popescu, account manager", "text/plain"),
}


def _corpus() -> dict[str, tuple[str, bytes]]:
    files = {name: (upload, make()) for name, (upload, make, _) in ODD.items()}
    for name, make in hostile.CORPUS.items():
        files[f"hostile {name}"] = ("cv.docx" if name.startswith("docx") else "cv.pdf", make())
    return files


@pytest.fixture(scope="module")
def corpus() -> dict[str, tuple[str, bytes]]:
    return _corpus()


def test_the_odd_files_are_what_their_bytes_say(corpus) -> None:
    for name, (_, _, media) in ODD.items():
        assert sniff_media_type(corpus[name][1]) == media, name


def _apply(client, opening_id: int, n: int, upload: str, data: bytes) -> bool:
    """Send the apply form; tell whether it took the file.

    Taken: the candidate goes to their status page (302), or the file, read at once, could not
    be read and comes back with the reader's reason while it is kept (422). Refused by its
    type: the form again, with the field's error (200).
    """
    # Encoded here, in memory: the test client spools bodies over 500 KB to a file it never
    # closes (the bombs are up to 2 MB).
    boundary, body = encode_multipart(
        {
            "name": f"Candidate {n}",
            "email": f"odd{n}@example.com",
            "consent": "y",
            "cv": FileStorage(io.BytesIO(data), upload, content_type="application/octet-stream"),
        }
    )
    response = client.post(
        f"/openings/{opening_id}/apply",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    response.close()
    assert response.status_code in (200, 302, 422), response.status_code
    return response.status_code in (302, 422)


def test_form_reader_import_and_download_agree(
    app, session, storage, corpus, tmp_path, monkeypatch
) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    app.config["RECRUIT_RATE_LIMIT_ENABLED"] = False
    opening = services.create_opening(session, "Account Manager", "account-manager")
    recruiter = services.create_user(session, "r@example.com", "correct horse battery", "recruiter")
    services.add_member(session, opening, recruiter)
    session.commit()
    expected = {n for n, (_, _, media) in ODD.items() if media in CV_MEDIA_TYPES}
    expected |= {n for n in corpus if n.startswith("hostile ")}

    # The form, as a candidate's browser sends it.
    client = app.test_client()
    form = {
        n
        for i, (n, (up, data)) in enumerate(corpus.items())
        if _apply(client, opening.id, i, up, data)
    }

    # The reader: which files it hands to a parser (the parse itself is the reader tests' job).
    parsed: list[str] = []
    monkeypatch.setattr(
        reading,
        "run_guarded",
        lambda media, data, limits: parsed.append(media) or {"error": "corrupt"},
    )
    reader = set()
    for name, (upload, data) in corpus.items():
        before = len(parsed)
        reading.read_document(data, upload)
        if len(parsed) > before:
            reader.add(name)

    # The bulk import of a folder holding every file under its upload name.
    folder = tmp_path / "folder"
    for i, (upload, data) in enumerate(corpus.values()):
        (folder / str(i)).mkdir(parents=True)
        (folder / str(i) / upload).write_bytes(data)
    names = {f"{i}/{upload}": name for i, (name, (upload, _)) in enumerate(corpus.items())}
    sources, skipped = ingest.list_sources(folder, max_bytes=20 * 1024 * 1024)
    assert skipped == []
    report = ingest.import_files(session, storage, opening, sources)
    imported = {names[f] for f in report.document_ids.values()}
    refused = {names[f] for f, _ in report.skipped}

    assert form == expected
    assert reader == expected
    assert imported == expected and refused == set(corpus) - expected

    # Downloads: named after the candidate, with the type and extension of the bytes.
    staff = app.test_client()
    sign_in_as(staff, recruiter)
    for n, name in enumerate(corpus):
        if name not in form:
            continue
        document = session.scalar(
            select(Document)
            .join(Application, Document.application_id == Application.id)
            .join(Candidate)
            .where(Candidate.email == f"odd{n}@example.com")
        )
        response = staff.get(f"/recruiter/documents/{document.id}/original")
        response.close()
        media, extension = served_as(sniff_media_type(corpus[name][1]))
        assert response.status_code == 200 and response.mimetype == media, name
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="Candidate {n}.{extension}"'
        ), name


def test_a_pdf_with_bytes_before_its_header_is_read() -> None:
    data = ODD["junk before %PDF-"][1]()
    result = reading.read_document(data, "cv.pdf")
    assert result.status == "ok" and result.media_type == PDF
    assert "John Smith" in result.text


def test_a_polyglot_uploaded_as_html_downloads_as_a_pdf(app, session, storage) -> None:
    app.config["WTF_CSRF_ENABLED"] = False
    opening = services.create_opening(session, "Account Manager", "account-manager")
    recruiter = services.create_user(session, "r@example.com", "correct horse battery", "recruiter")
    services.add_member(session, opening, recruiter)
    session.commit()
    upload, make, _ = ODD["pdf/html polyglot"]
    assert _apply(app.test_client(), opening.id, 1, upload, make())
    document = session.scalar(select(Document))
    assert document.original_filename == "x.html"  # kept for the record, never served as such
    staff = app.test_client()
    sign_in_as(staff, recruiter)
    response = staff.get(f"/recruiter/documents/{document.id}/original")
    response.close()
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="Candidate 1.pdf"'
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Ștefan Ionescu-Pop", "Ștefan Ionescu-Pop"),
        ('../../evil".html', "evil .html"),
        ("a\x00b\r\nc/d\\e:f*g?h<i>j|k", "a b c d e f g h i j k"),
        ("...", "cv"),
        ("CON", "cv"),
        ("x" * 300, "x" * 100),
    ],
)
def test_download_names_are_safe_file_names(name: str, stem: str) -> None:
    from recruit.web.security import file_stem

    assert file_stem(name) == stem
    assert not re.search(r'[\x00-\x1f/\\:*?"<>|]', file_stem(name))
