"""Passes, memberships and visit cards issued to one person: who may hold one, issuing it
when its order is paid, whether it admits someone today, and the visits made on it."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

import segno
import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup

from jasperrec import dates
from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import paginate_clamped
from jasperrec.extensions import db

from .errors import MissingBirthdayError
from .errors import NotEligibleError
from .errors import StartDateError
from .models import CODE_ALPHABET
from .models import CODE_LENGTH
from .models import DeskOutcome
from .models import Entitlement
from .models import Order
from .models import OrderLine
from .models import Product
from .models import ProductKind
from .models import Program
from .models import Visit

# How far ahead a membership may be bought to start.
MEMBERSHIP_START_WINDOW_DAYS = 90
PASSES_PAGE_SIZE = 20


def start_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day a membership bought today may start on."""
    return today, today + dt.timedelta(days=MEMBERSHIP_START_WINDOW_DAYS)


def check_start(product: Product, starts_on: dt.date | None, today: dt.date) -> dt.date:
    """Return the first day the product is valid: a membership's chosen day, else today.

    :raises StartDateError: a membership without a start date, or one outside the window.
    """
    if product.kind is not ProductKind.MEMBERSHIP:
        return today
    first, last = start_window(today)
    if starts_on is None:
        raise StartDateError(f"Choose the day {product.name} starts.")
    if not first <= starts_on <= last:
        raise StartDateError(
            f"{product.name} can start any day from today to {last:%B} {last.day}, {last.year}."
        )
    return starts_on


def check_holder(
    user: User, product: Product, member: HouseholdMember | None, starts_on: dt.date
) -> None:
    """Refuse a holder outside the product's ages on its first day.

    :raises MissingBirthdayError: the product has ages and the person has no date of birth.
    :raises NotEligibleError: the person is too young or too old.
    """
    if product.age_range is None:
        return
    name = member.first_name if member is not None else user.first_name
    birthday = member.date_of_birth if member is not None else user.date_of_birth
    if birthday is None:
        raise MissingBirthdayError(
            f"{product.name} is for {product.age_range}. Add {name}'s date of birth so we can "
            "check.",
            member_id=member.id if member is not None else None,
        )
    age = dates.age_on(birthday, starts_on)
    too_young = product.min_age is not None and age < product.min_age
    too_old = product.max_age is not None and age > product.max_age
    if too_young or too_old:
        what = product.name[0].lower() + product.name[1:]
        article = "An" if what[0] in "aeiou" else "A"
        raise NotEligibleError(f"{article} {what} is for {product.age_range}; {name} is {age}.")


def _new_code() -> str:
    """Return a code no entitlement has: ten characters, about 50 bits, never guessed."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if db.session.scalar(sa.select(Entitlement.id).where(Entitlement.code == code)) is None:
            return code


def issue_for(order: Order, paid_on: dt.date) -> list[Entitlement]:
    """Issue an entitlement for each pass, membership and visit card line not yet issued.

    Runs inside the payment's transaction and only flushes; a line already issued is left
    alone, so a payment event delivered twice issues nothing more.
    """
    issued = []
    for line in order.lines:
        product = line.product
        if product is None or not product.kind.is_entitlement or line.entitlement is not None:
            continue
        issued.append(_issue(order, line, product, paid_on))
    db.session.flush()
    return issued


def _issue(order: Order, line: OrderLine, product: Product, paid_on: dt.date) -> Entitlement:
    starts = line.starts_on or paid_on
    until = starts + dt.timedelta(days=product.valid_days - 1) if product.valid_days else None
    entitlement = Entitlement(
        code=_new_code(),
        product=product,
        user_id=order.user_id,
        household_member_id=line.household_member_id,
        holder_name=line.participant_name or order.user.full_name,
        product_name=product.name,
        facility=product.facility,
        valid_from=starts,
        valid_until=until,
        visits_total=product.visits,
        visits_used=0,
    )
    line.entitlement = entitlement
    return entitlement


def normalise_code(typed: str) -> str | None:
    """Return the code a person typed or scanned, or None when it cannot be one.

    Spaces, dashes and case do not matter: "abcde-23456" is ABCDE23456.
    """
    code = "".join(ch for ch in typed.upper() if ch not in " -\t\r\n")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def find_by_code(typed: str) -> Entitlement | None:
    """Return the entitlement with the code typed or scanned, or None."""
    code = normalise_code(typed)
    if code is None:
        return None
    query = sa.select(Entitlement).where(Entitlement.code == code)
    return db.session.scalar(query)


def refusal(entitlement: Entitlement, facility: str, today: dt.date) -> DeskOutcome | None:
    """Say why the entitlement does not admit its holder at a facility today, or None."""
    if today < entitlement.valid_from:
        return DeskOutcome.NOT_STARTED
    if entitlement.valid_until is not None and today > entitlement.valid_until:
        return DeskOutcome.EXPIRED
    if entitlement.facility is not None and entitlement.facility != facility:
        return DeskOutcome.OTHER_FACILITY
    if entitlement.visits_left is not None and entitlement.visits_left <= 0:
        return DeskOutcome.NO_VISITS_LEFT
    return None


def use_visit(entitlement: Entitlement, facility: str, staff: User, today: dt.date) -> DeskOutcome:
    """Record one visit if the entitlement admits its holder; only flushes.

    The check and the count are one conditional UPDATE, so two desks using the last visit
    of a card at the same moment record one visit and refuse the other.
    """
    still_good = [
        Entitlement.id == entitlement.id,
        Entitlement.valid_from <= today,
        sa.or_(Entitlement.valid_until.is_(None), Entitlement.valid_until >= today),
        sa.or_(Entitlement.facility.is_(None), Entitlement.facility == facility),
        sa.or_(
            Entitlement.visits_total.is_(None), Entitlement.visits_used < Entitlement.visits_total
        ),
    ]
    used = db.session.execute(
        sa.update(Entitlement)
        .where(*still_good)
        .values(visits_used=Entitlement.visits_used + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(entitlement)
    if used.rowcount != 1:  # type: ignore[attr-defined]
        return refusal(entitlement, facility, today) or DeskOutcome.NO_VISITS_LEFT
    db.session.add(Visit(entitlement_id=entitlement.id, facility=facility, staff_id=staff.id))
    db.session.flush()
    return DeskOutcome.VISIT_RECORDED


def list_entitlements_for(user: User, page: int = 1) -> Pagination:
    """Return a page of the passes, memberships and visit cards the household holds, newest
    first, in a fixed number of queries."""
    query = (
        sa.select(Entitlement)
        .where(Entitlement.user_id == user.id)
        .order_by(Entitlement.valid_from.desc(), Entitlement.id.desc())
    )
    return paginate_clamped(query, page, PASSES_PAGE_SIZE)


def qr_svg(code: str) -> Markup:
    """Draw the code as an inline SVG QR code, for a desk scanner to read off a phone or card."""
    svg = segno.make(code, error="m").svg_inline(scale=4, title=f"QR code for {code}")
    return Markup(svg)  # noqa: S704 (segno's own markup around a code from our alphabet)


def list_facilities() -> Sequence[str]:
    """Every facility that runs a program or admits with a pass, for the desk to choose from."""
    programs = sa.select(Program.facility)
    products = sa.select(Product.facility).where(Product.facility.is_not(None))
    names = db.session.scalars(sa.union(programs, products)).all()
    return sorted({str(name) for name in names})


def today() -> dt.date:
    """Return today's date in the municipality: validity is by local calendar day."""
    return dates.local_today()
