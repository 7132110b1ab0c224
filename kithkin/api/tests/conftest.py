"""The API tests count requests in memory of their own, not in the data folder's
cache, which other test runs on this machine share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def api_rate_counts(settings: Any) -> Iterator[None]:
    settings.CACHES = {
        **settings.CACHES,
        "api": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kithkin-api-tests",
        },
    }
    caches["api"].clear()
    yield
    caches["api"].clear()
