"""Builders for the web tests: staff, openings with members, and read CVs without PDFs."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from recruit import services
from recruit.db.models import Application, Candidate, Document, Opening, OpeningMember, User

PASSWORD = "correct horse battery"


def staff(session: Session, role: str, email: str | None = None, name: str = "") -> User:
    """Create a staff user with the test password."""
    email = email or f"{role}-{secrets.token_hex(3)}@example.com"
    return services.create_user(session, email, PASSWORD, role, name=name or role.title())


def opening(
    session: Session,
    *members: User,
    role_id: str = "account-manager",
    title: str = "Account Manager",
    blind: bool = False,
) -> Opening:
    """Create an open opening with the built-in role profile and these members."""
    o = services.create_opening(
        session, title, role_id, description="Vânzări B2B.", location="București"
    )
    o.blind_review = blind
    for user in members:
        session.add(OpeningMember(opening_id=o.id, user_id=user.id))
    session.flush()
    return o


def cv_text(name: str, skills: list[str], typo: bool = False) -> str:
    """Return a short CV text naming the skills (labels as written in the CV)."""
    lines = [name, "Account Manager la Orange România", "Experiență"]
    lines += [f"- {s}" for s in skills]
    lines.append(
        "Limbi străine: engleză C1" if not typo else "Limbi străine: engleză C1, negocieri"
    )
    if typo:
        lines.append("Abilitati de negocire si vanzare")
    lines.append("Permis de conducere categoria B")
    return "\n".join(lines)


def profile_for(
    text: str,
    name: str,
    skills: dict[str, str],
    *,
    sales_months: int = 36,
    english: str | None = "C1",
    licence: bool = True,
    typo: bool = False,
    education: str = "bachelor",
) -> dict[str, Any]:
    """Return a profile JSON whose evidence offsets point into `text`."""

    def ev(fragment: str) -> list[dict[str, Any]]:
        start = text.index(fragment)
        return [{"page": 1, "start": start, "end": start + len(fragment), "text": fragment}]

    profile: dict[str, Any] = {
        "language": "ro",
        "name": name,
        "name_evidence": ev(name),
        "emails": [],
        "phones": [],
        "links": [],
        "skills": [
            {"id": sid, "label": label, "count": 1, "evidence": ev(label)}
            for sid, label in skills.items()
        ],
        "experience": {
            "total_months": sales_months + 12,
            "sales_months": sales_months,
            "positions": [
                {
                    "title": "Account Manager",
                    "employer": "Orange România",
                    "start": "2021-01",
                    "end": "2024-01",
                    "current": False,
                    "sales": True,
                    "evidence": ev("Account Manager la Orange România"),
                }
            ],
        },
        "education": {"highest": education, "incomplete": False, "entries": []},
        "languages": [{"code": "en", "level": english, "evidence": ev("engleză C1")}]
        if english
        else [],
        "driving_licence": ["B"] if licence else [],
        "licence_evidence": ev("Permis de conducere categoria B") if licence else [],
        "own_car": False,
        "own_car_evidence": [],
        "typos": [],
        "missing_diacritics": 0,
        "words": 120,
    }
    if typo:
        start = text.index("negocire")
        profile["typos"] = [
            {
                "term": "negociere",
                "found": "negocire",
                "suggestion": "negociere",
                "page": 1,
                "start": start,
                "end": start + len("negocire"),
            }
        ]
    return profile


# read_application's e-mail unless one is given: a new address from the first name.
GENERATED = "generated"


def read_application(
    session: Session,
    o: Opening,
    name: str,
    skills: dict[str, str],
    *,
    email: str | None = GENERATED,
    phone: str | None = "+40722123456",
    **kw: Any,
) -> Application:
    """Create a candidate whose CV was read (no PDF): a document with a profile, scored."""
    if email == GENERATED:
        email = f"{name.split()[0].lower()}-{secrets.token_hex(2)}@example.com"
    candidate = Candidate(name=name, email=email, phone=phone)
    session.add(candidate)
    session.flush()
    application = Application(
        candidate_id=candidate.id, opening_id=o.id, status_token=secrets.token_urlsafe(32)
    )
    session.add(application)
    session.flush()
    add_read_document(session, application, skills, **kw)
    return application


def add_read_document(
    session: Session, application: Application, skills: dict[str, str] | None = None, **kw: Any
) -> Document:
    """Add a read and scored CV version to an application (no PDF)."""
    name = application.candidate.name
    skills = skills or {"crm": "CRM"}
    text = cv_text(name, list(skills.values()), typo=kw.get("typo", False))
    document = Document(
        application_id=application.id,
        original_filename="cv.pdf",
        size=10,
        sha256="0" * 64,
        storage_key="00/00/none",
        status="ok",
        text=text,
        profile=profile_for(text, name, skills, **kw),
        language="ro",
        pages=1,
    )
    session.add(document)
    session.flush()
    session.refresh(application)
    services.score_document(session, document, application.opening)
    session.flush()
    return document


def sign_in(client: Any, user: User) -> None:
    """Sign `user` in through the real form (CSRF is off in tests)."""
    response = client.post("/auth/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
