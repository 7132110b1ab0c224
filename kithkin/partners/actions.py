"""Writes with side effects for partnerships: each one atomic, each one telling
the reminder schedule (nudges.hooks.reschedule) what changed in the same
transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from kithkin.accounts.models import User
from kithkin.nudges.hooks import reschedule
from kithkin.partners.models import PartnerInvite, PartnerLook, PartnerNote, Partnership
from kithkin.partners.sharing import clean_shares

NOTES_A_DAY = 3
ALERT_KINDS = ("partner_alert", "partner_summary")


class InviteGone(Exception):
    """The link was used, revoked or expired between reading and accepting it."""


class TooManyNotes(Exception):
    """Three notes today already for this partnership."""


class PartnershipGone(Exception):
    """The partnership was ended (or is no longer this partner's) after it was read."""


def _reschedule_partnership(partnership: Partnership) -> None:
    for kind in ALERT_KINDS:
        reschedule(partnership.owner_id, kind, partnership.pk)


def _expire_links(owner_id: int, partnership_id: int) -> None:
    """Links not yet used stop working. Kept, not deleted, so opening one says
    it expired rather than that it was never made."""
    now = timezone.now()
    PartnerInvite.objects.filter(
        owner=owner_id, partnership=partnership_id, used_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)


def do_create_partnership(owner: User, name: str, email: str, weekly_email: bool) -> Partnership:
    with transaction.atomic():
        partnership = Partnership.objects.create(
            owner=owner, name=name, email=email, weekly_email=weekly_email and bool(email)
        )
        if partnership.weekly_email:
            reschedule(owner.pk, "partner_summary", partnership.pk)
    return partnership


def do_update_partnership(
    partnership: Partnership, name: str, email: str, weekly_email: bool
) -> None:
    with transaction.atomic():
        partnership.name = name
        partnership.email = email
        partnership.weekly_email = weekly_email and bool(email)
        partnership.save(update_fields=["name", "email", "weekly_email"])
        _reschedule_partnership(partnership)


def do_make_invite(partnership: Partnership) -> tuple[PartnerInvite, str]:
    """A new single-use link; any older link not yet used stops working."""
    with transaction.atomic():
        _expire_links(partnership.owner_id, partnership.pk)
        return PartnerInvite.objects.create_invite(partnership)


def do_accept_invite(invite: PartnerInvite, partner: User) -> Partnership:
    """Link `partner` to the invite's partnership, once.

    The conditional UPDATEs claim the link and then the partnership: of two
    people opening it at the same moment only one gets exactly one changed row;
    the other gets InviteGone. The partnership is claimed only while it has no
    partner, because two links can both be live when two "make a link" taps
    race, and the second acceptance must not replace the first partner.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = PartnerInvite.objects.filter(
            pk=invite.pk, owner=invite.owner_id, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        linked = Partnership.objects.filter(
            pk=invite.partnership_id,
            owner=invite.owner_id,
            revoked_at__isnull=True,
            partner__isnull=True,
        ).update(partner=partner, accepted_at=now)
        if claimed != 1 or linked != 1:
            raise InviteGone
        # The other links to this partnership have nothing left to do.
        _expire_links(invite.owner_id, invite.partnership_id)
        partnership = Partnership.objects.select_related("owner").get(
            pk=invite.partnership_id, owner=invite.owner_id
        )
        _reschedule_partnership(partnership)
    return partnership


def do_set_shares(partnership: Partnership, items: Iterable[str]) -> None:
    with transaction.atomic():
        partnership.shares = clean_shares(items)
        partnership.save(update_fields=["shares"])
        reschedule(partnership.owner_id, "partner_summary", partnership.pk)


def do_set_alerts(
    partnership: Partnership, no_checkin_days: int | None, low_mood_days: int | None
) -> None:
    """Turn alerts on (recording consent now) or, with both None, off (clearing it)."""
    with transaction.atomic():
        partnership.alert_no_checkin_days = no_checkin_days
        partnership.alert_low_mood_days = low_mood_days
        on = no_checkin_days is not None or low_mood_days is not None
        partnership.alert_consent_at = timezone.now() if on else None
        partnership.save(
            update_fields=["alert_no_checkin_days", "alert_low_mood_days", "alert_consent_at"]
        )
        reschedule(partnership.owner_id, "partner_alert", partnership.pk)


def do_revoke(partnership: Partnership) -> None:
    """Stop everything at once: the partner's view, links, alerts, the weekly email,
    and any "thinking of you" not yet delivered."""
    with transaction.atomic():
        if partnership.revoked_at is None:
            partnership.revoked_at = timezone.now()
        partnership.alert_no_checkin_days = None
        partnership.alert_low_mood_days = None
        partnership.alert_consent_at = None
        partnership.weekly_email = False
        partnership.save(
            update_fields=[
                "revoked_at",
                "alert_no_checkin_days",
                "alert_low_mood_days",
                "alert_consent_at",
                "weekly_email",
            ]
        )
        _expire_links(partnership.owner_id, partnership.pk)
        _reschedule_partnership(partnership)
        unseen = PartnerNote.objects.filter(
            owner=partnership.owner_id, partnership=partnership, seen_at__isnull=True
        ).values_list("pk", flat=True)
        for note_id in unseen:
            reschedule(partnership.owner_id, "partner_note", note_id)


def notes_sent_today(partnership: Partnership, partner: User) -> int:
    """Notes for this partnership since midnight in the partner's own time zone."""
    since = datetime.combine(timezone.localdate(timezone=partner.zone), time.min, partner.zone)
    return PartnerNote.objects.filter(
        owner=partnership.owner_id, partnership=partnership, created_at__gte=since
    ).count()


def do_send_note(partnership: Partnership, partner: User, text: str) -> PartnerNote:
    with transaction.atomic():
        # Locking the partnership row makes two quick taps count one after the
        # other, so the daily limit holds (SQLite serialises writes anyway). It
        # is read again under the lock because the person may have ended it
        # since the view read it: ending takes effect at once, notes included.
        still = (
            Partnership.objects.select_for_update()
            .for_partner(partner)
            .filter(pk=partnership.pk, owner=partnership.owner_id)
            .values_list("pk", flat=True)
            .first()
        )
        if still is None:
            raise PartnershipGone
        if notes_sent_today(partnership, partner) >= NOTES_A_DAY:
            raise TooManyNotes
        note = PartnerNote.objects.create(
            owner=partnership.owner, partnership=partnership, text=text
        )
        reschedule(partnership.owner_id, "partner_note", note.pk)
    return note


def record_look(partnership: Partnership) -> None:
    PartnerLook.objects.create(owner_id=partnership.owner_id, partnership=partnership)
