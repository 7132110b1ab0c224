from __future__ import annotations

import math
import re
from itertools import combinations, pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kithkin.wellbeing import circle_map as cm
from kithkin.wellbeing.circle_map import MapPerson, circle_map, initials, svg

NAMES = {1: "inner", 2: "close", 3: "wider", 4: "acquaintances"}


def people(*counts: int, drifting_every: int = 0, lifts_every: int = 0) -> list[MapPerson]:
    out = []
    for ring, count in enumerate(counts, 1):
        for n in range(count):
            pk = ring * 1000 + n
            out.append(
                MapPerson(
                    pk,
                    f"Person {pk}",
                    ring,
                    drifting=bool(drifting_every) and n % drifting_every == 0,
                    lifts=bool(lifts_every) and n % lifts_every == 1,
                )
            )
    return out


def test_nobody_draws_the_four_rings_and_no_dots() -> None:
    picture = circle_map([], NAMES)
    assert picture.empty
    assert [(r.ring, r.r, r.count) for r in picture.rings] == [
        (1, cm.STEP, 0),
        (2, 2 * cm.STEP, 0),
        (3, 3 * cm.STEP, 0),
        (4, 4 * cm.STEP, 0),
    ]
    drawn = svg(picture, title="Circle", desc="Nobody yet", you="you")
    assert drawn.count('class="map-ring ') == 4 and "map-person" not in drawn


def test_one_person_sits_on_their_ring_below_you() -> None:
    picture = circle_map([MapPerson(1, "Ana Lima", 2)], NAMES)
    (dot,) = picture.dots
    assert (dot.x, dot.y) == (0.0, 2 * cm.STEP)  # straight below the centre
    assert dot.r == cm.DOT and dot.label == "AL"
    assert (dot.home_x, dot.home_y) == (dot.x, dot.y)


def test_people_are_spread_evenly_and_keep_the_top_clear_for_the_ring_name() -> None:
    picture = circle_map(people(5), NAMES)
    angles = sorted(math.atan2(d.y, d.x) % (2 * math.pi) for d in picture.dots)
    gaps = sorted([b - a for a, b in pairwise(angles)] + [angles[0] + 2 * math.pi - angles[-1]])
    assert gaps[3] - gaps[0] < 1e-2  # four equal gaps; the fifth, wider, holds the name
    top = 3 * math.pi / 2
    clear = cm._wedge("inner", cm.STEP)
    assert all(abs(a - top) >= clear for a in angles)


def test_drifting_people_sit_further_out_joined_to_their_place() -> None:
    picture = circle_map(people(0, 6, drifting_every=2), NAMES)
    for d in picture.dots:
        out, home = math.hypot(d.x, d.y), math.hypot(d.home_x, d.home_y)
        if d.person.drifting:
            assert out >= home + cm.DRIFT - 0.2
        else:
            assert out == pytest.approx(home, abs=0.1)
            assert home == pytest.approx(2 * cm.STEP, abs=0.1)


def test_the_same_people_always_make_the_same_picture() -> None:
    group = people(3, 10, 30, 60, drifting_every=4, lifts_every=3)
    assert circle_map(group, NAMES) == circle_map(list(group), NAMES)


@pytest.mark.parametrize(
    "counts", [(5, 15, 50, 80), (5, 15, 50, 150), (20, 80, 400, 1500), (1, 0, 0, 149)]
)
def test_a_full_circle_fits_the_picture_and_dots_on_a_ring_dont_overlap(
    counts: tuple[int, int, int, int],
) -> None:
    group = people(*counts, drifting_every=5, lifts_every=4)
    picture = circle_map(group, NAMES)
    shown = sum(min(c, cm.MAX_PER_RING) for c in counts)
    assert len(picture.dots) == shown
    for d in picture.dots:
        assert max(abs(d.x), abs(d.y)) + d.halo_r <= cm.HALF
    for ring in (1, 2, 3, 4):
        placed = [d for d in picture.dots if d.person.ring == ring and not d.person.drifting]
        if len(placed) > cm.MAX_PER_RING or len(placed) < 2:
            continue
        for a, b in combinations(placed, 2):
            # Dots may only touch once a ring is too crowded for its smallest size.
            if a.r > cm.SMALLEST_DOT:
                assert math.hypot(a.x - b.x, a.y - b.y) >= a.r + b.r - 0.5


def test_a_ring_of_dunbar_size_still_shows_initials_close_in() -> None:
    picture = circle_map(people(5, 15, 50, 80), NAMES)
    for ring in (1, 2, 3):
        assert all(d.label for d in picture.dots if d.person.ring == ring)


def test_a_crowded_ring_shows_some_and_says_how_many_more() -> None:
    picture = circle_map(people(0, 0, 0, cm.MAX_PER_RING + 12), NAMES)
    outer = picture.rings[3]
    assert (outer.count, outer.shown, outer.more) == (cm.MAX_PER_RING + 12, cm.MAX_PER_RING, 12)
    assert "acquaintances (+12)" in svg(picture, title="t", desc="d", you="you")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Ana María López", "AL"), ("ben", "B"), ("  ", "?"), ("Zoë", "Z"), ("(Jo) Park", "P")],
)
def test_initials(name: str, expected: str) -> None:
    assert initials(name) == expected


def test_the_svg_is_named_described_and_escapes_every_name() -> None:
    group = [
        MapPerson(1, "<script>alert(1)</script>", 1, lifts=True),
        MapPerson(2, 'Jo "JJ" O\'Neil & co', 3, drifting=True),
    ]
    drawn = svg(
        circle_map(group, NAMES),
        title="Your circle",
        desc="Inner: 1 & more",
        you="you",
        person_title=lambda p: p.name + (" · lifts" if p.lifts else ""),
    )
    assert drawn.startswith('<svg class="circle-map" viewBox="-186 -186 372 372" role="img"')
    assert '<title id="circle-map-title">Your circle</title>' in drawn
    assert '<desc id="circle-map-desc">Inner: 1 &amp; more</desc>' in drawn
    assert "<script" not in drawn
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; · lifts</title>" in drawn
    assert "Jo &quot;JJ&quot; O&#x27;Neil &amp; co" in drawn
    assert drawn.count("<title") == 3  # the picture's, and one per person
    assert 'class="map-person ring-3 drifting"' in drawn and 'class="map-halo"' in drawn
    assert "map-tether" in drawn
    assert not re.search(r"\sstyle=", drawn)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.booleans(), st.booleans()), max_size=200))
def test_any_circle_stays_inside_the_picture(rows: list[tuple[int, bool, bool]]) -> None:
    group = [MapPerson(n, f"P {n}", ring, d, lift) for n, (ring, d, lift) in enumerate(rows)]
    picture = circle_map(group, NAMES)
    assert len(picture.dots) == len(group)
    for d in picture.dots:
        assert max(abs(d.x), abs(d.y)) + d.halo_r <= cm.HALF
        assert cm.SMALLEST_DOT <= d.r <= cm.DOT
