"""Registering someone at the desk or by phone: pick the resident and participant, take payment.

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
from jasperrec.store.desk_orders import DeskSale
from jasperrec.store.desk_orders import find_resident
from jasperrec.store.desk_orders import place_desk_order
from jasperrec.store.eligibility import Participant
from jasperrec.store.eligibility import list_participants
from jasperrec.store.models import Order
from jasperrec.store.models import Program
from jasperrec.store.prices import current_price
from jasperrec.store.residency import residency_of
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
    """What staff choose from: the resident's household and the fee they pay."""

    desk: DeskProgram
    resident: User
    candidates: Sequence[Participant]
    fee_cents: int


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
    choice = DeskChoice(
        desk=desk,
        resident=resident,
        candidates=list_participants(resident, desk.program),
        fee_cents=current_price(desk.program, residency_of(resident)),
    )
    db.session.commit()
    return choice


def register_at_desk(staff: User, sale: DeskSale) -> Order:
    """Register someone, record the payment taken at the desk, audit it, email the receipt.

    One transaction: a refused registration writes nothing.

    :raises NotFoundError:
    :raises RegistrationClosedError, NotEligibleError, ProgramFullError:
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
            detail=f"registered at the desk in program {sale.program_id}, paid by "
            f"{sale.method.value}",
        )
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    send_mail(order.user.email, "store/receipt", order=order, user=order.user)
    return order
