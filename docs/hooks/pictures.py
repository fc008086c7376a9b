"""
Pictures for the docs, drawn at build time from peerkit's own output.

Registered under ``hooks:`` in ``mkdocs.yml``. Each picture is computed
with peerkit while the site builds and added to it as a generated file,
so a picture cannot disagree with the library: nothing here is drawn by
hand or committed as an image. The SVG is written as plain XML text, so
the docs need no plotting library.

The tutorial's pictures (the programme's groups by stage, its pair's
check-ins, its member's drift) are drawn from the tutorial itself: the
hook runs the page's code blocks, as the test suite does, and draws
what they computed, so a picture cannot disagree with its page either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import math
import pathlib
import re
import zoneinfo
from collections import Counter
from typing import TYPE_CHECKING, NamedTuple, TypeVar
from xml.sax.saxutils import escape

import pendulum

from peerkit import Cohort, JourneyScale, Member
from peerkit.datasets import DriftTruth, sample_outcomes, simulate_engagement
from peerkit.engagement import DriftMonitor, DriftPolicy, DriftReport, Touchpoint
from peerkit.matching import Grouping
from peerkit.outcomes import PHQ9, ChangeCategory, OutcomeSummary, programme_outcomes
from peerkit.scheduling import Cadence, occurrences

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

CHECKINS_MARCH = "assets/pictures/checkins-march-2024.svg"
"""Where the picture of a pair's March check-ins lives in the site."""

DRIFT_MEMBER = "assets/pictures/drift-one-member.svg"
"""Where the picture of one member's drift statistic lives in the site."""

PHQ9_CHANGES = "assets/pictures/phq9-before-after.svg"
"""Where the picture of the sample's PHQ-9 changes lives in the site."""

TUTORIAL_PAGE = "tutorial/programme.md"
"""The tutorial whose code the programme's pictures are drawn from."""

PROGRAMME_GROUPS = "assets/pictures/programme-groups-by-stage.svg"
"""Where the picture of the tutorial's groups, by stage, lives in the site."""

PROGRAMME_PAIR = "assets/pictures/programme-pair-checkins.svg"
"""Where the picture of the tutorial's pair's March check-ins lives."""

PROGRAMME_DRIFT = "assets/pictures/programme-drift-member.svg"
"""Where the picture of the tutorial's drifting member lives in the site."""

# The pair's check-in: every Tuesday at 09:00 on the New York member's clock.
_NEW_YORK = "America/New_York"
_LONDON = "Europe/London"
_FIRST = pendulum.datetime(2024, 2, 27, tz=_NEW_YORK)
_WEEKS = 7

# Okabe-Ito colours, told apart with the common colour-vision deficiencies;
# the two series also differ in marker shape and line style.
_BLUE = "#0072B2"
_ORANGE = "#D55E00"
_GREY = "#555555"
_INK = "#222222"

# Layout, in SVG user units.
_WIDTH, _HEIGHT = 760, 440
_LEFT, _RIGHT, _TOP, _BOTTOM = 80, 40, 96, 80


class _Week(NamedTuple):
    """One check-in: its date and the hour of day each member sees."""

    day: dt.date
    kept: pendulum.DateTime
    other: pendulum.DateTime


class _Side(NamedTuple):
    """One member of a pair, as the picture names them."""

    zone: str
    place: str  # "New York"
    who: str  # in sentences: "The New York member", "m90"
    label: str  # in the legend


class _PairChart(NamedTuple):
    """A pair's weekly check-ins, kept on one member's clock."""

    name: str  # "One pair", "m90 and m86"
    kept: _Side  # whose clock the check-in keeps
    other: _Side
    weeks: list[_Week]
    ids: str  # prefix of the SVG title and description ids


def _side(zone: str, who: str, label: str | None = None) -> _Side:
    place = zone.rsplit("/", 1)[-1].replace("_", " ")
    return _Side(zone, place, who, label or f"{who} ({zone})")


def _hour(t: pendulum.DateTime) -> float:
    return t.hour + t.minute / 60


class _Scale:
    """Dates to x and hours of the day to y."""

    def __init__(self, chart: _PairChart) -> None:
        weeks = chart.weeks
        self.first, self.days = weeks[0].day, (weeks[-1].day - weeks[0].day).days
        hours = [_hour(t) for w in weeks for t in (w.kept, w.other)]
        # Two hours below the earliest, one above the latest (its labels).
        self.low, self.high = math.floor(min(hours)) - 2, math.ceil(max(hours)) + 1

    def x(self, day: dt.date) -> float:
        share = (day - self.first).days / self.days
        return _LEFT + share * (_WIDTH - _LEFT - _RIGHT)

    def y(self, hour: float) -> float:
        share = (hour - self.low) / (self.high - self.low)
        return _HEIGHT - _BOTTOM - share * (_HEIGHT - _TOP - _BOTTOM)


def _text(x: float, y: float, words: str, **attributes: str) -> str:
    extra = "".join(
        f' {key.replace("_", "-")}="{val}"' for key, val in attributes.items()
    )
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(words)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, **attributes: str) -> str:
    extra = "".join(
        f' {key.replace("_", "-")}="{val}"' for key, val in attributes.items()
    )
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"{extra}/>'


def _marker(x: float, y: float, colour: str, *, square: bool) -> str:
    if square:
        return (
            f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" '
            f'fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}"/>'


def _svg_open(width: int, height: int, ids: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{ids}title {ids}desc" '
        f'font-family="system-ui, sans-serif" font-size="14" fill="{_INK}">'
    )


def _clock_change(zone: str, first: dt.date, last: dt.date) -> dt.date | None:
    """The first day after *first*, up to *last*, whose midday offset is new."""
    tz = zoneinfo.ZoneInfo(zone)
    day = first
    while day < last:
        nxt = day + dt.timedelta(days=1)
        before = dt.datetime(day.year, day.month, day.day, 12, tzinfo=tz).utcoffset()
        after = dt.datetime(nxt.year, nxt.month, nxt.day, 12, tzinfo=tz).utcoffset()
        if before != after:
            return nxt
        day = nxt
    return None


def _pair_weeks(
    checkins: Iterable[pendulum.DateTime], kept: str, other: str
) -> list[_Week]:
    """Each check-in's date (on the kept clock) and its time for each member."""
    weeks = []
    for t in checkins:
        local = t.in_tz(kept)
        weeks.append(
            _Week(dt.date(local.year, local.month, local.day), local, t.in_tz(other))
        )
    return weeks


def _first_change(chart: _PairChart) -> tuple[_Side, dt.date] | None:
    """The member whose clocks change first in the picture's span, and when."""
    first, last = chart.weeks[0].day, chart.weeks[-1].day
    changes = [
        (change, side)
        for side in (chart.kept, chart.other)
        if (change := _clock_change(side.zone, first, last)) is not None
    ]
    if not changes:
        return None
    change, side = min(changes, key=lambda pair: pair[0])
    return side, change


def _odd_weeks(chart: _PairChart) -> list[dt.date]:
    """The check-ins whose gap between the two local times is not the first one's."""
    weeks = chart.weeks
    usual = _hour(weeks[0].other) - _hour(weeks[0].kept)
    return [w.day for w in weeks if _hour(w.other) - _hour(w.kept) != usual]


def _heading(chart: _PairChart) -> list[str]:
    weeks, kept, other = chart.weeks, chart.kept, chart.other
    at = f"{weeks[0].kept:%H:%M}"
    times = ", ".join(f"{w.other:%H:%M} on {w.day.day} {w.day:%B}" for w in weeks)
    description = (
        f"A check-in kept at {at} {kept.place} time every {weeks[0].kept:%A}. "
        f"{kept.who}'s local time stays at {at}. {other.who}'s is {times}"
    )
    odd, first = _odd_weeks(chart), _first_change(chart)
    if odd and first is not None:
        shift = _hour(next(w for w in weeks if w.day == odd[0]).other) - _hour(
            weeks[0].other
        )
        way = "earlier" if shift < 0 else "later"
        description += (
            f": an hour {way} while only {first[0].place} has changed its clocks"
        )
    period = f"{first[1]:%B %Y}" if first is not None else f"{weeks[0].day:%B %Y}"
    return [
        _svg_open(_WIDTH, _HEIGHT, chart.ids),
        (
            f'<title id="{chart.ids}title">{escape(chart.name)}\'s weekly check-in '
            f"across {period}</title>"
        ),
        f'<desc id="{chart.ids}desc">{escape(description)}.</desc>',
        # An opaque background keeps the picture legible in dark mode.
        f'<rect width="{_WIDTH}" height="{_HEIGHT}" fill="#ffffff"/>',
        _text(
            _LEFT,
            30,
            f"{chart.name}'s weekly check-in, kept at {at} {kept.place} time",
            font_size="18",
            font_weight="bold",
        ),
    ]


def _shifted_weeks(chart: _PairChart, scale: _Scale) -> list[str]:
    """Shade the weeks whose gap between the two local times is not the usual one."""
    weeks, odd, first = chart.weeks, _odd_weeks(chart), _first_change(chart)
    if not odd or first is None:
        return []
    half = (scale.x(weeks[1].day) - scale.x(weeks[0].day)) / 2
    x0, x1 = scale.x(odd[0]) - half, scale.x(odd[-1]) + half
    return [
        (
            f'<rect x="{x0:.1f}" y="{_TOP}" width="{x1 - x0:.1f}" '
            f'height="{_HEIGHT - _TOP - _BOTTOM}" fill="#f3e7da"/>'
        ),
        _text(
            (x0 + x1) / 2,
            _TOP + 18,
            f"Only {first[0].place} has changed its clocks",
            text_anchor="middle",
            fill=_GREY,
        ),
    ]


def _axes(chart: _PairChart, scale: _Scale) -> list[str]:
    base = _HEIGHT - _BOTTOM
    parts = []
    for hour in range(scale.low, scale.high + 1):
        y = scale.y(hour)
        parts.append(_line(_LEFT, y, _WIDTH - _RIGHT, y, stroke="#dddddd"))
        parts.append(_text(_LEFT - 10, y + 5, f"{hour:02d}:00", text_anchor="end"))
    parts.append(
        f'<text transform="translate(22 {(_TOP + base) / 2:.1f}) rotate(-90)" '
        'text-anchor="middle">Local time of the check-in</text>'
    )
    parts.append(_line(_LEFT, base, _WIDTH - _RIGHT, base, stroke=_INK))
    for week in chart.weeks:
        x = scale.x(week.day)
        parts.append(_line(x, base, x, base + 6, stroke=_INK))
        label = f"{week.day:%a} {week.day.day} {week.day:%b}"
        parts.append(_text(x, base + 24, label, text_anchor="middle"))
    parts.append(
        _text(
            (_LEFT + _WIDTH - _RIGHT) / 2,
            _HEIGHT - 20,
            f"Date of the weekly check-in ({chart.weeks[0].day.year})",
            text_anchor="middle",
        )
    )
    return parts


def _clock_changes(chart: _PairChart, scale: _Scale) -> list[str]:
    """Mark the day each zone changes its clocks, labelled away from the other."""
    base = _HEIGHT - _BOTTOM
    first, last = chart.weeks[0].day, chart.weeks[-1].day
    parts = []
    for side, direction in ((chart.kept, 1), (chart.other, -1)):
        change = _clock_change(side.zone, first, last)
        if change is None:
            continue
        x = scale.x(change)
        parts.append(_line(x, _TOP + 28, x, base, stroke=_GREY, stroke_dasharray="2 4"))
        anchor = "start" if direction > 0 else "end"
        for dy, words in (
            (-24, f"{side.place} clocks change"),
            (-9, f"{change:%a} {change.day} {change:%b}"),
        ):
            parts.append(
                _text(
                    x + 5 * direction,
                    base + dy,
                    words,
                    text_anchor=anchor,
                    fill=_GREY,
                    font_size="12",
                )
            )
    return parts


def _series(chart: _PairChart, scale: _Scale) -> list[str]:
    weeks = chart.weeks
    parts = []
    for kept, colour in ((True, _BLUE), (False, _ORANGE)):
        times = [w.kept if kept else w.other for w in weeks]
        points = [
            (scale.x(w.day), scale.y(_hour(t)))
            for w, t in zip(weeks, times, strict=True)
        ]
        dash = "" if kept else ' stroke-dasharray="8 5"'
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="3"{dash}/>'
        )
        for (x, y), t in zip(points, times, strict=True):
            parts.append(_marker(x, y, colour, square=not kept))
            parts.append(
                _text(x, y - 12, f"{t:%H:%M}", text_anchor="middle", fill=colour)
            )
    return parts


def _legend(chart: _PairChart) -> list[str]:
    y = 62
    entries = ((chart.kept, _BLUE, False, 0), (chart.other, _ORANGE, True, 330))
    parts = []
    for side, colour, square, dx in entries:
        parts.append(_marker(_LEFT + dx + 6, y - 5, colour, square=square))
        parts.append(_text(_LEFT + dx + 18, y, side.label))
    return parts


def _pair_svg(chart: _PairChart) -> str:
    scale = _Scale(chart)
    parts = [
        *_heading(chart),
        *_shifted_weeks(chart, scale),
        *_axes(chart, scale),
        *_clock_changes(chart, scale),
        *_series(chart, scale),
        *_legend(chart),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def checkins_march_svg() -> str:
    """
    A weekly New York 09:00 check-in, in each member's local time, March 2024.

    The United States moved its clocks on 10 March 2024 and the United
    Kingdom on 31 March, so for three check-ins the London member meets an
    hour earlier than usual. Everything drawn is computed: the check-ins by
    `peerkit.scheduling.occurrences`, the clock changes from the zone
    database.
    """
    cadence = Cadence.weekly(on="tue", time="09:00", timezone=_NEW_YORK)
    checkins = occurrences(cadence, start=_FIRST, count=_WEEKS)
    chart = _PairChart(
        name="One pair",
        kept=_side(
            _NEW_YORK, "The New York member", "New York member (America/New_York)"
        ),
        other=_side(_LONDON, "The London member", "London member (Europe/London)"),
        weeks=_pair_weeks(checkins, _NEW_YORK, _LONDON),
        ids="",
    )
    return _pair_svg(chart)


# The drift picture: one simulated member who drifts, replayed through the
# online monitor so that the statistic is known after every touchpoint.
_DRIFT_SEED = 0
_DRIFT_MEMBERS = 12
_DRIFT_WEEKS = 52
_DRIFT_ID = "m03"  # keeps about 87% of weekly check-ins, then about 31%

# Layout of the drift pictures, in SVG user units.
_D_WIDTH = 760
_D_LEFT, _D_RIGHT = 80, 40
_SHADE = "#f3e7da"  # the weeks a member is flagged
_WEEK_SECONDS = 7 * 24 * 3600
_RECORD_ROW = 13  # between the rows of kept, missed and excused marks


class _DriftLayout(NamedTuple):
    """Where a drift picture's parts go, and how many weeks it spans."""

    height: int
    record_y: int  # the middle of the rows of kept, missed and excused marks
    top: int  # the statistic's panel
    bottom: int
    weeks: int


_YEAR = _DriftLayout(height=520, record_y=112, top=170, bottom=450, weeks=52)


class _Step(NamedTuple):
    """One touchpoint and the monitor's report right after it."""

    week: float
    outcome: str
    statistic: float
    threshold: float | None
    flagged: bool


class _Drift(NamedTuple):
    """One member's record, the statistic after each touchpoint, and the truth."""

    member_id: str
    start: pendulum.DateTime
    steps: list[_Step]
    true_onset: pendulum.DateTime | None
    onset: pendulum.DateTime | None
    flagged_at: pendulum.DateTime | None
    baseline_rate: float
    drift_rate: float | None


def _replay(
    member_id: str,
    events: Iterable[object],
    start: pendulum.DateTime,
    truth: DriftTruth,
) -> _Drift:
    """Replay one member's touchpoints through `DriftMonitor`, keeping every report."""
    mine = sorted(
        (e for e in events if isinstance(e, Touchpoint) and e.member_id == member_id),
        # The monitor's order: by time, and at one instant missed before kept.
        key=lambda e: (e.due, e.outcome != "missed"),
    )
    monitor = DriftMonitor()
    steps = []
    onset = flagged_at = None
    for event in mine:
        report = monitor.observe(event)
        week = (event.due - start).total_seconds() / _WEEK_SECONDS
        steps.append(
            _Step(
                week,
                event.outcome,
                report.statistic,
                report.threshold,
                report.flagged,
            )
        )
        if report.flagged and flagged_at is None:
            flagged_at, onset = event.due, report.onset
    return _Drift(
        member_id,
        start,
        steps,
        truth.onset,
        onset,
        flagged_at,
        truth.baseline_rate,
        truth.drift_rate,
    )


def _drift() -> _Drift:
    """Replay one simulated member through `DriftMonitor`, keeping every report."""
    sim = simulate_engagement(_DRIFT_MEMBERS, week_count=_DRIFT_WEEKS, seed=_DRIFT_SEED)
    truth = next(t for t in sim.truth if t.member_id == _DRIFT_ID)
    return _replay(_DRIFT_ID, sim.touchpoints, sim.start, truth)


class _DriftScale:
    """Weeks since the start to x, the drift statistic to y."""

    def __init__(self, drift: _Drift, layout: _DriftLayout) -> None:
        self.start, self.layout = drift.start, layout
        highest = max(
            *(s.statistic for s in drift.steps),
            *(s.threshold or 0.0 for s in drift.steps),
        )
        self.top = float(int(highest) + 2)

    def x(self, week: float) -> float:
        return _D_LEFT + week / self.layout.weeks * (_D_WIDTH - _D_LEFT - _D_RIGHT)

    def x_at(self, when: pendulum.DateTime) -> float:
        return self.x((when - self.start).total_seconds() / _WEEK_SECONDS)

    def y(self, value: float) -> float:
        low, high = self.layout.bottom, self.layout.top
        return low - value / self.top * (low - high)


def _day_month(when: pendulum.DateTime) -> str:
    return f"{when.day} {when:%b}"


def _drift_heading(drift: _Drift) -> list[str]:
    usual = f"about {drift.baseline_rate:.0%} of their weekly check-ins"
    if drift.true_onset is not None and drift.drift_rate is not None:
        usual += (
            f" until {_day_month(drift.true_onset)}, then about {drift.drift_rate:.0%}"
        )
    found = "It never crosses the threshold."
    if drift.flagged_at is not None and drift.onset is not None:
        found = (
            f"It crosses the threshold on {_day_month(drift.flagged_at)}, and the "
            f"detected onset of the drift is {_day_month(drift.onset)}; the statistic "
            "then stays at the threshold while the member keeps missing."
        )
    description = (
        f"One simulated member keeps {usual}. Below their weekly record of kept "
        "and missed check-ins, the drift statistic stays at or near zero, rising "
        "briefly after a single miss and falling back after kept check-ins, until "
        f"the misses after the drift begins. {found}"
    )
    return [
        _svg_open(_D_WIDTH, _YEAR.height, "drift-"),
        (
            '<title id="drift-title">'
            "One member drifting, and when the flag went up</title>"
        ),
        f'<desc id="drift-desc">{escape(description)}</desc>',
        f'<rect width="{_D_WIDTH}" height="{_YEAR.height}" fill="#ffffff"/>',
        _text(
            _D_LEFT,
            30,
            "One simulated member drifting, and when the flag went up",
            font_size="18",
            font_weight="bold",
        ),
    ]


def _drift_legend() -> list[str]:
    y = 60
    return [
        _line(_D_LEFT, y - 5, _D_LEFT + 28, y - 5, stroke=_BLUE, stroke_width="3"),
        _text(_D_LEFT + 36, y, "drift statistic"),
        _line(
            _D_LEFT + 170,
            y - 5,
            _D_LEFT + 198,
            y - 5,
            stroke=_INK,
            stroke_width="2",
            stroke_dasharray="7 4",
        ),
        _text(_D_LEFT + 206, y, "threshold (from the false-flag budget)"),
        (
            f'<rect x="{_D_LEFT + 490}" y="{y - 12}" width="22" height="14" '
            f'fill="{_SHADE}"/>'
        ),
        _text(_D_LEFT + 520, y, "flagged"),
    ]


def _record(drift: _Drift, scale: _DriftScale, title: str) -> list[str]:
    """
    Kept (dot), missed (cross) and excused (ring) touchpoints, one row each.

    Each outcome has its own row, labelled in the margin, so that a kept and
    a missed touchpoint on the same day never draw over each other.
    """
    y = scale.layout.record_y
    rows = {
        "kept": y - _RECORD_ROW,
        "missed": y,
        "excused": y + _RECORD_ROW,
    }
    parts = [_text(_D_LEFT, y - _RECORD_ROW - 18, title, font_weight="bold")]
    for outcome, row in rows.items():
        parts.append(
            _text(_D_LEFT - 10, row + 4, outcome, text_anchor="end", font_size="12")
        )
    for step in drift.steps:
        x = scale.x(step.week)
        row = rows[step.outcome]
        if step.outcome == "kept":
            parts.append(f'<circle cx="{x:.1f}" cy="{row}" r="4.5" fill="{_BLUE}"/>')
        elif step.outcome == "missed":
            parts.extend(_cross(x, row))
        else:
            parts.append(_ring(x, row))
    return parts


def _cross(x: float, y: float) -> list[str]:
    return [
        _line(x - 4, y - 4, x + 4, y + 4, stroke=_ORANGE, stroke_width="2.5"),
        _line(x - 4, y + 4, x + 4, y - 4, stroke=_ORANGE, stroke_width="2.5"),
    ]


def _ring(x: float, y: float) -> str:
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="none" stroke="{_GREY}" '
        'stroke-width="1.5"/>'
    )


def _statistic_grid(scale: _DriftScale) -> list[str]:
    """The statistic's gridlines, values and axis title."""
    top, bottom = scale.layout.top, scale.layout.bottom
    parts = []
    for value in range(int(scale.top) + 1):
        y = scale.y(value)
        parts.append(_line(_D_LEFT, y, _D_WIDTH - _D_RIGHT, y, stroke="#dddddd"))
        parts.append(_text(_D_LEFT - 10, y + 5, str(value), text_anchor="end"))
    middle = (top + bottom) / 2
    parts.append(
        f'<text transform="translate(24 {middle:.1f}) rotate(-90)" '
        'text-anchor="middle">Evidence of a drop in their rate</text>'
    )
    parts.append(_line(_D_LEFT, bottom, _D_WIDTH - _D_RIGHT, bottom, stroke=_INK))
    return parts


def _drift_axes(scale: _DriftScale) -> list[str]:
    bottom = scale.layout.bottom
    parts = _statistic_grid(scale)
    for month in range(1, 13):
        first = pendulum.datetime(scale.start.year, month, 1)
        x = scale.x_at(first)
        parts.append(_line(x, bottom, x, bottom + 6, stroke=_INK))
        parts.append(_text(x + 4, bottom + 22, f"{first:%b}"))
    parts.append(
        _text(
            (_D_LEFT + _D_WIDTH - _D_RIGHT) / 2,
            scale.layout.height - 20,
            f"{scale.start.year}: one check-in a week, each member judged against "
            "their own usual rate",
            text_anchor="middle",
        )
    )
    return parts


def _flag_spans(drift: _Drift) -> list[tuple[_Step, _Step | None]]:
    """Each run of flagged steps: its first step and the step that released it."""
    spans = []
    for before, step in zip([None, *drift.steps], drift.steps, strict=False):
        if step.flagged and (before is None or not before.flagged):
            later = [s for s in drift.steps if s.week > step.week and not s.flagged]
            spans.append((step, later[0] if later else None))
    return spans


def _flagged_span(drift: _Drift, scale: _DriftScale) -> list[str]:
    """Shade the weeks the member was flagged, in both the record and the panel."""
    top, bottom = scale.layout.record_y - _RECORD_ROW - 9, scale.layout.bottom
    parts = []
    for first, released in _flag_spans(drift):
        end = scale.x(released.week) if released else _D_WIDTH - _D_RIGHT
        x0 = scale.x(first.week)
        parts.append(
            f'<rect x="{x0:.1f}" y="{top}" width="{end - x0:.1f}" '
            f'height="{bottom - top}" fill="{_SHADE}"/>'
        )
    return parts


def _held(values: list[tuple[float, float]], scale: _DriftScale, style: str) -> str:
    """A line through (week, value) points, each value held until the next week."""
    ends = [week for week, _ in values[1:]] + [float(scale.layout.weeks)]
    points = []
    for (week, value), until in zip(values, ends, strict=True):
        y = scale.y(value)
        points += [(scale.x(week), y), (scale.x(until), y)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polyline points="{path}" fill="none" {style}/>'


def _statistic(drift: _Drift, scale: _DriftScale) -> list[str]:
    """The threshold, then the statistic over it, after every touchpoint."""
    thresholds = [(s.week, s.threshold) for s in drift.steps if s.threshold is not None]
    statistic = [(s.week, s.statistic) for s in drift.steps]
    return [
        _held(
            thresholds,
            scale,
            f'stroke="{_INK}" stroke-width="2" stroke-dasharray="7 4"',
        ),
        _held(statistic, scale, f'stroke="{_BLUE}" stroke-width="3"'),
    ]


def _release(drift: _Drift, scale: _DriftScale) -> list[str]:
    """The level the statistic must fall to before a flag is released."""
    flagged = [s for s in drift.steps if s.flagged and s.threshold is not None]
    if not flagged:
        return []
    share = DriftPolicy().release
    level = scale.y(share * (flagged[-1].threshold or 0.0))
    x0 = scale.x(flagged[0].week)
    x1 = _D_WIDTH - _D_RIGHT
    return [
        _line(
            x0,
            level,
            x1,
            level,
            stroke=_GREY,
            stroke_width="1.5",
            stroke_dasharray="2 3",
        ),
        _text(
            x1 - 4,
            level + 18,
            "released only below this",
            text_anchor="end",
            fill=_GREY,
            font_size="12",
        ),
    ]


def _onsets(drift: _Drift, scale: _DriftScale) -> list[str]:
    """Mark the true onset, the detected onset and the moment the flag went up."""
    top, bottom = scale.layout.top, scale.layout.bottom
    parts = []
    if drift.true_onset is not None:
        x = scale.x_at(drift.true_onset)
        parts.append(
            _line(x, top - 10, x, bottom, stroke=_GREY, stroke_dasharray="2 4")
        )
        parts.append(
            _text(
                x - 6,
                top + 4,
                f"true onset {_day_month(drift.true_onset)}",
                text_anchor="end",
                fill=_GREY,
            )
        )
    if drift.onset is not None:
        x = scale.x_at(drift.onset)
        parts.append(_line(x, top - 10, x, bottom, stroke=_INK, stroke_width="1.5"))
        parts.append(_text(x + 6, top + 4, f"detected onset {_day_month(drift.onset)}"))
    if drift.flagged_at is not None:
        first = next(s for s in drift.steps if s.flagged)
        x, y = scale.x(first.week), scale.y(first.statistic)
        parts.append(
            f'<path d="M {x:.1f} {y - 8:.1f} L {x + 8:.1f} {y:.1f} L {x:.1f} '
            f'{y + 8:.1f} L {x - 8:.1f} {y:.1f} Z" fill="{_ORANGE}"/>'
        )
        parts.append(
            _text(x + 12, y - 10, f"flag raised {_day_month(drift.flagged_at)}")
        )
    return parts


def drift_member_svg() -> str:
    """
    One simulated member's record, drift statistic and threshold over a year.

    The member comes from `peerkit.datasets.simulate_engagement` with a fixed
    seed; their touchpoints are replayed through `DriftMonitor`, so the
    statistic and threshold drawn are the reports' own, after every
    touchpoint. The true onset is the simulator's; the detected onset and
    the moment the flag went up are the monitor's.
    """
    drift = _drift()
    scale = _DriftScale(drift, _YEAR)
    parts = [
        *_drift_heading(drift),
        *_drift_legend(),
        *_flagged_span(drift, scale),
        *_record(drift, scale, "Weekly check-ins:"),
        *_drift_axes(scale),
        *_release(drift, scale),
        *_statistic(drift, scale),
        *_onsets(drift, scale),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


# The outcomes picture: the sample's PHQ-9 before and after, member by
# member, against the reliable-change band and the cutoff.
_O_WIDTH, _O_HEIGHT = 760, 620
_O_LEFT, _O_TOP, _O_SIZE = 90, 110, 420  # the square plot
_O_LEGEND = _O_LEFT + _O_SIZE + 40
_RECOVERED_SHADE = "#dcebf5"

# Each category's marker: colour, filled, shape; told apart without colour.
_CATEGORY_STYLE = {
    ChangeCategory.RECOVERED: (_BLUE, True, "circle"),
    ChangeCategory.IMPROVED: (_BLUE, False, "circle"),
    ChangeCategory.UNCHANGED: (_GREY, False, "square"),
    ChangeCategory.DETERIORATED: (_ORANGE, True, "triangle"),
}


def _phq9_summary() -> OutcomeSummary:
    sample = sample_outcomes()
    return programme_outcomes(
        sample.of(PHQ9),
        instrument=PHQ9,
        baseline_period=sample.baseline_period,
        followup_period=sample.followup_period,
    )


def _ox(score: float) -> float:
    return _O_LEFT + score / PHQ9.high * _O_SIZE


def _oy(score: float) -> float:
    return _O_TOP + _O_SIZE - score / PHQ9.high * _O_SIZE


def _category_marker(x: float, y: float, category: ChangeCategory) -> str:
    colour, filled, shape = _CATEGORY_STYLE[category]
    paint = f'fill="{colour}"' if filled else f'fill="#ffffff" stroke="{colour}"'
    paint += ' stroke-width="2"' if not filled else ""
    if shape == "square":
        return (
            f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" {paint}/>'
        )
    if shape == "triangle":
        return (
            f'<path d="M {x:.1f} {y - 6:.1f} L {x + 6:.1f} {y + 5:.1f} '
            f'L {x - 6:.1f} {y + 5:.1f} Z" {paint}/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5.5" {paint}/>'


def _phq9_heading(summary: OutcomeSummary) -> list[str]:
    description = (
        f"Each of the {summary.completed_count} sample members with both PHQ-9 "
        "scores is a mark at their baseline score across and their follow-up "
        "score up. Marks below the diagonal fell. Marks below the lower dashed "
        "line fell by more "
        f"than {PHQ9.reliable_difference:.2f} points, a reliable improvement; the "
        "shaded corner is where a reliable improvement starts at or above the "
        f"cutoff of 10 and ends below it: {summary.recovered_count} recovered. "
        f"{summary.improved_count} improved without recovering, "
        f"{summary.unchanged_count} are within measurement error, "
        f"{summary.deteriorated_count} deteriorated. "
        f"{len(summary.lost)} members with a baseline have no follow-up and are not "
        "in the picture."
    )
    return [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_O_WIDTH} '
            f'{_O_HEIGHT}" width="{_O_WIDTH}" height="{_O_HEIGHT}" role="img" '
            'aria-labelledby="phq9-title phq9-desc" '
            f'font-family="system-ui, sans-serif" font-size="14" fill="{_INK}">'
        ),
        '<title id="phq9-title">The sample\'s PHQ-9, before and after</title>',
        f'<desc id="phq9-desc">{escape(description)}</desc>',
        f'<rect width="{_O_WIDTH}" height="{_O_HEIGHT}" fill="#ffffff"/>',
        _text(
            _O_LEFT,
            30,
            "The sample's PHQ-9, before and after: who reliably changed",
            font_size="18",
            font_weight="bold",
        ),
        _text(
            _O_LEFT,
            56,
            "One mark per member with both scores; lower is better. The dashed "
            "lines are",
            fill=_GREY,
        ),
        _text(
            _O_LEFT,
            76,
            f"{PHQ9.reliable_difference:.2f} points either side of no change: "
            "beyond them, a change is reliable.",
            fill=_GREY,
        ),
    ]


def _phq9_frame() -> list[str]:
    """Axes, the recovered corner, the no-change diagonal, the band and cutoffs."""
    low, high, cutoff = PHQ9.low, PHQ9.high, PHQ9.cutoff or 0.0
    band = PHQ9.reliable_difference
    corner = [
        (cutoff, low),
        (high, low),
        (high, cutoff),
        (cutoff + band, cutoff),
        (cutoff, cutoff - band),
    ]
    path = " ".join(f"{_ox(x):.1f},{_oy(y):.1f}" for x, y in corner)
    parts = [f'<polygon points="{path}" fill="{_RECOVERED_SHADE}"/>']
    for score in (0, 5, 10, 15, 20, 25, 27):
        parts.append(_line(_ox(score), _oy(low), _ox(score), _oy(low) + 6, stroke=_INK))
        parts.append(_text(_ox(score), _oy(low) + 22, str(score), text_anchor="middle"))
        parts.append(_line(_ox(low) - 6, _oy(score), _ox(low), _oy(score), stroke=_INK))
        parts.append(
            _text(_ox(low) - 10, _oy(score) + 5, str(score), text_anchor="end")
        )
    parts.append(
        f'<rect x="{_O_LEFT}" y="{_O_TOP}" width="{_O_SIZE}" height="{_O_SIZE}" '
        f'fill="none" stroke="{_INK}"/>'
    )
    for x in (cutoff,):
        parts.append(
            _line(
                _ox(x),
                _oy(low),
                _ox(x),
                _oy(high),
                stroke=_GREY,
                stroke_dasharray="2 4",
            )
        )
        parts.append(
            _line(
                _ox(low),
                _oy(x),
                _ox(high),
                _oy(x),
                stroke=_GREY,
                stroke_dasharray="2 4",
            )
        )
    parts.append(_text(_ox(cutoff) + 4, _O_TOP + 16, "cutoff 10", fill=_GREY))
    parts.append(_line(_ox(low), _oy(low), _ox(high), _oy(high), stroke=_INK))
    for shift in (-band, band):
        start = max(low, low - shift)
        end = min(high, high - shift)
        parts.append(
            _line(
                _ox(start),
                _oy(start + shift),
                _ox(end),
                _oy(end + shift),
                stroke=_INK,
                stroke_dasharray="7 4",
            )
        )
    for along, shift, gap, words in (
        (22.0, -band, 26, "reliably better below"),
        (6.0, band, -8, "reliably worse above"),
        (21.5, 0.0, -8, "no change"),
    ):
        x, y = _ox(along), _oy(along + shift)
        parts.append(
            f'<text transform="translate({x:.1f} {y:.1f}) rotate(-45) '
            f'translate(0 {gap})" text-anchor="middle" fill="{_GREY}">'
            f"{escape(words)}</text>"
        )
    parts.append(
        _text(
            _ox(high) - 6,
            _oy(low) - 10,
            "recovered",
            text_anchor="end",
            fill=_BLUE,
            font_weight="bold",
        )
    )
    middle = _O_TOP + _O_SIZE / 2
    parts.append(
        f'<text transform="translate(30 {middle:.1f}) rotate(-90)" '
        'text-anchor="middle">PHQ-9 at follow-up (weeks 25-26)</text>'
    )
    parts.append(
        _text(
            _O_LEFT + _O_SIZE / 2,
            _oy(low) + 50,
            "PHQ-9 at baseline (weeks 1-2)",
            text_anchor="middle",
        )
    )
    return parts


def _phq9_marks(summary: OutcomeSummary) -> list[str]:
    """One mark per completer; members with the same two scores side by side."""
    at: dict[tuple[float, float], list[ChangeCategory]] = {}
    for change in summary.changes:
        at.setdefault((change.pre, change.post), []).append(change.category)
    parts = []
    for (pre, post), categories in sorted(at.items()):
        for i, category in enumerate(categories):
            offset = (i - (len(categories) - 1) / 2) * 7
            parts.append(_category_marker(_ox(pre) + offset, _oy(post), category))
    return parts


def _phq9_legend(summary: OutcomeSummary) -> list[str]:
    counts = {
        ChangeCategory.RECOVERED: summary.recovered_count,
        ChangeCategory.IMPROVED: summary.improved_count,
        ChangeCategory.UNCHANGED: summary.unchanged_count,
        ChangeCategory.DETERIORATED: summary.deteriorated_count,
    }
    y = _O_TOP + 10
    parts = [
        _text(
            _O_LEGEND,
            y,
            f"{summary.completed_count} with both scores:",
            font_weight="bold",
        )
    ]
    for category, count in counts.items():
        y += 26
        parts.append(_category_marker(_O_LEGEND + 8, y - 5, category))
        parts.append(_text(_O_LEGEND + 24, y, f"{category.value} ({count})"))
    y += 44
    lines = [
        f"Not in the picture: {len(summary.lost)}",
        "with a baseline and no",
        f"follow-up, and {len(summary.no_baseline)} with no",
        "baseline. They started",
        f"at {summary.lost_baseline_mean or 0:.1f} on average, those",
        f"pictured at {summary.baseline_mean or 0:.1f}.",
    ]
    for line in lines:
        parts.append(_text(_O_LEGEND, y, line))
        y += 20
    return parts


def phq9_changes_svg() -> str:
    """
    The sample's PHQ-9 before and after, member by member, with their category.

    The scores are `peerkit.datasets.sample_outcomes`'s and the categories
    `programme_outcomes`'s; the band is `PHQ9.reliable_difference` either
    side of no change, and the corner where a reliable improvement crosses
    the cutoff is shaded. Members lost to follow-up are counted, not drawn.
    """
    summary = _phq9_summary()
    parts = [
        *_phq9_heading(summary),
        *_phq9_frame(),
        *_phq9_marks(summary),
        *_phq9_legend(summary),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


# The tutorial's pictures. The hook runs the tutorial's code blocks, as
# tests/test_docs.py does, and draws what they computed.
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
_T = TypeVar("_T")


class _Tutorial(NamedTuple):
    """What the tutorial computed that its pictures show."""

    scale: JourneyScale
    grouping: Grouping
    unplaced: dict[str, str]  # member id to stage, of those not placed
    pair: tuple[Member, ...]
    cadence: Cadence
    march: list[pendulum.DateTime]
    start: pendulum.DateTime
    weeks: int
    record: list[Touchpoint]
    truth: dict[str, DriftTruth]
    flag: DriftReport


def _value(namespace: Mapping[str, object], name: str, kind: type[_T]) -> _T:
    value = namespace.get(name)
    if not isinstance(value, kind):
        msg = (
            f"{TUTORIAL_PAGE} should define {name} as a {kind.__name__} for the "
            f"pictures drawn from it; it has {type(value).__name__}"
        )
        raise TypeError(msg)
    return value


def _items(namespace: Mapping[str, object], name: str, kind: type[_T]) -> list[_T]:
    values = _value(namespace, name, list)
    return [_value({name: item}, name, kind) for item in values]


def _run_tutorial(docs_dir: pathlib.Path) -> _Tutorial:
    """Run the tutorial's python blocks in one namespace, their output unused."""
    page = docs_dir / TUTORIAL_PAGE
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in _FENCE.finditer(page.read_text(encoding="utf-8")):
        if block.group(1) == "python":
            code = compile(block.group(2), str(page), "exec")
            with contextlib.redirect_stdout(io.StringIO()):
                exec(code, namespace)  # noqa: S102 - our own docs, as the tests run them
    grouping = _value(namespace, "grouping", Grouping)
    people = _value(namespace, "people", dict)
    pair = _value(namespace, "pair", tuple)
    truth = _value(namespace, "truth", dict)
    return _Tutorial(
        scale=_value(namespace, "cohort", Cohort).scale,
        grouping=grouping,
        unplaced={
            u.member_id: _value(people, u.member_id, Member).stage
            for u in grouping.unplaced
        },
        pair=tuple(_value(people, member_id, Member) for member_id in pair),
        cadence=_value(namespace, "cadence", Cadence),
        march=_items(namespace, "march", pendulum.DateTime),
        start=_value(namespace, "START", pendulum.DateTime),
        weeks=_value(namespace, "WEEKS", int),
        record=_items(namespace, "record", Touchpoint),
        truth={key: _value(truth, key, DriftTruth) for key in truth},
        flag=_value(namespace, "flag", DriftReport),
    )


# The groups picture: one column per group, one square per member.
_STAGE_COLOURS = ("#D55E00", "#E69F00", "#F0E442", "#009E73", "#0072B2")
_STAGE_INK = ("#222222", "#222222", "#222222", "#222222", "#ffffff")
_G_WIDTH, _G_LEFT, _G_PLOT_RIGHT = 760, 80, 540
_G_TOP, _G_CELL, _G_GAP = 100, 24, 4


def _stage_mix(members: Iterable[str], scale: JourneyScale) -> str:
    counts = Counter(members)
    return ", ".join(f"{counts[s]} {s}" for s in scale if counts[s])


def _groups_heading(tutorial: _Tutorial, height: int) -> list[str]:
    groups = [g.group for g in tutorial.grouping.groups]
    sizes = sorted(g.size for g in groups)
    each = " ".join(
        f"{g.id}: {_stage_mix((m.stage for m in g.members), tutorial.scale)}."
        for g in groups
    )
    description = (
        f"{len(groups)} groups of {sizes[0]} to {sizes[-1]} members formed from "
        f"{tutorial.grouping.placed_count + len(tutorial.unplaced)} "
        "simulated members, one column per group and one square per member, "
        "stacked from the earliest stage of change at the bottom to the latest "
        f"at the top. {each} {len(tutorial.unplaced)} members could not be placed "
        f"and are not drawn: {_stage_mix(tutorial.unplaced.values(), tutorial.scale)}."
    )
    return [
        _svg_open(_G_WIDTH, height, "groups-"),
        '<title id="groups-title">The programme\'s groups, by stage of change</title>',
        f'<desc id="groups-desc">{escape(description)}</desc>',
        f'<rect width="{_G_WIDTH}" height="{height}" fill="#ffffff"/>',
        _text(
            _G_LEFT,
            30,
            "The programme's groups, by each member's stage",
            font_size="18",
            font_weight="bold",
        ),
        _text(
            _G_LEFT,
            56,
            "One column per group formed, one square per member, stacked from "
            "the earliest stage up",
            fill=_GREY,
        ),
    ]


def programme_groups_svg(tutorial: _Tutorial) -> str:
    """
    The tutorial's groups, one column each, its members coloured by stage.

    The groups are the ones the tutorial's `form_groups` call made; each
    square is one member, coloured and numbered by their stage on the
    cohort's journey scale (the number makes the picture readable without
    colour). Members who could not be placed are counted beside it.
    """
    stages = list(tutorial.scale)
    if len(stages) > len(_STAGE_COLOURS):
        msg = f"the groups picture has colours for {len(_STAGE_COLOURS)} stages"
        raise ValueError(msg)
    groups = [g.group for g in tutorial.grouping.groups]
    most = max(g.capacity for g in groups)
    pitch = min(40.0, (_G_PLOT_RIGHT - _G_LEFT) / len(groups))
    base = _G_TOP + most * (_G_CELL + _G_GAP)
    height = base + 80
    parts = _groups_heading(tutorial, height)
    for size in sorted({min(g.size for g in groups), most}):
        y = base - size * (_G_CELL + _G_GAP) + _G_GAP / 2
        parts.append(
            _line(
                _G_LEFT - 6,
                y,
                _G_PLOT_RIGHT,
                y,
                stroke="#bbbbbb",
                stroke_dasharray="4 4",
            )
        )
        parts.append(_text(_G_LEFT - 10, y + 5, str(size), text_anchor="end"))
    parts.append(
        f'<text transform="translate(30 {(_G_TOP + base) / 2:.1f}) rotate(-90)" '
        'text-anchor="middle">Members in the group</text>'
    )
    parts.append(_line(_G_LEFT - 6, base, _G_PLOT_RIGHT, base, stroke=_INK))
    for i, group in enumerate(groups):
        x = _G_LEFT + i * pitch + (pitch - _G_CELL) / 2
        ranked = sorted(stages.index(m.stage) for m in group.members)
        for level, stage in enumerate(ranked):
            y = base - (level + 1) * (_G_CELL + _G_GAP) + _G_GAP
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{_G_CELL}" height="{_G_CELL}" '
                f'rx="3" fill="{_STAGE_COLOURS[stage]}"/>'
            )
            parts.append(
                _text(
                    x + _G_CELL / 2,
                    y + _G_CELL / 2 + 5,
                    str(stage + 1),
                    text_anchor="middle",
                    fill=_STAGE_INK[stage],
                    font_weight="bold",
                    font_size="13",
                )
            )
        label = group.id.rsplit("-", 1)[-1]
        parts.append(_text(x + _G_CELL / 2, base + 20, label, text_anchor="middle"))
    first, last = groups[0].id, groups[-1].id
    parts.append(
        _text(
            (_G_LEFT + _G_PLOT_RIGHT) / 2,
            base + 50,
            f"Group ({first} to {last})",
            text_anchor="middle",
        )
    )
    parts += _stage_legend(tutorial, stages)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _stage_legend(tutorial: _Tutorial, stages: list[str]) -> list[str]:
    x, y = _G_PLOT_RIGHT + 40, _G_TOP + 6
    parts = [_text(x, y, "Stage of change", font_weight="bold")]
    for i, stage in reversed(list(enumerate(stages))):
        y += 32
        parts.append(
            f'<rect x="{x}" y="{y - 17}" width="{_G_CELL}" height="{_G_CELL}" '
            f'rx="3" fill="{_STAGE_COLOURS[i]}"/>'
        )
        parts.append(
            _text(
                x + _G_CELL / 2,
                y,
                str(i + 1),
                text_anchor="middle",
                fill=_STAGE_INK[i],
                font_weight="bold",
                font_size="13",
            )
        )
        parts.append(_text(x + _G_CELL + 10, y, stage))
    y += 48
    for line in (
        f"Not placed: {len(tutorial.unplaced)}",
        "members (not drawn;",
        "the tutorial gives",
        "the reasons)",
    ):
        parts.append(_text(x, y, line, fill=_GREY))
        y += 20
    return parts


def programme_pair_svg(tutorial: _Tutorial) -> str:
    """
    The tutorial's pair's check-ins, in each member's own time, across March.

    The check-ins are the tutorial's own (`occurrences` of the cadence it
    built with `Cadence.for_slot`), kept on the clock of the member whose
    zone the cadence is in.
    """
    kept = next(m for m in tutorial.pair if m.timezone == tutorial.cadence.timezone)
    other = next(m for m in tutorial.pair if m is not kept)

    def side(member: Member) -> _Side:
        place = member.timezone.rsplit("/", 1)[-1].replace("_", " ")
        return _side(
            member.timezone, member.id, f"{member.id}, {place} ({member.timezone})"
        )

    chart = _PairChart(
        name=f"{kept.id} and {other.id}",
        kept=side(kept),
        other=side(other),
        weeks=_pair_weeks(tutorial.march, kept.timezone, other.timezone),
        ids="pair-",
    )
    return _pair_svg(chart)


# The tutorial's member: their record, the share kept each week, and the
# statistic, over the programme's weeks.
_SHARE_TOP, _SHARE_BOTTOM = 172, 262


def _programme_layout(weeks: int) -> _DriftLayout:
    return _DriftLayout(height=660, record_y=112, top=330, bottom=580, weeks=weeks)


def _weekly_shares(tutorial: _Tutorial, member_id: str) -> list[tuple[int, int, int]]:
    """Each week's number, touchpoints kept and touchpoints decided."""
    shares = []
    for week in range(tutorial.weeks):
        begin, end = tutorial.start.add(weeks=week), tutorial.start.add(weeks=week + 1)
        mine = [
            t
            for t in tutorial.record
            if t.member_id == member_id and begin <= t.due < end
        ]
        decided = [t for t in mine if t.outcome != "excused"]
        kept = sum(t.outcome == "kept" for t in decided)
        shares.append((week, kept, len(decided)))
    return shares


def _programme_drift_heading(
    drift: _Drift, shares: list[tuple[int, int, int]], height: int
) -> list[str]:
    who = drift.member_id
    weekly = "; ".join(
        f"week {week + 1}: {kept} of {due}" for week, kept, due in shares if due
    )
    truth = f"about {drift.baseline_rate:.0%}"
    if drift.true_onset is not None and drift.drift_rate is not None:
        truth += (
            f" until {_day_month(drift.true_onset)}, then about "
            f"{drift.drift_rate:.0%} before any outreach"
        )
    found = "The statistic never crosses the threshold."
    if drift.flagged_at is not None and drift.onset is not None:
        found = (
            f"The statistic rises after the misses, and the flag goes up on "
            f"{_day_month(drift.flagged_at)}, with the drift's detected onset "
            f"{_day_month(drift.onset)}"
        )
        released = [r for _, r in _flag_spans(drift) if r is not None]
        if released:
            when = drift.start.add(seconds=int(released[0].week * _WEEK_SECONDS))
            found += (
                f"; the statistic falls back below the release level on "
                f"{_day_month(when)}, when the flag is released"
            )
        else:
            found += (
                "; the statistic never falls to the release level, half the "
                "threshold, so the flag is still up at the end"
            )
        found += "."
    description = (
        f"{who}'s touchpoints, check-ins and group meetings, over the programme's "
        f"{len(shares)} weeks, kept or missed. Kept each week, {weekly}. The "
        f"simulator's truth: {who} keeps {truth}. {found}"
    )
    return [
        _svg_open(_D_WIDTH, height, "member-"),
        (
            f'<title id="member-title">{escape(who)} over the programme, and when '
            "the flag went up</title>"
        ),
        f'<desc id="member-desc">{escape(description)}</desc>',
        f'<rect width="{_D_WIDTH}" height="{height}" fill="#ffffff"/>',
        _text(
            _D_LEFT,
            30,
            f"{who} over the programme, and when the flag went up",
            font_size="18",
            font_weight="bold",
        ),
    ]


def _share_panel(shares: list[tuple[int, int, int]], scale: _DriftScale) -> list[str]:
    """Each week's share of touchpoints kept, a dot and a line through them."""

    def y(share: float) -> float:
        return _SHARE_BOTTOM - share * (_SHARE_BOTTOM - _SHARE_TOP)

    parts = [
        _text(_D_LEFT, _SHARE_TOP - 18, "Share kept each week:", font_weight="bold")
    ]
    for share in (0.0, 0.5, 1.0):
        parts.append(
            _line(_D_LEFT, y(share), _D_WIDTH - _D_RIGHT, y(share), stroke="#dddddd")
        )
        parts.append(
            _text(_D_LEFT - 10, y(share) + 5, f"{share:.0%}", text_anchor="end")
        )
    points = [(scale.x(week + 0.5), y(kept / due)) for week, kept, due in shares if due]
    path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in points)
    parts.append(
        f'<polyline points="{path}" fill="none" stroke="{_BLUE}" stroke-width="2.5"/>'
    )
    parts += [
        f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="4.5" fill="{_BLUE}"/>'
        for x, yy in points
    ]
    return parts


def _programme_axes(scale: _DriftScale, who: str) -> list[str]:
    bottom = scale.layout.bottom
    parts = _statistic_grid(scale)
    for week in range(scale.layout.weeks + 1):
        monday = scale.start.add(weeks=week)
        x = scale.x(week)
        parts.append(_line(x, bottom, x, bottom + 6, stroke=_INK))
        parts.append(
            _text(
                x, bottom + 22, _day_month(monday), text_anchor="middle", font_size="12"
            )
        )
    parts.append(
        _text(
            (_D_LEFT + _D_WIDTH - _D_RIGHT) / 2,
            scale.layout.height - 20,
            f"{scale.start.year}, week by week: every check-in and group meeting, "
            f"judged against {who}'s own usual rate",
            text_anchor="middle",
        )
    )
    return parts


def programme_drift_svg(tutorial: _Tutorial) -> str:
    """
    The tutorial's flagged member: record, weekly share kept and statistic.

    The member is the one whose first flag the tutorial looks at; their
    touchpoints are the tutorial's record, replayed through a fresh
    `DriftMonitor` so the statistic and threshold are known after every
    one. The true onset is the simulator's; the detected onset and the
    flag are the monitor's.
    """
    who = tutorial.flag.member_id
    drift = _replay(who, tutorial.record, tutorial.start, tutorial.truth[who])
    layout = _programme_layout(tutorial.weeks)
    scale = _DriftScale(drift, layout)
    shares = _weekly_shares(tutorial, who)
    parts = [
        *_programme_drift_heading(drift, shares, layout.height),
        *_drift_legend(),
        *_flagged_span(drift, scale),
        *_record(drift, scale, "Touchpoints:"),
        *_share_panel(shares, scale),
        *_programme_axes(scale, who),
        *_release(drift, scale),
        *_statistic(drift, scale),
        *_onsets(drift, scale),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pictures to the site (an mkdocs hook)."""
    from mkdocs.structure.files import File  # noqa: PLC0415 - needed only while building

    files.append(File.generated(config, CHECKINS_MARCH, content=checkins_march_svg()))
    files.append(File.generated(config, DRIFT_MEMBER, content=drift_member_svg()))
    files.append(File.generated(config, PHQ9_CHANGES, content=phq9_changes_svg()))
    tutorial = _run_tutorial(pathlib.Path(config.docs_dir))
    for path, draw in (
        (PROGRAMME_GROUPS, programme_groups_svg),
        (PROGRAMME_PAIR, programme_pair_svg),
        (PROGRAMME_DRIFT, programme_drift_svg),
    ):
        files.append(File.generated(config, path, content=draw(tutorial)))
    return files
