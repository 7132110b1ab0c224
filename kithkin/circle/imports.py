"""Contacts in and out: upload a vCard file, see what it will do, confirm; export.

The uploaded text is stored as a ContactImport until the person confirms, so
what is imported is exactly the file the preview was made from.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kithkin.accounts.decorators import onboarded_required
from kithkin.accounts.models import User
from kithkin.circle import vcard
from kithkin.circle.models import ContactImport, Interaction, InteractionPerson, Person, Ring
from kithkin.lib import csvfile
from kithkin.lib.http import request_owner as _owner

# Uploads nobody confirmed are cleared on the owner's next upload.
STALE_AFTER = timedelta(days=1)


def _get_import_for_user(request: HttpRequest, pk: int) -> ContactImport:
    return get_object_or_404(
        ContactImport.objects.select_related("owner"), pk=pk, owner=_owner(request)
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Contacts file"),
        help_text=gettext_lazy("A vCard file (it usually ends in .vcf), up to 5 MB."),
        error_messages={
            "required": gettext_lazy("Choose a file first."),
            "empty": gettext_lazy("That file is empty. Try exporting your contacts again?"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".vcf,.vcard,text/vcard,text/x-vcard"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > vcard.MAX_BYTES:
            raise ValidationError(
                _("That file is larger than 5 MB. Could you export fewer contacts at a time?")
            )
        text = vcard.decode_file(upload.read())
        count = len(vcard.split_cards(text))
        if count == 0:
            raise ValidationError(
                _(
                    "That doesn't look like a contacts file. Kithkin reads vCard files "
                    "(ending in .vcf), which phones, Google, Apple and Outlook can export."
                )
            )
        if count > vcard.MAX_CARDS:
            raise ValidationError(
                _(
                    "That file has more than %(max)s contacts. Could you split it into "
                    "smaller files?"
                )
                % {"max": number_format(vcard.MAX_CARDS, force_grouping=True)}
            )
        self.cleaned_data["text"] = text
        return upload


@onboarded_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    owner = _owner(request)
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    if request.method == "POST" and form.is_valid():
        ContactImport.objects.filter(
            owner=owner, created_at__lt=timezone.now() - STALE_AFTER
        ).delete()
        pending = ContactImport.objects.create(
            owner=owner,
            filename=os.path.basename(form.cleaned_data["file"].name or "")[:255],
            payload=form.cleaned_data["text"],
        )
        return redirect("import_preview", pending.pk)
    return render(request, "circle/import_upload.html", {"form": form})


def _ring(value: str | None) -> int:
    try:
        ring = int(value or "")
    except ValueError:
        return Ring.WIDER
    return ring if ring in Ring.values else Ring.WIDER


@onboarded_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    pending = _get_import_for_user(request, pk)
    if request.method == "POST" and "cancel" in request.POST:
        pending.delete()
        messages.info(request, _("No problem, nothing was imported."))
        return redirect("people")
    if request.method == "POST":
        try:
            plan = vcard.do_import_contacts(pending, _ring(request.POST.get("ring")))
        except DatabaseError:
            messages.error(
                request,
                _("Something went wrong, so nothing was imported. Please try again."),
            )
            return redirect("import_preview", pending.pk)
        if plan is None:
            messages.info(request, _("That file was already imported."))
        else:
            messages.success(
                request,
                _(
                    "Import done. New: %(created)d · Updated: %(merged)d · "
                    "Already here: %(skipped)d · Left out: %(bad)d."
                )
                % {
                    "created": plan.created,
                    "merged": plan.merged,
                    "skipped": plan.skipped,
                    "bad": plan.bad,
                },
            )
        return redirect("people")
    ctx = {
        "pending": pending,
        "plan": vcard.build_plan(pending),
        "ring_choices": Ring.choices,
        "default_ring": Ring.WIDER,
    }
    return render(request, "circle/import_preview.html", ctx)


@onboarded_required
@require_GET
def export_vcf(request: HttpRequest) -> HttpResponse:
    # Everyone, set-aside people too: an export is a copy of the whole circle.
    people = Person.objects.filter(owner=_owner(request)).order_by("name", "pk")
    response = HttpResponse(vcard.export_vcards(people), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kithkin-people.vcf"'
    return response


CONTACT_COLUMNS = [
    "when",
    "people",
    "how",
    "size",
    "who_reached_out",
    "felt_after",
    "waiting_for_reply",
    "note",
]
CONTACT_CHUNK = 1000


def _contact_rows(owner: User) -> Iterator[list[object]]:
    """Contacts oldest first, set-aside ones left out, read in keyset chunks.

    Each chunk is two queries (its contacts, then the names of their people),
    whatever its size, and only one chunk is held at a time, so memory stays
    flat however many contacts there are. Times are in the owner's zone.
    """
    zone = owner.zone
    contacts = (
        Interaction.objects.live()
        .filter(owner=owner)
        .order_by("happened_at", "pk")
        .values_list(
            "pk",
            "happened_at",
            "channel",
            "size",
            "initiated_by",
            "feeling_after",
            "awaiting_reply",
            "note",
        )
    )
    page = contacts
    while True:
        chunk = list(page[:CONTACT_CHUNK])
        if not chunk:
            return
        names: dict[int, list[str]] = {}
        # Found by the chunk's (owner-scoped) ids alone, and the owner checked here:
        # with owner_id in the query too, SQLite walks the owner's index through
        # every link row they have, once per chunk.
        for interaction_id, link_owner, name in (
            InteractionPerson.objects.filter(interaction_id__in=[c[0] for c in chunk])
            .order_by("person__name", "pk")
            .values_list("interaction_id", "owner_id", "person__name")
        ):
            if link_owner == owner.pk:
                names.setdefault(interaction_id, []).append(name)
        for pk, at, channel, size, initiated_by, felt, waiting, note in chunk:
            yield [
                timezone.localtime(at, zone).strftime("%Y-%m-%d %H:%M"),
                "; ".join(names.get(pk, [])),
                channel,
                size,
                initiated_by,
                felt,
                "yes" if waiting else "no",
                note,
            ]
        if len(chunk) < CONTACT_CHUNK:
            return
        last_at, last_pk = chunk[-1][1], chunk[-1][0]
        # The plain >= lets the index on (owner, happened_at) start the chunk where
        # the last one ended; the OR alone makes SQLite read every earlier contact.
        page = contacts.filter(
            Q(happened_at__gt=last_at) | Q(happened_at=last_at, pk__gt=last_pk),
            happened_at__gte=last_at,
        )


# The decorator is annotated for HttpResponse; a streamed response works the same.
@onboarded_required
@require_GET
def export_interactions_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every contact logged, as a spreadsheet: one row each, times in the person's zone."""
    return csvfile.response("contacts", CONTACT_COLUMNS, _contact_rows(_owner(request)))
