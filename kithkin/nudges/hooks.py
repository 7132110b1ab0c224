"""What other apps call after a write that changes when a reminder should fire.

Plans, partners and settings call `reschedule()` inside the same transaction as
their write, so the reminder's `next_at` never disagrees with what caused it.
"""

from __future__ import annotations


def reschedule(owner_id: int, kind: str, ref_id: int = 0) -> None:
    """Recompute `Reminder(owner, kind, ref_id).next_at` from the rows it depends on.

    kind is a `ReminderKind` value; ref_id is the plan, partnership or note id
    (0 for the daily step). Safe to call when nothing is scheduled or the
    referenced row is gone: the reminder is then cleared.
    """
    from kithkin.nudges import schedule

    schedule.refresh(owner_id, kind, ref_id)
