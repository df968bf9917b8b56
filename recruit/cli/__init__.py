"""The `recruit` command line.

The core commands (`parse`, `rank`, `typos`, `roles`: the command-line contract of
ARCHITECTURE.md, JSON Lines on stdout only) need no app, so they start without importing
Flask or SQLAlchemy; every other command is the Flask group of `recruit.cli.instance`, loaded
only when asked for (so `flask --app recruit ...` works as well).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from recruit.core.readahead import FolderReadAhead

_FILES = click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False)
)
_JOBS = click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Processes (default: all cores)."
)


def emit(record: dict[str, Any]) -> None:
    """Print one JSON object as a line of stdout."""
    click.echo(json.dumps(record, ensure_ascii=False))


def _analysed(files: tuple[str, ...], jobs: int | None) -> Iterator[tuple[str, Any]]:
    """Yield (file, analysis) in input order, with a progress line on a terminal's stderr."""
    analyses: Iterable[Any]
    if len(files) == 1:
        from recruit.core.readahead import ReadAhead

        # Forked before spaCy is imported: an idle core reads the file meanwhile.
        reading = ReadAhead(files[0])
        from recruit.core.pipeline import analyse_read

        analyses = (analyse_read(reading.result()) for _ in files)
    else:
        from recruit.core.pipeline import analyse_paths

        analyses = analyse_paths(list(files), jobs=jobs)
    show = sys.stderr.isatty()
    for n, analysis in enumerate(analyses, 1):
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
        emit(parse_record(file, analysis, with_text=with_text))


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
        emit(out)


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
        # One decimal, as people read scores; the order above used the exact totals.
        emit(
            {
                "file": file,
                "rank": position,
                "score": round(data["score"], 1),
                "knocked_out": data["knocked_out"],
                "knockouts": data["knockouts"],
                "criteria": [
                    {
                        **{k: c[k] for k in ("id", "label", "weight", "evidence")},
                        "points": round(c["points"], 1),
                    }
                    for c in data["criteria"]
                ],
            }
        )
    for file, analysis in unread:
        error = analysis.read.error
        emit(
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
    from recruit.core.assets import role_ids

    for role_id in role_ids():
        click.echo(role_id)


CORE_COMMANDS: tuple[click.Command, ...] = (parse, rank, typos, roles)


def register(app: Any) -> None:
    """Add recruit's commands to `app.cli`, for `flask --app recruit`."""
    from recruit.cli.instance import APP_COMMANDS

    for command in APP_COMMANDS + CORE_COMMANDS:
        app.cli.add_command(command)


class _Recruit(click.Group):
    """The `recruit` command: a core command runs here, any other in the instance group."""

    def main(self, args: Any = None, prog_name: str | None = None, **extra: Any) -> Any:
        """Run the command line `args` (default: this process's)."""
        argv = list(sys.argv[1:] if args is None else args)
        if argv and argv[0] in self.commands:
            # numpy's OpenBLAS starts a thread per core at import, and they spun on the other
            # core while spaCy loaded (0.1 s of CPU a command); the CV pipeline does no linear
            # algebra. Before numpy is imported, unless the caller chose.
            os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
            if not extra.get("standalone_mode", True):
                return super().main(argv, prog_name, **extra)
            _run_then_exit(lambda: click.Group.main(self, argv, prog_name, **extra))
        importing = bool(argv) and argv[0] == "import"
        if importing:
            _read_ahead(argv[1:])
        from recruit.cli.instance import flask_group

        group = flask_group(argv[0] if argv else None)
        if importing and extra.get("standalone_mode", True):
            # As a core command: its summary printed, its readers joined and its sessions
            # closed, tearing down a heap that holds spaCy took 0.2-0.3 s of the import.
            _run_then_exit(lambda: group.main(argv, prog_name, **extra))
        return group.main(argv, prog_name, **extra)


def _run_then_exit(run: Callable[[], Any]) -> NoReturn:
    """Run a command in standalone mode, then leave through `_exit_now` with its exit code."""
    try:
        run()
    except SystemExit as done:
        _exit_now(done.code)
    _exit_now(0)


# The read-ahead of the folder `recruit import` was given, by the folder's real path.
_READ_AHEAD: dict[str, FolderReadAhead] = {}


def _read_ahead(args: list[str]) -> None:
    """Start reading the folder of `recruit import ... FOLDER` in a child, before Flask and
    spaCy are imported (see `readahead.FolderReadAhead`); the command takes it with
    `take_read_ahead`. Not for a zip (read member by member as it is stored)."""
    if "--help" in args:
        return
    values = {i + 1 for i, a in enumerate(args) if a == "--opening"}  # "--opening 12"
    folders = [
        a
        for i, a in enumerate(args)
        if i not in values and not a.startswith("-") and os.path.isdir(a)
    ]
    if len(folders) != 1:
        return
    from pathlib import Path

    from recruit.core.folders import folder_files
    from recruit.core.readahead import FolderReadAhead

    root = Path(folders[0])
    try:
        paths = [str(p) for _, p in folder_files(root)]
    except OSError:  # a folder it may not list: the command itself says so, reading nothing ahead
        return
    _READ_AHEAD[os.path.realpath(root)] = FolderReadAhead(paths)


def take_read_ahead(folder: str | os.PathLike[str]) -> FolderReadAhead | None:
    """Return the read-ahead started for `folder` (a `FolderReadAhead`), or None; stop any
    other (the command line was read otherwise than guessed): none reads on for nothing."""
    wanted = _READ_AHEAD.pop(os.path.realpath(folder), None)
    for other in _READ_AHEAD.values():
        other.stop()
    _READ_AHEAD.clear()
    return wanted


def _exit_now(code: int | str | None) -> NoReturn:
    """Exit a finished core command without tearing the interpreter down.

    Freeing spaCy's heap object by object at exit took 0.12-0.15 s of a one-file `recruit
    parse` here (issue 16): a core command holds no file, lock or child that needs it (reader
    children leave when their pipe closes).
    """
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a closed pipe: nothing more can be said there
        code = code or 1
    os._exit(code or 0)


main = _Recruit(name="recruit", commands=CORE_COMMANDS)
