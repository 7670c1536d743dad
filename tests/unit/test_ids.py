from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex_core.ids import InvalidId, parse_thread_id, parse_uuid


@given(st.uuids())
def test_every_form_of_a_uuid_parses(value: uuid.UUID) -> None:
    for text in (str(value), value.hex, str(value).upper(), f"{{{value}}}", f"urn:uuid:{value}"):
        assert parse_uuid(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "not-a-uuid",
            "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1",
        ),
        ("abc", "invalid length: expected length 32 for simple format, found 3"),
        ("0191-2", "invalid group count: expected 5, found 2"),
        ("0191a-000-0000-0000-000000000000", "invalid group length in group 0: expected 8, found 5"),
        ("01912345-0000-0000-0000-0000000000000", "invalid group length in group 4: expected 12, found 13"),
        # Positions count from the UUID itself, after `{` or `urn:uuid:` (recorded from 0.100.0).
        (
            "{0191234x-0000-0000-0000-000000000000}",
            "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `x` at 8",
        ),
        (
            "urn:uuid:0191234x-0000-0000-0000-000000000000",
            "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `x` at 8",
        ),
        ("{abc}", "invalid group count: expected 5, found 1"),
        ("urn:uuid:01234567-89ab-cdef-0123-45678", "invalid group length in group 4: expected 12, found 14"),
        ("", "invalid length: expected length 32 for simple format, found 0"),
    ],
)
def test_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(InvalidId) as info:
        parse_uuid(text)
    assert str(info.value) == message


def test_thread_id_prefix_and_canonical_form() -> None:
    value = uuid.uuid4()
    assert parse_thread_id(str(value).upper()) == str(value)
    with pytest.raises(InvalidId, match=r"^invalid thread id: invalid character"):
        parse_thread_id("zzz")
