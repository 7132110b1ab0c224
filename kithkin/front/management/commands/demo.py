from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from kithkin.accounts.actions import do_create_account, do_delete_account
from kithkin.accounts.models import User
from kithkin.circle.actions import refresh_people
from kithkin.circle.models import Interaction, InteractionPerson, Person
from kithkin.front import demo
from kithkin.plans.models import Community, Place, Plan, PlanPerson
from kithkin.wellbeing import scoring
from kithkin.wellbeing.models import CheckIn, Goal, GoalSkip, Measure


def _person(user: User, index: int, name: str, nick: str, ring: int, how: str) -> Person:
    extra = dict(demo.DETAILS.get(index, {}))
    person = Person(
        owner=user, name=name, nickname=nick, ring=ring, how_known=how, created_at=user.date_joined
    )
    for field in ("interests", "channels", "topics_to_avoid", "min_days_between"):
        if field in extra:
            setattr(person, field, extra[field])
    if "quiet_start" in extra:
        person.quiet_start = time.fromisoformat(str(extra["quiet_start"]))
        person.quiet_end = time.fromisoformat(str(extra["quiet_end"]))
    if "birthday" in extra:
        person.birthday_month, person.birthday_day, person.birthday_year = extra["birthday"]  # type: ignore[misc]
    if "paused_until_days" in extra:
        days = int(extra["paused_until_days"])  # type: ignore[call-overload]
        person.paused_until = timezone.localdate() + timedelta(days=days)
    return person


class Command(BaseCommand):
    def _wellbeing(self, user: User, history: list[demo.DemoInteraction]) -> int:
        today = timezone.localdate()
        zone = timezone.get_current_timezone()
        made = CheckIn.objects.bulk_create(
            CheckIn(
                owner=user,
                day=today - timedelta(days=c.days_ago),
                mood=c.mood,
                energy=c.energy,
                sleep_hours=Decimal(str(c.sleep_hours)),
                rested=c.rested,
                meaningful=c.meaningful,
                connected=c.connected,
                note=c.note,
                tags=c.tags,
                created_at=datetime.combine(
                    today - timedelta(days=c.days_ago), time(c.hour), tzinfo=zone
                ),
            )
            for c in demo.build_checkins(history)
        )
        Measure.objects.bulk_create(
            Measure(
                owner=user,
                kind=kind,
                taken_on=today - timedelta(days=days_ago),
                answers=answers,
                score=scoring.ucla3(answers) if kind == "ucla3" else scoring.who5(answers),
                direct=direct,
            )
            for days_ago, kind, answers, direct in demo.MEASURES
        )
        for title, measure, times, per_days, skips in demo.GOALS:
            goal = Goal.objects.create(
                owner=user,
                title=title,
                measure=measure,
                times=times,
                per_days=per_days,
                created_at=user.date_joined,
            )
            GoalSkip.objects.bulk_create(
                GoalSkip(owner=user, goal=goal, day=today - timedelta(days=d)) for d in skips
            )
        return len(made)

    def _plans(self, user: User, people: list[Person]) -> None:
        today = timezone.localdate()
        monday = today - timedelta(days=today.weekday())
        for title, rule, weekday, hour, minutes, energy, place, who, remind in demo.PLANS:
            plan = Plan.objects.create(
                owner=user,
                title=title,
                rrule=rule,
                start_date=monday - timedelta(days=28) + timedelta(days=weekday),
                start_time=time(hour),
                timezone=user.timezone,
                duration_minutes=minutes,
                energy=energy,
                place=place,
                remind_minutes=remind,
            )
            PlanPerson.objects.bulk_create(
                PlanPerson(owner=user, plan=plan, person=people[i]) for i in who
            )
        for name, kind, rule, weekday, hour, energy, where, link in demo.COMMUNITIES:
            Community.objects.create(
                owner=user,
                name=name,
                kind=kind,
                rrule=rule,
                start_date=monday - timedelta(days=28) + timedelta(days=weekday),
                start_time=time(hour),
                timezone=user.timezone,
                energy=energy,
                place=where,
                link=link,
            )
        Place.objects.bulk_create(
            Place(owner=user, name=name, kind=kind, energy=energy, note=note)
            for name, kind, energy, note in demo.PLACES
        )

    help = "Create, or reset, the demo account with a lived-in circle and six months of history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo")
        parser.add_argument("--timezone", default="Europe/London")

    @transaction.atomic
    def handle(self, *args: Any, **opts: Any) -> None:
        existing = User.objects.filter(username__iexact=opts["username"]).first()
        if existing is not None and not existing.is_demo:
            raise CommandError(
                f"{existing.username!r} is someone's real account, so it was left alone. "
                "Choose another name with --username."
            )
        if existing is not None:
            do_delete_account(existing)
        password = "-".join(secrets.token_hex(2) for _ in range(4))
        user = do_create_account(username=opts["username"], password=password, tz=opts["timezone"])
        now = timezone.now()
        user.onboarded_at = now
        user.is_demo = True
        user.date_joined = now - timedelta(days=demo.HISTORY_DAYS)
        user.save(update_fields=["onboarded_at", "is_demo", "date_joined"])

        people = Person.objects.bulk_create(
            _person(user, index, name, nick, ring, how)
            for index, (name, nick, ring, how, _usual) in enumerate(demo.PEOPLE)
        )
        history = demo.build()
        interactions = Interaction.objects.bulk_create(
            Interaction(
                owner=user,
                channel=h.channel,
                size=h.size,
                initiated_by=h.initiated_by,
                happened_at=now - timedelta(days=h.days_ago),
                feeling_after=h.feeling,
                awaiting_reply=h.awaiting_reply,
                note=h.note,
                created_at=now - timedelta(days=h.days_ago),
            )
            for h in history
        )
        InteractionPerson.objects.bulk_create(
            InteractionPerson(
                owner=user,
                interaction=interaction,
                person=people[index],
                happened_at=interaction.happened_at,
            )
            for interaction, h in zip(interactions, history, strict=True)
            for index in h.people
        )
        refresh_people(user, [p.pk for p in people])
        Person.objects.filter(pk__in=[people[i].pk for i in demo.TRUSTED]).update(trusted=True)
        checkins = self._wellbeing(user, history)
        self._plans(user, people)
        self.stdout.write(
            f"The demo account is ready: {len(people)} people and {len(interactions)} "
            f"contacts over six months, {checkins} check-ins.\n"
            f"Log in at http://127.0.0.1:8000/login/ as {opts['username']!r} "
            f"with the password {password}"
        )
