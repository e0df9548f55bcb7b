"""The catalogue residents browse and the cart they fill before checking out."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from jasperrec import dates
from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from . import entitlements
from . import stock
from .eligibility import age_problem
from .errors import CartLimitError
from .errors import NotEligibleError
from .errors import ProgramFullError
from .errors import RegistrationClosedError
from .models import MAX_QUANTITY
from .models import OFFER_STATUSES
from .models import CartItem
from .models import Product
from .models import ProductKind
from .models import Program
from .models import Registration
from .models import RegistrationStatus
from .models import WaitlistEntry
from .residency import fee_for
from .residency import residency_of
from .rules import Window
from .rules import closed_notice
from .rules import prerequisite_problem
from .rules import window

ACTIVE = (RegistrationStatus.HELD, RegistrationStatus.CONFIRMED)


@dataclasses.dataclass(frozen=True)
class ProgramListing:
    """A program with the spaces still open in it."""

    program: Program
    spaces_left: int
    window: Window

    @property
    def is_full(self) -> bool:
        """Tell whether every space is taken or held."""
        return self.spaces_left <= 0

    @property
    def registration_open(self) -> bool:
        """Tell whether residents may register online now."""
        return self.window is Window.OPEN

    @property
    def opens_later(self) -> bool:
        """Tell whether registration has yet to open, so the guide says when it does."""
        return self.window is Window.NOT_YET


def local_today() -> dt.date:
    """Return today's date in the municipality, which decides who may still register."""
    return dates.local_today()


def gst_on(subtotal_cents: int) -> int:
    """Return the GST on an amount, rounded half up to the cent as the CRA expects."""
    rate = int(current_app.config["STORE_GST_RATE_PERCENT"])
    return (subtotal_cents * rate + 50) // 100


def _taken(
    program_id: sa.orm.InstrumentedAttribute[int] | int, now: dt.datetime
) -> sa.ScalarSelect[int]:
    """Count the spaces taken in a program: active registrations and unexpired waitlist offers.

    An offered space is the offered person's until the offer's deadline, so nobody else
    may take it meanwhile. Correlated per program, each count reads its own index.
    """
    registrations = sa.select(sa.func.count(Registration.id)).where(
        Registration.program_id == program_id, Registration.status.in_(ACTIVE)
    )
    offers = sa.select(sa.func.count(WaitlistEntry.id)).where(
        WaitlistEntry.program_id == program_id,
        WaitlistEntry.status.in_(OFFER_STATUSES),
        WaitlistEntry.offer_expires_at > now,
    )
    return sa.select(registrations.scalar_subquery() + offers.scalar_subquery()).scalar_subquery()


def listing_query() -> sa.Select[Program, int]:
    """Select published programs with their spaces left online, for the guide and a program page.

    The spaces held back for the desk and the phone are not offered online.
    """
    spaces = Program.capacity - Program.held_back_spaces - _taken(Program.id, utcnow())
    return sa.select(Program, spaces).where(Program.is_published.is_(True))


def spaces_left(program: Program, *, at_desk: bool = False) -> int:
    """Return the spaces in a program not yet taken, held, or offered from its waitlist.

    Online that leaves out the spaces held back for the desk and the phone; staff
    registering someone at the desk (at_desk) may take those too.
    """
    held_back = 0 if at_desk else program.held_back_spaces
    taken = int(db.session.scalar(sa.select(_taken(program.id, utcnow()))) or 0)
    return max(program.capacity - held_back - taken, 0)


def to_listing(program: Program, spaces_left: int, now: dt.datetime) -> ProgramListing:
    """Pair a program with its spaces left and where it stands in its registration window."""
    return ProgramListing(program, max(spaces_left, 0), window(program, now))


def get_program(slug: str) -> ProgramListing:
    """Return one published program with its spaces left.

    :raises NotFoundError:
    """
    row = db.session.execute(listing_query().where(Program.slug == slug)).first()
    if row is None:
        raise NotFoundError(slug)
    return to_listing(row[0], row[1], utcnow())


def list_products(kind: ProductKind | None = None) -> Sequence[Product]:
    """Return the products on sale, grouped by kind and cheapest first."""
    query = sa.select(Product).where(Product.is_published.is_(True))
    if kind is not None:
        query = query.where(Product.kind == kind)
    return db.session.scalars(query.order_by(Product.kind, Product.price_cents)).all()


def get_product(slug: str) -> Product:
    """Return one product on sale.

    :raises NotFoundError:
    """
    product: Product | None = db.session.scalar(
        sa.select(Product).where(Product.slug == slug, Product.is_published.is_(True))
    )
    if product is None:
        raise NotFoundError(slug)
    return product


def _participant(user: User, member_id: int | None) -> HouseholdMember | None:
    if member_id is None:
        return None
    member = db.session.get(HouseholdMember, member_id)
    if member is None or member.user_id != user.id:
        raise NotFoundError(member_id)
    return member


def participant_name(user: User, member: HouseholdMember | None) -> str:
    """Name the person taking a program: a household member or the account holder."""
    return member.full_name if member is not None else user.full_name


def check_eligible(
    user: User, program: Program, member: HouseholdMember | None, spaces_left: int
) -> None:
    """Refuse a registration the program's rules do not allow.

    :raises RegistrationClosedError: not open yet, closed, withdrawn or cancelled.
    :raises NotEligibleError: age, a space already, or a prerequisite or approval missing.
    :raises ProgramFullError:
    """
    name = participant_name(user, member)
    closed = closed_notice(program)
    if closed is not None:
        raise RegistrationClosedError(closed)
    birthday = member.date_of_birth if member is not None else user.date_of_birth
    if birthday is None and (program.min_age is not None or program.max_age is not None):
        raise NotEligibleError(
            f"{program.name} is for ages {program.age_range.lower()}. Add your date of birth "
            "to your profile so we can check you are eligible."
        )
    if birthday is not None and age_problem(program, birthday) is not None:
        age = dates.age_on(birthday, program.starts_on)
        raise NotEligibleError(
            f"{name} will be {age} when {program.name} starts; it is for ages "
            f"{program.age_range.lower()}."
        )
    if _is_registered(user, program, member):
        raise NotEligibleError(f"{name} already has a space in {program.name}.")
    missing = prerequisite_problem(user, program, member, name)
    if missing is not None:
        raise NotEligibleError(missing)
    if spaces_left <= 0:
        raise ProgramFullError(f"{program.name} is full.")


def _is_registered(user: User, program: Program, member: HouseholdMember | None) -> bool:
    member_id = member.id if member is not None else None
    query = sa.select(Registration.id).where(
        Registration.program_id == program.id,
        Registration.user_id == user.id,
        Registration.household_member_id.is_not_distinct_from(member_id),
        Registration.status.in_(ACTIVE),
    )
    return db.session.scalar(query.limit(1)) is not None


def cart_items(user: User) -> list[CartItem]:
    """Return the cart's items with what they name, in one round of queries however many."""
    query = (
        sa.select(CartItem)
        .options(
            selectinload(CartItem.program),
            selectinload(CartItem.product),
            selectinload(CartItem.household_member),
        )
        .where(CartItem.user_id == user.id)
        .order_by(CartItem.id)
    )
    return list(db.session.scalars(query))


def _check_room(user: User) -> None:
    limit = int(current_app.config["STORE_CART_MAX_LINES"])
    if len(cart_items(user)) >= limit:
        raise CartLimitError(f"A cart holds at most {limit} items. Check out, then add more.")


def add_program_to_cart(user: User, slug: str, member_id: int | None) -> CartItem:
    """Put a program in the cart for one participant, if that person may take it.

    :raises NotFoundError: no such program, or the member is not in this household.
    :raises RegistrationClosedError, NotEligibleError, ProgramFullError, CartLimitError:
    """
    listing = get_program(slug)
    program = listing.program
    member = _participant(user, member_id)
    check_eligible(user, program, member, listing.spaces_left)
    duplicate = any(
        item.program_id == program.id and item.household_member_id == member_id
        for item in cart_items(user)
    )
    if duplicate:
        name = participant_name(user, member)
        raise NotEligibleError(f"{program.name} for {name} is already in your cart.")
    _check_room(user)
    item = CartItem(
        user_id=user.id,
        program=program,
        household_member=member,
        unit_price_seen_cents=fee_for(program, residency_of(user)),
    )
    db.session.add(item)
    db.session.commit()
    return item


def add_product_to_cart(
    user: User,
    slug: str,
    quantity: int = 1,
    *,
    member_id: int | None = None,
    starts_on: dt.date | None = None,
) -> CartItem:
    """Put a product in the cart: a pass, membership or visit card for one named person, or
    some of anything else (raising the quantity of the one already there).

    :raises NotFoundError: no such product, or the member is not in this household.
    :raises NotEligibleError, MissingBirthdayError, StartDateError: who or when does not fit.
    :raises CartLimitError: the quantity would pass the most one checkout sells.
    :raises OutOfStockError: fewer are left than the cart would hold.
    """
    product = get_product(slug)
    if product.kind.is_entitlement:
        return _add_entitlement(user, product, member_id, starts_on)
    item = next((i for i in cart_items(user) if i.product_id == product.id), None)
    held = item.quantity if item is not None else 0
    if held + quantity > MAX_QUANTITY:
        raise CartLimitError(f"You can buy at most {MAX_QUANTITY} of {product.name} at once.")
    stock.check_stock(product, held + quantity)
    if item is None:
        _check_room(user)
        item = CartItem(user_id=user.id, product=product, quantity=0)
        db.session.add(item)
    item.quantity += quantity
    item.unit_price_seen_cents = product.price_cents
    db.session.commit()
    return item


def _add_entitlement(
    user: User, product: Product, member_id: int | None, starts_on: dt.date | None
) -> CartItem:
    member = _participant(user, member_id)
    first_day = entitlements.check_start(product, starts_on, local_today())
    entitlements.check_holder(user, product, member, first_day)
    duplicate = any(
        item.product_id == product.id and item.household_member_id == member_id
        for item in cart_items(user)
    )
    if duplicate:
        name = participant_name(user, member)
        raise NotEligibleError(f"{product.name} for {name} is already in your cart.")
    _check_room(user)
    item = CartItem(
        user_id=user.id,
        product=product,
        household_member=member,
        quantity=1,
        starts_on=starts_on if product.kind is ProductKind.MEMBERSHIP else None,
        unit_price_seen_cents=product.price_cents,
    )
    db.session.add(item)
    db.session.commit()
    return item


def _own_item(user: User, item_id: int) -> CartItem:
    item = db.session.get(CartItem, item_id)
    if item is None or item.user_id != user.id:
        raise NotFoundError(item_id)
    return item


def update_quantity(user: User, item_id: int, quantity: int) -> CartItem:
    """Change how many of a product the cart holds.

    :raises NotFoundError: not an item in this resident's cart.
    :raises CartLimitError: a program or pass line, or a quantity outside 1 to 10.
    :raises OutOfStockError: fewer are left.
    """
    item = _own_item(user, item_id)
    if item.product is None:
        raise CartLimitError("A program registration is for one person; remove it instead.")
    if item.product.kind.is_entitlement:
        raise CartLimitError(
            f"{item.product.name} is for one person; add another for someone else."
        )
    if not 1 <= quantity <= MAX_QUANTITY:
        raise CartLimitError(f"Choose a quantity from 1 to {MAX_QUANTITY}.")
    stock.check_stock(item.product, quantity)
    item.quantity = quantity
    db.session.commit()
    return item


def remove_from_cart(user: User, item_id: int) -> None:
    """Take one item out of the resident's cart.

    :raises NotFoundError:
    """
    db.session.delete(_own_item(user, item_id))
    db.session.commit()


def count_cart_items(user: User) -> int:
    """Return how many items the cart holds, for the header's cart link."""
    query = sa.select(sa.func.coalesce(sa.func.sum(CartItem.quantity), 0)).where(
        CartItem.user_id == user.id
    )
    return int(db.session.scalar(query) or 0)
