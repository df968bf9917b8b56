"""The apply form in a real browser: checks before upload, and a file we cannot read."""

from __future__ import annotations

from tests import cvgen
from tests.browser import marks, shot
from tests.web import factories as f

pytestmark = marks


def test_the_browser_refuses_a_large_or_wrong_file_before_sending_it(
    page, server, web, session, tmp_path
):
    o = f.opening(session)
    session.commit()
    web.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    big = tmp_path / "cv.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    photo = tmp_path / "photo.pdf"
    photo.write_bytes(cvgen.gif_bytes())
    page.goto(f"{server}/openings/{o.id}/apply")
    page.get_by_label("Full name").fill("Ana Popescu")
    page.get_by_label("Your CV").set_input_files(str(big))
    page.get_by_text("This file is larger than 1 MB").wait_for()
    assert page.get_by_label("Your CV").input_value() == ""  # not sent
    page.get_by_label("Your CV").set_input_files(str(photo))
    page.get_by_text("This file is not a PDF, a Word (.docx) document or a photo").wait_for()
    page.get_by_role("button", name="Send my application").click()
    # Nothing was sent: the form stays, with the name typed.
    assert page.get_by_label("Full name").input_value() == "Ana Popescu"
    assert "/apply" in page.url


def test_a_protected_pdf_is_said_at_once_and_another_file_is_sent_from_the_same_page(
    page, server, session, tmp_path
):
    o = f.opening(session)
    session.commit()
    locked = tmp_path / "cv-locked.pdf"
    locked.write_bytes(cvgen.encrypted_pdf())
    good = tmp_path / "cv.pdf"
    good.write_bytes(cvgen.small_pdf())
    page.goto(f"{server}/openings/{o.id}/apply")
    page.get_by_label("Full name").fill("Ana Popescu")
    page.get_by_label("E-mail").fill("ana.popescu@example.ro")
    page.get_by_label("Your CV").set_input_files(str(locked))
    page.get_by_label("I agree").check()
    page.get_by_role("button", name="Send my application").click()
    page.get_by_text("We could not read this file").wait_for()
    assert page.get_by_text("protected by a password").is_visible()
    assert page.get_by_label("E-mail").input_value() == "ana.popescu@example.ro"
    shot(page, "10-apply-unreadable-file")
    page.get_by_label("Your CV").set_input_files(str(good))
    page.get_by_role("button", name="Send my application").click()
    page.get_by_text("Thank you, we have your application").wait_for()
