"""`command/exec` (v2) and `execOneOffCommand` (v1): run one command under the sandbox, outside any turn."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError

if TYPE_CHECKING:
    from app_server.protocol.legacy_v1 import ExecOneOffCommandParams
    from app_server.protocol.results import CommandExecResponse, ExecOneOffCommandResponse
    from app_server.protocol.v2_common import CommandExecParams

DEFAULT_TIMEOUT_MS = 10_000


async def _run(
    ctx: RequestContext,
    command: list[str],
    cwd: str | None,
    timeout_ms: int | None,
    policy: dict[str, Any] | None,
) -> CommandExecResponse:
    import asyncio

    from codex_core.agent.settings import DEFAULT_SANDBOX_MODE, sandbox_policy_for_mode
    from codex_core.sandbox.env import build_env
    from codex_core.sandbox.policy import plan_for_policy
    from codex_core.tools.exec_runner import SpawnError, SpawnRequest, run_to_completion

    if not command:
        raise JsonRpcError.invalid_request("command must not be empty")
    config = await asyncio.to_thread(ctx.state.load_config, cwd=Path(cwd) if cwd else None)
    workdir = cwd or str(config.cwd)
    if policy is None:
        policy = sandbox_policy_for_mode(config.typed.sandbox_mode or DEFAULT_SANDBOX_MODE, config)
    env = build_env(config.typed.shell_environment_policy)
    request = SpawnRequest(
        list(command), workdir, env, plan_for_policy(policy, workdir, env), merge_stderr=False
    )
    try:
        result = await run_to_completion(request, (timeout_ms or DEFAULT_TIMEOUT_MS) / 1000)
    except SpawnError as exc:
        raise JsonRpcError.internal(f"exec failed: {exc.reason}") from exc
    if result.timed_out:
        raise JsonRpcError.internal("exec failed: sandbox error: command timed out")
    return {"exitCode": result.exit_code, "stdout": result.stdout, "stderr": result.stderr}


def _wire(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return value
    from app_server.protocol import serialize

    wired = serialize.jsonable(value)
    return wired if isinstance(wired, dict) else None


@handler("command/exec", detached=True)
async def command_exec(ctx: RequestContext, params: CommandExecParams) -> CommandExecResponse:
    from app_server.settings_wire import sandbox_policy_from_v2

    v2 = _wire(params.sandbox_policy)
    policy = sandbox_policy_from_v2(v2) if v2 is not None else None
    return await _run(ctx, list(params.command), params.cwd, params.timeout_ms, policy)


@handler("execOneOffCommand", detached=True)
async def exec_one_off_command(
    ctx: RequestContext, params: ExecOneOffCommandParams
) -> ExecOneOffCommandResponse:
    policy = _wire(params.sandbox_policy)
    return await _run(ctx, list(params.command), params.cwd, params.timeout_ms, policy)
