"""Measure start-up: the wall time of one-shot `recruit` commands, hyperfine style.

Run: .venv/bin/python bench/startup.py [--runs 10] [--baseline-rev REV]

Each command runs once to warm the OS file cache (and, the first time ever, to build the
on-disk cache of recruit.core.cache), then `--runs` times; the median and the maximum of the
wall time are printed with the CPU time the process used (user + system, its children
included), which the other work on a shared machine disturbs less than the wall time.
The one-file `parse` also runs without its read-ahead (the file read in the process, after
spaCy's import, not in a fork beside it), in the same run.
Floors measured in the same run, each a fresh interpreter: `python -c pass` and
`python -c "import spacy"`, which `recruit parse` cannot go under while it uses spaCy.
Then once each, with an empty cache folder: what the first start of an installation costs.
With `--baseline-rev` (a git revision, e.g. the commit before the start-up work) the same
commands also run from that revision's tree (`git archive`), in the same run.
Targets (issue 16): `recruit parse one.pdf` <= 1.0 s wall, `recruit roles` <= 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.cvgen import render_pdf, sample_cvs  # noqa: E402

SHARED_CVS = ROOT.parent / "shared" / "data" / "cvs"
RECRUIT = [sys.executable, "-m", "recruit.cli"]
# The same command without os.fork: recruit.core.readahead then reads the file in this process,
# after spaCy's import, as before the read-ahead (what a machine with no free core gets).
WITHOUT_READ_AHEAD = [
    sys.executable,
    "-c",
    "import os, runpy, sys; del os.fork; sys.argv[0] = 'recruit'; "
    "runpy.run_module('recruit.cli', run_name='__main__')",
]


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run `argv` to completion; return (wall seconds, CPU seconds of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # In the tree that PYTHONPATH names: `python -m` puts the working folder first on the path.
    cwd = env.get("PYTHONPATH") or ROOT
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed: {done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(name: str, argv: list[str], env: dict[str, str], runs: int, target: str = "") -> None:
    """Print the median and max wall time and the median CPU time of `runs` runs of `argv`."""
    run(argv, env)  # warm-up, not counted
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = run(argv, env)
        walls.append(wall)
        cpus.append(cpu)
    print(
        f"{name:44} wall median {statistics.median(walls):6.3f} s  max {max(walls):6.3f} s"
        f"   cpu median {statistics.median(cpus):6.3f} s  {target}",
        flush=True,
    )


def export(rev: str, folder: Path) -> Path:
    """Write the tree of git revision `rev` into `folder`; return it."""
    folder.mkdir()
    archive = subprocess.run(
        ["git", "archive", rev], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def main() -> None:
    """Run the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--baseline-rev", help="also run the commands from this git revision")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as tmp:
        generated = Path(tmp) / "generated-2-pages.pdf"
        generated.write_bytes(render_pdf(sample_cvs()["ro"], "two_column", min_pages=2))
        real = sorted(SHARED_CVS.rglob("*.pdf"))[:1] if SHARED_CVS.is_dir() else []
        print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
        measure("floor: python -c pass", [sys.executable, "-c", "pass"], env, args.runs)
        measure(
            "floor: python -c 'import spacy'",
            [sys.executable, "-c", "import spacy"],
            env,
            args.runs,
        )
        measure("recruit roles", [*RECRUIT, "roles"], env, args.runs, "(target <= 0.3 s)")
        measure(
            "recruit parse generated 2-page CV",
            [*RECRUIT, "parse", str(generated)],
            env,
            args.runs,
            "(target <= 1.0 s)",
        )
        for path in real:
            measure(
                f"recruit parse real CV ({path.stat().st_size // 1024} kB)",
                [*RECRUIT, "parse", str(path)],
                env,
                args.runs,
                "(target <= 1.0 s)",
            )
        for path in [generated, *real]:
            measure(
                f"  same, {'real' if path in real else 'generated'}, read after spaCy's import",
                [*WITHOUT_READ_AHEAD, "parse", str(path)],
                env,
                args.runs,
            )
        if args.baseline_rev:
            base = export(args.baseline_rev, Path(tmp) / "baseline")
            base_env = {**env, "PYTHONPATH": str(base)}
            rev = args.baseline_rev[:12]
            measure(f"[{rev}] recruit roles", [*RECRUIT, "roles"], base_env, args.runs)
            measure(
                f"[{rev}] recruit parse generated 2-page CV",
                [*RECRUIT, "parse", str(generated)],
                base_env,
                args.runs,
            )
        measure(
            "recruit parse, two files (reader children)",
            [*RECRUIT, "parse", str(generated), *(str(p) for p in real or [generated])],
            env,
            max(3, args.runs // 2),
        )
        cold = Path(tmp) / "cold-cache"
        cold_env = {**env, "RECRUIT_CACHE_DIR": str(cold)}
        wall, cpu = run([*RECRUIT, "parse", str(generated)], cold_env)
        label = "first start, empty cache folder (builds it)"
        print(f"{label:44} wall {wall:6.3f} s   cpu {cpu:6.3f} s")
        shutil.rmtree(cold, ignore_errors=True)
        print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
