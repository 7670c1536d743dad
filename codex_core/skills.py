"""Skill discovery for ``skills/list``.

A skill is a directory holding ``SKILL.md`` whose YAML front matter gives ``name`` and
``description`` (optionally ``metadata.short-description``); ``agents/openai.yaml``
next to it may add UI ``interface`` data.  Roots scanned per cwd, in result order:

* repo:   ``.codex/skills`` and ``.agents/skills`` in every directory from the cwd up
  to the git repository root (only the cwd itself outside a repository);
* user:   ``$CODEX_HOME/skills`` and ``$HOME/.agents/skills``;
* system: ``$CODEX_HOME/skills/.system`` (ours installed there by :mod:`codex_core.system_skills`
  unless the reference's are);
* admin:  ``/etc/codex/skills``.

Only a small YAML subset is understood (mappings, plain/quoted scalars, block
scalars), which is what skill front matter uses; this keeps the module stdlib-only.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "SkillParseError",
    "SkillsCache",
    "discover_skills",
    "parse_skill_file",
    "skill_roots",
]

SKILL_FILENAME = "SKILL.md"
_MAX_NAME_LEN = 64
_MAX_DESCRIPTION_LEN = 1024
_MAX_SHORT_DESCRIPTION_LEN = 1024
# Bounds on a scan so a skills root pointing at a huge tree stays cheap.
_MAX_DEPTH = 6
_MAX_DIRS = 2000
_SCOPE_RANK = {"repo": 0, "user": 1, "system": 2, "admin": 3}
_ADMIN_ROOT = "/etc/codex/skills"


class SkillParseError(Exception):
    """A SKILL.md that could not be loaded; ``str()`` is the wire error message."""


# ------------------------------------------------------------------ YAML subset


class _YamlError(Exception):
    pass


@dataclass
class _Line:
    indent: int
    text: str
    number: int


def _strip_comment(text: str) -> str:
    # Only plain scalars carry trailing comments worth removing.
    if text[:1] in ("'", '"'):
        return text
    hit = re.search(r"\s#", text)
    return text[: hit.start()].rstrip() if hit else text


def _scalar(raw: str, number: int) -> Any:
    text = _strip_comment(raw.strip())
    if not text:
        return None
    if text[0] == '"':
        if len(text) < 2 or not text.endswith('"'):
            raise _YamlError(f"found unexpected end of stream at line {number}")
        body = text[1:-1]
        return re.sub(
            r"\\(.)",
            lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(m.group(1), m.group(1)),
            body,
        )
    if text[0] == "'":
        if len(text) < 2 or not text.endswith("'"):
            raise _YamlError(f"found unexpected end of stream at line {number}")
        return text[1:-1].replace("''", "'")
    if text[0] == "[":
        return list(filter(None, (p.strip() for p in text.strip("[]").split(","))))
    if text[0] == "{":
        return {}
    if text in ("~", "null", "Null", "NULL"):
        return None
    if text in ("true", "True", "TRUE"):
        return True
    if text in ("false", "False", "FALSE"):
        return False
    return text


def _block_scalar(style: str, lines: list[_Line], start: int, parent_indent: int) -> tuple[str, int]:
    body: list[_Line] = []
    index = start
    while index < len(lines) and (not lines[index].text or lines[index].indent > parent_indent):
        body.append(lines[index])
        index += 1
    while body and not body[-1].text:
        body.pop()
    indent = min((line.indent for line in body if line.text), default=0)
    parts = [(" " * (line.indent - indent) + line.text) if line.text else "" for line in body]
    if style.startswith(">"):
        text = ""
        for part in parts:
            if not part:
                text += "\n"
            elif text and not text.endswith("\n"):
                text += " " + part
            else:
                text += part
    else:
        text = "\n".join(parts)
    if not style.endswith("-") and text:
        text += "\n"
    return text, index


def _mapping(lines: list[_Line], start: int, indent: int) -> tuple[dict[str, Any], int]:
    result: dict[str, Any] = {}
    index = start
    while index < len(lines):
        line = lines[index]
        if not line.text:
            index += 1
            continue
        if line.indent < indent:
            break
        if line.indent > indent:
            raise _YamlError(f"mapping values are not allowed in this context at line {line.number}")
        key, sep, rest = line.text.partition(":")
        if not sep or (rest and not rest[0].isspace()):
            raise _YamlError(f"could not find expected ':' at line {line.number}")
        key = key.strip().strip("'\"")
        rest = rest.strip()
        index += 1
        if rest[:1] in ("|", ">"):
            result[key], index = _block_scalar(rest.split()[0], lines, index, indent)
        elif rest and not rest.startswith("#"):
            result[key] = _scalar(rest, line.number)
        else:
            nxt = index
            while nxt < len(lines) and not lines[nxt].text:
                nxt += 1
            if nxt < len(lines) and lines[nxt].indent > indent:
                result[key], index = _mapping(lines, nxt, lines[nxt].indent)
            else:
                result[key] = None
    return result, index


def _parse_yaml_mapping(text: str) -> dict[str, Any]:
    lines: list[_Line] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise _YamlError(f"found a tab character that violates indentation at line {number}")
        stripped = raw.strip()
        if stripped.startswith("#"):
            stripped = ""
        lines.append(_Line(len(raw) - len(raw.lstrip(" ")), stripped, number))
    first = next((line for line in lines if line.text), None)
    if first is None:
        return {}
    parsed, _ = _mapping(lines, 0, first.indent)
    return parsed


# ------------------------------------------------------------------ skill files


def _single_line(value: str) -> str:
    return " ".join(value.split())


def _front_matter(contents: str) -> str | None:
    lines = contents.splitlines()
    if not lines or lines[0].strip() != "---":
        return None
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            body = lines[1:end]
            return "\n".join(body) if body else None
    return None


def _required_string(data: dict[str, Any], key: str) -> str:
    if key not in data:
        raise SkillParseError(f"invalid YAML: missing field `{key}`")
    value = data[key]
    if isinstance(value, list):
        raise SkillParseError(f"invalid YAML: {key}: invalid type: sequence, expected a string")
    if isinstance(value, dict):
        raise SkillParseError(f"invalid YAML: {key}: invalid type: map, expected a string")
    if value is None:
        raise SkillParseError(f"invalid YAML: {key}: invalid type: unit value, expected a string")
    return str(value).lower() if isinstance(value, bool) else str(value)


def _check_length(value: str, limit: int, field_name: str) -> None:
    if not value:
        raise SkillParseError(f"missing field `{field_name}`")
    if len(value) > limit:
        raise SkillParseError(f"invalid {field_name}: exceeds maximum length of {limit} characters")


_HEX_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


def _load_interface(skill_dir: Path) -> dict[str, Any] | None:
    """``interface`` from ``agents/openai.yaml``; None when absent or unusable."""
    source = skill_dir / "agents" / "openai.yaml"
    try:
        data = _parse_yaml_mapping(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, _YamlError):
        return None
    raw = data.get("interface")
    if not isinstance(raw, dict):
        return None

    def text(key: str) -> str | None:
        value = raw.get(key)
        if not isinstance(value, str):
            return None
        cleaned = _single_line(value)
        return cleaned or None

    def icon(key: str) -> str | None:
        value = text(key)
        if value is None:
            return None
        candidate = Path(value)
        # Icons must stay inside the skill directory.
        if candidate.is_absolute() or ".." in candidate.parts:
            return None
        return str(skill_dir / candidate)

    color = text("brand_color")
    interface = {
        "displayName": text("display_name"),
        "shortDescription": text("short_description"),
        "iconSmall": icon("icon_small"),
        "iconLarge": icon("icon_large"),
        "brandColor": color if color is not None and _HEX_COLOR.fullmatch(color) else None,
        "defaultPrompt": text("default_prompt"),
    }
    if all(value is None for value in interface.values()):
        return None
    return interface


def parse_skill_file(path: str | os.PathLike[str], scope: str) -> dict[str, Any]:
    """Load one SKILL.md into wire ``SkillMetadata`` (``enabled`` set to True).

    Raises :class:`SkillParseError` with the reference's message on bad files.
    """
    file_path = Path(path)
    try:
        contents = file_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise SkillParseError(f"failed to read file: {err}") from err
    front = _front_matter(contents)
    if front is None:
        raise SkillParseError("missing YAML frontmatter delimited by ---")
    try:
        data = _parse_yaml_mapping(front)
    except _YamlError as err:
        raise SkillParseError(f"invalid YAML: {err}") from err
    name = _single_line(_required_string(data, "name"))
    description = _single_line(_required_string(data, "description"))
    metadata = data.get("metadata")
    short: str | None = None
    if isinstance(metadata, dict):
        for key in ("short-description", "shortDescription", "short_description"):
            value = metadata.get(key)
            if isinstance(value, str):
                short = _single_line(value) or None
                break
    _check_length(name, _MAX_NAME_LEN, "name")
    _check_length(description, _MAX_DESCRIPTION_LEN, "description")
    if short is not None:
        _check_length(short, _MAX_SHORT_DESCRIPTION_LEN, "metadata.short-description")
    resolved = Path(os.path.realpath(file_path))
    skill: dict[str, Any] = {"name": name, "description": description}
    # Optional members are omitted (not null) when unset, as the reference does.
    if short is not None:
        skill["shortDescription"] = short
    interface = _load_interface(resolved.parent)
    if interface is not None:
        skill["interface"] = interface
    skill["path"] = str(resolved)
    skill["scope"] = scope
    skill["enabled"] = True
    return skill


# ------------------------------------------------------------------------ roots


def _repo_root(start: Path) -> Path | None:
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def skill_roots(
    cwd: str | os.PathLike[str],
    codex_home: str | os.PathLike[str],
    *,
    home: str | os.PathLike[str] | None = None,
    admin_root: str | os.PathLike[str] | None = _ADMIN_ROOT,
    extra_user_roots: Sequence[str] = (),
) -> list[tuple[Path, str]]:
    """``(directory, scope)`` pairs scanned for ``cwd``, most specific first."""
    roots: list[tuple[Path, str]] = []
    base = Path(os.path.realpath(cwd))
    if base.is_file():
        base = base.parent
    repo = _repo_root(base)
    chain = [base]
    if repo is not None:
        chain = [d for d in (base, *base.parents) if d == repo or repo in d.parents]
    for directory in chain:
        roots.append((directory / ".codex" / "skills", "repo"))
        roots.append((directory / ".agents" / "skills", "repo"))
    codex_home_path = Path(codex_home)
    roots.append((codex_home_path / "skills", "user"))
    home_dir = Path(home) if home is not None else Path(os.path.expanduser("~"))
    roots.append((home_dir / ".agents" / "skills", "user"))
    roots.extend((Path(extra), "user") for extra in extra_user_roots)
    roots.append((codex_home_path / "skills" / ".system", "system"))
    if admin_root is not None:
        roots.append((Path(admin_root), "admin"))
    return roots


def _scan_root(root: Path, scope: str) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    skills: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    if not root.is_dir():
        return skills, errors
    queue: list[tuple[Path, int]] = [(Path(os.path.realpath(root)), 0)]
    visited_dirs = 0
    while queue and visited_dirs < _MAX_DIRS:
        directory, depth = queue.pop(0)
        visited_dirs += 1
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            # Hidden entries (including ``.system`` under the user root) are skipped.
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_symlink():
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if depth + 1 < _MAX_DEPTH:
                        queue.append((Path(entry.path), depth + 1))
                    continue
                if not (entry.name == SKILL_FILENAME and entry.is_file(follow_symlinks=False)):
                    continue
            except OSError:
                continue
            try:
                skills.append(parse_skill_file(entry.path, scope))
            except SkillParseError as err:
                # Broken bundled skills are not the user's problem to fix.
                if scope != "system":
                    errors.append({"path": os.path.realpath(entry.path), "message": str(err)})
    return skills, errors


def discover_skills(
    cwd: str | os.PathLike[str],
    codex_home: str | os.PathLike[str],
    *,
    home: str | os.PathLike[str] | None = None,
    admin_root: str | os.PathLike[str] | None = _ADMIN_ROOT,
    disabled_paths: Iterable[str] = (),
    extra_user_roots: Sequence[str] = (),
) -> dict[str, Any]:
    """One ``SkillsListEntry`` (``{cwd, skills, errors}``) for ``cwd``.

    ``disabled_paths`` are SKILL.md paths switched off in config
    (``[[skills.config]] path=... enabled=false``); they are listed with
    ``enabled: false``.  Skills are ordered by scope (repo, user, system, admin),
    then name, then path; a file reachable from two roots is listed once.
    """
    disabled = {os.path.realpath(p) for p in disabled_paths}
    skills: list[dict[str, Any]] = []
    errors: list[dict[str, str]] = []
    seen: set[str] = set()
    for root, scope in skill_roots(
        cwd, codex_home, home=home, admin_root=admin_root, extra_user_roots=extra_user_roots
    ):
        found, failed = _scan_root(root, scope)
        for skill in found:
            if skill["path"] in seen:
                continue
            seen.add(skill["path"])
            if skill["path"] in disabled:
                skill["enabled"] = False
            skills.append(skill)
        errors.extend(error for error in failed if error["path"] not in seen)
    skills.sort(key=lambda s: (_SCOPE_RANK[s["scope"]], s["name"], s["path"]))
    errors.sort(key=lambda e: e["path"])
    return {"cwd": os.fspath(cwd), "skills": skills, "errors": errors}


@dataclass
class SkillsCache:
    """Per-cwd cache of :func:`discover_skills` results for ``skills/list``."""

    codex_home: str
    home: str | None = None
    admin_root: str | None = _ADMIN_ROOT
    _entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get(
        self,
        cwd: str,
        *,
        force_reload: bool = False,
        disabled_paths: Iterable[str] = (),
        extra_user_roots: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Blocking lookup; ``force_reload`` rescans and refreshes the cache."""
        if not force_reload and not extra_user_roots:
            with self._lock:
                cached = self._entries.get(cwd)
            if cached is not None:
                return _with_disabled(cached, disabled_paths)
        from codex_core.system_skills import ensure_system_skills

        ensure_system_skills(self.codex_home)
        entry = discover_skills(
            cwd,
            self.codex_home,
            home=self.home,
            admin_root=self.admin_root,
            extra_user_roots=extra_user_roots,
        )
        if not extra_user_roots:
            with self._lock:
                self._entries[cwd] = entry
        return _with_disabled(entry, disabled_paths)

    async def list(
        self,
        cwds: Sequence[str],
        *,
        force_reload: bool = False,
        disabled_paths: Iterable[str] = (),
        extra_user_roots: dict[str, Sequence[str]] | None = None,
    ) -> list[dict[str, Any]]:
        """``SkillsListResponse.data`` for ``cwds`` (scans run in a worker thread)."""
        disabled = list(disabled_paths)
        extras = extra_user_roots or {}

        def work() -> list[dict[str, Any]]:
            return [
                self.get(
                    cwd,
                    force_reload=force_reload,
                    disabled_paths=disabled,
                    extra_user_roots=extras.get(cwd, ()),
                )
                for cwd in cwds
            ]

        return await asyncio.to_thread(work)


def _with_disabled(entry: dict[str, Any], disabled_paths: Iterable[str]) -> dict[str, Any]:
    """Copy of a cached entry with ``enabled`` recomputed (config may have changed)."""
    disabled = {os.path.realpath(p) for p in disabled_paths}
    skills = [{**skill, "enabled": skill["path"] not in disabled} for skill in entry["skills"]]
    return {"cwd": entry["cwd"], "skills": skills, "errors": list(entry["errors"])}


def disabled_skill_paths(effective: dict[str, Any]) -> list[str]:
    """`[[skills.config]]` entries with `enabled = false` switch a skill off by its SKILL.md path."""
    skills = effective.get("skills")
    entries = skills.get("config") if isinstance(skills, dict) else None
    if not isinstance(entries, list):
        return []
    return [
        str(entry["path"])
        for entry in entries
        if isinstance(entry, dict) and entry.get("enabled") is False and isinstance(entry.get("path"), str)
    ]


def skills_section(skills: list[dict[str, Any]]) -> str | None:
    """What the model is told about the enabled skills (None when there are none): each one's name,
    description and SKILL.md path, then how to use them. Part of the thread's user instructions."""
    enabled = [skill for skill in skills if skill.get("enabled", True)]
    if not enabled:
        return None
    lines = [
        "## Skills",
        "A skill is a folder of instructions (a SKILL.md file, sometimes with scripts or other files) "
        "for one kind of work. These skills are available in this session:",
    ]
    for skill in enabled:
        lines.append(f"- {skill['name']}: {skill.get('description', '')} (file: {skill['path']})")
    lines += [
        "### Using skills",
        "- Use a skill when the user names it or when the task plainly matches its description.",
        "- Open its SKILL.md before you start and follow it; read only the parts the task needs, and "
        "resolve relative paths against the skill's folder.",
        "- Prefer the skill's own scripts and templates over writing the same thing again.",
        "- If a skill is missing, unreadable or does not fit the task, say so in a sentence and go on "
        "without it.",
    ]
    return "\n".join(lines)
