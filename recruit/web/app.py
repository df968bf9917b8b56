"""The application factory."""

from __future__ import annotations

import atexit
import datetime as dt
from typing import Any

from flask import Flask, g
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session

from recruit.core.assets import asset_root
from recruit.db import make_engine, make_sessionmaker
from recruit.db.models import User, as_utc, utcnow
from recruit.mailer import make_mailer
from recruit.settings import Settings, default_instance_path
from recruit.storage import Storage, make_storage

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.sign_in"


def create_app(test_config: dict[str, Any] | None = None, *, web: bool = True) -> Flask:
    """Build the app; settings come from RECRUIT_* variables read here, or from `test_config`.

    `web=False`: the app of a command-line command that serves no page (`recruit import`,
    `recruit worker`): settings, database, storage, mailer and the queue's hooks, without the
    blueprints, sign-in and CSRF, whose imports were a tenth of a second of every such start.
    """
    test_config = test_config or {}
    instance = test_config.get("INSTANCE_PATH") or default_instance_path()
    app = Flask(
        "recruit",
        instance_path=str(instance),
        instance_relative_config=True,
        template_folder=str(asset_root("templates")),
        static_folder=str(asset_root("templates") / "static"),
    )
    settings = Settings.from_env(instance, test_config.get("ENV"))
    app.config.from_mapping(
        SECRET_KEY=settings.secret_key,
        RECRUIT_SETTINGS=settings,
        MAX_CONTENT_LENGTH=settings.max_upload_mb * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        START_WORKER=False,
    )
    app.config.update({k: v for k, v in test_config.items() if k not in ("ENV",)})

    engine = make_engine(settings.database_url, test_config.get("ENV"))
    app.extensions["recruit.engine"] = engine
    app.extensions["recruit.sessions"] = make_sessionmaker(engine)
    app.extensions["recruit.storage"] = make_storage(settings.upload_dir, test_config.get("ENV"))
    app.extensions["recruit.mailer"] = make_mailer(settings.smtp_url, settings.outbox_folder)
    if settings.redis_url:
        from recruit.queue import QueueSettings, TaskQueue, install

        # Uploads go to the RQ workers right after their commit.
        queue = TaskQueue(QueueSettings.from_env(settings.redis_url))
        install(app.extensions["recruit.sessions"], queue)
        app.extensions["recruit.queue"] = queue
    else:
        _wake_workers_at_commit(app, settings)
    app.teardown_appcontext(_close_session)
    if not web:
        return app

    from recruit.web.security import IdConverter, init_security

    # Before any blueprint: every `<int:...>` in a route is an id with the bounds of a column.
    app.url_map.converters["int"] = IdConverter
    csrf.init_app(app)
    login_manager.init_app(app)
    init_security(app, test_config.get("ENV"))

    from recruit.web import auth, public

    app.register_blueprint(public.bp)
    # 401 for a staff page sends the visitor to the sign-in page.
    login_manager.unauthorized_handler(_unauthorized)
    app.register_blueprint(auth.bp)
    from recruit.web import api, candidates, manager, recruiter
    from recruit.web.i18n import init_i18n

    init_i18n(app)
    for blueprint in (candidates.bp, recruiter.bp, manager.bp):
        app.register_blueprint(blueprint)
    api.init_api(app)
    from recruit.web import admin, openings, privacy
    from recruit.web.markdown import markdown_text, render_markdown

    app.register_blueprint(openings.bp)
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(markdown_text, "markdown_text")
    app.register_blueprint(admin.bp)
    app.register_blueprint(privacy.bp)

    from recruit.cli import register

    register(app)
    if app.config["START_WORKER"]:
        start_worker(app)
    return app


def _wake_workers_at_commit(app: Flask, settings: Settings) -> None:
    """Wake the embedded worker (and `recruit worker` processes) when an upload is committed."""
    from recruit.runner import notify_workers, wake_folder
    from recruit.tasks import on_queued

    folder = wake_folder(settings)

    def announce(pending: dict[int, int]) -> None:
        runner = app.extensions.get("recruit.runner")
        if runner is not None:
            runner.wake()
        notify_workers(folder)

    on_queued(app.extensions["recruit.sessions"], announce)


def start_worker(app: Flask) -> None:
    """Start the embedded worker threads for this process."""
    from recruit.runner import LocalRunner
    from recruit.tasks import TaskContext

    settings: Settings = app.config["RECRUIT_SETTINGS"]
    ctx = TaskContext(
        app.extensions["recruit.sessions"],
        app.extensions["recruit.storage"],
        mailer=app.extensions["recruit.mailer"],
        mail_from=settings.mail_from,
        reread=settings.reread,
    )
    runner = LocalRunner(ctx, threads=settings.worker_threads)
    runner.start()
    atexit.register(runner.stop)
    app.extensions["recruit.runner"] = runner


def db_session() -> Session:
    """Return this request's database session (closed at teardown)."""
    if "db_session" not in g:
        from flask import current_app

        g.db_session = current_app.extensions["recruit.sessions"]()
    return g.db_session


def storage() -> Storage:
    """Return the file storage."""
    from flask import current_app

    return current_app.extensions["recruit.storage"]


def _unauthorized() -> Any:
    from flask import redirect, request, url_for

    return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


# The idle clock is written at most this often: a page a second need not write a row a second.
TOUCH_EVERY = dt.timedelta(minutes=1)


@login_manager.user_loader
def _load_user(token: str) -> Any:
    # The cookie carries a session token; the row decides: signed out, idle, too old, or the
    # user's password, role or active state changed since, and it opens nothing.
    from flask import current_app

    from recruit import services

    settings: Settings = current_app.config["RECRUIT_SETTINGS"]
    row = services.session_for(
        db_session(),
        token,
        idle=dt.timedelta(minutes=settings.session_idle_minutes),
        max_age=dt.timedelta(hours=settings.session_max_hours),
    )
    if row is None:
        return None
    now = utcnow()
    if now - as_utc(row.last_seen_at) >= TOUCH_EVERY:
        # A session of its own: a page that only reads never commits the request's.
        with current_app.extensions["recruit.sessions"]() as own:
            services.touch_session(own, row.id, now)
            own.commit()
    return StaffUser(row.user, token)


def sign_in_user(session: Session, user: User) -> None:
    """Start a server-side session for `user` and put its token in this browser's cookie."""
    from flask import current_app
    from flask_login import login_user

    from recruit import services

    settings: Settings = current_app.config["RECRUIT_SETTINGS"]
    token = services.start_session(
        session, user, max_age=dt.timedelta(hours=settings.session_max_hours)
    )
    session.commit()
    login_user(StaffUser(user, token))


class StaffUser:
    """Flask-Login's view of a staff account, signed in through one session token."""

    def __init__(self, user: User, token: str) -> None:
        self.user = user
        self.token = token
        self.id = user.id
        self.role = user.role
        self.email = user.email
        self.name = user.name or user.email

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.token
