"""Parsed config files kept between processes (codex_core/config/parse_cache.py)."""

from __future__ import annotations

import json
import math
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from codex_core.config.errors import ConfigSyntaxError
from codex_core.config.loader import load_config
from codex_core.config.parse_cache import CACHE_FILE, MAX_ENTRIES, ParseCache
from codex_core.config.toml_file import parse_toml_text

TEXT = """
model = "o3"
big = 123456789012345678901234567890
neg = -9223372036854775808
ratio = 0.1
exp = 1e300
zero = -0.0
up = inf
down = -inf
odd = nan
flags = [true, false]
mixed = [[1, 2], ["a"], {x = 1}]

[model_providers.mock]
name = "mock ✓"
"quoted key" = "line\\nbreak \\u0001"

[[profiles.list]]
a = 1
[[profiles.list]]
b = 2
"""


def fresh(home: Path) -> ParseCache:
    return ParseCache(home)


def same(a: object, b: object) -> bool:
    """Equal, with nan equal to nan and -0.0 told from 0.0."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def test_a_cached_table_is_the_parsed_one_in_a_new_process(tmp_path: Path) -> None:
    first = fresh(tmp_path)
    parsed = parse_toml_text(TEXT, None, first)
    first.save()
    assert stat.S_IMODE(os.stat(tmp_path / CACHE_FILE).st_mode) == 0o600
    second = fresh(tmp_path)
    cached = second.get(TEXT)
    assert cached is not None and same(cached, tomllib.loads(TEXT)) and same(parsed, cached)
    assert second.get(TEXT + " ") is None  # another text is a miss: nothing can go stale


def test_a_caller_changing_its_table_does_not_change_the_next(tmp_path: Path) -> None:
    cache = fresh(tmp_path)
    parse_toml_text(TEXT, None, cache)["model"] = "changed"
    again = cache.get(TEXT)
    assert again is not None and again["model"] == "o3"
    again["model_providers"]["mock"]["name"] = "x"
    assert cache.get(TEXT)["model_providers"]["mock"]["name"] == "mock ✓"  # type: ignore[index]


def test_dates_are_not_kept_and_errors_are_not_cached(tmp_path: Path) -> None:
    cache = fresh(tmp_path)
    dated = 'when = 1979-05-27T07:32:00Z\nmodel = "o3"\n'
    assert parse_toml_text(dated, None, cache)["model"] == "o3"
    assert cache.get(dated) is None
    with pytest.raises(ConfigSyntaxError) as raised:
        parse_toml_text("model = [broken\n", Path("/x/config.toml"), cache)
    assert raised.value.line == 1
    cache.save()
    assert not (tmp_path / CACHE_FILE).exists()  # nothing worth keeping was added


def test_the_oldest_texts_leave_first(tmp_path: Path) -> None:
    cache = fresh(tmp_path)
    texts = [f"n = {n}\n" for n in range(MAX_ENTRIES + 3)]
    for text in texts:
        parse_toml_text(text, None, cache)
    cache.save()
    reread = fresh(tmp_path)
    assert [reread.get(t) is not None for t in texts] == [False] * 3 + [True] * MAX_ENTRIES


@pytest.mark.parametrize(
    "content",
    [b"", b"not json", b"[]", b'{"format": 99, "entries": []}', b'{"format": 1, "entries": [[1, 2], "x"]}'],
)
def test_a_damaged_or_foreign_cache_file_is_a_miss(tmp_path: Path, content: bytes) -> None:
    (tmp_path / CACHE_FILE).write_bytes(content)
    cache = fresh(tmp_path)
    assert cache.get("n = 1\n") is None
    assert parse_toml_text("n = 1\n", None, cache) == {"n": 1}
    cache.save()
    assert fresh(tmp_path).get("n = 1\n") == {"n": 1}


def test_an_unwritable_home_is_no_cache(tmp_path: Path) -> None:
    missing = tmp_path / "gone"
    cache = fresh(missing)
    assert parse_toml_text("n = 1\n", None, cache) == {"n": 1}
    cache.save()  # no error
    assert not missing.exists()


def test_load_config_reads_an_unchanged_config_without_tomllib(tmp_path: Path) -> None:
    home = tmp_path / "codex_home"
    home.mkdir()
    (home / "config.toml").write_text('model = "o3"\nmodel_provider = "mock"\n')
    probe = (
        "import sys; from pathlib import Path; from codex_core.config.loader import load_config; "
        f"c = load_config(codex_home=Path({str(home)!r}), cwd=Path({str(tmp_path)!r})); "
        "print(c.effective['model'], 'tomllib' in sys.modules)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
        for _ in "ab"
    ]
    assert [r.stdout.split() for r in runs] == [["o3", "True"], ["o3", "False"]]
    (home / "config.toml").write_text('model = "o4"\n')  # edited: parsed again
    assert load_config(codex_home=home, cwd=tmp_path).effective["model"] == "o4"
    stored = json.loads((home / CACHE_FILE).read_text())
    assert [entry[1] for entry in stored["entries"]][-1] == {"model": "o4"}


@pytest.mark.parametrize(
    "text",
    [
        '[model_providers.x]\nexperimental_bearer_token = "sk-1"\n',
        '[mcp_servers.docs.env]\nDOCS_KEY = "sk-1"\n',
        '[mcp_servers.docs]\nurl = "https://x"\nhttp_headers = { X = "sk-1" }\n',
        'api_key = "sk-1"\n',
        '[[profiles.p.list]]\nclient_secret = "sk-1"\n',
    ],
)
def test_files_that_may_hold_a_credential_are_not_copied(tmp_path: Path, text: str) -> None:
    cache = fresh(tmp_path)
    parse_toml_text(text, None, cache)
    cache.save()
    assert cache.get(text) is None and not (tmp_path / CACHE_FILE).exists()


def test_an_env_key_naming_a_variable_is_kept(tmp_path: Path) -> None:
    text = '[model_providers.mock]\nname = "mock"\nenv_key = "MOCK_API_KEY"\n'
    cache = fresh(tmp_path)
    parse_toml_text(text, None, cache)
    assert cache.get(text) is not None
