"""The files of a folder that a bulk import offers as CVs: one walk for the importer and for
the child reading ahead of it (`readahead.FolderReadAhead`), so both see the same files."""

from __future__ import annotations

from pathlib import Path


def folder_files(root: Path) -> list[tuple[str, Path]]:
    """Return (path below `root` in POSIX form, path) of every regular file under `root`,
    sorted, without hidden files and folders (.DS_Store, .git: never CVs)."""
    out = []
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and not hidden(name):
            out.append((name, path))
    return out


def hidden(name: str) -> bool:
    """Tell whether a path inside a folder or zip ("a/.git/x", ".DS_Store") is hidden."""
    return any(part.startswith(".") for part in name.split("/"))
