"""The pydantic-free quick check never vouches for a table the typed view refuses, and knows
every field the typed view has (so a field added to typed.py without it fails here)."""

from __future__ import annotations

import datetime
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from codex_core.config import quick_check as Q
from codex_core.config import typed as T
from codex_core.config.loader import load_config

TABLES: list[tuple[type[BaseModel], dict[str, Q.Check]]] = [
    (T.ModelProviderToml, Q.MODEL_PROVIDER),
    (T.SandboxWorkspaceWriteToml, Q.SANDBOX_WORKSPACE_WRITE),
    (T.ToolsToml, Q.TOOLS),
    (T.AnalyticsToml, Q.ANALYTICS),
    (T.ProfileToml, Q.PROFILE),
    (T.McpServerToml, Q.MCP_SERVER),
    (T.ShellEnvironmentPolicyToml, Q.SHELL_ENVIRONMENT_POLICY),
    (T.ProjectToml, Q.PROJECT),
    (T.HistoryToml, Q.HISTORY),
    (T.OtelToml, Q.OTEL),
    (T.AppToml, Q.APP),
    (T.ConfigToml, Q.CONFIG),
]


@pytest.mark.parametrize(("model", "checks"), TABLES, ids=[m.__name__ for m, _ in TABLES])
def test_every_typed_field_has_a_check(model: type[BaseModel], checks: dict[str, Q.Check]) -> None:
    assert set(checks) == set(model.model_fields)


def _accepts(config: dict[str, Any]) -> bool:
    try:
        T.ConfigToml.model_validate(config)
    except (ValidationError, ValueError, TypeError):
        return False
    return True


# Values of every TOML shape plus the odd ones (bool for int, NaN, negatives, datetimes).
SCALARS = st.one_of(
    st.booleans(),
    st.integers(min_value=-3, max_value=3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        [
            "x",
            "never",
            "on-request",
            "read-only",
            "high",
            "auto",
            "file",
            "keyring",
            "chatgpt",
            "trusted",
            "all",
        ]
    ),
    st.just(datetime.date(2024, 1, 1)),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "b", "command", "url"]), inner, max_size=3),
    ),
    max_leaves=6,
)
KEYS = st.sampled_from(sorted(Q.CONFIG))
SERVER = st.dictionaries(st.sampled_from(sorted(Q.MCP_SERVER)), VALUES, max_size=4)
CONFIGS = st.fixed_dictionaries(
    {},
    optional={
        "mcp_servers": st.dictionaries(st.sampled_from(["a", "b"]), SERVER, max_size=2),
        "profiles": st.dictionaries(
            st.just("p"), st.dictionaries(st.sampled_from(sorted(Q.PROFILE)), VALUES, max_size=3)
        ),
    },
).flatmap(lambda base: st.dictionaries(KEYS, VALUES, max_size=4).map(lambda extra: {**extra, **base}))


@settings(max_examples=400, deadline=None)
@given(CONFIGS)
def test_a_vouched_table_is_one_pydantic_accepts(config: dict[str, Any]) -> None:
    if Q.surely_valid(config):
        assert _accepts(config), config


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"model": "o3", "unknown_key": [1, {"x": datetime.date(2024, 1, 1)}]},
        {
            "mcp_servers": {
                "a": {"command": "npx", "args": ["-y"], "env": {"A": "1"}, "startup_timeout_sec": 20}
            }
        },
        {"mcp_servers": {"h": {"url": "http://x", "tool_timeout_sec": 1.5, "enabled": False}}},
        {
            "profiles": {"p": {"model": "x", "features": {"a": True}}},
            "projects": {"/w": {"trust_level": "trusted"}},
        },
        {"otel": {"exporter": {"otlp-http": {"endpoint": "x"}}}, "history": {"persistence": "none"}},
    ],
)
def test_ordinary_tables_are_vouched_for(config: dict[str, Any]) -> None:
    assert Q.surely_valid(config)
    assert _accepts(config)


@pytest.mark.parametrize(
    "config",
    [
        {"model": 3},
        {"model_context_window": True},
        {"model_context_window": -1},
        {"mcp_servers": {"a": {"args": ["x"]}}},
        {"mcp_servers": {"a": {"command": "x", "url": "y"}}},
        {"mcp_servers": {"a": {"command": "x", "startup_timeout_sec": math.nan}}},
        {"features": {"a": 1}},
        {"approval_policy": "sometimes"},
        {"notify": ["a", 1]},
    ],
)
def test_refused_tables_go_to_pydantic(config: dict[str, Any]) -> None:
    assert not Q.surely_valid(config)
    assert not _accepts(config)


def test_a_vouched_config_builds_its_typed_view_on_first_use(tmp_path: Any) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('model = "o3"\n[mcp_servers.a]\ncommand = "x"\n')
    loaded = load_config(codex_home=home, cwd=tmp_path, system_config_path=tmp_path / "none.toml")
    assert loaded.typed.model == "o3"
    assert loaded.typed.mcp_servers["a"].transport == "stdio"
