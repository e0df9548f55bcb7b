"""Need-to-know: staff see a resident's record only with a request in their queues or a grant."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.staff import service
from jasperrec.staff.errors import NeedToKnowError
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from tests import factories


def audit_entries() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


@pytest.fixture
def resident() -> Any:
    return factories.UserFactory(
        first_name="Alex",
        last_name="Tremblay",
        phone="403-555-0199",
        address_line1="12 Patricia Street",
        city="Jasper",
        province="AB",
        postal_code="T0E 1E0",
    )


def test_agent_without_a_linked_request_is_refused_and_nothing_is_logged(
    client: Any, make_staff: Any, staff_log_in: Any, resident: Any
) -> None:
    staff_log_in(make_staff(Role.HELPDESK_AGENT))

    response = client.get(f"/staff/people/{resident.id}")

    assert response.status_code == 403
    assert b"403-555-0199" not in response.data
    assert b"not in your scope" in response.data
    assert audit_entries() == []


def test_agent_with_a_linked_request_sees_the_profile_and_leaves_one_entry_naming_it(
    client: Any, make_staff: Any, staff_log_in: Any, resident: Any, department: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    request = factories.ServiceRequestFactory(customer=resident, department=department)
    staff_log_in(agent)

    response = client.get(f"/staff/people/{resident.id}?request={request.id}")

    assert response.status_code == 200
    assert b"403-555-0199" in response.data
    assert request.reference.encode() in response.data
    [entry] = audit_entries()
    assert (entry.staff_id, entry.resident_id, entry.request_id) == (
        agent.id,
        resident.id,
        request.id,
    )
    assert entry.kind is AccessKind.PROFILE
    assert entry.purpose is AccessPurpose.SERVICE_REQUEST
    assert entry.break_glass_id is None


def test_the_audit_entry_holds_no_copy_of_the_personal_data(
    make_staff: Any, resident: Any, department: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    factories.ServiceRequestFactory(customer=resident, department=department)

    service.open_profile(agent, resident.id)

    row = db.session.execute(sa.select(AuditEntry.__table__)).one()
    stored = " ".join(str(value) for value in row)
    for personal in ("Alex", "Tremblay", resident.email, "403-555-0199", "Patricia", "T0E"):
        assert personal not in stored


@pytest.mark.parametrize(
    ("change", "allowed"),
    [
        ("none", True),
        ("closed", False),
        ("other department", False),
        ("other department but assigned to the agent", True),
    ],
)
def test_only_open_requests_in_the_agents_queues_or_assigned_to_them_count(
    change: str,
    allowed: bool,
    make_staff: Any,
    resident: Any,
    department: Any,
    other_department: Any,
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    request = factories.ServiceRequestFactory(customer=resident, department=department)
    if change == "closed":
        request.status = RequestStatus.CLOSED
    if change.startswith("other department"):
        request.department = other_department
    if change.endswith("assigned to the agent"):
        request.assignee = agent
    db.session.flush()

    if allowed:
        assert service.open_profile(agent, resident.id).justification.request_id == request.id
    else:
        with pytest.raises(NeedToKnowError):
            service.open_profile(agent, resident.id)


def test_a_request_from_someone_else_does_not_justify_this_residents_record(
    make_staff: Any, resident: Any, department: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    factories.ServiceRequestFactory(department=department)

    with pytest.raises(NeedToKnowError):
        service.open_profile(agent, resident.id)


def test_naming_a_request_outside_the_agents_scope_is_refused(
    make_staff: Any, resident: Any, department: Any, other_department: Any
) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    factories.ServiceRequestFactory(customer=resident, department=department)
    elsewhere = factories.ServiceRequestFactory(customer=resident, department=other_department)

    with pytest.raises(NeedToKnowError):
        service.open_profile(agent, resident.id, request_id=elsewhere.id)


@pytest.mark.parametrize("role", [Role.PROGRAM_COORDINATOR, Role.FINANCE, Role.ADMINISTRATOR])
def test_roles_without_the_view_permission_cannot_open_profiles_even_with_a_request(
    role: Role, make_staff: Any, resident: Any, department: Any
) -> None:
    member = make_staff(role)
    factories.ServiceRequestFactory(customer=resident, department=department, assignee=member)

    with pytest.raises(NeedToKnowError):
        service.open_profile(member, resident.id)
    assert audit_entries() == []


def test_staff_profile_shows_no_medical_notes(
    client: Any, make_staff: Any, staff_log_in: Any, resident: Any, department: Any
) -> None:
    factories.HouseholdMemberFactory(
        user=resident, first_name="Maya", medical_notes="Severe peanut allergy"
    )
    factories.ServiceRequestFactory(customer=resident, department=department)
    staff_log_in(make_staff(Role.HELPDESK_AGENT))

    response = client.get(f"/staff/people/{resident.id}")

    assert response.status_code == 200
    assert b"Maya" in response.data
    assert b"peanut" not in response.data


def test_a_staff_account_is_not_a_resident_record(make_staff: Any) -> None:
    agent = make_staff(Role.HELPDESK_AGENT)
    colleague = make_staff(Role.FINANCE)

    with pytest.raises(NeedToKnowError, match="no open request from this person"):
        service.open_profile(agent, colleague.id)


def test_a_missing_resident_is_refused_as_out_of_scope(make_staff: Any) -> None:
    with pytest.raises(NeedToKnowError, match="no open request from this person"):
        service.open_profile(make_staff(Role.HELPDESK_AGENT), 999999)


@pytest.mark.parametrize("role", [Role.HELPDESK_AGENT, Role.PRIVACY_OFFICER])
@pytest.mark.parametrize("request_param", ["", "?request={request}"])
def test_a_missing_id_a_staff_id_and_an_out_of_scope_resident_get_the_same_answer(
    role: Role,
    request_param: str,
    client: Any,
    make_staff: Any,
    staff_log_in: Any,
    resident: Any,
    other_department: Any,
) -> None:
    outside = factories.ServiceRequestFactory(customer=resident, department=other_department)
    colleague = make_staff(Role.FINANCE)
    missing = db.session.scalar(sa.select(sa.func.max(User.id))) + 1000
    staff_log_in(make_staff(role))

    answers = {}
    for person_id in [missing, colleague.id, resident.id]:
        response = client.get(
            f"/staff/people/{person_id}" + request_param.format(request=outside.id)
        )
        body = response.get_data(as_text=True).replace(f"/staff/people/{person_id}/", "/ID/")
        answers[person_id] = (response.status_code, response.mimetype, body)

    assert answers[missing] == answers[colleague.id] == answers[resident.id]
    assert answers[missing][0] == 403
    assert "not in your scope" in answers[missing][2]
    assert audit_entries() == []


def test_search_masks_contact_details_and_leaves_out_staff(
    client: Any, make_staff: Any, staff_log_in: Any, resident: Any
) -> None:
    factories.StaffFactory(last_name="Tremblay", roles=[Role.FINANCE])
    staff_log_in(make_staff(Role.HELPDESK_AGENT))

    response = client.get("/staff/people?q=tremblay")

    page = response.get_data(as_text=True)
    assert "Alex Tremblay" in page
    assert "•••-•••-0199" in page
    assert "403-555" not in page
    assert resident.email not in page
    assert f"{resident.email[0]}•••@{resident.email.split('@')[1]}" in page
    assert page.count("Tremblay</a>") == 1
    assert [e.kind for e in audit_entries()] == [AccessKind.SEARCH]


@pytest.mark.parametrize(
    ("phone", "masked"), [("780-852-3356", "•••-•••-3356"), (None, ""), ("12", "")]
)
def test_phone_masking_keeps_only_the_last_four_digits(phone: str | None, masked: str) -> None:
    assert service.mask_phone(phone) == masked
