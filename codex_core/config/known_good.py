"""Config loads known to succeed, each with everything it depended on, so that a fresh
`codex mcp-server` can skip checking an unchanged config before it answers the handshake.

The check itself takes under a millisecond, but importing the loader (pathlib, typing, the
layer and merge modules) costs a start with settings in config.toml about 20 ms, close to
the reference's whole start. So the loader can record what a load looked at (`Observations`):
each config file it read (length and two checksums of its bytes, or absent), each path it
probed for existence or resolved. After a load that succeeded the caller keeps that record
(`remember`), and a later start with the same CODEX_HOME, cwd and `-c` overrides asks those
same questions again with plain `os` calls (`known_good`). Only when every answer is still
the same is the load known to succeed again; any difference, or a record that cannot be read,
means "load it", so a broken config still fails before serving.

A record holds paths and checksums only: the `-c` overrides, which may carry a secret, are kept
as a checksum too, so that no value is copied from a command line into a file (0600 anyway).
This module stays free of pathlib and typing: the start path it serves must not import them.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # as typing's; importing typing costs the start path ~3 ms
if TYPE_CHECKING:
    from collections.abc import Sequence
    from os import PathLike

RECORD_FILE = "pycodex-config-checked.json"
FORMAT = 1
MAX_RECORDS = 8  # an MCP host spawns us from a few working folders

_FILE = "file"
_IS_FILE = "is_file"
_EXISTS = "exists"
_REALPATH = "realpath"


def _bytes_print(data: bytes) -> list[int]:
    import zlib

    return [len(data), zlib.crc32(data), zlib.adler32(data)]


def _file_print(path: str) -> list[int] | None:
    """What a load saw of a config file: length and two checksums of its bytes, None when absent.

    Two 32-bit checksums and the length: an edit that keeps all three is not a realistic accident,
    and whoever can write config.toml on purpose gains nothing by fooling a pre-check.
    Raises OSError for anything but absence, as reading it for the load would.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None
    return _bytes_print(data)


def _code_print() -> list[int]:
    """Which loader judged: another Python or another version of this package (any change to the
    config modules' source) may judge the same files otherwise, so its records do not count."""
    import sys
    import zlib

    folder = os.path.dirname(os.path.abspath(__file__))
    checksum = 0
    for name in sorted(os.listdir(folder)):
        if name.endswith(".py"):
            with open(os.path.join(folder, name), "rb") as handle:
                checksum = zlib.crc32(handle.read(), checksum)
    return [sys.hexversion, checksum]


def _answer(kind: str, path: str) -> object:
    if kind == _FILE:
        return _file_print(path)
    if kind == _IS_FILE:
        return os.path.isfile(path)
    if kind == _EXISTS:
        return os.path.exists(path)
    if kind == _REALPATH:
        return os.path.realpath(path)
    raise ValueError(kind)


class Observations:
    """The filesystem questions one config load asked, with their answers, in order.

    The loader asks through these methods so that what it is told and what is recorded cannot
    differ. A file is fingerprinted before it is read: an edit landing between the two makes
    the record describe the older bytes, which the next start then finds changed.
    """

    def __init__(self) -> None:
        self.seen: list[list[object]] = []

    def _ask(self, kind: str, path: str | PathLike[str]) -> object:
        text = os.fspath(path)
        value = _answer(kind, text)
        self.seen.append([kind, text, value])
        return value

    def file(self, path: str | PathLike[str]) -> None:
        """Note a config file the load is about to read (a failure to read is the load's to word)."""
        try:
            self._ask(_FILE, path)
        except OSError:
            self.seen.append([_FILE, os.fspath(path), "unreadable"])

    def is_file(self, path: str | PathLike[str]) -> bool:
        return bool(self._ask(_IS_FILE, path))

    def exists(self, path: str | PathLike[str]) -> bool:
        return bool(self._ask(_EXISTS, path))

    def realpath(self, path: str | PathLike[str]) -> str:
        return str(self._ask(_REALPATH, path))


def _read_records(codex_home: str) -> list[dict[str, object]]:
    import json

    try:
        with open(os.path.join(codex_home, RECORD_FILE), "rb") as handle:
            stored = json.loads(handle.read())
    except (OSError, ValueError, RecursionError):
        return []
    if not isinstance(stored, dict) or stored.get("format") != FORMAT:
        return []
    records = stored.get("records")
    if not isinstance(records, list):
        return []
    return [record for record in records if isinstance(record, dict)]


def _load_key(codex_home: str, cwd: str, overrides: Sequence[str]) -> dict[str, object]:
    """What a record is for: this loader, this CODEX_HOME and working folder, these `-c` overrides."""
    # NUL cannot occur in an argument, so with the count first the joined list tells lists apart.
    joined = "\0".join([str(len(overrides)), *overrides]).encode("utf-8", "surrogatepass")
    return {"code": _code_print(), "codex_home": codex_home, "cwd": cwd, "overrides": _bytes_print(joined)}


def _is_for(record: dict[str, object], key: dict[str, object]) -> bool:
    return all(record.get(name) == value for name, value in key.items())


def known_good(codex_home: str, cwd: str, overrides: Sequence[str]) -> bool:
    """Whether a load of this CODEX_HOME from this cwd with these `-c` overrides succeeded before
    and every file and path it depended on still answers the same."""
    try:
        key = _load_key(codex_home, cwd, overrides)
    except OSError:
        return False  # the loader's own source cannot be read: nothing to vouch with
    for record in _read_records(codex_home):
        if not _is_for(record, key):
            continue
        seen = record.get("seen")
        if not isinstance(seen, list):
            return False
        for entry in seen:
            if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[1], str)):
                return False
            kind, path, value = entry
            try:
                if _answer(str(kind), path) != value:
                    return False
            except (OSError, ValueError):
                return False
        return True
    return False


def remember(codex_home: str, cwd: str, overrides: Sequence[str], observations: Observations) -> None:
    """Keep the record of a load that succeeded (the newest last); a failure to write is no record."""
    import contextlib
    import json

    if any(entry[2] == "unreadable" for entry in observations.seen):
        return  # the load read what this could not: nothing to compare with next time
    try:
        key = _load_key(codex_home, cwd, overrides)
    except OSError:
        return
    # Records of another loader can never count again; those of other places are kept.
    records = [r for r in _read_records(codex_home) if r.get("code") == key["code"] and not _is_for(r, key)]
    records.append({**key, "seen": observations.seen})
    data = json.dumps({"format": FORMAT, "records": records[-MAX_RECORDS:]})
    target = os.path.join(codex_home, RECORD_FILE)
    scratch = os.path.join(codex_home, f".{RECORD_FILE}.{os.getpid()}")
    try:
        fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
        os.replace(scratch, target)  # a cache: no fsync, a lost write is only a miss
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(scratch)


def config_loads(overrides: Sequence[str]) -> bool:
    """Whether the user's config, with these `-c` overrides, loads from the current folder:
    answered from a record when nothing it depended on changed, else by loading it (and then
    recording that load when it succeeds)."""
    from codex_core.config.locations import codex_home_candidate

    candidate, explicit = codex_home_candidate(os.environ)
    # As the loader takes it: an explicit CODEX_HOME must be a folder and is resolved.
    home = os.path.realpath(candidate) if explicit else candidate
    cwd = os.getcwd()
    if (not explicit or os.path.isdir(candidate)) and known_good(home, cwd, overrides):
        return True
    from codex_core.config.errors import ConfigError
    from codex_core.config.loader import load_config

    observations = Observations()
    try:
        load_config(cli_overrides=overrides, observations=observations)
    except (ConfigError, OSError):
        return False
    remember(home, cwd, overrides, observations)
    return True
