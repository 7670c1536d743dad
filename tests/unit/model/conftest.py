from __future__ import annotations

from collections.abc import Iterator

import pytest
from mock_model import MockModelServer

from unit.model.helpers import FakeSleep


@pytest.fixture
def server() -> Iterator[MockModelServer]:
    with MockModelServer(strict=True) as srv:
        yield srv


@pytest.fixture
def fake_sleep() -> FakeSleep:
    return FakeSleep()
