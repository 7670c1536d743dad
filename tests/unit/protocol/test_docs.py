"""docs/protocol.md's method table is the one the registry generates."""

from __future__ import annotations

from pathlib import Path

from app_server.protocol.docs import doc_table, method_table

DOC = Path(__file__).resolve().parents[3] / "docs/protocol.md"


def test_method_table_is_current() -> None:
    assert doc_table(DOC) == method_table(), "run: python -m app_server.protocol.docs"
