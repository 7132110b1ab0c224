"""`kithkin today`: the Today page on the command line.

    kithkin today --energy some        say today's energy; get up to three suggestions
    kithkin today                      the suggestions still open today
    kithkin today --done 1 --felt lifted
    kithkin today --not-today 2 | --another 2 | --space 2 | --tone 2 light

The suggestions are the ones the Today page and GET /api/v1/today show: made by
today.actions.do_make_suggestions when the day's energy is first said or changes,
checked again by today.actions.still_fine before they are shown, and answered
with today.actions.do_respond, as the page's buttons do. Suggestions are
numbered by their place on the day's page (#1, #2, #3, then #4 for a "show me
another"), so a number keeps naming the same suggestion while others are answered.

Above them, as on the page: the support card on a hard day (support.card) and
partners' unseen "thinking of you" notes (today.actions.unseen_notes; "got it" is
on the page and in the API).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kithkin.accounts.models import User
from kithkin.circle.models import Feeling
from kithkin.lib.commands import UserCommand, ago, local_iso, words_list
from kithkin.support import card as support_card
from kithkin.today import actions, drafts
from kithkin.today.models import Energy, Outcome, Suggestion

# How many suggestions a day starts with, as on the page.
LIMIT = 3
ANSWERS = {
    "done": Outcome.DONE,
    "not_today": Outcome.NOT_TODAY,
    "another": Outcome.ANOTHER,
    "space": Outcome.GIVE_SPACE,
}


def _number(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 1000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a suggestion number, like 1")
    return int(text)


def number_of(s: Suggestion) -> int:
    """The number a suggestion has in the list: its place on the day's page, from 1."""
    return s.position + 1


def describe(s: Suggestion, now: datetime) -> dict[str, Any]:
    """One suggestion as the API words it (api/today.py), with its number, the
    person's name, and the reasons one per line as the page lists them."""
    person = s.person
    why = actions.why_of(s, now)
    return {
        "id": s.pk,
        "number": number_of(s),
        "person_id": s.person_id,
        "person": person.name if person else None,
        "idea": s.idea.slug,
        "effort": s.idea.effort,
        "channel": s.idea.channel,
        "title": actions.title_of(s),
        "reason": " ".join(why),
        "why": why,
        "about_idea": s.idea.why,
        "draft": s.draft,
        "outcome": s.outcome or None,
    }


class Command(UserCommand):
    help = (
        "Today's suggestions for your energy: who, what, why and words you could send. "
        "Answer one with --done, --not-today, --another or --space."
    )

    def add_command_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--energy",
            choices=Energy.values,
            help="how much energy you have today (low = running low); "
            "remembered for the day, and a change makes fresh suggestions",
        )
        answer = parser.add_mutually_exclusive_group()
        answer.add_argument(
            "--done", type=_number, metavar="N", help="you did suggestion N: it's logged"
        )
        answer.add_argument(
            "--not-today", type=_number, metavar="N", help="not today, thanks: it'll keep"
        )
        answer.add_argument(
            "--another", type=_number, metavar="N", help="show another instead of N"
        )
        answer.add_argument(
            "--space",
            type=_number,
            metavar="N",
            help="give N's person space: no suggestions about them for two weeks",
        )
        answer.add_argument(
            "--tone",
            nargs=2,
            metavar=("N", "TONE"),
            help=f"other words for N: {words_list(drafts.TONES)}",
        )
        parser.add_argument(
            "--felt",
            choices=Feeling.values,
            help="with --done: how you felt after (optional)",
        )

    def handle_user(self, user: User, **opts: Any) -> None:
        now = timezone.localtime(timezone.now())
        day = now.date()
        answer = next((k for k in ANSWERS if opts.get(k) is not None), None)
        if opts.get("felt") and answer != "done":
            raise CommandError(
                "--felt goes with --done: how you felt after doing it.", returncode=2
            )
        if opts.get("energy"):
            # Saying the energy first, as on the page, then answering, is fine.
            self._suggestions(user, now, opts["energy"])
        if answer is not None:
            self._answer(user, now, opts, answer)
            if self.as_json:
                return
        elif opts.get("tone"):
            self._tone(user, day, opts)
            if self.as_json:
                return
        energy = self._energy(user, now, opts.get("energy"))
        shown = self._suggestions(user, now, energy)
        if self.as_json:
            card = support_card.for_today(user, day)
            self.emit_json(
                {
                    "energy": energy,
                    "suggestions": [describe(s, now) for s in shown if not s.outcome][:LIMIT],
                    "done": [describe(s, now) for s in shown if s.outcome == Outcome.DONE],
                    "support": _card_json(card) if card else None,
                    "notes": [
                        {
                            "id": n.pk,
                            "from": n.partnership.name,
                            "text": n.text,
                            "created_at": local_iso(n.created_at),
                        }
                        for n in actions.unseen_notes(user)
                    ],
                }
            )
            return
        self._show(user, now, energy, shown, opts)

    # --- What Today holds ---------------------------------------------------------

    def _energy(self, user: User, now: datetime, said: str | None) -> str:
        if said:
            return said
        known = actions.energy_of(user, now.date())
        if known is None:
            raise CommandError(
                "first say how much energy you have today (there's no wrong answer): "
                f"{self.again('--energy low|some|good')}"
            )
        return known

    def _suggestions(self, user: User, now: datetime, energy: str) -> list[Suggestion]:
        """Today's suggestions, as GET /api/v1/today makes and checks them.

        Only a new energy, or the first ask of the day, makes suggestions
        (actions.makes_suggestions); asking again gives the same ones back. Those
        turned down today are left out, as on the page; done ones stay, so "done"
        is seen (actions.todays_suggestions).
        """
        if actions.makes_suggestions(user, now.date(), energy):
            actions.do_make_suggestions(user, energy, limit=LIMIT)
        return actions.todays_suggestions(user, now)

    def _find(self, user: User, day: date, number: int) -> Suggestion:
        found = list(
            Suggestion.objects.filter(owner=user, day=day, position=number - 1)
            .select_related("idea", "person", "owner")
            .order_by("outcome", "pk")  # an open one first
        )
        if not found:
            raise CommandError(
                f"there's no suggestion #{number} today; `{self.again()}` shows them."
            )
        return found[0]

    # --- Answering ----------------------------------------------------------------

    def _answer(self, user: User, now: datetime, opts: dict[str, Any], answer: str) -> None:
        number = opts[answer]
        suggestion = self._find(user, now.date(), number)
        if suggestion.outcome:
            raise CommandError(
                f"suggestion #{number} is already answered "
                f"({Outcome(suggestion.outcome).label.lower()})."
            )
        outcome = ANSWERS[answer]
        if outcome == Outcome.GIVE_SPACE and suggestion.person_id is None:
            raise CommandError(
                f"suggestion #{number} isn't about someone, so there's no one to give space."
            )
        replacement = actions.do_respond(suggestion, outcome, opts.get("felt") or "")
        if self.as_json:
            self.emit_json(
                {
                    "suggestion": describe(suggestion, now),
                    "interaction_id": suggestion.interaction_id,
                    "replacement": describe(replacement, now) if replacement else None,
                }
            )
            return
        person = suggestion.person
        if outcome == Outcome.DONE:
            felt = f" You felt {Feeling(opts['felt']).label.lower()}." if opts.get("felt") else ""
            self.say(_("Lovely. It's logged.") + felt)
        elif outcome == Outcome.NOT_TODAY:
            self.say(_("That's fine. It'll keep."))
        elif outcome == Outcome.GIVE_SPACE and person is not None:
            self.say(
                _("Giving %(name)s some space: no suggestions about them for two weeks.")
                % {"name": person.name}
            )
        elif outcome == Outcome.ANOTHER and replacement is None:
            self.say(_("That's everything that fits right now. Nothing else is needed."))
        self.say()

    def _tone(self, user: User, day: date, opts: dict[str, Any]) -> None:
        raw_number, tone = opts["tone"]
        try:
            number = _number(raw_number)
        except argparse.ArgumentTypeError:
            raise CommandError(
                f"--tone takes a suggestion number and a tone, like --tone 1 {drafts.TONES[1]}.",
                returncode=2,
            ) from None
        suggestion = self._find(user, day, number)
        situation = suggestion.idea.situation
        if not situation:
            raise CommandError(f"suggestion #{number} has no words to send, so no other tones.")
        offered = drafts.tones(situation)
        if tone not in offered:
            raise CommandError(f"{tone!r} isn't a tone here: choose {words_list(offered)}.")
        actions.do_change_tone(suggestion, tone)
        if self.as_json:
            self.emit_json(describe(suggestion, timezone.localtime(timezone.now())))

    # --- Showing ------------------------------------------------------------------

    def _show(
        self, user: User, now: datetime, energy: str, shown: list[Suggestion], opts: dict[str, Any]
    ) -> None:
        day = now.date()
        card = support_card.for_today(user, day)
        self.say(
            f"{_('Today')}, {formats.date_format(day, 'l j F')} · "
            f"{_('energy')}: {Energy(energy).label.lower()}"
        )
        if card is not None:
            self._show_card(card)
        for note in actions.unseen_notes(user):
            self.say()
            self.say(_("%(name)s is thinking of you") % {"name": note.partnership.name})
            for line in note.text.splitlines():
                self.say(f"    > {line}")
            self.say(f"    {ago(note.created_at, now)}")
        open_ones = [s for s in shown if not s.outcome][:LIMIT]
        done = [s for s in shown if s.outcome == Outcome.DONE]
        for s in open_ones:
            self._show_one(describe(s, now))
        if not open_ones:
            self.say()
            self.say(_("Nothing more for today, and that's completely fine. Rest counts too."))
        if done:
            self.say()
            self.say(
                _("Done. That counts.")
                + " "
                + "; ".join(f"#{number_of(s)} {describe(s, now)['title']}" for s in done)
            )
        self.say()
        if open_ones:
            n = number_of(open_ones[0])
            self.say("When you're ready:")
            self.say(f"  {self.again(f'--done {n}')} [--felt {'|'.join(Feeling.values)}]")
            self.say(
                f"  --not-today {n} · --another {n}"
                + (f" · --space {n}" if open_ones[0].person_id else "")
                + (f" · --tone {n} {drafts.TONES[1]}" if open_ones[0].draft else "")
            )
        self.say(
            _(
                "Kithkin never sends anything for you. Whatever you do, it's your call — "
                "and skipping is always fine."
            )
        )

    def _show_one(self, s: dict[str, Any]) -> None:
        self.say()
        self.say(f"#{s['number']}  {s['title']}")
        if s["person"]:
            self.say(f"    {_('With')} {s['person']}")
        for line in s["why"]:
            self.say(f"    · {line}")
        if s["about_idea"]:
            self.say(f"    {s['about_idea']}")
        if s["draft"]:
            self.say(f"    {_('Words you could send, or change:')}")
            for line in s["draft"].splitlines() or [""]:
                self.say(f"      > {line}")

    def _show_card(self, card: support_card.Card) -> None:
        self.say()
        if card.asked:
            self.say(_("Thank you for saying so"))
        else:
            self.say(_("Go gently today"))
        self.say(f"    {_('One small, kind thing')}: {card.step}")
        if card.people:
            names = words_list([r.person.name for r in card.people])
            self.say(f"    {_('Someone you trust')}: {names}. Words you could send:")
            for line in card.words.splitlines():
                self.say(f"      > {line}")
        where = f"{settings.SITE_URL}/support/" if settings.SITE_URL else "the Support page"
        self.say(
            f"    Helplines and a minute to steady yourself: {where} "
            "(or findahelpline.com). Kithkin isn't therapy or a crisis service."
        )


def _card_json(card: support_card.Card) -> dict[str, Any]:
    return {
        "asked": card.asked,
        "step": card.step,
        "words": card.words,
        "people": [{"id": r.person.pk, "name": r.person.name} for r in card.people],
    }
