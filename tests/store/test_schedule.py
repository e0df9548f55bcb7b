"""Schedules written the way the program guide writes them."""

from __future__ import annotations

import datetime as dt

import pytest

from jasperrec.store.models import Program
from jasperrec.store.models import ProgramMeeting
from jasperrec.store.schedule import date_range
from jasperrec.store.schedule import describe_schedule
from jasperrec.store.schedule import meeting_days
from jasperrec.store.schedule import time_range


@pytest.mark.parametrize(
    ("weekdays", "written"),
    [
        ("1", "Mondays"),
        ("6", "Saturdays"),
        ("67", "Saturdays and Sundays"),
        ("24", "Tuesdays and Thursdays"),
        ("135", "Mondays, Wednesdays and Fridays"),
        ("12", "Mondays and Tuesdays"),
        ("123", "Mondays to Wednesdays"),
        ("12345", "Mondays to Fridays"),
        ("54321", "Mondays to Fridays"),
        ("123456", "Mondays to Saturdays"),
        ("1234567", "Every day"),
        ("12346", "Mondays to Thursdays and Saturdays"),
        ("12357", "Mondays to Wednesdays, Fridays and Sundays"),
        ("1567", "Fridays to Mondays"),
        ("17", "Mondays and Sundays"),
        ("1367", "Wednesdays and Saturdays to Mondays"),
        ("2456", "Tuesdays and Thursdays to Saturdays"),
    ],
)
def test_meeting_days_name_runs_as_ranges_and_list_the_rest(weekdays: str, written: str) -> None:
    assert meeting_days(weekdays) == written


@pytest.mark.parametrize(
    ("start", "end", "written"),
    [
        (dt.time(8, 30), dt.time(16, 30), "8:30 a.m. to 4:30 p.m."),
        (dt.time(9), dt.time(12), "9 a.m. to noon"),
        (dt.time(12), dt.time(13, 30), "noon to 1:30 p.m."),
        (dt.time(18), dt.time(0), "6 p.m. to midnight"),
        (dt.time(17, 30), dt.time(18, 15), "5:30 p.m. to 6:15 p.m."),
        (dt.time(19), dt.time(19), "7 p.m."),
    ],
)
def test_time_range_uses_the_sites_one_time_style(
    start: dt.time, end: dt.time, written: str
) -> None:
    assert time_range(start, end) == written


@pytest.mark.parametrize(
    ("first", "last", "written"),
    [
        (dt.date(2027, 1, 4), dt.date(2027, 1, 8), "January 4 to 8"),
        (dt.date(2027, 1, 4), dt.date(2027, 2, 26), "January 4 to February 26"),
        (dt.date(2026, 12, 28), dt.date(2027, 1, 8), "December 28, 2026 to January 8, 2027"),
        (dt.date(2027, 1, 9), dt.date(2027, 1, 9), "Saturday, January 9"),
    ],
)
def test_date_range_names_a_month_or_year_only_when_it_changes(
    first: dt.date, last: dt.date, written: str
) -> None:
    assert date_range(first, last) == written


def _program(weekdays: str, start: dt.time, end: dt.time, first: dt.date, last: dt.date) -> Program:
    meeting = ProgramMeeting(
        weekdays=weekdays, start_time=start, end_time=end, starts_on=first, ends_on=last
    )
    meeting.skipped_dates = []
    return Program(starts_on=first, ends_on=last, meetings=[meeting])


@pytest.mark.parametrize(
    ("program", "written"),
    [
        (
            _program(
                "12345", dt.time(8, 30), dt.time(16, 30), dt.date(2027, 1, 4), dt.date(2027, 1, 8)
            ),
            "Mondays to Fridays, 8:30 a.m. to 4:30 p.m., January 4 to 8",
        ),
        (
            _program("135", dt.time(7), dt.time(8), dt.date(2027, 1, 4), dt.date(2027, 2, 26)),
            "Mondays, Wednesdays and Fridays, 7 a.m. to 8 a.m., January 4 to February 26",
        ),
        (
            _program("6", dt.time(9), dt.time(12), dt.date(2027, 1, 9), dt.date(2027, 1, 9)),
            "Saturday, January 9, 9 a.m. to noon",
        ),
        (
            _program(
                "1234567", dt.time(13), dt.time(15), dt.date(2026, 12, 28), dt.date(2027, 1, 8)
            ),
            "Every day, 1 p.m. to 3 p.m., December 28, 2026 to January 8, 2027",
        ),
    ],
)
def test_describe_schedule_reads_as_a_person_writes_it(program: Program, written: str) -> None:
    assert describe_schedule(program) == written


def _session(day: dt.date, start: dt.time = dt.time(8, 30)) -> ProgramMeeting:
    return ProgramMeeting(
        starts_on=day, ends_on=day, weekdays=str(day.isoweekday()), start_time=start,
        end_time=dt.time(16, 30), skipped_dates=[],
    )  # fmt: skip


def test_dated_sessions_at_the_same_times_read_as_one_list() -> None:
    days = [dt.date(2027, 1, 15), dt.date(2027, 1, 29), dt.date(2027, 2, 12)]
    program = Program(meetings=[_session(day) for day in days])
    assert describe_schedule(program) == (
        "Fridays, January 15, 29 and February 12, 8:30 a.m. to 4:30 p.m."
    )


def test_dated_sessions_on_different_days_or_times_are_listed_apart() -> None:
    program = Program(
        meetings=[
            _session(dt.date(2027, 1, 15)),
            _session(dt.date(2027, 1, 16)),
            _session(dt.date(2027, 1, 23), start=dt.time(9)),
        ]
    )
    assert describe_schedule(program) == (
        "January 15 and 16, 8:30 a.m. to 4:30 p.m.; Saturday, January 23, 9 a.m. to 4:30 p.m."
    )


def test_a_skipped_holiday_is_named() -> None:
    meeting = ProgramMeeting(
        starts_on=dt.date(2027, 2, 1), ends_on=dt.date(2027, 2, 22), weekdays="1",
        start_time=dt.time(18), end_time=dt.time(19), skipped_dates=["2027-02-15"],
    )  # fmt: skip
    assert describe_schedule(Program(meetings=[meeting])) == (
        "Mondays, 6 p.m. to 7 p.m., February 1 to 22 (not February 15)"
    )
