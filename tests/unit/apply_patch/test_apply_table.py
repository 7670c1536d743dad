"""apply_patch end to end on real files: a table of patches with the exact files or errors they give."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from codex_core.tools.apply_patch.apply import PatchError, apply_patch_text, verify
from codex_core.tools.apply_patch.parser import ParseError


def patch(*body: str) -> str:
    return "\n".join(["*** Begin Patch", *body, "*** End Patch"]) + "\n"


@dataclass
class Case:
    name: str
    patch: str
    before: dict[str, str | bytes] = field(default_factory=dict)
    after: dict[str, str | bytes | None] = field(default_factory=dict)  # None: must not exist
    stdout: str = ""
    error: str | None = None  # applying fails with exactly this stderr line


CASES = [
    Case(
        "add",
        patch("*** Add File: hello.txt", "+hello", "+world"),
        after={"hello.txt": "hello\nworld\n"},
        stdout="Success. Updated the following files:\nA hello.txt\n",
    ),
    Case(
        "add_nested_creates_dirs",
        patch("*** Add File: a/b/c.txt", "+x"),
        after={"a/b/c.txt": "x\n"},
        stdout="Success. Updated the following files:\nA a/b/c.txt\n",
    ),
    Case(
        "add_empty_plus_line_is_blank_line",
        patch("*** Add File: blank.txt", "+first", "+", "+third"),
        after={"blank.txt": "first\n\nthird\n"},
        stdout="Success. Updated the following files:\nA blank.txt\n",
    ),
    Case(
        "add_overwrites_existing",
        patch("*** Add File: dup.txt", "+new"),
        before={"dup.txt": "old\n"},
        after={"dup.txt": "new\n"},
        stdout="Success. Updated the following files:\nA dup.txt\n",
    ),
    Case(
        "delete",
        patch("*** Delete File: gone.txt"),
        before={"gone.txt": "bye\n", "keep.txt": "k\n"},
        after={"gone.txt": None, "keep.txt": "k\n"},
        stdout="Success. Updated the following files:\nD gone.txt\n",
    ),
    Case(
        "update_single_hunk",
        patch("*** Update File: f.txt", "@@", " foo", "-bar", "+baz"),
        before={"f.txt": "foo\nbar\n"},
        after={"f.txt": "foo\nbaz\n"},
        stdout="Success. Updated the following files:\nM f.txt\n",
    ),
    Case(
        "update_multi_hunk",
        patch("*** Update File: m.txt", "@@", " foo", "-bar", "+BAR", "@@", " baz", "-qux", "+QUX"),
        before={"m.txt": "foo\nbar\nbaz\nqux\n"},
        after={"m.txt": "foo\nBAR\nbaz\nQUX\n"},
        stdout="Success. Updated the following files:\nM m.txt\n",
    ),
    Case(
        "update_with_context_header",
        patch("*** Update File: p.py", "@@ def b():", "-    return 1", "+    return 2"),
        before={"p.py": "def a():\n    return 1\n\ndef b():\n    return 1\n"},
        after={"p.py": "def a():\n    return 1\n\ndef b():\n    return 2\n"},
        stdout="Success. Updated the following files:\nM p.py\n",
    ),
    Case(
        "update_without_first_marker",
        patch("*** Update File: i.py", " import foo", "+import bar"),
        before={"i.py": "import foo\nx = 1\n"},
        after={"i.py": "import foo\nimport bar\nx = 1\n"},
        stdout="Success. Updated the following files:\nM i.py\n",
    ),
    Case(
        "move_to_new_directory",
        patch("*** Update File: old/name.txt", "*** Move to: renamed/dir/name.txt", "@@", "-old", "+new"),
        before={"old/name.txt": "old\n", "old/other.txt": "o\n"},
        after={"old/name.txt": None, "renamed/dir/name.txt": "new\n", "old/other.txt": "o\n"},
        stdout="Success. Updated the following files:\nM renamed/dir/name.txt\n",
    ),
    Case(
        "summary_groups_added_modified_deleted",
        patch(
            "*** Delete File: d.txt",
            "*** Update File: u.txt",
            "@@",
            "-1",
            "+2",
            "*** Add File: a.txt",
            "+a",
        ),
        before={"d.txt": "d\n", "u.txt": "1\n"},
        after={"d.txt": None, "u.txt": "2\n", "a.txt": "a\n"},
        stdout="Success. Updated the following files:\nA a.txt\nM u.txt\nD d.txt\n",
    ),
    Case(
        "pure_addition_appends",
        patch("*** Update File: t.txt", "@@", "+added"),
        before={"t.txt": "one\ntwo\n"},
        after={"t.txt": "one\ntwo\nadded\n"},
        stdout="Success. Updated the following files:\nM t.txt\n",
    ),
    Case(
        "update_adds_missing_trailing_newline",
        patch("*** Update File: n.txt", "@@", "-no newline", "+fixed"),
        before={"n.txt": "no newline"},
        after={"n.txt": "fixed\n"},
        stdout="Success. Updated the following files:\nM n.txt\n",
    ),
    Case(
        "end_of_file_marker_picks_last_match",
        patch("*** Update File: e.txt", "@@", " x", "-end", "+END", "*** End of File"),
        before={"e.txt": "x\nend\nx\nend\n"},
        after={"e.txt": "x\nend\nx\nEND\n"},
        stdout="Success. Updated the following files:\nM e.txt\n",
    ),
    Case(
        "crlf_file_keeps_crlf",
        patch("*** Update File: w.txt", "@@", " a", "-b", "+B", " c"),
        before={"w.txt": b"a\r\nb\r\nc\r\n"},
        after={"w.txt": b"a\r\nB\r\nc\r\n"},
        stdout="Success. Updated the following files:\nM w.txt\n",
    ),
    Case(
        "crlf_patch_on_lf_file",
        patch("*** Update File: l.txt", "@@", "-a", "+A").replace("\n", "\r\n"),
        before={"l.txt": "a\nb\n"},
        after={"l.txt": "A\nb\n"},
        stdout="Success. Updated the following files:\nM l.txt\n",
    ),
    Case(
        "fuzzy_trailing_whitespace",
        patch("*** Update File: s.txt", "@@", " foo", "-bar", "+baz"),
        before={"s.txt": "foo   \nbar\t\n"},
        # The matched region is replaced by the patch's lines, context included.
        after={"s.txt": "foo\nbaz\n"},
        stdout="Success. Updated the following files:\nM s.txt\n",
    ),
    Case(
        "fuzzy_leading_whitespace",
        patch("*** Update File: s.txt", "@@", "-bar", "+baz"),
        before={"s.txt": "    bar\n"},
        after={"s.txt": "baz\n"},
        stdout="Success. Updated the following files:\nM s.txt\n",
    ),
    Case(
        "fuzzy_unicode_punctuation",
        patch("*** Update File: q.txt", "@@", '-say "hi" - now', "+done"),
        before={"q.txt": "say \u201chi\u201d \u2014 now\n"},
        after={"q.txt": "done\n"},
        stdout="Success. Updated the following files:\nM q.txt\n",
    ),
    Case(
        "heredoc_wrapper_is_accepted",
        "<<'EOF'\n" + patch("*** Add File: h.txt", "+h") + "EOF\n",
        after={"h.txt": "h\n"},
        stdout="Success. Updated the following files:\nA h.txt\n",
    ),
    Case(
        "padded_markers",
        "  *** Begin Patch  \n*** Add File: pad.txt\n+p\n  *** End Patch  \n",
        after={"pad.txt": "p\n"},
        stdout="Success. Updated the following files:\nA pad.txt\n",
    ),
    Case(
        "bad_context_fails_and_leaves_file",
        patch("*** Update File: c.txt", "@@", "-missing", "+x"),
        before={"c.txt": "present\n"},
        after={"c.txt": "present\n"},
        error="Failed to find expected lines in c.txt:\nmissing",
    ),
    Case(
        "bad_context_header",
        patch("*** Update File: c.txt", "@@ class Nope", "-present", "+x"),
        before={"c.txt": "present\n"},
        after={"c.txt": "present\n"},
        error="Failed to find context 'class Nope' in c.txt",
    ),
    Case(
        "update_missing_file",
        patch("*** Update File: none.txt", "@@", "-a", "+b"),
        after={"none.txt": None},
        error="Failed to read file to update none.txt: No such file or directory (os error 2)",
    ),
    Case(
        "delete_missing_file",
        patch("*** Delete File: none.txt"),
        error="Failed to delete file none.txt",
    ),
    Case(
        "delete_directory_fails",
        patch("*** Delete File: dir"),
        before={"dir/f.txt": "f\n"},
        after={"dir/f.txt": "f\n"},
        error="Failed to delete file dir",
    ),
    Case(
        "partial_success_keeps_earlier_files",
        patch("*** Add File: created.txt", "+c", "*** Delete File: missing.txt"),
        after={"created.txt": "c\n"},
        error="Failed to delete file missing.txt",
    ),
    Case("empty_patch", patch(), error="No files were modified."),
    Case(
        "invalid_hunk_header",
        patch("*** Frobnicate File: x"),
        error="Invalid patch hunk on line 2: '*** Frobnicate File: x' is not a valid hunk header. "
        "Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
    ),
    Case(
        "empty_update_hunk",
        patch("*** Update File: x.txt"),
        error="Invalid patch hunk on line 2: Update file hunk for path 'x.txt' is empty",
    ),
    Case(
        "missing_begin",
        "*** Add File: x\n+x\n*** End Patch\n",
        error="Invalid patch: The first line of the patch must be '*** Begin Patch'",
    ),
    Case(
        "missing_end",
        "*** Begin Patch\n*** Add File: x\n+x\n",
        error="Invalid patch: The last line of the patch must be '*** End Patch'",
    ),
]


def _write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_apply(case: Case, tmp_path: Path) -> None:
    _write_tree(tmp_path, case.before)
    result = apply_patch_text(case.patch, tmp_path)
    if case.error is None:
        assert (result.stdout, result.stderr, result.exit_code) == (case.stdout, "", 0)
    else:
        assert (result.stdout, result.stderr, result.exit_code) == ("", case.error + "\n", 1)
    for name, expected in case.after.items():
        path = tmp_path / name
        if expected is None:
            assert not path.exists(), name
        elif isinstance(expected, bytes):
            assert path.read_bytes() == expected, name
        else:
            assert path.read_bytes() == expected.encode(), name


def test_verify_reports_changes_without_writing(tmp_path: Path) -> None:
    _write_tree(tmp_path, {"u.txt": "a\nb\nc\n", "d.txt": "gone\n"})
    action = verify(
        patch(
            "*** Add File: n.txt",
            "+new",
            "*** Delete File: d.txt",
            "*** Update File: u.txt",
            "*** Move to: v.txt",
            "@@",
            " a",
            "-b",
            "+B",
        ),
        tmp_path,
    )
    assert action.event_changes() == {
        str(tmp_path / "n.txt"): {"type": "add", "content": "new\n"},
        str(tmp_path / "d.txt"): {"type": "delete", "content": "gone\n"},
        str(tmp_path / "u.txt"): {
            "type": "update",
            "unified_diff": "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n",
            "move_path": str(tmp_path / "v.txt"),
        },
    }
    assert not (tmp_path / "n.txt").exists() and (tmp_path / "u.txt").read_text() == "a\nb\nc\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            patch("*** Update File: u.txt", "@@", "-zzz", "+y"),
            "Failed to find expected lines in {root}/u.txt:\nzzz",
        ),
        (
            patch("*** Delete File: nope.txt"),
            "Failed to read {root}/nope.txt: No such file or directory (os error 2)",
        ),
        ("garbage", "invalid patch: The first line of the patch must be '*** Begin Patch'"),
        (
            patch("*** Update File: u.txt", "@@", "-a", "*** End of File", "oops"),
            "invalid hunk at line 6, Expected update hunk to start with a @@ context marker, got: 'oops'",
        ),
        (
            patch("*** Update File: u.txt", "@@", "-a", "@@", "xyz"),
            "invalid hunk at line 6, Unexpected line found in update hunk: 'xyz'. Every line should "
            "start with ' ' (context line), '+' (added line), or '-' (removed line)",
        ),
    ],
)
def test_verify_errors(text: str, message: str, tmp_path: Path) -> None:
    _write_tree(tmp_path, {"u.txt": "a\n"})
    with pytest.raises((ParseError, PatchError)) as raised:
        verify(text, tmp_path)
    assert str(raised.value) == message.format(root=tmp_path)
