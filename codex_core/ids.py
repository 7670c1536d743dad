"""Thread ids: UUIDs, parsed with the error messages the reference's uuid parser gives."""

from __future__ import annotations

import uuid

_GROUP_STARTS = (0, 9, 14, 19, 24)
_GROUP_LENGTHS = (8, 4, 4, 4, 12)
_HEX = frozenset("0123456789abcdefABCDEF")


class InvalidId(ValueError):
    pass


def parse_uuid(text: str) -> uuid.UUID:
    """Accepts simple (32 hex), hyphenated, `{braced}` and `urn:uuid:` forms; else InvalidId with a precise reason."""
    body: str | None = None
    if len(text) in (32, 36):
        body = text
    elif len(text) == 38 and text.startswith("{") and text.endswith("}"):
        body = text[1:-1]
    elif len(text) == 45 and text.startswith("urn:uuid:"):
        body = text[9:]
    if body is not None and _well_formed(body):
        return uuid.UUID(body)
    raise InvalidId(_diagnose(text))


def _well_formed(body: str) -> bool:
    if len(body) == 32:
        return all(c in _HEX for c in body)
    if len(body) != 36:
        return False
    groups = body.split("-")
    return [len(g) for g in groups] == list(_GROUP_LENGTHS) and all(c in _HEX for g in groups for c in g)


def _diagnose(text: str) -> str:
    if text.startswith("{") and text.endswith("}") and len(text) >= 2:
        body, simple = text[1:-1], False
    elif text.startswith("urn:uuid:"):
        body, simple = text[9:], False
    else:
        body, simple = text, True
    hyphens = 0
    bounds = [0, 0, 0, 0]
    # Everything before the first non-ASCII character is ASCII, so character and byte indices agree.
    # The position counts from the start of the UUID itself, after any `{` or `urn:uuid:` (as
    # 0.100.0 reports it: `{0123456g-...}` and `urn:uuid:0123456g-...` both say "at 8").
    for byte_index, ch in enumerate(body):
        if ord(ch) > 0x7F or (ch != "-" and ch not in _HEX):
            return (
                "invalid character: expected an optional prefix of `urn:uuid:` followed by "
                f"[0-9a-fA-F-], found `{ch}` at {byte_index + 1}"
            )
        if ch == "-":
            if hyphens < 4:
                bounds[hyphens] = byte_index
            hyphens += 1
    if hyphens == 0 and simple:
        return f"invalid length: expected length 32 for simple format, found {len(text.encode())}"
    if hyphens != 4:
        return f"invalid group count: expected 5, found {hyphens + 1}"
    for group in range(4):
        if bounds[group] != _GROUP_STARTS[group + 1] - 1:
            found = bounds[group] - _GROUP_STARTS[group]
            return f"invalid group length in group {group}: expected {_GROUP_LENGTHS[group]}, found {found}"
    found = len(text.encode()) - _GROUP_STARTS[4]
    return f"invalid group length in group 4: expected 12, found {found}"


def parse_thread_id(text: str) -> str:
    """The canonical (lowercase, hyphenated) thread id, or InvalidId("invalid thread id: ...")."""
    try:
        return str(parse_uuid(text))
    except InvalidId as exc:
        raise InvalidId(f"invalid thread id: {exc}") from None
