"""Plans for tests, saved as the pages save them."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from kithkin.accounts.models import User
from kithkin.circle.models import Person
from kithkin.plans import actions
from kithkin.plans.models import Plan


def weekly_plan(owner: User, people: list[Person] | None = None, **fields: Any) -> Plan:
    """A plan of the owner's: "Call Mum" on Sundays at 18:00 from 1 March 2026 in their
    time zone, unless `fields` say otherwise, with `people` taking part."""
    values: dict[str, Any] = {
        "title": "Call Mum",
        "rrule": "FREQ=WEEKLY;BYDAY=SU",
        "start_date": date(2026, 3, 1),
        "start_time": time(18, 0),
        "timezone": owner.timezone,
        **fields,
    }
    return actions.do_save_plan(Plan(owner=owner, **values), people or [])
