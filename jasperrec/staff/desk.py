"""Registering someone at the desk or by phone: pick the resident and participant, take payment,
from the household's credit and gift balance first when there is one.

Staff see the resident's household only to pick who takes the program; that is audited
like any opening of a record, and so is the registration itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from jasperrec.auth.models import User
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.mail import send_mail
from jasperrec.store import tender
from jasperrec.store.desk_orders import DeskSale
from jasperrec.store.desk_orders import find_resident
from jasperrec.store.desk_orders import place_desk_order
from jasperrec.store.eligibility import Participant
from jasperrec.store.eligibility import list_participants
from jasperrec.store.models import Order
from jasperrec.store.models import Program
from jasperrec.store.money import money
from jasperrec.store.prices import current_price
from jasperrec.store.residency import residency_of
from jasperrec.store.service import gst_on
from jasperrec.store.service import spaces_left

from . import audit
from .models import AccessKind
from .models import AccessPurpose


@dataclasses.dataclass(frozen=True)
class DeskProgram:
    """A program as the desk sees it: the spaces online, and those the desk may also sell."""

    program: Program
    spaces_online: int
    spaces_at_desk: int


@dataclasses.dataclass(frozen=True)
class DeskChoice:
    """What staff choose from: the resident's household, the fee they pay, and the balance
    that may pay it first."""

    desk: DeskProgram
    resident: User
    candidates: Sequence[Participant]
    fee_cents: int
    # The fee with GST, if the program carries it.
    total_cents: int
    balance: tender.Spendable

    @property
    def balance_pays_cents(self) -> int:
        """What the household balance would pay of the total."""
        return min(self.balance.total_cents, self.total_cents)

    @property
    def collect_cents(self) -> int:
        """What the desk collects when the balance pays first."""
        return self.total_cents - self.balance_pays_cents


def get_desk_program(program_id: int) -> DeskProgram:
    """Return a program with its spaces left online and at the desk.

    :raises NotFoundError:
    """
    program = db.session.get(Program, program_id)
    if program is None:
        raise NotFoundError(program_id)
    return DeskProgram(program, spaces_left(program), spaces_left(program, at_desk=True))


def open_household_for_desk(staff: User, program_id: int, resident_id: int) -> DeskChoice:
    """Return who in the resident's household could take the program, and audit the view.

    :raises NotFoundError:
    """
    desk = get_desk_program(program_id)
    resident = find_resident(resident_id)
    audit.record_access(
        staff,
        resident,
        AccessKind.HOUSEHOLD,
        AccessPurpose.DESK_REGISTRATION,
        record_type="household",
        record_id=resident.id,
        detail=f"choosing a participant for program {desk.program.id}",
    )
    fee = current_price(desk.program, residency_of(resident))
    choice = DeskChoice(
        desk=desk,
        resident=resident,
        candidates=list_participants(resident, desk.program),
        fee_cents=fee,
        total_cents=fee + (gst_on(fee) if desk.program.is_taxable else 0),
        balance=tender.spendable(resident),
    )
    db.session.commit()
    return choice


def register_at_desk(staff: User, sale: DeskSale) -> Order:
    """Register someone, record the payment taken at the desk, audit it, email the receipt.

    One transaction: a refused registration writes nothing.

    :raises NotFoundError:
    :raises RegistrationClosedError, NotEligibleError, ProgramFullError, DeskPaymentError:
    """
    try:
        order = place_desk_order(staff, sale)
        audit.record_access(
            staff,
            order.user,
            AccessKind.ORDER,
            AccessPurpose.DESK_REGISTRATION,
            record_type="order",
            record_id=order.id,
            detail=f"registered at the desk in program {sale.program_id}, {_paid(order)}",
        )
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    send_mail(order.user.email, "store/receipt", order=order, user=order.user)
    return order


def _paid(order: Order) -> str:
    """How the order was paid, in the audit's words."""
    parts = []
    if order.card_cents:
        parts.append(f"{money(order.card_cents)} by {order.payment_method}")
    if order.balance_paid_cents:
        parts.append(f"{money(order.balance_paid_cents)} from the household balance")
    return f"paid {' and '.join(parts)}" if parts else f"nothing to pay ({order.payment_method})"
