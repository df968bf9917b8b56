"""Use cases: each takes a SQLAlchemy session (and storage), never opens one itself."""

from recruit.services.accounts import (
    accept_invite,
    add_member,
    audit,
    authenticate,
    change_password,
    create_user,
    invite_user,
    remove_member,
    set_active,
    set_role,
    user_for_invite,
)
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
from recruit.services.gdpr import (
    Notice,
    PurgeReport,
    application_for_token,
    current_notice,
    erase_candidate,
    export_candidate,
    notice_version,
    notice_versions,
    publish_notice,
    purge_expired,
    purge_task,
    refresh_retention,
    retention_months,
    set_retention_months,
)
from recruit.services.openings import (
    create_opening,
    current_profile,
    load_demo_openings,
)

__all__ = [
    "Notice",
    "PurgeReport",
    "accept_invite",
    "add_member",
    "application_for_token",
    "change_password",
    "current_notice",
    "erase_candidate",
    "export_candidate",
    "invite_user",
    "notice_version",
    "notice_versions",
    "publish_notice",
    "purge_expired",
    "purge_task",
    "refresh_retention",
    "remove_member",
    "retention_months",
    "set_active",
    "set_retention_months",
    "set_role",
    "user_for_invite",
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
from recruit.services import requirements, review  # noqa: E402, F401
