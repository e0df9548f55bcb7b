"""The demo's passes and merchandise: age limits, stock, and codes for the front desk to find."""

from __future__ import annotations

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.cli import seed_demo_command
from jasperrec.extensions import db
from jasperrec.staff import front_desk as desk
from jasperrec.store import ledger
from jasperrec.store import service
from jasperrec.store.demo import DEMO_CREDIT
from jasperrec.store.models import DeskOutcome
from jasperrec.store.models import Entitlement
from jasperrec.store.models import LedgerAccount
from jasperrec.store.models import ProductKind


def _held(email: str) -> list[Entitlement]:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    query = sa.select(Entitlement).where(Entitlement.user_id == user.id).order_by(Entitlement.id)
    return list(db.session.scalars(query))


def test_the_demo_sells_stocked_merchandise_and_age_limited_passes(runner):
    assert runner.invoke(seed_demo_command).exit_code == 0

    merchandise = service.list_products(ProductKind.MERCHANDISE)
    assert merchandise
    assert all(p.stock is not None and p.stock > 0 for p in merchandise)
    senior = service.get_product("senior-annual")
    youth = service.get_product("youth-30-day")
    assert (senior.min_age, senior.max_age) == (65, None)
    assert (youth.min_age, youth.max_age) == (6, 17)
    assert service.get_product("skate-10-visit").facility == "Jasper Arena"


def test_the_demo_residents_hold_passes_the_desk_can_find(runner):
    assert runner.invoke(seed_demo_command).exit_code == 0
    assert runner.invoke(seed_demo_command).exit_code == 0  # seeding twice issues nothing more
    staff = db.session.scalar(sa.select(User).where(User.email == "jordan.agent@example.ca"))

    alex = _held("alex.tremblay@example.ca")
    priya = _held("priya.singh@example.ca")

    assert [e.holder_name for e in alex] == ["Alex Tremblay", "Maya Tremblay", "Sam Tremblay"]
    assert alex[1].visits_left == 3
    outcomes = [desk.look_up(staff, "Jasper Aquatic Centre", e.code).outcome for e in priya]
    assert outcomes == [DeskOutcome.EXPIRED, DeskOutcome.VALID]


def test_a_demo_household_has_credit_to_spend_once(runner):
    assert runner.invoke(seed_demo_command).exit_code == 0
    assert runner.invoke(seed_demo_command).exit_code == 0

    email, cents, _ = DEMO_CREDIT
    priya = db.session.scalars(sa.select(User).where(User.email == email)).one()
    assert ledger.balance(priya, LedgerAccount.CREDIT) == cents
