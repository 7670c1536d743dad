"""Remote skills ("hazelnuts"): the public catalogue next to the ChatGPT backend.

As the reference 0.100.0 does it (observed on the binary): no login is needed. The catalogue is
`GET <root>/public-api/hazelnuts/?product_surface=codex`, where `<root>` is `chatgpt_base_url`
without a trailing `/backend-api`; a skill's archive is `GET .../hazelnuts/<id>/export`. Only the
files the catalogue lists for that skill are unpacked (a leading `<name>/` or `<id>/` folder in
the archive is dropped), into `CODEX_HOME/skills/downloaded/<name>` or, for a preload,
`CODEX_HOME/vendor_imports/skills/skills/.curated/<name>`. Error texts are the reference's.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote

from codex_core.backend_client import DEFAULT_CHATGPT_BASE_URL

REMOTE_SKILLS_TIMEOUT_S = 30.0
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


class RemoteSkillError(Exception):
    """A failed catalogue read or download; `str()` is the reference's message."""


@dataclass(frozen=True)
class RemoteSkill:
    id: str
    name: str
    description: str
    files: frozenset[str]  # the archive entries that belong to the skill


def catalogue_url(chatgpt_base_url: str | None) -> str:
    root = (chatgpt_base_url or DEFAULT_CHATGPT_BASE_URL).rstrip("/")
    root = root.removesuffix("/backend-api")
    return f"{root}/public-api/hazelnuts/"


def _status_text(status: int) -> str:
    """`404 Not Found`, as the reference's HTTP client prints a status."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


async def _get(
    url: str, params: dict[str, str] | None, user_agent: str | None, failure: str
) -> tuple[int, bytes]:
    import httpx

    headers = {"user-agent": user_agent} if user_agent else {}
    try:
        async with httpx.AsyncClient(timeout=REMOTE_SKILLS_TIMEOUT_S) as client:
            response = await client.get(url, params=params, headers=headers)
    except httpx.HTTPError:
        raise RemoteSkillError(f"{failure} {url}") from None
    return response.status_code, response.content


async def fetch_catalogue(chatgpt_base_url: str | None, user_agent: str | None = None) -> list[RemoteSkill]:
    import orjson

    url = catalogue_url(chatgpt_base_url)
    status, body = await _get(url, {"product_surface": "codex"}, user_agent, "Failed to send request to")
    if status // 100 != 2:
        text = body.decode("utf-8", errors="replace")
        raise RemoteSkillError(f"Request failed with status {_status_text(status)} from {url}: {text}")
    try:
        entries = orjson.loads(body)["hazelnuts"]
        return [_skill(entry) for entry in entries]
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise RemoteSkillError("Failed to parse skills response") from None


def _skill(entry: Any) -> RemoteSkill:
    fields = (entry["id"], entry["name"], entry["description"])
    if not all(isinstance(value, str) for value in fields):
        raise ValueError("not a string")
    files = entry.get("files") or {}
    if not isinstance(files, dict):
        raise ValueError("files is not a map")
    return RemoteSkill(*fields, files=frozenset(files))


async def download(
    chatgpt_base_url: str | None,
    codex_home: Path,
    hazelnut_id: str,
    *,
    is_preload: bool,
    user_agent: str | None = None,
) -> tuple[RemoteSkill, Path]:
    """Unpack one skill; returns it and the folder it went to. Blocking file work runs in a thread."""
    found = [s for s in await fetch_catalogue(chatgpt_base_url, user_agent) if s.id == hazelnut_id]
    if not found:
        raise RemoteSkillError(f"Remote skill {hazelnut_id} not found")
    skill = found[0]
    url = f"{catalogue_url(chatgpt_base_url)}{quote(hazelnut_id, safe='')}/export"
    status, body = await _get(url, None, user_agent, "Failed to send download request to")
    if status // 100 != 2:
        text = body.decode("utf-8", errors="replace")
        raise RemoteSkillError(f"Download failed with status {_status_text(status)} from {url}: {text}")
    if not body.startswith(_ZIP_MAGICS):
        raise RemoteSkillError("Downloaded remote skill payload is not a zip archive")
    dir_name = single_component(skill.name) if skill.name.strip() else None
    dir_name = dir_name or single_component(skill.id)
    if dir_name is None:
        raise RemoteSkillError("Remote skill has no valid directory name")
    root = (
        codex_home / "vendor_imports" / "skills" / "skills" / ".curated"
        if is_preload
        else codex_home / "skills" / "downloaded"
    )
    target = root / dir_name
    await asyncio.to_thread(unpack, body, target, skill.files, (skill.name, skill.id))
    return skill, target


def single_component(name: str) -> str | None:
    """`name` when it is exactly one plain path component ("a", "a/"), else None ("a/b", "..", "./a")."""
    if not name or name.startswith("/") or name == "." or name.startswith("./"):
        return None
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if len(parts) != 1 or parts[0] == "..":
        return None
    return parts[0]


def _archive_name(raw: str, prefixes: tuple[str, ...]) -> str | None:
    name = raw
    while name.startswith("./"):
        name = name[2:]
    for prefix in prefixes:
        if prefix and name.startswith(prefix + "/"):
            name = name[len(prefix) + 1 :]
            break
    return name or None


def unpack(payload: bytes, target: Path, allowed: frozenset[str], prefixes: tuple[str, ...]) -> None:
    """Write the allowed entries of a skill archive under `target`; a path that is not made of
    plain components (`..`, `/x`, `./x` once normalised) is refused before anything escapes."""
    target.mkdir(parents=True, exist_ok=True)
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except zipfile.BadZipFile:
        raise RemoteSkillError("Failed to open zip archive") from None
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = _archive_name(info.filename, prefixes)
            if name is None or name not in allowed:
                continue
            if name.startswith("/") or name.startswith("./") or "\\" in name:
                raise RemoteSkillError(f"Invalid file path in remote skill payload: {name}")
            parts = [part for part in name.split("/") if part not in ("", ".")]
            if not parts or ".." in parts:
                raise RemoteSkillError(f"Invalid file path in remote skill payload: {name}")
            destination = target.joinpath(*parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source:
                destination.write_bytes(source.read())
