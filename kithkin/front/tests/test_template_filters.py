"""How long ago something was, in words a person reads at a glance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.template import Context, Template

from kithkin.front.templatetags.kithkin import ago, since

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_the_first_minute_is_just_now_never_zero_minutes() -> None:
    assert ago(NOW, NOW) == "just now"
    assert ago(NOW - timedelta(seconds=59), NOW) == "just now"
    assert ago(NOW - timedelta(seconds=60), NOW) == "1\xa0minute ago"


def test_later_it_says_the_largest_unit_only() -> None:
    assert ago(NOW - timedelta(days=3, hours=5), NOW) == "3\xa0days ago"
    assert since(NOW - timedelta(days=3, hours=5), NOW) == "3\xa0days"
    assert ago(None, NOW) == ""


def test_a_partner_note_just_sent_reads_just_now() -> None:
    html = Template("{% load kithkin %}{{ at|ago }}").render(Context({"at": datetime.now(UTC)}))
    assert html == "just now"
