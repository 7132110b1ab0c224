"""`kithkin people [--drifting]`: the circle by ring, with the last contact and
when each person is next due.

The same notions as the circle page (circle.views.circle): people set aside are
left out; someone is drifting ("it's been a while") once their stored next due
time (circle.actions.refresh_people, circle.cadence) has come, which is what the
page's ?drifting=1 lists; a reply is owed while `reply_owed_since` is set.
"""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kithkin.accounts.models import User
from kithkin.circle.models import RING_BY_SLUG, RING_SLUGS, Person, Ring
from kithkin.lib.commands import UserCommand, ago, day_words, local_iso

FIELDS = ["pk", "name", "nickname", "ring", "last_contact_at", "next_due_at", "reply_owed_since"]


def person_json(p: Person, now: datetime) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "nickname": p.nickname,
        "ring": RING_SLUGS[Ring(p.ring)],
        "last_contact_at": local_iso(p.last_contact_at),
        "next_due_at": local_iso(p.next_due_at),
        "drifting": p.is_past_cadence(now),
        "reply_owed_since": local_iso(p.reply_owed_since),
    }


def person_line(p: Person, now: datetime) -> str:
    today = now.date()
    parts = [p.name + (f" ({p.nickname})" if p.nickname else "")]
    if p.last_contact_at:
        parts.append(f"in touch {ago(p.last_contact_at, now)}")
    else:
        parts.append("nothing logged yet")
    if p.reply_owed_since:
        parts.append(f"they reached out {ago(p.reply_owed_since, now)}")
    if p.is_past_cadence(now):
        parts.append(_("it's been a while"))
    elif p.next_due_at is not None:
        parts.append(f"next nudge around {day_words(p.next_due_at, today)}")
    return " · ".join(parts)


class Command(UserCommand):
    help = (
        "Your circle by ring: when you were last in touch, and when each person comes up "
        "again. --drifting shows only those it's been a while with."
    )

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--drifting",
            action="store_true",
            help="only the people it's been a while with (their usual rhythm has passed)",
        )
        parser.add_argument("--ring", choices=list(RING_BY_SLUG), help="only this ring")

    def handle_user(self, user: User, **opts: Any) -> None:
        now = timezone.localtime(timezone.now())
        people = Person.objects.filter(owner=user, archived_at__isnull=True)
        if opts.get("ring"):
            people = people.filter(ring=RING_BY_SLUG[opts["ring"]])
        if opts.get("drifting"):
            # Longest waiting first within each ring; those never due come last.
            people = people.filter(next_due_at__lte=now).order_by("ring", "next_due_at", "pk")
        else:
            people = people.order_by("ring", "name", "pk")
        found = list(people.only(*FIELDS))
        if self.as_json:
            self.emit_json([person_json(p, now) for p in found])
            return
        if not found:
            if opts.get("drifting"):
                self.say("Nobody right now: you're in touch with everyone as often as you'd like.")
            elif opts.get("ring"):
                self.say(f"Nobody in {str(Ring(RING_BY_SLUG[opts['ring']]).label).lower()} yet.")
            else:
                self.say(
                    _(
                        "Nobody here yet, and that's fine. Add the people in your life one by "
                        "one, or bring them in from your phone's contacts."
                    )
                )
            return
        if opts.get("drifting"):
            self.say(_("It's been a while with…"))
            self.say(
                _("No pressure. People are usually glad to hear from you, even after a long gap.")
            )
        for ring, members in groupby(found, key=lambda p: p.ring):
            group = list(members)
            self.say()
            self.say(f"{Ring(ring).label} ({len(group)})")
            for p in group:
                self.say(f"  {person_line(p, now)}")
        self.say()
        log = self.again('"NAME" --channel text', command="log")
        self.say(f"Log a contact: {log}")
