"""Search (issue 15.3): diacritics, case, e-mail and phone on the shortlist, the talent pool
and /api/v1/search, on the suite's database (SQLite, or PostgreSQL with
RECRUIT_TEST_DATABASE_URL); blind review and membership hold on every one of them."""

from __future__ import annotations

from recruit import services
from recruit.db import upgrade
from recruit.db.models import Opening
from recruit.services import review
from tests.web import factories as f

SKILLS = {"negotiation": "negociere", "crm": "CRM"}


def applicant(session, o: Opening, name: str, email: str | None, phone: str | None, **kw):
    """A read, scored application of a new candidate with these contacts (as typed)."""
    skills = kw.pop("skills", SKILLS)
    return f.read_application(session, o, name, skills, email=email, phone=phone, **kw)


def people(session):
    recruiter = f.staff(session, "recruiter")
    o = f.opening(session, recruiter)
    stef = applicant(session, o, "Ioana Ștefănescu", "ioana.stef@example.ro", "0722 123 456")
    mada = applicant(session, o, "Mădălina Pop", "mada@example.com", "+40733000111")
    other = applicant(session, o, "Bogdan Ionescu", "bogdan@example.com", None)
    session.commit()
    return recruiter, o, stef, mada, other


def found(session, o, q, **kw) -> set[int]:
    rows = review.shortlist(session, o, review.ShortlistFilter(q=q, **kw)).rows
    return {a.id for a in rows}


def test_shortlist_finds_names_without_diacritics_or_case_e_mail_and_phone(session, web):
    _, o, stef, mada, other = people(session)
    for q in ("Ștefănescu", "ștefănescu", "Stefanescu", "STEFANESCU", "Ştefănescu"):
        assert found(session, o, q) == {stef.id}, q
    assert found(session, o, "madalina") == {mada.id}
    assert found(session, o, "ioana.stef@example.ro") == {stef.id}
    for q in ("0722 123 456", "+40722123456", "0722123456", "+40 722 123 456", "0722-123"):
        assert found(session, o, q) == {stef.id}, q
    assert found(session, o, "0733 000 111") == {mada.id}
    # Employers and skills are searched too, and every word must match.
    assert found(session, o, "orange romania") == {stef.id, mada.id, other.id}
    assert found(session, o, "crm stefanescu") == {stef.id}
    assert found(session, o, "stefanescu dedeman") == set()
    # LIKE's wildcards are plain characters in a search.
    assert found(session, o, "%") == set() and found(session, o, "_") == set()


def test_the_search_text_follows_contact_changes(session, web):
    recruiter, o, stef, *_ = people(session)
    assert found(session, o, "stefanescu") == {stef.id}
    review.update_contact(
        session, stef, recruiter, name="Ioana Țăranu", email="it@example.ro", phone="0744 555 666"
    )
    session.commit()
    assert found(session, o, "taranu") == {stef.id}
    assert found(session, o, "stefanescu") == set()
    assert found(session, o, "0744555666") == {stef.id} == found(session, o, "it@example")
    assert stef.candidate.phone_key == "+40744555666"
    # A candidate applying through the form (phone as typed) is findable at once.
    sub = services.submit_application(
        session,
        web.extensions["recruit.storage"],
        o,
        name="Ștefan Mureșan",
        email="Stefan@Example.com",
        phone="0755 000 222",
        filename="cv.pdf",
        data=b"%PDF-1.4 not read",
        consent_version="v1",
    )
    session.commit()
    assert sub.application.search_identity
    assert sub.application.candidate.phone_key == "+40755000222"
    assert "muresan" in sub.application.search_identity


def test_blind_review_search_finds_no_one_by_who_they_are(session, web):
    _, o, stef, *_ = people(session)
    o.blind_review = True
    session.commit()
    hidden = {"match_names": False, "revealed": frozenset({"shortlisted"})}
    for q in ("stefanescu", "ioana.stef@example.ro", "0722 123 456"):
        assert found(session, o, q, **hidden) == set(), q
    assert stef.id in found(session, o, "crm", **hidden)
    # Once shortlisted the name is shown, so it may be searched.
    stef.status = "shortlisted"
    session.commit()
    assert found(session, o, "stefanescu", **hidden) == {stef.id}


def test_blind_review_on_the_page(wclient, session):
    recruiter, o, stef, *_ = people(session)
    o.blind_review = True
    session.commit()
    f.sign_in(wclient, recruiter)
    body = wclient.get(f"/recruiter/openings/{o.id}?q=0722123456").get_data(as_text=True)
    assert "No candidates match" in body
    body = wclient.get("/recruiter/talent-pool?q=stefanescu").get_data(as_text=True)
    assert "Nobody matches this search." in body and "Ioana" not in body
    body = wclient.get("/recruiter/talent-pool?q=crm").get_data(as_text=True)
    assert f"Candidate #{stef.id}" in body and "ioana.stef@example.ro" not in body


def test_talent_pool_links_a_person_across_openings_by_e_mail_or_phone(wclient, session):
    recruiter, o, stef, mada, other = people(session)
    second = f.opening(session, recruiter, title="Agent vânzări")
    again = applicant(session, second, "Ioana Stefanescu", "ioana.stef@example.ro", None)
    by_phone = applicant(session, second, "I. Stefanescu", "other@example.org", "+40722123456")
    session.commit()
    f.sign_in(wclient, recruiter)
    body = wclient.get("/recruiter/talent-pool", query_string={"q": "ștefănescu"}).get_data(
        as_text=True
    )
    assert body.count('class="card person"') == 1
    for application in (stef, again, by_phone):
        assert f"/recruiter/applications/{application.id}" in body
    assert "Agent vânzări" in body and "3 applications" in body
    # Found by something else, the person still comes with all their applications.
    body = wclient.get("/recruiter/talent-pool", query_string={"q": "0722 123 456"}).get_data(
        as_text=True
    )
    assert body.count('class="card person"') == 1 and f"/applications/{again.id}" in body
    body = wclient.get("/recruiter/talent-pool", query_string={"q": "orange"}).get_data(
        as_text=True
    )
    assert body.count('class="card person"') == 3  # Ștefănescu, Pop, Ionescu


def test_talent_pool_keeps_to_the_openings_the_user_works_on(wclient, session):
    recruiter, o, stef, *_ = people(session)
    outsider = f.staff(session, "recruiter")
    theirs = f.opening(session, outsider, title="Consilier clienți")
    mine = applicant(session, theirs, "Ioana Ștefănescu", "ioana.stef@example.ro", None)
    manager = f.staff(session, "hiring_manager")
    admin = f.staff(session, "admin")
    session.commit()
    f.sign_in(wclient, outsider)
    body = wclient.get("/recruiter/talent-pool?q=stefanescu").get_data(as_text=True)
    assert f"/applications/{mine.id}" in body and f"/applications/{stef.id}" not in body
    wclient.post("/auth/sign-out")
    f.sign_in(wclient, admin)
    body = wclient.get("/recruiter/talent-pool?q=stefanescu").get_data(as_text=True)
    assert f"/applications/{mine.id}" in body and f"/applications/{stef.id}" in body
    assert body.count('class="card person"') == 1  # one e-mail: one person
    wclient.post("/auth/sign-out")
    f.sign_in(wclient, manager)
    assert wclient.get("/recruiter/talent-pool?q=stefanescu").status_code == 403
    assert "Talent pool" not in wclient.get("/recruiter/").get_data(as_text=True)


def test_talent_pool_is_in_the_nav_and_in_romanian(wclient, session):
    recruiter, *_ = people(session)
    f.sign_in(wclient, recruiter)
    body = wclient.get("/recruiter/").get_data(as_text=True)
    assert 'href="/recruiter/talent-pool"' in body
    wclient.post("/language", data={"lang": "ro", "next": "/recruiter/talent-pool"})
    body = wclient.get("/recruiter/talent-pool?q=orange").get_data(as_text=True)
    assert "Bază de candidați" in body and "Talent pool" not in body


def test_api_search(wclient, session):
    recruiter, o, stef, mada, _ = people(session)
    o2 = f.opening(session, recruiter, title="Agent vânzări", blind=True)
    hidden = applicant(session, o2, "Ioana Ștefănescu", "ioana.stef@example.ro", None)
    session.commit()
    f.sign_in(wclient, recruiter)
    data = wclient.get("/api/v1/search?q=Ștefănescu").get_json()
    assert len(data["people"]) == 1 and data["more"] is False
    person = data["people"][0]
    assert person["name"] == "Ioana Ștefănescu" and person["phone"] == "0722 123 456"
    # The same e-mail under blind review is not linked: that would tell who the row is.
    assert [a["id"] for a in person["applications"]] == [stef.id]
    data = wclient.get("/api/v1/search?q=crm negociere").get_json()
    names = {p["name"] for p in data["people"]}
    assert f"Candidate #{hidden.id}" in names and "Mădălina Pop" in names
    assert wclient.get("/api/v1/search").status_code == 400
    assert wclient.get("/api/v1/search?q=").status_code == 400
    spec = wclient.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/search" in spec["paths"]


def test_migration_fills_the_search_columns(tmp_path):
    from sqlalchemy import create_engine, text

    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0013")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO openings (id, title, role_id, status, description, "
                          "location, current_version, blind_review, created_at, employment_type)"
                          " VALUES (1, 'X', 'account-manager', 'open', '', '', 1, false, "
                          "'2026-01-01', 'full_time')"))  # fmt: skip
        conn.execute(text("INSERT INTO candidates (id, name, email, phone, consent_version, "
                          "created_at) VALUES (1, 'Mădălina Ștefănescu', 'ms@example.ro', "
                          "'0722 123 456', '', '2026-01-01')"))  # fmt: skip
        conn.execute(text("INSERT INTO applications (id, candidate_id, opening_id, status, "
                          "status_token, created_at, updated_at, search_text) VALUES "
                          "(1, 1, 1, 'new', 't', '2026-01-01', '2026-01-01', 'old')"))  # fmt: skip
    upgrade(url)
    with engine.connect() as conn:
        identity, text_ = conn.execute(
            text("SELECT search_identity, search_text FROM applications")
        ).one()
        key = conn.execute(text("SELECT phone_key FROM candidates")).scalar()
    engine.dispose()
    assert "madalina stefanescu" in identity and "0722123456" in identity
    assert text_ == "old" and key == "+40722123456"  # no scored document: text unchanged
