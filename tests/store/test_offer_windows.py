"""How long a waitlist offer stays open, and that none ends in the night."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from jasperrec.store.waitlist.windows import offer_deadline
from jasperrec.store.waitlist.windows import offer_hours
from jasperrec.store.waitlist.windows import outside_quiet_hours

EDMONTON = ZoneInfo("America/Edmonton")
# Monday 2 March 2026, 10:00 in Edmonton (MST, UTC-7).
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=EDMONTON)


def local(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=EDMONTON)


@pytest.mark.parametrize(
    ("days_to_start", "hours"),
    [(60, 48), (14, 48), (13, 24), (7, 24), (6, 4), (1, 4), (0, 4), (-3, 4)],
)
def test_the_window_shortens_as_the_program_nears(days_to_start: int, hours: int) -> None:
    starts_on = NOW.date() + dt.timedelta(days=days_to_start)
    assert offer_hours(NOW, starts_on, EDMONTON) == hours


@pytest.mark.parametrize(
    ("deadline", "moved_to"),
    [
        (local(2, 21, 59), local(2, 21, 59)),
        (local(2, 22, 0), local(3, 7, 0)),
        (local(2, 23, 30), local(3, 7, 0)),
        (local(3, 0, 0), local(3, 7, 0)),
        (local(3, 6, 59), local(3, 7, 0)),
        (local(3, 7, 0), local(3, 7, 0)),
        (local(3, 12, 0), local(3, 12, 0)),
    ],
)
def test_no_window_ends_between_ten_at_night_and_seven_in_the_morning(
    deadline: dt.datetime, moved_to: dt.datetime
) -> None:
    assert outside_quiet_hours(deadline, EDMONTON) == moved_to


def test_an_evening_offer_in_the_last_week_ends_at_seven_the_next_morning() -> None:
    now = local(2, 20, 0)
    assert offer_deadline(now, now.date() + dt.timedelta(days=3), EDMONTON) == local(3, 7, 0)


def test_a_far_out_offer_gives_two_days_to_the_minute() -> None:
    deadline = offer_deadline(NOW, NOW.date() + dt.timedelta(days=30), EDMONTON)
    assert deadline == local(4, 10, 0)
    assert deadline.tzinfo is dt.UTC


def test_quiet_hours_follow_local_time_across_the_spring_clock_change() -> None:
    # 8 March 2026: clocks go forward at 02:00 in Edmonton; 07:00 is then UTC-6.
    moved = outside_quiet_hours(local(8, 1, 0), EDMONTON)
    assert moved == dt.datetime(2026, 3, 8, 13, 0, tzinfo=dt.UTC)
