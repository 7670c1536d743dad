"""Ignore rules for walking a tree as git and ripgrep do: .gitignore, .ignore, .git/info/exclude, global excludes.

Used by fuzzy file search; a scope is one ignore file applied below the folder that holds it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pathspec import GitIgnoreSpec

__all__ = ["GitIgnore", "Scope", "base_scopes", "is_ignored"]


class GitIgnore:
    """Rules of one ignore file, matched against paths relative to its directory.

    The patterns are git's own syntax as ``pathspec``'s ``GitIgnoreSpec`` reads it (last
    matching rule wins, ``!`` re-includes, a trailing ``/`` matches directories only).
    ``match`` answers True (ignored), False (re-included by a ``!`` rule) or None (no rule
    applies), so scopes can be stacked: the deepest file with an opinion decides.
    """

    __slots__ = ("_any", "_spec")

    def __init__(self, lines: Iterable[str]) -> None:
        # pathspec drops only a trailing "\n"; a CRLF file keeps its "\r" otherwise.
        kept = [line.removesuffix("\r") for line in lines]
        try:
            self._spec = GitIgnoreSpec.from_lines(kept)
        except ValueError:
            # git skips a line it cannot read ("!", a lone "\\"); pathspec refuses the file.
            self._spec = GitIgnoreSpec.from_lines(line for line in kept if _valid(line))
        self._any = _any_rule(self._spec)

    @classmethod
    def from_file(cls, path: str) -> GitIgnore | None:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return cls(handle.read().splitlines())
        except OSError:
            return None

    def match(self, rel_path: str, is_dir: bool) -> bool | None:
        # A trailing "/" is how pathspec tells a directory from a file ("build/" rules).
        path = rel_path + "/" if is_dir else rel_path
        if self._any is not None and self._any.match(path) is None:
            return None
        return self._spec.check_file(path).include


def _any_rule(spec: GitIgnoreSpec) -> re.Pattern[str] | None:
    """One regex that matches when any rule of ``spec`` does.

    pathspec tries its rules one by one, several times slower than one regex over a big
    tree where most paths match no rule; this filter answers those at once and leaves
    every path some rule matches to pathspec's own verdict (priorities and negations).
    """
    bodies = []
    for pattern in spec.patterns:
        regex = getattr(pattern, "regex", None)
        if pattern.include is None or regex is None:
            continue
        # Rules reuse the same group name; the filter needs no groups at all. pathspec
        # searches; an unanchored rule gets a lazy ".*" so the whole filter can match at 0.
        body = _NAMED_GROUP.sub("(?:", regex.pattern)
        bodies.append(body if body.startswith("^") else f".*?{body}")
    if not bodies:
        return None
    try:
        return re.compile("|".join(f"(?:{body})" for body in bodies), re.DOTALL)
    except re.error:
        return None  # no filter: pathspec alone is slower but still right


def _valid(line: str) -> bool:
    try:
        GitIgnoreSpec.from_lines([line])
    except ValueError:
        return False
    return True


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


@dataclass(frozen=True, slots=True)
class Scope:
    """An ignore file applied to paths below the directory it lives in."""

    rules: GitIgnore
    strip: int  # chars of the root-relative path to drop (the dir's own rel path + "/")
    prefix: str  # prepended when the ignore file lives above the search root


def _find_repo_root(start: str) -> str | None:
    current = start
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def _global_excludes() -> GitIgnore | None:
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return GitIgnore.from_file(os.path.join(base, "git", "ignore"))


def base_scopes(root: str) -> list[Scope]:
    """Scopes from above the root: ancestors' ignore files, info/exclude, global."""
    scopes: list[Scope] = []
    repo_root = _find_repo_root(root)
    global_rules = _global_excludes()
    if repo_root is not None:
        # Lowest priority first; is_ignored walks the list from the end.
        if global_rules is not None:
            scopes.append(Scope(global_rules, 0, _rel_prefix(root, repo_root)))
        exclude = GitIgnore.from_file(os.path.join(repo_root, ".git", "info", "exclude"))
        if exclude is not None:
            scopes.append(Scope(exclude, 0, _rel_prefix(root, repo_root)))
    ancestors: list[str] = []
    current = os.path.dirname(root)
    if root != repo_root:
        while True:
            ancestors.append(current)
            if current == repo_root:
                break
            parent = os.path.dirname(current)
            if parent == current:
                break
            current = parent
    for ancestor in reversed(ancestors):
        prefix = _rel_prefix(root, ancestor)
        for name in (".gitignore", ".ignore"):
            rules = GitIgnore.from_file(os.path.join(ancestor, name))
            if rules is not None:
                scopes.append(Scope(rules, 0, prefix))
    return scopes


def _rel_prefix(root: str, base: str) -> str:
    rel = os.path.relpath(root, base)
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


def is_ignored(scopes: list[Scope], rel_path: str, is_dir: bool) -> bool:
    # Deeper files win over shallower ones and .ignore over .gitignore: both are
    # appended later, so scan from the end and stop at the first opinion.
    for scope in reversed(scopes):
        verdict = scope.rules.match(scope.prefix + rel_path[scope.strip :], is_dir)
        if verdict is not None:
            return verdict
    return False


# ------------------------------------------------------------------------- walking
