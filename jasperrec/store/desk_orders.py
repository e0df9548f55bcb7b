"""Orders staff take at the desk or by phone: paid on the spot, from the household balance
first when staff say so, and allowed the held-back spaces."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa
from flask import current_app

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from . import ledger
from . import order_status
from . import tender
from .errors import DeskPaymentError
from .models import Order
from .models import OrderLine
from .models import OrderStatus
from .models import PaymentMethod
from .models import Program
from .models import Registration
from .models import RegistrationStatus
from .money import money
from .prices import current_price
from .residency import residency_of
from .service import check_eligible
from .service import gst_on
from .service import participant_name
from .service import spaces_left
from .waitlist import remove_clashing_for


@dataclasses.dataclass(frozen=True)
class DeskSale:
    """One registration staff take at the desk: who, in what, and how it was paid."""

    program_id: int
    resident_id: int
    # None: the account holder takes the program themself.
    member_id: int | None
    # How the desk took what the balance did not pay; None only when it paid it all.
    method: PaymentMethod | None
    # Pay from the household's credit and gift balance first.
    use_balance: bool = False


def lock_program(program_id: int) -> Program:
    """Return the program, row-locked until commit, so two desks cannot sell one last space.

    :raises NotFoundError:
    """
    query = sa.select(Program).where(Program.id == program_id).with_for_update()
    program = db.session.scalars(query).first()
    if program is None:
        raise NotFoundError(program_id)
    return program


def find_resident(resident_id: int) -> User:
    """Return a resident (or contact) staff may register; never a staff account.

    :raises NotFoundError:
    """
    resident = db.session.get(User, resident_id)
    if resident is None or resident.is_staff:
        raise NotFoundError(resident_id)
    return resident


def _member(resident: User, member_id: int | None) -> HouseholdMember | None:
    if member_id is None:
        return None
    member = db.session.get(HouseholdMember, member_id)
    if member is None or member.user_id != resident.id:
        raise NotFoundError(member_id)
    return member


def _method(resident: User, sale: DeskSale, total_cents: int) -> PaymentMethod:
    """How the order is paid: the desk's method, or the balance when it covers it all.

    Locks the household first when its balance is to be spent, as checkout does.

    :raises DeskPaymentError: something is left to collect and no method was given.
    """
    covered = 0
    if sale.use_balance:
        tender.lock_household(resident)
        covered = min(tender.available_cents(resident), total_cents)
    if covered and covered == total_cents:
        return PaymentMethod.BALANCE
    if sale.method is None or sale.method is PaymentMethod.BALANCE:
        raise DeskPaymentError(
            f"Choose how you collected the {money(total_cents - covered)} to pay."
        )
    return sale.method


def place_desk_order(staff: User, sale: DeskSale) -> Order:
    """Register the participant and record the order as paid at the desk, by staff.

    Checks eligibility and space the way checkout does, except that the spaces held back
    for the desk count as open. With `use_balance`, the household's credit and gift
    balance pay first and the desk's method pays the rest. Flushes only: the staff
    console commits it together with its audit entry, then sends the receipt.

    :raises NotFoundError: no such program, resident, or member of that household.
    :raises RegistrationClosedError, NotEligibleError, ProgramFullError:
    :raises DeskPaymentError: something is left to collect and no method was given.
    """
    program = lock_program(sale.program_id)
    resident = find_resident(sale.resident_id)
    member = _member(resident, sale.member_id)
    check_eligible(resident, program, member, spaces_left(program, at_desk=True))
    unit = current_price(program, residency_of(resident))
    gst = gst_on(unit) if program.is_taxable else 0
    method = _method(resident, sale, unit + gst)
    now = utcnow()
    order = Order(
        user=resident,
        currency=current_app.config["STORE_CURRENCY"],
        subtotal_cents=unit,
        gst_cents=gst,
        total_cents=unit + gst,
        expires_at=now,
        paid_at=now,
        payment_method=method,
        taken_by=staff,
    )
    line = OrderLine(
        program_id=program.id,
        description=program.name,
        participant_name=participant_name(resident, member),
        quantity=1,
        unit_price_cents=unit,
        gst_cents=gst,
    )
    line.registration = Registration(
        program=program,
        user_id=resident.id,
        household_member=member,
        status=RegistrationStatus.CONFIRMED,
    )
    order.lines.append(line)
    db.session.add(order)
    order_status.start(order, OrderStatus.PAID, f"paid at the desk: {method.value}", staff)
    db.session.flush()
    if sale.use_balance:
        tender.apply_balance(order)
    ledger.record_payment(order)
    remove_clashing_for(order)
    return order
