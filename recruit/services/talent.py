"""The talent pool: one search over every opening a user works on, one result per person.

A person is the applications that share an e-mail address or a phone number (E.164), across
openings. Staff see the link; blind review still holds: an application whose names the viewer
may not see is found by what its CV says only, and is never linked to another, since the link
would tell who it is.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from recruit.db.models import Application, Candidate
from recruit.services.review import ERASED, search_clauses

PEOPLE = 50
# Matching applications read per search: enough for PEOPLE people with a few each.
MATCHES = 200


@dataclass(frozen=True)
class Scope:
    """What a viewer may search: openings, and where names are hidden from them."""

    opening_ids: Collection[int] | None  # None: every opening (admins)
    blind_ids: Collection[int] = ()  # openings under blind review for this viewer
    revealed: Collection[str] = ()  # statuses whose names blind review shows

    def names_clause(self) -> Any:
        """Return True, or a clause telling on which rows names may be searched."""
        if self.opening_ids is None or not self.blind_ids:
            return True
        return or_(
            Application.opening_id.not_in(list(self.blind_ids)),
            Application.status.in_(list(self.revealed)),
        )

    def names_visible(self, application: Application) -> bool:
        """Tell whether the viewer may see who this application's candidate is."""
        return (
            self.opening_ids is None
            or application.opening_id not in self.blind_ids
            or application.status in self.revealed
        )

    def clauses(self) -> list[Any]:
        """Return the clauses every row the viewer may see meets (not erased, own openings)."""
        out: list[Any] = [~ERASED]
        if self.opening_ids is not None:
            out.append(Application.opening_id.in_(list(self.opening_ids)))
        return out


@dataclass
class Person:
    """One person's applications, newest first; `linked` when several share a contact."""

    applications: list[Application]

    @property
    def linked(self) -> bool:
        return len(self.applications) > 1

    @property
    def latest(self) -> Application:
        return self.applications[0]


@dataclass
class PoolResult:
    people: list[Person]
    more: bool  # more applications matched than were read: the search should be narrower


def search(session: Session, query: str, scope: Scope, people: int = PEOPLE) -> PoolResult:
    """Return the people whose applications match every word of `query`, newest first."""
    if scope.opening_ids is not None and not scope.opening_ids:
        return PoolResult([], False)
    words = search_clauses(query, scope.names_clause())
    if not words:
        return PoolResult([], False)
    # The ids first, then the rows: with the joins in, SQLite walked the whole table in id
    # order rather than read the few rows the search index gave.
    ids = list(
        session.scalars(
            select(Application.id)
            .where(*scope.clauses(), *words)
            .order_by(Application.id.desc())
            .limit(MATCHES + 1)
        )
    )
    more = len(ids) > MATCHES
    found = [
        a
        for a in session.scalars(
            select(Application)
            .options(joinedload(Application.candidate), joinedload(Application.opening))
            .where(Application.id.in_(ids[:MATCHES]))
            .order_by(Application.id.desc())
        )
        if a.candidate.erased_at is None
    ]
    linked = _same_contacts(session, [a for a in found if scope.names_visible(a)], scope)
    groups = _group(found, [a for a in linked if scope.names_visible(a)], scope)
    return PoolResult(groups[:people], more or len(groups) > people)


def _same_contacts(session: Session, shown: list[Application], scope: Scope) -> list[Application]:
    """Return the applications (where names are visible) sharing an e-mail or phone with these."""
    emails = {a.candidate.email for a in shown if a.candidate.email}
    phones = {a.candidate.phone_key for a in shown if a.candidate.phone_key}
    if not emails and not phones:
        return []
    names = scope.names_clause()
    return list(
        session.scalars(
            select(Application)
            .join(Candidate, Candidate.id == Application.candidate_id)
            .options(joinedload(Application.candidate), joinedload(Application.opening))
            .where(
                *scope.clauses(),
                Candidate.erased_at.is_(None),
                or_(Candidate.email.in_(emails), Candidate.phone_key.in_(phones)),
                *([] if names is True else [names]),
            )
            .limit(MATCHES * 4)
        )
    )


def _group(found: list[Application], linked: Iterable[Application], scope: Scope) -> list[Person]:
    """Join applications sharing an e-mail or phone into people, in order of the best match."""
    parent: dict[Any, Any] = {}

    def root(key: Any) -> Any:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    apps: dict[int, Application] = {}
    for application in [*found, *linked]:
        apps[application.id] = application
        keys: list[Any] = [("application", application.id)]
        if scope.names_visible(application):
            candidate = application.candidate
            keys += [("email", candidate.email)] if candidate.email else []
            keys += [("phone", candidate.phone_key)] if candidate.phone_key else []
        first = root(keys[0])
        for key in keys[1:]:
            parent[root(key)] = first
    members: dict[Any, list[Application]] = {}
    for application in apps.values():
        members.setdefault(root(("application", application.id)), []).append(application)
    order: list[Any] = []
    for application in found:  # newest match first
        group = root(("application", application.id))
        if group not in order:
            order.append(group)
    return [Person(sorted(members[g], key=lambda a: a.id, reverse=True)) for g in order]
