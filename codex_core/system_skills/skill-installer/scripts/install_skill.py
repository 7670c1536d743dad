#!/usr/bin/env python3
"""List or install Codex skills from a GitHub repository.

usage:
  install_skill.py list OWNER/REPO [--ref REF] [--path FOLDER]
  install_skill.py install OWNER/REPO PATH [--ref REF] [--name NAME] [--dest DIR]
  install_skill.py install https://github.com/OWNER/REPO/tree/REF/PATH [--name NAME]
"""

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path


def skills_home() -> Path:
    return Path(os.environ.get("CODEX_HOME") or Path.home() / ".codex") / "skills"


def fetch(repo: str, ref: str | None, path: str, into: Path) -> Path:
    """The repository's `path` folder under `into`: git first (private repos), then a tarball."""
    clone = into / "repo"
    git = ["git", "clone", "--depth", "1", "--filter=blob:none", "--sparse"]
    if ref:
        git += ["--branch", ref]
    try:
        subprocess.run([*git, f"https://github.com/{repo}.git", str(clone)], check=True, capture_output=True)
        if path:
            subprocess.run(
                ["git", "-C", str(clone), "sparse-checkout", "set", path], check=True, capture_output=True
            )
        return clone / path
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(clone, ignore_errors=True)
    url = f"https://codeload.github.com/{repo}/tar.gz/{ref or 'HEAD'}"
    with urllib.request.urlopen(url, timeout=60) as response:
        data = response.read()
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(into / "tar", filter="data")
    top = next((into / "tar").iterdir())
    return top / path


def front_matter(skill_md: Path) -> dict[str, str]:
    text = skill_md.read_text(encoding="utf-8", errors="replace")
    match = re.match(r"---\s*\n(.*?)\n---", text, re.S)
    fields: dict[str, str] = {}
    for line in (match.group(1) if match else "").splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith((" ", "\t")):
            fields[key.strip()] = value.strip().strip("\"'")
    return fields


def parse_source(args: argparse.Namespace) -> tuple[str, str | None, str]:
    url = re.match(r"https://github\.com/([^/]+/[^/]+)(?:/tree/([^/]+)/?(.*))?$", args.repo)
    if url:
        return url.group(1), args.ref or url.group(2), (url.group(3) or "").strip("/")
    return args.repo, args.ref, (getattr(args, "path", None) or "").strip("/")


def main() -> int:
    parser = argparse.ArgumentParser(description="List or install Codex skills from GitHub.")
    sub = parser.add_subparsers(dest="command", required=True)
    listing = sub.add_parser("list")
    listing.add_argument("repo")
    listing.add_argument("--ref")
    listing.add_argument("--path", default="")
    install = sub.add_parser("install")
    install.add_argument("repo")
    install.add_argument("path", nargs="?", default="")
    install.add_argument("--ref")
    install.add_argument("--name")
    install.add_argument("--dest", default=None)
    args = parser.parse_args()
    repo, ref, path = parse_source(args)
    with tempfile.TemporaryDirectory() as scratch:
        try:
            folder = fetch(repo, ref, path, Path(scratch))
        except OSError as exc:
            print(f"error: could not download {repo}: {exc}", file=sys.stderr)
            return 1
        if args.command == "list":
            for skill_md in sorted(folder.rglob("SKILL.md")):
                meta = front_matter(skill_md)
                print(f"{meta.get('name', skill_md.parent.name)}\t{meta.get('description', '')}")
            return 0
        meta = front_matter(folder / "SKILL.md") if (folder / "SKILL.md").is_file() else {}
        if not meta.get("name") or not meta.get("description"):
            print(f"error: {repo}/{path} has no SKILL.md with a name and a description", file=sys.stderr)
            return 1
        target = Path(args.dest or skills_home()) / (args.name or meta["name"])
        if target.exists():
            print(f"error: {target} already exists; remove it first to reinstall", file=sys.stderr)
            return 1
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder, target, ignore=shutil.ignore_patterns(".git"))
        print(f"installed {meta['name']} to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
