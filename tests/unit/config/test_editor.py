from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from codex_core.config.editor import (
    ConfigEdit,
    apply_edits,
    current_version,
    set_model,
    set_value,
    unset_value,
)
from codex_core.config.errors import (
    ConfigPathNotFound,
    ConfigValidationError,
    ConfigValueError,
    ConfigVersionConflict,
)
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
    unset_value(config_path, "does_not_exist")  # a missing key: nothing to do
    # Below a table that is not there, the reference answers configPathNotFound.
    with pytest.raises(ConfigPathNotFound, match="Path not found"):
        unset_value(config_path, "does.not.exist")
    assert "does" not in config_path.read_text()


def test_unset_takes_the_comment_lines_above_along(codex_home: Path) -> None:
    path = codex_home / "config.toml"
    path.write_text('model = "a"\n# about verbosity\nmodel_verbosity = "low"\n\n# tui\n[tui]\nx = 1\n')
    unset_value(path, "model_verbosity")
    assert path.read_text() == 'model = "a"\n\n# tui\n[tui]\nx = 1\n'
    unset_value(path, "tui")
    assert path.read_text() == 'model = "a"\n'


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
    assert result.version == current_version(config_path)
    # The version hashes the table as the reference holds it (`startup_timeout_sec = 20` as 20.0).
    assert result.version != layer_version(tomllib.loads(config_path.read_text()))
    with pytest.raises(ConfigVersionConflict, match="modified since last read"):
        set_value(config_path, "model", "b", expected_version=before)
    assert tomllib.loads(config_path.read_text())["model"] == "a"


def test_invalid_edit_is_rejected_and_nothing_written(config_path: Path, realistic_text: str) -> None:
    with pytest.raises(ConfigValidationError) as info:
        set_value(config_path, "approval_policy", "bogus")
    assert info.value.key == "approval_policy"
    assert config_path.read_text() == realistic_text


def test_written_file_is_private_and_unchanged_file_untouched(config_path: Path, codex_home: Path) -> None:
    # As the reference (a fresh temp file renamed over the old one): 0600 after every write.
    set_value(config_path, "model", "x")
    assert stat.S_IMODE(config_path.stat().st_mode) == 0o600
    fresh = codex_home / "sub" / "config.toml"
    set_value(fresh, "model", "y")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    assert fresh.read_text() == 'model = "y"\n'
    # A write that changes no value leaves the file alone: text, mode and all.
    fresh.write_text("model = 'y'   # same value, other spelling\n")
    fresh.chmod(0o644)
    result = set_value(fresh, "model", "y")
    assert fresh.read_text() == "model = 'y'   # same value, other spelling\n"
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
    assert result.version == current_version(fresh)
    # Nothing to write and no file: none is made.
    unset_value(codex_home / "none" / "config.toml", "model")
    assert not (codex_home / "none" / "config.toml").exists()


def test_an_integer_is_not_a_float(codex_home: Path) -> None:
    path = codex_home / "config.toml"
    path.write_text("[t]\nx = 1\n")
    set_value(path, "t.x", 1.0)
    assert path.read_text() == "[t]\nx = 1.0\n"
    set_value(path, "t.y", True)
    set_value(path, "t.y", 1)
    assert path.read_text() == "[t]\nx = 1.0\ny = 1\n"


def test_write_goes_through_a_symlink(codex_home: Path, tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "codex.toml"
    target.parent.mkdir()
    target.write_text('model = "a"\n')
    link = codex_home / "config.toml"
    link.symlink_to(target)
    set_value(link, "model", "b")
    assert link.is_symlink()
    assert target.read_text() == 'model = "b"\n'
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_values_toml_cannot_hold_are_refused(config_path: Path, realistic_text: str) -> None:
    with pytest.raises(ConfigValueError, match="expected any valid TOML value"):
        set_value(config_path, "tui.list", [1, None])
    with pytest.raises(ConfigValueError, match="u64 value was too large"):
        set_value(config_path, "tui.big", 2**63)
    with pytest.raises(ConfigValueError, match="cannot set value on non-table parent"):
        set_value(config_path, "model.name", "x")
    assert config_path.read_text() == realistic_text


def test_a_commented_inline_table_made_a_table_still_parses(codex_home: Path) -> None:
    """Deliberately not the reference's text: 0.100.0 prints the comment inside the brackets
    (`[# about some\nsome ]`), a file nothing can read any more."""
    path = codex_home / "config.toml"
    path.write_text('model = "m"\n# about some\nsome = { a = 1 }\n')
    set_value(path, "some.b", 2)
    assert path.read_text() == 'model = "m"\n\n# about some\n[some ]\na = 1\nb = 2\n'
    assert tomllib.loads(path.read_text())["some"] == {"a": 1, "b": 2}


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


def test_set_model_as_the_reference_sets_it(codex_home: Path) -> None:
    """setDefaultModel (expected texts recorded from the reference 0.100.0)."""
    path = codex_home / "config.toml"
    path.write_text('model = "a"\nprofile = "p"\n\n[profiles.p]\nmodel = "x"\n')
    assert set_model(path, "b", "high")
    assert (
        path.read_text()
        == 'model = "a"\nprofile = "p"\n\n[profiles.p]\nmodel = "b"\nmodel_reasoning_effort = "high"\n'
    )
    # Always written (respelled), even with the same value; null removes, a missing key is no write.
    path.write_text("model = 'a' # c\n")
    path.chmod(0o644)
    assert set_model(path, "a", None)
    assert path.read_text() == 'model = "a" # c\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set_model(path, None, None)
    assert path.read_text() == ""
    assert not set_model(path, None, None, profile="gone")


def test_empty_key_path_is_refused_as_the_reference_refuses_it(config_path: Path) -> None:
    for key_path in ("", "   "):
        with pytest.raises(ConfigValueError, match=r"^keyPath must not be empty$"):
            set_value(config_path, key_path, 1)
