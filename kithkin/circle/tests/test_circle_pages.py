from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle.models import Interaction, Person, Ring
from kithkin.circle.tests.factories import contact, person

pytestmark = pytest.mark.django_db


def _html(client: Client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200
    return r.content.decode()


def test_people_are_grouped_by_ring_with_replies_owed_first(
    alice_client: Client, alice: User
) -> None:
    sam = person(alice, "Sam Inner", Ring.INNER)
    luis = person(alice, "Luis Barista", Ring.ACQUAINTANCE)
    ana = person(alice, "Ana Close", Ring.CLOSE)
    contact(alice, [ana], days_ago=1, initiated_by="them", awaiting_reply=True)
    contact(alice, [sam], days_ago=3)
    person(alice, "Old Friend", Ring.CLOSE, archived_at=timezone.now())

    html = _html(alice_client, reverse("people"))
    body = html[html.index("<main") :]
    assert body.index("They reached out") < body.index("Ana Close")
    assert body.index("Ana Close") < body.index("Inner circle <") < body.index("Sam Inner")
    assert body.index("Sam Inner") < body.index("Acquaintances <") < body.index("Luis Barista")
    assert "in touch 3\xa0days ago" in body
    assert "Old Friend" not in body
    assert luis.name in body


def test_its_been_a_while_is_quiet_and_never_overdue(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam", Ring.INNER)
    contact(alice, [sam], days_ago=20)
    ana = person(alice, "Ana", Ring.INNER)
    contact(alice, [ana], days_ago=1)
    html = _html(alice_client, reverse("people"))
    drifting, rings = html.split('id="ring-inner"')
    assert "It's been a while with" in drifting and ">Sam</a>" in drifting
    assert ">Ana</a>" not in drifting
    assert rings.count("it's been a while") == 1
    items = rings.split("<li>")
    assert "it's been a while" in next(li for li in items if ">Sam</a>" in li)
    assert "it's been a while" not in next(li for li in items if ">Ana</a>" in li)
    for word in ("overdue", "late", "failed", "behind"):
        assert word not in html[html.index("<main") :].lower()


def test_search_and_filters(alice_client: Client, alice: User) -> None:
    person(alice, "Sam Lee", Ring.INNER, interests=["climbing", "jazz"], how_known="school")
    person(alice, "Ana Ruiz", Ring.CLOSE, interests=["Jazz"])
    person(alice, "Tom Kay", Ring.WIDER)
    people = reverse("people")
    assert "Ana Ruiz" not in _html(alice_client, people + "?q=sam")
    assert "Sam Lee" in _html(alice_client, people + "?q=SCHOOL")
    html = _html(alice_client, people + "?ring=close")
    assert "Ana Ruiz" in html and "Sam Lee" not in html
    html = _html(alice_client, people + "?interest=jazz")
    assert "Ana Ruiz" in html and "Sam Lee" in html and "Tom Kay" not in html
    assert "Nobody matches that" in _html(alice_client, people + "?q=zzz")


def test_set_aside_people_have_their_own_list(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    alice_client.post(reverse("archive_person", args=[sam.pk]))
    assert Person.objects.get(pk=sam.pk).archived_at is not None
    assert f'href="/people/{sam.pk}/"' not in _html(alice_client, reverse("people"))
    assert "Sam" in _html(alice_client, reverse("people") + "?archived=1")
    alice_client.post(reverse("archive_person", args=[sam.pk]))
    assert Person.objects.get(pk=sam.pk).archived_at is None


def test_the_circle_page_takes_the_same_queries_for_5_or_60_people(
    alice_client: Client, alice: User, django_assert_num_queries
) -> None:
    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            alice_client.get(reverse("people"))
        return len(ctx.captured_queries)

    for n in range(5):
        contact(alice, [person(alice, f"P{n}", n % 4 + 1)], days_ago=n)
    few = queries()
    for n in range(5, 60):
        contact(alice, [person(alice, f"P{n}", n % 4 + 1)], days_ago=n)
    assert queries() == few


def test_a_person_page_shows_details_boundaries_prompts_and_timeline(
    alice_client: Client, alice: User
) -> None:
    sam = person(
        alice,
        "Sam",
        Ring.INNER,
        interests=["climbing"],
        topics_to_avoid=["work"],
        min_days_between=3,
        birthday_month=4,
        birthday_day=15,
    )
    contact(alice, [sam], days_ago=2, note="Walk by the river", feeling_after="lifted")
    gone = contact(alice, [sam], days_ago=1, note="A deleted one")
    from kithkin.circle.actions import do_delete_interaction

    do_delete_interaction(gone)
    html = _html(alice_client, reverse("person", args=[sam.pk]))
    assert "Walk by the river" in html and "felt lifted" in html
    assert "A deleted one" not in html
    assert "Topics to avoid: work" in html
    assert "No more than once every 3 days" in html
    assert "How is climbing going these days?" in html
    assert "April 15" in html


def test_a_person_page_takes_the_same_queries_for_a_short_or_long_history(
    alice_client: Client, alice: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sam, ana = person(alice, "Sam"), person(alice, "Ana")
    contact(alice, [sam, ana])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            alice_client.get(reverse("person", args=[sam.pk]))
        return len(ctx.captured_queries)

    few = queries()
    for n in range(80):
        contact(alice, [sam, ana], days_ago=n)
    assert queries() == few


def test_adding_someone(alice_client: Client, alice: User) -> None:
    r = alice_client.post(
        reverse("add_person"),
        {
            "name": "Priya",
            "ring": Ring.CLOSE,
            "interests": "tea, films, tea",
            "channels": ["text", "call"],
            "quiet_days": ["5", "6"],
            "birthday_month": "2",
            "birthday_day": "29",
            "cadence_days": "10",
        },
    )
    priya = Person.objects.get(owner=alice, name="Priya")
    assert r["Location"] == reverse("person", args=[priya.pk])
    assert priya.interests == ["tea", "films"]
    assert priya.channels == ["text", "call"]
    assert priya.quiet_days == [5, 6]
    assert (priya.birthday_month, priya.birthday_day, priya.birthday_year) == (2, 29, None)
    assert priya.next_due_at is not None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required"),
        ({"birthday_month": "2", "birthday_day": "31"}, "doesn&#x27;t exist in that month"),
        ({"birthday_month": "2"}, "needs both a month and a day"),
        ({"quiet_start": "22:00"}, "need both a start and an end"),
        ({"cadence_days": "0"}, "greater than or equal to 1"),
        ({"channels": ["carrier pigeon"]}, "Select a valid choice"),
    ],
)
def test_bad_details_are_explained_and_nothing_is_saved(
    alice_client: Client, alice: User, data: dict[str, object], message: str
) -> None:
    r = alice_client.post(reverse("add_person"), {"name": "Priya", "ring": Ring.CLOSE, **data})
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not Person.objects.filter(owner=alice).exists()


def test_removing_someone_keeps_what_was_logged(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    i = contact(alice, [sam])
    assert "Set aside instead" in _html(alice_client, reverse("delete_person", args=[sam.pk]))
    r = alice_client.post(reverse("delete_person", args=[sam.pk]))
    assert r["Location"] == reverse("people")
    assert not Person.objects.filter(pk=sam.pk).exists()
    assert Interaction.objects.filter(pk=i.pk).exists()


def test_one_tap_logging_from_a_person_page(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    url = reverse("person", args=[sam.pk])
    r = alice_client.post(
        reverse("log_interaction"),
        {
            "people": [sam.pk],
            "channel": "voice",
            "initiated_by": "me",
            "size": "micro",
            "next": url,
        },
    )
    assert r["Location"] == url
    i = Interaction.objects.get(owner=alice)
    assert (i.channel, i.initiated_by, i.size) == ("voice", "me", "micro")
    assert Person.objects.get(pk=sam.pk).last_contact_at == i.happened_at
    html = _html(alice_client, url)
    assert "How did it feel? (optional)" in html
    alice_client.post(reverse("set_feeling", args=[i.pk]), {"feeling_after": "lifted"})
    assert Interaction.objects.get(pk=i.pk).feeling_after == "lifted"


def test_logging_with_nobody_a_group_or_back_dated(alice_client: Client, alice: User) -> None:
    sam, ana = person(alice, "Sam"), person(alice, "Ana")
    alice_client.post(
        reverse("log_interaction"),
        {"channel": "in_person", "initiated_by": "me", "size": "micro", "note": "the barista"},
    )
    when = (timezone.localtime() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    alice_client.post(
        reverse("log_interaction"),
        {
            "people": [sam.pk, ana.pk],
            "channel": "video",
            "initiated_by": "them",
            "size": "main",
            "happened_at": when,
        },
    )
    assert Interaction.objects.filter(owner=alice, people__isnull=True).count() == 1
    group = Interaction.objects.get(owner=alice, channel="video")
    assert group.people.count() == 2
    assert (timezone.now() - group.happened_at).days == 2 or (
        timezone.now() - group.happened_at
    ).days == 3


def test_the_future_cannot_be_logged(alice_client: Client, alice: User) -> None:
    soon = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    r = alice_client.post(
        reverse("log_interaction"),
        {"channel": "call", "initiated_by": "me", "size": "micro", "happened_at": soon},
    )
    assert "still to come" in r.content.decode()
    assert not Interaction.objects.exists()


def test_editing_deleting_and_undoing_a_contact(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    i = contact(alice, [sam], note="first")
    r = alice_client.post(
        reverse("edit_interaction", args=[i.pk]),
        {
            "people": [sam.pk],
            "channel": "call",
            "initiated_by": "me",
            "size": "main",
            "happened_at": timezone.localtime(i.happened_at).strftime("%Y-%m-%dT%H:%M"),
            "note": "a long call",
        },
    )
    assert r.status_code == 302
    i.refresh_from_db()
    assert (i.channel, i.size, i.note) == ("call", "main", "a long call")

    url = reverse("person", args=[sam.pk])
    alice_client.post(reverse("delete_interaction", args=[i.pk]), {"next": url})
    html = _html(alice_client, url)
    assert "a long call" not in html.split("Your contacts")[1]
    assert reverse("undo_delete", args=[i.pk]) in html
    alice_client.post(reverse("undo_delete", args=[i.pk]), {"next": url})
    assert "a long call" in _html(alice_client, url)


def test_an_unsafe_next_address_is_ignored(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    r = alice_client.post(
        reverse("log_interaction"),
        {
            "people": [sam.pk],
            "channel": "text",
            "initiated_by": "me",
            "size": "micro",
            "next": "https://evil.example/",
        },
    )
    assert r["Location"] == reverse("person", args=[sam.pk])


def test_charlie_never_reaches_alices_circle(
    charlie_client: Client, alice: User, charlie: User
) -> None:
    sam = person(alice, "Sam")
    i = contact(alice, [sam])
    for name in ("person", "edit_person", "delete_person"):
        assert charlie_client.get(reverse(name, args=[sam.pk])).status_code == 404
    for name in ("archive_person", "delete_person"):
        assert charlie_client.post(reverse(name, args=[sam.pk])).status_code == 404
    assert charlie_client.get(reverse("edit_interaction", args=[i.pk])).status_code == 404
    for name in ("set_feeling", "delete_interaction", "undo_delete"):
        assert charlie_client.post(reverse(name, args=[i.pk])).status_code == 404
    assert f'href="/people/{sam.pk}/"' not in _html(charlie_client, reverse("people"))
    assert f'href="/people/{sam.pk}/"' not in _html(charlie_client, reverse("people") + "?q=Sam")
    # Logging against alice's person id: not one of charlie's people.
    r = charlie_client.post(
        reverse("log_interaction"),
        {"people": [sam.pk], "channel": "text", "initiated_by": "me", "size": "micro"},
    )
    assert "Select a valid choice" in r.content.decode()
    assert not Interaction.objects.filter(owner=charlie).exists()
    assert Person.objects.get(pk=sam.pk).archived_at is None


def test_important_dates_can_be_added_and_removed(
    alice_client: Client, alice: User, charlie_client: Client
) -> None:
    from kithkin.circle.models import ImportantDate

    sam = person(alice, "Sam")
    url = reverse("add_date", args=[sam.pk])
    alice_client.post(url, {"label": "Name day", "month": "2", "day": "30"})
    assert not ImportantDate.objects.exists()
    assert "doesn" in _html(alice_client, reverse("person", args=[sam.pk]))
    alice_client.post(url, {"label": "Started the new job", "month": "9", "day": "1"})
    d = ImportantDate.objects.get(person=sam)
    assert d.owner == alice
    assert "Started the new job" in _html(alice_client, reverse("person", args=[sam.pk]))
    assert charlie_client.post(url, {"label": "x", "month": "1", "day": "1"}).status_code == 404
    delete = reverse("delete_date", args=[sam.pk, d.pk])
    assert charlie_client.post(delete).status_code == 404
    alice_client.post(delete)
    assert not ImportantDate.objects.exists()


def test_a_long_history_shows_the_newest_first_and_more_on_request(
    alice_client: Client, alice: User
) -> None:
    sam = person(alice, "Sam")
    for n in range(25):
        contact(alice, [sam], days_ago=n, note=f"contact number {n}")
    url = reverse("person", args=[sam.pk])
    html = _html(alice_client, url)
    assert "contact number 0<" in html and "contact number 19<" in html
    assert "contact number 20<" not in html
    assert "Show older contacts" in html
    html = _html(alice_client, url + "?more=1")
    assert "contact number 24<" in html and "Show older contacts" not in html


@pytest.mark.parametrize(
    "url",
    [
        "/people/99999999999999999999999/",
        "/log/99999999999999999999999/",
    ],
)
def test_a_huge_id_in_an_address_is_simply_not_found(alice_client: Client, url: str) -> None:
    assert alice_client.get(url).status_code == 404


def test_odd_values_are_explained_not_crashed_on(alice_client: Client, alice: User) -> None:
    assert alice_client.get(reverse("log_interaction") + "?person=abc").status_code == 200
    assert alice_client.get(reverse("log_interaction") + f"?person={10**30}").status_code == 200
    r = alice_client.post(
        reverse("log_interaction"),
        {"people": [str(10**30)], "channel": "text", "initiated_by": "me", "size": "micro"},
    )
    assert "Select a valid choice" in r.content.decode()
    r = alice_client.post(
        reverse("log_interaction"),
        {
            "channel": "text",
            "initiated_by": "me",
            "size": "micro",
            "happened_at": "0001-01-01T00:30",
        },
    )
    assert "before 1900" in r.content.decode()
    r = alice_client.post(
        reverse("add_person"), {"name": "Sam", "ring": Ring.CLOSE, "paused_until": "9999-12-31"}
    )
    assert "up to ten years" in r.content.decode()
    assert not Interaction.objects.exists() and not Person.objects.exists()


def test_someone_set_aside_can_still_be_logged_from_their_page(
    alice_client: Client, alice: User
) -> None:
    sam = person(alice, "Sam", archived_at=timezone.now())
    r = alice_client.post(
        reverse("log_interaction"),
        {"people": [sam.pk], "channel": "call", "initiated_by": "them", "size": "micro"},
    )
    assert r.status_code == 302
    assert Interaction.objects.get(owner=alice).people.get() == sam


def test_editing_with_an_empty_time_keeps_the_time(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    i = contact(alice, [sam], days_ago=9)
    alice_client.post(
        reverse("edit_interaction", args=[i.pk]),
        {
            "people": [sam.pk],
            "channel": "call",
            "initiated_by": "me",
            "size": "main",
            "happened_at": "",
        },
    )
    assert Interaction.objects.get(pk=i.pk).happened_at == i.happened_at


def test_an_interest_with_accents_can_be_found(alice_client: Client, alice: User) -> None:
    person(alice, "Inès", interests=["Café chats", "música"])
    person(alice, "Tom")
    html = _html(alice_client, reverse("people") + "?interest=MÚSICA")
    assert "Inès" in html and ">Tom<" not in html


def test_prompts_never_touch_a_topic_to_avoid(alice_client: Client, alice: User) -> None:
    from kithkin.circle import prompts

    today = timezone.localdate()
    for week in range(10):
        day = today + timedelta(weeks=week)
        asked = prompts.for_person(1, ["parties", "tea"], day, avoid=["Parties"])
        assert not any("parties" in q.lower() for q in asked)
    sam = person(alice, "Sam", interests=["work gossip"], topics_to_avoid=["work"])
    assert (
        "work gossip"
        not in _html(alice_client, reverse("person", args=[sam.pk])).split("Things you could ask")[
            1
        ]
    )


def test_the_timeline_shows_waiting_only_until_answered(alice_client: Client, alice: User) -> None:
    sam = person(alice, "Sam")
    contact(alice, [sam], days_ago=2, initiated_by="them", awaiting_reply=True, note="their q")
    url = reverse("person", args=[sam.pk])
    assert _html(alice_client, url).count("waiting for a reply") == 1
    # Many newer contacts of theirs push my reply off the first page of the timeline.
    contact(alice, [sam], days_ago=1, initiated_by="me")
    for n in range(25):
        contact(alice, [sam], days_ago=0.5 - n / 100, initiated_by="them")
    html = _html(alice_client, url + "?more=1")
    assert "their q" in html
    assert "waiting for a reply" not in html.split("Your contacts")[1]
