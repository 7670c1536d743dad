"""Requests about the user's files: fuzzyFileSearch, gitDiffToRemote, skills/list."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError

if TYPE_CHECKING:
    from app_server.protocol.legacy_v1 import FuzzyFileSearchParams, GitDiffToRemoteParams
    from app_server.protocol.results import (
        FuzzyFileSearchResponse,
        GitDiffToRemoteResponse,
        SkillsListResponse,
    )
    from app_server.protocol.skills_apps import SkillsListParams

_searches: Any = None


@handler("fuzzyFileSearch", detached=True)
async def fuzzy_file_search(ctx: RequestContext, params: FuzzyFileSearchParams) -> FuzzyFileSearchResponse:
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
async def git_diff_to_remote(ctx: RequestContext, params: GitDiffToRemoteParams) -> GitDiffToRemoteResponse:
    from codex_core.git_diff import git_diff_to_remote as diff_to_remote

    cwd = str(params.cwd)
    result = await diff_to_remote(cwd)
    if result is None:
        raise JsonRpcError.invalid_request(f'failed to compute git diff to remote for cwd: "{cwd}"')
    return {"sha": result["sha"], "diff": result["diff"]}


@handler("skills/list")
async def skills_list(ctx: RequestContext, params: SkillsListParams) -> SkillsListResponse:
    cwds = [str(c) for c in (params.cwds or [])] or [os.getcwd()]
    extra_roots: dict[str, list[str]] = {}
    for entry in params.per_cwd_extra_user_roots or []:
        extra_roots.setdefault(str(entry.cwd), []).extend(str(root) for root in entry.extra_user_roots)
    from codex_core.config.errors import ConfigError
    from codex_core.skills import disabled_skill_paths

    # A cwd whose configuration does not load gets an entry naming the problem, as the reference does.
    broken: dict[str, str] = {}
    disabled: list[str] | None = None
    for cwd in cwds:
        try:
            effective = ctx.state.load_config(cwd=Path(cwd)).effective
        except ConfigError as exc:
            broken[cwd] = exc.located()
            continue
        if disabled is None:
            disabled = disabled_skill_paths(effective)
    roots: dict[str, Sequence[str]] = {cwd: paths for cwd, paths in extra_roots.items()}
    healthy = [cwd for cwd in cwds if cwd not in broken]
    listed = (
        await ctx.state.skills_cache.list(
            healthy,
            force_reload=bool(params.force_reload),
            disabled_paths=disabled or [],
            extra_user_roots=roots,
        )
        if healthy
        else []
    )
    in_order = iter(listed)  # one entry per healthy cwd, in the order asked
    data = [
        {"cwd": cwd, "skills": [], "errors": [{"path": cwd, "message": broken[cwd]}]}
        if cwd in broken
        else next(in_order)
        for cwd in cwds
    ]
    return {"data": data}
