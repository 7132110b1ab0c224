"""An account with something in every field the export writes, for the export and
import tests: text with accents, emoji and line breaks, every optional value set
somewhere and left empty somewhere else, references between every section that
has them, and rows the export must leave out."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from kithkin.accounts.models import ApiToken, Invite, User
from kithkin.circle.actions import refresh_everyone
from kithkin.circle.models import (
    ContactImport,
    ImportantDate,
    Interaction,
    InteractionPerson,
    Person,
)
from kithkin.conftest import (
    give_nudge_rows,
    give_partner_rows,
    give_plans_rows,
    give_today_rows,
    give_wellbeing_rows,
)

T0 = datetime(2025, 3, 30, 0, 30, 15, 123456, tzinfo=UTC)  # a clock-change night in Europe


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def give_rich_rows(user: User, *, other: User | None = None) -> dict[str, Any]:
    """Fill `user`'s account; with `other`, also the links between the two accounts
    that the export leaves out. Returns a few of the rows made."""
    from kithkin.nudges.models import Channel, NudgeSettings
    from kithkin.partners.models import Partnership
    from kithkin.plans.models import Community, Occurrence, Place, Plan, PlanGuest, PlanPerson
    from kithkin.support.models import HardDay, SafetyPlan
    from kithkin.today.models import DayEnergy, HiddenIdea, Idea, SavedMessage, Suggestion
    from kithkin.wellbeing.models import CheckIn, Goal, GoalSkip, Measure

    # The shared helpers: one row in each owned table (the rows others expect).
    give_today_rows(user)
    give_wellbeing_rows(user)
    give_plans_rows(user)
    give_partner_rows(user)
    give_nudge_rows(user)
    ApiToken.objects.create_token(user, "phone")
    Invite.objects.create_invite(user)
    ContactImport.objects.create(owner=user, payload="BEGIN:VCARD")

    user.quiet_start, user.quiet_end, user.quiet_days = time(22, 0), time(7, 30), [5, 6]
    user.locale = "en-gb"
    user.save()

    mum = Person.objects.get(owner=user, name="Mum")
    zoe = Person.objects.create(
        owner=user,
        name="Zoë Ångström 🌻",
        nickname="Zo",
        ring=1,
        how_known="school\nand after",
        interests=["climbing", "Ñoño"],
        notes='Says "hi" — often.\r\nTwo lines.',
        channels=["text", "in_person"],
        birthday_month=2,
        birthday_day=29,
        birthday_year=1992,
        topics_to_avoid=["work"],
        quiet_start=time(21, 0),
        quiet_end=time(8, 0),
        quiet_days=[0],
        min_days_between=3,
        paused_until=date(2025, 5, 1),
        trusted=True,
        cadence_days=10,
        vcard_uid="urn:uuid:1234",
        emails=["zoe@example.org"],
        phones=["+44 7700 900123"],
        created_at=at(-400),
    )
    sam = Person.objects.create(
        owner=user, name="Sam", ring=4, archived_at=at(-3), created_at=at(-200)
    )
    ImportantDate.objects.create(
        owner=user, person=zoe, label="Started the café", month=6, day=1, year=2019
    )

    def contact(people: list[Person], **kw: Any) -> Interaction:
        made = Interaction.objects.create(owner=user, **kw)
        InteractionPerson.objects.bulk_create(
            InteractionPerson(owner=user, interaction=made, person=p, happened_at=made.happened_at)
            for p in people
        )
        return made

    walk = contact(
        [zoe, mum, sam],
        channel="in_person",
        size="main",
        initiated_by="them",
        happened_at=at(-10),
        feeling_after="lifted",
        note="Long walk 🌧️\nthen tea",
        created_at=at(-9.5),
    )
    contact([zoe], channel="text", initiated_by="them", happened_at=at(-1), awaiting_reply=True)
    contact(
        [],
        channel="other",
        happened_at=datetime(2025, 3, 25, 12, tzinfo=UTC),
        feeling_after="drained",
    )
    # In its undo window: not exported.
    gone = contact([mum], channel="call", happened_at=at(-2))
    gone.deleted_at = at(0)
    gone.save()

    CheckIn.objects.create(
        owner=user,
        day=date(2025, 3, 1),
        mood=5,
        energy="good",
        sleep_hours=Decimal("7.5"),
        rested=4,
        meaningful=True,
        connected=2,
        note="Sunny 😊",
        tags=["garden", "family"],
        created_at=at(-29),
    )
    CheckIn.objects.create(owner=user, day=date(2025, 3, 2), mood=1, meaningful=False)
    Measure.objects.create(
        owner=user, kind="who5", taken_on=date(2025, 3, 1), answers=[5, 4, 3, 2, 1], score=60
    )
    goal = Goal.objects.create(
        owner=user,
        title="See Zoë",
        measure="in_person",
        times=2,
        per_days=14,
        person=zoe,
        archived_at=at(-1),
    )
    GoalSkip.objects.create(owner=user, goal=goal, day=date(2025, 3, 3))

    plan = Plan.objects.create(
        owner=user,
        title="Choir with Zoë",
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        start_date=date(2025, 1, 8),
        start_time=time(18, 30),
        timezone="Europe/London",
        duration_minutes=90,
        exdates=["2025-01-22T18:30"],
        energy="some",
        place="St Mary's hall",
        link="https://example.org/choir",
        note="Bring water",
        remind_minutes=60,
        created_at=at(-100),
    )
    PlanPerson.objects.create(owner=user, plan=plan, person=zoe)
    PlanPerson.objects.create(owner=user, plan=plan, person=sam)
    Occurrence.objects.create(
        owner=user,
        plan=plan,
        starts_at=datetime(2025, 1, 8, 18, 30, tzinfo=UTC),
        rsvp="going",
        done_at=at(-80),
        interaction=walk,
    )
    Occurrence.objects.create(
        owner=user,
        plan=plan,
        starts_at=datetime(2025, 2, 5, 18, 30, tzinfo=UTC),
        rsvp="skip",
        interaction=gone,
    )
    Plan.objects.create(
        owner=user,
        title="Old one-off",
        start_date=date(2024, 5, 1),
        start_time=time(9, 0),
        ended_at=at(-300),
    )
    Community.objects.create(
        owner=user,
        name="Allotment society",
        kind="craft",
        energy="low",
        link="https://example.org/plots",
        place="Plot 12",
        note="Seed swap in spring",
        rrule="FREQ=MONTHLY;BYDAY=1SA",
        start_date=date(2025, 1, 4),
        start_time=time(10, 0),
        timezone="Europe/Paris",
        duration_minutes=120,
        exdates=["2025-02-01T10:00"],
        archived_at=at(-2),
    )
    Community.objects.create(
        owner=user,
        name="Online chess",
        kind="online",
        meets=False,
        start_date=date(2025, 1, 1),
        start_time=time(0, 0),
    )
    Place.objects.create(
        owner=user,
        name="Market",
        kind="market",
        energy="some",
        address="High St",
        note="Saturdays",
        archived_at=at(-4),
    )
    SavedMessage.objects.create(owner=user, label="for Zoë", text="Thinking of you 💛\nx")

    own = Idea.objects.get(owner=user)
    visible = Idea.objects.create(
        owner=user,
        slug="bake-bread",
        title="Bake bread for a neighbour",
        effort="main",
        energies=["some", "good"],
        target="stranger",
        channel="in_person",
        kind="kindness",
        time_of_day="morning",
        situation="home",
        why="Bread is a good excuse",
        basis="my own",
    )
    catalog = list(Idea.objects.filter(owner__isnull=True).order_by("slug")[:2])
    HiddenIdea.objects.create(owner=user, idea=catalog[0])
    DayEnergy.objects.create(owner=user, day=date(2025, 3, 1), energy="good")
    Suggestion.objects.create(
        owner=user,
        day=date(2025, 3, 1),
        energy="good",
        position=1,
        person=zoe,
        idea=catalog[1],
        reasons=[
            {"code": "been_a_while", "data": {"since": "2025-02-01T10:00:00Z"}},
            {"code": "lifts_you", "data": {"share": 0.75}},
        ],
        draft="Hi Zoë! Fancy a walk?",
        outcome="done",
        responded_at=at(-29),
        interaction=walk,
    )
    Suggestion.objects.create(
        owner=user,
        day=date(2025, 3, 1),
        energy="good",
        position=2,
        idea=visible,
        outcome="not_today",
        interaction=gone,
    )
    assert own.pk  # the helper's own idea, hidden

    SafetyPlan.objects.filter(owner=user).update(
        warning_signs="Not sleeping",
        distractions="The park",
        helpers="Zoë",
        professionals="GP: 01234 567890",
        safe_environment="…",
        reasons="My cat",
    )
    HardDay.objects.create(owner=user, day=date(2025, 3, 2), asked=False, dismissed_at=at(-28))
    NudgeSettings.objects.filter(owner=user).update(
        paused_until=date(2025, 4, 1), per_day=2, plan_reminders=False, partner_notes=False
    )
    Channel.objects.create(
        owner=user,
        kind="apprise",
        label="phone",
        target="ntfy://kithkin-test-topic",
        enabled=False,
        fail_count=3,
        last_error="timeout",
    )
    Channel.objects.create(owner=user, kind="push", target='{"endpoint": "https://push.example"}')
    Partnership.objects.create(
        owner=user,
        name="Ana",
        email="ana@example.org",
        weekly_email=True,
        shares=["mood", "goals"],
        alert_no_checkin_days=4,
        alert_low_mood_days=3,
        alert_consent_at=at(-20),
        accepted_at=at(-19),
    )
    Partnership.objects.create(owner=user, name="Old partner", revoked_at=at(-50))

    if other is not None:
        # Links between accounts, all left out of `user`'s export.
        theirs = Plan.objects.create(
            owner=other, title="Bob's picnic", start_date=date(2025, 6, 1), start_time=time(12, 0)
        )
        PlanGuest.objects.create(owner=user, plan=theirs)
        Occurrence.objects.create(
            owner=user, plan=theirs, starts_at=datetime(2025, 6, 1, 12, tzinfo=UTC), rsvp="going"
        )
        PlanGuest.objects.create(owner=other, plan=plan)
        Occurrence.objects.create(
            owner=other, plan=plan, starts_at=datetime(2025, 1, 8, 18, 30, tzinfo=UTC), rsvp="maybe"
        )
        linked = Partnership.objects.create(
            owner=user, name="Bob", partner=other, accepted_at=at(-7)
        )
        from kithkin.partners.models import PartnerNote

        PartnerNote.objects.create(owner=user, partnership=linked, text="Thinking of you")

    refresh_everyone(user)
    return {"zoe": zoe, "mum": mum, "sam": sam, "plan": plan, "walk": walk}
