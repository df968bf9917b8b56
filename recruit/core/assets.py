"""Locate the data assets (`models/`, `templates/`) in a checkout or an installed wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


@cache
def asset_root(name: str) -> Path:
    """Return the folder of asset kind `name` ("models" or "templates")."""
    installed = _PACKAGE / "_assets" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"recruit asset folder {name!r} not found next to {_PACKAGE}")


def models_path(*parts: str) -> Path:
    """Return a path inside `models/`."""
    return asset_root("models").joinpath(*parts)


def role_ids() -> list[str]:
    """Return the ids of the built-in roles (one JSON file each in `models/roles/`)."""
    # Here, not in `roles`, so that `recruit roles` lists them without loading the criteria.
    return sorted(p.stem for p in models_path("roles").glob("*.json"))
