"""Withdrawals: the policy's refund until the cutoff, nothing after; card or credit; and a
cancelled program refunds everyone in full."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.store import ledger
from jasperrec.store import programs
from jasperrec.store import withdrawals
from jasperrec.store.errors import RefundFailedError
from jasperrec.store.errors import WithdrawalError
from jasperrec.store.fake_payments import FakeGateway
from jasperrec.store.models import LedgerAccount
from jasperrec.store.models import OrderLine
from jasperrec.store.models import OrderStatus
from jasperrec.store.models import ProgramStatus
from jasperrec.store.models import Refund
from jasperrec.store.models import RefundDestination
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories

CARD = RefundDestination.CARD
CREDIT = RefundDestination.CREDIT


def registered(
    price: int = 8_400, *, online: bool = True, user: Any = None, **program: Any
) -> Registration:
    """A confirmed, paid registration in a program starting in four weeks."""
    user = user or factories.UserFactory()
    program = factories.ProgramFactory(price_cents=price, **program)
    order = factories.OrderFactory(
        user=user, status=OrderStatus.PAID, subtotal_cents=price, gst_cents=0,
        total_cents=price, payment_intent_id="pi_w" if online else None,
        lines=[OrderLine(program=program, description=program.name, participant_name="Maya",
                         quantity=1, unit_price_cents=price, gst_cents=0)],
    )  # fmt: skip
    line = order.lines[0]
    line.registration = Registration(
        program=program, user_id=user.id, status=RegistrationStatus.CONFIRMED
    )
    db.session.flush()
    return line.registration


def days_before_start(registration: Registration, days: int) -> dt.date:
    return registration.program.starts_on - dt.timedelta(days=days)


@pytest.mark.parametrize(
    ("price", "days", "fee", "refund"),
    [
        (8_400, 7, 840, 7_560),  # 10%, on the last day
        (30_000, 20, 1_500, 28_500),  # 10% would be $30: capped at $15
        (8_400, 6, 0, 0),  # a day late: nothing
    ],
)
def test_the_default_policy_keeps_a_capped_fee_until_seven_days_before(
    price: int, days: int, fee: int, refund: int
) -> None:
    registration = registered(price)
    quote = withdrawals.quote(registration, days_before_start(registration, days))
    assert (quote.paid_cents, quote.fee_cents, quote.refund_cents) == (price, fee, refund)
    assert quote.last_refund_day == days_before_start(registration, 7)


def test_each_program_can_have_its_own_policy() -> None:
    registration = registered(
        10_000, withdrawal_fee_percent=0, withdrawal_fee_cap_cents=0, withdrawal_cutoff_days=1
    )
    quote = withdrawals.quote(registration, days_before_start(registration, 1))
    assert (quote.fee_cents, quote.refund_cents) == (0, 10_000)


def test_withdrawing_to_the_card_refunds_cancels_and_records_the_fee(
    fake_gateway: FakeGateway,
) -> None:
    registration = registered()
    user = db.session.get(type(registration.order_line.order.user), registration.user_id)
    today = days_before_start(registration, 10)

    given = withdrawals.withdraw(user, registration.id, CARD, fake_gateway, today)

    assert given.refund_cents == 7_560
    assert registration.status is RegistrationStatus.CANCELLED
    assert registration.withdrawn_by_id == user.id
    assert registration.withdrawn_at is not None
    [refund] = db.session.scalars(sa.select(Refund)).all()
    assert (refund.amount_cents, refund.fee_cents, refund.destination) == (7_560, 840, CARD)
    assert ledger.net_paid(registration.order_line.order) == 840
    assert ledger.balance(user, LedgerAccount.FEES) == 840


def test_withdrawing_to_credit_puts_it_in_the_household_balance(fake_gateway: FakeGateway) -> None:
    registration = registered(online=False)
    user = registration.order_line.order.user

    withdrawals.withdraw(
        user, registration.id, CREDIT, fake_gateway, days_before_start(registration, 8)
    )

    assert ledger.balance(user, LedgerAccount.CREDIT) == 7_560
    assert fake_gateway.calls == []


def test_withdrawing_after_the_deadline_gives_nothing_but_frees_the_space(
    fake_gateway: FakeGateway,
) -> None:
    registration = registered()
    user = registration.order_line.order.user
    given = withdrawals.withdraw(
        user, registration.id, CARD, fake_gateway, days_before_start(registration, 2)
    )
    assert given.gives_nothing
    assert registration.status is RegistrationStatus.CANCELLED
    assert db.session.scalars(sa.select(Refund)).all() == []


def test_a_failed_card_refund_leaves_the_registration_standing(fake_gateway: FakeGateway) -> None:
    registration = registered()
    user = registration.order_line.order.user
    fake_gateway.fail_next_call()
    with pytest.raises(RefundFailedError):
        withdrawals.withdraw(
            user, registration.id, CARD, fake_gateway, days_before_start(registration, 9)
        )
    assert registration.status is RegistrationStatus.CONFIRMED
    assert ledger.net_paid(registration.order_line.order) == 8_400


def test_withdrawing_twice_or_someone_elses_is_not_found(fake_gateway: FakeGateway) -> None:
    registration = registered()
    user = registration.order_line.order.user
    today = days_before_start(registration, 9)
    withdrawals.withdraw(user, registration.id, CARD, fake_gateway, today)
    with pytest.raises(NotFoundError):
        withdrawals.withdraw(user, registration.id, CARD, fake_gateway, today)
    other = registered()
    with pytest.raises(NotFoundError):
        withdrawals.withdraw(user, other.id, CARD, fake_gateway, today)


def test_a_program_that_is_over_cannot_be_withdrawn_from(fake_gateway: FakeGateway) -> None:
    registration = registered()
    user = registration.order_line.order.user
    with pytest.raises(WithdrawalError, match="is over"):
        withdrawals.withdraw(
            user, registration.id, CARD, fake_gateway,
            registration.program.ends_on + dt.timedelta(days=1),
        )  # fmt: skip


def test_only_a_confirmed_registration_can_be_cancelled() -> None:
    registration = registered()
    registration.status = RegistrationStatus.HELD
    with pytest.raises(WithdrawalError):
        withdrawals.cancel_registration(registration, None)


def test_cancelling_a_program_refunds_everyone_in_full(fake_gateway: FakeGateway) -> None:
    online = registered()
    program = online.program
    desk_user = factories.UserFactory()
    at_desk = registered(online=False, user=desk_user)
    at_desk.program = program
    at_desk.order_line.program = program
    db.session.flush()
    staff = factories.StaffFactory(roles=[Role.DEPARTMENT_LEAD])

    programs.change_status(staff, program, ProgramStatus.CANCELLED, "Pool closed for repairs")

    assert online.status is at_desk.status is RegistrationStatus.CANCELLED
    assert ledger.net_paid(online.order_line.order) == 0
    assert ledger.balance(desk_user, LedgerAccount.CREDIT) == 8_400
    assert [c.arguments["amount_cents"] for c in fake_gateway.calls if c.method == "refund"] == [
        8_400
    ]


def test_a_withdrawal_offers_the_freed_space_to_the_waitlist(
    fake_gateway: FakeGateway, outbox: list[Any]
) -> None:
    from jasperrec.store.models import WaitlistEntry
    from jasperrec.store.waitlist import join_waitlist

    registration = registered(capacity=1, min_age=None, max_age=None)
    waiting = factories.UserFactory()
    entry = join_waitlist(waiting, registration.program.slug, None)
    user = db.session.get(type(registration.order_line.order.user), registration.user_id)

    withdrawals.withdraw(user, registration.id, CREDIT, fake_gateway,
                         days_before_start(registration, 10))  # fmt: skip

    assert db.session.get(WaitlistEntry, entry.id).status.value == "offered"
    assert any(message["To"] == waiting.email for message in outbox)


def test_cancelling_a_program_closes_its_waitlist(fake_gateway: FakeGateway) -> None:
    from jasperrec.store.models import WaitlistEntry
    from jasperrec.store.models import WaitlistStatus
    from jasperrec.store.waitlist import join_waitlist

    registration = registered(capacity=1, min_age=None, max_age=None)
    entry = join_waitlist(factories.UserFactory(), registration.program.slug, None)
    staff = factories.StaffFactory(roles=[Role.PROGRAM_COORDINATOR])

    programs.change_status(staff, registration.program, ProgramStatus.CANCELLED, "No pool.")

    closed = db.session.get(WaitlistEntry, entry.id)
    assert closed.status is WaitlistStatus.REMOVED
    assert closed.reason == "The program was cancelled."
