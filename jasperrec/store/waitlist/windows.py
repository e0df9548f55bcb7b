"""How long a waitlist offer stays open: shorter as the program nears, never ending at night."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

# (days or more before the first day, hours to answer), checked in order.
WINDOWS: tuple[tuple[int, int], ...] = ((14, 48), (7, 24), (0, 4))
# No offer ends between these local times: someone asleep cannot answer. One that would
# is extended to the morning's end of the quiet hours, 07:00 (not 09:00, so an offer made
# later never ends earlier than one made before it).
QUIET_FROM = dt.time(22, 0)
QUIET_UNTIL = dt.time(7, 0)


def offer_hours(now: dt.datetime, starts_on: dt.date, zone: ZoneInfo) -> int:
    """Return the hours an offer made now gives: 48 far out, 24 within two weeks of the
    start, 4 in the last week (or once the program has begun)."""
    days_left = (starts_on - now.astimezone(zone).date()).days
    for days, hours in WINDOWS:
        if days_left >= days:
            return hours
    return WINDOWS[-1][1]


def outside_quiet_hours(moment: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Move a deadline in the local quiet hours (22:00 to 07:00) to 07:00; return it in UTC."""
    local = moment.astimezone(zone)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return moment.astimezone(dt.UTC)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_UNTIL, zone).astimezone(dt.UTC)


def offer_deadline(
    now: dt.datetime, starts_on: dt.date, zone: ZoneInfo | None = None
) -> dt.datetime:
    """Return when an offer made now lapses, in UTC."""
    zone = zone or ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])
    return outside_quiet_hours(now + dt.timedelta(hours=offer_hours(now, starts_on, zone)), zone)
