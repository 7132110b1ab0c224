"""`kithkin log "Sam" --channel call --size main --felt lifted`: log a contact.

The same contact the "Log a contact" page and POST /api/v1/interactions write:
checked by the page's own form (circle.forms.InteractionForm: the choices, the
time, not in the future) and written by circle.actions.do_log_interaction, which
moves each person's last contact and next due time. Names are matched among the
person's own people only (see `match_person`).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kithkin.accounts.models import User
from kithkin.circle import actions
from kithkin.circle.forms import InteractionForm
from kithkin.circle.models import Channel, Feeling, Initiator, Interaction, Person, Ring, Size
from kithkin.lib.commands import UserCommand, ago, day_words, local_iso, words_list
from kithkin.lib.limits import as_id

# Shown for a name that could be several people: enough to pick, not a wall.
MOST_CANDIDATES = 8
CLOCK = re.compile(r"\d{1,2}:\d{2}")


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _label(p: Person) -> str:
    ring = str(Ring(p.ring).label).lower()
    aside = ", set aside" if p.archived_at else ""
    nick = f" ({p.nickname})" if p.nickname else ""
    return f"{p.name}{nick} [{ring}{aside}, id {p.pk}]"


def _narrow(people: list[Person], wanted: str) -> list[Person]:
    """Exact name or nickname first, then a unique start of the name, a nickname
    or any word of the name, then anything containing it; case doesn't matter."""

    def names(p: Person) -> list[str]:
        return [n for n in (_key(p.name), _key(p.nickname)) if n]

    exact = [p for p in people if wanted in names(p)]
    if exact:
        return exact
    starts = [
        p
        for p in people
        if any(n.startswith(wanted) for n in names(p))
        or any(w.startswith(wanted) for w in _key(p.name).split())
    ]
    if starts:
        return starts
    return [p for p in people if any(wanted in n for n in names(p))]


def match_person(owner: User, text: str, hint: str) -> Person:
    """One of the owner's people by name or nickname, or a CommandError.

    People in the circle are tried first; someone set aside only when nobody in
    the circle matches (they can still be logged, as from their own page). A
    name that fits several people lists them; a bare number is an id, for two
    people with the same name.
    """
    wanted = _key(text)
    if not wanted:
        raise CommandError("a name can't be empty.")
    people = list(
        Person.objects.filter(owner=owner)
        .only("pk", "name", "nickname", "ring", "archived_at", "owner_id")
        .order_by("ring", "name", "pk")
    )
    found: list[Person] = []
    for group in (
        [p for p in people if p.archived_at is None],
        [p for p in people if p.archived_at is not None],
    ):
        found = _narrow(group, wanted)
        if found:
            break
    if not found and (pk := as_id(text.strip().lstrip("#"))) is not None:
        found = [p for p in people if p.pk == pk]
    if len(found) == 1:
        return found[0]
    if not found:
        raise CommandError(f"there's nobody called {text!r} in your circle; {hint} lists everyone.")
    shown = words_list([_label(p) for p in found[:MOST_CANDIDATES]])
    more = f" and {len(found) - MOST_CANDIDATES} more" if len(found) > MOST_CANDIDATES else ""
    raise CommandError(f"{text!r} could be {shown}{more}: say more of the name, or give the id.")


def parse_when(text: str, now: datetime) -> str:
    """--at as the page's form reads it: "2026-05-14 18:30" (or with a T, or with
    an offset), plus "18:30" (today), "yesterday" and "yesterday 18:30", all in
    the person's own time zone. The form then checks it (not to come, not before 1900)."""
    words = text.strip().lower().split()
    day = now.date()
    if words and words[0] in ("today", "yesterday"):
        if words[0] == "yesterday":
            day -= timedelta(days=1)
        rest = words[1:]
        if not rest:
            # Yesterday, at this time of day; today, now.
            return f"{day.isoformat()} {now:%H:%M}"
        words = rest
    if len(words) == 1 and CLOCK.fullmatch(words[0]):
        return f"{day.isoformat()} {words[0]}"
    return text.strip()


def what_happened(i: Interaction, people: list[Person]) -> str:
    """ "A call with Sam Lee" in plain words."""
    how = str(Channel(i.channel).label).lower()
    if not people:
        return how
    towards = "from" if i.initiated_by == Initiator.THEM else "with"
    return f"{how} {towards} {words_list([p.name for p in people], 'and')}"


class Command(UserCommand):
    help = (
        "Log a contact with someone (or several, or nobody in particular). Names match "
        "your people's names and nicknames; a start of the name is enough."
    )

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "names",
            nargs="*",
            metavar="NAME",
            help="who: a name or nickname (quote names with spaces); none is fine too",
        )
        parser.add_argument(
            "--channel",
            choices=Channel.values,
            default=Channel.TEXT,
            help="how (default: text)",
        )
        parser.add_argument(
            "--size",
            choices=Size.values,
            default=Size.MICRO,
            help="micro: a small moment (default); main: proper time together",
        )
        parser.add_argument("--felt", choices=Feeling.values, help="how you felt after (optional)")
        parser.add_argument(
            "--initiated-by",
            "--by",
            dest="initiated_by",
            choices=Initiator.values,
            default=Initiator.ME,
            help="who reached out (default: me)",
        )
        parser.add_argument(
            "--waiting",
            action="store_true",
            help="waiting for a reply: theirs (you reached out) or yours (--by them)",
        )
        parser.add_argument("--note", default="", help="a note (optional)")
        parser.add_argument(
            "--at",
            metavar="WHEN",
            help='when, in your time zone: "2026-05-14 18:30", "18:30", "yesterday" '
            'or "yesterday 18:30" (default: now)',
        )

    def handle_user(self, user: User, **opts: Any) -> None:
        now = timezone.localtime(timezone.now())
        hint = f"`{self.again(command='people')}`"
        people: list[Person] = []
        for name in opts["names"]:
            person = match_person(user, name, hint)
            if person not in people:
                people.append(person)
        data: dict[str, Any] = {
            "people": [str(p.pk) for p in people],
            "channel": opts["channel"],
            "initiated_by": opts["initiated_by"],
            "size": opts["size"],
            "happened_at": parse_when(opts["at"], now) if opts.get("at") else "",
            "feeling_after": opts.get("felt") or "",
            "note": opts["note"],
        }
        if opts["waiting"]:
            data["awaiting_reply"] = "on"
        # The page's own form: the same checks, the same messages.
        form = InteractionForm(user, data, already=[p.pk for p in people])
        if not form.is_valid():
            field, errors = next(iter(form.errors.items()))
            option = {"happened_at": "--at", "feeling_after": "--felt", "people": "NAME"}.get(
                field, f"--{field.replace('_', '-')}"
            )
            problem = " ".join(str(e) for e in errors)
            if field == "happened_at" and form.has_error(field, "invalid"):
                problem += ' Try "2026-05-14 18:30", "18:30" or "yesterday 18:30".'
            raise CommandError(f"{option}: {problem}")
        clean = form.cleaned_data
        interaction = actions.do_log_interaction(
            user,
            people,
            channel=clean["channel"],
            size=clean["size"],
            initiated_by=clean["initiated_by"],
            happened_at=clean["happened_at"],
            feeling_after=clean["feeling_after"],
            awaiting_reply=clean["awaiting_reply"],
            note=clean["note"],
        )
        fresh = {
            p.pk: p
            for p in Person.objects.filter(owner=user, pk__in=[p.pk for p in people]).only(
                "pk", "name", "last_contact_at", "next_due_at", "owner_id"
            )
        }
        if self.as_json:
            self.emit_json(
                {
                    "id": interaction.pk,
                    "people": [p.pk for p in people],
                    "names": [p.name for p in people],
                    "channel": interaction.channel,
                    "size": interaction.size,
                    "initiated_by": interaction.initiated_by,
                    "happened_at": local_iso(interaction.happened_at),
                    "feeling_after": interaction.feeling_after or None,
                    "awaiting_reply": interaction.awaiting_reply,
                    "note": interaction.note,
                    "next_due": {str(pk): local_iso(p.next_due_at) for pk, p in fresh.items()},
                }
            )
            return
        when = interaction.happened_at
        said = ago(when, now)
        if when < now - timedelta(hours=12):
            said = f"{day_words(when, now.date())} at {timezone.localtime(when):%H:%M}"
        felt = (
            f"; you felt {str(Feeling(interaction.feeling_after).label).lower()}"
            if interaction.feeling_after
            else ""
        )
        what = what_happened(interaction, people)
        self.say(f"{_('Logged. Nice one.')} {what[:1].upper()}{what[1:]}, {said}{felt}.")
        if interaction.awaiting_reply and interaction.initiated_by == Initiator.THEM:
            self.say("  They're waiting for your reply: whenever you're ready.")
        elif interaction.awaiting_reply:
            self.say("  Waiting for their reply. Replies are often slow for ordinary reasons.")
        for p in people:
            due = fresh[p.pk].next_due_at
            if due is not None and due > now:
                self.say(f"  {p.name}: next nudge around {day_words(due, now.date())}.")
