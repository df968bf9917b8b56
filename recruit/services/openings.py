"""Openings, their requirement-profile versions, and the demo data."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from recruit.db.models import Opening, RequirementProfile, User
from recruit.services.errors import ServiceError


def create_opening(
    session: Session,
    title: str,
    role_id: str,
    *,
    description: str = "",
    location: str = "",
    status: str = "open",
    author: User | None = None,
) -> Opening:
    """Create an opening whose first requirement version is the role's built-in profile."""
    from recruit.core.scoring import load_role

    requirements = load_role(role_id)
    opening = Opening(
        title=title, role_id=role_id, description=description, location=location, status=status
    )
    session.add(opening)
    session.flush()
    session.add(
        RequirementProfile(
            opening_id=opening.id,
            version=1,
            criteria=requirements.to_dict(),
            author_id=author.id if author else None,
            note=f"built-in profile {role_id}",
        )
    )
    opening.current_version = 1
    session.flush()
    return opening


def current_profile(session: Session, opening: Opening) -> RequirementProfile:
    """Return the opening's current requirement-profile version."""
    profile = session.scalar(
        select(RequirementProfile).where(
            RequirementProfile.opening_id == opening.id,
            RequirementProfile.version == opening.current_version,
        )
    )
    if profile is None:
        raise ServiceError(f"opening {opening.id} has no requirement profile")
    return profile


DEMO_OPENINGS = (
    (
        "Account Manager",
        "account-manager",
        "București",
        "Gestionezi un portofoliu de clienți B2B, pregătești oferte comerciale, negociezi și "
        "urmărești contractele. Cerem experiență în vânzări, studii superioare, engleză și "
        "permis categoria B.",
    ),
    (
        "Manager cont bancar",
        "bank-account-manager",
        "Cluj-Napoca",
        "Îndeplinești planul de vânzări al agenției, consiliezi clienții despre credite, carduri "
        "și depozite, întocmești documentele și rapoartele și urmărești contractele.",
    ),
    (
        "Manager magazin telefonie mobilă",
        "telecom-retail-manager",
        "Iași",
        "Consiliezi clienții despre abonamente, telefoane și accesorii, faci portări, încasezi "
        "la casa de marcat, ții evidența stocului și ordinea în magazin.",
    ),
    (
        "Key Account Manager - clienți corporativi",
        "corporate-account-manager",
        "Timișoara",
        "Prospectezi companii, organizezi întâlniri și prezentări, participi la expoziții, "
        "negociezi contracte pe termen lung și raportezi lunar.",
    ),
    (
        "Manager relații clienți",
        "customer-service-manager",
        "Brașov",
        "Cauți clienți noi, preiei apelurile și e-mailurile, ții evidența clienților și "
        "pregătești contractele. Scris corect, engleză, mașină proprie.",
    ),
)


def load_demo_openings(session: Session) -> list[Opening]:
    """Create one open demo opening per built-in role."""
    return [
        create_opening(session, title, role_id, description=text, location=city)
        for title, role_id, city, text in DEMO_OPENINGS
    ]
