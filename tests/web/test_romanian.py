"""A complete Romanian interface (issue 15 point 4): nothing a person sees is left in English.

Three checks: the catalogue (every message the code marks has a Romanian translation, none
fuzzy), the templates (no text written straight into a page, past gettext), and every page
rendered in Romanian with realistic data, read as a person would (text and the attributes a
screen reader speaks), failing on text that is still English.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from sqlalchemy import select

from recruit import services
from recruit.db.models import Document, OutboxMessage
from recruit.services import openings, requirements, review
from tests.web import factories as f

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "translations" / "ro" / "LC_MESSAGES" / "messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}

# Words that are English and not Romanian (so "a", "an", "are", "in", "file", "pe" are not here):
# one of them in a text node, outside the data a test put there, is English left on the page.
ENGLISH = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "with",
        "for",
        "from",
        "this",
        "that",
        "these",
        "those",
        "your",
        "you",
        "please",
        "here",
        "there",
        "been",
        "has",
        "have",
        "was",
        "were",
        "will",
        "would",
        "could",
        "should",
        "can",
        "cannot",
        "must",
        "may",
        "not",
        "none",
        "yet",
        "only",
        "which",
        "when",
        "than",
        "then",
        "into",
        "out",
        "our",
        "we",
        "they",
        "their",
        "its",
        "it",
        "be",
        "is",
        "by",
        "at",
        "or",
        "on",
        "all",
        "any",
        "each",
        "every",
        "also",
        "but",
        "if",
        "so",
        "found",
        "months",
        "years",
        "page",
        "pages",
        "sign",
        "back",
        "error",
        "too",
        "large",
        "new",
        "yes",
        "no",
        "more",
        "less",
        "before",
        "after",
        "about",
        "again",
        "other",
        "some",
        "such",
        "what",
        "who",
        "why",
        "how",
        "where",
        "while",
        "until",
        "upon",
        "off",
        "over",
        "under",
        "since",
    ]
)


# --- (a) the catalogue ------------------------------------------------------------------------


def _catalogue() -> Any:
    with PO.open("rb") as fh:
        return read_po(fh, locale="ro")


def _msgids(message: Any) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _marked_in_code() -> dict[str, str]:
    """Return every message the code and templates mark for translation, with where it is."""
    cfg = ROOT / "translations" / "babel.cfg"
    with cfg.open() as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(cfg))
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def test_every_marked_message_has_a_romanian_translation():
    catalogue = _catalogue()
    translated = {}
    problems = []
    for m in catalogue:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if m.fuzzy:
            problems.append(f"fuzzy: {m.id!r}")
        elif not all(s.strip() for s in strings):
            problems.append(f"no msgstr: {m.id!r}")
        for msgid in _msgids(m):
            translated[msgid] = strings
    marked = _marked_in_code()
    assert len(marked) > 500  # the extraction really read the sources
    problems += [
        f"not in the catalogue: {msgid!r} ({where})"
        for msgid, where in sorted(marked.items())
        if msgid not in translated
    ]
    assert not problems, "\n".join(problems)


def test_babel_reads_every_module_and_template_with_text():
    """babel.cfg covers every file that marks text, so a new module's strings are extracted."""
    cfg = (ROOT / "translations" / "babel.cfg").read_text()
    with (ROOT / "translations" / "babel.cfg").open() as fh:
        method_map, _ = parse_mapping_cfg(fh)
    from babel.util import pathmatch

    marking = re.compile(r"\b(?:_|_l|gettext|ngettext|lazy_gettext)\(")
    missed = []
    for path in [*ROOT.glob("recruit/**/*.py"), *ROOT.glob("templates/**/*.html")]:
        rel = path.relative_to(ROOT).as_posix()
        if marking.search(path.read_text()) and not any(
            pathmatch(pattern, rel) for pattern, _method in method_map
        ):
            missed.append(rel)
    assert cfg and not missed, f"babel.cfg does not read {missed}"


# --- (c) no text bypasses gettext in the templates ------------------------------------------

_JINJA = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.S)
# Scripts, styles and keys (<kbd>j</kbd>) are not language.
_SKIP_ELEMENTS = re.compile(r"<(script|style|kbd)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>", re.S)
_SPOKEN_ATTRS = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"{]*[A-Za-z][^"{]*)"')


def template_literals(source: str) -> list[str]:
    """Return the words of a template a person would read that are not in a {{ _() }} call."""
    text = _SKIP_ELEMENTS.sub(" ", source)
    attrs = _SPOKEN_ATTRS.findall(_JINJA.sub(" ", text))
    text = _TAG.sub(" ", _JINJA.sub(" ", text))
    words = re.findall(r"[^\W\d_][\w'’-]*", text + " " + " ".join(attrs))
    # The product's name, units, formats and language codes are the same in both languages.
    same = {"recruit", "MB", "CV", "CSV", "XLSX", "PDF", "JSON", "EN", "RO"}
    return [w for w in words if w not in same]


def test_template_scan_finds_a_literal():
    assert template_literals('<p>{{ _("Hello") }}</p><p>Sign in</p>') == ["Sign", "in"]
    assert template_literals('<a title="Back">{{ _("x") }}</a>') == ["Back"]
    assert template_literals('<p title="{{ _(\'x\') }}">{{ n }} · {{ _("y") }}</p>') == []


def test_no_template_writes_text_past_gettext():
    found = {}
    for path in sorted((ROOT / "templates").glob("**/*.html")):
        words = template_literals(path.read_text())
        if words:
            found[path.relative_to(ROOT).as_posix()] = words
    assert not found, found


# --- (b) every page, rendered in Romanian -----------------------------------------------------


class _Reader(HTMLParser):
    """Collect what a person reads or hears: text nodes and spoken attributes."""

    SPOKEN = ("title", "aria-label", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0
        self._open: list[str] = []  # the elements skipped, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        # Not language: scripts, styles, what was typed, machine records (<code>); text that
        # says it is in another language (the switch to English, lang="en") is not Romanian
        # left over.
        skipped = tag in ("script", "style", "textarea", "code")
        if tag != "html" and (skipped or a.get("lang", "ro") not in ("ro", None)):
            self._skip += 1
            self._open.append(tag)
        if self._skip:
            return
        for name in self.SPOKEN:
            if a.get(name):
                self.texts.append(a[name] or "")
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.texts.append(a["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


_ADDRESSES = re.compile(r"\b(?:https?://|/)\S+|\S+@\S+")


def english_in(texts: list[str], data: set[str], english_msgids: set[str]) -> list[str]:
    """Return the texts that are English: an untranslated msgid, or English words."""
    bad = []
    for text in texts:
        if text in english_msgids:
            bad.append(text)
            continue
        # Links and addresses are data (a status link's random token can hold "-to-").
        rest = _ADDRESSES.sub(" ", text)
        for value in sorted(data, key=len, reverse=True):
            rest = rest.replace(value, " ")
        # Whole words (not "to" in "toți"); abbreviations ("IT", "GDPR") are not words.
        words = {w.lower() for w in re.findall(r"[^\W\d_]+", rest) if not w.isupper()}
        if words & ENGLISH:
            bad.append(text)
    return bad


def test_the_english_detector_finds_english():
    ids = {"Not scored"}
    assert english_in(["Not scored"], set(), ids) == ["Not scored"]
    assert english_in(["1 of 1 skills found"], set(), ids) == ["1 of 1 skills found"]
    assert english_in(["'negociere' (page 1)"], set(), ids) == ["'negociere' (page 1)"]
    assert english_in(["Ana Popescu", "5 luni de vânzări", "are permis"], set(), ids) == []
    assert english_in(["pentru toți", "IT și software", "Notă"], set(), ids) == []
    assert english_in(["The Sales Company"], {"The Sales Company"}, ids) == []
    assert english_in(["Link: http://x.ro/status/a-to-b, scris la a-be@x.ro"], set(), ids) == []


def _english_msgids() -> set[str]:
    """Return the msgids whose Romanian differs, less those that are Romanian too ("Note")."""
    out, romanian = set(), set()
    for m in _catalogue():
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        romanian.update(strings)
        for msgid in _msgids(m):
            if msgid and msgid not in strings and re.search(r"[A-Za-z]{3}", msgid):
                out.add(msgid)
    return out - romanian


@pytest.fixture
def world(web, session) -> dict[str, Any]:
    """Staff of every role, two openings (one closed), candidates read and scored, a CV that
    needs review, notes, a second requirements version, an e-mail and an invitation."""
    admin = f.staff(session, "admin", "admin@example.ro", "Ioana Vasilescu")
    recruiter = f.staff(session, "recruiter", "recrutor@example.ro", "Radu Pop")
    manager = f.staff(session, "hiring_manager", "manager@example.ro", "Mara Dinu")
    _, invite = services.invite_user(session, "nou@example.ro", "recruiter", "Dan Nou")
    o = f.opening(session, recruiter, manager, admin, title="Agent vânzări B2B")
    closed = f.opening(session, recruiter, manager, admin, title="Consultant vânzări")
    blind = f.opening(session, recruiter, admin, title="Agent vânzări anonim", blind=True)
    hidden = f.read_application(session, blind, "Dana Stan", {"negotiation": "negociere"})
    a = f.read_application(
        session, o, "Ana Popescu", {"negotiation": "negociere", "crm": "CRM"}, typo=True
    )
    b = f.read_application(
        session, o, "Bogdan Ionescu", {"crm": "CRM"}, sales_months=0, english=None, licence=False
    )
    c = f.read_application(session, o, "Cristina Marin", {"crm": "CRM"})
    doc = f.add_read_document(session, c)
    doc.status, doc.error_code, doc.text = "needs_review", "encrypted", ""
    review.add_note(session, a, "Sună-l luni dimineață.", recruiter)
    openings.close_opening(session, closed, admin)
    session.commit()
    return {
        "admin": admin,
        "recruiter": recruiter,
        "manager": manager,
        "opening": o,
        "closed": closed,
        "blind": (blind, hidden),
        "apps": (a, b, c),
        "invite": invite,
        "data": {
            "Ioana Vasilescu",
            "Radu Pop",
            "Mara Dinu",
            "Dan Nou",
            "Agent vânzări B2B",
            "Consultant vânzări",
            "Agent vânzări anonim",
            "Ana Popescu",
            "Bogdan Ionescu",
            "Cristina Marin",
            "Orange România",
            "Account Manager",
            # Invented addresses end in random hex ("…-e7be@"): data, not words.
            *(x.candidate.email for x in (a, b, c)),
        },
    }


def _in_romanian(client: Any) -> None:
    assert client.post("/language", data={"lang": "ro", "next": "/"}).status_code == 302


def _read(client: Any, url: str, method: str = "get", **kw: Any) -> tuple[int, list[str]]:
    response = getattr(client, method)(url, **kw)
    reader = _Reader()
    reader.feed(response.get_data(as_text=True))
    return response.status_code, reader.texts


def _pages(world: dict[str, Any]) -> Iterator[tuple[str | None, str, int]]:
    """Yield (who is signed in, URL, expected status) for every page there is."""
    o, closed = world["opening"].id, world["closed"].id
    a, b, c = world["apps"]
    for url in (
        "/",
        f"/openings/{o}",
        f"/openings/{o}/apply",
        f"/status/{a.status_token}",
        f"/status/{a.status_token}/cv",
        f"/status/{c.status_token}",  # a CV that could not be read, told to its sender
        "/privacy/",
        "/privacy/versions/2026-11",
        "/link/" + "x" * 43,
        f"/privacy/data/{a.status_token}",
        f"/privacy/data/{a.status_token}/erase",
        "/auth/sign-in",
        f"/auth/invitation/{world['invite']}",
    ):
        yield None, url, 200
    yield None, f"/openings/{closed}/apply", 410
    for url in (
        "/recruiter/",
        f"/recruiter/openings/{o}",
        f"/recruiter/openings/{o}?view=knocked_out",
        f"/recruiter/applications/{a.id}",
        f"/recruiter/applications/{b.id}",
        f"/recruiter/applications/{c.id}",
        f"/recruiter/openings/{world['blind'][0].id}",
        f"/recruiter/applications/{world['blind'][1].id}",
        "/recruiter/needs-review",
        "/recruiter/talent-pool",
        "/recruiter/talent-pool?q=popescu",
        "/recruiter/talent-pool?q=nimeni",
        f"/recruiter/openings/{o}/needs-review",
        "/recruiter/openings/new",
        f"/recruiter/openings/{o}/edit",
        f"/recruiter/openings/{o}/emails",
        "/auth/password",
    ):
        yield "recruiter", url, 200
    for url in (
        "/manager/",
        f"/manager/openings/{o}/requirements",
        f"/manager/openings/{o}/versions",
    ):
        yield "manager", url, 200
    for url in ("/admin/", "/admin/openings", "/admin/privacy", "/admin/audit", "/admin/outbox"):
        yield "admin", url, 200


# Files, JSON and exports: no page (the exports' headers are checked below).
NOT_PAGES = {
    "privacy.original",
    "privacy.export",
    "recruiter.download",
    "recruiter.export_csv",
    "recruiter.export_xlsx",
    "recruiter.progress",
}


def test_every_page_is_romanian(world, web, session):
    from tests.web.test_manager import form_data

    english = _english_msgids()
    data = world["data"] | {str(web.config["RECRUIT_SETTINGS"].outbox_folder)}
    o = world["opening"]
    clients = {None: web.test_client()}
    for who in ("recruiter", "manager", "admin"):
        clients[who] = web.test_client()
        f.sign_in(clients[who], world[who])
    for client in clients.values():
        _in_romanian(client)
    # A second requirements version (a diff to show), a status e-mail, a preview.
    changed = form_data(session, o)
    changed["criteria-0-weight"] = "1"
    # A list of skills changed too: the diff names them as the form does, not by id.
    listed = next(k for k, v in changed.items() if k.endswith("-skills") and len(v) > 2)
    dropped = changed[listed][-1]
    changed[listed] = changed[listed][:-1]
    manager = clients["manager"]
    assert manager.post(f"/manager/openings/{o.id}/requirements", data=changed).status_code < 400
    a = world["apps"][0]
    clients["recruiter"].post(
        f"/recruiter/applications/{a.id}/status", data={"status": "interview", "notify": "y"}
    )
    found: dict[str, list[str]] = {}
    seen = 0
    visited = set()
    adapter = web.url_map.bind("localhost")
    for who, url, status in _pages(world):
        visited.add(adapter.match(url.partition("?")[0])[0])
        code, texts = _read(clients[who], url)
        assert code == status, (who, url, code)
        seen += len(texts)
        bad = english_in(texts, data, english)
        if bad:
            found[f"{who or 'public'} {url}"] = bad
    preview = manager.post(f"/manager/openings/{o.id}/preview", data=form_data(session, o))
    assert preview.status_code == 200
    if bad := english_in([preview.get_json()["summary"]], data, english):
        found["preview"] = bad
    assert seen > 500
    from recruit.core.skills import skill_catalog

    _, history = _read(clients["manager"], f"/manager/openings/{o.id}/versions")
    assert not any(dropped in t for t in history)
    assert any(skill_catalog()[dropped].label("ro") in t for t in history)
    # Every page there is was read: a new one fails here until it is added above.
    pages = {
        r.endpoint
        for r in web.url_map.iter_rules()
        if "GET" in (r.methods or ()) and not r.rule.startswith(("/api/", "/static/"))
    }
    assert pages - visited - NOT_PAGES == set()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 429, 500, 503])
def test_error_pages_are_styled_and_romanian(web, session, code):
    """Every error a browser can meet is the site's page, in the visitor's language."""
    from sqlalchemy.exc import OperationalError
    from werkzeug.exceptions import TooManyRequests

    failures: dict[int, Any] = {
        429: TooManyRequests(),
        500: RuntimeError("a bug"),
        503: OperationalError("SELECT 1", {}, Exception("the database is away")),
    }

    @web.before_request
    def _fail() -> None:
        from flask import request

        if request.path == "/fail" and code in failures:
            raise failures[code]

    web.config["PROPAGATE_EXCEPTIONS"] = False
    signed_in = f.staff(session, "recruiter" if code != 400 else "admin", name="Radu Pop")
    f.opening(session, title="Agent vânzări B2B")
    session.commit()
    client = web.test_client()
    f.sign_in(client, signed_in)
    _in_romanian(client)
    method, url, kw = {
        400: ("post", f"/admin/users/{signed_in.id}/role", {"data": {"role": "wizard"}}),
        403: ("get", "/manager/", {}),
        404: ("get", "/nowhere", {}),
        405: ("put", "/auth/sign-in", {}),
        413: ("post", "/language", {"data": {"x": "y" * (17 * 1024 * 1024)}}),
    }.get(code, ("get", "/fail", {}))
    response = getattr(client, method)(url, **kw)
    assert response.status_code == code
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert 'class="top"' in body and "app.css" in body  # the site's layout
    assert '<html lang="ro">' in body
    reader = _Reader()
    reader.feed(body)
    assert len(reader.texts) > 5
    bad = english_in(reader.texts, {"Radu Pop"}, _english_msgids())
    assert not bad, bad


def test_exports_have_romanian_headers(world, web, session):
    client = web.test_client()
    f.sign_in(client, world["recruiter"])
    _in_romanian(client)
    o = world["opening"].id
    body = client.get(f"/recruiter/openings/{o}/export.csv").get_data(as_text=True)
    header = next(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    xlsx = client.get(f"/recruiter/openings/{o}/export.xlsx").get_data()
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None
    xheader = [str(c.value) for c in next(sheet.iter_rows(max_row=1))]
    english = _english_msgids()
    assert len(header) > 5 and header == xheader
    assert not english_in(header, set(), english), header
    assert not any("_" in h for h in header), header
    # The cells too: statuses, education, the must-haves missed (by label, not id).
    opening = world["opening"]
    criteria = dict(requirements.versions(session, opening)[0].criteria)
    criteria["criteria"] = [
        {**c, "must_have": True} if c["type"] == "licence" else c for c in criteria["criteria"]
    ]
    requirements.save_version(session, opening, criteria, world["manager"], "Permis obligatoriu")
    session.commit()
    knocked = client.get(f"/recruiter/openings/{o}/export.csv?view=knocked_out").text
    rows = list(csv.reader(io.StringIO(knocked.lstrip("\ufeff")), delimiter=";"))[1:]
    assert rows
    missed = header.index(next(h for h in header if h.lower().startswith("cerin")))
    assert all(r[missed] and "_" not in r[missed] for r in rows), [r[missed] for r in rows]
    for r in rows:
        assert not english_in([c for c in r if c], world["data"], english), r


def test_emails_to_a_romanian_candidate_are_romanian(world, web, session):
    client = web.test_client()
    f.sign_in(client, world["recruiter"])
    a = world["apps"][0]
    for status in ("interview", "rejected"):
        client.post(
            f"/recruiter/applications/{a.id}/status",
            data={"status": status, "notify": "y", "confirm": "y"},
        )
    messages = session.scalars(select(OutboxMessage)).all()
    assert len(messages) == 2
    for m in messages:
        texts = [m.subject, *m.body.splitlines()]
        assert not english_in([t for t in texts if t], world["data"], _english_msgids()), texts


def test_a_document_left_unread_is_explained_in_romanian(world, web, session):
    """Every reason a CV is left for a person, in the recruiters' list and to its sender."""
    from recruit.web.recruiter import REVIEW_REASONS

    client = web.test_client()
    f.sign_in(client, world["recruiter"])
    _in_romanian(client)
    candidate = web.test_client()
    _in_romanian(candidate)
    token = world["apps"][2].status_token
    for code in (*REVIEW_REASONS, "mystery"):
        doc = session.scalars(select(Document).where(Document.status == "needs_review")).one()
        doc.error_code = code
        session.commit()
        for reader, url in ((client, "/recruiter/needs-review"), (candidate, f"/status/{token}")):
            _, texts = _read(reader, url)
            assert not english_in(texts, world["data"], _english_msgids()), (code, url, texts)
            assert code not in " ".join(texts), (code, url)


def test_a_service_refusal_is_said_in_the_readers_language(world, web):
    """A ServiceError keeps its English for logs and the API, and a page says it translated."""
    from recruit.services import ServiceError

    exc = ServiceError("a user with e-mail %(email)s exists already", email="a@example.ro")
    assert str(exc) == "a user with e-mail a@example.ro exists already"
    client = web.test_client()
    f.sign_in(client, world["admin"])
    data = {"email": "recrutor@example.ro", "name": "Altcineva", "role": "recruiter"}
    english = client.post("/admin/users/invite", data=data).get_data(as_text=True)
    assert "a user with e-mail recrutor@example.ro exists already" in english
    _in_romanian(client)
    code, texts = _read(client, "/admin/users/invite", "post", data=data)
    assert code == 200
    assert "există deja un utilizator cu adresa de e-mail recrutor@example.ro" in texts
    assert not english_in(texts, world["data"], _english_msgids())


def test_a_refused_requirement_is_explained_in_romanian(world, web, session):
    """The core's reason (a criterion's cap above its skills) reaches the form translated."""
    from tests.web.test_manager import form_data

    client = web.test_client()
    f.sign_in(client, world["manager"])
    _in_romanian(client)
    o = world["opening"]
    data = form_data(session, o)
    skill = next(k for k, v in data.items() if k.endswith("-type") and v == "skill")
    prefix = skill.removesuffix("type")
    data |= {"action": "save", prefix + "cap": str(len(data[prefix + "skills"]) + 1)}
    code, texts = _read(client, f"/manager/openings/{o.id}/requirements", "post", data=data)
    assert code == 200
    said = [t for t in texts if "este mai mult decât numărul de competențe alese" in t]
    assert said, [t for t in texts if "„" in t]
    assert not english_in(texts, world["data"], _english_msgids())
    # The same refusal in English where the reader chose English.
    client.post("/language", data={"lang": "en", "next": "/"})
    body = client.post(f"/manager/openings/{o.id}/requirements", data=data)
    assert "is more than the" in body.get_data(as_text=True)


def test_an_email_template_refusal_is_romanian(world, web):
    client = web.test_client()
    f.sign_in(client, world["recruiter"])
    _in_romanian(client)
    o = world["opening"]
    page = client.get(f"/recruiter/openings/{o.id}/emails").get_data(as_text=True)
    names = re.findall(r'name="(\w+_body)"', page)
    assert names
    data = {n: "Bună ziua, {nimic}." for n in names}
    data |= {n.removesuffix("body") + "subject": "Subiect" for n in names}
    code, texts = _read(client, f"/recruiter/openings/{o.id}/emails", "post", data=data)
    assert any("câmpuri de completat necunoscute: {nimic}" in t for t in texts), texts
    assert not english_in(texts, world["data"], _english_msgids())


def test_a_new_criterion_is_labelled_in_romanian(world, web, session):
    """A criterion the manager adds starts with a label in the manager's language."""
    from recruit.core.criteria import CRITERION_TYPES
    from tests.web.test_manager import form_data

    client = web.test_client()
    f.sign_in(client, world["manager"])
    _in_romanian(client)
    o = world["opening"]
    english = _english_msgids()
    labels = {}
    for ctype in sorted(CRITERION_TYPES):
        data = form_data(session, o) | {"action": "add", "add_type": ctype}
        body = client.post(f"/manager/openings/{o.id}/requirements", data=data)
        inputs = {
            m.group("name"): html.unescape(m.group("value"))
            for tag in re.findall(r"<input[^>]*>", body.text)
            if (m := re.search(r'name="(?P<name>[^"]+)"[^>]*value="(?P<value>[^"]*)"', tag))
        }
        entry = next(k for k, v in inputs.items() if k.endswith("-id") and v == f"{ctype}_1")
        labels[ctype] = inputs[entry.removesuffix("id") + "label"]
    assert all(labels.values()), labels
    bad = english_in(list(labels.values()), set(), english)
    assert not bad, labels
    assert labels["licence"] == "Permis de conducere B"


def test_say_renders_in_the_readers_language_and_never_fails(web):
    from recruit.core.criteria import Say, Term
    from recruit.web.i18n import say

    line = Say(
        "%(found)s of %(asked)s skills found (full points at %(cap)s): %(names)s",
        found=1,
        asked=2,
        cap=1,
        names=[Term("skill", "negotiation", "Negotiation")],
    )
    assert str(line) == "1 of 2 skills found (full points at 1): Negotiation"
    with web.test_request_context(headers={"Accept-Language": "ro"}):
        assert say(line.to_json()) == "competențe găsite: 1 din 2 (punctaj maxim la 1): Negociere"
        assert say("plain text") == "plain text"
        broken = {"msgid": "█████ %(", "args": {"x": "y"}}
        assert say(broken) == "█████ %( y"
