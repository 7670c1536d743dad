"""Git helpers: ``gitDiffToRemote`` and the ``gitInfo`` attached to threads.

Everything shells out to the ``git`` binary through asyncio subprocesses with a per
command timeout, so a huge or wedged repository can never stall the event loop.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "GIT_COMMAND_TIMEOUT",
    "collect_git_info",
    "git_diff_to_remote",
    "git_repo_root",
]

# Seconds allowed for each individual git invocation.
GIT_COMMAND_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class _Result:
    returncode: int
    stdout: bytes


def git_repo_root(cwd: str | os.PathLike[str]) -> Path | None:
    """Closest ancestor of ``cwd`` (inclusive) holding a ``.git`` entry (dir or file)."""
    current = Path(cwd).absolute()
    for candidate in (current, *current.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


async def _git(cwd: str, *args: str, timeout: float = GIT_COMMAND_TIMEOUT) -> _Result | None:
    """Run ``git args`` in ``cwd``; None when git is missing, cwd is bad, or it timed out."""
    try:
        proc = await asyncio.create_subprocess_exec(
            "git",
            *args,
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            # Never let git prompt (credentials, pagers) on a headless server.
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"},
        )
    except OSError:
        return None
    try:
        stdout, _ = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        return None
    return _Result(proc.returncode if proc.returncode is not None else -1, stdout)


def _text(result: _Result | None) -> str | None:
    """Decoded stdout of a successful command (None on failure or bad UTF-8)."""
    if result is None or result.returncode != 0:
        return None
    try:
        return result.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None


async def collect_git_info(cwd: str | os.PathLike[str]) -> dict[str, str | None] | None:
    """``{commit_hash, branch, repository_url}`` for the repo containing ``cwd``.

    None when ``cwd`` is not inside a git work tree (or git is unavailable).  Each
    field is None when its command fails; a detached HEAD gives ``branch: None``.
    """
    where = os.fspath(cwd)
    probe = await _git(where, "rev-parse", "--git-dir")
    if probe is None or probe.returncode != 0:
        return None
    commit, branch, url = await asyncio.gather(
        _git(where, "rev-parse", "HEAD"),
        _git(where, "rev-parse", "--abbrev-ref", "HEAD"),
        _git(where, "remote", "get-url", "origin"),
    )
    commit_text = _text(commit)
    branch_text = _text(branch)
    url_text = _text(url)
    branch_name = branch_text.strip() if branch_text is not None else None
    return {
        "commit_hash": commit_text.strip() if commit_text is not None else None,
        "branch": branch_name if branch_name and branch_name != "HEAD" else None,
        "repository_url": url_text.strip() if url_text is not None else None,
    }


async def _remotes(cwd: str) -> list[str] | None:
    text = _text(await _git(cwd, "remote"))
    if text is None:
        return None
    names = [line for line in text.splitlines() if line]
    # origin is consulted first when present.
    if "origin" in names:
        names.remove("origin")
        names.insert(0, "origin")
    return names


async def _default_branch(cwd: str, remotes: list[str]) -> str | None:
    for remote in remotes:
        symref = _text(await _git(cwd, "symbolic-ref", "--quiet", f"refs/remotes/{remote}/HEAD"))
        if symref is not None and "/" in symref.strip():
            return symref.strip().rsplit("/", 1)[1]
        shown = _text(await _git(cwd, "remote", "show", remote))
        if shown is not None:
            for line in shown.splitlines():
                line = line.strip()
                if line.startswith("HEAD branch:"):
                    name = line[len("HEAD branch:") :].strip()
                    if name:
                        return name
    for candidate in ("main", "master"):
        verify = await _git(cwd, "rev-parse", "--verify", "--quiet", f"refs/heads/{candidate}")
        if verify is not None and verify.returncode == 0:
            return candidate
    return None


async def _branch_candidates(cwd: str, remotes: list[str]) -> list[str]:
    """Current branch, default branch, then remote branches that already contain HEAD."""
    ordered: list[str] = []
    current = _text(await _git(cwd, "rev-parse", "--abbrev-ref", "HEAD"))
    if current is not None and current.strip() and current.strip() != "HEAD":
        ordered.append(current.strip())
    default = await _default_branch(cwd, remotes)
    if default is not None and default not in ordered:
        ordered.append(default)
    for remote in remotes:
        listing = _text(
            await _git(
                cwd,
                "for-each-ref",
                "--format=%(refname:short)",
                "--contains=HEAD",
                f"refs/remotes/{remote}",
            )
        )
        if listing is None:
            continue
        prefix = f"{remote}/"
        for line in listing.splitlines():
            short = line.strip()
            if short.startswith(prefix) and len(short) > len(prefix):
                name = short[len(prefix) :]
                if name not in ordered:
                    ordered.append(name)
    return ordered


async def _remote_sha_and_distance(
    cwd: str, branch: str, remotes: list[str]
) -> tuple[str | None, int] | None:
    remote_sha: str | None = None
    remote_ref: str | None = None
    for remote in remotes:
        ref = f"refs/remotes/{remote}/{branch}"
        verify = await _git(cwd, "rev-parse", "--verify", "--quiet", ref)
        if verify is None:
            return None
        if verify.returncode != 0:
            continue
        sha = _text(verify)
        if sha is None:
            return None
        remote_sha, remote_ref = sha.strip(), ref
        break
    # How far HEAD is ahead: prefer the local branch, else the remote-tracking ref.
    count = await _git(cwd, "rev-list", "--count", f"{branch}..HEAD")
    if (count is None or count.returncode != 0) and remote_ref is not None:
        count = await _git(cwd, "rev-list", "--count", f"{remote_ref}..HEAD")
    text = _text(count)
    if text is None:
        return None
    try:
        return remote_sha, int(text.strip())
    except ValueError:
        return None


async def _closest_remote_sha(cwd: str, branches: list[str], remotes: list[str]) -> str | None:
    best: tuple[str, int] | None = None
    for branch in branches:
        found = await _remote_sha_and_distance(cwd, branch, remotes)
        if found is None:
            continue
        sha, distance = found
        if sha is None:
            continue
        if best is None or distance < best[1]:
            best = (sha, distance)
    return best[0] if best is not None else None


def _diff_ok(result: _Result | None) -> bool:
    # git diff exits 0 (no changes) or 1 (changes) on success.
    return result is not None and result.returncode in (0, 1)


async def _diff_against(cwd: str, sha: str) -> str | None:
    tracked = await _git(cwd, "diff", "--no-textconv", "--no-ext-diff", sha)
    if not _diff_ok(tracked) or tracked is None:
        return None
    try:
        diff = tracked.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return None
    untracked = _text(await _git(cwd, "ls-files", "--others", "--exclude-standard"))
    if untracked:
        files = [line for line in untracked.splitlines() if line]
        extras = await asyncio.gather(
            *(
                _git(
                    cwd,
                    "diff",
                    "--no-textconv",
                    "--no-ext-diff",
                    "--binary",
                    "--no-index",
                    "--",
                    os.devnull,
                    name,
                )
                for name in files
            )
        )
        for extra in extras:
            if _diff_ok(extra) and extra is not None:
                diff += extra.stdout.decode("utf-8", errors="replace")
    return diff


async def git_diff_to_remote(cwd: str | os.PathLike[str]) -> dict[str, str] | None:
    """``{sha, diff}`` for ``gitDiffToRemote``.

    ``sha`` is the remote-tracking commit closest to HEAD (fewest commits behind it)
    among the current branch, the default branch and remote branches containing HEAD;
    ``diff`` is the working tree against it, untracked files included as new-file
    diffs.  None when ``cwd`` is not in a repository, there is no usable remote, or a
    git command fails; the caller turns that into
    ``failed to compute git diff to remote for cwd: "<cwd>"``.
    """
    where = os.fspath(cwd)
    if not os.path.isdir(where) or git_repo_root(where) is None:
        return None
    remotes = await _remotes(where)
    if remotes is None:
        return None
    branches = await _branch_candidates(where, remotes)
    sha = await _closest_remote_sha(where, branches, remotes)
    if sha is None:
        return None
    diff = await _diff_against(where, sha)
    if diff is None:
        return None
    return {"sha": sha, "diff": diff}
