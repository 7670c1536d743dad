from __future__ import annotations

import io
import json
import sys
import time
import zipfile
from pathlib import Path

import pytest

from codex_core.backend_client import to_app_info
from codex_core.feedback import redact
from codex_core.notify import input_texts, notify_argv, spawn_detached, turn_complete_payload
from codex_core.remote_skills import RemoteSkillError, catalogue_url, single_component, unpack


def test_redact_hides_credentials() -> None:
    text = (
        'sk-abcdefghijklmnop "access_token": "abc.def" Authorization: Bearer tok_0123456789abc '
        "eyJhbGciOi.eyJzdWIiOjF9.sig OPENAI_API_KEY=secretvalue ghp_abcdefghijklmnopqrstuvwx keep-me"
    )
    out = redact(text)
    for secret in ("abcdefghijklmnop", "abc.def", "tok_0123456789abc", "eyJzdWIiOjF9", "secretvalue", "ghp_"):
        assert secret not in out
    assert "keep-me" in out


def test_notify_payload_field_names() -> None:
    payload = json.loads(
        turn_complete_payload(
            thread_id="t", turn_id="u", cwd="/w", input_messages=["a"], last_assistant_message=None
        )
    )
    assert list(payload) == [
        "type",
        "thread-id",
        "turn-id",
        "cwd",
        "input-messages",
        "last-assistant-message",
    ]
    assert input_texts([{"type": "text", "text": "x"}, {"type": "image", "url": "u"}]) == ["x"]
    assert notify_argv({"notify": ["prog", "--flag"]}) == ["prog", "--flag"]
    assert notify_argv({"notify": "prog"}) is None


def test_spawn_detached_never_raises(tmp_path: Path) -> None:
    assert spawn_detached([str(tmp_path / "missing-program")], "{}") is False
    out = tmp_path / "arg.txt"
    code = f"import sys, pathlib; pathlib.Path({str(out)!r}).write_text(sys.argv[-1])"
    assert spawn_detached([sys.executable, "-c", code], '{"x":1}') is True
    deadline = time.monotonic() + 10
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert out.read_text() == '{"x":1}'


def test_to_app_info_merges_and_sorts() -> None:
    apps = to_app_info(
        [
            {"id": "b", "name": "Zed"},
            {"id": "a", "name": " ", "description": "first"},
            {"id": "a", "name": "Able Tool", "description": "second", "logoUrl": "L"},
        ]
    )
    assert [(a["id"], a["name"], a["description"], a["logoUrl"]) for a in apps] == [
        ("a", "Able Tool", "first", "L"),
        ("b", "Zed", None, None),
    ]
    assert apps[0]["installUrl"] == "https://chatgpt.com/apps/able-tool/a"


def _zip(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_skill_archive_keeps_listed_files_and_refuses_escaping_paths(tmp_path: Path) -> None:
    payload = _zip({"./tool/SKILL.md": "s", "tool/a/b.txt": "b", "tool/extra.txt": "x", "hz/c.txt": "c"})
    unpack(payload, tmp_path / "out", frozenset({"SKILL.md", "a/b.txt", "c.txt"}), ("tool", "hz"))
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.*")) == [
        "SKILL.md",
        "a/b.txt",
        "c.txt",
    ]
    escaping = _zip({"tool/../../evil.txt": "x"})
    with pytest.raises(RemoteSkillError, match="Invalid file path in remote skill payload"):
        unpack(escaping, tmp_path / "bad", frozenset({"../../evil.txt"}), ("tool",))
    assert not (tmp_path / "evil.txt").exists()
    with pytest.raises(RemoteSkillError, match="Failed to open zip archive"):
        unpack(b"PK\x03\x04 not really", tmp_path / "broken", frozenset(), ())


def test_remote_skill_names_and_catalogue_url() -> None:
    assert [single_component(n) for n in ("pdf-tools", "a/", "a/.", "a/b", "..", "./a", "/a", "", ".")] == [
        "pdf-tools",
        "a",
        "a",
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    assert catalogue_url("https://chatgpt.com/backend-api/") == "https://chatgpt.com/public-api/hazelnuts/"
    assert catalogue_url("http://127.0.0.1:9/x") == "http://127.0.0.1:9/x/public-api/hazelnuts/"
    assert catalogue_url(None) == "https://chatgpt.com/public-api/hazelnuts/"
