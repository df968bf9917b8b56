"""The on-disk cache of derived tables: built once, rebuilt when stale, safe to share."""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import time
from pathlib import Path

import pytest

from recruit.core import cache
from recruit.core.cache import Lookup, cached_file, write_table


def _build_words(path: Path) -> None:
    write_table(path, "words", ("n",), [("one", 1), ("two", 2), ("three", 3)])


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RECRUIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_file_is_built_once_then_read(folder: Path) -> None:
    built: list[Path] = []

    def build(path: Path) -> None:
        built.append(path)
        _build_words(path)

    first = cached_file("words", build)
    second = cached_file("words", build)
    assert first == second and first.parent == folder
    assert len(built) == 1 and built[0] != first  # built aside, then renamed into place
    table = Lookup(lambda: first, "words")
    assert table.get("two") == (2,)
    assert table.get("four") is None
    table.prefetch(["one", "three", "five"])
    assert (table.get("one"), table.get("three"), table.get("five")) == ((1,), (3,), None)


def test_a_changed_input_makes_a_new_file(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "builder.py"
    source.write_text("RULE = 1\n")
    old = cached_file("words", _build_words, sources=[str(source)])
    source.write_text("RULE = 2\n")  # the code that builds it changed
    new = cached_file("words", _build_words, sources=[str(source)])
    assert new != old and new.is_file()
    # The old one may be another checkout's, in use: it stays until unused for a week.
    assert old.exists()
    # An upgraded package a build reads (here: one that is absent, then named) changes it too.
    assert cached_file("words", _build_words, sources=[str(source)], packages=["wordfreq"]) != new


def test_a_changed_models_file_makes_a_new_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = cached_file("words", _build_words)
    monkeypatch.setattr(cache, "models_digest", lambda: "another models/ content")
    assert cached_file("words", _build_words) != old


def test_the_models_digest_follows_the_content_of_models() -> None:
    digest = cache.models_digest()
    assert len(digest) == 64
    cache.models_digest.cache_clear()
    assert cache.models_digest() == digest  # stable for unchanged files


def _start_together(folder: str, log: str, barrier: object) -> str:
    os.environ["RECRUIT_CACHE_DIR"] = folder

    def slow_build(path: Path) -> None:
        with open(log, "a") as fh:
            fh.write(f"{os.getpid()}\n")
        time.sleep(0.5)  # long enough that every process arrives while the first builds
        _build_words(path)

    barrier.wait()  # type: ignore[attr-defined]
    path = cached_file("words", slow_build)
    return (
        str(path)
        + "|"
        + ",".join(
            str(n) for (n,) in sqlite3.connect(path).execute("SELECT n FROM words ORDER BY n")
        )
    )


def test_concurrent_first_starts_build_once_and_all_read_a_whole_file(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    log = tmp_path / "builds.log"
    with ctx.Manager() as manager:
        barrier = manager.Barrier(4)
        with ctx.Pool(4) as pool:
            results = pool.starmap(
                _start_together, [(str(tmp_path / "cache"), str(log), barrier)] * 4
            )
    assert len(log.read_text().split()) == 1  # one builder; the others waited for its file
    assert len(set(results)) == 1 and results[0].endswith("|1,2,3")
    # No temporary file is left behind.
    assert [p.name for p in (tmp_path / "cache").iterdir() if not p.name.startswith(".")] == [
        Path(results[0].split("|")[0]).name
    ]


def test_a_folder_that_cannot_be_written_costs_a_private_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("RECRUIT_CACHE_DIR", str(blocked / "cache"))
    path = cached_file("words", _build_words)
    assert path.is_file() and blocked not in path.parents
    assert Lookup(lambda: path, "words").get("one") == (1,)


def test_the_default_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RECRUIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/somewhere/cache")
    assert cache.cache_dir() == Path("/somewhere/cache/recruit")


def test_a_lookup_survives_a_fork(folder: Path) -> None:
    table = Lookup(lambda: cached_file("words", _build_words), "words")
    assert table.get("one") == (1,)  # the parent's connection is open
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child must open its own connection, not reuse the parent's
        os.close(read)
        table._rows.clear()
        os.write(write, repr(table.get("three")).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100) == b"(3,)"
    os.close(read)


def test_only_files_unused_for_a_week_are_removed(folder: Path, tmp_path: Path) -> None:
    source = tmp_path / "builder.py"
    source.write_text("RULE = 1\n")
    old = cached_file("words", _build_words, sources=[str(source)])
    week_ago = time.time() - cache.UNUSED_FOR - 60
    os.utime(old, (week_ago, week_ago))
    source.write_text("RULE = 2\n")
    new = cached_file("words", _build_words, sources=[str(source)])
    assert new.exists() and not old.exists()


def test_a_file_asked_for_counts_as_used(folder: Path, tmp_path: Path) -> None:
    old = cached_file("words", _build_words)
    week_ago = time.time() - cache.UNUSED_FOR - 60
    os.utime(old, (week_ago, week_ago))
    assert cached_file("words", _build_words) == old  # asked for again: in use
    assert time.time() - old.stat().st_mtime < 60


def test_a_reader_keeps_its_file_when_another_process_removes_it(folder: Path) -> None:
    path = cached_file("words", _build_words)
    table = Lookup(lambda: cached_file("words", _build_words), "words")
    path.unlink()  # another checkout's cleanup, say
    assert table.get("two") == (2,)  # the open file is still ours


def test_a_forked_child_whose_file_was_removed_builds_it_again(folder: Path) -> None:
    built: list[int] = []

    def build(path: Path) -> None:
        built.append(os.getpid())
        _build_words(path)

    table = Lookup(lambda: cached_file("words", build), "words")
    for path in folder.glob("words-*.sqlite"):
        path.unlink()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        table._rows.clear()
        os.write(write, repr((table.get("three"), len(built))).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100) == b"((3,), 2)"  # the child built it again, then read it
    os.close(read)
