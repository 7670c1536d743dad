"""What config/read and getUserSavedConfig report for a file, as the reference 0.100.0 reports it:
the layer's table in typed form, origins per array element, sandbox flags false by default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app_server.config_wire import user_saved_config_wire
from codex_core.config.layers import layer_version
from codex_core.config.loader import LoadedConfig, load_config
from codex_core.config.reference_shape import absolute_path, duration_secs, reference_shape


def load(codex_home: Path, system_config: Path, text: str) -> LoadedConfig:
    (codex_home / "config.toml").write_text(text)
    return load_config(codex_home=codex_home, system_config_path=system_config, cwd=codex_home)


def test_mcp_timeouts_are_durations(codex_home: Path, system_config: Path) -> None:
    text = (
        '[mcp_servers.x]\ncommand = "c"\nstartup_timeout_sec = 20\ntool_timeout_sec = 0.1234567891234\n'
        '[mcp_servers.y]\ncommand = "c"\nstartup_timeout_ms = 100\n[zz]\nf = 20\n'
    )
    user = load(codex_home, system_config, text).user_layer.config
    assert user["mcp_servers"]["x"] == {
        "command": "c",
        "startup_timeout_sec": 20.0,
        "tool_timeout_sec": 0.123456789,
    }
    assert isinstance(user["mcp_servers"]["x"]["startup_timeout_sec"], float)
    assert user["mcp_servers"]["y"] == {"command": "c", "startup_timeout_ms": 100}
    assert user["zz"] == {"f": 20}


def test_paths_are_absolute_and_clean(codex_home: Path, system_config: Path) -> None:
    odd = "/a/./b/../c/"
    text = (
        f'model_instructions_file = "rel.md"\nlog_dir = "{odd}"\nzsh_path = "{odd}"\n'
        f'[sandbox_workspace_write]\nwritable_roots = ["{odd}", "rel"]\n'
        f'[mcp_servers.x]\ncommand = "c"\ncwd = "{odd}"\n'
        f'[[skills.config]]\npath = "{odd}SKILL.md"\nenabled = false\n'
        f'[profiles.p]\nexperimental_instructions_file = "{odd}"\n'
    )
    user = load(codex_home, system_config, text).user_layer.config
    assert user["model_instructions_file"] == f"{codex_home}/rel.md"
    assert user["log_dir"] == "/a/c"
    assert user["zsh_path"] == odd  # a plain path for the reference: as written
    assert user["sandbox_workspace_write"]["writable_roots"] == ["/a/c", f"{codex_home}/rel"]
    assert user["mcp_servers"]["x"]["cwd"] == odd
    assert user["skills"]["config"] == [{"path": "/a/c/SKILL.md", "enabled": False}]
    assert user["profiles"]["p"]["experimental_instructions_file"] == "/a/c"


def test_a_table_the_typed_config_refuses_stays_as_written(tmp_path: Path) -> None:
    table: dict[str, Any] = {
        "approval_policy": "bogus",
        "mcp_servers": {"x": {"command": "c", "startup_timeout_sec": 20}},
    }
    assert reference_shape(table, tmp_path) == table
    assert reference_shape({"log_dir": "x"}, None) == {"log_dir": "x"}


def test_helpers() -> None:
    assert absolute_path("//a//b/", Path("/")) == "/a/b"
    assert absolute_path("../x", Path("/home/u/.codex")) == "/home/u/x"
    assert duration_secs(1) == 1.0 and duration_secs(1e-10) == 0.0 and duration_secs(2.5) == 2.5


def test_version_hashes_the_typed_form(codex_home: Path, system_config: Path) -> None:
    loaded = load(codex_home, system_config, '[mcp_servers.x]\ncommand = "c"\nstartup_timeout_sec = 20\n')
    user = loaded.user_layer
    assert user.version == layer_version(
        {"mcp_servers": {"x": {"command": "c", "startup_timeout_sec": 20.0}}}
    )


def test_origins_name_each_array_element(codex_home: Path, system_config: Path) -> None:
    text = (
        'model = "m"\nempty = []\nnested = [[1, 2], []]\ntables = [{ a = 1, b = { c = 2 } }, {}]\nnone = {}\n'
        '[mcp_servers.d]\ncommand = "c"\nargs = ["a", "b"]\n'
    )
    origins = load(codex_home, system_config, text).origins()
    assert sorted(origins) == [
        "mcp_servers.d.args.0",
        "mcp_servers.d.args.1",
        "mcp_servers.d.command",
        "model",
        "nested.0.0",
        "nested.0.1",
        "tables.0.a",
        "tables.0.b.c",
    ]


def test_saved_sandbox_settings_default_to_false() -> None:
    assert user_saved_config_wire({})["sandboxSettings"] is None
    assert user_saved_config_wire({"sandbox_workspace_write": {}})["sandboxSettings"] == {
        "writableRoots": [],
        "networkAccess": False,
        "excludeTmpdirEnvVar": False,
        "excludeSlashTmp": False,
    }
    saved = user_saved_config_wire(
        {"sandbox_workspace_write": {"network_access": True, "exclude_slash_tmp": True}}
    )
    assert saved["sandboxSettings"] == {
        "writableRoots": [],
        "networkAccess": True,
        "excludeTmpdirEnvVar": False,
        "excludeSlashTmp": True,
    }
