from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from codex_core.git_diff import collect_git_info, git_diff_to_remote, git_repo_root

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")

_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
    "PATH": "/usr/local/bin:/usr/bin:/bin",
}


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env=_ENV, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in _ENV.items():
        monkeypatch.setenv(key, value)
    remote = tmp_path / "remote.git"
    work = tmp_path / "work"
    _git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    _git(tmp_path, "init", "-q", "-b", "main", str(work))
    (work / "a.txt").write_text("one\n")
    _git(work, "add", "a.txt")
    _git(work, "commit", "-q", "-m", "first")
    _git(work, "remote", "add", "origin", str(remote))
    _git(work, "push", "-q", "-u", "origin", "main")
    return work


async def test_diff_against_pushed_commit(repo: Path) -> None:
    pushed = _git(repo, "rev-parse", "HEAD")
    (repo / "a.txt").write_text("one\ntwo\n")
    _git(repo, "commit", "-q", "-am", "local only")
    (repo / "a.txt").write_text("one\ntwo\nthree\n")
    (repo / "new.txt").write_text("fresh\n")
    result = await git_diff_to_remote(repo)
    assert result is not None
    assert result["sha"] == pushed
    assert "+two" in result["diff"] and "+three" in result["diff"]
    assert "new file mode" in result["diff"] and "+fresh" in result["diff"]


async def test_feature_branch_uses_closest_remote(repo: Path) -> None:
    _git(repo, "checkout", "-q", "-b", "feature")
    (repo / "b.txt").write_text("b\n")
    _git(repo, "add", "b.txt")
    _git(repo, "commit", "-q", "-m", "feature work")
    _git(repo, "push", "-q", "-u", "origin", "feature")
    head = _git(repo, "rev-parse", "HEAD")
    result = await git_diff_to_remote(repo / ".")
    assert result == {"sha": head, "diff": ""}


async def test_not_a_repo_or_no_remote(tmp_path: Path, repo: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert await git_diff_to_remote(plain) is None
    assert await git_diff_to_remote(tmp_path / "missing") is None
    _git(repo, "remote", "remove", "origin")
    assert await git_diff_to_remote(repo) is None


async def test_collect_git_info(tmp_path: Path, repo: Path) -> None:
    info = await collect_git_info(repo)
    assert info is not None
    assert info["commit_hash"] == _git(repo, "rev-parse", "HEAD")
    assert info["branch"] == "main"
    assert info["repository_url"] == str(tmp_path / "remote.git")
    _git(repo, "checkout", "-q", "--detach")
    detached = await collect_git_info(repo)
    assert detached is not None and detached["branch"] is None
    plain = tmp_path / "plain"
    plain.mkdir()
    assert await collect_git_info(plain) is None
    assert git_repo_root(repo / "sub") == repo
