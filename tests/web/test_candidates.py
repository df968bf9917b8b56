"""The candidate's journey: apply with a CV, then follow the private status page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from recruit.db.models import Application, Document
from tests.cvgen import small_pdf
from tests.web import factories as f

PDF = small_pdf()


def docx_bytes() -> bytes:
    from tests.cvgen import render_docx, sample_cvs

    return render_docx(sample_cvs()["ro_plain"])


def form(**change):
    data = {
        "name": "Ana Popescu",
        "email": "ana@example.com",
        "phone": "+40 722 123 456",
        "consent": "y",
        "cv": (io.BytesIO(PDF), "cv.pdf"),
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def test_apply_stores_the_cv_and_shows_the_private_link(wclient, session):
    o = f.opening(session)
    session.commit()
    page = wclient.get(f"/openings/{o.id}/apply")
    assert page.status_code == 200 and "Ana" not in page.get_data(as_text=True)
    response = wclient.post(
        f"/openings/{o.id}/apply", data=form(), content_type="multipart/form-data"
    )
    assert response.status_code == 302
    token = session.scalar(select(Application.status_token))
    assert response.headers["Location"].startswith(f"/status/{token}")
    status = wclient.get(response.headers["Location"])
    body = status.get_data(as_text=True)
    assert "Thank you" in body and f"/status/{token}" in body and "Received" in body


def test_the_status_link_keeps_every_cv_version(wclient, session):
    o = f.opening(session)
    session.commit()
    r = wclient.post(f"/openings/{o.id}/apply", data=form(), content_type="multipart/form-data")
    status = r.headers["Location"].split("?")[0]
    again = wclient.post(
        f"{status}/cv",
        data={"cv": (io.BytesIO(docx_bytes()), "cv.docx")},
        content_type="multipart/form-data",
    )
    assert again.status_code == 302 and again.headers["Location"] == status
    assert session.scalar(select(func.count()).select_from(Application)) == 1
    assert session.scalar(select(func.count()).select_from(Document)) == 2
    assert "2 CV versions received" in wclient.get(status).get_data(as_text=True)


def test_bad_input_is_rejected_next_to_the_field_and_kept(wclient, session):
    o = f.opening(session)
    session.commit()
    r = wclient.post(
        f"/openings/{o.id}/apply",
        data=form(email="not-an-email", consent=None, cv=(io.BytesIO(b"MZ\x90\x00 exe"), "cv.pdf")),
        content_type="multipart/form-data",
    )
    body = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "does not look like an e-mail" in body
    assert "not a PDF, a Word" in body  # judged by the bytes, whatever the name says
    assert "only consider your application with your consent" in body
    assert 'value="Ana Popescu"' in body and 'value="not-an-email"' in body
    assert 'aria-invalid="true"' in body
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_missing_file_and_name(wclient, session):
    o = f.opening(session)
    session.commit()
    r = wclient.post(
        f"/openings/{o.id}/apply", data=form(name="", cv=None), content_type="multipart/form-data"
    )
    body = r.get_data(as_text=True)
    assert "Please enter your name." in body and "Please choose your CV file." in body


def test_a_zip_that_is_not_a_word_file_is_refused(wclient, session):
    o = f.opening(session)
    session.commit()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    r = wclient.post(
        f"/openings/{o.id}/apply",
        data=form(cv=(io.BytesIO(buffer.getvalue()), "cv.docx")),
        content_type="multipart/form-data",
    )
    assert "not a PDF, a Word" in r.get_data(as_text=True)


def test_closed_or_unknown_openings_take_no_applications(wclient, session):
    o = f.opening(session)
    o.status = "closed"
    session.commit()
    closed = wclient.get(f"/openings/{o.id}/apply")
    assert closed.status_code == 410 and "This opening is closed" in closed.text
    assert wclient.get("/openings/999/apply").status_code == 404


def test_status_page_says_what_the_reader_found(wclient, session):
    o = f.opening(session)
    a = f.read_application(session, o, "Ana Popescu", {"negotiation": "negociere"})
    session.commit()
    assert "Under review" in wclient.get(f"/status/{a.status_token}").get_data(as_text=True)
    doc = a.documents[-1]
    doc.status, doc.error_code = "needs_review", "no_text_layer"
    doc.error_message = "This PDF is a scan without text: please upload the original file."
    session.commit()
    body = wclient.get(f"/status/{a.status_token}").get_data(as_text=True)
    assert "Needs your attention" in body and "scan without text" in body
    assert "Upload another file" in body
    assert wclient.get("/status/not-a-token").status_code == 404


def test_csrf_is_required_on_apply(client, session):
    o = f.opening(session)
    session.commit()
    r = client.post(f"/openings/{o.id}/apply", data=form(), content_type="multipart/form-data")
    assert r.status_code == 400
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_language_switch_and_browser_language(wclient, session):
    o = f.opening(session)
    session.commit()
    ro = wclient.get(f"/openings/{o.id}/apply", headers={"Accept-Language": "ro-RO,ro;q=0.9"})
    assert 'lang="ro"' in ro.get_data(as_text=True)
    assert "Trimite candidatura" in ro.get_data(as_text=True)  # compiled from the .po at start
    wclient.post("/language", data={"lang": "en", "next": f"/openings/{o.id}/apply"})
    en = wclient.get(f"/openings/{o.id}/apply", headers={"Accept-Language": "ro"})
    assert 'lang="en"' in en.get_data(as_text=True) and "Send my application" in en.get_data(
        as_text=True
    )


def test_romanian_messages_next_to_the_fields(wclient, session):
    o = f.opening(session)
    session.commit()
    r = wclient.post(
        f"/openings/{o.id}/apply",
        data=form(name="", cv=None),
        content_type="multipart/form-data",
        headers={"Accept-Language": "ro"},
    )
    body = r.get_data(as_text=True)
    assert "Vă rugăm să vă scrieți numele." in body and "alegeți fișierul cu CV-ul" in body


def test_every_marked_string_has_a_romanian_translation():
    from babel.messages.extract import extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    with (root / "translations" / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None}
    marked = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(str(root), method_map, options_map, keywords)
    }
    with (root / "translations" / "ro" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="ro")
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    assert sorted(marked - translated) == []
