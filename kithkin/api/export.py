"""/api/v1/export: the whole account as one versioned JSON document."""

from ninja import Router

router = Router(tags=["export"])
