"""The front desk: each answer about a code, the visit it records, and what is logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec import dates
from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.staff import front_desk as desk
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from jasperrec.store.models import DeskAction
from jasperrec.store.models import DeskCheck
from jasperrec.store.models import DeskOutcome
from jasperrec.store.models import Visit
from tests import factories

POOL = "Jasper Aquatic Centre"
ARENA = "Jasper Arena"


@pytest.fixture
def agent(make_staff: Any) -> Any:
    factories.ProgramFactory(facility=POOL)
    factories.ProgramFactory(facility=ARENA)
    return make_staff(Role.HELPDESK_AGENT)


def _checks() -> list[DeskCheck]:
    return list(db.session.scalars(sa.select(DeskCheck).order_by(DeskCheck.id)))


def _audit() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


def _today() -> dt.date:
    return dates.local_today()


def _days(n: int) -> dt.date:
    return _today() + dt.timedelta(days=n)


# Dates are named and worked out when the test runs, so a run over midnight stays right.
CASES: dict[DeskOutcome, dict[str, Any]] = {
    DeskOutcome.VALID: {},
    DeskOutcome.EXPIRED: {"valid_from": "past", "valid_until": "yesterday"},
    DeskOutcome.NOT_STARTED: {"valid_from": "tomorrow", "valid_until": "later"},
    DeskOutcome.NO_VISITS_LEFT: {"visits_total": 10, "visits_used": 10},
    DeskOutcome.OTHER_FACILITY: {"facility": ARENA},
}


def _pass(fields: dict[str, Any]) -> Any:
    days = {"past": _days(-40), "yesterday": _days(-1), "tomorrow": _days(1), "later": _days(9)}
    return factories.EntitlementFactory(
        **{k: days.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}
    )


@pytest.mark.parametrize("outcome", list(CASES))
def test_a_look_up_says_whether_the_code_is_valid_and_logs_it(agent: Any, outcome: DeskOutcome):
    pass_ = _pass(CASES[outcome])

    answer = desk.look_up(agent, POOL, pass_.code.lower())

    assert answer.outcome is outcome
    assert answer.holder_name == pass_.holder_name
    assert answer.is_valid is (outcome is DeskOutcome.VALID)
    (check,) = _checks()
    assert (check.staff_id, check.facility, check.action, check.outcome) == (
        agent.id,
        POOL,
        DeskAction.LOOK_UP,
        outcome,
    )
    assert (check.code_typed, check.entitlement_id) == (pass_.code.lower(), pass_.id)


def test_an_unknown_code_is_answered_and_logged_without_naming_anyone(agent: Any):
    answer = desk.look_up(agent, POOL, "ABCDE23456")

    assert (answer.outcome, answer.holder_name) == (DeskOutcome.UNKNOWN, None)
    assert "No pass or membership has this code" in answer.reason
    (check,) = _checks()
    assert (check.code_typed, check.outcome, check.entitlement_id) == (
        "ABCDE23456",
        DeskOutcome.UNKNOWN,
        None,
    )
    assert _audit() == []


def test_showing_the_holder_is_a_staff_read_in_the_access_audit(agent: Any):
    pass_ = factories.EntitlementFactory()

    desk.look_up(agent, POOL, pass_.code)

    (entry,) = _audit()
    assert (entry.staff_id, entry.resident_id) == (agent.id, pass_.user_id)
    assert (entry.kind, entry.purpose) == (AccessKind.ENTITLEMENT, AccessPurpose.FRONT_DESK)
    assert (entry.record_type, entry.record_id) == ("entitlement", pass_.id)
    assert entry.detail == f"look up at {POOL}: valid"


def test_a_visit_is_recorded_on_a_valid_card(agent: Any):
    card = factories.EntitlementFactory(visits_total=10, visits_used=3)

    answer = desk.record_visit(agent, POOL, card.printed_code)

    assert (answer.outcome, answer.visits_left) == (DeskOutcome.VISIT_RECORDED, 6)
    (visit,) = db.session.scalars(sa.select(Visit))
    assert (visit.entitlement_id, visit.facility, visit.staff_id) == (card.id, POOL, agent.id)
    (check,) = _checks()
    assert (check.action, check.outcome) == (DeskAction.RECORD_VISIT, DeskOutcome.VISIT_RECORDED)
    assert len(_audit()) == 1


def test_unlimited_passes_count_visits_too(agent: Any):
    pass_ = factories.EntitlementFactory()
    desk.record_visit(agent, POOL, pass_.code)
    desk.record_visit(agent, POOL, pass_.code)
    db.session.refresh(pass_)
    assert (pass_.visits_used, pass_.visits_left) == (2, None)


@pytest.mark.parametrize("outcome", [o for o in CASES if o is not DeskOutcome.VALID])
def test_a_visit_is_refused_when_the_code_does_not_admit(agent: Any, outcome: DeskOutcome):
    pass_ = _pass(CASES[outcome])
    used = pass_.visits_used

    answer = desk.record_visit(agent, POOL, pass_.code)

    assert answer.outcome is outcome
    db.session.refresh(pass_)
    assert pass_.visits_used == used
    assert db.session.scalar(sa.select(sa.func.count(Visit.id))) == 0
    assert [c.outcome for c in _checks()] == [outcome]


def test_a_visit_on_an_unknown_code_is_refused_and_logged(agent: Any):
    assert desk.record_visit(agent, POOL, "nope").outcome is DeskOutcome.UNKNOWN
    assert [(c.action, c.outcome) for c in _checks()] == [
        (DeskAction.RECORD_VISIT, DeskOutcome.UNKNOWN)
    ]


# The pages.


def _at(client: Any, facility: str = POOL) -> Any:
    return client.post("/staff/front-desk/facility", data={"facility": facility})


def test_the_desk_asks_for_the_facility_first_and_remembers_it(
    client: Any, agent: Any, staff_log_in: Any
):
    staff_log_in(agent)
    page = client.get("/staff/front-desk").get_data(as_text=True)
    assert "Choose the facility this desk is at" in page
    assert 'name="code"' not in page

    assert _at(client).location == "/staff/front-desk"

    page = client.get("/staff/front-desk").get_data(as_text=True)
    assert f"Front desk: {POOL}" in page
    assert 'name="code"' in page
    assert "autofocus" in page


def test_a_facility_that_does_not_exist_is_refused(client: Any, agent: Any, staff_log_in: Any):
    staff_log_in(agent)
    assert _at(client, "The Moon").status_code == 400
    assert "Choose the facility this desk is at" in client.get("/staff/front-desk").get_data(
        as_text=True
    )


def test_a_code_without_a_facility_goes_back_to_choose_one(
    client: Any, agent: Any, staff_log_in: Any
):
    staff_log_in(agent)
    response = client.post("/staff/front-desk/check", data={"code": "ABCDE23456"})
    assert response.location == "/staff/front-desk"
    assert _checks() == []


def test_the_desk_page_shows_whose_code_it_is_and_offers_the_visit(
    client: Any, agent: Any, staff_log_in: Any
):
    card = factories.EntitlementFactory(visits_total=10, visits_used=2, product_name="Swim card")
    staff_log_in(agent)
    _at(client)

    page = client.post("/staff/front-desk/check", data={"code": card.printed_code}).get_data(
        as_text=True
    )
    assert card.holder_name in page
    assert "Swim card" in page
    assert "8 of 10" in page
    assert "Record visit" in page

    page = client.post("/staff/front-desk/visit", data={"code": card.code}).get_data(as_text=True)
    assert "Visit recorded" in page
    assert "7 of 10" in page


def test_an_expired_code_says_when_and_offers_no_visit(client: Any, agent: Any, staff_log_in: Any):
    pass_ = factories.EntitlementFactory(valid_from=_days(-40), valid_until=_days(-2))
    staff_log_in(agent)
    _at(client)

    page = client.post("/staff/front-desk/check", data={"code": pass_.code}).get_data(as_text=True)

    assert f"Expired on {dates.day(_days(-2))}" in page
    assert "Record visit" not in page


@pytest.mark.parametrize(
    "typed",
    [
        "x" * 500,
        "ÄÖÜ 漢字 🎟️",
        "' OR 1=1; DROP TABLE entitlements; --",
        "%_\\",
        "ABCDE\x0023456",
        "<script>alert(1)</script>",
    ],
)
def test_bad_codes_are_answered_and_logged_never_a_server_error(
    client: Any, agent: Any, staff_log_in: Any, typed: str
):
    staff_log_in(agent)
    _at(client)
    for action in ("check", "visit"):
        response = client.post(f"/staff/front-desk/{action}", data={"code": typed})
        assert response.status_code == 200
        assert "No pass or membership has this code" in response.get_data(as_text=True)
        assert "<script>alert" not in response.get_data(as_text=True)
    assert [c.outcome for c in _checks()] == [DeskOutcome.UNKNOWN] * 2
    assert all(len(c.code_typed) <= 40 for c in _checks())


def test_an_empty_code_is_asked_for_again(client: Any, agent: Any, staff_log_in: Any):
    staff_log_in(agent)
    _at(client)
    response = client.post("/staff/front-desk/check", data={"code": "   "})
    assert response.status_code == 400
    assert "Type or scan a code." in response.get_data(as_text=True)
    assert _checks() == []


def test_the_desk_is_in_the_console_navigation_for_coordinators(
    client: Any, make_staff: Any, staff_log_in: Any
):
    staff_log_in(make_staff(Role.PROGRAM_COORDINATOR))
    assert 'href="/staff/front-desk"' in client.get("/staff/").get_data(as_text=True)
