from __future__ import annotations

import io
import re
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle.models import Interaction, InteractionPerson, Person
from kithkin.front import demo
from kithkin.plans.models import Community, Place, Plan
from kithkin.plans.recurrence import Series, normalize_rule
from kithkin.wellbeing.models import CheckIn, Goal, GoalSkip, Measure


def test_the_demo_history_is_plausible() -> None:
    history = demo.build()
    rings = Counter(ring for _n, _k, ring, _h, _u in demo.PEOPLE)
    assert len(demo.PEOPLE) == 25
    assert set(rings) == {1, 2, 3, 4}
    assert rings[1] <= 5 and rings[2] <= 15
    assert max(h.days_ago for h in history) > 150
    assert min(h.days_ago for h in history) < 7
    assert sum(h.awaiting_reply for h in history) == 2
    assert {h.feeling for h in history} == {"lifted", "neutral", "drained", ""}
    assert any(h.people == [] for h in history), "contacts with strangers count too"
    assert any(len(h.people) > 1 for h in history), "and group get-togethers"
    # Someone has drifted: their newest contact is long ago.
    newest = {i: min(h.days_ago for h in history if i in h.people) for i in range(25)}
    assert max(newest.values()) > 45
    assert demo.build() == demo.build(), "the same seed gives the same demo"


def test_the_demo_check_ins_are_plausible() -> None:
    history = demo.build()
    checkins = demo.build_checkins(history)
    days = [c.days_ago for c in checkins]
    assert len(days) == len(set(days)), "one check-in a day"
    assert 0.7 * demo.HISTORY_DAYS < len(checkins) < demo.HISTORY_DAYS, "most days, not all"
    assert all(1 <= c.mood <= 5 and 1 <= c.connected <= 5 and 1 <= c.rested <= 5 for c in checkins)
    first = [c.mood for c in checkins if c.days_ago > 120]
    last = [c.mood for c in checkins if c.days_ago < 60]
    assert sum(last) / len(last) > sum(first) / len(first), "mood slowly eases upwards"
    assert demo.build_checkins(history) == checkins, "the same seed gives the same demo"


def _demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_creates_a_demo_you_can_log_in_to(client: Client) -> None:
    out = _demo()
    password = re.search(r"with the password (\S+)", out).group(1)  # type: ignore[union-attr]
    user = User.objects.get(username="demo")
    assert user.onboarded_at is not None
    assert Person.objects.filter(owner=user).count() == 25
    assert Interaction.objects.filter(owner=user).count() == len(demo.build())
    assert not InteractionPerson.objects.exclude(owner=user).exists()
    people = Person.objects.filter(owner=user)
    assert people.exclude(interests=[]).count() >= 5
    assert people.filter(paused_until__isnull=False).count() == 1
    assert people.exclude(topics_to_avoid=[]).count() == 2
    assert people.filter(reply_owed_since__isnull=False).count() == 2
    assert not people.filter(next_due_at__isnull=True).exists()
    assert people.filter(trusted=True).count() == 2
    assert CheckIn.objects.filter(owner=user).count() == len(demo.build_checkins(demo.build()))
    ucla = Measure.objects.filter(owner=user, kind="ucla3").order_by("taken_on")
    assert [m.score for m in ucla] == [8, 7, 6, 5, 5, 4]
    assert Goal.objects.filter(owner=user).count() == 3
    assert GoalSkip.objects.filter(owner=user).count() == 2
    plans = Plan.objects.filter(owner=user)
    assert sorted(p.title for p in plans) == [
        "Call Dad",
        "Film night",
        "Walk by the river with Ana",
    ]
    assert [p.name for p in plans.get(title="Film night").people.order_by("name")] == [
        "Maya Okafor",
        "Sam Lindqvist",
    ]
    now = timezone.now()
    for schedule in [*plans, *Community.objects.filter(owner=user)]:
        start = datetime.combine(schedule.start_date, schedule.start_time)
        assert normalize_rule(schedule.rrule, start, schedule.timezone) == schedule.rrule
        assert Series.of(schedule).between(now, now + timedelta(days=35)), schedule
    assert Place.objects.filter(owner=user).count() == 2
    r = client.post("/login/", {"username": "demo", "password": password})
    assert r.status_code == 302
    html = client.get("/people/").content.decode()
    assert "Maya Okafor" in html and "Inner circle" in html


@pytest.mark.django_db
def test_running_it_again_resets_the_demo_and_nothing_else(alice: User) -> None:
    _demo()
    first = User.objects.get(username="demo").pk
    _demo()
    assert User.objects.filter(username="demo").count() == 1
    assert User.objects.get(username="demo").pk != first
    assert Person.objects.count() == 25
    assert User.objects.filter(pk=alice.pk).exists()


@pytest.mark.django_db
def test_it_never_resets_a_real_account(alice: User) -> None:
    from kithkin.circle.models import Person

    Person.objects.create(owner=alice, name="Sam")
    with pytest.raises(CommandError, match="someone's real account"):
        call_command("demo", "--username", "Alice", stdout=io.StringIO())
    assert Person.objects.filter(owner=alice).count() == 1
    assert not User.objects.filter(is_demo=True).exists()
