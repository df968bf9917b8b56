"""The `recruit` command line: a Flask CLI group, so `flask --app recruit ...` works as well."""

from __future__ import annotations

import json
import secrets
import sys
from collections.abc import Iterator
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from recruit import services
from recruit.db import upgrade
from recruit.db.models import USER_ROLES, User
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
@with_appcontext
def demo() -> None:
    """Load demo openings and accounts once; print the new logins (only this time)."""
    with current_app.extensions["recruit.sessions"]() as session:
        if session.scalar(select(User).where(User.email == "recruiter@demo.recruit")):
            click.echo("demo data present; logins were printed when it was created", err=True)
            return
        logins = []
        for email, role, name in (
            ("recruiter@demo.recruit", "recruiter", "Ioana Recruiter"),
            ("manager@demo.recruit", "hiring_manager", "Mihai Manager"),
            ("admin@demo.recruit", "admin", "Admin"),
        ):
            password = secrets.token_urlsafe(12)
            services.create_user(session, email, password, role, name)
            logins.append((role, email, password))
        services.load_demo_openings(session)
        session.commit()
    click.echo("Demo accounts (shown once; keep them):")
    for role, email, password in logins:
        click.echo(f"  {role:15} {email:26} {password}")


@click.command("worker")
@click.option("--threads", type=int, default=None, help="Worker threads (default from settings).")
@with_appcontext
def worker(threads: int | None) -> None:
    """Read queued documents until interrupted."""
    from recruit.runner import LocalRunner
    from recruit.tasks import TaskContext

    settings = _settings()
    ctx = TaskContext(
        current_app.extensions["recruit.sessions"], current_app.extensions["recruit.storage"]
    )
    runner = LocalRunner(ctx, threads=threads or settings.worker_threads)
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
@with_appcontext
def serve(host: str, port: int, no_worker: bool) -> None:
    """Migrate the database, start the embedded worker and serve the web app."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    upgrade(_settings().database_url)
    if not no_worker:
        from recruit.web.app import start_worker

        start_worker(app)
    click.echo(f"recruit on http://{host}:{port}", err=True)
    app.run(host=host, port=port, threaded=True, use_reloader=False)


# --- the command-line contract (ARCHITECTURE.md): no app, JSON Lines on stdout only ---------

_FILES = click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False)
)
_JOBS = click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Processes (default: all cores)."
)


def _emit(record: dict[str, Any]) -> None:
    click.echo(json.dumps(record, ensure_ascii=False))


def _analysed(files: tuple[str, ...], jobs: int | None) -> Iterator[tuple[str, Any]]:
    """Yield (file, analysis) in input order, with a progress line on a terminal's stderr."""
    from recruit.core.pipeline import analyse_paths

    show = sys.stderr.isatty()
    for n, analysis in enumerate(analyse_paths(list(files), jobs=jobs), 1):
        if show:
            click.echo(f"\r{n}/{len(files)} {files[n - 1][-60:]:60}", err=True, nl=False)
        yield files[n - 1], analysis
    if show:
        click.echo("", err=True)


@click.command("parse")
@click.option("--text", "with_text", is_flag=True, help="Add the normalised text.")
@_JOBS
@_FILES
def parse(with_text: bool, jobs: int | None, files: tuple[str, ...]) -> None:
    """Read CV files and print one JSON object per file, in input order."""
    from recruit.core.pipeline import parse_record

    for file, analysis in _analysed(files, jobs):
        _emit(parse_record(file, analysis, with_text=with_text))


@click.command("typos")
@_JOBS
@_FILES
def typos(jobs: int | None, files: tuple[str, ...]) -> None:
    """Print the key-term typos of each file as JSON Lines."""
    from recruit.core.pipeline import parse_record

    for file, analysis in _analysed(files, jobs):
        record = parse_record(file, analysis)
        missing = analysis.profile.missing_diacritics if analysis.profile else 0
        out = {"file": file, "typos": record["typos"], "missing_diacritics": missing}
        if record["status"] == "error":
            out.update(status=record["status"], error=record["error"])
        _emit(out)


@click.command("rank")
@click.option("--role", "role_id", required=True, help="A built-in role id (see `recruit roles`).")
@click.option(
    "--weights",
    type=click.Path(exists=True, dir_okay=False),
    help="A requirement profile file in the format of models/roles/ (overrides the role's).",
)
@_JOBS
@_FILES
def rank(role_id: str, weights: str | None, jobs: int | None, files: tuple[str, ...]) -> None:
    """Score CV files for a role; print JSON Lines best first, knocked-out and unread files last."""
    from pathlib import Path

    from recruit.core.scoring import ProfileError, load_role, parse_requirements, score

    try:
        requirements = (
            parse_requirements(Path(weights).read_text(encoding="utf-8"), source=weights)
            if weights
            else load_role(role_id)
        )
    except (ProfileError, OSError) as exc:
        raise click.UsageError(str(exc)) from exc
    scored, unread = [], []
    for index, (file, analysis) in enumerate(_analysed(files, jobs)):
        if analysis.profile is None:
            unread.append((file, analysis))
            continue
        result = score(analysis.profile, requirements)
        # Best first; knocked-out candidates after the others, never dropped; ties by input order.
        scored.append(((result.knocked_out, -result.total, index), file, result))
    scored.sort(key=lambda item: item[0])
    for position, (_key, file, result) in enumerate(scored, 1):
        data = result.to_dict()
        _emit(
            {
                "file": file,
                "rank": position,
                "score": data["score"],
                "knocked_out": data["knocked_out"],
                "knockouts": data["knockouts"],
                "criteria": [
                    {k: c[k] for k in ("id", "label", "weight", "points", "evidence")}
                    for c in data["criteria"]
                ],
            }
        )
    for file, analysis in unread:
        error = analysis.read.error
        _emit(
            {
                "file": file,
                "rank": None,
                "score": None,
                "knockouts": [],
                "criteria": [],
                "status": analysis.read.status,
                "error": {"code": error.code, "message": error.message} if error else None,
            }
        )


@click.command("roles")
def roles() -> None:
    """List the built-in role ids, one per line."""
    from recruit.core.scoring import role_ids

    for role_id in role_ids():
        click.echo(role_id)


APP_COMMANDS = (db_group, create_user, demo, worker, serve)
CORE_COMMANDS: tuple[click.Command, ...] = (parse, rank, typos, roles)


def register(app: Flask) -> None:
    """Add recruit's commands to `app.cli`, for `flask --app recruit`."""
    for command in APP_COMMANDS + CORE_COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from recruit.web.app import create_app

    return create_app()


main = FlaskGroup(
    name="recruit",
    help="recruit: CV screening for account-manager roles.",
    create_app=_create_app,
    add_version_option=False,
    load_dotenv=False,
)
for _command in CORE_COMMANDS:
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
