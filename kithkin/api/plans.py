"""/api/v1/plans: plans and their occurrences with RSVP."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["plans"])
