"""Ignore rules for walking a tree as git and ripgrep do: .gitignore, .ignore, .git/info/exclude, global excludes.

Used by fuzzy file search; a scope is one ignore file applied below the folder that holds it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["GitIgnore", "Scope", "base_scopes", "is_ignored"]


def _glob_to_regex(glob: str) -> str:
    """Translate one gitignore glob (already stripped of ``!``, anchors and trailing /)."""
    out: list[str] = []
    i, n = 0, len(glob)
    while i < n:
        ch = glob[i]
        if ch == "*":
            if glob.startswith("**", i):
                at_start = i == 0 or glob[i - 1] == "/"
                after = i + 2
                if at_start and after < n and glob[after] == "/":
                    out.append("(?:.*/)?")  # "**/" : zero or more directories
                    i = after + 1
                    continue
                if at_start and after == n:
                    out.append(".*")  # trailing "/**": everything inside
                    i = after
                    continue
                out.append("[^/]*")
                i = after
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            close = glob.find("]", i + 2 if i + 1 < n and glob[i + 1] in "!^" else i + 1)
            if close < 0:
                out.append(re.escape(ch))
            else:
                body = glob[i + 1 : close]
                negate = body[:1] in ("!", "^")
                if negate:
                    body = body[1:]
                body = body.replace("\\", "\\\\").replace("[", "\\[")
                out.append(f"[{'^' if negate else ''}{body}]")
                i = close
        elif ch == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(glob[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


@dataclass(frozen=True, slots=True)
class _Rule:
    regex: str
    negated: bool
    dir_only: bool


class GitIgnore:
    """Rules of one ignore file, matched against paths relative to its directory.

    ``match`` answers True (ignored), False (re-included by a ``!`` rule) or None (no
    rule applies).  All rules are fused into one regex whose alternatives are in
    reverse file order, so the first alternative that matches is the last rule in
    the file, which is the one git obeys.
    """

    __slots__ = ("_dir_re", "_file_re", "_negated_dir", "_negated_file")

    def __init__(self, lines: Iterable[str]) -> None:
        rules = [rule for rule in (self._parse(line) for line in lines) if rule is not None]
        self._file_re, self._negated_file = self._compile([r for r in rules if not r.dir_only])
        self._dir_re, self._negated_dir = self._compile(rules)

    @classmethod
    def from_file(cls, path: str) -> GitIgnore | None:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return cls(handle.read().splitlines())
        except OSError:
            return None

    @staticmethod
    def _parse(line: str) -> _Rule | None:
        if line.endswith("\r"):
            line = line[:-1]
        # Trailing spaces are dropped unless escaped.
        stripped = line.rstrip(" ")
        if stripped.endswith("\\") and len(stripped) < len(line):
            stripped += " "
        line = stripped
        if not line or line.startswith("#"):
            return None
        negated = line.startswith("!")
        if negated or line.startswith("\\!") or line.startswith("\\#"):
            line = line[1:]
        dir_only = line.endswith("/") and not line.endswith("\\/")
        if dir_only:
            line = line.rstrip("/")
        if not line:
            return None
        anchored = "/" in line
        if line.startswith("/"):
            line = line[1:]
        if line.startswith("**/"):
            anchored = True  # the "**/" prefix already matches at any depth
        body = _glob_to_regex(line)
        regex = body if anchored else f"(?:.*/)?{body}"
        return _Rule(regex, negated, dir_only)

    @staticmethod
    def _compile(rules: list[_Rule]) -> tuple[re.Pattern[str] | None, list[bool]]:
        if not rules:
            return None, []
        ordered = list(reversed(rules))
        alternatives = "|".join(f"(?P<r{i}>{rule.regex})" for i, rule in enumerate(ordered))
        try:
            compiled = re.compile(f"(?:{alternatives})\\Z", re.DOTALL)
        except re.error:
            # One bad glob should not disable the whole file: keep the valid ones.
            valid = []
            for rule in rules:
                try:
                    re.compile(rule.regex)
                except re.error:
                    continue
                valid.append(rule)
            if len(valid) == len(rules):
                return None, []
            return GitIgnore._compile(valid)
        return compiled, [rule.negated for rule in ordered]

    def match(self, rel_path: str, is_dir: bool) -> bool | None:
        pattern, negated = (
            (self._dir_re, self._negated_dir) if is_dir else (self._file_re, self._negated_file)
        )
        if pattern is None:
            return None
        found = pattern.match(rel_path)
        if found is None or found.lastgroup is None:
            return None
        return not negated[int(found.lastgroup[1:])]


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
