"""The program form sets each program's withdrawal policy, defaulting to the department's."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.store.models import Program
from tests.staff.test_programs import form as program_form


def test_the_program_form_saves_a_withdrawal_policy(
    client: FlaskClient, staff_log_in: Any, make_staff: Any
) -> None:
    staff_log_in(make_staff(Role.PROGRAM_COORDINATOR, departments=[]))
    data = program_form(
        withdrawal_fee_percent="5", withdrawal_fee_cap="10.00", withdrawal_cutoff_days="14"
    )
    assert client.post("/staff/programs/new", data=data).status_code == 302
    program = db.session.scalars(sa.select(Program).where(Program.name == "Junior Climbers")).one()
    policy = (
        program.withdrawal_fee_percent,
        program.withdrawal_fee_cap_cents,
        program.withdrawal_cutoff_days,
    )
    assert policy == (5, 1_000, 14)
    page = client.get(f"/staff/programs/{program.id}").text
    assert 'value="10.00"' in page


def test_the_program_form_defaults_to_the_departments_policy(
    client: FlaskClient, staff_log_in: Any, make_staff: Any
) -> None:
    staff_log_in(make_staff(Role.PROGRAM_COORDINATOR, departments=[]))
    client.post("/staff/programs/new", data=program_form())
    program = db.session.scalars(sa.select(Program).where(Program.name == "Junior Climbers")).one()
    assert (program.withdrawal_fee_percent, program.withdrawal_fee_cap_cents) == (10, 1_500)
    assert program.withdrawal_cutoff_days == 7


def test_adding_the_policy_columns_kept_the_program_guides_search_triggers() -> None:
    if db.engine.dialect.name != "sqlite":
        return
    query = sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
    triggers = set(db.session.scalars(query))
    assert {"programs_fts_delete", "programs_fts_insert", "programs_fts_update"} <= triggers
