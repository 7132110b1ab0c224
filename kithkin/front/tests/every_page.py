"""Every page a person can open, in a lived-in account, for tests that walk them all.

`lived_in()` builds the demo account (six months of people, contacts, check-ins,
measures, goals, plans, communities and places), then gives it the rest: a partner
with an account who accepted and sees check-ins, a guest on a plan, a kept message,
a safety plan, a reminder channel, a contacts import waiting for its preview and a
partner's note. `pages(world)` lists every page the owner can open (a path for each
URL that answers GET with a page); `partner_pages(world)` what the partner opens.

`test_every_page.py` proves the list is complete (every route is in it or named in
`NOT_PAGES` with the reason) and that each page answers 200.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.circle.models import ContactImport, ImportantDate, Interaction, Person
from kithkin.conftest import NOT_FOUND, PASSWORD, make_user
from kithkin.nudges.models import Channel
from kithkin.partners.models import PartnerInvite, PartnerNote, Partnership
from kithkin.plans.models import Community, Place, Plan, PlanGuest
from kithkin.support.models import SafetyPlan
from kithkin.today.models import SavedMessage
from kithkin.wellbeing.models import Goal, GoalSkip, Measure

# Routes that are not pages, and why.
NOT_PAGES = {
    # Answers to a form or a button (POST only, or a redirect when opened).
    "logout": "POST",
    "create_token": "POST",
    "revoke_token": "POST",
    "create_invite": "POST",
    "edit_safety_plan": "POST from the safety plan page",
    "struggling": "POST",
    "support_card_dismiss": "POST",
    "set_energy": "POST",
    "respond": "POST",
    "change_tone": "POST",
    "stop_waiting": "POST",
    "delete_saved_message": "POST",
    "toggle_idea": "POST",
    "partner_note_seen": "POST",
    "archive_person": "POST",
    "add_date": "POST from the person page",
    "delete_date": "POST",
    "set_feeling": "POST",
    "undo_delete": "POST",
    "delete_interaction": "POST",
    "channel_new": "POST from the Reminders page",
    "import_account": "POST from Settings",
    "goal_skip": "POST",
    "goal_skip_remove": "POST",
    "goal_archive": "POST",
    "goal_restore": "POST",
    "plan_end": "POST",
    "plan_rsvp": "POST",
    "plan_done": "POST",
    "plan_cancel_one": "POST",
    "plan_share_link": "POST",
    "plan_leave": "POST",
    "plan_remove_guest": "POST",
    "partner_invite": "POST",
    "partner_shares": "POST",
    "partner_send_note": "POST",
    "channel_test": "POST",
    "channel_delete": "POST",
    "channel_toggle": "POST",
    "push_subscribe": "POST",
    # Files and machine-readable answers, not pages.
    "manifest": "JSON",
    "service_worker": "JavaScript",
    "push_key": "JSON",
    "export": "a JSON download",
    "export_contacts": "a vCard download",
    "export_contacts_csv": "a CSV download",
    "export_interactions_csv": "a CSV download",
    "checkins_csv": "a CSV download",
    "plan_ics": "an iCalendar download",
    "calendar_feed": "an iCalendar feed",
    # Pages that need a one-time secret from an email; covered by their own tests.
    "password_reset_confirm": "needs a reset token from an email",
    "password_reset_complete": "the end of a reset",
    "password_change_done": "the end of a password change",
    "partner_accept": "a one-time invite link (the partner journey opens it)",
}


@dataclass
class World:
    owner: User
    password: str
    partner: User
    partnership: Partnership
    invite_token: str
    guest: User
    plan: Plan


def lived_in() -> World:
    out = io.StringIO()
    call_command("demo", stdout=out)
    match = re.search(r"with the password (\S+)", out.getvalue())
    assert match is not None
    owner = User.objects.get(username="demo")
    partner = make_user("pat", timezone="Europe/London")
    guest = make_user("gus", timezone="Europe/London")
    now = timezone.now()
    partnership = Partnership.objects.create(
        owner=owner,
        partner=partner,
        name="Pat",
        shares=["mood", "energy", "sleep"],
        accepted_at=now,
    )
    PartnerNote.objects.create(owner=owner, partnership=partnership, text="Thinking of you")
    # A second partnership still waiting for its invite to be used.
    waiting = Partnership.objects.create(owner=owner, name="Robin", shares=["mood"])
    _, token = PartnerInvite.objects.create_invite(waiting)
    plan = Plan.objects.filter(owner=owner).order_by("pk").first()
    assert plan is not None
    plan.guest_token = "join-the-walk"
    plan.save(update_fields=["guest_token"])
    PlanGuest.objects.create(owner=guest, plan=plan)
    SavedMessage.objects.create(owner=owner, label="hello", text="Thinking of you today.")
    SafetyPlan.objects.create(owner=owner, coping="A walk round the block")
    Channel.objects.create(owner=owner, kind="email", target="me@example.org")
    ContactImport.objects.create(
        owner=owner,
        filename="phone.vcf",
        payload="BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Noor\r\nEND:VCARD\r\n",
    )
    person = Person.objects.filter(owner=owner).order_by("pk").first()
    assert person is not None
    ImportantDate.objects.get_or_create(
        owner=owner, person=person, label="First met", month=5, day=1
    )
    goal = Goal.objects.filter(owner=owner).order_by("pk").first()
    assert goal is not None
    GoalSkip.objects.get_or_create(owner=owner, goal=goal, day=timezone.localdate() - timedelta(1))
    return World(owner, match.group(1), partner, partnership, token, guest, plan)


def pages(world: World) -> list[str]:
    """Every page the owner can open, with a real object behind each detail page."""
    owner = world.owner
    person = Person.objects.filter(owner=owner).earliest("pk")
    interaction = Interaction.objects.filter(owner=owner).latest("pk")
    goal = Goal.objects.filter(owner=owner).earliest("pk")
    measure = Measure.objects.filter(owner=owner).latest("pk")
    community = Community.objects.filter(owner=owner).earliest("pk")
    place = Place.objects.filter(owner=owner).earliest("pk")
    upload = ContactImport.objects.filter(owner=owner).earliest("pk")
    checkin = owner.checkins.latest("day")
    plan = world.plan
    return [
        "/today/",
        "/today/waiting/",
        "/today/messages/",
        "/today/ideas/",
        "/people/",
        "/people/new/",
        "/people/import/",
        f"/people/import/{upload.pk}/",
        f"/people/{person.pk}/",
        f"/people/{person.pk}/edit/",
        f"/people/{person.pk}/delete/",
        "/log/",
        f"/log/{interaction.pk}/",
        "/checkin/",
        "/checkin/history/",
        f"/checkin/{checkin.pk}/delete/",
        "/checkin/measures/",
        "/checkin/measures/ucla3/",
        f"/checkin/measures/result/{measure.pk}/",
        "/insights/",
        "/insights/summary/",
        "/goals/",
        "/goals/new/",
        f"/goals/{goal.pk}/",
        f"/goals/{goal.pk}/edit/",
        f"/goals/{goal.pk}/delete/",
        "/plans/",
        "/plans/new/",
        "/plans/calendar/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/edit/",
        f"/plans/{plan.pk}/delete/",
        "/plans/communities/",
        "/plans/communities/new/",
        f"/plans/communities/{community.pk}/",
        f"/plans/communities/{community.pk}/edit/",
        f"/plans/communities/{community.pk}/delete/",
        "/plans/places/",
        "/plans/places/new/",
        f"/plans/places/{place.pk}/edit/",
        f"/plans/places/{place.pk}/delete/",
        "/partners/",
        "/partners/new/",
        f"/partners/{world.partnership.pk}/",
        f"/partners/{world.partnership.pk}/edit/",
        f"/partners/{world.partnership.pk}/alerts/",
        f"/partners/{world.partnership.pk}/revoke/",
        "/partners/shared/",
        "/support/",
        "/support/plan/",
        "/support/plan/clear/",
        "/settings/",
        "/settings/reminders/",
        "/settings/delete/",
        "/password/change/",
        "/welcome/",
        "/privacy/",
    ]


def partner_pages(world: World) -> list[str]:
    """What the partner opens: the list of people sharing with them, one view, and
    the join page of a plan whose link they were sent (not yet joined)."""
    return [
        "/partners/shared/",
        f"/partners/shared/{world.partnership.pk}/",
        f"/plans/join/{world.plan.guest_token}/",
    ]


def guest_pages(world: World) -> list[str]:
    """What a guest who joined a plan opens: the plan, and their own plans."""
    return [f"/plans/{world.plan.pk}/", "/plans/"]


ANONYMOUS_PAGES = [
    "/",
    "/login/",
    "/signup/",
    "/password/reset/",
    "/password/reset/sent/",
    "/support/",
    "/privacy/",
    "/offline/",
    NOT_FOUND,
]

__all__ = ["ANONYMOUS_PAGES", "NOT_PAGES", "PASSWORD", "World", "lived_in", "pages"]
