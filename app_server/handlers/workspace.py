"""Requests about the user's files: fuzzyFileSearch, gitDiffToRemote, skills/list."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError

_searches: Any = None


@handler("fuzzyFileSearch", detached=True)
async def fuzzy_file_search(ctx: RequestContext, params: Any) -> dict[str, Any]:
    global _searches
    from codex_core.file_search import PendingSearches
    from codex_core.file_search import fuzzy_file_search as search

    if _searches is None:
        _searches = PendingSearches()
    # A newer search with the same cancellation token cancels this one (the reference's behaviour).
    cancel = _searches.begin(params.cancellation_token)
    try:
        files = await search(params.query, list(params.roots), cancel)
    finally:
        _searches.finish(params.cancellation_token, cancel)
    return {"files": files}


@handler("gitDiffToRemote")
async def git_diff_to_remote(ctx: RequestContext, params: Any) -> dict[str, Any]:
    from codex_core.git_diff import git_diff_to_remote as diff_to_remote

    cwd = str(params.cwd)
    result = await diff_to_remote(cwd)
    if result is None:
        raise JsonRpcError.invalid_request(f'failed to compute git diff to remote for cwd: "{cwd}"')
    return result


@handler("skills/list")
async def skills_list(ctx: RequestContext, params: Any) -> dict[str, Any]:
    cwds = [str(c) for c in (params.cwds or [])] or [os.getcwd()]
    extra_roots: dict[str, list[str]] = {}
    for entry in params.per_cwd_extra_user_roots or []:
        extra_roots.setdefault(str(entry.cwd), []).extend(str(root) for root in entry.extra_user_roots)
    disabled = _disabled_skill_paths(ctx.state.load_config(cwd=Path(cwds[0])).effective)
    roots: dict[str, Sequence[str]] = {cwd: paths for cwd, paths in extra_roots.items()}
    data = await ctx.state.skills_cache.list(
        cwds, force_reload=bool(params.force_reload), disabled_paths=disabled, extra_user_roots=roots
    )
    return {"data": data}


def _disabled_skill_paths(effective: dict[str, Any]) -> list[str]:
    """`[[skills.config]]` entries with `enabled = false` switch a skill off by its SKILL.md path."""
    skills = effective.get("skills")
    entries = skills.get("config") if isinstance(skills, dict) else None
    if not isinstance(entries, list):
        return []
    return [
        str(entry["path"])
        for entry in entries
        if isinstance(entry, dict) and entry.get("enabled") is False and isinstance(entry.get("path"), str)
    ]
