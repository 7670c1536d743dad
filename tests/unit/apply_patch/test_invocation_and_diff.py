"""Recognising apply_patch in shell commands, and the turn diff the tracker renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from codex_core.tools.apply_patch.apply import apply_patch_text, verify
from codex_core.tools.apply_patch.diff import TurnDiffTracker, git_blob_oid
from codex_core.tools.apply_patch.tool import IMPLICIT_INVOCATION, assess, find_shell_patch

PATCH = "*** Begin Patch\n*** Add File: foo\n+hi\n*** End Patch"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (["apply_patch", PATCH], (PATCH, None)),
        (["applypatch", PATCH], (PATCH, None)),
        (["bash", "-lc", f"apply_patch <<'EOF'\n{PATCH}\nEOF\n"], (PATCH, None)),
        (["bash", "-c", f'apply_patch <<"PATCH"\n{PATCH}\nPATCH'], (PATCH, None)),
        (["/bin/zsh", "-lc", f"cd sub && apply_patch <<'EOF'\n{PATCH}\nEOF"], (PATCH, "sub")),
        (["bash", "-lc", f"cd 'a b' && apply_patch <<'EOF'\n{PATCH}\nEOF"], (PATCH, "a b")),
        (f"apply_patch <<'EOF'\n{PATCH}\nEOF\n", (PATCH, None)),
        ([PATCH], IMPLICIT_INVOCATION),
        (["bash", "-lc", PATCH], IMPLICIT_INVOCATION),
        (["bash", "-lc", f"echo hi && apply_patch <<'EOF'\n{PATCH}\nEOF"], None),
        (["bash", "-lc", f"cd a; apply_patch <<'EOF'\n{PATCH}\nEOF"], None),
        (["bash", "-lc", f"apply_patch <<'EOF'\n{PATCH}\nEOF\necho done"], None),
        (["bash", "-lc", f"apply_patch foo <<'EOF'\n{PATCH}\nEOF"], None),
        (["bash", "-lc", "touch x && echo ok"], None),
        (["ls", "-la"], None),
    ],
)
def test_find_shell_patch(command: list[str] | str, expected: object) -> None:
    assert find_shell_patch(command) == expected


def test_assess_policies(tmp_path: Path) -> None:
    inside = verify("*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch", tmp_path)
    ws = {"type": "workspace-write", "exclude_slash_tmp": True, "exclude_tmpdir_env_var": True}
    assert assess(inside, "on-request", ws)[0] == "auto"
    assert assess(inside, "untrusted", {"type": "danger-full-access"})[0] == "ask"
    assert assess(inside, "on-request", {"type": "read-only"})[0] == "ask"
    assert assess(inside, "never", {"type": "read-only"}) == (
        "reject",
        "writing outside of the project; rejected by user approval settings",
    )
    git = verify("*** Begin Patch\n*** Add File: .git/config\n+x\n*** End Patch", tmp_path)
    assert assess(git, "on-request", ws)[0] == "ask"
    empty = verify("*** Begin Patch\n*** End Patch", tmp_path)
    assert assess(empty, "never", ws) == ("reject", "empty patch")


def test_turn_diff_tracks_baseline_across_patches_and_moves(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one\n")
    tracker = TurnDiffTracker()
    first = verify("*** Begin Patch\n*** Update File: a.txt\n@@\n-one\n+two\n*** End Patch", tmp_path)
    tracker.on_patch_begin(first.changes)
    assert apply_patch_text(first.patch, tmp_path).success
    second = verify(
        "*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n@@\n-two\n+three\n"
        "*** Add File: c.txt\n+new\n*** End Patch",
        tmp_path,
    )
    tracker.on_patch_begin(second.changes)
    assert apply_patch_text(second.patch, tmp_path).success
    a, b, c = (str(tmp_path / name) for name in ("a.txt", "b.txt", "c.txt"))
    assert tracker.unified_diff() == (
        f"diff --git a/{a} b/{b}\n"
        f"index {git_blob_oid(b'one' + bytes([10]))}..{git_blob_oid(b'three' + bytes([10]))}\n"
        f"--- a/{a}\n+++ b/{b}\n@@ -1 +1 @@\n-one\n+three\n"
        f"diff --git a/{c} b/{c}\nnew file mode 100644\n"
        f"index 0000000000000000000000000000000000000000..{git_blob_oid(b'new' + bytes([10]))}\n"
        f"--- /dev/null\n+++ b/{c}\n@@ -0,0 +1 @@\n+new\n"
    )


def test_turn_diff_paths_relative_to_git_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "src").mkdir()
    tracker = TurnDiffTracker()
    action = verify("*** Begin Patch\n*** Add File: src/x.txt\n+x\n*** End Patch", tmp_path)
    tracker.on_patch_begin(action.changes)
    apply_patch_text(action.patch, tmp_path)
    diff = tracker.unified_diff()
    assert diff is not None and diff.startswith("diff --git a/src/x.txt b/src/x.txt\n")


def test_git_blob_oid_matches_golden() -> None:
    # The reference's turn diff for "patched by mock\n" (conformance golden).
    assert git_blob_oid(b"patched by mock\n") == "95c14c471db4e104defcb4ece4762fbac828a7f9"
