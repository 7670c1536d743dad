"""fuzzyFileSearch through `codex app-server` honours git's ignore rules (read by pathspec):
the paths the reference 0.100.0 returns for the same tree (recorded with codex-ref)."""

from __future__ import annotations

from pathlib import Path

from support.appserver import StdioAppServer

FILES = [
    "alpha.py",
    "alpha.log",
    "alpha_keep.log",
    "build/alpha_b.py",
    "sub/build",
    "top_alpha.txt",
    "sub/top_alpha.txt",
    "docs/x/gen/alpha_g.py",
    "docs/gen/alpha_g2.py",
    "lib/alpha_l.py",
    "lib/deep/alpha_d.py",
    "vendor/alpha_v.py",
    "vendor/keepme/alpha_k.py",
    "crlf_alpha.tmp",
    "a[b]alpha.py",
    "sp alpha ",
    "nested/alpha_n.py",
    "nested/alpha_n2.py",
    "nested/inner/alpha_i.py",
    "hash#alpha.py",
    "x/y/z/alpha_z.py",
    "x/alpha_x.py",
    "notes_alpha.md",
]
GITIGNORE = (
    "*.log\n!alpha_keep.log\n/build/\nbuild\n/top_alpha.txt\ndocs/**/gen\nlib/**\n!lib/deep/\n"
    "vendor/\n!vendor/keepme/\n\\#*\na\\[b\\]alpha.py\nsp\\ alpha\\ \nx/**/alpha_z.py\n"
)


def test_fuzzy_file_search_skips_ignored_paths(
    codex_bin: str, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    root = tmp_path / "tree"
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).touch()
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("*.md\n")
    (root / ".gitignore").write_text(GITIGNORE)
    (root / ".ignore").write_bytes(b"*.tmp\r\n")  # CRLF line ends
    (root / "nested" / ".gitignore").write_text("/alpha_n.py\ninner\n")
    with StdioAppServer(codex_bin, isolated_env) as server:
        server.initialize()
        response = server.request("fuzzyFileSearch", {"query": "alpha", "roots": [str(root)]})
    paths = sorted(entry["path"] for entry in response["result"]["files"])
    # A file under an excluded directory stays out even when a later rule names it (git's
    # rule); "!alpha_keep.log" re-includes a file; "\#" and "\ " are literal characters.
    assert paths == [
        "alpha.py",
        "alpha_keep.log",
        "hash#alpha.py",
        "nested/alpha_n2.py",
        "sub/top_alpha.txt",
        "x/alpha_x.py",
    ]
