"""Romanian and English: the language from the browser, switchable, kept in the session.

Catalogs are kept as `.po` text under `translations/`; the `.mo` files Babel reads are
compiled from them at app start into the instance folder, so no binary is committed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, redirect, request, session, url_for
from flask_babel import Babel, get_locale, gettext
from werkzeug.wrappers import Response

from recruit.core.assets import asset_root
from recruit.web.permissions import public_route
from recruit.web.security import safe_target

LANGUAGES = ("en", "ro")
LANGUAGE_NAMES = {"en": "English", "ro": "Română"}

bp = Blueprint("i18n", __name__)
babel = Babel()


def select_locale() -> str:
    """Return the session's language, else the browser's best match, else English."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def compile_catalogs(source: Path, target: Path) -> Path:
    """Compile every `<lang>/LC_MESSAGES/messages.po` under `source` into `target`; return it."""
    for po_path in source.glob("*/LC_MESSAGES/messages.po"):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parts[-3])
        # A name of its own: two processes starting on one instance folder compile at once.
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)
        os.replace(tmp, mo_path)
    return target


def translations_source() -> Path:
    """Return the folder of `.po` catalogs (next to `templates/`, in a checkout or a wheel)."""
    return asset_root("templates").parent / "translations"


def init_i18n(app: Flask) -> None:
    """Compile the catalogs, set up Flask-Babel and the language switch."""
    compiled = compile_catalogs(translations_source(), Path(app.instance_path) / "translations")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(compiled))
    babel.init_app(app, locale_selector=select_locale)
    app.register_blueprint(bp)
    app.add_template_global(say)
    app.add_template_filter(label_text, "label_text")

    @app.context_processor
    def _language() -> dict[str, object]:
        from recruit.web.forms import ROLE_LABELS

        return {
            "lang": str(get_locale() or "en"),
            "languages": LANGUAGE_NAMES,
            "role_names": {k: str(v) for k, v in ROLE_LABELS.items()},
        }


@bp.post("/language")
@public_route
def switch() -> Response:
    """Remember the chosen language for this visitor and go back where they were."""
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(safe_target(request.form.get("next"), url_for("public.openings")))


def say(value: Any) -> str:
    """Return a line of evidence or an explanation (the core's `Say` JSON) in the reader's
    language; a plain string (a score stored before explanations carried their msgid) as is."""
    if isinstance(value, dict) and "msgid" in value:
        msgid = str(value["msgid"])
        args = {k: say(v) for k, v in (value.get("args") or {}).items()}
        try:
            return gettext(msgid, **args) if args else gettext(msgid)
        except (KeyError, ValueError, TypeError):
            # A msgid that lost a placeholder (masked under blind review, say): its words,
            # with the arguments after them, rather than a failed page.
            return " ".join([msgid, *args.values()])
    if isinstance(value, dict) and "term" in value:
        return term_label(value["term"], value.get("id", ""), value.get("text", ""))
    if isinstance(value, list):
        return ", ".join(say(v) for v in value)
    return "" if value is None else str(value)


def say_text(value: str) -> str:
    """Return a Say (or a plain msgid) in the reader's language."""
    to_json = getattr(value, "to_json", None)
    return say(to_json()) if callable(to_json) else gettext(value)


def term_label(kind: str, key: str, english: str) -> str:
    """Return a skill, occupation family, domain of work, education level or field of study,
    in the reader's words."""
    language = str(get_locale() or "en")
    if kind == "skill":
        from recruit.core.skills import skill_catalog

        skill = skill_catalog().get(key)
        return skill.label(language) if skill else english
    if kind == "family":
        from recruit.core.occupations import families

        family = families().get(key)
        return family.label(language) if family else english
    if kind == "domain":
        from recruit.core.domains import domains

        domain = domains().get(key)
        return domain.label(language) if domain else english
    if kind == "field":
        from recruit.core.study import field_labels

        return field_labels(language).get(key, english)
    if kind == "level":
        from recruit.web.recruiter import EDUCATION_LABELS

        return str(EDUCATION_LABELS.get(key, english))
    return english


def error_text(exc: BaseException) -> str:
    """Return a service's refusal (a ServiceError's msgid and params) in the reader's language."""
    msgid = getattr(exc, "msgid", None)
    if not isinstance(msgid, str):
        return str(exc)
    params = getattr(exc, "params", None) or {}
    return gettext(msgid, **params) if params else gettext(msgid)


def label_text(label: str | None) -> str:
    """Return a criterion's or role's label in the reader's language: the built-in roles'
    labels are msgids (extracted by `extract_roles`); a label a manager wrote stays as written."""
    return gettext(label) if label else ""


def extract_roles(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extractor for `models/roles/*.json`: the role's and its criteria's labels."""
    import json

    data = json.load(fileobj)
    yield 1, "_", data["label"], ["role label"]
    for criterion in data.get("criteria", []):
        if criterion.get("label"):
            yield 1, "_", criterion["label"], [f"criterion {criterion.get('id', '')}"]
