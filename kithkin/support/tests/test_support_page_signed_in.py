"""The support page for someone signed in: their trusted people, "I'm struggling",
their safety plan. For everyone else it stays as it was: open and quick."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle.tests.factories import person
from kithkin.support.models import HardDay, SafetyPlan
from kithkin.today.models import SavedMessage

pytestmark = pytest.mark.django_db

DEFAULT_BODY = quote(
    "I'm having a hard time today. Could you call me, or just stay with me by message for a bit?",
    safe="",
)


def _support(client: Client) -> str:
    r = client.get(reverse("support"))
    assert r.status_code == 200
    return r.content.decode()


def _section(html: str) -> str:
    start = html.index('id="message-someone"')
    return html[start : html.index("</section>", start)]


def test_visitors_see_the_plain_page_without_anything_personal(client: Client) -> None:
    html = _support(client)
    assert "Message someone you trust" in html
    assert "I&#x27;m having a hard time today." in html or "I'm having a hard time today." in html
    assert reverse("struggling") not in html
    assert reverse("safety_plan") not in html
    assert "sms:" not in _section(html)


def test_visitors_cost_no_queries(client: Client) -> None:
    client.get(reverse("support"))  # warm the helpline data
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("support"))
    assert len(ctx.captured_queries) == 0


def test_trusted_people_come_with_links_to_write_to_them(alice_client: Client, alice: User) -> None:
    person(
        alice, "Sam Lee", phones=["+44 (0)7700 900123"], emails=["sam@example.org"], trusted=True
    )
    person(alice, "Ana", trusted=True)
    person(alice, "Not Trusted", phones=["+44 7700 900999"])
    person(alice, "Set Aside", trusted=True, archived_at=timezone.now())
    section = _section(_support(alice_client))
    assert f'href="sms:+447700900123?&amp;body={DEFAULT_BODY}"' in section
    assert f'href="mailto:sam@example.org?body={DEFAULT_BODY}"' in section
    assert f'href="sms:?&amp;body={DEFAULT_BODY}"' in section  # Ana: no number saved
    assert "Email Ana" not in section
    assert "Not Trusted" not in section and "Set Aside" not in section
    assert "Nothing is sent until you press send" in section


def test_saved_messages_fill_the_links_and_each_can_be_picked(
    alice_client: Client, alice: User, bob: User
) -> None:
    person(alice, "Sam", phones=["07700 900123"], emails=["sam@example.org"], trusted=True)
    person(alice, "Ana", phones=["07700 900456"], trusted=True)
    SavedMessage.objects.create(owner=alice, label="a check-in", text="Hi, rough week. Call?")
    SavedMessage.objects.create(owner=alice, label="a walk", text="Fancy a walk & a chat?")
    bob_words = SavedMessage.objects.create(owner=bob, label="bob", text="Bob's words")
    section = _section(_support(alice_client))
    first = quote("Hi, rough week. Call?", safe="")
    walk = quote("Fancy a walk & a chat?", safe="")
    assert f'href="sms:07700900123?&amp;body={first}"' in section
    assert "Other words you wrote for tough days" in section
    assert "a walk" in section
    assert f'href="sms:07700900123?&amp;body={walk}"' in section
    assert f'href="sms:07700900456?&amp;body={walk}"' in section
    assert f'href="mailto:sam@example.org?body={walk}"' in section
    assert bob_words.text not in section
    assert DEFAULT_BODY not in section


def test_without_trusted_people_it_says_kindly_how_to_mark_someone(
    alice_client: Client, alice: User
) -> None:
    person(alice, "Sam", phones=["07700 900123"])
    section = _section(_support(alice_client))
    assert "Nobody is marked as someone you trust yet." in section
    assert f'href="{reverse("people")}"' in section
    assert "sms:" not in section


def test_the_struggling_button_is_there_for_someone_signed_in(
    alice_client: Client, alice: User
) -> None:
    html = _support(alice_client)
    assert f'action="{reverse("struggling")}"' in html
    assert "csrfmiddlewaretoken" in html[html.index(f'action="{reverse("struggling")}"') :]
    r = alice_client.post(reverse("struggling"))
    assert r["Location"].startswith(reverse("today"))
    assert HardDay.objects.get(owner=alice).asked


def test_it_links_to_the_plan_or_invites_to_make_one(alice_client: Client, alice: User) -> None:
    html = _support(alice_client)
    assert "make one whenever you&#x27;re ready" in html or "make one whenever you're ready" in html
    SafetyPlan.objects.create(owner=alice, coping="Tea.")
    html = _support(alice_client)
    assert "Your safety plan" in html
    assert f'href="{reverse("safety_plan")}"' in html


def test_the_signed_in_page_stays_small(alice_client: Client, alice: User) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            alice_client.get(reverse("support"))
        return len(ctx.captured_queries)

    person(alice, "Sam", trusted=True)
    few = queries()
    for n in range(30):
        person(alice, f"P{n}", trusted=True)
        SavedMessage.objects.create(owner=alice, label=f"m{n}", text=f"words {n}")
    assert queries() <= few + 1  # the saved messages, once there are trusted people
    html = _support(alice_client)
    assert html.count('class="reach"') <= 12 * 10


def test_nothing_loads_from_elsewhere(alice_client: Client, alice: User) -> None:
    person(alice, "Sam", phones=["07700 900123"], trusted=True)
    html = _support(alice_client)
    for element in re.finditer(r"<(script|link|img|iframe|source)\b[^>]*>", html, re.I):
        assert not re.search(r'(src|href)="(https?:)?//', element.group(0)), element.group(0)
    assert "<style" not in html and 'style="' not in html


def test_names_and_words_are_escaped_in_the_links(alice_client: Client, alice: User) -> None:
    person(alice, '<b>Jo</b> & "Co"', phones=["+44 7700 900123"], trusted=True)
    SavedMessage.objects.create(owner=alice, label="<i>tea</i>", text='<script>x</script> & "hi"')
    section = _section(_support(alice_client))
    assert "<b>Jo</b>" not in section and "<script>" not in section and "<i>tea" not in section
    assert "Text &lt;b&gt;Jo&lt;/b&gt; &amp; &quot;Co&quot;" in section
    assert "&lt;script&gt;x&lt;/script&gt; &amp; &quot;hi&quot;" in section
    assert (
        'href="sms:+447700900123?&amp;body=%3Cscript%3Ex%3C%2Fscript%3E%20%26%20%22hi%22"'
        in section
    )


@pytest.mark.parametrize(
    "name", ["struggling", "support_card_dismiss", "edit_safety_plan", "clear_safety_plan"]
)
def test_every_post_needs_the_csrf_token(alice: User, name: str) -> None:
    SafetyPlan.objects.create(owner=alice, coping="Tea.")
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(reverse(name), {"coping": "changed"}).status_code == 403
    assert SafetyPlan.objects.get(owner=alice).coping == "Tea."
    assert not HardDay.objects.exists()
