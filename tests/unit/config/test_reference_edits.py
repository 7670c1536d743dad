"""Config edits replayed against what the reference codex 0.100.0 wrote for them.

`reference_edits.json` holds, per case, a config.toml, the writes made to it (config/batchWrite
calls, `codex mcp add/remove`) and the file the reference left: text byte for byte, mode, and
the error of each write that failed. Here the same writes go through our editor.
"""

from __future__ import annotations

import json
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest

from codex_core.config.editor import (
    ConfigEdit,
    apply_edits,
    mcp_server_table,
    replace_mcp_servers,
)
from codex_core.config.errors import ConfigPathNotFound, ConfigValueError
from codex_core.config.reference_shape import reference_shape

RECORDED = json.loads((Path(__file__).with_name("reference_edits.json")).read_text())["cases"]


def _batch(path: Path, edits: list[list[Any]]) -> list[str] | None:
    """One config/batchWrite, as the app server makes it; the error as [message, code]."""
    try:
        apply_edits(path, [ConfigEdit(k, v, s) for k, v, s in edits], arrays_of_tables=False)
    except ConfigPathNotFound as exc:
        return [exc.detail, "configPathNotFound"]
    except ConfigValueError as exc:
        return [exc.detail, "configValidationError"]
    return None


def _servers(path: Path) -> dict[str, dict[str, Any]]:
    try:
        table = tomllib.loads(path.read_text())
    except FileNotFoundError:
        return {}
    servers = reference_shape(table, path.parent).get("mcp_servers", {})
    return {name: dict(server) for name, server in servers.items()}


def _mcp(path: Path, step: dict[str, Any]) -> None:
    """`codex mcp add` / `codex mcp remove`, as the CLI makes them."""
    servers = _servers(path)
    if "mcp_remove" in step:
        servers.pop(step["mcp_remove"])
    else:
        add = step["mcp_add"]
        if "url" in add:
            table: dict[str, Any] = {"url": add["url"]}
            if "bearer" in add:
                table["bearer_token_env_var"] = add["bearer"]
        else:
            table = {"command": add["command"][0], "args": add["command"][1:]}
            if add.get("env"):
                table["env"] = add["env"]
        servers[add["name"]] = table
    replace_mcp_servers(path, {name: mcp_server_table(server) for name, server in servers.items()})


@pytest.mark.parametrize("case", RECORDED, ids=[case["name"] for case in RECORDED])
def test_same_file_as_the_reference(case: dict[str, Any], tmp_path: Path) -> None:
    home = tmp_path / ".codex"
    home.mkdir()
    path = home / "config.toml"
    if case["base"] is not None:
        path.write_text(case["base"])
        path.chmod(0o644)
    errors: list[Any] = []
    for step in case["steps"]:
        if "edits" in step:
            errors.append(_batch(path, step["edits"]))
        else:
            _mcp(path, step)
            errors.append(None)
    assert errors == case["errors"]
    assert (path.read_text() if path.exists() else None) == case["text"]
    assert (oct(stat.S_IMODE(path.stat().st_mode)) if path.exists() else None) == case["mode"]
