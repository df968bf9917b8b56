"""Security headers, HTTPS-aware cookies, rate limits, upload-size and disk-space guards."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import io
import json
import logging
import os
import re
import secrets
import shutil
import time
import unicodedata
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_app_context, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException, InternalServerError, TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, ValidationError

from recruit.backoff import TRANSIENT_ERRORS, Backoff
from recruit.core.media import served_as, sniff_media_type
from recruit.db.models import MAX_ID, AuditEvent, RateLimitHit, parse_id, utcnow

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger(__name__)

# No inline scripts anywhere. Inline style *attributes* stay allowed: they cannot run code,
# and score bars set their width that way; <style> blocks and style="" are not HTML-escaped
# input anyway because every template escapes CV text.
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# (requests, seconds) per scope. Sign-in counts failures per account and every attempt per
# address; the public forms count submissions per address.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "sign_in_account": (5, 15 * 60),
    "sign_in_address": (30, 15 * 60),
    "apply_address": (10, 60 * 60),
    "privacy_address": (30, 60 * 60),
}

# POSTs to these endpoints are limited per address whoever wrote the view.
LIMITED_ENDPOINTS: dict[str, str] = {
    "candidates.apply": "apply_address",
    "candidates.new_version": "apply_address",
    "privacy.erase": "privacy_address",
}

# Endpoints that take files: refused with 507 before the disk fills.
UPLOAD_ENDPOINTS = frozenset({"candidates.apply", "candidates.new_version", "api.upload"})

# Successful GETs of these are written to the audit log (action, subject type, URL argument),
# whoever wrote the view: reading candidates' data is what the log must show.
AUDITED_VIEWS: dict[str, tuple[str, str, str]] = {
    "recruiter.candidate": ("application.viewed", "application", "application_id"),
    "api.application": ("application.viewed", "application", "application_id"),
    "recruiter.shortlist": ("shortlist.viewed", "opening", "opening_id"),
    "api.applications": ("shortlist.viewed", "opening", "opening_id"),
    "recruiter.export_csv": ("shortlist.exported", "opening", "opening_id"),
    "recruiter.export_xlsx": ("shortlist.exported", "opening", "opening_id"),
}

# Refuse uploads when less than this much would stay free: the database, the logs and the
# worker's temporary files need room too, and a full disk corrupts more than it refuses.
DISK_RESERVE_BYTES = 512 * 1024 * 1024


def init_security(app: Flask, env: Mapping[str, str] | None = None) -> None:
    """Install headers, proxy handling, HTTPS-aware cookies, rate limits and error pages."""
    env = os.environ if env is None else env
    hops = int(env.get("RECRUIT_PROXY_HOPS") or app.config.get("RECRUIT_PROXY_HOPS") or 0)
    if hops:
        # Trust X-Forwarded-* only from that many proxies, or any client could fake its address.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )
    if (env.get("RECRUIT_SECURE_COOKIES") or "").lower() in ("1", "true", "yes"):
        # For a TLS proxy that sends no X-Forwarded-Proto: Secure on every response.
        app.config["SESSION_COOKIE_SECURE"] = True
    limits = dict(DEFAULT_LIMITS)
    settings = app.config.get("RECRUIT_SETTINGS")
    if settings is not None:
        limits["apply_address"] = settings.apply_limit  # RECRUIT_APPLY_LIMIT
    app.config.setdefault("RECRUIT_RATE_LIMITS", limits)
    app.config.setdefault("RECRUIT_RATE_LIMIT_ENABLED", True)
    app.config.setdefault("RECRUIT_DISK_RESERVE_BYTES", DISK_RESERVE_BYTES)
    app.session_interface = HttpsAwareSessionInterface()
    redis_url = getattr(settings, "redis_url", None)
    database = DatabaseLimiter(app.extensions["recruit.sessions"], app.secret_key or "")
    app.extensions["recruit.limiter"] = (
        RedisLimiter(redis_url, app.secret_key or "", fallback=database) if redis_url else database
    )
    app.after_request(_headers)
    app.after_request(_audit_view)
    app.before_request(_guard_endpoints)
    app.register_error_handler(401, _unauthorized)
    # Every other error a browser meets is the site's page in the visitor's language, never
    # werkzeug's bare English one (/api/v1 answers its own errors in JSON).
    for error in (413, 429, InsufficientStorage, HTTPException, InternalServerError):
        app.register_error_handler(error, error_page)
    # While the database (or the file store) is away: a line a minute, not a traceback a request.
    app.extensions["recruit.outage"] = Backoff("web requests", log)
    for away in TRANSIENT_ERRORS:
        app.register_error_handler(away, _unavailable)


class IdConverter(IntegerConverter):
    """The routes' `<int:...>`: only numbers an id column can hold, so a huge one is a 404."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.min, self.max = 1, MAX_ID

    def to_python(self, value: str) -> Any:
        """Return the id, or refuse the match (404) when no row could have it."""
        found = parse_id(value)
        if found is None:
            raise ValidationError()
        return found


def safe_target(target: str | None, fallback: str) -> str:
    """Return `target` when it is a path on this site, else `fallback`: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    # Browsers drop tabs and newlines inside a URL and read "\\" as "/", so "/\t/evil.test"
    # and "/\\evil.test" lead to evil.test; a newline in a header is an error of its own.
    if "\\" in target or any(c.isspace() or unicodedata.category(c)[0] == "C" for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


class InsufficientStorage(HTTPException):
    """507: the upload folder is nearly full (werkzeug has no class for it)."""

    code = 507
    description = "Not enough disk space to store the file."


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def _headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    # Same-origin keeps status-link tokens out of other sites' logs, and keeps the Referer
    # that Flask-WTF checks on HTTPS form posts.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if response.mimetype == "text/html" and request.endpoint not in (None, "static"):
        # Pages carry personal data: never keep them in shared caches or the back button.
        headers.setdefault("Cache-Control", "no-store")
    return response


def error_page(error: HTTPException) -> Any:
    """Render the error page for an HTTP error (404, 413, 429, 500...), in the visitor's language.

    A 500 is a bug met mid-request: the request's database session is rolled back first, and
    if the page still cannot ask who is signed in, it is shown as to a visitor.
    """
    code = error.code or 500
    if code >= 500:
        session = g.get("db_session")
        if session is not None:
            with contextlib.suppress(Exception):
                session.rollback()
    title, message = _error_text(code, error)
    try:
        body = render_template("security/error.html", code=code, title=title, message=message)
    except Exception:
        if code < 500:
            raise
        log.exception("the error page failed; shown without the signed-in user")
        g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
        body = render_template("security/error.html", code=code, title=title, message=message)
    response = current_app.response_class(body, status=code, mimetype="text/html")
    if code == 429:
        response.headers["Retry-After"] = str(getattr(error, "retry_after", 900) or 900)
    if code == 405 and isinstance(error, HTTPException):
        response.headers.update((k, v) for k, v in error.get_headers() if k.lower() == "allow")
    return response


def _error_text(code: int, error: HTTPException | None = None) -> tuple[str, str]:
    """Return an error page's heading and message, in the visitor's language."""
    if isinstance(error, CSRFError):
        return _("The form has expired"), _(
            "The form was sent without a valid CSRF token (it expired, or came from another "
            "site). Reload the page and try again."
        )
    if code == 400:
        return _("Bad request"), _(
            "The request could not be understood. Go back, reload the page and try again."
        )
    if code == 403:
        return _("No access"), _(
            "Your account does not give access to this page. Ask an administrator if you need it."
        )
    if code == 404:
        return _("Page not found"), _(
            "This page does not exist or is no longer here. Check the address, "
            "or start again from the list of openings."
        )
    if code == 405:
        return _("Not possible here"), _(
            "This page cannot be used that way. Go back and use the page's own buttons."
        )
    if code == 413:
        return _("File too large"), _error_message(413)
    if code == 429:
        return _("Please slow down"), _error_message(429)
    if code == 503:
        return _("Back in a moment"), _error_message(503)
    if code == 507:
        return _("Uploads paused"), _error_message(507)
    if code >= 500:
        return _("Something went wrong"), _(
            "An error occurred on our side and has been logged. Please try again in a moment."
        )
    return _("Error %(code)s", code=code), _("The request could not be completed.")


def _error_message(code: int) -> str:
    if code == 413:
        mb = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return _("The file is too large. Please upload a CV of at most %(mb)s MB.", mb=mb)
    if code == 429:
        return _("Too many attempts from here. Please wait a while and try again.")
    if code == 503:
        return _(
            "The service is briefly unavailable. Nothing you sent before was lost; "
            "please try again in a minute."
        )
    return _(
        "We cannot take new files right now: the server is short of disk space. "
        "Nothing was sent; please try again later."
    )


RETRY_AFTER_SECONDS = 30


def _unavailable(exc: Exception) -> Any:
    """Answer 503 with Retry-After while the database or the file store is away."""
    current_app.extensions["recruit.outage"].failed(exc)
    session = g.pop("db_session", None)
    if session is not None:
        with contextlib.suppress(Exception):  # its connection is gone: nothing to keep
            session.close()
    # The page's header asks who is signed in; do not ask the database that is away.
    if getattr(g, "_login_user", None) is None:
        g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    if request.blueprint == "api" or request.path.startswith("/api/"):
        body = {"error": "Service Unavailable", "message": _error_message(503)}
        response = current_app.response_class(
            json.dumps(body), status=503, mimetype="application/json"
        )
    else:
        response = current_app.response_class(
            render_template(
                "security/error.html",
                code=503,
                title=_error_text(503)[0],
                message=_error_message(503),
            ),
            status=503,
            mimetype="text/html",
        )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _unauthorized(error: HTTPException) -> Any:
    # Browsers go to the sign-in page; API clients get a plain 401.
    if request.blueprint == "api" or request.path.startswith("/api/"):
        return {"error": "sign in first"}, 401
    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]


_UNSAFE_IN_NAME = re.compile(r"[^\w.,() -]+")
# Names Windows refuses for a file, whatever the extension.
_RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)


def file_stem(name: str | None) -> str:
    """Make `name` safe as a file name on every system (letters kept, ș and ț included)."""
    stem = " ".join(_UNSAFE_IN_NAME.sub(" ", name or "").split()).strip(" .")[:100].rstrip(" .")
    if not stem or stem.lower() in _RESERVED_NAMES:
        return "cv"
    return stem


def send_original(store: Any, document: Any, stem: str | None) -> Any:
    """Serve a stored original as an attachment `<stem>.<ext>` of the type its bytes have.

    The type and extension come from the bytes (`media.sniff_media_type`), never from the
    uploaded name: a PDF that is also HTML, uploaded as `x.html`, is saved as a `.pdf`.
    """
    from flask import send_file

    data = store.get(document.storage_key)
    media, extension = served_as(sniff_media_type(data))
    response = send_file(
        io.BytesIO(data),
        mimetype=media,
        as_attachment=True,
        download_name=f"{file_stem(stem)}.{extension}",
        max_age=0,
    )
    # Even if a browser were talked into rendering it, it runs no script and reaches nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response


# -- rate limiting ------------------------------------------------------------------------


class Limiter(Protocol):
    def hit(self, key: str, window: int) -> int: ...

    def count(self, key: str, window: int) -> int: ...

    def reset(self, key: str) -> None: ...


def _digest(secret: str, key: str) -> str:
    # Keys hold addresses and e-mails: store a keyed hash, not the personal data itself.
    return hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()


class DatabaseLimiter:
    """Sliding-window counts in the rate_limit_hits table, in a session of its own."""

    def __init__(self, sessions: sessionmaker[Session], secret: str) -> None:
        self.sessions = sessions
        self.secret = secret

    def hit(self, key: str, window: int) -> int:
        """Count one request for `key`; return the requests in the window, this one included."""
        digest = _digest(self.secret, key)
        now = utcnow()
        with self.sessions() as session:
            session.add(RateLimitHit(key=digest, created_at=now))
            if secrets.randbelow(100) == 0:  # keep the table small without a scheduled job
                session.execute(
                    delete(RateLimitHit).where(RateLimitHit.created_at < now - dt.timedelta(days=1))
                )
            session.commit()
            return self._count(session, digest, window, now)

    def count(self, key: str, window: int) -> int:
        """Return the requests counted for `key` in the window."""
        with self.sessions() as session:
            return self._count(session, _digest(self.secret, key), window, utcnow())

    def reset(self, key: str) -> None:
        """Forget the requests counted for `key`."""
        with self.sessions() as session:
            session.execute(
                delete(RateLimitHit).where(RateLimitHit.key == _digest(self.secret, key))
            )
            session.commit()

    @staticmethod
    def _count(session: Session, digest: str, window: int, now: dt.datetime) -> int:
        since = now - dt.timedelta(seconds=window)
        return session.scalar(
            select(func.count())
            .select_from(RateLimitHit)
            .where(RateLimitHit.key == digest, RateLimitHit.created_at > since)
        )


class RedisLimiter:
    """Fixed-window counters in Redis, shared by every web process.

    While Redis is unreachable the `fallback` (the database's counts) stands in, after one
    logged warning, so sign-in and applying keep working and stay limited; Redis is tried
    again every RETRY_SECONDS, not on every request (a dead host would cost each a timeout).
    """

    RETRY_SECONDS = 30.0

    def __init__(self, url: str, secret: str, fallback: Limiter | None = None) -> None:
        import redis

        # Short timeouts: a limiter that waits on an unreachable host stalls every sign-in.
        self.redis = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self.secret = secret
        self.fallback = fallback
        self._retry_at: float | None = None  # set while Redis is away

    def _key(self, key: str, window: int) -> str:
        return f"recruit:rl:{_digest(self.secret, key)}:{window}:{int(time.time()) // window}"

    def _guarded(self, method: str, *args: Any) -> Any:
        import redis

        away = self._retry_at is not None and time.monotonic() < self._retry_at
        if self.fallback is not None and away:
            return getattr(self.fallback, method)(*args)
        try:
            result = getattr(self, f"_{method}")(*args)
        except redis.exceptions.RedisError as exc:
            if self.fallback is None:
                raise
            if self._retry_at is None:
                log.warning(
                    "Redis unreachable (%s): rate limits are counted in the database until it "
                    "is back",
                    exc,
                )
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            return getattr(self.fallback, method)(*args)
        if self._retry_at is not None:
            log.warning("Redis is back: rate limits are counted there again")
            self._retry_at = None
        return result

    def hit(self, key: str, window: int) -> int:
        """Count one request for `key`; return the requests in the window, this one included."""
        return int(self._guarded("hit", key, window))

    def count(self, key: str, window: int) -> int:
        """Return the requests counted for `key` in the window."""
        return int(self._guarded("count", key, window))

    def reset(self, key: str) -> None:
        """Forget the requests counted for `key`."""
        self._guarded("reset", key)

    def _hit(self, key: str, window: int) -> int:
        name = self._key(key, window)
        pipe = self.redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, window)
        return int(pipe.execute()[0])

    def _count(self, key: str, window: int) -> int:
        return int(self.redis.get(self._key(key, window)) or 0)

    def _reset(self, key: str) -> None:
        for name in self.redis.scan_iter(f"recruit:rl:{_digest(self.secret, key)}:*"):
            self.redis.delete(name)


def _limiter() -> Limiter:
    return current_app.extensions["recruit.limiter"]


def _limit(scope: str) -> tuple[int, int]:
    return current_app.config["RECRUIT_RATE_LIMITS"][scope]


def client_address() -> str:
    """Return the client's address (the proxy's view of it when RECRUIT_PROXY_HOPS is set)."""
    return request.remote_addr or "unknown"


def rate_limit_hit(scope: str, key: str) -> bool:
    """Count a request in `scope` for `key`; tell whether it is still within the limit."""
    if not current_app.config["RECRUIT_RATE_LIMIT_ENABLED"]:
        return True
    limit, window = _limit(scope)
    return _limiter().hit(f"{scope}:{key}", window) <= limit


def rate_limited(scope: str, key: str) -> bool:
    """Tell whether `key` has used up its requests in `scope`, without counting one."""
    if not current_app.config["RECRUIT_RATE_LIMIT_ENABLED"]:
        return False
    limit, window = _limit(scope)
    return _limiter().count(f"{scope}:{key}", window) >= limit


def rate_limit_reset(scope: str, key: str) -> None:
    """Forget the requests counted in `scope` for `key` (after a successful sign-in)."""
    _limiter().reset(f"{scope}:{key}")


def too_many(scope: str) -> TooManyRequests:
    """Return a 429 error that tells the client when to retry."""
    error = TooManyRequests()
    error.retry_after = _limit(scope)[1]  # type: ignore[attr-defined]
    return error


def limit_per_address(scope: str) -> Callable[[F], F]:
    """Refuse a view's POSTs with 429 once this address used up its requests in `scope`."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if request.method == "POST" and not rate_limit_hit(scope, client_address()):
                raise too_many(scope)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _guard_endpoints() -> None:
    if request.method != "POST":
        return
    scope = LIMITED_ENDPOINTS.get(request.endpoint or "")
    if scope and not rate_limit_hit(scope, client_address()):
        raise too_many(scope)
    if request.endpoint in UPLOAD_ENDPOINTS:
        # Only local disks fill up under us; object storage has no such limit to check.
        root = getattr(current_app.extensions["recruit.storage"], "root", None)
        needed = request.content_length or current_app.config["MAX_CONTENT_LENGTH"] or 0
        if root is not None and not storage_has_room(root, needed):
            raise InsufficientStorage()


def _audit_view(response: Any) -> Any:
    spec = AUDITED_VIEWS.get(request.endpoint or "")
    if spec is None or request.method != "GET" or response.status_code != 200:
        return response
    user = getattr(current_user, "user", None)
    if user is None:
        return response
    action, subject_type, argument = spec
    subject = (request.view_args or {}).get(argument)
    # A session of its own: the view's session may hold work it never meant to commit.
    with current_app.extensions["recruit.sessions"]() as session:
        session.add(
            AuditEvent(
                actor_id=user.id,
                action=action,
                subject_type=subject_type,
                subject_id=str(subject),
                detail={"endpoint": request.endpoint},
            )
        )
        session.commit()
    return response


# -- disk space ---------------------------------------------------------------------------


def storage_has_room(path: str | os.PathLike[str], needed: int, reserve: int | None = None) -> bool:
    """Tell whether `needed` more bytes fit under `path` and still leave the reserve free."""
    probe = os.fspath(path)
    # The upload folder may not exist before the first upload: ask about its nearest parent.
    while not os.path.exists(probe):
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    if reserve is None:
        reserve = (
            current_app.config.get("RECRUIT_DISK_RESERVE_BYTES", DISK_RESERVE_BYTES)
            if has_app_context()
            else DISK_RESERVE_BYTES
        )
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        return False
    return free - needed >= reserve
