"""Measure upload to score: from the apply form's response to the score on the shortlist.

Run: .venv/bin/python bench/latency.py [--uploads 50] [--spacing 1.5] [--clients 8]
     [--baseline-rev REV] [--skip-rq]

A real server (`recruit serve`, subprocess) takes real uploads over HTTP (the apply form,
CSRF token and all) of generated 2-page CVs, each one different. The clock starts when the
form's response arrives and stops when the application's score is in the database, which
is what the shortlist shows (polled every 20 ms, one query for all pending uploads).
Two deployments: the embedded worker inside `recruit serve` on SQLite, and RQ (`recruit
serve` with Redis on PostgreSQL, plus two `recruit worker` processes). Each gets `--uploads`
uploads spaced out (one every `--spacing` s) and as many in a burst (`--clients` sending
at once, back to back).
One upload first warms the worker up and is not counted. With `--baseline-rev` the embedded
deployment also runs from that git revision's tree, in the same run.
PostgreSQL and Redis: RECRUIT_BENCH_POSTGRES_URL (a database the bench may create others
from) and RECRUIT_BENCH_REDIS_URL; the bench makes its own database and queue and drops them.
Target (issue 16.2): p50 <= 1 s and p95 <= 2 s, embedded and RQ.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import bindparam, create_engine, text  # noqa: E402

from tests.cvgen import render_pdf, sample_cvs  # noqa: E402
from tests.scale.cvs import scratch_postgres, scratch_queue, worker_env  # noqa: E402

PG_URL = os.environ.get("RECRUIT_BENCH_POSTGRES_URL") or (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("RECRUIT_BENCH_REDIS_URL") or "redis://127.0.0.1:6379/0"


def cv(n: int) -> bytes:
    """Return a 2-page CV of its own for upload `n`."""
    doc = sample_cvs()["ro" if n % 2 else "en"]
    header = [f"Candidat{n} Popescu", *doc.header[1:]]
    return render_pdf(dataclasses.replace(doc, header=header), "two_column", min_pages=2)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _recruit(tree: Path, *args: str) -> list[str]:
    # Run in `tree` (cwd and PYTHONPATH): the current checkout or a baseline revision's.
    return [sys.executable, "-m", "recruit.cli", *args]


def _env(tree: Path, tmp: Path, url: str, **extra: str) -> dict[str, str]:
    env = worker_env(tmp, url, RECRUIT_APPLY_LIMIT="100000/hour", PYTHONPATH=str(tree), **extra)
    if "RECRUIT_CACHE_DIR" in os.environ:
        env["RECRUIT_CACHE_DIR"] = os.environ["RECRUIT_CACHE_DIR"]
    return env


def _run(tree: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        _recruit(tree, *args), env=env, cwd=tree, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"recruit {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextlib.contextmanager
def _processes(
    commands: list[tuple[list[str], Path]], env: dict[str, str], tree: Path
) -> Iterator[None]:
    procs = []
    try:
        for argv, log in commands:
            with log.open("wb") as out:
                procs.append(
                    subprocess.Popen(
                        argv, env=env, cwd=tree, stdout=out, stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )  # fmt: skip
        yield
    finally:
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


class Scores:
    """Watch the database for the scores of uploaded applications (by status token)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url)
        self.pending: dict[str, float] = {}  # token -> when the upload's response arrived
        self.latency: dict[str, float] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def add(self, token: str, at: float) -> None:
        with self.lock:
            self.pending[token] = at

    def wait(self, tokens: list[str], timeout: float = 600) -> list[float]:
        deadline = time.monotonic() + timeout
        while any(t not in self.latency for t in tokens):
            if time.monotonic() > deadline:
                sys.exit(f"{sum(t not in self.latency for t in tokens)} uploads never scored")
            time.sleep(0.05)
        return [self.latency[t] for t in tokens]

    def _watch(self) -> None:
        while not self.stop.wait(0.02):
            with self.lock:
                tokens = list(self.pending)
            if not tokens:
                continue
            with self.engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT status_token FROM applications "
                        "WHERE score IS NOT NULL AND status_token IN :tokens"
                    ).bindparams(bindparam("tokens", expanding=True)),
                    {"tokens": tokens},
                ).all()
            now = time.monotonic()
            with self.lock:
                for (token,) in rows:
                    self.latency[token] = now - self.pending.pop(token)

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.engine.dispose()


def upload(base: str, opening_id: int, n: int, data: bytes) -> tuple[str, float]:
    """Apply through the form; return (status token, when its response arrived)."""
    http = requests.Session()
    form = http.get(f"{base}/openings/{opening_id}/apply", timeout=60).text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    fields = {
        "name": f"Candidat{n} Popescu",
        "email": f"candidat{n}-{uuid.uuid4().hex[:6]}@example.com",
        "phone": "+40722123456",
        "consent": "y",
        "csrf_token": csrf[1] if csrf else "",
    }
    response = http.post(
        f"{base}/openings/{opening_id}/apply",
        data=fields,
        files={"cv": (f"cv-{n}.pdf", data, "application/pdf")},
        allow_redirects=False,
        timeout=120,
    )
    at = time.monotonic()
    if response.status_code != 302:
        sys.exit(f"upload {n}: HTTP {response.status_code}\n{response.text[:2000]}")
    return response.headers["Location"].rstrip("/").split("/")[-1].split("?")[0], at


def _wait_up(base: str, log: Path) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{base}/", timeout=5).status_code == 200:
                return
        time.sleep(0.3)
    sys.exit(f"the server did not start:\n{log.read_text(errors='replace')[-3000:]}")


def measure(label: str, base: str, opening_id: int, url: str, args: argparse.Namespace) -> None:
    """Print p50, p95 and max of upload-to-score, spaced out and in a burst."""
    scores = Scores(url)
    try:
        token, at = upload(base, opening_id, 0, cv(0))  # warm-up: spaCy, lexicons, readers
        scores.add(token, at)
        scores.wait([token])
        files = [cv(n) for n in range(1, 2 * args.uploads + 1)]
        spaced = []
        for n in range(args.uploads):
            started = time.monotonic()
            token, at = upload(base, opening_id, n + 1, files[n])
            scores.add(token, at)
            spaced.append(token)
            time.sleep(max(0.0, args.spacing - (time.monotonic() - started)))
        _report(f"{label}, spaced {args.spacing:g} s", scores.wait(spaced))

        def send(n: int) -> str:
            token, at = upload(base, opening_id, n + 1, files[n])
            scores.add(token, at)
            return token

        with ThreadPoolExecutor(args.clients) as pool:
            burst = list(pool.map(send, range(args.uploads, 2 * args.uploads)))
        _report(f"{label}, burst from {args.clients} clients", scores.wait(burst))
    finally:
        scores.close()


def _report(label: str, seconds: list[float]) -> None:
    s = sorted(seconds)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    print(
        f"{label:50} p50 {statistics.median(s):6.2f} s   p95 {p95:6.2f} s   max {s[-1]:6.2f} s"
        f"   (n={len(s)}, load {os.getloadavg()[0]:.1f})",
        flush=True,
    )


def _opening(tree: Path, env: dict[str, str]) -> int:
    out = _run(tree, env, "opening", "create", "--title", "Account Manager", "--role",
               "account-manager")  # fmt: skip
    return int(re.search(r'"id": (\d+)', out)[1])  # type: ignore[index]


def embedded(tree: Path, tmp: Path, args: argparse.Namespace, label: str) -> None:
    """`recruit serve` on SQLite with its embedded worker."""
    tmp.mkdir(parents=True)
    url = f"sqlite:///{tmp / 'recruit.db'}"
    env = _env(tree, tmp, url)
    _run(tree, env, "db", "upgrade")
    opening_id = _opening(tree, env)
    port = _free_port()
    log = tmp / "serve.log"
    with _processes([(_recruit(tree, "serve", "--port", str(port)), log)], env, tree):
        base = f"http://127.0.0.1:{port}"
        _wait_up(base, log)
        measure(label, base, opening_id, url, args)


def with_rq(tree: Path, tmp: Path, args: argparse.Namespace, workers: int = 2) -> None:
    """`recruit serve` with Redis on PostgreSQL, and RQ workers."""
    tmp.mkdir(parents=True)
    with (
        scratch_postgres(PG_URL, "recruit_latency") as url,
        scratch_queue(REDIS_URL, "recruit-latency") as queue,
    ):
        env = _env(tree, tmp, url, RECRUIT_REDIS_URL=REDIS_URL, RECRUIT_QUEUE=queue)
        _run(tree, env, "db", "upgrade")
        opening_id = _opening(tree, env)
        port = _free_port()
        logs = [tmp / "serve.log", *(tmp / f"worker-{n}.log" for n in range(workers))]
        commands = [(_recruit(tree, "serve", "--port", str(port)), logs[0])]
        commands += [(_recruit(tree, "worker"), log) for log in logs[1:]]
        with _processes(commands, env, tree):
            base = f"http://127.0.0.1:{port}"
            _wait_up(base, logs[0])
            while not all("Listening on" in log.read_text(errors="replace") for log in logs[1:]):
                time.sleep(0.2)
            measure(f"RQ: PostgreSQL + {workers} workers", base, opening_id, url, args)


def main() -> None:
    """Run the bench."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument("--spacing", type=float, default=1.5)
    parser.add_argument("--clients", type=int, default=8, help="concurrent uploads in the burst")
    parser.add_argument("--baseline-rev", help="also run the embedded server of this revision")
    parser.add_argument("--skip-rq", action="store_true")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory(prefix="latency-bench-") as name:
        tmp = Path(name)
        embedded(ROOT, tmp / "embedded", args, "embedded worker, SQLite")
        if args.baseline_rev:
            base = tmp / "baseline-tree"
            base.mkdir()
            archive = subprocess.run(
                ["git", "archive", args.baseline_rev], cwd=ROOT, capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
            embedded(base, tmp / "baseline", args, f"[{args.baseline_rev[:10]}] embedded")
        if not args.skip_rq:
            with_rq(ROOT, tmp / "rq", args)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
