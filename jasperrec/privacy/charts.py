"""Bar charts drawn on the server as SVG geometry, so they read without JavaScript."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

# The drawing's coordinate system; the stylesheet scales it to the page.
WIDTH = 640
ROW_HEIGHT = 22
PLOT_HEIGHT = 160
LABEL_WIDTH = 200


@dataclasses.dataclass(frozen=True)
class Bar:
    """One bar: its label, its value and where it is drawn."""

    label: str
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclasses.dataclass(frozen=True)
class Chart:
    """A chart's accessible name and description, its size and its bars."""

    title: str
    description: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    horizontal: bool


def _scale(value: int, largest: int, length: float) -> float:
    return round(length * value / largest, 1) if largest else 0.0


def column_chart(title: str, points: Sequence[tuple[str, int]]) -> Chart:
    """Draw one column per point, left to right (days, in order)."""
    largest = max((value for _, value in points), default=0)
    step = WIDTH / max(len(points), 1)
    bars = []
    for n, (label, value) in enumerate(points):
        height = _scale(value, largest, PLOT_HEIGHT)
        bars.append(
            Bar(label, value, round(n * step, 1), PLOT_HEIGHT - height, max(step - 1, 1), height)
        )
    description = _describe(points, largest)
    return Chart(title, description, WIDTH, PLOT_HEIGHT, tuple(bars), horizontal=False)


def bar_chart(title: str, points: Sequence[tuple[str, int]]) -> Chart:
    """Draw one labelled horizontal bar per point, top to bottom (largest first)."""
    largest = max((value for _, value in points), default=0)
    length = WIDTH - LABEL_WIDTH - 60
    bars = tuple(
        Bar(label, value, LABEL_WIDTH, n * ROW_HEIGHT, _scale(value, largest, length), 16)
        for n, (label, value) in enumerate(points)
    )
    height = max(len(points), 1) * ROW_HEIGHT
    return Chart(title, _describe(points, largest), WIDTH, height, bars, horizontal=True)


def _describe(points: Sequence[tuple[str, int]], largest: int) -> str:
    if not points:
        return "No figures for these days."
    top = next(label for label, value in points if value == largest)
    return (
        f"{len(points)} bars; the largest is {top} with {largest:,}."
        " The table below lists every figure."
    )
