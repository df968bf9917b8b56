"""Use cases: each takes a SQLAlchemy session (and storage), never opens one itself."""

from recruit.services.accounts import audit, authenticate, create_user
from recruit.services.documents import (
    Submission,
    add_document,
    claim_next_document,
    fail_document,
    process_document,
    score_document,
    submit_application,
)
from recruit.services.errors import ServiceError
from recruit.services.openings import (
    create_opening,
    current_profile,
    load_demo_openings,
)

__all__ = [
    "ServiceError",
    "Submission",
    "add_document",
    "audit",
    "authenticate",
    "claim_next_document",
    "create_opening",
    "create_user",
    "current_profile",
    "fail_document",
    "load_demo_openings",
    "process_document",
    "score_document",
    "submit_application",
]

# Imported for their use cases, and so review's score mirror is registered in every process.
from recruit.services import requirements, review  # noqa: E402
