"""Orders: checking out a cart, and what happens when payment succeeds, fails or expires."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.db import paginate_clamped
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.mail import send_mail

from . import entitlements
from . import order_status
from . import partial
from . import settlement
from . import stock
from . import tender
from . import waitlist
from .errors import CartEmptyError
from .errors import EmailNotConfirmedError
from .errors import OrderNotPendingError
from .errors import PriceChangedError
from .errors import ProgramFullError
from .errors import RegistrationClosedError
from .models import CartItem
from .models import Order
from .models import OrderLine
from .models import OrderStatus
from .models import Program
from .models import Registration
from .payments import CheckoutLine
from .payments import PaymentGateway
from .prices import Cart
from .prices import CartLine
from .prices import price_cart
from .service import check_eligible
from .service import local_today
from .service import spaces_left


@dataclasses.dataclass(frozen=True)
class Checkout:
    """A placed order, the payment page the resident goes to next, and who was waitlisted."""

    # None when every program was full and its participants were waitlisted instead.
    order: Order | None
    # None when the card owes nothing: the order is settled at once, with no payment page.
    payment_url: str | None
    shortfall: partial.Shortfall = partial.Shortfall()

    @property
    def waitlisted(self) -> tuple[partial.Waitlisted, ...]:
        """The participants put on a full program's waitlist instead of being registered."""
        return self.shortfall.waitlisted


def check_out(
    user: User,
    gateway: PaymentGateway,
    success_url: str,
    cancel_url: str,
    *,
    keep_together: bool = False,
    late_to_credit: bool = False,
) -> Checkout:
    """Turn the cart into an order, hold its program spaces, and start the payment.

    A participant whose program is full is put on its waitlist in the same transaction,
    and the rest are bought; keep_together asks for all or nothing instead.

    The household's credit and gift balance pay first; an order they cover in full is
    confirmed without a payment page. `late_to_credit`: a payment that arrives after the
    spaces are gone is credited to the household instead of refunded to the card.

    The order and its held spaces commit first, and the payment is started with no lock
    held, so a slow processor never makes other checkouts wait; if it cannot start, the
    order is cancelled, its spaces and stock released and the items put back in the cart.

    :raises EmailNotConfirmedError, CartEmptyError, PriceChangedError:
    :raises RegistrationClosedError, NotEligibleError: a program changed since it went in
        the cart.
    :raises ProgramFullError: a program is full and keep_together was asked, or nothing
        could be bought or waitlisted.
    :raises OutOfStockError: fewer of a product are left than the cart holds.
    :raises StartDateError: a membership's start date has passed.
    :raises PaymentError: the payment processor could not start a payment.
    """
    if not user.is_email_confirmed:
        raise EmailNotConfirmedError(
            "Confirm your email address before you buy: your receipt goes there."
        )
    try:
        order, shortfall = _hold(user, keep_together)
        if order is not None:
            order.late_to_credit = late_to_credit
            tender.apply_balance(order)
    except Exception:
        db.session.rollback()
        raise
    if order is None:
        db.session.commit()
        return Checkout(None, None, shortfall)
    if order.card_cents == 0:
        return _settle_without_card(order, shortfall)
    order_id, request = order.id, _session_request(order, user, success_url, cancel_url)
    db.session.commit()
    # Nothing may read the session until the payment has started: a read would open a
    # transaction, which on SQLite holds the database's write lock through the call.
    try:
        session = gateway.create_checkout_session(**request)
    except Exception:
        db.session.rollback()
        _give_up(user, order_id)
        raise
    order = db.session.get_one(Order, order_id)
    order.checkout_session_id = session.id
    db.session.commit()
    return Checkout(order, session.url, shortfall)


def _hold(user: User, keep_together: bool) -> tuple[Order | None, partial.Shortfall]:
    """Place the order from the cart, taking its stock and holding its spaces; flushes."""
    _lock_cart(user)
    cart = price_cart(user)
    if not cart.lines:
        raise CartEmptyError("Your cart is empty.")
    # First, so a product that ran out is named as such, not as a closed line.
    stock.take_stock(line.item for line in cart.lines)
    if cart.closed_lines:
        raise RegistrationClosedError(str(cart.closed_lines[0].closed_reason))
    if cart.has_price_changes:
        raise PriceChangedError(
            "A price changed since you added it to your cart. Check the new price and "
            "accept it before you pay."
        )
    _lock_programs(cart)
    return _place_order(user, cart, keep_together)


def _session_request(order: Order, user: User, success_url: str, cancel_url: str) -> dict[str, Any]:
    """What the processor needs to start the payment, read before the order is committed."""
    return {
        "reference": order.reference,
        "customer_email": user.email or "",
        "currency": order.currency,
        "lines": _payment_lines(order),
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": order.expires_at,
        # Derived from our own row: a retry returns the same session, never a second one.
        "idempotency_key": f"order-{order.id}-session",
    }


def _give_up(user: User, order_id: int) -> None:
    """Cancel an order whose payment could not start: release it, refill the cart; commits."""
    order = db.session.get_one(Order, order_id)
    settlement.close(order, OrderStatus.CANCELLED, "the payment could not start", user)
    _refill_cart(user, order)
    db.session.commit()
    waitlist.spaces_freed(line.program for line in order.lines)


def _lock_cart(user: User) -> None:
    """Lock the resident's cart, so a double-clicked checkout places one order, not two."""
    db.session.execute(
        sa.select(CartItem.id).where(CartItem.user_id == user.id).with_for_update()
    ).all()


def _lock_programs(cart: Cart) -> None:
    """Lock the programs being bought, in id order, so two checkouts cannot both take the
    last space (PostgreSQL row locks; SQLite's write lock is already held at BEGIN)."""
    ids = sorted({line.item.program_id for line in cart.lines if line.item.program_id})
    if ids:
        db.session.execute(
            sa.select(Program.id).where(Program.id.in_(ids)).order_by(Program.id).with_for_update()
        ).all()


def _place_order(
    user: User, cart: Cart, keep_together: bool
) -> tuple[Order | None, partial.Shortfall]:
    """Buy each line that has its space, and waitlist the rest unless kept together."""
    hold = dt.timedelta(minutes=int(current_app.config["STORE_HOLD_MINUTES"]))
    order = Order(
        user=user,
        currency=current_app.config["STORE_CURRENCY"],
        subtotal_cents=cart.subtotal_cents,
        gst_cents=cart.gst_cents,
        total_cents=cart.total_cents,
        expires_at=utcnow() + hold,
    )
    bought, full = [], []
    for line in cart.lines:
        try:
            _add_order_line(user, order, line)
        except ProgramFullError as error:
            if keep_together:
                raise partial.all_or_nothing(user, line) from error
            full.append(line)
            continue
        bought.append(line)
        db.session.delete(line.item)
    shortfall = partial.waitlist_full(user, full)
    if not bought:
        refusal = partial.nothing_bought(shortfall)
        if refusal is not None:
            raise refusal
        return None, shortfall
    # The totals are the cart's until a line is waitlisted: then they are what is bought.
    taken = Cart(bought, cart.residency)
    order.subtotal_cents, order.gst_cents = taken.subtotal_cents, taken.gst_cents
    order.total_cents = taken.total_cents
    order_status.start(order, OrderStatus.PENDING, "placed online", user)
    return order, shortfall


def _add_order_line(user: User, order: Order, line: CartLine) -> None:
    """Add a line to the order, holding its space first; the order joins the session here.

    :raises ProgramFullError: before anything is added, so the line can be waitlisted.
    """
    item = line.item
    if item.program is not None:
        # A participant's own waitlist offer counted as taken until now: it is theirs.
        own_offer = waitlist.claim_offer(user, item.program, item.household_member)
        check_eligible(
            user, item.program, item.household_member, spaces_left(item.program) + own_offer
        )
    db.session.add(order)
    order_line = OrderLine(
        program_id=item.program_id,
        product_id=item.product_id,
        description=line.description,
        participant_name=line.participant_name,
        household_member_id=item.household_member_id,
        starts_on=item.starts_on,
        quantity=line.quantity,
        unit_price_cents=line.unit_price_cents,
        gst_cents=line.gst_cents,
    )
    order.lines.append(order_line)
    if item.program is not None:
        order_line.registration = Registration(
            program=item.program, user_id=user.id, household_member=item.household_member
        )
        # The hold must count before the next line of the same program is checked.
        db.session.flush()
    if item.product is not None and item.product.kind.is_entitlement:
        first_day = entitlements.check_start(item.product, item.starts_on, local_today())
        entitlements.check_holder(user, item.product, item.household_member, first_day)


def _payment_lines(order: Order) -> list[CheckoutLine]:
    if order.balance_paid_cents:
        # The processor takes no negative lines: one line for what is left to pay.
        paid = order.balance_paid_cents / 100
        name = f"Order {order.reference}, less ${paid:,.2f} from your household balance"
        return [CheckoutLine(name, order.card_cents, 1)]
    lines = [
        CheckoutLine(_line_name(line), line.unit_price_cents, line.quantity) for line in order.lines
    ]
    if order.gst_cents:
        rate = current_app.config["STORE_GST_RATE_PERCENT"]
        lines.append(CheckoutLine(f"GST ({rate}%)", order.gst_cents, 1))
    return lines


def _line_name(line: OrderLine) -> str:
    if line.participant_name:
        return f"{line.description} ({line.participant_name})"
    return line.description


def get_order_for(user: User, order_id: int) -> Order:
    """Return one of the resident's own orders.

    :raises NotFoundError: no such order, or someone else's.
    """
    # The order page names each line's program and schedule: load them with the order.
    lines = selectinload(Order.lines)
    options = [lines.selectinload(OrderLine.program), lines.selectinload(OrderLine.entitlement)]
    order = db.session.get(Order, order_id, options=options)
    if order is None or order.user_id != user.id:
        raise NotFoundError(order_id)
    return order


def get_order_for_session(user: User, checkout_session_id: str) -> Order:
    """Return the resident's own order behind a checkout session.

    :raises NotFoundError:
    """
    order = settlement.find_order_by_session(checkout_session_id)
    if order is None or order.user_id != user.id:
        raise NotFoundError(checkout_session_id)
    return order


# Orders on one page of the resident's list.
ORDERS_PAGE_SIZE = 20


def list_orders_for(user: User, page: int = 1) -> Pagination:
    """Return a page of the resident's orders, newest first; a page past the last shows the last."""
    query = sa.select(Order).where(Order.user_id == user.id)
    query = query.order_by(Order.created_at.desc(), Order.id.desc())
    return paginate_clamped(query, page, ORDERS_PAGE_SIZE)


def _settle_without_card(order: Order, shortfall: partial.Shortfall) -> Checkout:
    """Confirm an order the card owes nothing for: processors refuse a payment of $0."""
    why = "paid from the household balance" if order.balance_paid_cents else "nothing was owed"
    settlement.mark_paid(order, None, why, order.user)
    db.session.commit()
    send_mail(order.user.email, "store/receipt", order=order, user=order.user)
    return Checkout(order, None, shortfall)


def cancel_checkout(user: User, gateway: PaymentGateway, checkout_session_id: str) -> Order:
    """Give up a payment: release the held spaces and put the items back in the cart.

    The checkout session is expired first, so the abandoned page cannot take money later.

    :raises NotFoundError: not the resident's order.
    :raises OrderNotPendingError: already paid, cancelled or expired.
    :raises PaymentError: the processor could not expire the session; nothing changes.
    """
    order = get_order_for_session(user, checkout_session_id)
    if not order.is_pending:
        raise OrderNotPendingError(f"Order {order.reference} is already {order.status.value}.")
    if order.is_payment_delayed:
        raise OrderNotPendingError(
            f"The payment for order {order.reference} is on its way from your bank; it can "
            "no longer be cancelled here."
        )
    gateway.expire_checkout_session(checkout_session_id)
    settlement.close(order, OrderStatus.CANCELLED, "the resident gave up the payment", user)
    _refill_cart(user, order)
    db.session.commit()
    waitlist.spaces_freed(line.program for line in order.lines)
    return order


def _refill_cart(user: User, order: Order) -> None:
    for line in order.lines:
        item = _back_in_cart(user, line)
        if item is not None:
            db.session.add(item)


def _back_in_cart(user: User, line: OrderLine) -> CartItem | None:
    """Rebuild the cart item an order line came from, unless its participant was removed."""
    registration = line.registration
    member_id = line.household_member_id
    if registration is not None:
        member_id = registration.household_member_id
    named = line.participant_name is not None
    if named and member_id is None and line.participant_name != user.full_name:
        return None
    return CartItem(
        user_id=user.id,
        program_id=line.program_id,
        product_id=line.product_id,
        household_member_id=member_id,
        starts_on=line.starts_on,
        quantity=line.quantity,
    )
