"""When each reminder next fires (filled in with the worker)."""

from __future__ import annotations


def refresh(owner_id: int, kind: str, ref_id: int = 0) -> None:
    return None
