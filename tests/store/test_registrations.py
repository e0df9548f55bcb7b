"""My registrations: per household member, every session to come, the past, and a calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import icalendar
import pytest
from flask.testing import FlaskClient

from jasperrec.extensions import db
from jasperrec.store import registrations
from jasperrec.store.models import ProgramMeeting
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories

# A Monday; the programs below are in January and February 2027.
TODAY = dt.date(2027, 1, 4)
CONFIRMED = RegistrationStatus.CONFIRMED


def register(user: Any, program: Any, member: Any = None, **fields: Any) -> Any:
    """A registration of the user (or a household member) in the program, through an order."""
    order = factories.OrderFactory(user=user, **fields)
    line = order.lines[0]
    line.program = program
    line.registration = Registration(
        program=program, user_id=user.id, household_member=member, status=CONFIRMED
    )
    db.session.flush()
    return line.registration


@pytest.fixture
def family(user: Any) -> dict[str, Any]:
    """A parent, a child in swim lessons twice a week, and the parent's past yoga class."""
    maya = factories.HouseholdMemberFactory(user=user, first_name="Maya", last_name="Tremblay")
    swim = factories.ProgramFactory(
        name="Swim Level 3",
        starts_on=dt.date(2027, 1, 5),
        ends_on=dt.date(2027, 1, 14),
        weekdays="24",
        start_time=dt.time(17, 30),
        end_time=dt.time(18, 15),
        facility="Jasper Aquatic Centre",
    )
    yoga = factories.ProgramFactory(
        name="Morning Yoga",
        starts_on=dt.date(2026, 11, 2),
        ends_on=dt.date(2026, 11, 30),
        weekdays="1",
        start_time=dt.time(9),
        end_time=dt.time(10),
        facility="Activity Centre",
    )
    return {
        "maya": maya,
        "swim": register(user, swim, maya),
        "yoga": register(user, yoga),
        "swim_program": swim,
    }


def by_name(people: list[registrations.PersonRegistrations]) -> dict[str, Any]:
    return {person.name: person for person in people}


def test_each_person_sees_their_upcoming_programs_with_every_session(
    app: Any, user: Any, family: dict[str, Any]
) -> None:
    people = by_name(registrations.list_registrations(user, TODAY))
    (swim,) = people["Maya Tremblay"].upcoming
    assert swim.schedule == "Tuesdays and Thursdays, 5:30 p.m. to 6:15 p.m., January 5 to 14"
    days = [s.starts_at.date() for s in swim.sessions]
    assert days == [dt.date(2027, 1, d) for d in (5, 7, 12, 14)]
    first = swim.sessions[0]
    assert (first.starts_at.hour, first.starts_at.minute, first.ends_at.hour) == (17, 30, 18)
    assert str(first.starts_at.tzinfo) == "America/Edmonton"
    assert first.place == "Jasper Aquatic Centre"


def test_a_finished_program_is_past_and_today_s_sessions_still_count(
    app: Any, user: Any, family: dict[str, Any]
) -> None:
    parent = registrations.list_registrations(user, TODAY)[0]
    assert parent.is_account_holder
    assert parent.upcoming == []
    assert [e.program.name for e in parent.past] == ["Morning Yoga"]
    later = by_name(registrations.list_registrations(user, dt.date(2027, 1, 12)))
    (swim,) = later["Maya Tremblay"].upcoming
    assert [s.starts_at.day for s in swim.sessions] == [12, 14]


def test_the_account_holder_comes_first_and_members_without_programs_are_listed(
    app: Any, user: Any, family: dict[str, Any]
) -> None:
    factories.HouseholdMemberFactory(user=user, first_name="Zoe", last_name="Tremblay")
    names = [p.name for p in registrations.list_registrations(user, TODAY)]
    assert names == [user.full_name, "Maya Tremblay", "Zoe Tremblay"]


def test_cancelled_registrations_and_other_households_are_not_shown(
    app: Any, user: Any, family: dict[str, Any]
) -> None:
    family["swim"].status = RegistrationStatus.CANCELLED
    register(factories.UserFactory(), family["swim_program"])
    people = by_name(registrations.list_registrations(user, TODAY))
    assert people["Maya Tremblay"].upcoming == []
    assert sum(len(p.upcoming) + len(p.past) for p in people.values()) == 1


def test_a_held_space_shows_as_awaiting_payment(
    app: Any, user: Any, family: dict[str, Any]
) -> None:
    family["swim"].status = RegistrationStatus.HELD
    (swim,) = by_name(registrations.list_registrations(user, TODAY))["Maya Tremblay"].upcoming
    assert not swim.is_confirmed


def test_a_one_day_program_has_its_one_session_whatever_its_weekdays(app: Any, user: Any) -> None:
    day = factories.ProgramFactory(
        starts_on=dt.date(2027, 1, 9), ends_on=dt.date(2027, 1, 9), weekdays="1"
    )
    register(user, day)
    (item,) = registrations.list_registrations(user, TODAY)[0].upcoming
    assert [s.starts_at.date() for s in item.sessions] == [dt.date(2027, 1, 9)]


def test_the_page_lists_sessions_per_person(
    client: FlaskClient, log_in: Any, user: Any, family: dict[str, Any], monkeypatch: Any
) -> None:
    monkeypatch.setattr(registrations, "local_today", lambda now=None: TODAY)
    log_in(user)
    page = client.get("/store/registrations").get_data(as_text=True)
    assert "Maya Tremblay" in page
    assert "Tuesday, January 5, 2027" in page
    assert "5:30 p.m. to 6:15 p.m." in page
    assert "4 sessions to come" in page
    assert "Past programs" in page
    assert "Morning Yoga" in page
    assert 'href="/store/registrations.ics"' in page


def test_the_page_needs_sign_in(client: FlaskClient) -> None:
    assert client.get("/store/registrations").status_code == 302
    assert client.get("/store/registrations.ics").status_code == 302


def test_the_account_page_links_to_it(client: FlaskClient, log_in: Any, user: Any) -> None:
    log_in(user)
    assert 'href="/store/registrations"' in client.get("/auth/account").get_data(as_text=True)


def test_the_calendar_has_one_weekly_series_per_upcoming_registration(
    client: FlaskClient, log_in: Any, user: Any, family: dict[str, Any], monkeypatch: Any
) -> None:
    monkeypatch.setattr(registrations, "local_today", lambda now=None: TODAY)
    log_in(user)
    response = client.get("/store/registrations.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1  # yoga is over
    (swim,) = events
    assert str(swim["summary"]) == "Swim Level 3 (Maya Tremblay)"
    assert str(swim["location"]) == "Jasper Aquatic Centre"
    start = swim.decoded("dtstart")
    assert (start.date(), start.hour, start.minute) == (dt.date(2027, 1, 5), 17, 30)
    assert swim["dtstart"].params["TZID"] == "America/Edmonton"
    rule = swim["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["BYDAY"] == ["TU", "TH"]
    assert rule["UNTIL"][0] == dt.datetime(2027, 1, 15, 1, 15, tzinfo=dt.UTC)
    assert [c.name for c in calendar.walk("VTIMEZONE")] == ["VTIMEZONE"]


def test_the_page_is_a_fixed_number_of_queries(
    client: FlaskClient,
    log_in: Any,
    user: Any,
    family: dict[str, Any],
    count_queries: Callable[[Callable[[], Any]], int],
) -> None:
    log_in(user)
    client.get("/store/registrations")
    few = count_queries(lambda: client.get("/store/registrations"))
    for n in range(6):
        member = factories.HouseholdMemberFactory(user=user, first_name=f"Kid{n}")
        register(user, factories.ProgramFactory(), member)
    db.session.commit()
    assert count_queries(lambda: client.get("/store/registrations")) == few


def two_patterns(user: Any) -> Any:
    """Tuesday evenings (but not February 16) and Saturday mornings in February 2027."""
    program = factories.ProgramFactory(
        name="Kids Drama Club",
        starts_on=dt.date(2027, 2, 2),
        ends_on=dt.date(2027, 2, 27),
        meetings=[
            ProgramMeeting(
                starts_on=dt.date(2027, 2, 2), ends_on=dt.date(2027, 2, 23), weekdays="2",
                start_time=dt.time(16), end_time=dt.time(17, 15), skipped_dates=["2027-02-16"],
            ),
            ProgramMeeting(
                starts_on=dt.date(2027, 2, 6), ends_on=dt.date(2027, 2, 27), weekdays="6",
                start_time=dt.time(10), end_time=dt.time(12), skipped_dates=[],
            ),
        ],
    )  # fmt: skip
    return register(user, program)


def test_sessions_follow_every_meeting_pattern_less_skipped_days(app: Any, user: Any) -> None:
    two_patterns(user)
    (drama,) = registrations.list_registrations(user, TODAY)[0].upcoming
    starts = [(s.starts_at.date().isoformat(), s.starts_at.hour) for s in drama.sessions]
    assert starts == [
        ("2027-02-02", 16), ("2027-02-06", 10), ("2027-02-09", 16), ("2027-02-13", 10),
        ("2027-02-20", 10), ("2027-02-23", 16), ("2027-02-27", 10),
    ]  # fmt: skip
    assert drama.schedule == (
        "Tuesdays, 4 p.m. to 5:15 p.m., February 2 to 23 (not February 16); "
        "Saturdays, 10 a.m. to noon, February 6 to 27"
    )


def test_the_calendar_gives_each_pattern_its_series_and_skips_holidays(
    client: FlaskClient, log_in: Any, user: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(registrations, "local_today", lambda now=None: TODAY)
    two_patterns(user)
    log_in(user)
    calendar = icalendar.Calendar.from_ical(client.get("/store/registrations.ics").data)
    tuesday, saturday = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert tuesday["rrule"]["BYDAY"] == ["TU"]
    assert saturday["rrule"]["BYDAY"] == ["SA"]
    skipped = [entry.dt for entry in tuesday["exdate"].dts]
    assert [(d.date(), d.hour) for d in skipped] == [(dt.date(2027, 2, 16), 16)]
    assert "exdate" not in saturday
    assert saturday.decoded("dtstart").hour == 10
