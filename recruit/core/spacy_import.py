"""Import spaCy without its command line, which recruit never runs.

`import spacy` runs `from .cli.info import info`, and importing `spacy.cli` imports every spaCy
command with typer, weasel, requests and httpx: 0.13-0.15 s of the 0.5 s that `import spacy`
took here, paid by every `recruit parse`. A stand-in for `spacy.cli.info` is put in place before
spaCy is imported; its `info` (and anything else asked of it) imports the real module then.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_NAME = "spacy.cli.info"


class _LazyInfo(types.ModuleType):
    """Stands for `spacy.cli.info` until something other than the import of spaCy uses it."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__: not a package
            raise AttributeError(name)
        return getattr(_real_info_module(), name)


def _real_info_module() -> types.ModuleType:
    if isinstance(sys.modules.get(_NAME), _LazyInfo):
        del sys.modules[_NAME]
    return importlib.import_module(_NAME)


def _info(*args: Any, **kwargs: Any) -> Any:
    """Run `spacy.info` (imported with spaCy's command line on the first call)."""
    return _real_info_module().info(*args, **kwargs)


def leave_out_spacy_cli() -> None:
    """Let a later `import spacy` skip `spacy.cli` (nothing to do once spaCy is imported)."""
    if "spacy" in sys.modules or _NAME in sys.modules:
        return
    stand_in = _LazyInfo(_NAME, __doc__)
    stand_in.info = _info  # type: ignore[attr-defined]
    sys.modules[_NAME] = stand_in
