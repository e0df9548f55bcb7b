"""Registering someone at the desk or by phone: paid at the desk, held-back spaces, audited."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.staff import desk
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from jasperrec.store.desk_orders import DeskSale
from jasperrec.store.errors import NotEligibleError
from jasperrec.store.errors import ProgramFullError
from jasperrec.store.models import Order
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import PaymentMethod
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from jasperrec.store.money import money
from tests import factories
from tests.store.test_registrations import register


@pytest.fixture
def agent(make_staff: Any) -> Any:
    return make_staff(Role.HELPDESK_AGENT)


@pytest.fixture
def parent() -> Any:
    return factories.UserFactory(
        first_name="Alex", last_name="Tremblay", postal_code="T0E 1E0", city="Jasper"
    )


@pytest.fixture
def maya(parent: Any) -> Any:
    return factories.HouseholdMemberFactory(user=parent, first_name="Maya", last_name="Tremblay")


def count(model: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def sale(program: Any, parent: Any, member: Any, method: PaymentMethod = PaymentMethod.CASH) -> Any:
    return DeskSale(program.id, parent.id, member.id if member else None, method)


def test_a_desk_registration_is_an_order_paid_at_the_desk_by_the_staff_member(
    agent: Any, parent: Any, maya: Any
) -> None:
    program = factories.ProgramFactory(price_cents=8_400, is_taxable=False)

    order = desk.register_at_desk(agent, sale(program, parent, maya, PaymentMethod.DEBIT))

    assert (order.status, order.payment_method, order.taken_by_id) == (
        OrderStatus.PAID,
        PaymentMethod.DEBIT,
        agent.id,
    )
    assert order.paid_at is not None
    assert (order.total_cents, order.checkout_session_id) == (8_400, None)
    [line] = order.lines
    assert (line.participant_name, line.registration.status) == (
        "Maya Tremblay",
        RegistrationStatus.CONFIRMED,
    )


def test_online_orders_have_no_desk_payment(user: Any) -> None:
    order = factories.OrderFactory(user=user)
    assert (order.payment_method, order.taken_by_id, order.is_desk_order) == (None, None, False)


def test_the_receipt_is_emailed_and_says_it_was_paid_at_the_desk(
    agent: Any, parent: Any, maya: Any, outbox: list[EmailMessage]
) -> None:
    program = factories.ProgramFactory(name="Swim Kids 3")

    order = desk.register_at_desk(agent, sale(program, parent, maya, PaymentMethod.CHEQUE))

    [receipt] = outbox
    assert receipt["To"] == parent.email
    body = receipt.get_body(("plain",)).get_content()
    assert order.reference in body
    assert "Swim Kids 3 (for Maya Tremblay)" in body
    assert "by cheque, at the desk" in body
    assert "Stripe" not in body


def test_the_desk_registration_is_audited(agent: Any, parent: Any, maya: Any) -> None:
    order = desk.register_at_desk(agent, sale(program := factories.ProgramFactory(), parent, maya))

    entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.staff_id, entry.resident_id, entry.kind, entry.purpose) == (
        agent.id,
        parent.id,
        AccessKind.ORDER,
        AccessPurpose.DESK_REGISTRATION,
    )
    assert (entry.record_type, entry.record_id) == ("order", order.id)
    assert f"program {program.id}" in (entry.detail or "")
    assert "cash" in (entry.detail or "")


def test_the_desk_can_take_a_held_back_space(agent: Any, parent: Any, maya: Any) -> None:
    program = factories.ProgramFactory(capacity=2, held_back_spaces=1)
    register(factories.UserFactory(), program)

    desk.register_at_desk(agent, sale(program, parent, maya))

    assert desk.get_desk_program(program.id).spaces_at_desk == 0


def test_a_full_program_is_refused_and_nothing_is_written(
    agent: Any, parent: Any, maya: Any, outbox: list[EmailMessage]
) -> None:
    program = factories.ProgramFactory(capacity=1, held_back_spaces=1)
    register(factories.UserFactory(), program)
    db.session.commit()
    before = (count(Order), count(Registration), count(AuditEntry))

    with pytest.raises(ProgramFullError, match="is full"):
        desk.register_at_desk(agent, sale(program, parent, maya))

    assert (count(Order), count(Registration), count(AuditEntry)) == before
    assert outbox == []


def test_someone_already_registered_is_refused(agent: Any, parent: Any, maya: Any) -> None:
    program = factories.ProgramFactory()
    desk.register_at_desk(agent, sale(program, parent, maya))

    with pytest.raises(NotEligibleError, match="Maya Tremblay already has a space"):
        desk.register_at_desk(agent, sale(program, parent, maya))
    assert count(Registration) == 1


def test_a_participant_outside_the_ages_is_refused_with_the_reason(
    agent: Any, parent: Any, maya: Any
) -> None:
    program = factories.ProgramFactory(name="Adult Yoga", min_age=18, max_age=None)

    with pytest.raises(NotEligibleError, match=r"Maya Tremblay will be \d+ when Adult Yoga"):
        desk.register_at_desk(agent, sale(program, parent, maya))
    assert count(Order) == 0


def test_another_household_s_member_or_a_staff_account_is_not_found(
    agent: Any, parent: Any, maya: Any
) -> None:
    program = factories.ProgramFactory()
    stranger = factories.UserFactory()
    with pytest.raises(NotFoundError):
        desk.register_at_desk(agent, sale(program, stranger, maya))
    with pytest.raises(NotFoundError):
        desk.register_at_desk(agent, sale(program, agent, None))


def test_the_resident_pays_the_fee_for_where_they_live(agent: Any, maya: Any) -> None:
    outside = factories.UserFactory(postal_code="T5K 2J1", city="Edmonton")
    child = factories.HouseholdMemberFactory(user=outside)
    program = factories.ProgramFactory(price_cents=8_000, non_resident_price_cents=10_000)

    order = desk.register_at_desk(agent, sale(program, outside, child))

    assert order.subtotal_cents == 10_000


def test_the_desk_finds_the_resident_and_registers_through_the_pages(
    client: FlaskClient, staff_log_in: Any, agent: Any, parent: Any, maya: Any
) -> None:
    program = factories.ProgramFactory(name="Swim Kids 3")
    db.session.commit()
    staff_log_in(agent)

    found = client.get(f"/staff/desk/{program.id}?q=tremblay").get_data(as_text=True)
    assert f"/staff/desk/{program.id}/{parent.id}" in found
    form = client.get(f"/staff/desk/{program.id}/{parent.id}").get_data(as_text=True)
    assert "Maya Tremblay" in form
    done = client.post(
        f"/staff/desk/{program.id}/{parent.id}",
        data={"participant": str(maya.id), "method": PaymentMethod.CREDIT.value},
    )

    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Maya Tremblay is registered in Swim Kids 3" in page
    [order] = db.session.scalars(sa.select(Order)).all()
    assert f"Collect {money(order.total_cents)} by credit card at the terminal." in page
    household_views = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.kind == AccessKind.HOUSEHOLD)
    ).all()
    assert [e.purpose for e in household_views] == [AccessPurpose.DESK_REGISTRATION] * 2


def test_a_refusal_shows_beside_the_participant_with_nothing_written(
    client: FlaskClient, staff_log_in: Any, agent: Any, parent: Any, maya: Any
) -> None:
    program = factories.ProgramFactory(capacity=1)
    register(factories.UserFactory(), program)
    db.session.commit()
    staff_log_in(agent)

    response = client.post(
        f"/staff/desk/{program.id}/{parent.id}",
        data={"participant": str(maya.id), "method": PaymentMethod.CASH.value},
    )

    assert response.status_code == 422
    assert f"{program.name} is full." in response.get_data(as_text=True)
    assert count(Order) == 1


def test_the_account_holder_can_be_the_participant(
    client: FlaskClient, staff_log_in: Any, agent: Any, parent: Any
) -> None:
    program = factories.ProgramFactory(min_age=None, max_age=None)
    db.session.commit()
    staff_log_in(agent)

    client.post(
        f"/staff/desk/{program.id}/{parent.id}",
        data={"participant": "holder", "method": PaymentMethod.CASH.value},
    )

    registration = db.session.scalars(sa.select(Registration)).one()
    assert (registration.user_id, registration.household_member_id) == (parent.id, None)


def test_the_database_refuses_a_desk_payment_without_who_took_it(user: Any) -> None:
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        factories.OrderFactory(user=user, payment_method=PaymentMethod.CASH)


def test_finance_sees_how_and_by_whom_a_desk_order_was_paid(
    client: FlaskClient, staff_log_in: Any, make_staff: Any, agent: Any, parent: Any, maya: Any
) -> None:
    order = desk.register_at_desk(agent, sale(factories.ProgramFactory(), parent, maya))
    staff_log_in(make_staff(Role.FINANCE, departments=[]))

    page = client.get(f"/staff/orders/{order.id}").get_data(as_text=True)

    assert f"By cash, taken by {agent.full_name}" in page
