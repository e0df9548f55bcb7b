"""The roster as CSV: after re-authentication, audited, notes as on the page, formulas defused."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.extensions import db
from jasperrec.staff import roster_export
from jasperrec.staff import rosters
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from tests.staff.roster_world import NOTES
from tests.staff.roster_world import RosterWorld
from tests.staff.roster_world import build
from tests.staff.roster_world import family
from tests.staff.test_staff_sessions import age_sessions
from tests.staff.test_staff_sessions import reauthentication_target
from tests.staff.test_staff_sessions import same_place

INJECTION = "=cmd|' /C calc'!A0"


@pytest.fixture
def world(make_staff: Any) -> RosterWorld:
    return build(make_staff)


def rows(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body)))


def url(world: RosterWorld) -> str:
    return f"/staff/rosters/{world.program.id}/roster.csv"


def test_the_export_asks_for_the_password_and_code_again_after_five_minutes(
    client: FlaskClient, staff_log_in: Any, world: RosterWorld
) -> None:
    staff_log_in(world.coordinator)
    age_sessions(world.coordinator, reauthenticated_at=dt.timedelta(minutes=6))
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))

    response = client.get(url(world))

    assert same_place(reauthentication_target(response), url(world))
    after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert after == before


def test_a_recent_sign_in_downloads_the_roster_with_the_notes_for_its_coordinator(
    client: FlaskClient, staff_log_in: Any, world: RosterWorld
) -> None:
    staff_log_in(world.coordinator)

    response = client.get(url(world))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    [maya] = rows(response.get_data(as_text=True))
    assert maya["participant"] == "Maya Tremblay"
    assert maya["age on start date"] == "14"
    assert maya["emergency contact"] == "Jeanne Tremblay"
    assert maya["medical or allergy notes"] == NOTES


def test_another_coordinator_s_export_withholds_the_notes(world: RosterWorld) -> None:
    [maya] = rows(roster_export.export_roster(world.other_coordinator, world.program.id))

    assert maya["medical or allergy notes"] == rosters.NOTES_WITHHELD
    assert NOTES not in str(maya)


def test_the_export_is_audited_as_an_export_naming_the_residents(world: RosterWorld) -> None:
    roster_export.export_roster(world.coordinator, world.program.id)

    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.kind, entry.purpose, entry.record_id) == (
        AccessKind.EXPORT,
        AccessPurpose.PROGRAM_ROSTER,
        world.program.id,
    )
    assert [s.resident_id for s in entry.shown] == [world.parent.id]
    assert "roster CSV export" in (entry.detail or "")


def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted(world: RosterWorld) -> None:
    parent, child = family(world.program, first=INJECTION, notes="+1 call mom")
    child.last_name = "@SUM(A1)"
    parent.first_name = "-2+3"
    db.session.commit()

    body = roster_export.export_roster(world.coordinator, world.program.id)

    for row in rows(body):
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    assert f"'{INJECTION} @SUM(A1)" in body
    assert "'+1 call mom" in body


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("Maya", "Maya"),
        (None, ""),
    ],
)
def test_a_cell_is_quoted_only_when_it_starts_with_a_formula_character(
    text: str | None, cell: str
) -> None:
    assert roster_export.cell(text) == cell
