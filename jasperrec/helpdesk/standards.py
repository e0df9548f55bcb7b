"""The published service standards: business days, Alberta holidays and answer-by dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from .models import Channel

MONDAY, FRIDAY = 0, 4


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def easter_sunday(year: int) -> dt.date:
    """Compute Western Easter Sunday (the Meeus/Jones/Butcher algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    weekday_offset = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday_offset) // 451
    month, day = divmod(h + weekday_offset - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@functools.lru_cache(maxsize=16)
def alberta_holidays(year: int) -> frozenset[dt.date]:
    """List the days the municipal offices close for statutory and municipal holidays.

    A fixed-date holiday on a weekend, or on a day another holiday already takes, is
    observed on the next weekday that is free.
    """
    may_24 = dt.date(year, 5, 24)
    days = {
        _nth_weekday(year, 2, MONDAY, 3),  # Family Day
        easter_sunday(year) - dt.timedelta(days=2),  # Good Friday
        may_24 - dt.timedelta(days=may_24.weekday()),  # Victoria Day
        _nth_weekday(year, 8, MONDAY, 1),  # Heritage Day
        _nth_weekday(year, 9, MONDAY, 1),  # Labour Day
        _nth_weekday(year, 10, MONDAY, 2),  # Thanksgiving
    }
    fixed = [(1, 1), (7, 1), (9, 30), (11, 11), (12, 25), (12, 26)]
    for month, day in fixed:
        observed = dt.date(year, month, day)
        while observed.weekday() > FRIDAY or observed in days:
            observed += dt.timedelta(days=1)
        days.add(observed)
    return frozenset(days)


@dataclasses.dataclass(frozen=True)
class BusinessCalendar:
    """When the municipality is open: zone, opening hours and the closed dates."""

    zone: ZoneInfo
    opens: dt.time
    closes: dt.time
    closures: frozenset[dt.date] = frozenset()

    def is_business_day(self, day: dt.date) -> bool:
        """Tell whether the offices are open on this local date."""
        return (
            day.weekday() <= FRIDAY
            and day not in self.closures
            and day not in alberta_holidays(day.year)
        )

    def next_business_day(self, day: dt.date) -> dt.date:
        """Return the first business day after this local date."""
        day += dt.timedelta(days=1)
        while not self.is_business_day(day):
            day += dt.timedelta(days=1)
        return day

    def due_after(self, received: dt.datetime, days: int) -> dt.datetime:
        """Return closing time on the nth business day after receipt, in UTC.

        Mail that arrives after closing, or on a day we are closed, counts from the next
        business day.
        """
        local = received.astimezone(self.zone)
        start = local.date()
        if not self.is_business_day(start) or local.time() >= self.closes:
            start = self.next_business_day(start)
        due = start
        for _ in range(days):
            due = self.next_business_day(due)
        return dt.datetime.combine(due, self.closes, tzinfo=self.zone).astimezone(dt.UTC)


def calendar_from(config: Mapping[str, Any]) -> BusinessCalendar:
    """Build the business calendar the configuration describes."""
    opens, closes = config["HELPDESK_BUSINESS_HOURS"]
    return BusinessCalendar(
        zone=ZoneInfo(config["MUNICIPALITY_TIMEZONE"]),
        opens=dt.time.fromisoformat(opens),
        closes=dt.time.fromisoformat(closes),
        closures=_dates(config["HELPDESK_CLOSURE_DATES"]),
    )


def _dates(values: Iterable[str]) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(value) for value in values)


def days_for(channel: Channel, config: Mapping[str, Any]) -> int:
    """Return how many business days the standard gives for an answer on this channel."""
    key = (
        "SERVICE_STANDARD_PHONE_DAYS"
        if channel is Channel.PHONE
        else "SERVICE_STANDARD_WRITTEN_DAYS"
    )
    return int(config[key])


def due_at(received: dt.datetime, channel: Channel) -> dt.datetime:
    """Return when the published standard says a request received now must be answered."""
    config = current_app.config
    return calendar_from(config).due_after(received, days_for(channel, config))
