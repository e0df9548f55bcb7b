"""A program's schedule written the way a person writes it in the program guide."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from jasperrec.dates import clock

if TYPE_CHECKING:
    from .models import Program
    from .models import ProgramMeeting

WEEKDAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")

# Three days or more in a row read better as a range; two are simply listed.
SHORTEST_RANGE = 3


def describe_schedule(program: Program) -> str:
    """Say when a program meets: Mondays to Fridays, 9 a.m. to noon, January 4 to 8.

    A program with several meetings gives each in turn, separated by semicolons.
    """
    phrases: list[str] = []
    meetings = list(program.meetings)
    while meetings:
        meeting = meetings.pop(0)
        if meeting.starts_on != meeting.ends_on:
            phrases.append(describe_meeting(meeting))
            continue
        # Dated sessions at the same times read as one list of dates.
        same = [meeting]
        while meetings and _same_session_times(meetings[0], meeting):
            same.append(meetings.pop(0))
        phrases.append(_dated_sessions(same))
    return "; ".join(phrases)


def _same_session_times(meeting: ProgramMeeting, other: ProgramMeeting) -> bool:
    one_day = meeting.starts_on == meeting.ends_on
    return one_day and (meeting.start_time, meeting.end_time) == (other.start_time, other.end_time)


def _dated_sessions(sessions: list[ProgramMeeting]) -> str:
    """Write sessions on several dates at the same times: Fridays, January 15 and 29, 9 a.m."""
    if len(sessions) == 1:
        return describe_meeting(sessions[0])
    days = [session.starts_on for session in sessions]
    written: list[str] = []
    for n, day in enumerate(days):
        new_month = n == 0 or (day.year, day.month) != (days[n - 1].year, days[n - 1].month)
        written.append(_month_day(day) if new_month else str(day.day))
    listed = f"{', '.join(written[:-1])} and {written[-1]}"
    if days[0].year != days[-1].year:
        listed = f"{listed}, {days[-1].year}"
    weekdays = {day.isoweekday() for day in days}
    prefix = f"{WEEKDAYS[days[0].isoweekday() - 1]}, " if len(weekdays) == 1 else ""
    times = time_range(sessions[0].start_time, sessions[0].end_time)
    return f"{prefix}{listed}, {times}"


def describe_meeting(meeting: ProgramMeeting) -> str:
    """Say when one meeting pattern meets, naming the days it skips."""
    times = time_range(meeting.start_time, meeting.end_time)
    dates = date_range(meeting.starts_on, meeting.ends_on)
    # A one-day session's date already names its weekday.
    if meeting.starts_on == meeting.ends_on:
        return f"{dates}, {times}"
    text = f"{meeting_days(meeting.weekdays)}, {times}, {dates}"
    skipped = sorted(day for day in meeting.skipped if meeting.starts_on <= day <= meeting.ends_on)
    if skipped:
        days = [_month_day(day) for day in skipped]
        listed = days[0] if len(days) == 1 else f"{', '.join(days[:-1])} and {days[-1]}"
        text += f" (not {listed})"
    return text


def meeting_dates(meeting: ProgramMeeting) -> list[dt.date]:
    """Every date a meeting falls on: its weekdays between its first and last day, less skips."""
    if meeting.starts_on == meeting.ends_on:
        return [meeting.starts_on]
    weekdays = {int(digit) for digit in meeting.weekdays}
    skipped = meeting.skipped
    span = (meeting.ends_on - meeting.starts_on).days
    every_day = (meeting.starts_on + dt.timedelta(days=n) for n in range(span + 1))
    return [day for day in every_day if day.isoweekday() in weekdays and day not in skipped]


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
