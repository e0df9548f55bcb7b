"""Rosters: each participant with age and whom to call; medical notes for the coordinators only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.extensions import db
from jasperrec.staff import rosters
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from jasperrec.store.models import RegistrationStatus
from tests import factories
from tests.staff.roster_world import NOTES
from tests.staff.roster_world import RosterWorld
from tests.staff.roster_world import build
from tests.staff.roster_world import family
from tests.store.test_registrations import register

Counter = Callable[[Callable[[], Any]], int]


@pytest.fixture
def world(make_staff: Any) -> RosterWorld:
    return build(make_staff)


def last_entry() -> AuditEntry:
    return db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()


def test_the_program_s_coordinator_sees_the_medical_notes(world: RosterWorld) -> None:
    roster = rosters.open_roster(world.coordinator, world.program.id)

    [maya] = roster.participants
    assert roster.shows_notes
    assert maya.medical_notes == NOTES


def test_another_coordinator_sees_that_notes_exist_but_not_what_they_say(
    client: FlaskClient, staff_log_in: Any, world: RosterWorld
) -> None:
    roster = rosters.open_roster(world.other_coordinator, world.program.id)
    assert not roster.shows_notes
    assert roster.participants[0].medical_notes is None

    staff_log_in(world.other_coordinator)
    page = client.get(f"/staff/rosters/{world.program.id}").get_data(as_text=True)
    assert NOTES not in page
    assert "Shown to this program&#39;s coordinators only" in page


def test_the_roster_shows_age_on_the_start_date_and_whom_to_call(
    client: FlaskClient, staff_log_in: Any, world: RosterWorld
) -> None:
    staff_log_in(world.coordinator)

    page = client.get(f"/staff/rosters/{world.program.id}").get_data(as_text=True)

    row = page[page.index("Maya Tremblay") :]
    # Born 12 April 2017, the program starts 12 April 2031: her birthday, so 14.
    assert '<span class="cell-label">Age at start: </span>14<' in row
    for shown in ("Alex Tremblay", "780-852-3356", "Jeanne Tremblay (grandmother)", NOTES):
        assert shown in row


def test_every_roster_view_is_audited_with_the_residents_it_names(world: RosterWorld) -> None:
    rosters.open_roster(world.other_coordinator, world.program.id)

    entry = last_entry()
    assert (entry.staff_id, entry.kind, entry.purpose) == (
        world.other_coordinator.id,
        AccessKind.ROSTER,
        AccessPurpose.PROGRAM_ROSTER,
    )
    assert (entry.record_type, entry.record_id) == ("program roster", world.program.id)
    assert [s.resident_id for s in entry.shown] == [world.parent.id]
    assert "medical notes withheld" in (entry.detail or "")


@pytest.mark.parametrize(
    "status", [RegistrationStatus.HELD, RegistrationStatus.CANCELLED], ids=["held", "cancelled"]
)
def test_only_confirmed_participants_are_on_the_roster(
    world: RosterWorld, status: RegistrationStatus
) -> None:
    other = factories.UserFactory()
    register(other, world.program).status = status

    names = [p.name for p in rosters.open_roster(world.coordinator, world.program.id).participants]

    assert names == ["Maya Tremblay"]


def test_an_unknown_program_is_not_found(
    client: FlaskClient, staff_log_in: Any, world: RosterWorld
) -> None:
    staff_log_in(world.coordinator)
    assert client.get("/staff/rosters/999999").status_code == 404


def test_the_roster_page_is_a_fixed_number_of_queries(
    client: FlaskClient, staff_log_in: Any, world: RosterWorld, count_queries: Counter
) -> None:
    staff_log_in(world.coordinator)
    url = f"/staff/rosters/{world.program.id}"
    client.get(url)
    one = count_queries(lambda: client.get(url))
    world.program.capacity = 40
    for n in range(6):
        family(world.program, first=f"Kid{n}")
    db.session.commit()

    assert count_queries(lambda: client.get(url)) == one


def test_the_roster_prints_without_the_console_around_it(
    client: FlaskClient, staff_log_in: Any, world: RosterWorld
) -> None:
    staff_log_in(world.coordinator)
    page = client.get(f"/staff/rosters/{world.program.id}").get_data(as_text=True)
    css = (Path(__file__).parents[2] / "jasperrec" / "static" / "site.css").read_text()
    print_rules = css[css.index("@media print") :]

    assert ".console-nav" in print_rules
    assert ".console-footer" in print_rules
    assert 'class="no-print"><a href="/staff/rosters">Back to rosters</a>' in page


def names(page: rosters.ProgramPage) -> list[str]:
    return [row.name for row in page.rows]


def test_the_program_list_counts_registered_paying_and_held_back(world: RosterWorld) -> None:
    register(factories.UserFactory(), world.program).status = RegistrationStatus.HELD

    [row] = rosters.list_programs(world.coordinator, rosters.ProgramFilter()).rows

    assert (row.registered, row.held, row.capacity, row.held_back) == (1, 1, 8, 2)
    assert (row.left_online, row.left_at_desk, row.is_mine) == (4, 6, True)


def test_the_program_list_filters_by_name_category_dates_and_own_programs(
    world: RosterWorld,
) -> None:
    arts = factories.ProgramCategoryFactory(slug="arts-and-culture")
    later = factories.ProgramFactory(name="Pottery", starts_on=dt.date(2031, 6, 1), category=arts)
    staff = world.coordinator

    def found(**filters: Any) -> list[str]:
        return names(rosters.list_programs(staff, rosters.ProgramFilter(**filters)))

    assert found() == ["Swim Kids 3", "Pottery"]
    assert found(text="pott") == ["Pottery"]
    assert found(category="arts-and-culture") == ["Pottery"]
    assert found(category="aquatics") == ["Swim Kids 3"]
    assert found(starts_from=dt.date(2031, 5, 1)) == ["Pottery"]
    assert found(starts_to=dt.date(2031, 5, 1)) == ["Swim Kids 3"]
    assert found(mine_only=True) == ["Swim Kids 3"]
    assert later.name not in found(mine_only=True)


def test_the_program_list_pages_and_a_page_past_the_last_shows_the_last(
    world: RosterWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rosters, "PAGE_SIZE", 1)
    factories.ProgramFactory(name="Pottery", starts_on=dt.date(2031, 6, 1))

    page = rosters.list_programs(world.coordinator, rosters.ProgramFilter(page=9))

    assert (page.page, page.pages, page.total, names(page)) == (2, 2, 2, ["Pottery"])


def test_the_list_page_filters_from_the_query_string(
    client: FlaskClient, staff_log_in: Any, world: RosterWorld
) -> None:
    factories.ProgramFactory(name="Pottery")
    db.session.commit()
    staff_log_in(world.coordinator)

    page = client.get("/staff/rosters?q=swim&mine=y&category=aquatics").get_data(as_text=True)

    assert "Swim Kids 3" in page
    assert "Pottery" not in page
    assert "You coordinate" in page


def test_the_list_page_is_a_fixed_number_of_queries(
    client: FlaskClient, staff_log_in: Any, world: RosterWorld, count_queries: Counter
) -> None:
    staff_log_in(world.coordinator)
    client.get("/staff/rosters")
    one = count_queries(lambda: client.get("/staff/rosters"))
    for _ in range(12):
        register(factories.UserFactory(), factories.ProgramFactory())
    db.session.commit()

    assert count_queries(lambda: client.get("/staff/rosters")) == one
