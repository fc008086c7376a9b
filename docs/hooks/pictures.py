"""
Pictures for the docs, drawn at build time from peerkit's own output.

Registered under ``hooks:`` in ``mkdocs.yml``. Each picture is computed
with peerkit while the site builds and added to it as a generated file,
so a picture cannot disagree with the library: nothing here is drawn by
hand or committed as an image. The SVG is written as plain XML text, so
the docs need no plotting library.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TYPE_CHECKING, NamedTuple
from xml.sax.saxutils import escape

import pendulum

from peerkit.datasets import sample_outcomes, simulate_engagement
from peerkit.engagement import DriftMonitor, DriftPolicy, Touchpoint
from peerkit.outcomes import PHQ9, ChangeCategory, OutcomeSummary, programme_outcomes
from peerkit.scheduling import Cadence, occurrences

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

CHECKINS_MARCH = "assets/pictures/checkins-march-2024.svg"
"""Where the picture of a pair's March check-ins lives in the site."""

DRIFT_MEMBER = "assets/pictures/drift-one-member.svg"
"""Where the picture of one member's drift statistic lives in the site."""

PHQ9_CHANGES = "assets/pictures/phq9-before-after.svg"
"""Where the picture of the sample's PHQ-9 changes lives in the site."""

# The pair's check-in: every Tuesday at 09:00 on the New York member's clock.
_KEPT = ("America/New_York", "New York")
_OTHER = ("Europe/London", "London")
_FIRST = pendulum.datetime(2024, 2, 27, tz=_KEPT[0])
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
_LOW_HOUR, _HIGH_HOUR = 7, 15


class _Week(NamedTuple):
    """One check-in: its date and the hour of day each member sees."""

    day: dt.date
    kept: pendulum.DateTime
    other: pendulum.DateTime


def _hour(t: pendulum.DateTime) -> float:
    return t.hour + t.minute / 60


class _Scale:
    """Dates to x and hours of the day to y."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first, self.days = first, (last - first).days

    def x(self, day: dt.date) -> float:
        share = (day - self.first).days / self.days
        return _LEFT + share * (_WIDTH - _LEFT - _RIGHT)

    @staticmethod
    def y(hour: float) -> float:
        share = (hour - _LOW_HOUR) / (_HIGH_HOUR - _LOW_HOUR)
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


def _weeks() -> list[_Week]:
    """The pair's check-ins, computed by peerkit, in each member's time."""
    cadence = Cadence.weekly(on="tue", at="09:00", tz=_KEPT[0])
    return [
        _Week(dt.date(t.year, t.month, t.day), t.in_tz(_KEPT[0]), t.in_tz(_OTHER[0]))
        for t in occurrences(cadence, start=_FIRST, count=_WEEKS)
    ]


def _heading(weeks: list[_Week]) -> list[str]:
    times = ", ".join(f"{w.other:%H:%M} on {w.day.day} {w.day:%B}" for w in weeks)
    description = (
        f"A check-in kept at 09:00 {_KEPT[1]} time every Tuesday. The {_KEPT[1]} "
        f"member's local time stays at 09:00. The {_OTHER[1]} member's is {times}: "
        f"an hour earlier while only {_KEPT[1]} has changed its clocks."
    )
    return [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
            f'width="{_WIDTH}" height="{_HEIGHT}" role="img" '
            'aria-labelledby="title desc" font-family="system-ui, sans-serif" '
            f'font-size="14" fill="{_INK}">'
        ),
        '<title id="title">One pair\'s weekly check-in across March 2024</title>',
        f'<desc id="desc">{escape(description)}</desc>',
        # An opaque background keeps the picture legible in dark mode.
        f'<rect width="{_WIDTH}" height="{_HEIGHT}" fill="#ffffff"/>',
        _text(
            _LEFT,
            30,
            f"One pair's weekly check-in, kept at 09:00 {_KEPT[1]} time",
            font_size="18",
            font_weight="bold",
        ),
    ]


def _shifted_weeks(weeks: list[_Week], scale: _Scale) -> list[str]:
    """Shade the weeks whose gap between the two local times is not the usual one."""
    usual = _hour(weeks[0].other) - _hour(weeks[0].kept)
    odd = [w.day for w in weeks if _hour(w.other) - _hour(w.kept) != usual]
    if not odd:
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
            f"Only {_KEPT[1]} has changed its clocks",
            text_anchor="middle",
            fill=_GREY,
        ),
    ]


def _axes(weeks: list[_Week], scale: _Scale) -> list[str]:
    base = _HEIGHT - _BOTTOM
    parts = []
    for hour in range(_LOW_HOUR, _HIGH_HOUR + 1):
        y = scale.y(hour)
        parts.append(_line(_LEFT, y, _WIDTH - _RIGHT, y, stroke="#dddddd"))
        parts.append(_text(_LEFT - 10, y + 5, f"{hour:02d}:00", text_anchor="end"))
    parts.append(
        f'<text transform="translate(22 {(_TOP + base) / 2:.1f}) rotate(-90)" '
        'text-anchor="middle">Local time of the check-in</text>'
    )
    parts.append(_line(_LEFT, base, _WIDTH - _RIGHT, base, stroke=_INK))
    for week in weeks:
        x = scale.x(week.day)
        parts.append(_line(x, base, x, base + 6, stroke=_INK))
        label = f"{week.day:%a} {week.day.day} {week.day:%b}"
        parts.append(_text(x, base + 24, label, text_anchor="middle"))
    parts.append(
        _text(
            (_LEFT + _WIDTH - _RIGHT) / 2,
            _HEIGHT - 20,
            "Date of the weekly check-in (2024)",
            text_anchor="middle",
        )
    )
    return parts


def _clock_changes(weeks: list[_Week], scale: _Scale) -> list[str]:
    """Mark the day each zone changes its clocks, labelled away from the other."""
    base = _HEIGHT - _BOTTOM
    parts = []
    for (zone, place), side in ((_KEPT, 1), (_OTHER, -1)):
        change = _clock_change(zone, weeks[0].day, weeks[-1].day)
        if change is None:
            continue
        x = scale.x(change)
        parts.append(_line(x, _TOP + 28, x, base, stroke=_GREY, stroke_dasharray="2 4"))
        anchor = "start" if side > 0 else "end"
        for dy, words in (
            (-24, f"{place} clocks change"),
            (-9, f"{change:%a} {change.day} {change:%b}"),
        ):
            parts.append(
                _text(
                    x + 5 * side,
                    base + dy,
                    words,
                    text_anchor=anchor,
                    fill=_GREY,
                    font_size="12",
                )
            )
    return parts


def _series(weeks: list[_Week], scale: _Scale) -> list[str]:
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


def _legend() -> list[str]:
    y = 62
    entries = ((_KEPT, _BLUE, False, 0), (_OTHER, _ORANGE, True, 330))
    parts = []
    for (zone, place), colour, square, dx in entries:
        parts.append(_marker(_LEFT + dx + 6, y - 5, colour, square=square))
        parts.append(_text(_LEFT + dx + 18, y, f"{place} member ({zone})"))
    return parts


def checkins_march_svg() -> str:
    """
    A weekly New York 09:00 check-in, in each member's local time, March 2024.

    The United States moved its clocks on 10 March 2024 and the United
    Kingdom on 31 March, so for three check-ins the London member meets an
    hour earlier than usual. Everything drawn is computed: the check-ins by
    `peerkit.scheduling.occurrences`, the clock changes from the zone
    database.
    """
    weeks = _weeks()
    scale = _Scale(weeks[0].day, weeks[-1].day)
    parts = [
        *_heading(weeks),
        *_shifted_weeks(weeks, scale),
        *_axes(weeks, scale),
        *_clock_changes(weeks, scale),
        *_series(weeks, scale),
        *_legend(),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


# The drift picture: one simulated member who drifts, replayed through the
# online monitor so that the statistic is known after every touchpoint.
_DRIFT_SEED = 0
_DRIFT_MEMBERS = 12
_DRIFT_WEEKS = 52
_DRIFT_ID = "m03"  # keeps about 87% of weekly check-ins, then about 31%

# Layout of the drift picture, in SVG user units.
_D_WIDTH, _D_HEIGHT = 760, 520
_D_LEFT, _D_RIGHT = 80, 40
_D_RECORD_Y = 112  # the row of kept and missed marks
_D_TOP, _D_BOTTOM = 170, 450  # the statistic's panel
_SHADE = "#f3e7da"  # the weeks a member is flagged
_WEEK_SECONDS = 7 * 24 * 3600


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


def _drift() -> _Drift:
    """Replay one simulated member through `DriftMonitor`, keeping every report."""
    sim = simulate_engagement(_DRIFT_MEMBERS, weeks=_DRIFT_WEEKS, seed=_DRIFT_SEED)
    truth = next(t for t in sim.truth if t.member_id == _DRIFT_ID)
    monitor = DriftMonitor()
    steps = []
    onset = flagged_at = None
    for event in sim.touchpoints:
        if not isinstance(event, Touchpoint) or event.member_id != _DRIFT_ID:
            continue
        report = monitor.observe(event)
        week = (event.due - sim.start).total_seconds() / _WEEK_SECONDS
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
        _DRIFT_ID,
        sim.start,
        steps,
        truth.onset,
        onset,
        flagged_at,
        truth.baseline_rate,
        truth.drift_rate,
    )


class _DriftScale:
    """Weeks since the start to x, the statistic (in nats) to y."""

    def __init__(self, drift: _Drift) -> None:
        self.start = drift.start
        highest = max(
            *(s.statistic for s in drift.steps),
            *(s.threshold or 0.0 for s in drift.steps),
        )
        self.top = float(int(highest) + 2)

    @staticmethod
    def x(week: float) -> float:
        return _D_LEFT + week / _DRIFT_WEEKS * (_D_WIDTH - _D_LEFT - _D_RIGHT)

    def x_at(self, when: pendulum.DateTime) -> float:
        return self.x((when - self.start).total_seconds() / _WEEK_SECONDS)

    def y(self, value: float) -> float:
        return _D_BOTTOM - value / self.top * (_D_BOTTOM - _D_TOP)


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
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_D_WIDTH} '
            f'{_D_HEIGHT}" width="{_D_WIDTH}" height="{_D_HEIGHT}" role="img" '
            'aria-labelledby="drift-title drift-desc" '
            f'font-family="system-ui, sans-serif" font-size="14" fill="{_INK}">'
        ),
        (
            '<title id="drift-title">'
            "One member drifting, and when the flag went up</title>"
        ),
        f'<desc id="drift-desc">{escape(description)}</desc>',
        f'<rect width="{_D_WIDTH}" height="{_D_HEIGHT}" fill="#ffffff"/>',
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


def _record(drift: _Drift, scale: _DriftScale) -> list[str]:
    """The row of kept (dot), missed (cross) and excused (ring) touchpoints."""
    y = _D_RECORD_Y
    label = y - 24
    parts = [
        _text(_D_LEFT, label, "Weekly check-ins:", font_weight="bold"),
        f'<circle cx="{_D_LEFT + 150}" cy="{label - 5}" r="4.5" fill="{_BLUE}"/>',
        _text(_D_LEFT + 160, label, "kept"),
        *_cross(_D_LEFT + 210, label - 5),
        _text(_D_LEFT + 220, label, "missed"),
        _ring(_D_LEFT + 290, label - 5),
        _text(_D_LEFT + 300, label, "excused"),
    ]
    for step in drift.steps:
        x = scale.x(step.week)
        if step.outcome == "kept":
            parts.append(f'<circle cx="{x:.1f}" cy="{y}" r="4.5" fill="{_BLUE}"/>')
        elif step.outcome == "missed":
            parts.extend(_cross(x, y))
        else:
            parts.append(_ring(x, y))
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


def _drift_axes(scale: _DriftScale) -> list[str]:
    parts = []
    for value in range(int(scale.top) + 1):
        y = scale.y(value)
        parts.append(_line(_D_LEFT, y, _D_WIDTH - _D_RIGHT, y, stroke="#dddddd"))
        parts.append(_text(_D_LEFT - 10, y + 5, str(value), text_anchor="end"))
    middle = (_D_TOP + _D_BOTTOM) / 2
    parts.append(
        f'<text transform="translate(24 {middle:.1f}) rotate(-90)" '
        'text-anchor="middle">Evidence of a drop (nats)</text>'
    )
    parts.append(_line(_D_LEFT, _D_BOTTOM, _D_WIDTH - _D_RIGHT, _D_BOTTOM, stroke=_INK))
    for month in range(1, 13):
        first = pendulum.datetime(scale.start.year, month, 1)
        x = scale.x_at(first)
        parts.append(_line(x, _D_BOTTOM, x, _D_BOTTOM + 6, stroke=_INK))
        parts.append(_text(x + 4, _D_BOTTOM + 22, f"{first:%b}"))
    parts.append(
        _text(
            (_D_LEFT + _D_WIDTH - _D_RIGHT) / 2,
            _D_HEIGHT - 20,
            f"{scale.start.year}: one check-in a week, each member judged against "
            "their own usual rate",
            text_anchor="middle",
        )
    )
    return parts


def _flagged_span(drift: _Drift, scale: _DriftScale) -> list[str]:
    """Shade the weeks the member was flagged, in both the record and the panel."""
    parts = []
    starts = [
        s
        for before, s in zip([None, *drift.steps], drift.steps, strict=False)
        if s.flagged and (before is None or not before.flagged)
    ]
    for first in starts:
        later = [s for s in drift.steps if s.week > first.week and not s.flagged]
        end = scale.x(later[0].week) if later else _D_WIDTH - _D_RIGHT
        x0 = scale.x(first.week)
        parts.append(
            f'<rect x="{x0:.1f}" y="{_D_RECORD_Y - 12}" width="{end - x0:.1f}" '
            f'height="{_D_BOTTOM - _D_RECORD_Y + 12}" fill="{_SHADE}"/>'
        )
    return parts


def _held(values: list[tuple[float, float]], scale: _DriftScale, style: str) -> str:
    """A line through (week, value) points, each value held until the next week."""
    ends = [week for week, _ in values[1:]] + [float(_DRIFT_WEEKS)]
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
    parts = []
    if drift.true_onset is not None:
        x = scale.x_at(drift.true_onset)
        parts.append(
            _line(x, _D_TOP - 10, x, _D_BOTTOM, stroke=_GREY, stroke_dasharray="2 4")
        )
        parts.append(
            _text(
                x - 6,
                _D_TOP + 4,
                f"true onset {_day_month(drift.true_onset)}",
                text_anchor="end",
                fill=_GREY,
            )
        )
    if drift.onset is not None:
        x = scale.x_at(drift.onset)
        parts.append(
            _line(x, _D_TOP - 10, x, _D_BOTTOM, stroke=_INK, stroke_width="1.5")
        )
        parts.append(
            _text(x + 6, _D_TOP + 4, f"detected onset {_day_month(drift.onset)}")
        )
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
    scale = _DriftScale(drift)
    parts = [
        *_drift_heading(drift),
        *_drift_legend(),
        *_flagged_span(drift, scale),
        *_record(drift, scale),
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
        baseline_window=sample.baseline_window,
        followup_window=sample.followup_window,
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
        f"Each of the {summary.completed} sample members with both PHQ-9 scores is "
        "a mark at their baseline score across and their follow-up score up. Marks "
        "below the diagonal fell. Marks below the lower dashed line fell by more "
        f"than {PHQ9.reliable_difference:.2f} points, a reliable improvement; the "
        "shaded corner is where a reliable improvement starts at or above the "
        f"cutoff of 10 and ends below it: {summary.recovered} recovered. "
        f"{summary.improved} improved without recovering, {summary.unchanged} are "
        f"within measurement error, {summary.deteriorated} deteriorated. "
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
        ChangeCategory.RECOVERED: summary.recovered,
        ChangeCategory.IMPROVED: summary.improved,
        ChangeCategory.UNCHANGED: summary.unchanged,
        ChangeCategory.DETERIORATED: summary.deteriorated,
    }
    y = _O_TOP + 10
    parts = [
        _text(
            _O_LEGEND, y, f"{summary.completed} with both scores:", font_weight="bold"
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


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pictures to the site (an mkdocs hook)."""
    from mkdocs.structure.files import File  # noqa: PLC0415 - needed only while building

    files.append(File.generated(config, CHECKINS_MARCH, content=checkins_march_svg()))
    files.append(File.generated(config, DRIFT_MEMBER, content=drift_member_svg()))
    files.append(File.generated(config, PHQ9_CHANGES, content=phq9_changes_svg()))
    return files
