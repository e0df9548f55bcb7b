"""Two desks recording a visit on the last visit of a card at the same moment, on separate
connections: one visit is recorded, the other refused, and the card never goes past its total.

Like test_concurrency.py, it commits for real and deletes what it made afterwards. It races
the store's visit counter itself: the desk around it also writes the append-only staff
audit, which a test could not clean up.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec import dates
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store import entitlements
from jasperrec.store.models import Entitlement
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import Order
from jasperrec.store.models import OrderLine
from jasperrec.store.models import Product
from jasperrec.store.models import Visit
from tests import factories
from tests.races import delete_committed
from tests.races import run_at_once

EMAILS = "visit-racer%@example.ca"
POOL = "Jasper Aquatic Centre"


@pytest.fixture
def cleanup(app: Flask) -> Iterator[None]:
    yield
    db.session.remove()
    users = sa.select(User.id).where(User.email.like(EMAILS))
    held = sa.select(Entitlement.id).where(Entitlement.user_id.in_(users))
    products = sa.select(Entitlement.product_id).where(Entitlement.user_id.in_(users))
    orders = sa.select(Order.id).where(Order.user_id.in_(users))
    product_ids = list(db.session.scalars(products))
    delete_committed(
        sa.delete(Visit).where(Visit.entitlement_id.in_(held)),
        sa.delete(Entitlement).where(Entitlement.user_id.in_(users)),
        sa.delete(LedgerEntry).where(LedgerEntry.order_id.in_(orders)),
        sa.delete(OrderLine).where(OrderLine.order_id.in_(orders)),
        sa.delete(Order).where(Order.id.in_(orders)),
        sa.delete(Product).where(Product.id.in_(product_ids)),
        sa.delete(User).where(User.email.like(EMAILS)),
    )


def _use_last_visit(code: str, staff_id: int) -> str:
    staff = db.session.get_one(User, staff_id)
    card = db.session.scalar(sa.select(Entitlement).where(Entitlement.code == code))
    outcome = entitlements.use_visit(card, POOL, staff, dates.local_today())
    db.session.commit()
    return outcome.value


@pytest.mark.commits
def test_two_desks_cannot_both_use_the_last_visit(app, cleanup):
    holder = factories.UserFactory(email="visit-racer-holder@example.ca")
    card = factories.EntitlementFactory(holder=holder, visits_total=10, visits_used=9)
    desks = [factories.UserFactory(email=f"visit-racer{n}@example.ca") for n in range(2)]
    db.session.commit()
    code, card_id, ids = card.code, card.id, [d.id for d in desks]
    db.session.remove()

    outcomes = run_at_once(app, _use_last_visit, [(code, i) for i in ids])

    assert sorted(outcomes) == ["no visits left", "visit recorded"]
    assert db.session.get_one(Entitlement, card_id).visits_used == 10
    visits = sa.select(sa.func.count(Visit.id)).where(Visit.entitlement_id == card_id)
    assert db.session.scalar(visits) == 1
