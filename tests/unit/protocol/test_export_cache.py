"""The export cache gives back exactly what the exporters render, and only for the same inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from app_server.protocol.export import cache as C
from app_server.protocol.export import write_json_schema, write_typescript


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "pycodex" / "schema-export"


def test_a_hit_returns_what_was_rendered_without_rendering(cache_home: Path) -> None:
    files = {"a.json": b"{}\n", "v2/b.json": b"[]\n"}
    assert C.cached_files("json", False, lambda: files) == files
    assert len(list(cache_home.glob("json-stable-*.bin"))) == 1

    def fail() -> dict[str, bytes]:
        raise AssertionError("rendered again")

    assert C.cached_files("json", False, fail) == files
    # another kind or mode is another entry
    assert C.cached_files("json", True, lambda: {"x": b"1"}) == {"x": b"1"}
    assert C.cached_files("ts", False, lambda: {"y": b"2"}) == {"y": b"2"}


def test_a_changed_source_is_a_new_key(
    cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = tmp_path / "protocol"
    (sources / "export").mkdir(parents=True)
    (sources / "models.py").write_text("A = 1\n")
    (sources / "export" / "walk.py").write_text("B = 1\n")
    monkeypatch.setattr(C, "_PROTOCOL_DIR", sources)
    first = C.source_key("json", False)
    assert C.cached_files("json", False, lambda: {"old": b"1"}) == {"old": b"1"}
    (sources / "export" / "walk.py").write_text("B = 2\n")
    assert C.source_key("json", False) != first
    assert C.cached_files("json", False, lambda: {"new": b"2"}) == {"new": b"2"}
    # the older rendering of that kind is dropped
    assert len(list(cache_home.glob("json-stable-*.bin"))) == 1


def test_a_damaged_entry_is_rendered_again(cache_home: Path) -> None:
    C.cached_files("ts", False, lambda: {"a.ts": b"x"})
    (entry,) = cache_home.glob("ts-stable-*.bin")
    entry.write_bytes(b"\x00garbage")
    assert C.cached_files("ts", False, lambda: {"a.ts": b"y"}) == {"a.ts": b"y"}


def test_no_cache_folder_still_renders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    assert C.cache_dir() is None
    assert C.cached_files("ts", False, lambda: {"a.ts": b"z"}) == {"a.ts": b"z"}
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # not a folder: nothing can be stored
    assert C.cached_files("ts", False, lambda: {"a.ts": b"w"}) == {"a.ts": b"w"}


@pytest.mark.parametrize("kind", ["json", "ts"])
def test_cached_trees_are_the_rendered_trees(kind: str, cache_home: Path, tmp_path: Path) -> None:
    write = write_json_schema if kind == "json" else write_typescript
    write(tmp_path / "plain")
    write(tmp_path / "cold", cache=True)
    write(tmp_path / "warm", cache=True)
    plain = _tree(tmp_path / "plain")
    assert plain and _tree(tmp_path / "cold") == plain and _tree(tmp_path / "warm") == plain


def _entry(files: list[object], body: bytes) -> bytes:
    import hashlib
    import json

    return json.dumps({"sha256": hashlib.sha256(body).hexdigest(), "files": files}).encode() + b"\n" + body


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json\n",
        b'{"a": 1}\n',
        _entry([["a", 5]], b"abc"),
        _entry([["a", 1]], b"abc"),
        _entry([["a", -1]], b""),
        _entry([["a", 3]], b"abc").replace(b"\nabc", b"\nabd"),  # contents changed under the hash
    ],
)
def test_a_malformed_entry_reads_as_none(data: bytes) -> None:
    assert C._unpack(data) is None


def test_pack_round_trips() -> None:
    files = {"a.json": b"{}\n", "v2/\u00e9.ts": "\u00e9\n".encode(), "empty": b""}
    assert C._unpack(C._pack(files)) == files


@pytest.fixture
def prebuilt_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "prebuilt"
    monkeypatch.setattr(C, "PREBUILT_DIR", folder)
    return folder


def _never() -> dict[str, bytes]:
    raise AssertionError("rendered although a prebuilt rendering matched")


def test_prebuilt_renderings_are_the_rendered_trees(
    prebuilt_dir: Path, cache_home: Path, tmp_path: Path
) -> None:
    # What the wheel hook ships (hatch_build.py calls prebuild) is found under this install's
    # hash and gives back exactly what the exporter writes, without rendering or a user cache.
    from app_server.protocol.export import prebuild
    from app_server.protocol.export.json_schema import render_files as render_json
    from app_server.protocol.export.typescript import render_files as render_ts

    written = prebuild(prebuilt_dir)
    assert sorted(p.name for p in written) == sorted(
        C.prebuilt_name(kind, experimental) for kind in ("json", "ts") for experimental in (False, True)
    )
    for kind, render in (("json", render_json), ("ts", render_ts)):
        for experimental in (False, True):
            assert C.cached_files(kind, experimental, _never) == render(experimental)
    assert not cache_home.exists()


def test_a_prebuilt_rendering_of_other_sources_is_not_used(
    prebuilt_dir: Path, cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prebuilt_dir.mkdir()
    (prebuilt_dir / C.prebuilt_name("json", False)).write_bytes(C.pack_prebuilt({"old.json": b"1"}))
    sources = tmp_path / "protocol"
    sources.mkdir()
    (sources / "models.py").write_text("A = 2\n")  # the installed sources differ from the build's
    monkeypatch.setattr(C, "_PROTOCOL_DIR", sources)
    assert C.cached_files("json", False, lambda: {"new.json": b"2"}) == {"new.json": b"2"}


@pytest.mark.parametrize("data", [b"not zlib", C.pack_prebuilt({"a": b"1"})[:-4]])
def test_a_damaged_prebuilt_rendering_is_rendered_again(
    data: bytes, prebuilt_dir: Path, cache_home: Path
) -> None:
    prebuilt_dir.mkdir()
    (prebuilt_dir / C.prebuilt_name("ts", False)).write_bytes(data)
    assert C.cached_files("ts", False, lambda: {"a.ts": b"y"}) == {"a.ts": b"y"}
