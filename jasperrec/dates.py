"""How the site writes dates and times: one style, Canadian Press, on every page and email."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app


def day(value: dt.date) -> str:
    """Show a calendar date the way the program guide prints it: January 5, 2027."""
    return f"{value:%B} {value.day}, {value.year}"


def clock(value: dt.time) -> str:
    """Show a wall-clock time in Canadian Press style: 5:30 p.m., 9 a.m., noon, midnight."""
    if value.minute == 0 and value.hour in (0, 12):
        return "noon" if value.hour == 12 else "midnight"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes} {'a.m.' if value.hour < 12 else 'p.m.'}"


def age_on(birthday: dt.date, day: dt.date) -> int:
    """Return someone's age in whole years on a day, as program ages count it."""
    return day.year - birthday.year - ((day.month, day.day) < (birthday.month, birthday.day))


def local_today() -> dt.date:
    """Return today's date in the municipality, which decides ages and who may still register."""
    return dt.datetime.now(ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])).date()


def local_time(value: Any, fmt: str | None = None) -> str:
    """Show a stored UTC time in the municipality's time zone: December 1, 2026 at 3 p.m.

    ``fmt`` is a strftime pattern for the staff console's dense tables; residents see the
    site's one style.
    """
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"]))
    if fmt is not None:
        return str(local.strftime(fmt))
    return f"{day(local.date())} at {clock(local.time())}"


def end_sentence(text: str) -> str:
    """Close a sentence after a time without doubling the period of a.m. or p.m."""
    return text if text.endswith(".") else f"{text}."


def time_left(until: dt.datetime, now: dt.datetime | None = None) -> str:
    """Say how long until a moment, in whole minutes as a clock on a wall would: 27 minutes."""
    seconds = (until - (now or dt.datetime.now(dt.UTC))).total_seconds()
    if seconds <= 0:
        return "no time"
    if seconds < 60:
        return "less than a minute"
    minutes = int(seconds // 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"
