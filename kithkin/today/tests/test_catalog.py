"""The idea catalog: the real file keeps every rule, and a broken copy is refused."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from kithkin.today import catalog, drafts
from kithkin.today.catalog import CatalogError, Idea


@pytest.fixture(scope="module")
def ideas() -> tuple[Idea, ...]:
    return catalog.load_ideas()


@pytest.fixture
def raw() -> dict[str, Any]:
    return json.loads(catalog.DATA_FILE.read_text(encoding="utf-8"))


def test_it_loads_at_least_44_ideas(ideas: tuple[Idea, ...]) -> None:
    assert len(ideas) >= 44
    assert all(isinstance(i, Idea) for i in ideas)


def test_it_keeps_the_file_as_utf8_json_with_two_space_indent() -> None:
    text = catalog.DATA_FILE.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_it_gives_every_idea_a_unique_kebab_case_slug(ideas: tuple[Idea, ...]) -> None:
    slugs = [i.slug for i in ideas]
    assert len(slugs) == len(set(slugs))
    assert all(catalog.SLUG.match(s) for s in slugs)


def test_it_uses_only_allowed_values(ideas: tuple[Idea, ...]) -> None:
    for i in ideas:
        assert i.effort in catalog.EFFORTS, i.slug
        assert i.energy and i.energy <= set(catalog.ENERGIES), i.slug
        assert i.target in catalog.TARGETS, i.slug
        assert i.channel in catalog.CHANNELS, i.slug
        assert i.kind in catalog.KINDS, i.slug
        assert i.time_of_day in (None, *catalog.TIMES_OF_DAY), i.slug
        assert i.basis in catalog.BASES, i.slug


def test_it_offers_only_tiny_steps_and_a_few_small_ones_on_low_days(
    ideas: tuple[Idea, ...],
) -> None:
    low = [i for i in ideas if i.fits("low")]
    assert len(low) >= 8
    assert {i.effort for i in low} <= {"tiny", "small"}
    small = [i.slug for i in low if i.effort == "small"]
    assert len(small) <= 6, small
    assert sum(i.effort == "tiny" for i in low) > 3 * len(small)


def test_it_keeps_main_ideas_for_good_or_some_energy(ideas: tuple[Idea, ...]) -> None:
    mains = [i for i in ideas if i.effort == "main"]
    assert mains
    for i in mains:
        assert "good" in i.energy and "low" not in i.energy, i.slug


def test_it_has_something_for_every_energy_and_effort(ideas: tuple[Idea, ...]) -> None:
    for energy in catalog.ENERGIES:
        assert sum(i.fits(energy) for i in ideas) >= 8, energy
    assert set(Counter(i.effort for i in ideas)) == set(catalog.EFFORTS)
    assert {i.kind for i in ideas} == set(catalog.KINDS)


def test_it_mixes_in_self_stranger_place_and_community_ideas(ideas: tuple[Idea, ...]) -> None:
    assert sum(i.target == "self" for i in ideas) >= 5
    assert sum(i.target == "stranger" or i.kind == "place" for i in ideas) >= 4
    assert sum(i.kind == "place" for i in ideas) >= 2
    assert sum(i.target == "community" for i in ideas) >= 4
    low_self = [i for i in ideas if i.target == "self" and i.fits("low")]
    assert len(low_self) >= 5


def test_it_offers_words_for_every_written_person_idea(ideas: tuple[Idea, ...]) -> None:
    known = set(drafts.situations())
    for i in ideas:
        if i.target == "person" and i.channel in catalog.WRITTEN_CHANNELS:
            assert i.situation is not None, i.slug
        if i.situation is not None:
            assert i.situation in known, i.slug
            assert drafts.draft(i.situation, name="Sam")
    assert catalog.by_slug()["kind-note-to-self"].situation == "note_to_self"


def test_it_names_the_person_only_in_person_ideas(ideas: tuple[Idea, ...]) -> None:
    for i in ideas:
        if i.target == "person":
            assert "{name}" in i.title, i.slug
        else:
            assert "{" not in i.title and "}" not in i.title, i.slug
        assert "{" not in i.why and "}" not in i.why, i.slug


def test_it_gives_one_plain_sentence_of_why(ideas: tuple[Idea, ...]) -> None:
    for i in ideas:
        assert i.why[0].isupper() and i.why.endswith("."), i.slug
        assert ". " not in i.why and "!" not in i.why, i.slug
        assert len(i.why) <= 120, i.slug
        assert len(i.title) <= 80, i.slug
        assert not i.title.endswith("."), i.slug


def test_it_covers_every_idea_the_issue_lists(ideas: tuple[Idea, ...]) -> None:
    slugs = {i.slug for i in ideas}
    wanted = {
        "two-line-text",  # a two-line text
        "voice-note",
        "compliment-friend",
        "share-song",
        "share-photo",  # a photo of something small
        "real-comment",  # replying to someone's post with a real comment
        "five-minute-call",
        "walk-together",
        "invite-low-key",  # a low-pressure activity
        "accept-invitation",
        "regular-small-talk",  # barista, shopkeeper
        "neighbour-hello",
        "sit-in-a-cafe",  # being where people are
        "library-half-hour",
        "market-wander",
        "return-to-group",  # joining or returning to a community
        "try-a-class",
        "check-in-struggling",
        "gratitude-text",
        "reconnect-hello",  # after a long silence
        "reply-owed",
        "grounding",
        "kind-note-to-self",
        "slow-walk-noticing",
        "one-good-moment",
    }
    assert wanted <= slugs, wanted - slugs
    by = catalog.by_slug()
    for slug in ("two-line-text", "kind-note-to-self", "grounding", "reply-owed"):
        assert by[slug].fits("low"), slug
    assert by["reconnect-hello"].situation == "reconnect"
    assert by["reply-owed"].situation == "reply"


def test_it_fills_the_name_into_a_title() -> None:
    idea = catalog.by_slug()["two-line-text"]
    assert idea.title_for("Sam") == "Send Sam a two-line text"
    assert idea.title_for(None) == "Send someone a two-line text"
    assert idea.title_for("  {Sam}\n") == "Send Sam a two-line text"
    assert catalog.by_slug()["grounding"].title_for("Sam") == "Try a two-minute grounding exercise"


def test_it_returns_frozen_ideas_from_a_cache() -> None:
    assert catalog.ideas() is catalog.ideas()
    idea = catalog.ideas()[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        idea.title = "changed"  # type: ignore[misc]
    assert isinstance(idea.energy, frozenset)
    with pytest.raises(TypeError):
        catalog.by_slug()["x"] = idea  # type: ignore[index]


def _write(tmp_path: Path, raw: dict[str, Any]) -> Path:
    path = tmp_path / "ideas.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def _idea(raw: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(i for i in raw["ideas"] if i["slug"] == slug)


def test_it_loads_an_unchanged_copy(tmp_path: Path, raw: dict[str, Any]) -> None:
    assert catalog.load_ideas(_write(tmp_path, raw)) == catalog.ideas()


@pytest.mark.parametrize(
    ("slug", "change", "problem"),
    [
        ("voice-note", lambda i: i.pop("why"), "missing key(s) why"),
        ("voice-note", lambda i: i.update(colour="blue"), "unknown key(s) colour"),
        ("voice-note", lambda i: i.update(energy=["low", "sleepy"]), "energy 'sleepy'"),
        ("voice-note", lambda i: i.update(energy=[]), "energy must be a non-empty list"),
        ("voice-note", lambda i: i.update(energy=["some", "some"]), "twice"),
        ("walk-together", lambda i: i.update(energy=["low", "good"]), "cannot fit low energy"),
        ("walk-together", lambda i: i.update(energy=["some"]), "must fit good energy"),
        ("voice-note", lambda i: i.update(situation="pep_talk"), "situation 'pep_talk'"),
        ("voice-note", lambda i: i.update(situation=None), "needs a situation"),
        ("voice-note", lambda i: i.update(effort="huge"), "effort 'huge'"),
        ("voice-note", lambda i: i.update(target="pet"), "target 'pet'"),
        ("voice-note", lambda i: i.update(channel="fax"), "channel 'fax'"),
        ("voice-note", lambda i: i.update(kind="nag"), "kind 'nag'"),
        ("voice-note", lambda i: i.update(time_of_day="midnight"), "time_of_day 'midnight'"),
        ("voice-note", lambda i: i.update(basis="a blog I read"), "basis 'a blog I read'"),
        ("voice-note", lambda i: i.update(title="Call {nickname}"), "title may only use"),
        ("voice-note", lambda i: i.update(title=""), "title must be non-empty"),
        ("voice-note", lambda i: i.update(why="Because {reasons}."), "why must be plain"),
        ("grounding", lambda i: i.update(title="Ground yourself with {name}"), "needs target"),
    ],
)
def test_it_rejects_a_broken_idea_naming_the_slug(
    tmp_path: Path, raw: dict[str, Any], slug: str, change: Any, problem: str
) -> None:
    change(_idea(raw, slug))
    with pytest.raises(CatalogError) as e:
        catalog.load_ideas(_write(tmp_path, raw))
    assert f"idea {slug!r}" in str(e.value)
    assert problem in str(e.value)


def test_it_rejects_a_duplicate_slug(tmp_path: Path, raw: dict[str, Any]) -> None:
    twin = copy.deepcopy(_idea(raw, "grounding"))
    twin["title"] = "Another grounding exercise"
    raw["ideas"].append(twin)
    with pytest.raises(CatalogError, match="idea 'grounding': duplicate slug"):
        catalog.load_ideas(_write(tmp_path, raw))


def test_it_rejects_a_bad_slug_or_a_missing_one(tmp_path: Path, raw: dict[str, Any]) -> None:
    raw["ideas"][0]["slug"] = "Two Line Text"
    with pytest.raises(CatalogError, match="idea 'Two Line Text': slug must be kebab-case"):
        catalog.load_ideas(_write(tmp_path, raw))
    del raw["ideas"][0]["slug"]
    with pytest.raises(CatalogError, match=r"idea #0 \(no slug\): missing key\(s\) slug"):
        catalog.load_ideas(_write(tmp_path, raw))


def test_it_rejects_a_broken_file(tmp_path: Path, raw: dict[str, Any]) -> None:
    path = tmp_path / "ideas.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid JSON"):
        catalog.load_ideas(path)
    with pytest.raises(CatalogError, match="schema must be 1"):
        catalog.load_ideas(_write(tmp_path, {**raw, "schema": 2}))
    with pytest.raises(CatalogError, match="non-empty list"):
        catalog.load_ideas(_write(tmp_path, {"schema": 1, "ideas": []}))
    with pytest.raises(CatalogError, match="idea #0: must be an object"):
        catalog.load_ideas(_write(tmp_path, {"schema": 1, "ideas": ["grounding"]}))
