from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_core.config.errors import ConfigOverrideError
from codex_core.config.keypath import split_key_path
from codex_core.config.overrides import (
    feature_overrides,
    overrides_table,
    parse_override,
    parse_toml_value,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", 5),
        ("-3", -3),
        ("1.5", 1.5),
        ("true", True),
        ("false", False),
        ('"quoted"', "quoted"),
        ("'single'", "single"),
        ("[1, 2, 3]", [1, 2, 3]),
        ('["a", "b"]', ["a", "b"]),
        ('{a = 1, b = { c = "x" }}', {"a": 1, "b": {"c": "x"}}),
        ("o3", "o3"),  # not TOML: taken literally
        ("gpt-5.2-codex", "gpt-5.2-codex"),
        ("hello world", "hello world"),
        ("", ""),
        ("[unclosed", "[unclosed"),
    ],
)
def test_values_parse_as_toml_or_fall_back_to_literal(text: str, expected: object) -> None:
    assert parse_toml_value(text) == expected


def test_dotted_paths() -> None:
    assert parse_override("a.b.c=1") == (["a", "b", "c"], 1)
    assert parse_override("sandbox_workspace_write.network_access=true") == (
        ["sandbox_workspace_write", "network_access"],
        True,
    )
    assert parse_override('projects."/home/x.y".trust_level=trusted') == (
        ["projects", "/home/x.y", "trust_level"],
        "trusted",
    )


def test_value_may_contain_equals() -> None:
    assert parse_override("instructions=a=b") == (["instructions"], "a=b")


@pytest.mark.parametrize("spec", ["novalue", "=5", "a..b=1", 'a."b=1'])
def test_bad_overrides_are_clear_errors(spec: str) -> None:
    with pytest.raises(ConfigOverrideError) as info:
        parse_override(spec)
    assert spec in str(info.value)


def test_later_override_wins_and_tables_nest() -> None:
    table = overrides_table(["model=o3", "a.b=1", "a.c=[1,2]", "model=o4", "a.d={x=1}"])
    assert table == {"model": "o4", "a": {"b": 1, "c": [1, 2], "d": {"x": 1}}}


def test_enable_disable_are_feature_overrides() -> None:
    specs = feature_overrides(["unified_exec"], ["shell_snapshot"])
    assert overrides_table(specs) == {"features": {"unified_exec": True, "shell_snapshot": False}}


@given(st.lists(st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True), min_size=1, max_size=5))
def test_bare_paths_split_on_dots(segments: list[str]) -> None:
    assert split_key_path(".".join(segments)) == segments


@given(st.integers() | st.booleans() | st.lists(st.integers(), max_size=4))
def test_toml_literals_round_trip(value: object) -> None:
    import json

    text = json.dumps(value).lower() if isinstance(value, bool) else json.dumps(value)
    assert parse_toml_value(text) == value
