"""The candidate's form never loses what was typed: too large, too many, a file we cannot read."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from recruit.db.models import Application, Document, OutboxMessage
from recruit.settings import Settings, parse_rate
from tests import cvgen
from tests.web import factories as f

TYPED = {
    "name": "Ana-Maria Ștefănescu",
    "email": "ana.stefanescu@example.ro",
    "phone": "0722 123 456",
}
RO = {"Accept-Language": "ro-RO,ro;q=0.9"}


def _form(data: bytes, name: str = "cv.pdf") -> dict:
    return {**TYPED, "consent": "y", "cv": FileStorage(io.BytesIO(data), name)}


def _post(client, opening_id: int, data: bytes, **kw):
    return client.post(
        f"/openings/{opening_id}/apply",
        data=_form(data),
        content_type="multipart/form-data",
        **kw,
    )


def _kept(html: str) -> bool:
    return all(f'value="{value}"' in html for value in TYPED.values())


def test_a_file_over_the_limit_gives_the_form_back_in_the_candidates_language(web, session):
    o = f.opening(session)
    session.commit()
    web.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    # Encoded here, in memory: the test client would spool a large upload to a temporary file.
    big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    boundary, body = encode_multipart(MultiDict(_form(big)))
    response = web.test_client().post(
        f"/openings/{o.id}/apply",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        content_length=len(body),
        headers=RO,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert _kept(html) and 'name="cv"' in html  # the same form, what was typed still there
    assert "Fișierul a fost prea mare" in html and "mai mult de 1 MB" in html
    assert session.scalar(select(func.count()).select_from(Document)) == 0


def test_too_many_applications_give_the_form_back_with_when_to_retry(web, session):
    o = f.opening(session)
    session.commit()
    web.config["RECRUIT_RATE_LIMITS"]["apply_address"] = (1, 3600)
    client = web.test_client()
    assert _post(client, o.id, cvgen.small_pdf()).status_code == 302
    again = _post(client, o.id, cvgen.small_pdf() + b"% again", headers=RO)
    html = again.get_data(as_text=True)
    assert again.status_code == 429 and again.headers["Retry-After"] == "3600"
    assert _kept(html) and "prea multe aplicații" in html


def test_the_apply_limit_is_configurable(database_url, tmp_path):
    from recruit import create_app

    env = {"RECRUIT_DATABASE_URL": database_url, "RECRUIT_APPLY_LIMIT": "200/day"}
    app = create_app({"INSTANCE_PATH": tmp_path, "ENV": env})
    assert app.config["RECRUIT_RATE_LIMITS"]["apply_address"] == (200, 86400)
    app.extensions["recruit.engine"].dispose()
    assert Settings.from_env(tmp_path, {}).apply_limit == (10, 3600)
    assert parse_rate("30") == (30, 3600) and parse_rate("5/minute") == (5, 60)
    with pytest.raises(ValueError, match="N/hour"):
        parse_rate("lots")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (cvgen.encrypted_pdf(), "protected by a password"),
        (cvgen.truncated_pdf(), "damaged or incomplete"),
    ],
    ids=["encrypted", "corrupt"],
)
def test_a_file_we_cannot_read_is_said_at_once_and_another_joins_it(wclient, session, data, reason):
    o = f.opening(session)
    session.commit()
    first = _post(wclient, o.id, data)
    html = first.get_data(as_text=True)
    assert first.status_code == 422 and "Thank you" not in html
    assert reason in html and _kept(html) and "We could not read this file" in html
    (kept,) = session.scalars(select(Document)).all()  # the original is kept, not queued
    assert kept.status == "error" and kept.error_code and kept.finished_at is not None
    assert session.scalars(select(OutboxMessage.kind)).all() == []  # not received yet
    second = _post(wclient, o.id, cvgen.small_pdf())
    assert second.status_code == 302 and "new=1" in second.location
    session.expire_all()
    (application,) = session.scalars(select(Application)).all()  # one application, two files
    assert [d.status for d in application.documents] == [kept.status, "queued"]
    assert session.scalars(select(OutboxMessage.kind)).all() == ["received"]
    assert wclient.get(second.location).get_data(as_text=True).count("Thank you") == 1


def test_a_file_that_takes_long_to_read_goes_to_the_queue(wclient, session):
    o = f.opening(session)
    session.commit()
    response = _post(wclient, o.id, cvgen.slow_pdf())  # minutes of work for the reader
    assert response.status_code == 302 and "new=1" in response.location
    (document,) = session.scalars(select(Document)).all()
    assert document.status == "queued"  # the worker reads it, with its own, longer deadline


def test_a_good_file_is_thanked_for_and_queued(wclient, session):
    o = f.opening(session)
    session.commit()
    response = _post(wclient, o.id, cvgen.small_pdf())
    assert response.status_code == 302
    (document,) = session.scalars(select(Document)).all()
    assert document.status == "queued" and document.error_code is None


def test_the_form_checks_size_and_type_in_the_browser_with_a_static_script(wclient, session):
    o = f.opening(session)
    session.commit()
    html = wclient.get(f"/openings/{o.id}/apply").get_data(as_text=True)
    assert 'data-max-bytes="10485760"' in html and "/static/apply.js" in html
    assert 'data-wrong-type="This file is not a PDF' in html


def test_a_new_version_we_cannot_read_is_said_at_once(wclient, session):
    o = f.opening(session)
    session.commit()
    status = _post(wclient, o.id, cvgen.small_pdf()).location.split("?")[0]
    again = wclient.post(
        f"{status}/cv",
        data={"cv": (io.BytesIO(cvgen.encrypted_pdf()), "cv2.pdf")},
        content_type="multipart/form-data",
    )
    assert again.status_code == 422 and "protected by a password" in again.get_data(as_text=True)
    statuses = session.scalars(select(Document.status).order_by(Document.id)).all()
    assert statuses == ["queued", "error"]  # kept, with its reason, never queued
