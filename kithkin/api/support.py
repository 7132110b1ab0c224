"""/api/v1 support."""

# No `from __future__ import annotations` here: ninja reads the view annotations
# through @paginate's wrapper, whose globals are ninja's, so strings wouldn't resolve.

from ninja import Router

router = Router(tags=["support"])
