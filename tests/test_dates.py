"""The site's one way of writing dates and times, Canadian Press style."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jasperrec.dates import clock
from jasperrec.dates import day
from jasperrec.dates import end_sentence
from jasperrec.dates import local_time


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (dt.time(9, 0), "9 a.m."),
        (dt.time(8, 30), "8:30 a.m."),
        (dt.time(16, 30), "4:30 p.m."),
        (dt.time(17, 5), "5:05 p.m."),
        (dt.time(12, 0), "noon"),
        (dt.time(12, 15), "12:15 p.m."),
        (dt.time(0, 0), "midnight"),
        (dt.time(0, 30), "12:30 a.m."),
        (dt.time(23, 59), "11:59 p.m."),
    ],
)
def test_clock_writes_times_as_the_program_guide_does(value: dt.time, written: str) -> None:
    assert clock(value) == written


def test_day_writes_the_month_in_full_without_a_leading_zero() -> None:
    assert day(dt.date(2027, 1, 5)) == "January 5, 2027"


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        # Jasper keeps Mountain time: UTC-7 in December, UTC-6 in July.
        (dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC), "December 1, 2026 at 3 p.m."),
        (dt.datetime(2026, 7, 1, 18, 0, tzinfo=dt.UTC), "July 1, 2026 at noon"),
        (dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC), "December 2, 2026 at midnight"),
        (dt.datetime(2026, 12, 1, 15, 45, tzinfo=dt.UTC), "December 1, 2026 at 8:45 a.m."),
    ],
)
def test_local_time_writes_a_stored_moment_in_jasper_time(
    app: Any, moment: dt.datetime, written: str
) -> None:
    with app.app_context():
        assert local_time(moment) == written


def test_local_time_keeps_a_pattern_for_dense_tables_and_nothing_for_none(app: Any) -> None:
    moment = dt.datetime(2026, 12, 1, 22, 0, tzinfo=dt.UTC)
    with app.app_context():
        assert local_time(moment, "%Y-%m-%d %H:%M") == "2026-12-01 15:00"
        assert local_time(None) == ""


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("December 1, 2026 at 3 p.m.", "December 1, 2026 at 3 p.m."),
        ("December 1, 2026 at noon", "December 1, 2026 at noon."),
    ],
)
def test_end_sentence_adds_a_period_only_when_none_ends_the_text(text: str, sentence: str) -> None:
    assert end_sentence(text) == sentence
