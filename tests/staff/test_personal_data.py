"""The staff console's part in a resident's personal data: who viewed their record, and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.staff.audit import record_access
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import BreakGlassReason
from jasperrec.staff.personal_data import StaffData
from tests import factories


def views_of(user: Any, key: str = "staff_access") -> tuple[Any, ...]:
    (kind,) = [kind for kind in StaffData().export(user) if kind.key == key]
    return kind.rows


def test_a_view_for_a_request_names_the_staff_member_by_first_name_and_department(
    user: Any,
) -> None:
    agent = factories.StaffFactory(
        first_name="Mina",
        last_name="Quiet-Surname",
        roles=[Role.HELPDESK_AGENT],
        departments=[factories.DepartmentFactory(name="Aquatics")],
    )
    request = factories.ServiceRequestFactory(customer=user)
    record_access(
        agent,
        user,
        AccessKind.REQUEST,
        AccessPurpose.SERVICE_REQUEST,
        record_type="service request",
        record_id=request.id,
        request_id=request.id,
    )
    record_access(
        agent,
        factories.UserFactory(),
        AccessKind.PROFILE,
        AccessPurpose.SERVICE_REQUEST,
        record_type="user",
        record_id=1,
    )
    (row,) = views_of(user)
    assert row["staff_member"] == "Mina, Aquatics"
    assert row["why"] == "service request"
    assert row["request_reference"] == request.reference
    assert row["outside_usual_work"] is False
    assert "Quiet-Surname" not in repr(row)


def test_a_break_the_glass_view_shows_the_stated_reason_and_explanation(user: Any) -> None:
    grant = factories.BreakGlassGrantFactory(
        resident=user, reason=BreakGlassReason.SAFETY, explanation="Lifeguard reported a fall"
    )
    record_access(
        grant.staff,
        user,
        AccessKind.PROFILE,
        AccessPurpose.BREAK_GLASS,
        record_type="user",
        record_id=user.id,
        break_glass_id=grant.id,
    )
    (row,) = views_of(user)
    assert row["outside_usual_work"] is True
    assert row["stated_reason"] == "Urgent health or safety concern"
    assert row["stated_explanation"] == "Lifeguard reported a fall"


def test_the_number_of_queries_does_not_grow_with_views(
    user: Any, count_queries: Callable[..., int]
) -> None:
    def view() -> None:
        grant = factories.BreakGlassGrantFactory(resident=user)
        grant.staff.departments.append(factories.DepartmentFactory())
        record_access(
            grant.staff,
            user,
            AccessKind.PROFILE,
            AccessPurpose.BREAK_GLASS,
            record_type="user",
            record_id=user.id,
            break_glass_id=grant.id,
        )

    view()
    db.session.expire_all()
    few = count_queries(lambda: StaffData().export(user))
    for _ in range(4):
        view()
    db.session.expire_all()
    assert count_queries(lambda: StaffData().export(user)) == few
