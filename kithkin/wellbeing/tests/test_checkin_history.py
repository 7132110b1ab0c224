from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.lib.csvfile import safe_cell
from kithkin.wellbeing.checkins import CSV_COLUMNS
from kithkin.wellbeing.models import CheckIn

pytestmark = pytest.mark.django_db


def _days(owner: User, n: int, start: date | None = None) -> list[CheckIn]:
    start = start or timezone.localdate(timezone=owner.zone)
    return CheckIn.objects.bulk_create(
        CheckIn(owner=owner, day=start - timedelta(days=i), mood=i % 5 + 1, tags=[f"t{i}"])
        for i in range(n)
    )


def _csv(response: Any) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


# --- History ------------------------------------------------------------------------


def test_history_lists_newest_first_with_values_and_edit_links(
    alice_client: Client, alice: User
) -> None:
    today = timezone.localdate(timezone=alice.zone)
    CheckIn.objects.create(owner=alice, day=today - timedelta(days=5), mood=2, note="older")
    CheckIn.objects.create(
        owner=alice,
        day=today,
        mood=4,
        energy="some",
        sleep_hours=Decimal("7.5"),
        rested=3,
        meaningful=True,
        connected=5,
        note="newer",
        tags=["walk", "family"],
    )
    html = alice_client.get(reverse("checkin_history")).content.decode()
    assert html.index("newer") < html.index("older")
    for words in ("Good", "Some", "7.5 hours", "Somewhat", "Yes", "Very connected", "walk, family"):
        assert words in html
    older = today - timedelta(days=5)
    assert f'href="{reverse("checkin")}?day={older}"' in html
    assert f'href="{reverse("checkin")}"' in html  # today's edit link
    assert reverse("checkins_csv") in html


def test_one_hour_of_sleep_is_one_hour(alice_client: Client, alice: User) -> None:
    today = timezone.localdate(timezone=alice.zone)
    CheckIn.objects.create(owner=alice, day=today, mood=3, sleep_hours=Decimal("1.0"))
    CheckIn.objects.create(owner=alice, day=today - timedelta(days=1), mood=3, sleep_hours=1)
    CheckIn.objects.create(owner=alice, day=today - timedelta(days=2), mood=3, sleep_hours=0.5)
    html = alice_client.get(reverse("checkin_history")).content.decode()
    assert html.count("1 hour<") == 2
    assert "0.5 hours" in html


def test_history_is_paginated_thirty_a_page(alice_client: Client, alice: User) -> None:
    checkins = _days(alice, 65)
    first = alice_client.get(reverse("checkin_history")).content.decode()
    assert first.count('<li class="card">') == 30
    assert first.count(reverse("checkin_delete", args=[checkins[0].pk])) == 1
    assert reverse("checkin_delete", args=[checkins[30].pk]) not in first
    assert "Page 1 of 3" in first
    third = alice_client.get(reverse("checkin_history"), {"page": "3"}).content.decode()
    assert reverse("checkin_delete", args=[checkins[64].pk]) in third
    # Odd page numbers land on a real page instead of failing.
    for page in ("0", "abc", "99999999999999999999999"):
        assert alice_client.get(reverse("checkin_history"), {"page": page}).status_code == 200


def test_history_shows_a_kind_word_when_empty(alice_client: Client) -> None:
    html = alice_client.get(reverse("checkin_history")).content.decode()
    assert "No check-ins yet." in html


def test_history_shows_only_their_own(alice_client: Client, alice: User, bob: User) -> None:
    CheckIn.objects.create(owner=bob, day=date(2026, 1, 1), mood=1, note="bob's own note")
    html = alice_client.get(reverse("checkin_history")).content.decode()
    assert "bob&#x27;s own note" not in html and "bob's own note" not in html
    assert "No check-ins yet." in html


def test_history_takes_the_same_number_of_queries_for_any_number_of_rows(
    alice_client: Client, alice: User
) -> None:
    _days(alice, 2)
    with CaptureQueriesContext(connection) as few:
        assert alice_client.get(reverse("checkin_history")).status_code == 200
    _days(alice, 60, start=date(2020, 1, 1))
    with CaptureQueriesContext(connection) as many:
        assert alice_client.get(reverse("checkin_history")).status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 5


# --- Delete -------------------------------------------------------------------------


def test_deleting_asks_first_then_deletes(alice_client: Client, alice: User) -> None:
    (checkin,) = _days(alice, 1)
    url = reverse("checkin_delete", args=[checkin.pk])
    r = alice_client.get(url)
    assert r.status_code == 200
    assert "Delete the check-in for" in r.content.decode()
    assert CheckIn.objects.filter(pk=checkin.pk).exists()
    r = alice_client.post(url)
    assert r.status_code == 302 and r["Location"] == reverse("checkin_history")
    assert not CheckIn.objects.filter(pk=checkin.pk).exists()
    assert "is deleted." in alice_client.get(r["Location"]).content.decode()


def test_someone_elses_check_in_is_not_found(charlie_client: Client, alice: User) -> None:
    (checkin,) = _days(alice, 1)
    url = reverse("checkin_delete", args=[checkin.pk])
    assert charlie_client.get(url).status_code == 404
    assert charlie_client.post(url).status_code == 404
    assert CheckIn.objects.filter(pk=checkin.pk).exists()


def test_a_missing_or_huge_id_is_not_found(alice_client: Client) -> None:
    assert alice_client.get(reverse("checkin_delete", args=[987654])).status_code == 404
    assert alice_client.get("/checkin/99999999999999999999999/delete/").status_code == 404


# --- CSV export -----------------------------------------------------------------------


def test_the_export_has_every_column_and_downloads_privately(
    alice_client: Client, alice: User
) -> None:
    CheckIn.objects.create(
        owner=alice,
        day=date(2026, 3, 2),
        mood=1,
        energy="low",
        sleep_hours=Decimal("6.0"),
        rested=2,
        meaningful=False,
        connected=1,
        note="Hard day.\nStill here.",
        tags=["rain", "work"],
    )
    CheckIn.objects.create(owner=alice, day=date(2026, 3, 1), mood=4)
    r = alice_client.get(reverse("checkins_csv"))
    assert r.status_code == 200
    assert r["Content-Type"] == "text/csv; charset=utf-8"
    assert r["Content-Disposition"].startswith('attachment; filename="kithkin-checkins-')
    assert r["Cache-Control"] == "no-store"
    assert r.streaming
    rows = _csv(r)
    assert list(rows[0].keys()) == CSV_COLUMNS
    assert [row["date"] for row in rows] == ["2026-03-01", "2026-03-02"]
    assert rows[1] == {
        "date": "2026-03-02",
        "mood": "1",
        "mood_words": "Very low",
        "energy": "low",
        "sleep_hours": "6",
        "rested": "2",
        "meaningful": "no",
        "connected": "1",
        "note": "Hard day.\nStill here.",
        "tags": "rain, work",
    }
    assert rows[0]["energy"] == rows[0]["sleep_hours"] == rows[0]["meaningful"] == ""


def test_the_export_can_be_limited_to_dates(alice_client: Client, alice: User) -> None:
    _days(alice, 10, start=date(2026, 3, 10))  # 1 to 10 March
    r = alice_client.get(reverse("checkins_csv"), {"start": "2026-03-03", "end": "2026-03-05"})
    assert [row["date"] for row in _csv(r)] == ["2026-03-03", "2026-03-04", "2026-03-05"]
    r = alice_client.get(reverse("checkins_csv"), {"start": "2026-03-09"})
    assert [row["date"] for row in _csv(r)] == ["2026-03-09", "2026-03-10"]
    r = alice_client.get(reverse("checkins_csv"), {"end": "2026-03-01"})
    assert [row["date"] for row in _csv(r)] == ["2026-03-01"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "03/01/2026"}, "Write the start date as YYYY-MM-DD"),
        ({"end": "2026-02-30"}, "Write the end date as YYYY-MM-DD"),
        ({"start": "2026-03-05", "end": "2026-03-01"}, "The start date comes after the end date."),
    ],
)
def test_bad_dates_are_a_400_with_a_clear_message(
    alice_client: Client, alice: User, query: dict[str, str], message: str
) -> None:
    _days(alice, 3)
    r = alice_client.get(reverse("checkins_csv"), query)
    assert r.status_code == 400
    assert message in r.content.decode()
    assert "Need support now?" in r.content.decode()


def test_the_export_has_only_their_own(alice_client: Client, alice: User, bob: User) -> None:
    CheckIn.objects.create(owner=bob, day=date(2026, 3, 1), mood=2, note="bob only")
    CheckIn.objects.create(owner=alice, day=date(2026, 3, 1), mood=3, note="alice only")
    rows = _csv(alice_client.get(reverse("checkins_csv")))
    assert [row["note"] for row in rows] == ["alice only"]


def test_cells_a_spreadsheet_would_run_get_an_apostrophe(alice_client: Client, alice: User) -> None:
    CheckIn.objects.create(
        owner=alice,
        day=date(2026, 3, 1),
        mood=3,
        note='=HYPERLINK("http://example.com","click")',
        tags=["@home", "+1"],
    )
    CheckIn.objects.create(owner=alice, day=date(2026, 3, 2), mood=3, note="-2 degrees")
    CheckIn.objects.create(owner=alice, day=date(2026, 3, 3), mood=3, note="\tindented")
    CheckIn.objects.create(owner=alice, day=date(2026, 3, 4), mood=3, note="plain = fine")
    rows = _csv(alice_client.get(reverse("checkins_csv")))
    assert rows[0]["note"] == '\'=HYPERLINK("http://example.com","click")'
    assert rows[0]["tags"] == "'@home, +1"
    assert rows[1]["note"] == "'-2 degrees"
    assert rows[2]["note"] == "'\tindented"
    assert rows[3]["note"] == "plain = fine"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=b", "a=b"),
        (None, ""),
        (7, "7"),
    ],
)
def test_safe_cell(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


def test_the_export_of_many_rows_streams_them_all(alice_client: Client, alice: User) -> None:
    _days(alice, 1200, start=date(2026, 1, 1))
    rows = _csv(alice_client.get(reverse("checkins_csv")))
    assert len(rows) == 1200
    assert rows[0]["date"] < rows[-1]["date"]


def test_the_export_opens_as_utf_8_in_a_spreadsheet(alice_client: Client, alice: User) -> None:
    # Without the byte order mark, Excel reads the file as the local code page.
    CheckIn.objects.create(owner=alice, day=date(2026, 3, 1), mood=3, note="Café with Zoë ☕")
    r: Any = alice_client.get(reverse("checkins_csv"))
    body = b"".join(r.streaming_content)
    assert body.startswith(b"\xef\xbb\xbfdate,mood,")
    assert body.count(b"\xef\xbb\xbf") == 1
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0]["note"] == "Café with Zoë ☕"
