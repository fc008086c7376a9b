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

from peerkit.scheduling import Cadence, occurrences

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

CHECKINS_MARCH = "assets/pictures/checkins-march-2024.svg"
"""Where the picture of a pair's March check-ins lives in the site."""

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


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pictures to the site (an mkdocs hook)."""
    from mkdocs.structure.files import File  # noqa: PLC0415 - needed only while building

    files.append(File.generated(config, CHECKINS_MARCH, content=checkins_march_svg()))
    return files
