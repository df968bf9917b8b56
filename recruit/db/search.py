"""The index under the search columns (applications.search_text, search_identity).

A search word is found anywhere in a folded text (LIKE '%word%'), which no B-tree helps with.
PostgreSQL answers such LIKEs from pg_trgm GIN indexes on the two columns (migration 0014).
SQLite has an FTS5 table with the trigram tokenizer over the same columns (`application_search`,
kept by triggers): `prefilter` narrows a search to the rows holding every word there, and the
LIKEs then decide on those rows alone. At 100k applications a name found nowhere took 0.8 s
on the shortlist (its index walked, each row read); with the prefilter, tens of ms.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.sqltypes import NullType
from sqlalchemy.sql.visitors import InternalTraversal

FTS_TABLE = "application_search"
# Tables and indexes that are not in the models: the FTS5 table with its shadow tables, and
# PostgreSQL's trigram indexes (compare_metadata and autogenerate leave them alone).
NOT_MODELLED = (FTS_TABLE, "ix_applications_search_")
# The trigram tokenizer indexes three characters; a shorter word can only be scanned for.
MIN_INDEXED = 3


def not_modelled(name: str | None) -> bool:
    """Tell whether a table or index is one of the search index's own (no model has it)."""
    return bool(name) and any(str(name).startswith(prefix) for prefix in NOT_MODELLED)


class _Prefilter(ColumnElement[bool]):
    """Rows whose search texts hold every word (SQLite's FTS5 table); true elsewhere."""

    # Untyped: a Boolean expression would be compared with "= 1" on SQLite, which keeps the
    # planner from using the IN list (it scanned the table).
    type = NullType()
    inherit_cache = True
    _traverse_internals = [("match", InternalTraversal.dp_clauseelement)]

    def __init__(self, expression: str) -> None:
        self.match = bindparam("search_match", expression, unique=True)


@compiles(_Prefilter)
def _everywhere(element: _Prefilter, compiler: Any, **kw: Any) -> str:
    return "1 = 1"


@compiles(_Prefilter, "sqlite")
def _sqlite(element: _Prefilter, compiler: Any, **kw: Any) -> str:
    # `match` is the bound parameter's placeholder, never the words themselves.
    match = compiler.process(element.match, **kw)
    sql = f"applications.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH {match})"  # noqa: S608  # nosec B608
    return sql


def prefilter(terms: list[str]) -> ColumnElement[bool] | None:
    """Return a clause narrowing to rows whose texts hold every indexable word, or None."""
    words = [t for t in terms if len(t) >= MIN_INDEXED]
    if not words:
        return None
    return _Prefilter(" AND ".join('"' + w.replace('"', '""') + '"' for w in words))
