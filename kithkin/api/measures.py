"""/api/v1/measures: the monthly questionnaires (UCLA-3 with the ONS question, WHO-5)."""

from ninja import Router

router = Router(tags=["measures"])
