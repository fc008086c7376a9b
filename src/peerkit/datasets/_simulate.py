"""A cohort simulator: realistic members and groups at any size, seeded."""

from __future__ import annotations

import functools
import random
from typing import TYPE_CHECKING

from peerkit._availability import WeeklyAvailability
from peerkit._model import STAGES_OF_CHANGE, Cohort, Group, JourneyScale, Member
from peerkit._validate import check_instance, check_seed
from peerkit.datasets._limits import check_member_count

if TYPE_CHECKING:
    from collections.abc import Sequence


# (zone, weight, languages a member there may speak besides English, share
# who speak English). Weights are loosely those of an English-led online
# programme with members on every continent, DST-awkward zones included.
_ZONES: tuple[tuple[str, float, tuple[str, ...], float], ...] = (
    ("America/New_York", 14, ("es",), 0.97),
    ("America/Chicago", 7, ("es",), 0.97),
    ("America/Denver", 3, (), 1.0),
    ("America/Los_Angeles", 10, ("es",), 0.95),
    ("America/St_Johns", 1, ("fr",), 1.0),
    ("America/Mexico_City", 3, ("es",), 0.35),
    ("America/Sao_Paulo", 4, ("pt",), 0.3),
    ("Europe/London", 14, (), 1.0),
    ("Europe/Dublin", 3, (), 1.0),
    ("Europe/Paris", 5, ("fr",), 0.5),
    ("Europe/Berlin", 5, ("de",), 0.6),
    ("Europe/Madrid", 3, ("es",), 0.4),
    ("Africa/Lagos", 2, (), 1.0),
    ("Africa/Johannesburg", 2, (), 1.0),
    ("Asia/Kolkata", 4, ("hi",), 0.9),
    ("Asia/Kathmandu", 1, (), 0.8),
    ("Asia/Singapore", 2, (), 1.0),
    ("Asia/Tokyo", 2, (), 0.5),
    ("Australia/Sydney", 5, (), 1.0),
    ("Australia/Lord_Howe", 0.5, (), 1.0),
    ("Pacific/Auckland", 3, (), 1.0),
    ("Pacific/Apia", 0.5, (), 1.0),
)

# What brings people to a peer-support programme, and what they share.
_THEMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "recovery": (
        ("alcohol", "opioids", "gambling", "smoking", "cannabis"),
        ("sobriety", "cut-down", "routine", "reconnect", "sleep"),
    ),
    "mental-health": (
        ("depression", "anxiety", "burnout", "loneliness", "panic"),
        ("sleep", "exercise", "routine", "mindfulness", "return-to-work"),
    ),
    "grief": (
        ("bereavement", "loss-of-partner", "loss-of-parent", "loss-of-child"),
        ("reconnect", "self-care", "sleep", "routine"),
    ),
    "caregiving": (
        ("caring", "dementia-carer", "parent-carer", "burnout"),
        ("self-care", "boundaries", "sleep", "reconnect"),
    ),
    "study": (
        ("study-stress", "exam-anxiety", "loneliness"),
        ("study-habits", "sleep", "routine", "exercise"),
    ),
}
_THEME_WEIGHTS = (30, 30, 15, 15, 10)

# Weekly rhythms people actually keep, as window specs in local time.
_RHYTHMS: tuple[tuple[tuple[str, ...], float], ...] = (
    (("mon-fri 18:00-21:00",), 30),
    (("mon-fri 19:00-22:00",), 15),
    (("mon-fri 12:00-13:30",), 10),
    (("sat,sun 09:00-13:00",), 12),
    (("sat,sun 14:00-18:00",), 6),
    (("daily 06:30-08:00",), 6),
    (("mon-fri 09:00-17:00",), 6),  # not working, or shifts
    (("daily 09:00-21:00",), 5),
    (("mon,wed,fri 10:00-14:00",), 5),
    (("tue,thu 20:00-23:00", "sun 16:00-20:00"), 4),
    (("mon-fri 22:00-02:00",), 3),  # night owls and late shifts
)

_AGE_BANDS = (("18-25", 18), ("26-40", 35), ("41-65", 35), ("65+", 12))
_GENDERS = (("woman", 55), ("man", 40), ("non-binary", 5))


def _hump(n: int) -> list[float]:
    """Stage weights: most people mid-journey, fewer at the two ends."""
    if n == 1:
        return [1.0]
    return [1.0 + 2.0 * (1 - abs(2 * i / (n - 1) - 1)) for i in range(n)]


@functools.lru_cache(maxsize=512)
def _availability(specs: tuple[str, ...]) -> WeeklyAvailability:
    return WeeklyAvailability.parse(specs)


def _pick(rng: random.Random, items: Sequence[tuple[str, float]]) -> str:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _member(rng: random.Random, ident: str, scale: JourneyScale) -> tuple[Member, str]:
    zone, _w, local, english = rng.choices(_ZONES, weights=[z[1] for z in _ZONES])[0]
    languages = {"en"} if rng.random() < english or not local else set()
    if local and (not languages or rng.random() < 0.3):
        languages.add(rng.choice(local))
    theme = rng.choices(list(_THEMES), weights=_THEME_WEIGHTS)[0]
    experiences, goals = _THEMES[theme]
    shared = set(rng.sample(experiences, rng.randint(1, min(2, len(experiences)))))
    if rng.random() < 0.15:  # life rarely fits one theme
        other = _THEMES[rng.choice(list(_THEMES))][0]
        shared.add(rng.choice(other))
    rhythm = rng.choices([r for r, _ in _RHYTHMS], weights=[w for _, w in _RHYTHMS])[0]
    if rng.random() < 0.25:
        extra = rng.choices([r for r, _ in _RHYTHMS], weights=[w for _, w in _RHYTHMS])[
            0
        ]
        rhythm = tuple(sorted(set(rhythm) | set(extra)))
    roll = rng.random()
    max_partners = 0 if roll < 0.08 else (2 if roll > 0.9 else 1)
    member = Member(
        ident,
        rng.choices(scale.stages, weights=_hump(len(scale)))[0],
        experiences=shared,
        goals=rng.sample(goals, rng.randint(1, min(3, len(goals)))),
        timezone=zone,
        availability=_availability(rhythm),
        languages=languages,
        max_partners=max_partners,
        traits={"age_band": _pick(rng, _AGE_BANDS), "gender": _pick(rng, _GENDERS)},
    )
    return member, theme


def _groups(
    rng: random.Random,
    members: list[tuple[Member, str]],
    scale: JourneyScale,
) -> tuple[Group, ...]:
    """Groups of about a tenth of the cohort's size, each part-filled."""
    n_groups = max(1, len(members) // 12) if members else 0
    placed: set[str] = set()
    pools: dict[tuple[str, str], list[Member]] = {}
    for member, theme in members:
        for language in member.languages:
            pools.setdefault((theme, language), []).append(member)
    keys = sorted(pools, key=lambda k: (-len(pools[k]), k))
    groups: list[Group] = []
    meeting_times = ("18:30-20:00", "19:00-20:30", "12:00-13:00", "10:00-11:30")
    for g in range(n_groups):
        theme, language = keys[g % len(keys)]
        pool = pools[(theme, language)]
        anchor = rng.choice(pool)
        capacity = rng.randint(8, 12)
        band: tuple[str, str] | None = None
        if len(scale) >= 3 and rng.random() < 0.4:
            low = rng.randint(0, len(scale) - 2)
            band = (scale.stages[low], scale.stages[min(len(scale) - 1, low + 2)])
        requires = {"age_band": frozenset({"18-25"})} if rng.random() < 0.1 else {}
        day = rng.choice(("mon", "tue", "wed", "thu", "sat"))
        meets = _availability((f"{day} {rng.choice(meeting_times)}",))
        focus = set(rng.sample(_THEMES[theme][0], 2)) if rng.random() < 0.6 else {theme}
        inside: list[Member] = []
        target = rng.randint(capacity // 2, capacity - 1)
        for candidate in rng.sample(pool, min(len(pool), 4 * capacity)):
            if len(inside) >= target:
                break
            if candidate.id in placed:
                continue
            if band is not None and not scale.in_band(candidate.stage, band):
                continue
            if any(candidate.traits.get(t) not in ok for t, ok in requires.items()):
                continue
            inside.append(candidate)
            placed.add(candidate.id)
        groups.append(
            Group(
                f"g{g + 1:0{len(str(n_groups))}d}",
                tuple(inside),
                capacity,
                focus=focus,
                languages={language},
                timezone=anchor.timezone,
                meets=meets,
                stage_band=band,
                requires=requires,
            )
        )
    return tuple(groups)


def simulate_cohort(
    member_count: int,
    *,
    seed: int = 0,
    scale: JourneyScale = STAGES_OF_CHANGE,
    with_groups: bool = True,
) -> Cohort:
    """
    A realistic synthetic cohort of *member_count* members, seeded.

    Members come from time zones on every continent (including awkward
    ones: Lord Howe's half-hour DST, Apia's skipped day, Kathmandu's +05:45),
    speak one or two languages, share experiences and goals drawn from a
    programme theme (recovery, mental health, grief, caregiving, study),
    keep one or two weekly rhythms, and hold 0, 1 or 2 partners. About a
    twelfth as many groups are formed, part-filled, with a language, a
    focus, a weekly meeting and sometimes a stage band or an age rule.

    No real person's data is used or resembled.

    Args:
        member_count: How many members, from 0 to 1,000,000 (the cap
            `simulate_engagement` has too).
        seed: The random seed, from 0 to 2**64 - 1; the output is a pure
            function of the inputs, the same for the same seed.
        scale: Journey scale the stages are drawn from.
        with_groups: Whether to form groups as well.

    Examples:
        >>> cohort = simulate_cohort(200, seed=7)
        >>> len(cohort.members), len(cohort.groups) > 0
        (200, True)

    Added in 0.1.
    """
    check_member_count("member_count", member_count)
    check_seed(seed)
    check_instance("scale", scale, JourneyScale, "a JourneyScale")
    check_instance("with_groups", with_groups, bool, "True or False")
    rng = random.Random(f"peerkit-cohort-{seed}")
    width = len(str(max(member_count, 1)))
    people = [_member(rng, f"m{i:0{width}d}", scale) for i in range(member_count)]
    made = _groups(rng, people, scale) if with_groups else ()
    return Cohort(tuple(m for m, _ in people), groups=made, scale=scale)
