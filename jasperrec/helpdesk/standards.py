"""The published service standards: the business calendar and answer-by dates.

Statutory holidays come from the maintained `holidays` package (Canada, subdivision AB);
the municipality's own closures, whole days and afternoons, are rows administrators edit
in the console. The privacy centre's business-day clock uses the same calendar.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import sqlalchemy as sa
from flask import current_app

from jasperrec.extensions import db

from .models import Channel
from .models import ClosureDay

FRIDAY = 4
# A calendar search never walks further than this; no office is closed for ten years.
_MAX_DAYS = 3660


@functools.lru_cache(maxsize=64)
def statutory_holidays(year: int, observed_optional: tuple[str, ...] = ()) -> frozenset[dt.date]:
    """Return Alberta's public holidays in a year, with the optional ones named observed.

    Optional holidays (Heritage Day, Boxing Day, ...) count when their name, or its
    "(observed)" day, starts with one of the names given.
    """
    public = holidays.country_holidays("CA", subdiv="AB", years=year, language="en_CA")
    days = set(public)
    optional = holidays.country_holidays(
        "CA",
        subdiv="AB",
        years=year,
        categories=(holidays.OPTIONAL,),
        language="en_CA",
    )
    for day, name in optional.items():
        if any(name.startswith(wanted) for wanted in observed_optional):
            days.add(day)
    return frozenset(days)


@dataclasses.dataclass(frozen=True)
class BusinessCalendar:
    """When the municipality is open: zone, opening hours, holidays and closures.

    A closure maps a date (or, for yearly ones, a (month, day) pair) to None when the
    offices are closed all day, or to the time they close early.
    """

    zone: ZoneInfo
    opens: dt.time
    closes: dt.time
    observed_optional: tuple[str, ...] = ()
    closures: Mapping[dt.date, dt.time | None] = dataclasses.field(default_factory=dict)
    yearly_closures: Mapping[tuple[int, int], dt.time | None] = dataclasses.field(
        default_factory=dict
    )

    @property
    def half_day(self) -> dt.timedelta:
        """Half of a full business day's opening hours."""
        today = dt.date(2000, 1, 3)
        full = dt.datetime.combine(today, self.closes) - dt.datetime.combine(today, self.opens)
        return full / 2

    def hours_on(self, day: dt.date) -> tuple[dt.time, dt.time] | None:
        """Return the local opening and closing time on a date, or None when closed."""
        if day.weekday() > FRIDAY:
            return None
        if day in statutory_holidays(day.year, self.observed_optional):
            return None
        closes = self.closes
        found: list[dt.time | None] = []
        if day in self.closures:
            found.append(self.closures[day])
        if (day.month, day.day) in self.yearly_closures:
            found.append(self.yearly_closures[day.month, day.day])
        for early in found:
            if early is None or early <= self.opens:
                return None
            closes = min(closes, early)
        return self.opens, closes

    def is_business_day(self, day: dt.date) -> bool:
        """Tell whether the offices open at all on this local date."""
        return self.hours_on(day) is not None

    def next_business_day(self, day: dt.date) -> dt.date:
        """Return the first business day after this local date."""
        for _ in range(_MAX_DAYS):
            day += dt.timedelta(days=1)
            if self.is_business_day(day):
                return day
        raise ValueError("no business day within ten years")

    def due_after(self, received: dt.datetime, days: int) -> dt.datetime:
        """Return closing time on the nth business day after receipt, in UTC.

        Mail that arrives after that day's closing, or on a day we are closed, counts from
        the next business day. A day that closes early ends at its early closing.
        """
        local = received.astimezone(self.zone)
        start = local.date()
        hours = self.hours_on(start)
        if hours is None or local.time() >= hours[1]:
            start = self.next_business_day(start)
        due = start
        for _ in range(days):
            due = self.next_business_day(due)
        closes = self.hours_on(due)
        assert closes is not None
        return self._at(due, closes[1])

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.zone).astimezone(dt.UTC)

    def _open_intervals(
        self, start: dt.datetime, *, backwards: bool = False
    ) -> Iterator[tuple[dt.datetime, dt.datetime]]:
        """Yield the open intervals (UTC) from the day of start on, or back from it."""
        day = start.astimezone(self.zone).date()
        step = dt.timedelta(days=-1 if backwards else 1)
        for _ in range(_MAX_DAYS):
            hours = self.hours_on(day)
            if hours is not None:
                yield self._at(day, hours[0]), self._at(day, hours[1])
            day += step
        raise ValueError("no business day within ten years")

    def business_time_between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Return how much opening time lies between two moments (zero if end <= start)."""
        total = dt.timedelta()
        if end <= start:
            return total
        for opened, closed in self._open_intervals(start):
            if opened >= end:
                break
            overlap = min(closed, end) - max(opened, start)
            if overlap > dt.timedelta():
                total += overlap
        return total

    def add_business_time(self, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """Return the moment `amount` of opening time after start."""
        left = amount
        for opened, closed in self._open_intervals(start):
            begin = max(opened, start)
            if begin >= closed:
                continue
            if begin + left <= closed:
                return begin + left
            left -= closed - begin
        raise AssertionError("unreachable")  # pragma: no cover

    def subtract_business_time(self, end: dt.datetime, amount: dt.timedelta) -> dt.datetime:
        """Return the moment `amount` of opening time before end."""
        left = amount
        for opened, closed in self._open_intervals(end, backwards=True):
            finish = min(closed, end)
            if finish <= opened:
                continue
            if finish - left >= opened:
                return finish - left
            left -= finish - opened
        raise AssertionError("unreachable")  # pragma: no cover


def calendar_from(
    config: Mapping[str, Any], closures: Sequence[ClosureDay] = ()
) -> BusinessCalendar:
    """Build the business calendar the configuration and the closure rows describe."""
    opens, closes = config["HELPDESK_BUSINESS_HOURS"]
    return BusinessCalendar(
        zone=ZoneInfo(config["MUNICIPALITY_TIMEZONE"]),
        opens=dt.time.fromisoformat(opens),
        closes=dt.time.fromisoformat(closes),
        observed_optional=tuple(config["HELPDESK_OBSERVED_OPTIONAL_HOLIDAYS"]),
        closures={c.day: c.closes_at for c in closures if not c.repeats_yearly},
        yearly_closures={
            (c.day.month, c.day.day): c.closes_at for c in closures if c.repeats_yearly
        },
    )


def current_calendar() -> BusinessCalendar:
    """Return the calendar in force: this app's configuration and today's closure rows."""
    closures = db.session.scalars(sa.select(ClosureDay)).all()
    return calendar_from(current_app.config, closures)


def days_for(channel: Channel, config: Mapping[str, Any]) -> int:
    """Return how many business days the standard gives for an answer on this channel."""
    return int(config["HELPDESK_STANDARD_DAYS"][channel.name.lower()])


def due_at(received: dt.datetime, channel: Channel) -> dt.datetime:
    """Return when the published standard says a request received now must be answered."""
    return current_calendar().due_after(received, days_for(channel, current_app.config))
