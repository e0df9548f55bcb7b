"""Registration opens to the minute in Jasper time, closes on time, and asks for the
prerequisites or staff approval a program names."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.store import catalogue
from jasperrec.store import prices
from jasperrec.store import rules
from jasperrec.store import service
from jasperrec.store.errors import NotEligibleError
from jasperrec.store.errors import RegistrationClosedError
from jasperrec.store.rules import Window
from tests import factories
from tests.store.test_registrations import register

# 19:00 on March 1, 2027 in Jasper (MST, UTC-7) is 02:00 UTC on March 2.
OPENS = dt.datetime(2027, 3, 2, 2, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (OPENS - MINUTE, Window.NOT_YET),
        (OPENS - dt.timedelta(seconds=1), Window.NOT_YET),
        (OPENS, Window.OPEN),
        (OPENS + MINUTE, Window.OPEN),
    ],
)
def test_registration_opens_to_the_minute_in_jasper_time(
    app: Any, now: dt.datetime, state: Window
) -> None:
    program = factories.ProgramFactory(
        starts_on=dt.date(2027, 4, 6), ends_on=dt.date(2027, 5, 4), registration_opens_at=OPENS
    )
    assert rules.window(program, now) is state


def test_the_notice_says_when_registration_opens_in_local_time(app: Any) -> None:
    program = factories.ProgramFactory(registration_opens_at=OPENS)
    assert rules.opens_notice(program) == "Registration opens March 1, 2027 at 7 p.m."


def test_registration_closes_at_its_set_time_or_as_the_first_day_begins(app: Any) -> None:
    program = factories.ProgramFactory(starts_on=dt.date(2027, 4, 6), ends_on=dt.date(2027, 5, 4))
    # Midnight in Jasper on April 6 (MDT, UTC-6) is 06:00 UTC.
    first_day = dt.datetime(2027, 4, 6, 6, 0, tzinfo=dt.UTC)
    assert rules.window(program, first_day - MINUTE) is Window.OPEN
    assert rules.window(program, first_day) is Window.CLOSED
    program.registration_closes_at = first_day - dt.timedelta(days=3)
    assert rules.window(program, first_day - dt.timedelta(days=3)) is Window.CLOSED


def test_a_program_not_yet_open_is_refused_and_says_when(app: Any, user: Any) -> None:
    program = factories.ProgramFactory(registration_opens_at=utcnow() + dt.timedelta(hours=2))
    with pytest.raises(RegistrationClosedError, match="Registration opens"):
        service.add_program_to_cart(user, program.slug, None)
    listing = service.get_program(program.slug)
    assert listing.opens_later
    assert not listing.registration_open


def test_the_guide_and_program_page_say_registration_opens(app: Any, client: Any) -> None:
    program = factories.ProgramFactory(
        name="Spring Swim", registration_opens_at=utcnow() + dt.timedelta(days=3)
    )
    assert "Registration opens" in client.get("/store/programs").text
    page = client.get(f"/store/programs/{program.slug}").text
    assert "Registration opens" in page
    assert "Add to cart" not in page


def test_the_home_page_lists_programs_opening_soon(app: Any, client: Any) -> None:
    soon = factories.ProgramFactory(
        name="Opening Soon Swim", registration_opens_at=utcnow() + dt.timedelta(days=5)
    )
    factories.ProgramFactory(
        name="Opening Later Swim", registration_opens_at=utcnow() + dt.timedelta(days=40)
    )
    listed = [x.program for x in catalogue.opening_soon()]
    assert listed == [soon]
    page = client.get("/").text
    assert "Registration opening soon" in page
    assert "Opening Soon Swim" in page
    assert "Opening Later Swim" not in page


def test_a_prerequisite_is_needed_unless_its_level_was_completed(app: Any, user: Any) -> None:
    maya = factories.HouseholdMemberFactory(user=user, first_name="Maya")
    last_year = factories.ProgramFactory(
        name="Swim Kids 3 (fall)", level="Swim Kids 3",
        starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 10, 20),
    )  # fmt: skip
    this_year = factories.ProgramFactory(name="Swim Kids 3 (spring)", level="Swim Kids 3")
    level_4 = factories.ProgramFactory(name="Swim Kids 4", min_age=None, max_age=None)
    level_4.prerequisites = [this_year]
    db.session.flush()
    with pytest.raises(NotEligibleError, match="completed Swim Kids 3"):
        service.add_program_to_cart(user, level_4.slug, maya.id)
    register(user, last_year, maya)  # the same level, an earlier season
    assert service.add_program_to_cart(user, level_4.slug, maya.id)


def test_staff_approval_stands_in_for_a_prerequisite(app: Any, user: Any) -> None:
    coordinator = factories.StaffFactory()
    maya = factories.HouseholdMemberFactory(user=user, first_name="Maya")
    team = factories.ProgramFactory(
        name="Swim Team", requires_approval=True, min_age=None, max_age=None
    )
    with pytest.raises(NotEligibleError, match="needs staff approval"):
        service.add_program_to_cart(user, team.slug, maya.id)
    with pytest.raises(NotEligibleError, match="Nobody called Sam"):
        rules.approve(coordinator, team, user.email, "Sam", None)
    rules.approve(coordinator, team, user.email.upper(), "maya", "Assessed at tryouts")
    with pytest.raises(NotEligibleError, match="approved for Swim Team already"):
        rules.approve(coordinator, team, user.email, "Maya", None)
    assert service.add_program_to_cart(user, team.slug, maya.id)
    # The approval is Maya's, not her parent's.
    with pytest.raises(NotEligibleError, match="needs staff approval"):
        service.add_program_to_cart(user, team.slug, None)


def test_a_cancelled_program_in_the_cart_is_flagged(app: Any, user: Any) -> None:
    from jasperrec.store import programs
    from jasperrec.store.models import ProgramStatus

    program = factories.ProgramFactory(min_age=None, max_age=None)
    service.add_program_to_cart(user, program.slug, None)
    coordinator = factories.StaffFactory()
    programs.change_status(coordinator, program, ProgramStatus.CANCELLED, "No instructor.")
    (line,) = prices.price_cart(user).lines
    assert line.closed_reason
    assert "cancelled" in line.closed_reason
