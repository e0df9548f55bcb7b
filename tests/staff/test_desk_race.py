"""Two desks selling the last space of a program at the same moment, on separate connections.

Marked `commits`: the desks need real, separately committed transactions. They call the
store's part of a desk registration (the part that locks and counts); the staff service
adds the audit entry, whose table refuses deletes, so this test could not clean up after it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store import desk_orders
from jasperrec.store.desk_orders import DeskSale
from jasperrec.store.errors import StoreError
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import PaymentMethod
from jasperrec.store.models import Program
from jasperrec.store.models import Registration
from tests import factories

SLUG = "desk-race-for-the-last-space"


@pytest.fixture
def cleanup(app: Flask) -> Iterator[None]:
    """Delete the rows the race committed."""
    yield
    db.session.remove()
    people = sa.select(User.id).where(User.email.like("deskracer%"))
    orders = sa.select(Order.id).where(Order.user_id.in_(people))
    lines = sa.select(OrderLine.id).where(OrderLine.order_id.in_(orders))
    for statement in (
        sa.delete(Registration).where(Registration.order_line_id.in_(lines)),
        sa.delete(LedgerEntry).where(LedgerEntry.order_id.in_(orders)),
        sa.delete(OrderLine).where(OrderLine.order_id.in_(orders)),
        sa.delete(Order).where(Order.id.in_(orders)),
        sa.delete(HouseholdMember).where(HouseholdMember.user_id.in_(people)),
        sa.delete(Program).where(Program.slug == SLUG),
        sa.delete(User).where(User.email.like("deskracer%")),
    ):
        db.session.execute(statement)
    db.session.commit()


def _race(app: Flask, sales: list[tuple[int, DeskSale]]) -> list[str]:
    start = threading.Barrier(len(sales), timeout=10)
    outcomes: list[str] = []

    def race(staff_id: int, sale: DeskSale) -> None:
        # Wait before touching the database: on SQLite even a read takes the write lock.
        start.wait()
        with app.app_context():
            try:
                desk_orders.place_desk_order(db.session.get(User, staff_id), sale)
                db.session.commit()
                outcomes.append("registered")
            except StoreError as error:
                db.session.rollback()
                outcomes.append(type(error).__name__)
            except Exception as error:  # noqa: BLE001 (reported by the caller's assertion)
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=race, args=args) for args in sales]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.commits
def test_two_desks_cannot_both_take_the_last_held_back_space(
    app: Flask, cleanup: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Price the registration slowly, between counting the spaces and taking one, as a busy
    # server might: without the program's row lock both desks would see the space free.
    price = desk_orders.current_price

    def slow_price(*args: Any) -> int:
        time.sleep(0.3)
        return price(*args)

    monkeypatch.setattr(desk_orders, "current_price", slow_price)
    program = factories.ProgramFactory(slug=SLUG, capacity=1, held_back_spaces=1)
    sales = []
    for n in range(2):
        staff = factories.StaffFactory(
            email=f"deskracer-staff{n}@jasper.example", roles=[Role.HELPDESK_AGENT]
        )
        resident = factories.UserFactory(email=f"deskracer{n}@example.ca")
        child = factories.HouseholdMemberFactory(user=resident)
        sales.append((staff.id, DeskSale(program.id, resident.id, child.id, PaymentMethod.CASH)))
    db.session.commit()
    program_id = program.id
    db.session.remove()

    outcomes = _race(app, sales)

    assert outcomes == ["ProgramFullError", "registered"]
    taken = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(Registration.program_id == program_id)
    )
    assert taken == 1
