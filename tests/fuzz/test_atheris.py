"""Coverage-guided fuzzing with atheris, a fixed number of inputs per target (skipped where
atheris is not installed; `python -m tests.fuzz.atheris_targets TARGET` runs a longer campaign)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz import hostile

ROOT = Path(__file__).resolve().parents[2]
RUNS = 2000

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None, reason="atheris is not installed here"
)


@pytest.mark.parametrize("target", ["reader", "text", "profile"])
def test_atheris_target_finds_no_crash(target: str, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "cv.pdf").write_bytes(hostile.valid())
    (seeds / "text.txt").write_text("Account manager, 03/2019 - prezent, vânzări B2B\n• negociere")
    (seeds / "profile.json").write_text(
        '{"id": "x", "criteria": [{"id": "s", "type": "skill", "skills": ["negotiation"]}]}'
    )
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.fuzz.atheris_targets",
            target,
            str(seeds),
            # A fixed seed and a count, not a time: CI explores the same inputs on every run
            # and machine. A random campaign is `python -m tests.fuzz.atheris_targets`.
            "-seed=20261127",
            f"-runs={RUNS}",
            "-timeout=10",
            "-rss_limit_mb=2048",
            f"-artifact_prefix={tmp_path}/",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Done" in run.stderr
