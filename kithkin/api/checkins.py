"""/api/v1/checkins: daily check-ins."""

from ninja import Router

router = Router(tags=["checkins"])
