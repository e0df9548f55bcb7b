"""Service standards: the holidays package's Alberta calendar, closures and answer-by dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from jasperrec.extensions import db
from jasperrec.helpdesk import standards
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import ClosureDay

EDMONTON = ZoneInfo("America/Edmonton")
OPTIONAL = ("Heritage Day", "Boxing Day")
CALENDAR = standards.BusinessCalendar(
    zone=EDMONTON, opens=dt.time(8, 30), closes=dt.time(16, 30), observed_optional=OPTIONAL
)
# The seeded municipal closures: 30 September all day, Christmas Eve from noon.
MUNICIPAL = standards.BusinessCalendar(
    zone=EDMONTON,
    opens=dt.time(8, 30),
    closes=dt.time(16, 30),
    observed_optional=OPTIONAL,
    yearly_closures={(9, 30): None, (12, 24): dt.time(12, 0)},
)
HOUR = dt.timedelta(hours=1)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=EDMONTON)


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_alberta_holidays_for_2026_come_from_the_holidays_package() -> None:
    assert sorted(standards.statutory_holidays(2026, OPTIONAL)) == [
        dt.date(2026, 1, 1),  # New Year's Day
        dt.date(2026, 2, 16),  # Family Day
        dt.date(2026, 4, 3),  # Good Friday
        dt.date(2026, 5, 18),  # Victoria Day
        dt.date(2026, 7, 1),  # Canada Day
        dt.date(2026, 8, 3),  # Heritage Day (optional, observed by the municipality)
        dt.date(2026, 9, 7),  # Labour Day
        dt.date(2026, 10, 12),  # Thanksgiving
        dt.date(2026, 11, 11),  # Remembrance Day
        dt.date(2026, 12, 25),  # Christmas Day
        dt.date(2026, 12, 26),  # Boxing Day, a Saturday...
        dt.date(2026, 12, 28),  # ...observed on Monday
    ]


def test_optional_holidays_count_only_when_configured() -> None:
    assert dt.date(2026, 8, 3) not in standards.statutory_holidays(2026)
    # Easter Monday is optional in Alberta and the offices stay open.
    assert dt.date(2026, 4, 6) not in standards.statutory_holidays(2026, OPTIONAL)
    assert CALENDAR.is_business_day(dt.date(2026, 4, 6))


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
        # Christmas Day 2027 is a Saturday: observed Monday 27, Boxing Day Tuesday 28;
        # with no municipal closures Friday 24 is a full day.
        (local(2027, 12, 23, 10, 0), 2, utc(2027, 12, 29, 23, 30)),
        # Clocks spring forward on Sunday, March 8, 2026: the deadline is 16:30 MDT.
        (local(2026, 3, 6, 10, 0), 3, utc(2026, 3, 11, 22, 30)),
        # Clocks fall back on Sunday, November 1, 2026: the deadline is 16:30 MST.
        (local(2026, 10, 30, 12, 0), 3, utc(2026, 11, 4, 23, 30)),
        # An evening in UTC that is still the afternoon locally counts that day.
        (utc(2026, 11, 24, 23, 0), 3, utc(2026, 11, 27, 23, 30)),
    ],
)
def test_due_after_counts_business_days_from_receipt(
    received: dt.datetime, days: int, due: dt.datetime
) -> None:
    assert CALENDAR.due_after(received, days) == due


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # 30 September is closed all day: a Tuesday request skips Wednesday the 30th.
        (local(2026, 9, 29, 10, 0), 2, utc(2026, 10, 2, 22, 30)),
        # Christmas Eve closes at noon: a 13:00 call counts from the next business day,
        # after Christmas, Boxing Day (observed Monday 28): due Thursday 31.
        (local(2026, 12, 24, 13, 0), 2, utc(2026, 12, 31, 23, 30)),
        # A call at 11:00 on Christmas Eve still counts that day.
        (local(2026, 12, 24, 11, 0), 2, utc(2026, 12, 30, 23, 30)),
        # An answer due on Christmas Eve is due at its early closing.
        (local(2026, 12, 22, 10, 0), 2, utc(2026, 12, 24, 19, 0)),
    ],
)
def test_municipal_closures_whole_days_and_afternoons(
    received: dt.datetime, days: int, due: dt.datetime
) -> None:
    assert MUNICIPAL.due_after(received, days) == due


def test_a_dated_closure_counts_only_in_its_year() -> None:
    closed = standards.BusinessCalendar(
        zone=EDMONTON,
        opens=dt.time(8, 30),
        closes=dt.time(16, 30),
        closures={dt.date(2026, 11, 25): None},
    )

    assert closed.due_after(local(2026, 11, 24, 10, 0), 3) == utc(2026, 11, 30, 23, 30)
    assert closed.is_business_day(dt.date(2027, 11, 25))


def test_an_early_closing_before_opening_closes_the_whole_day() -> None:
    closed = standards.BusinessCalendar(
        zone=EDMONTON,
        opens=dt.time(8, 30),
        closes=dt.time(16, 30),
        closures={dt.date(2026, 11, 25): dt.time(8, 0)},
    )

    assert not closed.is_business_day(dt.date(2026, 11, 25))


def test_business_time_between_skips_nights_weekends_and_holidays() -> None:
    # Friday 15:30 to Tuesday 9:30 around Remembrance Day 2027 (Thursday) is not it;
    # take Friday Nov 6 2026 15:30 to Tuesday Nov 10 9:30: 1 h + 8 h (Mon) + 1 h.
    assert (
        CALENDAR.business_time_between(local(2026, 11, 6, 15, 30), local(2026, 11, 10, 9, 30))
        == 10 * HOUR
    )
    # Tuesday Nov 10 16:00 to Thursday Nov 12 9:00 crosses Remembrance Day.
    assert (
        CALENDAR.business_time_between(local(2026, 11, 10, 16, 0), local(2026, 11, 12, 9, 0))
        == 1 * HOUR
    )
    assert CALENDAR.business_time_between(local(2026, 11, 12), local(2026, 11, 11)) == 0 * HOUR


def test_adding_and_taking_away_business_time() -> None:
    friday_close = local(2026, 11, 6, 16, 30)

    assert CALENDAR.add_business_time(friday_close, 2 * HOUR) == local(2026, 11, 9, 10, 30)
    assert CALENDAR.add_business_time(local(2026, 11, 10, 16, 0), HOUR) == local(2026, 11, 12, 9, 0)
    # The last business half-day before a Monday 10:30 answer-by time starts Friday 14:30.
    assert CALENDAR.half_day == 4 * HOUR
    assert CALENDAR.subtract_business_time(local(2026, 11, 9, 10, 30), 4 * HOUR) == local(
        2026, 11, 6, 14, 30
    )


def test_calendar_from_reads_config_and_closure_rows(app: Flask) -> None:
    config = {**app.config, "HELPDESK_BUSINESS_HOURS": ["09:00", "17:00"]}
    rows = [
        ClosureDay(day=dt.date(2026, 11, 25), closes_at=None, description="Staff day"),
        ClosureDay(
            day=dt.date(2000, 12, 24),
            closes_at=dt.time(12),
            repeats_yearly=True,
            description="Christmas Eve afternoon",
        ),
    ]

    calendar = standards.calendar_from(config, rows)

    assert calendar.closes == dt.time(17, 0)
    assert calendar.closures == {dt.date(2026, 11, 25): None}
    assert calendar.yearly_closures == {(12, 24): dt.time(12)}
    assert calendar.observed_optional == OPTIONAL


def test_the_seeded_municipal_closures_are_in_the_current_calendar(app: Flask) -> None:
    calendar = standards.current_calendar()

    assert not calendar.is_business_day(dt.date(2026, 9, 30))
    assert calendar.hours_on(dt.date(2026, 12, 24)) == (dt.time(8, 30), dt.time(12, 0))


def test_a_closure_row_added_today_moves_the_next_answer_by_date(app: Flask) -> None:
    db.session.add(ClosureDay(day=dt.date(2026, 11, 25), description="Staff training"))
    db.session.flush()

    assert standards.due_at(local(2026, 11, 24, 10, 0), Channel.WEB) == utc(2026, 11, 30, 23, 30)


@pytest.mark.parametrize(
    ("channel", "days"),
    [(Channel.WEB, 3), (Channel.EMAIL, 3), (Channel.APP, 3), (Channel.PHONE, 2)],
)
def test_each_channel_has_its_standard_from_config(app: Flask, channel: Channel, days: int) -> None:
    assert standards.days_for(channel, app.config) == days
    assert standards.days_for(channel, {"HELPDESK_STANDARD_DAYS": {channel.name.lower(): 7}}) == 7


@pytest.mark.parametrize(("channel", "due"), [(Channel.WEB, 27), (Channel.PHONE, 26)])
def test_due_at_uses_the_app_config(app: Flask, channel: Channel, due: int) -> None:
    result = standards.due_at(local(2026, 11, 24, 10, 0), channel)

    assert result == utc(2026, 11, due, 23, 30)
