"""/api/v1/partners: what people who chose you as their partner share with you."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["partners"])
