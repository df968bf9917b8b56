"""Hiring-manager use cases: requirement versions, diffs, re-scoring and the live preview.

A preview re-ranks the opening's stored profiles under unsaved weights with the engine's
vectorised `rank`. Evaluating criteria is the slow part, so each criterion's column of
points is cached per process, keyed by the opening's set of scored documents and by the
criterion's definition without its weight: moving a slider costs one matrix product.
A process that has neither that cache nor its file (a restart, a new machine) rebuilds the
current version's columns from the values each application keeps beside its score, in one
query, and evaluates only the profiles scored without them.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from recruit.core.criteria import CRITERION_TYPES
from recruit.core.profile import CEFR_LEVELS, EDUCATION_LEVELS, Profile
from recruit.core.roles import Criterion, ProfileError
from recruit.core.roles import RequirementProfile as Requirements
from recruit.core.scoring import (
    CriterionMatrix,
    RankResult,
    criterion_matrix,
    pack_rows,
    parse_requirements,
    rank,
    row_width,
    unpack_rows,
)
from recruit.db.models import (
    Application,
    Document,
    Opening,
    RequirementProfile,
    User,
    as_utc,
)
from recruit.services.accounts import audit
from recruit.services.errors import ServiceError, _l
from recruit.services.openings import current_profile

TOP = 20
# Below this many applications a save stores every breakdown at once; above it only the
# totals (vectorised) and the candidate page computes its breakdown when first opened.
EAGER_LIMIT = 500
HISTOGRAM_BINS = 10


__all__ = [
    "CEFR_LEVELS",
    "CRITERION_TYPES",
    "EDUCATION_LEVELS",
    "ProfileError",
    "Requirements",
    "diff",
    "preview",
    "rescore",
    "revert",
    "save_version",
    "validate",
    "versions",
]


def validate(data: dict[str, Any]) -> Requirements:
    """Check a requirement profile's JSON; raise ProfileError saying where it is wrong."""
    return parse_requirements(data)


# --- versions -----------------------------------------------------------------------------


def versions(session: Session, opening: Opening) -> list[RequirementProfile]:
    """Return the opening's requirement versions, newest first."""
    return list(
        session.scalars(
            select(RequirementProfile)
            .where(RequirementProfile.opening_id == opening.id)
            .order_by(RequirementProfile.version.desc())
        )
    )


def save_version(
    session: Session,
    opening: Opening,
    criteria: dict[str, Any],
    author: User | None,
    note: str,
    cache_dir: Path | None = None,
) -> RequirementProfile:
    """Store a new immutable version, make it current and re-score the opening."""
    requirements = parse_requirements(criteria)  # raises ProfileError on bad input
    latest = session.scalar(
        select(func.max(RequirementProfile.version)).where(
            RequirementProfile.opening_id == opening.id
        )
    )
    row = RequirementProfile(
        opening_id=opening.id,
        version=(latest or 0) + 1,
        criteria=requirements.to_dict(),
        author_id=author.id if author else None,
        note=note.strip()[:500],
    )
    session.add(row)
    session.flush()
    opening.current_version = row.version
    audit(session, "requirements.save", "opening", opening.id, author, version=row.version)
    rescore(session, opening, cache_dir)
    return row


def revert(
    session: Session,
    opening: Opening,
    version: int,
    author: User | None,
    cache_dir: Path | None = None,
) -> RequirementProfile:
    """Make an old version current again, as a new version (history is never rewritten)."""
    old = session.scalar(
        select(RequirementProfile).where(
            RequirementProfile.opening_id == opening.id, RequirementProfile.version == version
        )
    )
    if old is None:
        raise ServiceError(_l("there is no version %(version)s"), version=version)
    note = f"revert to version {version}"
    return save_version(session, opening, old.criteria, author, note, cache_dir)


@dataclass(frozen=True)
class Change:
    """One difference between two versions, for the history page."""

    kind: str  # added | removed | changed
    criterion: str
    label: str
    field: str = ""
    before: Any = None
    after: Any = None


def diff(old: dict[str, Any] | None, new: dict[str, Any]) -> list[Change]:
    """List what changed from `old` to `new` criterion by criterion."""
    before = {c["id"]: c for c in (old or {}).get("criteria", [])}
    after = {c["id"]: c for c in new.get("criteria", [])}
    changes: list[Change] = []
    for cid, c in after.items():
        if cid not in before:
            changes.append(Change("added", cid, c.get("label", cid)))
            continue
        for key in sorted(set(c) | set(before[cid])):
            old_value, new_value = before[cid].get(key), c.get(key)
            # A list of skills is a set: the order they are listed in scores the same.
            if (
                isinstance(old_value, list)
                and isinstance(new_value, list)
                and sorted(map(str, old_value)) == sorted(map(str, new_value))
            ):
                continue
            if old_value != new_value:
                changes.append(
                    Change(
                        "changed", cid, c.get("label", cid), key, before[cid].get(key), c.get(key)
                    )
                )
    for cid, c in before.items():
        if cid not in after:
            changes.append(Change("removed", cid, c.get("label", cid)))
    return changes


# --- re-scoring ---------------------------------------------------------------------------


def rescore(session: Session, opening: Opening, cache_dir: Path | None = None) -> int:
    """Score every read application of the opening under its current version; return how many."""
    from recruit.services.documents import score_documents
    from recruit.services.review import latest_read_document

    version = current_profile(session, opening)
    requirements = parse_requirements(version.criteria)
    n = session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.opening_id == opening.id, Application.scored_document_id.is_not(None))
    )
    if (n or 0) <= EAGER_LIMIT:
        documents = [
            document
            for application in session.scalars(
                select(Application).where(Application.opening_id == opening.id)
            )
            if (document := latest_read_document(application)) is not None
        ]
        return score_documents(session, documents, opening)  # with the mirror, one flush
    stored = _stored(session, opening, cache_dir)
    matrix = _matrix(session, stored, requirements)
    result = rank(matrix, requirements.weights, requirements.must_have)
    packed = pack_rows(matrix.values, matrix.passed)
    values = [
        {
            "id": int(app_id),
            "score": float(result.totals[i]),
            "knocked_out": bool(result.knocked_out[i]),
            "knockouts": ",".join(result.knockouts(i)) if result.knocked_out[i] else "",
            "scored_version": version.version,
            "criterion_values": packed[i],
        }
        for i, app_id in enumerate(stored.application_ids)
    ]
    session.execute(update(Application), values)
    return len(values)


# --- the criterion cache and the preview --------------------------------------------------


@dataclass
class _Stored:
    """An opening's scored applications, in a fixed row order, with cached criterion columns."""

    key: tuple[Any, ...]
    application_ids: npt.NDArray[np.int64]
    document_ids: npt.NDArray[np.int64]
    columns: dict[str, tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]]
    file: Path | None = None
    # The saved version's ranking, which every preview compares with (by its definition).
    saved: dict[tuple[Any, ...], RankResult] = field(default_factory=dict)


_CACHE: OrderedDict[tuple[Any, ...], _Stored] = OrderedDict()
_CACHE_SIZE = 8
_LOCK = threading.Lock()


# Checking whether an opening's scored documents changed costs a scan of its applications
# (tens of ms at 100k), so a cache entry is trusted for a few seconds between checks: a
# preview may miss a CV read in the last seconds, never one read before the page was opened.
RECHECK_SECONDS = 5.0
_CHECKED: dict[tuple[str, int, str], tuple[float, tuple[Any, ...]]] = {}


def _stored(session: Session, opening: Opening, cache_dir: Path | None = None) -> _Stored:
    url = str(session.get_bind().url)
    created = opening.created_at
    # SQLite hands back naive datetimes (UTC): compare instants, not their spelling.
    stamp = as_utc(created).timestamp()
    where = (url, opening.id, f"{stamp:.6f}")
    now = time.monotonic()
    with _LOCK:
        checked = _CHECKED.get(where)
        if checked and now - checked[0] < RECHECK_SECONDS and checked[1] in _CACHE:
            return _CACHE[checked[1]]
    # The set of scored documents changes when a CV is read or sent again: their count, newest
    # id and id sum tell that without loading them (the creation time tells apart an opening
    # re-created with the same id, as in tests).
    count, max_doc, sum_doc = session.execute(
        select(
            func.count(),
            func.max(Application.scored_document_id),
            func.sum(Application.scored_document_id),
        ).where(Application.opening_id == opening.id, Application.scored_document_id.is_not(None))
    ).one()
    key = (*where, count, max_doc, sum_doc)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            _CHECKED[where] = (now, key)
            return hit
        previous = next((v for k, v in reversed(_CACHE.items()) if k[:3] == where), None)
    file = None
    if cache_dir is not None:
        digest = hashlib.sha256(repr(where).encode()).hexdigest()[:16]
        file = cache_dir / f"criteria-{opening.id}-{digest}.npz"
    if previous is None and file is not None:
        previous = _load_file(file)
    # With nothing cached, the stored criterion values come along in the same query.
    columns = [Application.id, Application.scored_document_id]
    if previous is None:
        columns += [Application.scored_version, Application.criterion_values]
    rows = session.execute(
        select(*columns)
        .where(Application.opening_id == opening.id, Application.scored_document_id.is_not(None))
        .order_by(Application.id)
    ).all()
    stored = _Stored(
        key,
        np.array([r[0] for r in rows], dtype=np.int64),
        np.array([r[1] for r in rows], dtype=np.int64),
        {},
        file,
    )
    if previous is not None:
        _carry_over(session, previous, stored)
    else:
        _from_rows(session, opening, stored, rows)
    with _LOCK:
        for stale in [k for k in _CACHE if k[:3] == where]:
            del _CACHE[stale]
        _CACHE[key] = stored
        _CHECKED[where] = (now, key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return stored


def _carry_over(session: Session, previous: _Stored, stored: _Stored) -> None:
    """Reuse the rows of documents seen before; evaluate only the new documents' rows."""
    position = {int(d): i for i, d in enumerate(previous.document_ids)}
    old_rows = np.array([position.get(int(d), -1) for d in stored.document_ids], dtype=np.int64)
    new = old_rows < 0
    kept = ~new
    criteria = {d: _criterion(d) for d in previous.columns}
    part = None
    if new.any() and criteria:
        profiles = _load_profiles(session, stored.document_ids[new])
        part = criterion_matrix(profiles, _requirements_of(list(criteria.values())))
    n = len(stored.document_ids)
    for j, (definition, (values, passed)) in enumerate(previous.columns.items()):
        v = np.zeros(n, dtype=np.float32)
        p = np.zeros(n, dtype=np.bool_)
        v[kept], p[kept] = values[old_rows[kept]], passed[old_rows[kept]]
        if part is not None:
            v[new], p[new] = part.values[:, j], part.passed[:, j]
        stored.columns[definition] = (v, p)
    if new.any():
        _save_file(stored)


def _from_rows(session: Session, opening: Opening, stored: _Stored, rows: list[Any]) -> None:
    """Fill the current version's columns from the values stored with each score.

    Rows scored under another version, or before values were stored, are evaluated from
    their profiles (all of them only on a database from before values were kept).
    """
    if not rows:
        return
    version = current_profile(session, opening)
    criteria = parse_requirements(version.criteria).criteria
    definitions: dict[str, int] = {}
    for j, c in enumerate(criteria):
        definitions.setdefault(c.values_key(), j)
    k, n = len(criteria), len(rows)
    width = row_width(k)
    usable = np.array(
        [r[2] == version.version and r[3] is not None and len(r[3]) == width for r in rows],
        dtype=np.bool_,
    )
    values = np.zeros((n, k), dtype=np.float32)
    passed = np.zeros((n, k), dtype=np.bool_)
    if usable.any():
        values[usable], passed[usable] = unpack_rows(
            [r[3] for r, ok in zip(rows, usable, strict=True) if ok], k
        )
    missing = ~usable
    if missing.any():
        profiles = _load_profiles(session, stored.document_ids[missing])
        part = criterion_matrix(profiles, _requirements_of(list(criteria)))
        values[missing], passed[missing] = part.values, part.passed
    for definition, j in definitions.items():
        stored.columns[definition] = (values[:, j].copy(), passed[:, j].copy())
    _save_file(stored)


def _criterion(definition: str) -> Criterion:
    """Rebuild a criterion from its cache key (its definition without weight and label)."""
    data = json.loads(definition) | {"id": "x", "weight": 1.0, "label": "x"}
    return parse_requirements({"id": "cache", "criteria": [data]}).criteria[0]


def _requirements_of(criteria: list[Criterion]) -> Requirements:
    # Ids must be unique for a requirement profile; the cache keys them by definition instead.
    unique = tuple(replace(c, id=f"c{j}") for j, c in enumerate(criteria))
    return Requirements("cache", "cache", unique)


def _load_file(file: Path) -> _Stored | None:
    try:
        with np.load(file, allow_pickle=False) as data:
            definitions = json.loads(str(data["definitions"]))
            return _Stored(
                (),
                data["application_ids"],
                data["document_ids"],
                {d: (data[f"v{j}"], data[f"p{j}"]) for j, d in enumerate(definitions)},
                file,
            )
    except (OSError, ValueError, KeyError):
        return None  # a missing or damaged cache file only costs a rebuild


def _save_file(stored: _Stored) -> None:
    if stored.file is None:
        return
    arrays: dict[str, Any] = {
        "application_ids": stored.application_ids,
        "document_ids": stored.document_ids,
        "definitions": np.array(json.dumps(list(stored.columns))),
    }
    for j, (values, passed) in enumerate(stored.columns.values()):
        arrays[f"v{j}"], arrays[f"p{j}"] = values, passed
    stored.file.parent.mkdir(parents=True, exist_ok=True)
    tmp = stored.file.with_suffix(f".{os.getpid()}.tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(stored.file)  # atomic: another process reads the old or the new file


def _load_profiles(session: Session, document_ids: npt.NDArray[np.int64]) -> list[Profile]:
    by_id: dict[int, Profile] = {}
    ids = [int(i) for i in document_ids]
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for doc_id, data in session.execute(
            select(Document.id, Document.profile).where(Document.id.in_(chunk))
        ):
            by_id[doc_id] = Profile.from_dict(data or {})
    return [by_id.get(i, Profile()) for i in ids]


def _matrix(session: Session, stored: _Stored, requirements: Requirements) -> CriterionMatrix:
    """Return the criterion matrix, evaluating only the criteria not seen before."""
    missing: dict[str, Criterion] = {}
    for c in requirements.criteria:
        if c.values_key() not in stored.columns:
            missing.setdefault(c.values_key(), c)
    if missing:
        profiles = _load_profiles(session, stored.document_ids)
        part = criterion_matrix(profiles, _requirements_of(list(missing.values())))
        for j, definition in enumerate(missing):
            stored.columns[definition] = (part.values[:, j].copy(), part.passed[:, j].copy())
        _save_file(stored)
    k, n = len(requirements.criteria), len(stored.application_ids)
    values = np.empty((n, k), dtype=np.float32)
    passed = np.empty((n, k), dtype=np.bool_)
    for j, c in enumerate(requirements.criteria):
        values[:, j], passed[:, j] = stored.columns[c.values_key()]
    return CriterionMatrix(
        requirements.criterion_ids, values, passed, requirements.weights, requirements.must_have
    )


@dataclass(frozen=True)
class PreviewRow:
    application_id: int
    score: float
    rank: int  # 1-based, under the previewed weights
    previous_rank: int | None  # under the saved weights; None when it was knocked out

    @property
    def moved(self) -> int:
        """Return how many places the row climbed (negative: fell)."""
        return 0 if self.previous_rank is None else self.previous_rank - self.rank


@dataclass(frozen=True)
class Preview:
    top: list[PreviewRow]
    ranked: int
    knocked_out: int
    histogram: list[int]
    newly_knocked_out: int


def preview(
    session: Session, opening: Opening, requirements: Requirements, cache_dir: Path | None = None
) -> Preview:
    """Re-rank the opening's scored applications under unsaved requirements.

    `cache_dir` keeps the evaluated criterion columns on disk, so a restarted process does
    not evaluate 100k profiles again before its first preview; without the file, the values
    stored with the scores rebuild the saved version's columns.
    """
    stored = _stored(session, opening, cache_dir)
    saved = parse_requirements(current_profile(session, opening).criteria)
    matrix = _matrix(session, stored, requirements)
    new = rank(matrix, requirements.weights, requirements.must_have)
    saved_key = (
        tuple(c.values_key() for c in saved.criteria),
        saved.weights,
        saved.must_have,
    )
    old = stored.saved.get(saved_key)
    if old is None:
        old = rank(_matrix(session, stored, saved), saved.weights, saved.must_have)
        stored.saved = {saved_key: old}  # one saved version at a time
    positions = np.full(len(stored.application_ids), -1, dtype=np.int64)
    positions[old.order] = np.arange(len(old.order))
    top = []
    for pos, row in enumerate(new.order[:TOP]):
        before = int(positions[row]) if positions[row] >= 0 else None
        top.append(
            PreviewRow(
                int(stored.application_ids[row]),
                float(new.totals[row]),
                pos + 1,
                None if before is None else before + 1,
            )
        )
    counts, _ = np.histogram(new.totals, bins=HISTOGRAM_BINS, range=(0, 100))
    return Preview(
        top,
        int(len(new.order)),
        int(len(new.knocked_out_order)),
        [int(c) for c in counts],
        int(np.count_nonzero(new.knocked_out & ~old.knocked_out)),
    )


def clear_cache() -> None:
    """Forget every cached criterion column (tests, and after bulk imports)."""
    with _LOCK:
        _CACHE.clear()
        _CHECKED.clear()
