"""A program's schedule written the way a person writes it in the program guide."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from jasperrec.dates import clock

if TYPE_CHECKING:
    from .models import Program

WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")

# Three days or more in a row read better as a range; two are simply listed.
SHORTEST_RANGE = 3


def describe_schedule(program: Program) -> str:
    """Say when a program meets in one line: Mondays to Fridays, 9 a.m. to noon, January 4 to 8."""
    times = time_range(program.start_time, program.end_time)
    dates = date_range(program.starts_on, program.ends_on)
    # A one-day program's date already names its weekday.
    if program.starts_on == program.ends_on:
        return f"{dates}, {times}"
    return f"{meeting_days(program.weekdays)}, {times}, {dates}"


def meeting_days(weekdays: str) -> str:
    """Name the days of the week a program meets on, with ranges for runs of days.

    ``weekdays`` holds ISO weekday digits, 1 for Monday to 7 for Sunday, as Program stores them.
    """
    numbers = sorted({int(digit) for digit in weekdays})
    if len(numbers) == len(WEEKDAYS):
        return "Every day"
    phrases = [_run_phrase(run) for run in _runs(numbers)]
    if len(phrases) == 1:
        return phrases[0]
    return f"{', '.join(phrases[:-1])} and {phrases[-1]}"


def _runs(numbers: list[int]) -> list[list[int]]:
    """Group weekday numbers into runs of consecutive days, Sunday running on to Monday."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and runs[-1][-1] == number - 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    # Friday to Monday reads as one run across the weekend, unless Monday starts a range itself.
    if len(runs) > 1 and runs[0][0] == 1 and runs[-1][-1] == len(WEEKDAYS):
        first, last = runs[0], runs[-1]
        if len(first) < SHORTEST_RANGE <= len(first) + len(last):
            runs = [*runs[1:-1], last + first]
    return runs


def _run_phrase(run: list[int]) -> str:
    """Write one run of days: a range when long enough, otherwise each day."""
    names = [WEEKDAYS[number - 1] for number in run]
    if len(run) >= SHORTEST_RANGE:
        return f"{names[0]} to {names[-1]}"
    return " and ".join(names)


def time_range(start: dt.time, end: dt.time) -> str:
    """Write a session's times in the site's one time style: 8:30 a.m. to 4:30 p.m."""
    if start == end:
        return clock(start)
    return f"{clock(start)} to {clock(end)}"


def date_range(first: dt.date, last: dt.date) -> str:
    """Write a span of dates compactly, naming a month or year only when it changes."""
    if first == last:
        return f"{first:%A}, {_month_day(first)}"
    if first.year != last.year:
        return f"{_month_day(first)}, {first.year} to {_month_day(last)}, {last.year}"
    if first.month != last.month:
        return f"{_month_day(first)} to {_month_day(last)}"
    return f"{_month_day(first)} to {last.day}"


def _month_day(value: dt.date) -> str:
    return f"{value:%B} {value.day}"
