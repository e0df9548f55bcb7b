"""Break the glass: a stated reason opens one record for 30 minutes, flagged and shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.staff import service
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from jasperrec.staff.models import BreakGlassGrant
from jasperrec.staff.models import BreakGlassReason
from tests import factories

FORM = {"reason": BreakGlassReason.SAFETY.value, "explanation": "Child unwell at camp pickup"}


def grants() -> list[BreakGlassGrant]:
    return list(db.session.scalars(sa.select(BreakGlassGrant)))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reason": "", "explanation": "Child unwell at camp pickup"},
        {"reason": BreakGlassReason.SAFETY.value, "explanation": ""},
        {"reason": BreakGlassReason.SAFETY.value, "explanation": "short"},
        {"reason": "made up", "explanation": "Child unwell at camp pickup"},
    ],
)
def test_breaking_the_glass_needs_a_listed_reason_and_an_explanation(
    data: dict[str, str], client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    resident = factories.UserFactory()
    staff_log_in(make_staff(Role.HELPDESK_AGENT))

    response = client.post(f"/staff/people/{resident.id}/break-glass", data=data)

    assert response.status_code == 400
    assert grants() == []


def test_breaking_the_glass_opens_the_record_for_30_minutes_and_tells_the_privacy_officer(
    client: Any, make_staff: Any, staff_log_in: Any, outbox: list[Any]
) -> None:
    officer = make_staff(Role.PRIVACY_OFFICER)
    agent = make_staff(Role.HELPDESK_AGENT)
    resident = factories.UserFactory(phone="403-555-0142")
    staff_log_in(agent)

    response = client.post(f"/staff/people/{resident.id}/break-glass", data=FORM)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])

    assert page.status_code == 200
    assert b"403-555-0142" in page.data
    [grant] = grants()
    assert grant.expires_at - grant.created_at == dt.timedelta(minutes=30)
    assert (grant.reason, grant.explanation) == (BreakGlassReason.SAFETY, FORM["explanation"])
    [entry] = db.session.scalars(sa.select(AuditEntry)).all()
    assert entry.purpose is AccessPurpose.BREAK_GLASS
    assert entry.break_glass_id == grant.id
    assert [m["To"] for m in outbox] == [officer.email]
    assert "Child unwell" in outbox[0].get_body(("plain",)).get_content()


@pytest.mark.parametrize("kind", ["missing", "staff"])
def test_breaking_the_glass_on_an_id_that_is_no_residents_leaves_a_trace_like_a_grant(
    kind: str, client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    target = agent.id + 1000 if kind == "missing" else make_staff(Role.FINANCE).id
    staff_log_in(agent)

    response = client.post(f"/staff/people/{target}/break-glass", data=FORM)

    assert response.status_code == 404
    assert grants() == []
    [entry] = db.session.scalars(sa.select(AuditEntry)).all()
    assert (entry.staff_id, entry.resident_id, entry.record_id) == (agent.id, None, target)
    assert entry.purpose is AccessPurpose.BREAK_GLASS
    assert "no resident" in (entry.detail or "")
    staff_log_in(make_staff(Role.PRIVACY_OFFICER))
    log = client.get("/staff/privacy/access-log")
    assert log.status_code == 200
    assert b"on an id that is no resident&#39;s" in log.data


def test_an_expired_grant_no_longer_opens_the_record(make_staff: Any) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    resident = factories.UserFactory()
    earlier = utcnow() - dt.timedelta(minutes=31)
    factories.BreakGlassGrantFactory(staff=agent, resident=resident, created_at=earlier)

    with pytest.raises(service.NeedToKnowError):
        service.open_profile(agent, resident.id)


def test_a_grant_is_for_one_staff_member_and_one_resident(make_staff: Any) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    colleague = make_staff(Role.HELPDESK_AGENT)
    resident, neighbour = factories.UserFactory(), factories.UserFactory()
    factories.BreakGlassGrantFactory(staff=agent, resident=resident)

    assert service.open_profile(agent, resident.id).justification.grant is not None
    with pytest.raises(service.NeedToKnowError):
        service.open_profile(colleague, resident.id)
    with pytest.raises(service.NeedToKnowError):
        service.open_profile(agent, neighbour.id)


@pytest.mark.parametrize("role", [Role.FINANCE, Role.PROGRAM_COORDINATOR, Role.ADMINISTRATOR])
def test_roles_without_break_the_glass_cannot_grant_themselves_access(
    role: Role, make_staff: Any
) -> None:
    resident = factories.UserFactory()

    with pytest.raises(service.NeedToKnowError):
        service.break_glass(make_staff(role), resident.id, BreakGlassReason.OTHER, "Just curious")
    assert grants() == []


def test_the_resident_sees_the_access_by_first_name_and_department(
    client: Any, make_staff: Any, log_in: Any, department: Any
) -> None:
    agent = factories.StaffFactory(
        first_name="Jordan",
        last_name="Lee-Smythe",
        roles=[Role.HELPDESK_AGENT],
        departments=[department],
    )
    resident = factories.UserFactory()
    factories.BreakGlassGrantFactory(staff=agent, resident=resident)
    service.open_profile(agent, resident.id)
    log_in(resident)

    page = client.get("/privacy/access-log").get_data(as_text=True)

    assert "Jordan, Customer Service" in page
    assert "Lee-Smythe" not in page
    assert "Opened outside their usual work, with a stated reason" in page


def test_residents_see_only_their_own_access_history(
    client: Any, make_staff: Any, log_in: Any, department: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    resident, neighbour = factories.UserFactory(), factories.UserFactory()
    factories.ServiceRequestFactory(customer=neighbour, department=department)
    service.open_profile(agent, neighbour.id)
    log_in(resident)

    page = client.get("/privacy/access-log").get_data(as_text=True)

    assert "No staff member has opened your record." in page


def test_the_privacy_officer_reviews_break_glass_grants(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    officer = make_staff(Role.PRIVACY_OFFICER)
    grant = factories.BreakGlassGrantFactory(explanation="Billing dispute escalated today")
    staff_log_in(officer)

    assert b"Billing dispute escalated today" in client.get("/staff/privacy/break-glass").data
    response = client.post(f"/staff/privacy/break-glass/{grant.id}/reviewed")

    assert response.status_code == 302
    db.session.refresh(grant)
    assert grant.reviewed_by_id == officer.id
    assert grant.reviewed_at is not None
    assert b"Nothing to review." in client.get("/staff/privacy/break-glass").data
