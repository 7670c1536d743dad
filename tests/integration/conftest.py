from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.appserver import StdioAppServer


@pytest.fixture
def server(codex_bin: str, isolated_env: dict[str, str]) -> Iterator[StdioAppServer]:
    with StdioAppServer(codex_bin, isolated_env) as proc:
        yield proc
