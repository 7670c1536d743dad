"""The skills we ship, installed into ``$CODEX_HOME/skills/.system`` as the reference installs
its own there.

The reference and ours may share one CODEX_HOME. The reference replaces ``.system`` whenever
its marker (``.codex-system-skills.marker``) differs from its own fingerprint; we only fill an
empty place or replace an older copy of ours (recognised by ``.pycodex-system-skills``), so two
implementations on one home never fight over the folder: a home the reference has touched keeps
the reference's skills.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

__all__ = ["ensure_system_skills", "fingerprint"]

logger = logging.getLogger(__name__)

SOURCE = Path(__file__).parent
SKILL_FOLDERS = ("skill-creator", "skill-installer")
REFERENCE_MARKER = ".codex-system-skills.marker"
OUR_MARKER = ".pycodex-system-skills"

_checked: set[str] = set()
_lock = threading.Lock()


def _files() -> list[Path]:
    found: list[Path] = []
    for folder in SKILL_FOLDERS:
        found += sorted(
            p for p in (SOURCE / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    return found


def fingerprint() -> str:
    """16 hex digits over the shipped files' paths and bytes (the marker's format)."""
    digest = hashlib.sha256()
    for path in _files():
        digest.update(str(path.relative_to(SOURCE)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _wanted(target: Path, current: str) -> bool:
    if not target.exists():
        return True
    ours = target / OUR_MARKER
    if ours.is_file():
        return ours.read_text(encoding="utf-8").strip() != current
    # Someone else's folder (the reference's, or a user's hand-made one): leave it be, unless it
    # is an empty leftover.
    return not any(target.iterdir())


def _install(target: Path, current: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".system-", dir=target.parent))
    try:
        for folder in SKILL_FOLDERS:
            shutil.copytree(SOURCE / folder, staging / folder, ignore=shutil.ignore_patterns("__pycache__"))
        (staging / REFERENCE_MARKER).write_text(current + "\n", encoding="utf-8")
        (staging / OUR_MARKER).write_text(current + "\n", encoding="utf-8")
        old = None
        if target.exists():
            old = target.with_name(f"{staging.name}-old")
            os.rename(target, old)
        try:
            os.rename(staging, target)
        except OSError:
            # Another process installed first; its copy is as good as ours.
            if old is not None and not target.exists():
                os.rename(old, target)
                old = None
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def ensure_system_skills(codex_home: str | os.PathLike[str]) -> None:
    """Install or update our system skills under ``codex_home`` once per process; never raises
    (a read-only home simply has none)."""
    key = os.fspath(codex_home)
    with _lock:
        if key in _checked:
            return
        _checked.add(key)
        target = Path(key) / "skills" / ".system"
        try:
            current = fingerprint()
            if _wanted(target, current):
                _install(target, current)
        except OSError as exc:
            logger.debug("system skills not installed in %s: %s", target, exc)
