from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pathspec import GitIgnoreSpec

from codex_core.file_search import (
    MATCH_LIMIT,
    GitIgnore,
    PendingSearches,
    fuzzy_file_search,
    score_path,
    search_files,
)


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")


@pytest.mark.parametrize(
    ("query", "path", "expected"),
    [
        # Values observed from the reference implementation.
        ("main", "main.py", (109, [0, 1, 2, 3])),
        ("main", ".hid/main2.py", (109, [5, 6, 7, 8])),
        ("main", ".hidden_main.py", (104, [8, 9, 10, 11])),
        ("mn", "maindir/x", (46, [0, 3])),
        ("mn", ".git/hooks/fsmonitor-watchman.sample", (29, [26, 28])),
        ("s m", "src/main.rs", (68, [0, 4])),
        ("s m", "linkdir/main_test.py", (50, [8, 15])),
        ("s m", ".git/hooks/pre-commit.sample", (48, [17, 22])),
    ],
)
def test_scores_match_reference(query: str, path: str, expected: tuple[int, list[int]]) -> None:
    assert score_path(query, path) == expected


def test_smart_case_and_non_match() -> None:
    assert score_path("Main", "main.py") is None
    assert score_path("Main", "MainCaps.py") is not None
    assert score_path("zzz", "hello") is None


def test_gitignore_rules() -> None:
    rules = GitIgnore(["# c", "*.log", "!keep.log", "build/", "/top.txt", "docs/**/gen", "a\\ "])
    assert rules.match("x/y.log", False) is True
    assert rules.match("keep.log", False) is False
    assert rules.match("build", True) is True
    assert rules.match("build", False) is None
    assert rules.match("top.txt", False) is True
    assert rules.match("sub/top.txt", False) is None
    assert rules.match("docs/a/b/gen", True) is True
    assert rules.match("a ", False) is True


def test_walk_respects_ignores_and_includes_hidden(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _touch(
        root,
        "main.py",
        ".hidden/main2.py",
        "ignored_main.py",
        "ig2_main.py",
        "build/main.o",
        "sub/main_keep.py",
        "sub/main_drop.py",
        "node_modules/main.js",
    )
    (root / ".gitignore").write_text("ignored_main.py\nbuild/\nnode_modules\n")
    (root / ".ignore").write_text("ig2_main.py\n")
    (root / "sub" / ".gitignore").write_text("main_drop.py\n")
    (tmp_path / ".gitignore").write_text("main_keep.py\n")  # parent of the root also applies
    paths = {f["path"] for f in search_files("main", [str(root)])}
    assert paths == {"main.py", ".hidden/main2.py"}


def test_symlinks_followed_without_loops(tmp_path: Path) -> None:
    _touch(tmp_path, "real/main_x.py")
    os.symlink(tmp_path / "real", tmp_path / "link")
    os.symlink(tmp_path, tmp_path / "real" / "loop")
    paths = {f["path"] for f in search_files("mainx", [str(tmp_path)])}
    assert {"real/main_x.py", "link/main_x.py"} <= paths


def test_result_shape_limit_and_order(tmp_path: Path) -> None:
    _touch(tmp_path, *(f"d{i:03}/file_{i}.txt" for i in range(120)))
    files = search_files("file", [str(tmp_path), str(tmp_path / "missing")])
    assert len(files) == MATCH_LIMIT
    first = files[0]
    assert set(first) == {"root", "path", "file_name", "score", "indices"}
    assert first["root"] == str(tmp_path) and first["file_name"] == first["path"].rsplit("/", 1)[-1]
    keys = [(-f["score"], f["path"]) for f in files]
    assert keys == sorted(keys)


def test_cancel_flag_returns_empty(tmp_path: Path) -> None:
    _touch(tmp_path, *(f"f{i}.py" for i in range(3000)))
    flag = threading.Event()
    flag.set()
    assert search_files("f", [str(tmp_path)], flag) == []


async def test_async_api(tmp_path: Path) -> None:
    _touch(tmp_path, "alpha.py", "beta.py")
    assert await fuzzy_file_search("", [str(tmp_path)]) == []
    assert await fuzzy_file_search("x", []) == []
    found = await fuzzy_file_search("alp", [str(tmp_path)])
    assert [f["path"] for f in found] == ["alpha.py"]
    cancelled = asyncio.Event()
    cancelled.set()
    assert await fuzzy_file_search("alp", [str(tmp_path)], cancelled) == []


def test_pending_searches_token() -> None:
    pending = PendingSearches()
    first = pending.begin("tok")
    second = pending.begin("tok")
    assert first.is_set() and not second.is_set()
    pending.finish("tok", first)  # stale finish must not drop the live one
    third = pending.begin("tok")
    assert second.is_set() and not third.is_set()
    pending.finish("tok", third)
    assert not pending.begin(None).is_set()


_RULE_PARTS = st.sampled_from(["a", "b", "*", "**", "?", "[ab]", "x.log", "!", "/", "\\#", "\\", "c d"])


def _readable(rule: str) -> bool:
    try:
        GitIgnoreSpec.from_lines([rule])
    except ValueError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(
    rules=st.lists(st.lists(_RULE_PARTS, min_size=1, max_size=4).map("".join), max_size=6),
    path=st.lists(st.sampled_from(["a", "b", "ab", "x.log", "c d", "#a"]), min_size=1, max_size=4),
    is_dir=st.booleans(),
)
def test_gitignore_filter_keeps_pathspec_verdict(rules: list[str], path: list[str], is_dir: bool) -> None:
    """The one-regex filter in front of pathspec only ever answers "no rule applies"."""
    rel = "/".join(path)
    readable = [rule for rule in rules if _readable(rule)]  # git skips the others
    expected = GitIgnoreSpec.from_lines(readable).check_file(rel + "/" if is_dir else rel).include
    assert GitIgnore(rules).match(rel, is_dir) is expected


def test_gitignore_crlf_and_bad_globs() -> None:
    rules = GitIgnore(["*.tmp\r", "[", "!", "\\", "ok"])  # one bad glob does not disable the others
    assert rules.match("x.tmp", False) is True
    assert rules.match("ok", False) is True
    assert rules.match("other", False) is None
