from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from codex_core.config.errors import CodexHomeError, ConfigError, ConfigValidationError
from codex_core.config.home import find_codex_home
from codex_core.config.layers import layer_version
from codex_core.config.loader import LoadedConfig, load_config
from codex_core.config.providers import resolve_provider


def load(codex_home: Path, system_config: Path, **kwargs: Any) -> LoadedConfig:
    kwargs.setdefault("cwd", codex_home)
    return load_config(codex_home=codex_home, system_config_path=system_config, **kwargs)


def test_codex_home_from_env_must_exist(tmp_path: Path) -> None:
    assert find_codex_home({"CODEX_HOME": str(tmp_path)}) == tmp_path.resolve()
    with pytest.raises(CodexHomeError, match="does not exist"):
        find_codex_home({"CODEX_HOME": str(tmp_path / "missing")})
    (tmp_path / "file").write_text("x")
    with pytest.raises(CodexHomeError, match="not a directory"):
        find_codex_home({"CODEX_HOME": str(tmp_path / "file")})


def test_codex_home_defaults_to_dot_codex(tmp_path: Path) -> None:
    assert find_codex_home({"HOME": str(tmp_path)}) == tmp_path / ".codex"


def test_empty_layer_version_matches_reference() -> None:
    # The reference reports this version for an absent /etc/codex/config.toml.
    assert layer_version({}) == "sha256:" + hashlib.sha256(b"{}").hexdigest()
    assert layer_version({}).startswith("sha256:44136fa3")


def test_layer_precedence_system_user_profile_overrides(codex_home: Path, system_config: Path) -> None:
    system_config.parent.mkdir(parents=True)
    system_config.write_text('model = "from-system"\nmodel_verbosity = "low"\napproval_policy = "never"\n')
    (codex_home / "config.toml").write_text(
        'model = "from-user"\napproval_policy = "untrusted"\nprofile = "p"\n'
        '[profiles.p]\nmodel = "from-profile"\nmodel_reasoning_effort = "high"\n'
    )
    loaded = load(codex_home, system_config)
    assert loaded.profile == "p"
    assert loaded.typed.model == "from-profile"  # profile beats files
    assert loaded.typed.model_verbosity == "low"  # system still fills gaps
    assert loaded.typed.approval_policy == "untrusted"  # user beats system
    assert loaded.typed.model_reasoning_effort == "high"

    loaded = load(codex_home, system_config, cli_overrides=["model=from-flag"])
    assert loaded.typed.model == "from-flag"  # -c beats the profile
    assert loaded.typed.model_reasoning_effort == "high"

    loaded = load(
        codex_home,
        system_config,
        cli_overrides=["model=from-flag"],
        request_overrides={"model": "from-request"},
    )
    assert loaded.typed.model == "from-request"  # the request beats everything


def test_profile_selected_by_override_and_argument(codex_home: Path, system_config: Path) -> None:
    (codex_home / "config.toml").write_text(
        'model = "base"\n[profiles.a]\nmodel = "A"\n[profiles.b]\nmodel = "B"\n'
    )
    assert load(codex_home, system_config).typed.model == "base"
    assert load(codex_home, system_config, cli_overrides=["profile=a"]).typed.model == "A"
    assert load(codex_home, system_config, profile="b").typed.model == "B"
    with pytest.raises(ConfigError, match="profile `nope` not found"):
        load(codex_home, system_config, profile="nope")


def test_layers_and_origins_as_reference(codex_home: Path, system_config: Path) -> None:
    user = codex_home / "config.toml"
    user.write_text('model = "m"\n[model_providers.mock]\nname = "mock"\nbase_url = "http://x"\n')
    loaded = load(codex_home, system_config)
    wire = loaded.layers_wire()
    assert [layer["name"] for layer in wire] == [
        {"type": "user", "file": str(user)},
        {"type": "system", "file": str(system_config)},
    ]
    assert wire[1]["config"] == {}
    assert wire[0]["version"] == layer_version(loaded.user_layer.config)
    origins = loaded.origins()
    assert set(origins) == {"model", "model_providers.mock.name", "model_providers.mock.base_url"}
    assert origins["model"] == {"name": {"type": "user", "file": str(user)}, "version": wire[0]["version"]}

    with_flags = load(codex_home, system_config, cli_overrides=["model=x"])
    assert with_flags.layers_wire()[0]["name"] == {"type": "sessionFlags"}
    assert with_flags.origins()["model"]["name"] == {"type": "sessionFlags"}


def test_request_overrides_use_dotted_keys(codex_home: Path, system_config: Path) -> None:
    loaded = load(
        codex_home,
        system_config,
        request_overrides={"sandbox_workspace_write.network_access": True, "model": None},
    )
    assert loaded.typed.sandbox_workspace_write is not None
    assert loaded.typed.sandbox_workspace_write.network_access is True


def test_trusted_project_layers(tmp_path: Path, codex_home: Path, system_config: Path) -> None:
    repo = tmp_path / "repo"
    sub = repo / "pkg"
    (repo / ".git").mkdir(parents=True)
    (repo / ".codex").mkdir()
    (sub / ".codex").mkdir(parents=True)
    (repo / ".codex" / "config.toml").write_text('model = "root"\nmodel_verbosity = "high"\n')
    (sub / ".codex" / "config.toml").write_text('model = "sub"\n')

    untrusted = load(codex_home, system_config, cwd=sub)
    assert untrusted.typed.model is None
    assert all(layer.source.type != "project" for layer in untrusted.layers)

    (codex_home / "config.toml").write_text(f'[projects."{repo}"]\ntrust_level = "trusted"\n')
    trusted = load(codex_home, system_config, cwd=sub)
    assert trusted.typed.model == "sub"  # deeper folder wins
    assert trusted.typed.model_verbosity == "high"
    names = [layer["name"] for layer in trusted.layers_wire()]
    assert names[0] == {"type": "project", "dotCodexFolder": str(sub / ".codex")}
    assert names[1] == {"type": "project", "dotCodexFolder": str(repo / ".codex")}


def test_realistic_config_loads_without_losing_keys(
    codex_home: Path, system_config: Path, realistic_text: str
) -> None:
    import tomllib

    (codex_home / "config.toml").write_text(realistic_text)
    loaded = load(codex_home, system_config)
    expected = tomllib.loads(realistic_text)
    assert loaded.merged == expected
    assert loaded.typed.profile == "fast"
    assert loaded.typed.model == "gpt-5.1-codex-mini"  # from the selected profile
    assert loaded.typed.approval_policy == "never"
    assert loaded.typed.mcp_servers["docs"].transport == "stdio"
    assert loaded.typed.mcp_servers["remote"].transport == "streamable_http"
    assert loaded.typed.mcp_servers["remote"].enabled is False
    assert loaded.typed.features["a_feature_from_the_future"] is True
    # Unknown keys are kept by the typed view too.
    dumped = loaded.typed.model_dump(exclude_unset=True)
    assert dumped["some_future_key"] == {"nested": True, "level": 3}
    assert dumped["tui"] == {"notifications": True}
    provider = resolve_provider(loaded.typed)
    assert provider.id == "openai"
    assert provider.requires_openai_auth


def test_providers_builtin_and_user(codex_home: Path, system_config: Path) -> None:
    (codex_home / "config.toml").write_text(
        'model_provider = "mock"\n[model_providers.mock]\nname = "mock"\nbase_url = "http://127.0.0.1:1/v1"\n'
        'env_key = "MOCK_KEY"\nrequest_max_retries = 0\nstream_max_retries = 1000\n'
        '[model_providers.openai]\nname = "hijack"\n'
    )
    typed = load(codex_home, system_config).typed
    provider = resolve_provider(typed, env={})
    assert (provider.id, provider.base_url, provider.env_key) == ("mock", "http://127.0.0.1:1/v1", "MOCK_KEY")
    assert provider.request_max_retries == 0
    assert provider.stream_max_retries == 100  # capped
    assert provider.stream_idle_timeout_ms == 300_000
    from codex_core.config.providers import all_providers

    assert all_providers(typed, env={})["openai"].name == "OpenAI"  # built-ins are not replaced


def test_invalid_toml_names_file_line_and_column(codex_home: Path, system_config: Path) -> None:
    path = codex_home / "config.toml"
    path.write_text('model = "ok"\napproval_policy = \n')
    with pytest.raises(ConfigError) as info:
        load(codex_home, system_config)
    assert info.value.path == path
    assert info.value.line == 2
    assert str(info.value).startswith(f"{path}:2:")
    assert "invalid TOML" in str(info.value)


@pytest.mark.parametrize(
    ("text", "key", "line", "needle"),
    [
        (
            'model = "x"\napproval_policy = "bogus"\n',
            "approval_policy",
            2,
            "unknown variant `bogus`, expected one of `untrusted`, `on-failure`, `on-request`, `never`",
        ),
        ("model = 5\n", "model", 1, "invalid type: integer `5`, expected a string"),
        (
            '[sandbox_workspace_write]\n# c\nnetwork_access = "yes"\n',
            "sandbox_workspace_write.network_access",
            3,
            'invalid type: string "yes", expected a boolean',
        ),
        (
            '[model_providers.m]\nname = "m"\nrequest_max_retries = -1\n',
            "model_providers.m.request_max_retries",
            3,
            "invalid value: integer `-1`",
        ),
        ('[mcp_servers.s]\nargs = ["x"]\n', "mcp_servers.s", 1, "needs either `command`"),
        (
            '[profiles.p]\nmodel_reasoning_effort = "extreme"\n',
            "profiles.p.model_reasoning_effort",
            2,
            "unknown variant `extreme`",
        ),
    ],
)
def test_wrong_types_name_file_line_and_key(
    codex_home: Path, system_config: Path, text: str, key: str, line: int, needle: str
) -> None:
    path = codex_home / "config.toml"
    path.write_text(text)
    with pytest.raises(ConfigValidationError) as info:
        load(codex_home, system_config)
    error = info.value
    assert (error.path, error.line, error.key) == (path, line, key)
    assert needle in str(error)
    assert str(error).startswith(f"{path}:{line}:{error.column}: ")
    assert error.column is not None and error.end_column is not None
    assert error.column <= error.end_column


def test_validation_errors_point_at_the_value_as_serde_does(codex_home: Path, system_config: Path) -> None:
    path = codex_home / "config.toml"
    cases = [
        ("model = 5\n", (1, 9, 9)),
        ('model = "x"\napproval_policy = "sometimes" # note\n', (2, 19, 29)),
        ("[features]\nfoo = 3\n", (2, 7, 7)),
    ]
    for text, expected in cases:
        path.write_text(text)
        with pytest.raises(ConfigValidationError) as info:
            load(codex_home, system_config)
        error = info.value
        assert (error.line, error.column, error.end_column) == expected, text
        assert error.located() == f"{path}:{expected[0]}:{expected[1]}: {error.detail}"


def test_bad_override_value_blames_the_override(codex_home: Path, system_config: Path) -> None:
    with pytest.raises(ConfigValidationError) as info:
        load(codex_home, system_config, cli_overrides=["approval_policy=sometimes"])
    assert info.value.key == "approval_policy"
    assert "sessionFlags" in str(info.value)


def test_invalid_utf8_is_a_clear_error(codex_home: Path, system_config: Path) -> None:
    (codex_home / "config.toml").write_bytes(b'model = "\xff"\n')
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        load(codex_home, system_config)
