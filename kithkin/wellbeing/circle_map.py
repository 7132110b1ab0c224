"""The circle map: four concentric rings of closeness, each person a dot on theirs.

Pure, no Django: `circle_map` places people and `svg` writes the picture as an
SVG element (every text escaped, colours from CSS classes in
static/css/insights.css, no inline style); the caller passes the words. The rings follow
the product's circles (inner / close / wider / acquaintances, after Dunbar's
layers and the convoy model's concentric circles).

- Each ring is a band with an orbit through its middle; its people sit on the
  orbit, spread evenly, in a fixed order (so the same circle always draws the
  same picture), leaving a wedge at the top free for the ring's name.
- A crowded ring splits into two or three orbits side by side, and its dots get
  smaller; initials are written only where they fit.
- Someone past their rhythm (drifting) sits a little further out, joined to
  their place by a faint line; the template draws them lighter and dashed.
- Someone who tends to lift the person gets a ring of accent colour.
- A ring with more than `MAX_PER_RING` people shows that many and says how
  many more there are.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

RINGS = (1, 2, 3, 4)
HALF = 186.0  # the view box runs from -HALF to HALF both ways
STEP = 36.0  # ring k has radius k * STEP
DOT = 9.0  # the largest dot radius; initials fit from LABEL_FROM
LABEL_FROM = 7.0
SMALLEST_DOT = 1.5
ROOMY = 2 * DOT + 4  # room for full-size dots with a little space between
# Distance between the orbits of a crowded ring, by how many orbits it has.
ORBIT_BAND = {1: 0.0, 2: 14.0, 3: 10.0}
DRIFT = 14.0  # at least this much further out sits a drifting dot
HALO = 2.5  # the accent ring around someone who lifts the person
# Roughly how wide a letter of a ring's name is, in view box units (its CSS
# font size is 9), to keep the top of each ring clear for it.
LETTER = 5.2
MAX_PER_RING = 150


@dataclass(frozen=True)
class MapPerson:
    pk: int
    name: str
    ring: int
    drifting: bool = False
    lifts: bool = False

    @property
    def initials(self) -> str:
        return initials(self.name)


@dataclass(frozen=True)
class MapDot:
    person: MapPerson
    x: float
    y: float
    r: float
    label: str  # initials, or "" where they wouldn't fit
    # Where the person's place on the ring is: a drifting dot is joined to it.
    home_x: float
    home_y: float

    @property
    def halo_r(self) -> float:
        return round(self.r + HALO, 1)


@dataclass(frozen=True)
class MapRing:
    ring: int
    r: float
    name: str
    count: int  # everyone on this ring
    shown: int  # dots drawn (at most MAX_PER_RING)

    @property
    def more(self) -> int:
        return self.count - self.shown

    @property
    def band_r(self) -> float:
        """The outer edge of the ring's band: its orbit runs through the middle."""
        return round(self.r + STEP / 2, 1)

    @property
    def label_y(self) -> float:
        """The top of the name, written at the top of the band, above the orbit."""
        return round(-self.band_r + 2.5, 1)


@dataclass(frozen=True)
class CircleMap:
    rings: tuple[MapRing, ...]
    dots: tuple[MapDot, ...]
    half: float = HALF

    @property
    def view_box(self) -> str:
        return f"{-self.half:g} {-self.half:g} {2 * self.half:g} {2 * self.half:g}"

    @property
    def empty(self) -> bool:
        return not self.dots


def initials(name: str) -> str:
    """ "Ana María López" -> "AL"; "Ben" -> "B"; "" -> "?"."""
    words = [w for w in name.split() if w[:1].isalnum()] or name.split()
    if not words:
        return "?"
    first, last = words[0], words[-1]
    letters = first[0] + (last[0] if len(words) > 1 else "")
    return letters.upper()


def _r(v: float) -> float:
    return round(v, 1)


def _wedge(name: str, radius: float) -> float:
    """Half the angle (radians) kept clear at the top of a ring for its name."""
    half_width = len(name) * LETTER / 2 + DOT + 2
    return math.asin(min(1.0, half_width / radius))


def _layout(n: int, radius: float, clear: float) -> tuple[list[float], int, float]:
    """Angles for n dots, how many orbits (1-3), and the dot radius.

    Dots i and i+1 go on neighbouring orbits of a crowded ring, so the room a
    dot has is the least of the distance to the next dot on its own orbit and
    to its neighbours on the others; the fewest orbits that give the most room win.
    """
    span = 2 * math.pi - 2 * clear
    slot = span / n
    angles = [-math.pi / 2 + clear + (i + 0.5) * slot for i in range(n)]
    if n == 1:
        return angles, 1, DOT
    chord = 2 * radius * math.sin(slot / 2)
    best = (0.0, 1)
    for orbits in (1, 2, 3):
        same = 2 * radius * math.sin(min(math.pi, orbits * slot) / 2)
        room = min(same, math.hypot(chord, ORBIT_BAND[orbits])) if orbits > 1 else same
        if room >= ROOMY:
            best = (room, orbits)
            break
        if room > best[0] + 0.5:
            best = (room, orbits)
    room, orbits = best
    return angles, orbits, max(SMALLEST_DOT, min(DOT, room * 0.42))


def circle_map(
    people: Sequence[MapPerson], ring_names: Mapping[int, str], per_ring: int = MAX_PER_RING
) -> CircleMap:
    """Place `people` on four rings; `ring_names` are the rings' names as shown.

    People are placed in the order given (sort them first, e.g. by name); rings
    are drawn even when empty, so the shape of a circle reads at a glance.
    """
    rings: list[MapRing] = []
    dots: list[MapDot] = []
    for ring in RINGS:
        radius = ring * STEP
        name = ring_names.get(ring, "")
        members = [p for p in people if p.ring == ring]
        shown = members[:per_ring]
        rings.append(MapRing(ring, radius, name, len(members), len(shown)))
        if not shown:
            continue
        angles, orbits, dot = _layout(len(shown), radius, _wedge(name, radius))
        for i, (person, angle) in enumerate(zip(shown, angles, strict=True)):
            band = ORBIT_BAND[orbits]
            orbit = radius + (i % orbits - (orbits - 1) / 2) * band
            out = orbit
            if person.drifting:
                # Clear of the outermost orbit's dots.
                out = radius + (orbits - 1) / 2 * band + max(DRIFT, 2 * dot + 2)
            cos, sin = math.cos(angle), math.sin(angle)
            dots.append(
                MapDot(
                    person=person,
                    x=_r(out * cos),
                    y=_r(out * sin),
                    r=_r(dot),
                    label=person.initials if dot >= LABEL_FROM else "",
                    home_x=_r(orbit * cos),
                    home_y=_r(orbit * sin),
                )
            )
    return CircleMap(tuple(rings), tuple(dots))


def _n(v: float) -> str:
    return f"{v:g}"


def svg(
    picture: CircleMap,
    *,
    title: str,
    desc: str,
    you: str,
    person_title: Callable[[MapPerson], str] = lambda p: p.name,
) -> str:
    """The map as an `<svg role="img">` element named by `title` and described by
    `desc`; `you` is written in the middle; each dot's tooltip is `person_title`.
    Put a list of the same people beside it: that is what a screen reader reads."""
    out = [
        f'<svg class="circle-map" viewBox="{picture.view_box}" role="img" '
        'aria-labelledby="circle-map-title circle-map-desc" focusable="false">',
        f'<title id="circle-map-title">{escape(title)}</title>',
        f'<desc id="circle-map-desc">{escape(desc)}</desc>',
    ]
    out += [
        f'<circle class="map-ring map-ring-{ring.ring}" cx="0" cy="0" r="{_n(ring.band_r)}"/>'
        for ring in reversed(picture.rings)
    ]
    out += [f'<circle class="map-orbit" cx="0" cy="0" r="{_n(ring.r)}"/>' for ring in picture.rings]
    for d in picture.dots:
        p = d.person
        classes = (
            f"map-person ring-{p.ring}"
            + (" drifting" if p.drifting else "")
            + (" lifts" if p.lifts else "")
        )
        x, y = _n(d.x), _n(d.y)
        parts = [f'<g class="{classes}"><title>{escape(person_title(p))}</title>']
        if p.drifting:
            parts.append(
                f'<line class="map-tether" x1="{_n(d.home_x)}" y1="{_n(d.home_y)}" '
                f'x2="{x}" y2="{y}"/>'
            )
        if p.lifts:
            parts.append(f'<circle class="map-halo" cx="{x}" cy="{y}" r="{_n(d.halo_r)}"/>')
        parts.append(f'<circle class="map-dot" cx="{x}" cy="{y}" r="{_n(d.r)}"/>')
        if d.label:
            parts.append(
                f'<text class="map-initials" x="{x}" y="{y}" dy="0.35em">{escape(d.label)}</text>'
            )
        parts.append("</g>")
        out.append("".join(parts))
    for ring in picture.rings:
        more = f" (+{ring.more})" if ring.more else ""
        out.append(
            f'<text class="map-ring-label" x="0" y="{_n(ring.label_y)}" dy="0.8em">'
            f"{escape(ring.name + more)}</text>"
        )
    out.append('<circle class="map-you" cx="0" cy="0" r="11"/>')
    out.append(f'<text class="map-you-label" x="0" y="0" dy="0.35em">{escape(you)}</text>')
    out.append("</svg>")
    return "".join(out)
