"""The commands that work on an instance (its database, storage and queue): a Flask CLI group.

`recruit.cli` loads this module only for them, so the core commands start without Flask.
"""

from __future__ import annotations

import contextlib
import secrets
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select
from werkzeug.serving import run_simple

from recruit import services
from recruit.cli import emit as _emit
from recruit.db import upgrade
from recruit.db.models import CURRENCIES, EMPLOYMENT_TYPES, USER_ROLES, User
from recruit.settings import Settings


def _settings() -> Settings:
    return current_app.config["RECRUIT_SETTINGS"]


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Create or migrate the database to the latest schema."""
    upgrade(_settings().database_url)
    click.echo("database is up to date", err=True)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(USER_ROLES), required=True)
@click.option("--name", default="")
@click.password_option()
@with_appcontext
def create_user(email: str, role: str, name: str, password: str) -> None:
    """Create a staff account."""
    with current_app.extensions["recruit.sessions"]() as session:
        try:
            services.create_user(session, email, password, role, name)
        except services.ServiceError as exc:
            raise click.ClickException(str(exc)) from exc
        session.commit()
    click.echo(f"created {role} {email}", err=True)


@click.command("demo")
@click.option(
    "--candidates",
    type=click.IntRange(min=0, max=200),
    default=30,
    show_default=True,
    help="Invented CVs per demo opening (Romanian and English PDFs), read before it returns.",
)
@with_appcontext
def demo(candidates: int) -> None:
    """Load demo openings, accounts and candidates once; print the new logins (only this time)."""
    from recruit.services import demo as demo_data
    from recruit.services import ingest

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    sessions = app.extensions["recruit.sessions"]
    with sessions() as session:
        if session.scalar(select(User).where(User.email == "recruiter@demo.recruit")):
            click.echo("demo data present; logins were printed when it was created", err=True)
            return
        logins, staff = [], []
        for email, role, name in (
            ("recruiter@demo.recruit", "recruiter", "Ioana Recruiter"),
            ("manager@demo.recruit", "hiring_manager", "Mihai Manager"),
            ("admin@demo.recruit", "admin", "Admin"),
        ):
            password = secrets.token_urlsafe(12)
            user = services.create_user(session, email, password, role, name)
            logins.append((role, email, password))
            if role != "admin":  # admins see every opening already
                staff.append(user)
        openings = services.load_demo_openings(session)
        for opening in openings:
            for user in staff:
                services.add_member(session, opening, user)
        session.commit()
        # The candidates: invented CVs stored and read as `recruit import --wait` does them.
        document_ids: dict[int, str] = {}
        runner = _readers(app, _settings()) if candidates and not _settings().redis_url else None
        try:
            reports = demo_data.load_demo_candidates(
                session, app.extensions["recruit.storage"], openings, candidates
            )
            session.commit()
            document_ids = {k: v for r in reports.values() for k, v in r.document_ids.items()}
            click.echo(f"{len(document_ids)} demo CVs stored", err=True)
            if runner is not None:
                runner.close()
            if document_ids:
                _wait_for_reading(
                    app,
                    document_ids,
                    runner,
                    "stopped; the CVs stay queued: `recruit serve` or `recruit worker` reads them",
                )
        finally:
            if runner is not None:
                runner.stop()
    if document_ids:
        with sessions() as session:
            summary = ingest.summarise(session, document_ids)
        click.echo(
            f"demo CVs read: {summary.counts.get('ok', 0)}, not read yet: {summary.pending}",
            err=True,
        )
    click.echo("Demo accounts (shown once; keep them):")
    for role, email, password in logins:
        click.echo(f"  {role:15} {email:26} {password}")


# --- openings: JSON on stdout (one object, or JSON Lines for `list`), messages on stderr -----


def _opening_options(creating: bool) -> Any:
    """The options `opening create` and `opening edit` share."""

    def decorate(f: Any) -> Any:
        options = [
            click.option("--title", required=creating, default=None),
            click.option("--location", "--city", "location", default=None),
            click.option("--description", default=None, help="Markdown."),
            click.option(
                "--description-file",
                type=click.File(encoding="utf-8"),
                default=None,
                help="Read the Markdown description from a file ('-' for stdin).",
            ),
            click.option("--employment-type", type=click.Choice(EMPLOYMENT_TYPES), default=None),
            click.option("--salary-min", type=click.IntRange(min=0), default=None),
            click.option("--salary-max", type=click.IntRange(min=0), default=None),
            click.option("--currency", type=click.Choice(CURRENCIES), default=None),
            click.option(
                "--closes-on",
                type=click.DateTime(formats=["%Y-%m-%d"]),
                default=None,
                help="The last day to apply, YYYY-MM-DD.",
            ),
            click.option(
                "--member",
                "members",
                multiple=True,
                help="E-mail of a recruiter or hiring manager (repeat; replaces the members).",
            ),
            click.option(
                "--by", "by", default=None, help="E-mail of the staff member acting (audit)."
            ),
        ]
        for option in reversed(options):
            f = option(f)
        return f

    return decorate


def _opening_fields(**given: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if given.get("description_file") is not None:
        given["description"] = given["description_file"].read()
    for key in ("title", "location", "description", "employment_type", "salary_min", "salary_max"):
        if given.get(key) is not None:
            fields[key] = given[key]
    if given.get("currency") is not None:
        fields["salary_currency"] = given["currency"]
    if given.get("closes_on") is not None:
        fields["closes_on"] = given["closes_on"].date()
    return fields


def _user_by_email(session: Any, email: str | None) -> User | None:
    if email is None:
        return None
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.UsageError(f"no user with e-mail {email}")
    return user


def _opening_by_id(session: Any, opening_id: int) -> Any:
    from recruit.db.models import Opening

    opening = session.get(Opening, opening_id)
    if opening is None:
        raise click.UsageError(f"no opening {opening_id}")
    return opening


@click.group("opening")
def opening_group() -> None:
    """Create, edit, close, reopen and list openings (JSON on stdout)."""


@opening_group.command("create")
@click.option("--role", "role_id", default=None, help="A built-in role id (see `recruit roles`).")
@click.option(
    "--copy-from", type=int, default=None, help="Copy this opening's current requirements."
)
@_opening_options(creating=True)
@with_appcontext
def opening_create(
    role_id: str | None,
    copy_from: int | None,
    members: tuple[str, ...],
    by: str | None,
    **given: Any,
) -> None:
    """Create an open opening from a built-in role or a copy of another opening's requirements."""
    from recruit.services import openings

    if (role_id is None) == (copy_from is None):
        raise click.UsageError("give either --role or --copy-from")
    with current_app.extensions["recruit.sessions"]() as session:
        author = _user_by_email(session, by)
        source = _opening_by_id(session, copy_from) if copy_from is not None else None
        staff = [u for u in (_user_by_email(session, m) for m in members) if u is not None]
        try:
            opening = openings.create_opening(
                session,
                role_id=role_id or "",
                author=author,
                copy_from=source,
                members=staff,
                **_opening_fields(**given),
            )
        except services.ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
        session.commit()
        _emit(openings.describe(opening))


@opening_group.command("edit")
@click.argument("opening_id", type=int)
@_opening_options(creating=False)
@with_appcontext
def opening_edit(opening_id: int, members: tuple[str, ...], by: str | None, **given: Any) -> None:
    """Change the fields given (and, with --member, who works on the opening)."""
    from recruit.services import openings

    with current_app.extensions["recruit.sessions"]() as session:
        actor = _user_by_email(session, by)
        opening = _opening_by_id(session, opening_id)
        try:
            changed = openings.update_opening(session, opening, actor, **_opening_fields(**given))
            if members:
                staff = [u for u in (_user_by_email(session, m) for m in members) if u is not None]
                openings.set_members(session, opening, staff, actor)
        except services.ServiceError as exc:
            raise click.UsageError(str(exc)) from exc
        session.commit()
        click.echo(f"changed: {', '.join(changed) or 'nothing'}", err=True)
        _emit(openings.describe(opening))


@opening_group.command("close")
@click.argument("opening_id", type=int)
@click.option("--by", default=None, help="E-mail of the staff member acting (audit).")
@with_appcontext
def opening_close(opening_id: int, by: str | None) -> None:
    """Stop an opening taking applications."""
    from recruit.services import openings

    with current_app.extensions["recruit.sessions"]() as session:
        opening = _opening_by_id(session, opening_id)
        openings.close_opening(session, opening, _user_by_email(session, by))
        session.commit()
        _emit(openings.describe(opening))


@opening_group.command("reopen")
@click.argument("opening_id", type=int)
@click.option("--by", default=None, help="E-mail of the staff member acting (audit).")
@with_appcontext
def opening_reopen(opening_id: int, by: str | None) -> None:
    """Let a closed opening take applications again."""
    from recruit.services import openings

    with current_app.extensions["recruit.sessions"]() as session:
        opening = _opening_by_id(session, opening_id)
        openings.reopen_opening(session, opening, _user_by_email(session, by))
        session.commit()
        _emit(openings.describe(opening))


@opening_group.command("list")
@click.option(
    "--status",
    type=click.Choice(("accepting", "open", "closed", "all")),
    default="all",
    help="accepting: open and not past the closing day.",
)
@with_appcontext
def opening_list(status: str) -> None:
    """Print the openings as JSON Lines, oldest first."""
    from recruit.db.models import Opening
    from recruit.services import openings

    with current_app.extensions["recruit.sessions"]() as session:
        for opening in session.scalars(select(Opening).order_by(Opening.id)):
            record = openings.describe(opening)
            if status == "all" or (
                record["accepting_applications"]
                if status == "accepting"
                else opening.status == status
            ):
                _emit(record)


def _task_context(app: Flask) -> Any:
    from recruit.queue import QueueSettings
    from recruit.tasks import TaskContext

    settings: Settings = app.config["RECRUIT_SETTINGS"]
    lease = QueueSettings.from_env(settings.redis_url or "").lease
    return TaskContext(
        app.extensions["recruit.sessions"],
        app.extensions["recruit.storage"],
        lease,
        app.extensions["recruit.mailer"],
        settings.mail_from,
        settings.reread,
    )


@click.command("worker")
@click.option("--threads", type=int, default=None, help="Embedded worker threads (no Redis).")
@click.option("--burst", is_flag=True, help="Quit once nothing is queued.")
@with_appcontext
def worker(threads: int | None, burst: bool) -> None:
    """Read queued documents until interrupted: an RQ worker when Redis is configured."""
    from recruit.runner import LocalRunner

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = _settings()
    ctx = _task_context(app)
    if settings.redis_url:
        from recruit.queue import QueueSettings, run_worker

        qs = QueueSettings.from_env(settings.redis_url)
        click.echo(f"RQ worker on queue {qs.name!r}; SIGTERM or Ctrl-C stops it", err=True)
        run_worker(ctx, qs, burst=burst)
        return
    from recruit.runner import wake_folder

    runner = LocalRunner(
        ctx, threads=threads or settings.worker_threads, listen=wake_folder(settings)
    )
    if burst:
        read = runner.run_until_idle(threads=runner.threads)
        click.echo(f"nothing queued; read {read} documents", err=True)
        return
    runner.start()
    click.echo(f"worker running with {runner.threads} threads; Ctrl-C stops it", err=True)
    try:
        while True:
            runner._stop.wait(3600)
    except KeyboardInterrupt:
        runner.stop()


@click.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--no-worker", is_flag=True, help="Do not start the embedded worker.")
@click.option("--prod", is_flag=True, help="Serve with gunicorn, several processes, no worker.")
@click.option("--workers", type=int, default=None, help="Web processes with --prod.")
@with_appcontext
def serve(host: str, port: int, no_worker: bool, prod: bool, workers: int | None) -> None:
    """Migrate the database, start the embedded worker and serve the web app."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = _settings()
    upgrade(settings.database_url)
    if prod:
        from recruit.runner import default_web_workers, serve_production

        workers = workers or default_web_workers()
        click.echo(f"recruit on http://{host}:{port} ({workers} gunicorn workers)", err=True)
        if not settings.redis_url:
            click.echo("no RECRUIT_REDIS_URL: run `recruit worker` to read CVs", err=True)
        serve_production(_production_app, bind=f"{host}:{port}", workers=workers)
        return
    # With Redis the RQ workers read the CVs; the embedded one would only compete with them.
    readers = None
    if not no_worker and not settings.redis_url:
        from recruit.runner import start_readers, wake_folder

        # Processes, not threads of this one: reading and extracting would hold its GIL
        # against the requests, and a burst of uploads would queue behind one core.
        readers = start_readers(settings, settings.worker_threads, listen=wake_folder(settings))
    click.echo(f"recruit on http://{host}:{port}", err=True)
    # SIGTERM stops the server as Ctrl-C does: the readers finish their document first.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        # Not app.run(): Flask ignores it inside a `flask`/`recruit` CLI command.
        run_simple(host, port, app, threaded=True, use_reloader=False)
    finally:
        if readers is not None:
            readers.stop()


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _production_app() -> Flask:
    """Build one gunicorn worker's app: its own engine, storage client and queue connection."""
    app = _create_app()
    return app


@click.command("import")
@click.option("--opening", "opening_id", type=int, required=True, help="The opening's id.")
@click.option("--wait/--no-wait", default=True, help="Wait for the CVs to be read (default).")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@with_appcontext
def import_cvs(opening_id: int, wait: bool, source: Path) -> None:
    """Import a folder or zip of CVs into an opening; run it again to resume."""
    from recruit.cli import take_read_ahead
    from recruit.db.models import Opening
    from recruit.services import ingest

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = _settings()
    sessions = app.extensions["recruit.sessions"]
    with sessions() as session:
        if session.get(Opening, opening_id) is None:
            raise click.UsageError(f"no opening {opening_id}")
    try:
        sources, skipped = ingest.list_sources(
            source, max_bytes=settings.max_upload_mb * 1024 * 1024
        )
    except services.ServiceError as exc:
        raise click.UsageError(str(exc)) from exc
    # Without Redis, our own readers: started before the files are stored, so they read
    # each batch as it is committed.
    runner = _readers(app, settings) if wait and not settings.redis_url else None
    # What the child started before our imports reads meanwhile, until the first batch is
    # committed (recruit.cli._read_ahead): kept beside the stored files, whoever reads them
    # (our readers, `recruit worker`s on this upload folder) takes it instead of reading
    # those files. A bucket keeps none.
    ahead = take_read_ahead(source)
    try:
        with sessions() as session, _stop_on_ctrl_c() as stopping:
            opening = session.get(Opening, opening_id)
            with _progress(len(sources), "storing") as bar:
                report = ingest.import_files(
                    session,
                    app.extensions["recruit.storage"],
                    opening,
                    sources,
                    on_file=lambda s: bar.update(1),
                    read_ahead=ahead,
                    stop=stopping.is_set,
                )
        report.skipped.extend(skipped)
        click.echo(
            f"{report.added} added, {report.already_imported} already imported, "
            f"{len(report.duplicates)} duplicates, {len(report.skipped)} skipped",
            err=True,
        )
        if runner is not None:
            runner.close()
        if report.stopped:
            click.echo(_STOPPED, err=True)
        elif wait:
            _wait_for_reading(app, report.document_ids, runner)
    finally:
        if ahead is not None:
            ahead.stop()
        if runner is not None:
            runner.stop()
    with sessions() as session:
        summary = ingest.summarise(session, report.document_ids)
    _print_summary(report, summary)


_STOPPED = "stopped; run the same import again to resume"


@contextlib.contextmanager
def _stop_on_ctrl_c() -> Iterator[threading.Event]:
    """Turn Ctrl-C into a request to stop (the event set) while a command's work may end at
    its next batch; outside the main thread, or with SIGINT not Python's, Ctrl-C is unchanged."""
    stopping = threading.Event()
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield stopping
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: stopping.set())
    try:
        yield stopping
    finally:
        signal.signal(signal.SIGINT, previous)


def _progress(total: int, label: str) -> Any:
    """A progress bar on stderr; click draws it only when stderr is a terminal."""
    return click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)


def _readers(app: Flask, settings: Settings) -> Any:
    """Start one reading process per core (embedded: no Redis), forked from this process.

    Call it with no session open: the engine's idle connections are closed before the fork.
    """
    import os

    from recruit.runner import start_readers

    return start_readers(settings, os.cpu_count() or 1, engine=app.extensions["recruit.engine"])


def _wait_for_reading(
    app: Flask,
    document_ids: dict[int, str],
    runner: Any,
    stopped: str = _STOPPED,
) -> None:
    """Wait until every document is read: by our `runner`, or by RQ workers when it is None."""
    import time

    from recruit.services import ingest

    if runner is None:
        click.echo("waiting for `recruit worker` processes; Ctrl-C stops waiting", err=True)
    total = len(document_ids)
    done = 0
    try:
        with _progress(total, "reading") as bar:
            while True:
                with app.extensions["recruit.sessions"]() as session:
                    pending = ingest.summarise(session, document_ids).pending
                bar.update(total - pending - done)
                done = total - pending
                # Our readers stop when nothing is left to claim; whatever is still pending
                # then is another process's (a running `recruit serve`): reported as not read.
                if pending == 0 or (runner is not None and not runner.alive()):
                    break
                if runner is not None:
                    runner.wait(0.5)  # less when the readers end, having read everything
                else:
                    time.sleep(0.5)
    except KeyboardInterrupt:
        click.echo(stopped, err=True)


def _print_summary(report: Any, summary: Any) -> None:
    counts = summary.counts
    click.echo(
        f"read: {counts.get('ok', 0)}, needs review: {counts.get('needs_review', 0)}, "
        f"failed: {counts.get('error', 0)}, not read yet: {summary.pending}"
    )
    for file, status, code, message in summary.problems:
        click.echo(f"  {status:12} {file}: {code} {message}".rstrip())
    for file, same in report.duplicates:
        click.echo(f"  duplicate    {file}: same file as {same}")
    for file, reason in report.skipped:
        click.echo(f"  skipped      {file}: {reason}")


@click.command("reread")
@click.option("--opening", "opening_id", type=int, default=None, help="Only this opening's CVs.")
@click.option("--all", "everything", is_flag=True, help="Every read CV, of any version.")
@with_appcontext
def reread(opening_id: int | None, everything: bool) -> None:
    """Read again, now, the CVs an older extractor read (--all: every read CV); JSON summary.

    With Redis the workers read them (this waits, Ctrl-C stops waiting); else this process.
    Status, notes and history stay; profile, text and score are replaced.
    """
    import time

    from recruit.db.models import Opening
    from recruit.services.documents import ASKED_REREAD_BATCH, stale_documents
    from recruit.tasks import reread_batch

    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = _settings()
    sessions = app.extensions["recruit.sessions"]
    with sessions() as session:
        if opening_id is not None and session.get(Opening, opening_id) is None:
            raise click.UsageError(f"no opening {opening_id}")
        ids = stale_documents(session, opening_id=opening_id, force=everything)
    click.echo(f"{len(ids)} CVs to read again", err=True)
    counts = {"reread": 0, "failed": 0, "skipped": 0}
    queued = bool(settings.redis_url) and not everything and bool(ids)
    if queued:
        from recruit.queue import QueueSettings, TaskQueue

        TaskQueue(QueueSettings.from_env(settings.redis_url or "")).enqueue_reread(among=ids)
        click.echo("waiting for `recruit worker` processes; Ctrl-C stops waiting", err=True)
        try:
            with _progress(len(ids), "reading again") as bar:
                left = len(ids)
                while left:
                    time.sleep(0.5)
                    with sessions() as session:
                        now = len(set(ids) & set(stale_documents(session)))
                    bar.update(left - now)
                    left = now
        except KeyboardInterrupt:
            click.echo("stopped waiting; the workers go on", err=True)
        with sessions() as session:
            counts.update(_reread_outcomes(session, ids))
    else:
        ctx = _task_context(app)
        with _progress(len(ids), "reading again") as bar:
            for start in range(0, len(ids), ASKED_REREAD_BATCH):
                chunk = ids[start : start + ASKED_REREAD_BATCH]
                results = reread_batch(ctx, len(chunk), among=chunk, force=everything)
                for outcome in results.values():
                    counts[outcome] += 1
                counts["skipped"] += len(chunk) - len(results)  # taken by a worker meanwhile
                bar.update(len(chunk))
    _emit({"documents": len(ids), **counts, "queued": queued})


def _reread_outcomes(session: Any, ids: list[int]) -> dict[str, int]:
    """Count, among `ids`, the documents read again, failed again, and still waiting."""
    from recruit.core.pipeline import EXTRACTOR_VERSION
    from recruit.db.models import Document
    from recruit.services.documents import REREAD_FAILED, stale

    counts = {"reread": 0, "failed": 0, "waiting": 0}
    for version in session.scalars(select(Document.extractor_version).where(Document.id.in_(ids))):
        if version == EXTRACTOR_VERSION:
            counts["reread"] += 1
        elif (version or "").endswith(REREAD_FAILED + EXTRACTOR_VERSION):
            counts["failed"] += 1
        elif stale(version):
            counts["waiting"] += 1
    return counts


@click.command("purge")
@with_appcontext
def purge() -> None:
    """Erase candidates whose retention date has passed: files deleted, rows anonymised."""
    report = services.purge_task(
        current_app.extensions["recruit.sessions"], current_app.extensions["recruit.storage"]
    )
    click.echo(f"purged {report.candidates} candidates, deleted {report.files} files", err=True)


APP_COMMANDS = (
    db_group,
    create_user,
    demo,
    opening_group,
    worker,
    serve,
    import_cvs,
    reread,
    purge,
)


def _create_app() -> Flask:
    from recruit.web.app import create_app

    return create_app()


def _command_app() -> Flask:
    from recruit.web.app import create_app

    return create_app(web=False)


def flask_group(command: str | None = None) -> FlaskGroup:
    """Return the `recruit` group with every command: the app's and the core's.

    `command`: the one about to run. Ours serve no page, except `serve`: they get an app
    without the web's blueprints (`create_app(web=False)`). Flask's own (`run`, `routes`,
    `shell`) and `serve` get the whole app.
    """
    from recruit.cli import CORE_COMMANDS

    pages = command not in {c.name for c in APP_COMMANDS} or command == serve.name
    group = FlaskGroup(
        name="recruit",
        help="recruit: CV screening for account-manager roles.",
        create_app=_create_app if pages else _command_app,
        add_version_option=False,
        load_dotenv=False,
    )
    for command in APP_COMMANDS + CORE_COMMANDS:
        group.add_command(command)
    return group
