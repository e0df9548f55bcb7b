"""Coordinators run the season: create, edit, copy, publish and cancel programs, each rule
refused beside its field with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.store import programs as season
from jasperrec.store.coordinators import list_coordinators
from jasperrec.store.errors import StatusChangeError
from jasperrec.store.models import Program
from jasperrec.store.models import ProgramStatus
from jasperrec.store.models import ProgramStatusChange
from tests import factories
from tests.store.test_registrations import register

YEAR = dt.date.today().year + 1


@pytest.fixture
def coordinator(make_staff: Any) -> Any:
    return make_staff(Role.PROGRAM_COORDINATOR, departments=[])


@pytest.fixture
def signed_in(client: FlaskClient, staff_log_in: Any, coordinator: Any) -> FlaskClient:
    staff_log_in(coordinator)
    return client


def form(**changes: str) -> dict[str, str]:
    """A valid new program: Tuesday evenings and Saturday mornings in March, one holiday."""
    section = factories.ProgramCategoryFactory(slug="day-camps")
    data = {
        "name": "Junior Climbers",
        "category": str(section.id),
        "summary": "Bouldering basics on the Activity Centre wall.",
        "description": "Footwork, falling safely and route reading.",
        "facility": "Jasper Activity Centre",
        "instructor": "Kim Lee",
        "min_age": "8",
        "max_age": "12",
        "meetings-0-first_day": f"{YEAR}-03-02",
        "meetings-0-last_day": f"{YEAR}-03-30",
        "meetings-0-days": "2",
        "meetings-0-start": "18:00",
        "meetings-0-end": "19:00",
        "meetings-0-skipped": f"{YEAR}-03-16",
        "meetings-1-first_day": f"{YEAR}-03-06",
        "meetings-1-last_day": f"{YEAR}-03-27",
        "meetings-1-days": "6",
        "meetings-1-start": "09:00",
        "meetings-1-end": "10:30",
        "registration_opens": f"{YEAR}-02-01T19:00",
        "registration_closes": f"{YEAR}-02-28T23:59",
        "price": "120.00",
        "non_resident_price": "150.00",
        "gst": "exempt",
        "capacity": "10",
        "min_participants": "4",
        "level": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def program_count() -> int:
    return int(db.session.scalar(sa.select(sa.func.count(Program.id))) or 0)


def test_a_coordinator_creates_a_draft_with_two_meeting_patterns(signed_in: FlaskClient) -> None:
    response = signed_in.post("/staff/programs/new", data=form())
    assert response.status_code == 302, response.text
    program = db.session.scalar(sa.select(Program).where(Program.name == "Junior Climbers"))
    assert program.status is ProgramStatus.DRAFT
    assert [(m.weekdays, m.start_time) for m in program.meetings] == [
        ("2", dt.time(18)),
        ("6", dt.time(9)),
    ]
    assert program.meetings[0].skipped_dates == [f"{YEAR}-03-16"]
    assert (program.starts_on, program.ends_on) == (dt.date(YEAR, 3, 2), dt.date(YEAR, 3, 30))
    # 19:00 in Jasper on February 1 is 02:00 UTC on February 2 (MST, UTC-7).
    assert program.registration_opens_at == dt.datetime(YEAR, 2, 2, 2, 0, tzinfo=dt.UTC)
    assert (program.price_cents, program.non_resident_price_cents) == (12_000, 15_000)
    assert not program.is_taxable
    assert program.instructor == "Kim Lee"
    page = signed_in.get(response.headers["Location"]).text
    assert "Junior Climbers" in page
    assert "Draft" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"meetings-0-last_day": f"{YEAR}-02-01"}, "meetings", "last day must not be before"),
        ({"meetings-0-end": "17:00"}, "meetings", "end time must be after"),
        ({"registration_closes": f"{YEAR}-01-01T10:00"}, "registration_closes", "close after"),
        ({"price": "-1"}, "price", "from $0 to $100,000"),
        ({"price": "100000.01"}, "price", "from $0 to $100,000"),
        ({"non_resident_price": "100.00"}, "non_resident_price", "not be below the resident"),
        ({"gst": "taxable"}, "gst", "GST-exempt"),
        ({"max_age": "40", "gst": "exempt"}, "gst", "GST-exempt"),
        ({"max_age": "6"}, "max_age", "not be below the youngest"),
        ({"min_participants": "11"}, "min_participants", "from 1 to the capacity"),
        ({"meetings-0-skipped": "next tuesday"}, "meetings-0-skipped", "year-month-day"),
        ({"meetings-0-skipped": f"{YEAR}-05-05"}, "meetings", "not within its dates"),
        ({"meetings-0-days": None, "meetings-1-days": None}, "meetings", "days of the week"),
        ({"meetings-0-start": ""}, "meetings-0-start", "Enter the starts at"),
        ({"name": ""}, "name", "required"),
        ({"held_back_spaces": "11"}, "held_back_spaces", "from none to all of the spaces"),
        ({"held_back_spaces": "-1"}, "held_back_spaces", "Number must be"),
    ],
)
def test_bad_details_are_refused_beside_the_field_and_nothing_is_written(
    signed_in: FlaskClient, changes: dict[str, str], field: str, message: str
) -> None:
    before = program_count()
    response = signed_in.post("/staff/programs/new", data=form(**changes))
    assert response.status_code == 400
    assert message in response.text
    assert f'href="#{field}"' in response.text
    assert program_count() == before


def test_no_meeting_at_all_is_refused(signed_in: FlaskClient) -> None:
    data = {k: v for k, v in form().items() if not k.startswith("meetings-")}
    response = signed_in.post("/staff/programs/new", data=data)
    assert response.status_code == 400
    assert "Add at least one meeting" in response.text


def test_capacity_cannot_drop_below_those_registered(signed_in: FlaskClient, user: Any) -> None:
    program = factories.ProgramFactory(capacity=5)
    for _ in range(3):
        register(user, program, factories.HouseholdMemberFactory(user=user))
    data = form(capacity="2", name=program.name)
    response = signed_in.post(f"/staff/programs/{program.id}", data=data)
    assert response.status_code == 400
    assert "3 people are registered already" in response.text
    db.session.refresh(program)
    assert program.capacity == 5
    assert program.name != "Junior Climbers"


def test_a_prerequisite_cycle_is_refused(signed_in: FlaskClient, coordinator: Any) -> None:
    level_1, level_2 = factories.ProgramFactory(), factories.ProgramFactory()
    level_2.prerequisites = [level_1]
    db.session.flush()
    response = signed_in.post(
        f"/staff/programs/{level_1.id}", data=form(prerequisites=str(level_2.id))
    )
    assert response.status_code == 400
    assert "a prerequisite of itself" in response.text
    db.session.refresh(level_1)
    assert level_1.prerequisites == []


def test_editing_keeps_the_form_filled_and_saves_changes(signed_in: FlaskClient) -> None:
    program = factories.ProgramFactory(name="Swim Level 7", weekdays="24")
    page = signed_in.get(f"/staff/programs/{program.id}").text
    assert 'value="Swim Level 7"' in page
    response = signed_in.post(f"/staff/programs/{program.id}", data=form(name="Swim Level 8"))
    assert response.status_code == 302
    db.session.refresh(program)
    assert program.name == "Swim Level 8"
    assert len(program.meetings) == 2


def test_publish_then_cancel_records_who_and_tells_registrants(
    signed_in: FlaskClient, coordinator: Any, user: Any, outbox: list[Any]
) -> None:
    program = factories.ProgramFactory(is_published=False)
    signed_in.post(f"/staff/programs/{program.id}/status", data={"to": "published"})
    assert program.status is ProgramStatus.PUBLISHED
    register(user, program)
    db.session.commit()
    refused = signed_in.post(f"/staff/programs/{program.id}/status", data={"to": "cancelled"})
    assert refused.status_code == 302
    assert program.status is ProgramStatus.PUBLISHED
    signed_in.post(
        f"/staff/programs/{program.id}/status",
        data={"to": "cancelled", "reason": "The pool is closed for repairs."},
    )
    assert program.status is ProgramStatus.CANCELLED
    changes = db.session.scalars(sa.select(ProgramStatusChange)).all()
    assert [(c.to_status, c.changed_by_id) for c in changes] == [
        (ProgramStatus.PUBLISHED, coordinator.id),
        (ProgramStatus.CANCELLED, coordinator.id),
    ]
    (mail,) = [m for m in outbox if "Cancelled" in m["Subject"]]
    assert mail["To"] == user.email
    assert "closed for repairs" in mail.get_body(("plain",)).get_content()


def test_a_cancelled_program_cannot_be_published_again(coordinator: Any) -> None:
    program = factories.ProgramFactory()
    season.change_status(coordinator, program, ProgramStatus.CANCELLED, "Too few registered.")
    with pytest.raises(StatusChangeError):
        season.change_status(coordinator, program, ProgramStatus.PUBLISHED)


def test_withdrawing_a_program_with_registrations_is_refused(coordinator: Any, user: Any) -> None:
    program = factories.ProgramFactory()
    register(user, program)
    with pytest.raises(StatusChangeError, match="cancel it instead"):
        season.change_status(coordinator, program, ProgramStatus.DRAFT)


def test_copy_for_next_season_moves_every_date_by_whole_weeks(signed_in: FlaskClient) -> None:
    signed_in.post("/staff/programs/new", data=form())
    program = db.session.scalar(sa.select(Program).where(Program.name == "Junior Climbers"))
    response = signed_in.post(
        f"/staff/programs/{program.id}/copy", data={"first_day": f"{YEAR}-04-06"}
    )
    copy = db.session.scalars(sa.select(Program).order_by(Program.id.desc())).first()
    assert response.headers["Location"].endswith(f"/staff/programs/{copy.id}")
    assert copy.status is ProgramStatus.DRAFT
    assert copy.slug != program.slug
    assert copy.starts_on == dt.date(YEAR, 4, 6)
    assert copy.meetings[0].skipped_dates == [f"{YEAR}-04-20"]
    assert copy.registration_opens_at == program.registration_opens_at + dt.timedelta(weeks=5)


def test_a_copy_must_start_on_the_same_weekday(signed_in: FlaskClient) -> None:
    program = factories.ProgramFactory(starts_on=dt.date(YEAR, 3, 2))
    before = program_count()
    response = signed_in.post(
        f"/staff/programs/{program.id}/copy",
        data={"first_day": f"{YEAR}-04-08"},
        follow_redirects=True,
    )
    assert "Choose a Tuesday" in response.text
    assert program_count() == before


def test_the_program_list_filters_and_costs_the_same_queries(
    signed_in: FlaskClient, count_queries: Any
) -> None:
    factories.ProgramFactory(name="Aquafit")
    baseline = count_queries(lambda: signed_in.get("/staff/programs"))
    for n in range(30):
        factories.ProgramFactory(name=f"Swim {n}")
    assert count_queries(lambda: signed_in.get("/staff/programs")) == baseline
    page = signed_in.get("/staff/programs?q=aqua").text
    assert "Aquafit" in page
    assert "Swim 3" not in page
    assert "1 program." in page


def test_others_without_the_permission_are_refused(
    client: FlaskClient, staff_log_in: Any, make_staff: Any
) -> None:
    staff_log_in(make_staff(Role.HELPDESK_AGENT))
    assert client.get("/staff/programs").status_code == 403
    assert client.post("/staff/programs/new", data={}).status_code == 403


def test_sections_are_added_renamed_and_removed_only_when_empty(signed_in: FlaskClient) -> None:
    used = factories.ProgramFactory().category
    signed_in.post("/staff/program-sections", data={"name": "Outdoor adventures"})
    response = signed_in.post("/staff/program-sections", data={"name": "outdoor adventures"})
    assert response.status_code == 400
    assert "already a section" in response.text
    page = signed_in.get("/staff/program-sections").text
    assert "Outdoor adventures" in page
    signed_in.post(f"/staff/program-sections/{used.id}/delete", data={})
    assert db.session.get(type(used), used.id) is not None
    signed_in.post(f"/staff/program-sections/{used.id}", data={f"s{used.id}-name": "Swimming"})
    assert used.name == "Swimming"
    assert used.slug == "swimming"


def test_held_back_spaces_and_coordinators_are_saved_and_copied(
    signed_in: FlaskClient, coordinator: Any, make_staff: Any
) -> None:
    colleague = make_staff(Role.PROGRAM_COORDINATOR, departments=[])
    page = signed_in.get("/staff/programs/new").text
    assert f'<option selected value="{coordinator.id}">' in page  # the creator, at first
    data = form(held_back_spaces="3") | {"coordinators": [str(colleague.id), str(coordinator.id)]}
    signed_in.post("/staff/programs/new", data=data)
    program = db.session.scalar(sa.select(Program).where(Program.name == "Junior Climbers"))
    assert program.held_back_spaces == 3
    assert {u.id for u in list_coordinators(program.id)} == {colleague.id, coordinator.id}
    signed_in.post(f"/staff/programs/{program.id}/copy", data={"first_day": f"{YEAR}-04-06"})
    copy = db.session.scalars(sa.select(Program).order_by(Program.id.desc())).first()
    assert {u.id for u in list_coordinators(copy.id)} == {colleague.id, coordinator.id}
    assert copy.held_back_spaces == 3


def test_only_coordinators_may_be_named_to_run_a_program(
    signed_in: FlaskClient, make_staff: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    before = program_count()
    response = signed_in.post(
        "/staff/programs/new", data=form() | {"coordinators": [str(agent.id)]}
    )
    assert response.status_code == 400
    assert program_count() == before
