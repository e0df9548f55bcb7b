"""Service standards: Alberta holidays, business days and answer-by dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from jasperrec.helpdesk import standards
from jasperrec.helpdesk.models import Channel

EDMONTON = ZoneInfo("America/Edmonton")
CALENDAR = standards.BusinessCalendar(zone=EDMONTON, opens=dt.time(8, 30), closes=dt.time(16, 30))


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=EDMONTON)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, dt.date(2024, 3, 31)), (2026, dt.date(2026, 4, 5)), (2027, dt.date(2027, 3, 28))],
)
def test_easter_sunday_matches_the_calendar(year: int, easter: dt.date) -> None:
    assert standards.easter_sunday(year) == easter


def test_alberta_holidays_for_2026() -> None:
    assert sorted(standards.alberta_holidays(2026)) == [
        dt.date(2026, 1, 1),  # New Year's Day
        dt.date(2026, 2, 16),  # Family Day
        dt.date(2026, 4, 3),  # Good Friday
        dt.date(2026, 5, 18),  # Victoria Day: May 24 is a Sunday
        dt.date(2026, 7, 1),  # Canada Day
        dt.date(2026, 8, 3),  # Heritage Day
        dt.date(2026, 9, 7),  # Labour Day
        dt.date(2026, 9, 30),  # Truth and Reconciliation
        dt.date(2026, 10, 12),  # Thanksgiving
        dt.date(2026, 11, 11),  # Remembrance Day
        dt.date(2026, 12, 25),  # Christmas Day
        dt.date(2026, 12, 28),  # Boxing Day, a Saturday, observed on Monday
    ]


@pytest.mark.parametrize(
    ("observed", "absent"),
    [
        (dt.date(2028, 7, 3), dt.date(2028, 7, 1)),  # Canada Day on a Saturday
        (dt.date(2029, 7, 2), dt.date(2029, 7, 1)),  # Canada Day on a Sunday
        (dt.date(2027, 12, 27), dt.date(2027, 12, 25)),  # Christmas on a Saturday...
        (dt.date(2027, 12, 28), dt.date(2027, 12, 26)),  # ...and Boxing Day after it
        (dt.date(2022, 1, 3), dt.date(2022, 1, 1)),  # New Year's Day on a Saturday
        (dt.date(2029, 5, 21), dt.date(2029, 5, 28)),  # Victoria Day: May 24 is a Thursday
    ],
)
def test_holidays_on_weekends_are_observed_on_the_next_business_day(
    observed: dt.date, absent: dt.date
) -> None:
    holidays = standards.alberta_holidays(observed.year)
    assert observed in holidays
    assert absent not in holidays


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # A Tuesday-morning web request: three business days later, at closing time.
        (local(2026, 11, 24, 10, 0), 3, utc(2026, 11, 27, 23, 30)),
        # A Friday-evening email counts from Monday.
        (local(2026, 11, 27, 19, 45), 3, utc(2026, 12, 3, 23, 30)),
        # Arriving exactly at closing time is after hours; one minute before is not.
        (local(2026, 11, 24, 16, 30), 3, utc(2026, 11, 30, 23, 30)),
        (local(2026, 11, 24, 16, 29), 3, utc(2026, 11, 27, 23, 30)),
        # Early on a business day still counts that day.
        (local(2026, 11, 24, 6, 0), 3, utc(2026, 11, 27, 23, 30)),
        # A Saturday counts from Monday.
        (local(2026, 11, 28, 11, 0), 3, utc(2026, 12, 3, 23, 30)),
        # The Thursday before Good Friday skips the holiday (Easter Monday is open).
        (local(2026, 4, 2, 10, 0), 3, utc(2026, 4, 8, 22, 30)),
        # Canada Day 2028 falls on a Saturday and is observed on Monday, July 3.
        (local(2028, 6, 30, 10, 0), 3, utc(2028, 7, 6, 22, 30)),
        # Clocks spring forward on Sunday, March 8, 2026: the deadline is 16:30 MDT.
        (local(2026, 3, 6, 10, 0), 3, utc(2026, 3, 11, 22, 30)),
        # Clocks fall back on Sunday, November 1, 2026: the deadline is 16:30 MST.
        (local(2026, 10, 30, 12, 0), 3, utc(2026, 11, 4, 23, 30)),
        # A phone message gets two days; Christmas and Boxing Day 2026 are skipped.
        (local(2026, 12, 24, 9, 0), 2, utc(2026, 12, 30, 23, 30)),
        # An evening in UTC that is still the afternoon locally counts that day.
        (utc(2026, 11, 24, 23, 0), 3, utc(2026, 11, 27, 23, 30)),
    ],
)
def test_due_after_counts_business_days_from_receipt(
    received: dt.datetime, days: int, due: dt.datetime
) -> None:
    assert CALENDAR.due_after(received, days) == due


def test_closure_dates_are_not_business_days() -> None:
    closed = standards.BusinessCalendar(
        zone=EDMONTON,
        opens=dt.time(8, 30),
        closes=dt.time(16, 30),
        closures=frozenset({dt.date(2026, 11, 25)}),
    )

    assert closed.due_after(local(2026, 11, 24, 10, 0), 3) == utc(2026, 11, 30, 23, 30)


def test_due_at_reads_the_channel_standard_and_closures_from_config(app: Flask) -> None:
    config = {
        **app.config,
        "HELPDESK_CLOSURE_DATES": ["2026-11-25"],
        "HELPDESK_BUSINESS_HOURS": ["09:00", "17:00"],
    }
    calendar = standards.calendar_from(config)

    assert calendar.closures == frozenset({dt.date(2026, 11, 25)})
    assert calendar.closes == dt.time(17, 0)
    assert standards.days_for(Channel.PHONE, config) == 2
    assert standards.days_for(Channel.EMAIL, config) == 3
    assert standards.days_for(Channel.APP, config) == 3


@pytest.mark.parametrize(("channel", "due"), [(Channel.WEB, 27), (Channel.PHONE, 26)])
def test_due_at_uses_the_app_config(app: Flask, channel: Channel, due: int) -> None:
    with app.app_context():
        result = standards.due_at(local(2026, 11, 24, 10, 0), channel)

    assert result == utc(2026, 11, due, 23, 30)
