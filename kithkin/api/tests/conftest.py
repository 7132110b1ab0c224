"""Each API test starts with no requests counted (kithkin/conftest.py keeps the
counts in this process's memory)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def api_rate_counts() -> Iterator[None]:
    caches["api"].clear()
    yield
    caches["api"].clear()
