"""Romanian and English: the language from the browser, switchable, kept in the session.

Catalogs are kept as `.po` text under `translations/`; the `.mo` files Babel reads are
compiled from them at app start into the instance folder, so no binary is committed.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Blueprint, Flask, redirect, request, session, url_for
from flask_babel import Babel, get_locale
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

    @app.context_processor
    def _language() -> dict[str, object]:
        return {
            "lang": str(get_locale() or "en"),
            "languages": LANGUAGE_NAMES,
        }


@bp.post("/language")
@public_route
def switch() -> Response:
    """Remember the chosen language for this visitor and go back where they were."""
    lang = request.form.get("lang", "")
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(safe_target(request.form.get("next"), url_for("public.openings")))
