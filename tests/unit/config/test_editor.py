from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from codex_core.config.editor import ConfigEdit, apply_edits, current_version, set_value, unset_value
from codex_core.config.errors import ConfigValidationError, ConfigVersionConflict
from codex_core.config.layers import layer_version


@pytest.fixture
def config_path(codex_home: Path, realistic_text: str) -> Path:
    path = codex_home / "config.toml"
    path.write_text(realistic_text)
    path.chmod(0o640)
    return path


def test_replacing_a_value_changes_only_that_line(config_path: Path, realistic_text: str) -> None:
    set_value(config_path, "model", "gpt-5.2")
    expected = realistic_text.replace('model = "gpt-5.2-codex"\n', 'model = "gpt-5.2"\n', 1)
    assert config_path.read_text() == expected


def test_inline_comment_survives_a_value_change(config_path: Path, realistic_text: str) -> None:
    set_value(config_path, "approval_policy", "never")
    assert 'approval_policy = "never"   # ask before risky commands\n' in config_path.read_text()
    assert config_path.read_text().replace('"never"', '"on-request"', 1) == realistic_text


def test_nested_edit_in_existing_table(config_path: Path, realistic_text: str) -> None:
    set_value(config_path, "profiles.deep.model_verbosity", "high")
    expected = realistic_text.replace(
        'model_reasoning_effort = "xhigh"\n',
        'model_reasoning_effort = "xhigh"\nmodel_verbosity = "high"\n',
        1,
    )
    assert config_path.read_text() == expected


def test_new_root_scalar_goes_after_last_root_key(config_path: Path, realistic_text: str) -> None:
    set_value(config_path, "model_verbosity", "low")
    anchor = "some_future_key = { nested = true, level = 3 }\n"
    assert config_path.read_text() == realistic_text.replace(anchor, anchor + 'model_verbosity = "low"\n', 1)


def test_new_table_is_appended(config_path: Path, realistic_text: str) -> None:
    set_value(config_path, "tools.web_search", True)
    text = config_path.read_text()
    assert text.startswith(realistic_text)
    assert tomllib.loads(text)["tools"] == {"web_search": True}


def test_new_sub_table_keeps_siblings_readable(config_path: Path, realistic_text: str) -> None:
    set_value(config_path, "profiles.new.model", "o3")
    data = tomllib.loads(config_path.read_text())
    assert data["profiles"]["new"] == {"model": "o3"}
    assert data["profiles"]["fast"]["model"] == "gpt-5.1-codex-mini"
    assert "[profiles.new]" in config_path.read_text()


def test_unset_removes_only_the_key(config_path: Path, realistic_text: str) -> None:
    unset_value(config_path, "model_reasoning_summary")
    assert config_path.read_text() == realistic_text.replace('model_reasoning_summary = "detailed"\n', "", 1)
    unset_value(config_path, "does.not.exist")  # no-op, no error
    assert "does" not in config_path.read_text()


def test_upsert_merges_tables_and_replace_replaces(config_path: Path) -> None:
    apply_edits(config_path, [ConfigEdit("mcp_servers.docs", {"tool_timeout_sec": 5}, "upsert")])
    docs = tomllib.loads(config_path.read_text())["mcp_servers"]["docs"]
    assert docs["tool_timeout_sec"] == 5 and docs["command"] == "npx"
    apply_edits(config_path, [ConfigEdit("mcp_servers.docs", {"command": "uvx"}, "replace")])
    assert tomllib.loads(config_path.read_text())["mcp_servers"]["docs"] == {"command": "uvx"}


def test_quoted_path_segments(config_path: Path) -> None:
    set_value(config_path, 'projects."/srv/app.v2".trust_level', "trusted")
    assert tomllib.loads(config_path.read_text())["projects"]["/srv/app.v2"] == {"trust_level": "trusted"}


def test_unknown_keys_survive_edits(config_path: Path) -> None:
    set_value(config_path, "model", "x")
    data = tomllib.loads(config_path.read_text())
    assert data["some_future_key"] == {"nested": True, "level": 3}
    assert data["tui"] == {"notifications": True}
    assert data["features"]["a_feature_from_the_future"] is True


def test_version_conflict(config_path: Path) -> None:
    before = current_version(config_path)
    result = set_value(config_path, "model", "a", expected_version=before)
    assert result.version == layer_version(tomllib.loads(config_path.read_text()))
    with pytest.raises(ConfigVersionConflict, match="modified since last read"):
        set_value(config_path, "model", "b", expected_version=before)
    assert tomllib.loads(config_path.read_text())["model"] == "a"


def test_invalid_edit_is_rejected_and_nothing_written(config_path: Path, realistic_text: str) -> None:
    with pytest.raises(ConfigValidationError) as info:
        set_value(config_path, "approval_policy", "bogus")
    assert info.value.key == "approval_policy"
    assert config_path.read_text() == realistic_text


def test_mode_is_kept_and_new_files_are_private(config_path: Path, codex_home: Path) -> None:
    set_value(config_path, "model", "x")
    assert stat.S_IMODE(config_path.stat().st_mode) == 0o640
    fresh = codex_home / "sub" / "config.toml"
    set_value(fresh, "model", "y")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert fresh.read_text() == 'model = "y"\n'


def test_crash_during_write_leaves_old_file(
    config_path: Path, realistic_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def crash(fd: int) -> None:
        real_fsync(fd)
        raise OSError("disk on fire")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk on fire"):
        set_value(config_path, "model", "never-written")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert config_path.read_text() == realistic_text
    leftovers = [p.name for p in config_path.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_killed_writer_process_leaves_old_file(config_path: Path, realistic_text: str) -> None:
    """A process killed between writing the temp file and the rename leaves the original intact."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        import codex_core.atomic as atomic
        real_replace = os.replace
        def die(*args):
            os.kill(os.getpid(), signal.SIGKILL)
        atomic.os.replace = die
        from codex_core.config.editor import set_value
        set_value(Path({str(config_path)!r}), "model", "half-written")
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == -9
    assert config_path.read_text() == realistic_text


def test_batch_is_all_or_nothing(config_path: Path, realistic_text: str) -> None:
    with pytest.raises(ConfigValidationError):
        apply_edits(
            config_path,
            [ConfigEdit("model", "fine"), ConfigEdit("sandbox_mode", "wide-open")],
        )
    assert config_path.read_text() == realistic_text


def test_lock_file_is_private(config_path: Path) -> None:
    set_value(config_path, "model", "x")
    lock = config_path.parent / f".{config_path.name}.lock"
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600


def test_list_of_tables_is_written_as_array_of_tables(config_path: Path, realistic_text: str) -> None:
    set_value(
        config_path,
        "skills.config",
        [{"path": "/a/SKILL.md", "enabled": False}, {"path": "/b/SKILL.md", "enabled": False}],
    )
    text = config_path.read_text()
    assert text.startswith(realistic_text)
    assert text.count("[[skills.config]]") == 2
    assert tomllib.loads(text)["skills"]["config"][1] == {"path": "/b/SKILL.md", "enabled": False}
