"""The reference's wording of enum variants and OS errors (codex_core/serde_text.py)."""

from __future__ import annotations

import errno

import pytest

from codex_core.serde_text import expected_variants, io_error_text


@pytest.mark.parametrize(
    ("names", "text"),
    [
        ((), "there are no variants"),
        (("replace",), "expected `replace`"),
        # recorded from 0.100.0: thread/list sortKey, config/value/write mergeStrategy
        (("created_at", "updated_at"), "expected `created_at` or `updated_at`"),
        (("replace", "upsert"), "expected `replace` or `upsert`"),
        (("a", "b", "c"), "expected one of `a`, `b`, `c`"),
    ],
)
def test_expected_variants_reads_as_serde_writes_it(names: tuple[str, ...], text: str) -> None:
    assert expected_variants(names) == text


def test_io_errors_read_as_rust_displays_them() -> None:
    assert io_error_text(FileNotFoundError(errno.ENOENT, "No such file or directory")) == (
        "No such file or directory (os error 2)"
    )
    assert io_error_text(IsADirectoryError(errno.EISDIR, "")) == "Is a directory (os error 21)"
    assert io_error_text(OSError("no errno")) == "no errno"
