"""A desk registration paid from the household's credit and gift balance first, and the desk
collecting only the rest; the ledger reconciles after each (the store's autouse check)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.store import desk_orders
from jasperrec.store import giftcards
from jasperrec.store import ledger
from jasperrec.store import reconcile
from jasperrec.store import tender
from jasperrec.store.errors import DeskPaymentError
from jasperrec.store.models import GiftCard
from jasperrec.store.models import LedgerAccount
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import LedgerKind
from jasperrec.store.models import Order
from jasperrec.store.models import PaymentMethod
from tests import factories
from tests.store.gift_cards import buy

FEE = 8_400


@pytest.fixture
def staff() -> Any:
    return factories.StaffFactory(roles=[Role.DEPARTMENT_LEAD])


@pytest.fixture
def program() -> Any:
    return factories.ProgramFactory(price_cents=FEE, is_taxable=False)


def give_credit(household: Any, cents: int) -> None:
    ledger.add_entry(
        household, None, LedgerKind.CREDIT_ISSUED, LedgerAccount.CREDIT, cents,
        currency="CAD", reason="Withdrawal from Swim Level 1",
    )  # fmt: skip


def give_gift(household: Any, cents: int) -> None:
    order = buy(factories.UserFactory(), price_cents=cents)
    card = db.session.scalars(sa.select(GiftCard).where(GiftCard.order_id == order.id)).one()
    giftcards.redeem(household, giftcards.readable_code(card))


def household(credit: int = 0, gift: int = 0) -> tuple[Any, Any]:
    resident = factories.UserFactory()
    if credit:
        give_credit(resident, credit)
    if gift:
        give_gift(resident, gift)
    return resident, factories.HouseholdMemberFactory(user=resident)


def sale(program: Any, resident: Any, child: Any, method: Any, use_balance: bool) -> Any:
    return desk_orders.DeskSale(program.id, resident.id, child.id, method, use_balance)


def rows(order: Order, kind: LedgerKind) -> list[tuple[LedgerAccount, int]]:
    query = sa.select(LedgerEntry.account, LedgerEntry.amount_cents).where(
        LedgerEntry.order_id == order.id, LedgerEntry.kind == kind
    )
    return [(a, c) for a, c in db.session.execute(query.order_by(LedgerEntry.id))]


def test_spendable_reads_credit_and_gift_balance_apart() -> None:
    resident, _ = household(credit=2_000, gift=1_500)
    give_credit(factories.UserFactory(), 9_900)  # another household's

    found = tender.spendable(resident)

    assert (found.credit_cents, found.gift_cents, found.total_cents) == (2_000, 1_500, 3_500)


def test_a_balance_that_covers_the_fee_pays_it_all_and_the_desk_collects_nothing(
    staff: Any, program: Any
) -> None:
    resident, child = household(credit=10_000)

    order = desk_orders.place_desk_order(staff, sale(program, resident, child, None, True))

    assert (order.balance_paid_cents, order.card_cents) == (FEE, 0)
    assert (order.payment_method, order.taken_by_id) == (PaymentMethod.BALANCE, staff.id)
    assert rows(order, LedgerKind.PAYMENT) == []
    assert rows(order, LedgerKind.CREDIT_SPENT) == [(LedgerAccount.CREDIT, -FEE)]
    assert tender.spendable(resident).credit_cents == 10_000 - FEE


def test_the_balance_is_spent_even_when_the_desk_also_named_a_method(
    staff: Any, program: Any
) -> None:
    resident, child = household(credit=FEE)

    order = desk_orders.place_desk_order(
        staff, sale(program, resident, child, PaymentMethod.CASH, True)
    )

    assert (order.payment_method, order.card_cents) == (PaymentMethod.BALANCE, 0)


def test_a_smaller_balance_pays_part_credit_then_gift_and_the_desk_collects_the_rest(
    staff: Any, program: Any
) -> None:
    resident, child = household(credit=2_000, gift=1_000)

    order = desk_orders.place_desk_order(
        staff, sale(program, resident, child, PaymentMethod.DEBIT, True)
    )

    assert (order.balance_paid_cents, order.card_cents) == (3_000, FEE - 3_000)
    assert order.payment_method is PaymentMethod.DEBIT
    assert rows(order, LedgerKind.CREDIT_SPENT) == [
        (LedgerAccount.CREDIT, -2_000),
        (LedgerAccount.GIFT, -1_000),
    ]
    assert rows(order, LedgerKind.PAYMENT) == [(LedgerAccount.PAYMENTS, FEE - 3_000)]
    assert tender.spendable(resident).total_cents == 0
    assert reconcile.find_discrepancies() == []


def test_unticked_the_balance_is_left_alone_and_the_desk_collects_it_all(
    staff: Any, program: Any
) -> None:
    resident, child = household(credit=10_000)

    order = desk_orders.place_desk_order(
        staff, sale(program, resident, child, PaymentMethod.CASH, False)
    )

    assert (order.balance_paid_cents, order.card_cents) == (0, FEE)
    assert rows(order, LedgerKind.CREDIT_SPENT) == []
    assert rows(order, LedgerKind.PAYMENT) == [(LedgerAccount.PAYMENTS, FEE)]
    assert tender.spendable(resident).credit_cents == 10_000


@pytest.mark.parametrize(("credit", "use_balance"), [(2_000, True), (10_000, False), (0, True)])
def test_something_left_to_collect_without_a_method_is_refused_and_nothing_is_written(
    staff: Any, program: Any, credit: int, use_balance: bool
) -> None:
    resident, child = household(credit=credit)
    left = FEE - credit if use_balance else FEE

    with pytest.raises(DeskPaymentError, match=rf"Choose how you collected the \${left / 100:.2f}"):
        desk_orders.place_desk_order(staff, sale(program, resident, child, None, use_balance))

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0
    assert tender.spendable(resident).credit_cents == credit


def test_the_desk_cannot_name_the_balance_as_what_it_collected(staff: Any, program: Any) -> None:
    resident, child = household(credit=2_000)

    with pytest.raises(DeskPaymentError):
        desk_orders.place_desk_order(
            staff, sale(program, resident, child, PaymentMethod.BALANCE, True)
        )


def test_a_free_program_still_needs_the_method_recorded(staff: Any) -> None:
    resident, child = household(credit=2_000)
    free = factories.ProgramFactory(price_cents=0, is_taxable=False)

    with pytest.raises(DeskPaymentError):
        desk_orders.place_desk_order(staff, sale(free, resident, child, None, True))
    order = desk_orders.place_desk_order(
        staff, sale(free, resident, child, PaymentMethod.CASH, True)
    )

    assert (order.payment_method, order.balance_paid_cents) == (PaymentMethod.CASH, 0)
