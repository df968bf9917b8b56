"""Photos and scans of CVs through the product (issue 14.7): the API and `recruit import` take
them, the worker reads them by OCR, the recruiter sees that it was OCR and how sure it was."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from recruit import services
from recruit.core.reading import ocr
from recruit.db.models import Document
from recruit.services import ingest
from tests import cvgen
from tests.web import factories as f

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ocr.available(), reason="tesseract-ocr (ron, eng) is not installed"),
]

DOC = cvgen.sample_cvs()["ro"]


def _photo() -> bytes:
    page = cvgen.page_image(cvgen.render_pdf(DOC, "single"), 200)
    return cvgen.phone_photo(page, angle=3.0, turn=90, seed=7)


def test_a_photo_sent_through_the_api_is_read_by_ocr(wclient, session, storage):
    recruiter = f.staff(session, "recruiter")
    opening = f.opening(session, recruiter)
    session.commit()
    f.sign_in(wclient, recruiter)
    sent = wclient.post(
        f"/api/v1/openings/{opening.id}/documents",
        data={
            "name": "Ana-Maria Popescu",
            "email": "ana.popescu@example.ro",
            "consent": "true",
            "file": (io.BytesIO(_photo()), "IMG_2041.jpg"),
        },
    )
    assert sent.status_code == 201, sent.get_json()
    body = sent.get_json()
    document = services.process_document(session, storage, body["document_id"])
    assert document.media_type == "image/jpeg"
    assert document.status == "ok" and document.ocr_confidence is not None
    assert document.ocr_confidence >= ocr.LOW_CONFIDENCE
    assert document.profile and document.profile["name"] == "Ana-Maria Popescu"
    assert "ana.popescu@example.ro" in document.profile["emails"]
    page = wclient.get(f"/recruiter/applications/{body['application_id']}")
    assert "read by text recognition (OCR)" in page.get_data(as_text=True)


def test_recruit_import_takes_photos_and_scans(tmp_path, session, storage):
    opening = services.create_opening(session, "Account Manager", "account-manager")
    session.commit()
    folder = tmp_path / "cvs"
    folder.mkdir()
    (folder / "photo.jpeg").write_bytes(_photo())
    (folder / "scan.pdf").write_bytes(cvgen.scanned_pdf(cvgen.render_pdf(DOC, "two_column")))
    (folder / "logo.gif").write_bytes(cvgen.gif_bytes())
    sources, skipped = ingest.list_sources(folder, max_bytes=10 * 1024 * 1024)
    report = ingest.import_files(session, storage, opening, sources)
    assert report.added == 2 and report.skipped == [("logo.gif", "unsupported_type")]
    for doc_id in list(report.document_ids):
        document = services.process_document(session, storage, doc_id)
        assert document.status == "ok", (document.error_code, document.error_message)
        assert document.ocr_confidence is not None
        assert "ana.popescu@example.ro" in (document.profile or {}).get("emails", [])
    media = set(session.scalars(select(Document.media_type)))
    assert media == {"image/jpeg", "application/pdf"}


def test_the_apply_form_does_not_wait_for_ocr(monkeypatch):
    import recruit.core.reading as reading

    calls: list[str] = []
    real = reading.read_document
    monkeypatch.setattr(
        reading,
        "read_document",
        lambda data, name="", **kw: calls.append(name) or real(data, name, **kw),
    )
    photo = _photo()
    assert services.read_at_once(photo, "IMG_2041.jpg", max_bytes=10 * 1024 * 1024) is None
    assert calls == []  # left to the worker, untried
    # Too big a photo is still refused at once, by the reader's size check.
    refused = services.read_at_once(photo, "IMG_2041.jpg", max_bytes=len(photo) - 1)
    assert refused is not None and refused.error and refused.error.code == "too_large"
    assert calls == ["IMG_2041.jpg"]
