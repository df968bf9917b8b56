"""Measure ingest: CVs per minute from files on disk to scores in the database.

Run: .venv/bin/python bench/ingest.py [--cvs 500] [--workers 2] [--repeat 1] [--skip-scaled]

In one run, over the same generated CVs (1-3 pages each):
- floor: plain pdfplumber `extract_text()` over the files on all cores (a process pool);
- embedded: `recruit import` on SQLite, reading on one process per core, no Redis;
- scaled: `recruit import --no-wait` on PostgreSQL, read by `--workers` RQ worker processes
  (already started and warm, as in production) on Redis;
- where the time goes: one process reads a sample stage by stage (pdfplumber alone, our
  reader, typos, extraction, scoring) and the rest is the database and the queue.
With `--repeat N`, N rounds of the floor and both deployments, a floor at the end: each run is
compared with the floors just before and after it, and the medians over the rounds are printed
(the machine is shared: a single run's ratio moved by 15% between identical runs).
Peak memory is each reading process's high-water mark (VmHWM). PostgreSQL and Redis are
the local ones (RECRUIT_BENCH_POSTGRES_URL, RECRUIT_BENCH_REDIS_URL); the bench creates and
drops a database of its own and uses a queue of its own.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402
from sqlalchemy import create_engine, func, select  # noqa: E402

from recruit.db import make_sessionmaker, upgrade  # noqa: E402
from recruit.db.models import Document  # noqa: E402
from tests.scale.cvs import (  # noqa: E402
    generate,
    scratch_postgres,
    scratch_queue,
    worker_env,
)

PG_URL = os.environ.get("RECRUIT_BENCH_POSTGRES_URL") or (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("RECRUIT_BENCH_REDIS_URL") or "redis://127.0.0.1:6379/0"


# --- measuring ------------------------------------------------------------------------------


class PeakMemory:
    """Sample the VmHWM (peak RSS) of a process tree until stopped; keep the peak per pid."""

    def __init__(self, roots: list[int], interval: float = 0.2) -> None:
        self.roots = set(roots)
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(interval,), daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self._sample()

    def _sample(self) -> None:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                    parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        tree, grew = set(self.roots), True
        while grew:
            more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
            tree |= more
            grew = bool(more)
        for pid in tree:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if m := re.search(r"VmHWM:\s+(\d+) kB", status):
                kb = int(m[1])
                if kb > self.peaks.get(pid, ("", 0))[1]:
                    self.peaks[pid] = (cmd.strip()[:80], kb)

    def readers_mb(self) -> list[int]:
        """Peak MB of each reading process (workers, reader processes), largest first."""
        return sorted(
            (
                kb // 1024
                for pid, (cmd, kb) in self.peaks.items()
                if _is_reader(cmd, root=pid in self.roots)
            ),
            reverse=True,
        )


def _is_reader(cmd: str, *, root: bool) -> bool:
    # `recruit import`'s readers are forks of it: its command line below the import itself.
    forked_import = " import " in f"{cmd} " and not root
    return " worker" in cmd or "multiprocessing" in cmd or "spawn_main" in cmd or forked_import


def _plumber(path: str) -> int:
    with pdfplumber.open(path) as pdf:
        return sum(len(page.extract_text() or "") for page in pdf.pages)


def floor(paths: list[Path], processes: int) -> float:
    """Seconds for plain pdfplumber extract_text() over `paths` on a process pool."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        pool.map(_plumber, [str(paths[0])] * processes)  # start-up is not reading
        start = time.perf_counter()
        pool.map(_plumber, [str(p) for p in paths], chunksize=4)
        return time.perf_counter() - start


def stages(paths: list[Path]) -> dict[str, float]:
    """Median ms per CV of each stage, read in this process, one stage after the other."""
    from recruit.core.extraction import extract_profile
    from recruit.core.reading import Limits, read_document
    from recruit.core.scoring import load_role, score
    from recruit.core.typos import find_typos
    from recruit.tasks import warm_up

    warm_up()
    role = load_role("account-manager")
    times: dict[str, list[float]] = {
        k: [] for k in ("pdfplumber", "read", "read_in_process", "typos", "extract", "score")
    }
    for path in paths:
        data = path.read_bytes()
        t0 = time.perf_counter()
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            "".join(page.extract_text() or "" for page in pdf.pages)
        t1 = time.perf_counter()
        read = read_document(data, path.name)
        t2 = time.perf_counter()
        read_document(data, path.name, limits=Limits(isolate=False))
        t3 = time.perf_counter()
        report = find_typos(read.text, read.language, read.page_starts)
        t4 = time.perf_counter()
        profile = extract_profile(
            read.text,
            language=read.language,
            page_starts=read.page_starts,
            doc_date=read.doc_date,
            typos=report.typos,
        )
        t5 = time.perf_counter()
        score(profile, role)
        t6 = time.perf_counter()
        for key, (a, b) in zip(
            times,
            ((t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t5, t6)),
            strict=True,
        ):
            times[key].append((b - a) * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


# --- the two deployments --------------------------------------------------------------------


def _recruit(*args: str) -> list[str]:
    return [sys.executable, "-m", "recruit.cli", *args]


def _opening(database_url: str) -> int:
    from recruit import services

    upgrade(database_url)
    engine = create_engine(database_url)
    with make_sessionmaker(engine)() as session:
        opening = services.create_opening(session, "Account Manager", "account-manager")
        session.commit()
        opening_id = opening.id
    engine.dispose()
    return opening_id


def _span(database_url: str) -> float:
    """Seconds from the first claim to the last result: reading, without start-up."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        first, last = conn.execute(
            select(func.min(Document.started_at), func.max(Document.finished_at))
        ).one()
    engine.dispose()
    return (last - first).total_seconds()


def _finished(conn: Any) -> tuple[int, int]:
    done, total = conn.execute(
        select(
            func.count().filter(Document.status.in_(("ok", "needs_review", "error"))),
            func.count(),
        )
    ).one()
    conn.rollback()  # a new snapshot for the next look
    return done or 0, total or 0


def embedded(folder: Path, tmp: Path) -> tuple[float, float, list[int]]:
    """Seconds for `recruit import` on SQLite (start-up included), and readers' peak MB."""
    tmp.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{tmp / 'bench.db'}"
    opening_id = _opening(url)
    start = time.perf_counter()
    proc = subprocess.Popen(
        _recruit("import", "--opening", str(opening_id), str(folder)),
        env=worker_env(tmp, url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    with PeakMemory([proc.pid]) as memory:
        out, err = proc.communicate()
    seconds = time.perf_counter() - start
    summary = out.decode().splitlines()[0]
    print("   embedded:", summary, file=sys.stderr)
    if "not read yet: 0" not in summary:
        sys.exit(f"embedded import failed:\n{err.decode()[-3000:]}")
    return seconds, _span(url), memory.readers_mb()


def scaled(folder: Path, tmp: Path, workers: int) -> tuple[float, float, list[int]]:
    """Seconds from `recruit import` to the last score with warm RQ workers, and their peak MB."""
    tmp.mkdir(parents=True, exist_ok=True)
    procs: list[subprocess.Popen[bytes]] = []
    with (
        scratch_postgres(PG_URL, "recruit_bench") as url,
        scratch_queue(REDIS_URL, "recruit-bench") as queue,
    ):
        env = worker_env(tmp, url, RECRUIT_REDIS_URL=REDIS_URL, RECRUIT_QUEUE=queue)
        try:
            opening_id = _opening(url)
            logs = [tmp / f"worker-{n}.log" for n in range(workers)]
            for log in logs:
                with log.open("wb") as out:
                    procs.append(
                        subprocess.Popen(
                            _recruit("worker"),
                            env=env,
                            stdout=out,
                            stderr=subprocess.STDOUT,
                            start_new_session=True,
                        )
                    )
            # Warm, as in production: each worker has built its pipelines and is listening.
            while not all("Listening on" in log.read_text(errors="replace") for log in logs):
                time.sleep(0.2)
            # One connection polled with one query: the bench's own looking (an engine and two
            # queries every 0.1 s took a tenth of a core) must not slow what it measures.
            watcher = create_engine(url)
            with PeakMemory([p.pid for p in procs]) as memory, watcher.connect() as conn:
                start = time.perf_counter()
                imported = subprocess.run(
                    _recruit("import", "--opening", str(opening_id), "--no-wait", str(folder)),
                    env=env,
                    capture_output=True,
                    text=True,
                )
                if imported.returncode:
                    sys.exit(f"scaled import failed:\n{imported.stderr[-3000:]}")
                while (done := _finished(conn))[0] < done[1] or done[1] == 0:
                    time.sleep(0.1)
                seconds = time.perf_counter() - start
            watcher.dispose()
            return seconds, _span(url), memory.readers_mb()
        finally:
            for proc in procs:
                os.killpg(proc.pid, signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()


# --- report ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cvs", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=60, help="CVs for the stage breakdown")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of floor, embedded, scaled (medians)"
    )
    parser.add_argument("--skip-scaled", action="store_true")
    parser.add_argument("--skip-embedded", action="store_true")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp_name:
        tmp = Path(tmp_name)
        folder = tmp / "cvs"
        folder.mkdir()
        pages = []
        for name, data in generate(args.cvs, broken_every=0):
            (folder / name).write_bytes(data)
            pages.append(data.count(b"/Type /Page") - data.count(b"/Type /Pages"))
        paths = sorted(folder.iterdir())
        print(
            f"{len(paths)} CVs, {sum(pages)} pages ({min(pages)}-{max(pages)} per CV), "
            f"{cores} cores, load average {os.getloadavg()[0]:.1f} at start",
            file=sys.stderr,
        )
        # Rounds of floor, embedded, scaled, and a last floor: each run's ratio is to the
        # mean of the floors just before and after it (other processes on the machine come
        # and go), and the summary gives the median and range over the rounds.
        floors = [floor(paths, cores)]
        runs: dict[str, list[tuple[float, float, list[int], int]]] = {}
        for n in range(max(1, args.repeat)):
            if not args.skip_embedded:
                seconds, span, mb = embedded(folder, tmp / f"embedded-{n}")
                label = f"embedded: SQLite, {cores} reader processes"
                runs.setdefault(label, []).append((seconds, span, mb, n))
            if not args.skip_scaled:
                seconds, span, mb = scaled(folder, tmp / f"scaled-{n}", args.workers)
                label = f"scaled: PostgreSQL + {args.workers} RQ workers"
                runs.setdefault(label, []).append((seconds, span, mb, n))
            floors.append(floor(paths, cores))
            print(
                f"round {n + 1}: floor {floors[-2]:.1f} s, then {floors[-1]:.1f} s", file=sys.stderr
            )
        _report(paths, floors, runs)
        sample = paths[:: max(1, len(paths) // args.sample)][: args.sample]
        ms = stages(sample)
        print(f"\nwhere the time goes, median ms per CV in one process ({len(sample)} CVs):")
        for key, value in ms.items():
            print(f"  {key:16} {value:7.1f}")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def _report(
    paths: list[Path],
    floors: list[float],
    runs: dict[str, list[tuple[float, float, list[int], int]]],
) -> None:
    """Print each run against its own floor, then each deployment's median over the rounds."""
    n = len(paths)
    print(
        f"\n{'':42} {'seconds':>7} {'CVs/min':>7} {'ratio':>5}"
        f" {'reading s':>9} {'CVs/min':>7} {'ratio':>5}  peak MB per reader"
    )
    floor_s = statistics.median(floors)
    print(
        f"{'floor: pdfplumber extract_text, pool':42} {floor_s:7.1f} {n / floor_s * 60:7.0f}"
        f" {1:5.2f} {floor_s:9.1f} {n / floor_s * 60:7.0f} {1:5.2f}"
        f"  (median of {len(floors)}: {min(floors):.1f}-{max(floors):.1f} s)"
    )
    summary = []
    for label, rows in runs.items():
        ratios, reading = [], []
        for seconds, span, mb, round_ in rows:
            own = (floors[round_] + floors[round_ + 1]) / 2
            ratios.append(own / seconds)
            reading.append(own / span)
            name = label if len(rows) == 1 else f"{label} #{round_ + 1}"
            print(
                f"{name:42} {seconds:7.1f} {n / seconds * 60:7.0f} {own / seconds:5.2f}"
                f" {span:9.1f} {n / span * 60:7.0f} {own / span:5.2f}  {mb[:4] or ''}"
            )
        summary.append((label, ratios, reading))
    print("(reading s: first claim to last score, without start-up; ratio: to the floor")
    print(" measured just before and after the run)")
    if any(len(ratios) > 1 for _, ratios, _ in summary):
        print("\nmedian ratio to the floor over the rounds (range):")
        for label, ratios, reading in summary:
            print(
                f"  {label:42} {statistics.median(ratios):5.2f}"
                f" ({min(ratios):.2f}-{max(ratios):.2f}) with start-up,"
                f" {statistics.median(reading):5.2f}"
                f" ({min(reading):.2f}-{max(reading):.2f}) once reading"
            )


if __name__ == "__main__":
    main()
