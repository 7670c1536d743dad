"""The rendered export trees, kept between runs and keyed by everything they are made from.

An export is a pure function of the protocol sources (this package's `.py` files), pydantic
(how fields and aliases are read) and the Python version; importing the ~550 models it walks is
most of its cost. So the CLI keeps the last rendering of each kind in the user's cache folder
(`$XDG_CACHE_HOME/pycodex`, else `~/.cache/pycodex`) under a hash of those inputs: a run whose
inputs are unchanged writes the same bytes without importing a model. A cache that cannot be
read or written is skipped, never an error.

A built wheel also carries the renderings made from its own sources at build time (`prebuilt/`,
zlib-compressed, named by the same hash; see hatch_build.py), so the first export after an
install is as quick as a cached one. A prebuilt rendering whose hash is not this install's
(another pydantic or Python than the build had, edited sources) is simply not found.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

FORMAT = "3"  # bump when the cached layout changes
_PROTOCOL_DIR = Path(__file__).resolve().parent.parent
PREBUILT_DIR = Path(__file__).resolve().parent / "prebuilt"


def cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    environ = os.environ if env is None else env
    base = environ.get("XDG_CACHE_HOME") or (
        os.path.join(environ["HOME"], ".cache") if environ.get("HOME") else ""
    )
    return Path(base, "pycodex", "schema-export") if base and os.path.isabs(base) else None


def _pydantic_source() -> bytes:
    """pydantic's version module, read not imported (importing pydantic is what we avoid)."""
    from importlib.util import find_spec

    spec = find_spec("pydantic")
    locations = spec.submodule_search_locations if spec is not None else None
    if not locations:
        return b""
    return Path(next(iter(locations)), "version.py").read_bytes()


def source_key(kind: str, experimental: bool) -> str:
    """A hash of every input of the export of `kind` (its sources, pydantic, orjson, Python)."""
    import hashlib

    import orjson  # it writes the JSON bytes; a C module, cheap to import

    digest = hashlib.sha256()
    for part in (FORMAT, kind, str(experimental), sys.version, orjson.__version__):
        digest.update(part.encode() + b"\0")
    digest.update(_pydantic_source() + b"\0")
    for path in sorted(_PROTOCOL_DIR.rglob("*.py")):
        digest.update(str(path.relative_to(_PROTOCOL_DIR)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _pack(files: dict[str, bytes]) -> bytes:
    """One line of JSON naming each file and its length and the contents' hash, then the
    contents back to back."""
    import hashlib
    import json

    body = b"".join(files.values())
    index = {
        "sha256": hashlib.sha256(body).hexdigest(),
        "files": [[rel, len(data)] for rel, data in files.items()],
    }
    return json.dumps(index).encode() + b"\n" + body


def _unpack(data: bytes) -> dict[str, bytes] | None:
    """The files of a packed entry; None for anything damaged, the contents' hash included."""
    import hashlib
    import json

    head, _, body = data.partition(b"\n")
    try:
        index = json.loads(head)
    except ValueError:
        return None
    if not isinstance(index, dict) or index.get("sha256") != hashlib.sha256(body).hexdigest():
        return None
    entries = index.get("files")
    if not isinstance(entries, list):
        return None
    files: dict[str, bytes] = {}
    at = 0
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
            return None
        if not isinstance(entry[1], int) or entry[1] < 0:
            return None
        files[entry[0]] = body[at : at + entry[1]]
        at += entry[1]
    return files if at == len(body) else None


def _prefix(kind: str, experimental: bool) -> str:
    return f"{kind}-{'experimental' if experimental else 'stable'}-"


def _prebuilt_file(prefix: str, key: str) -> str:
    return f"{prefix}{key}.bin.z"


def prebuilt_name(kind: str, experimental: bool) -> str:
    """The file a wheel ships this kind's rendering in (what `cached_files` looks for)."""
    return _prebuilt_file(_prefix(kind, experimental), source_key(kind, experimental))


def pack_prebuilt(files: dict[str, bytes]) -> bytes:
    import zlib

    return zlib.compress(_pack(files), 6)


def _prebuilt(name: str) -> dict[str, bytes] | None:
    import zlib

    try:
        return _unpack(zlib.decompress((PREBUILT_DIR / name).read_bytes()))
    except (OSError, zlib.error):
        return None


def cached_files(kind: str, experimental: bool, render: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
    """`render()`, or the tree it gives for these inputs, built with the wheel or kept from
    last time."""
    folder = cache_dir()
    prefix = _prefix(kind, experimental)
    try:
        key = source_key(kind, experimental)
    except OSError:
        return render()
    shipped = _prebuilt(_prebuilt_file(prefix, key))
    if shipped is not None:
        return shipped
    path = folder / f"{prefix}{key}.bin" if folder is not None else None
    if path is not None:
        try:
            files = _unpack(path.read_bytes())
        except OSError:
            files = None
        if files is not None:
            return files
    files = render()
    if path is not None:
        _store(path, prefix, _pack(files))
    return files


def _store(path: Path, prefix: str, data: bytes) -> None:
    """Write atomically and drop this kind's older renderings; any failure leaves no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        scratch = path.with_name(f".{path.name}.{os.getpid()}")
        scratch.write_bytes(data)
        os.replace(scratch, path)
        for old in path.parent.glob(f"{prefix}*.bin"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
