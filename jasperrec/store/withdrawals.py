"""Withdrawals: a participant gives up a registration and gets back what the policy gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from . import refunds
from . import waitlist
from .errors import RefundError
from .errors import WithdrawalError
from .models import OrderLine
from .models import Program
from .models import RefundDestination
from .models import Registration
from .models import RegistrationStatus
from .payments import PaymentGateway
from .service import local_today

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class WithdrawalQuote:
    """What withdrawing gives back now, under the program's policy."""

    paid_cents: int
    fee_cents: int
    refund_cents: int
    # The last day a withdrawal gives anything back.
    last_refund_day: dt.date
    # The most that can go back to the card: what the household balance paid goes back to it.
    card_cents: int = 0

    @property
    def gives_nothing(self) -> bool:
        """Tell whether the deadline has passed, so nothing comes back."""
        return self.refund_cents == 0


def quote(registration: Registration, today: dt.date | None = None) -> WithdrawalQuote:
    """Work out the refund: all but the capped fee until the cutoff, nothing after."""
    program = registration.program
    line = registration.order_line
    paid = refunds.refundable_cents(line)
    last_day = program.starts_on - dt.timedelta(days=program.withdrawal_cutoff_days)
    if (today or local_today()) > last_day or paid <= 0:
        return WithdrawalQuote(max(paid, 0), 0, 0, last_day)
    fee = min(paid * program.withdrawal_fee_percent // 100, program.withdrawal_fee_cap_cents)
    on_card = min(paid - fee, max(refunds.card_refundable_cents(line.order), 0))
    return WithdrawalQuote(paid, fee, paid - fee, last_day, on_card)


def get_registration_for(user: User, registration_id: int) -> Registration:
    """Return one of the household's confirmed registrations.

    :raises NotFoundError: no such registration, someone else's, or not confirmed.
    """
    registration = db.session.get(Registration, registration_id)
    if (
        registration is None
        or registration.user_id != user.id
        or registration.status is not RegistrationStatus.CONFIRMED
    ):
        raise NotFoundError(registration_id)
    return registration


def cancel_registration(registration: Registration, by: User | None) -> None:
    """Give up a confirmed registration, recording who and when; flushes only.

    :raises WithdrawalError: it is not confirmed.
    """
    if registration.status is not RegistrationStatus.CONFIRMED:
        raise WithdrawalError("Only a confirmed registration can be withdrawn.")
    registration.status = RegistrationStatus.CANCELLED
    registration.withdrawn_at = utcnow()
    registration.withdrawn_by_id = by.id if by is not None else None
    db.session.flush()


def withdraw(
    user: User,
    registration_id: int,
    destination: RefundDestination,
    gateway: PaymentGateway,
    today: dt.date | None = None,
) -> WithdrawalQuote:
    """Withdraw a participant, refunding what the policy gives to the card or as credit.

    The refund is made first: if it fails, the registration stands and nothing changed.

    :raises NotFoundError, WithdrawalError:
    :raises RefundError: the refund could not be made; the participant is still registered.
    """
    registration = get_registration_for(user, registration_id)
    program = registration.program
    if program.ends_on < (today or local_today()):
        raise WithdrawalError(f"{program.name} is over; there is nothing to withdraw from.")
    given = quote(registration, today)
    if given.refund_cents:
        request = refunds.RefundRequest(
            registration.order_line_id, given.refund_cents, destination,
            f"Withdrew from {program.name}", given.fee_cents,
        )  # fmt: skip
        refunds.refund_line(user, request, gateway)
    # Locked again: the refund committed, and a second click may be racing this one.
    registration = _locked(registration_id)
    if registration.status is RegistrationStatus.CONFIRMED:
        cancel_registration(registration, user)
    db.session.commit()
    space_freed(program)
    return given


def _locked(registration_id: int) -> Registration:
    query = sa.select(Registration).where(Registration.id == registration_id)
    registration = db.session.scalars(query.with_for_update()).one()
    db.session.refresh(registration)
    return registration


def refund_everyone(staff: User, program: Program, gateway: PaymentGateway) -> int:
    """Refund every confirmed registration of a cancelled program in full, and cancel it.

    Each is its own transaction: a card refund that fails is recorded as failed, left
    registered for finance to settle from the order page, and the rest go on.
    """
    query = (
        sa.select(Registration.id, OrderLine.id, OrderLine.order_id)
        .join(OrderLine, OrderLine.id == Registration.order_line_id)
        .where(
            Registration.program_id == program.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .order_by(Registration.id)
    )
    done = 0
    for registration_id, line_id, _ in db.session.execute(query).all():
        try:
            _refund_in_full(staff, registration_id, line_id, gateway, program.name)
            done += 1
        except RefundError as error:
            log.warning("Refund for registration %s failed: %s", registration_id, error)
    return done


def _refund_in_full(
    staff: User, registration_id: int, line_id: int, gateway: PaymentGateway, name: str
) -> None:
    line = db.session.get(OrderLine, line_id)
    assert line is not None  # noqa: S101 (joined just above)
    left = refunds.refundable_cents(line)
    if left > 0:
        # Online payments go back to the card; desk payments become credit to spend again.
        to = RefundDestination.CARD if line.order.payment_intent_id else RefundDestination.CREDIT
        request = refunds.RefundRequest(line_id, left, to, f"{name} was cancelled")
        refunds.refund_line(staff, request, gateway)
    registration = _locked(registration_id)
    if registration.status is RegistrationStatus.CONFIRMED:
        cancel_registration(registration, staff)
    db.session.commit()


def space_freed(program: Program) -> None:
    """Offer the freed space to the next person on the program's waitlist."""
    waitlist.space_freed(program)
