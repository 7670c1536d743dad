"""Thread settings in the app-server's wire forms: the v2 API's camelCase `SandboxPolicy` to and
from the core's own (kebab-case, as turn_context records it). The core never sees a wire name."""

from __future__ import annotations

from typing import Any


def sandbox_policy_to_v2(policy: dict[str, Any]) -> dict[str, Any]:
    """Core sandbox policy -> the v2 API's camelCase SandboxPolicy."""
    kind = policy.get("type")
    if kind == "danger-full-access":
        return {"type": "dangerFullAccess"}
    if kind == "workspace-write":
        return {
            "type": "workspaceWrite",
            "writableRoots": list(policy.get("writable_roots", [])),
            "readOnlyAccess": {"type": "fullAccess"},
            "networkAccess": bool(policy.get("network_access", False)),
            "excludeTmpdirEnvVar": bool(policy.get("exclude_tmpdir_env_var", False)),
            "excludeSlashTmp": bool(policy.get("exclude_slash_tmp", False)),
        }
    if kind == "external-sandbox":
        return {"type": "externalSandbox", "networkAccess": policy.get("network_access", "restricted")}
    return {"type": "readOnly", "access": {"type": "fullAccess"}}


def sandbox_policy_from_v2(policy: dict[str, Any]) -> dict[str, Any]:
    """The v2 API's SandboxPolicy (turn/start, sendUserTurn) -> the core form."""
    kind = policy.get("type")
    if kind == "dangerFullAccess":
        return {"type": "danger-full-access"}
    if kind == "workspaceWrite":
        core: dict[str, Any] = {"type": "workspace-write"}
        roots = policy.get("writableRoots") or []
        if roots:
            core["writable_roots"] = list(roots)
        core["network_access"] = bool(policy.get("networkAccess", False))
        core["exclude_tmpdir_env_var"] = bool(policy.get("excludeTmpdirEnvVar", False))
        core["exclude_slash_tmp"] = bool(policy.get("excludeSlashTmp", False))
        return core
    if kind == "externalSandbox":
        return {"type": "external-sandbox", "network_access": policy.get("networkAccess", "restricted")}
    return {"type": "read-only"}
