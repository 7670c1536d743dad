from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from codex_core.sandbox.env import build_env
from codex_core.sandbox.landlock import abi_version
from codex_core.sandbox.policy import plan_for_policy

BASE = {"PATH": "/bin", "HOME": "/h", "OPENAI_API_KEY": "k", "GH_TOKEN": "t", "FOO": "1", "BAR": "2"}


def test_default_inherits_all_but_secrets() -> None:
    assert build_env(None, BASE) == {"PATH": "/bin", "HOME": "/h", "FOO": "1", "BAR": "2"}


def test_core_none_set_exclude_include() -> None:
    core = SimpleNamespace(
        inherit="core", ignore_default_excludes=None, exclude=None, set={"X": "y"}, include_only=None
    )
    assert build_env(core, BASE) == {"PATH": "/bin", "HOME": "/h", "X": "y"}
    none = SimpleNamespace(
        inherit="none", ignore_default_excludes=None, exclude=None, set=None, include_only=None
    )
    assert build_env(none, BASE) == {}
    picky = SimpleNamespace(
        inherit="all", ignore_default_excludes=True, exclude=["b*"], set=None, include_only=["*A*", "*_KEY"]
    )
    assert build_env(picky, BASE) == {"PATH": "/bin", "OPENAI_API_KEY": "k"}


def test_plans(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    assert plan_for_policy({"type": "danger-full-access"}, tmp_path) is None
    read_only = plan_for_policy({"type": "read-only"}, tmp_path)
    assert read_only is not None and read_only.writable_roots == () and read_only.network_disabled
    plan = plan_for_policy(
        {"type": "workspace-write", "writable_roots": ["extra"], "network_access": True},
        tmp_path,
        {"TMPDIR": str(tmp_path / "t")},
    )
    assert plan is not None
    assert plan.writable_roots[0] == str(tmp_path.resolve())
    assert str((tmp_path / "extra").resolve()) in plan.writable_roots
    assert "/tmp" in plan.writable_roots and str(tmp_path / "t") in plan.writable_roots
    assert plan.read_only_subpaths == (str((tmp_path / ".git").resolve()),)
    assert not plan.network_disabled and plan.env_overrides() == {"CODEX_SANDBOX": "seccomp"}
    excluded = plan_for_policy(
        {"type": "workspace-write", "exclude_slash_tmp": True, "exclude_tmpdir_env_var": True},
        tmp_path,
        {"TMPDIR": "/var/tmp"},
    )
    assert excluded is not None and excluded.writable_roots == (str(tmp_path.resolve()),)


def test_landlock_present_on_this_kernel() -> None:
    assert abi_version() >= 1
