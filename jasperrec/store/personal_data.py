"""What the store holds about a resident: orders and their lines, registrations, the cart,
passes and memberships with their visits and front-desk checks, and gift cards."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.personal_data import Kind
from jasperrec.personal_data import Row
from jasperrec.personal_data import iso

from .models import CartItem
from .models import DeskCheck
from .models import Entitlement
from .models import GiftCard
from .models import Order
from .models import OrderLine
from .models import OrderStatusChange
from .models import Program
from .models import ProgramCoordinator
from .models import Registration
from .models import Visit
from .service import participant_name

AUTHORITY = (
    "Protection of Privacy Act (Alberta): information needed to sell and deliver the "
    "municipality's programs and passes"
)
# The municipality keeps financial records for audit and tax: the Canada Revenue Agency asks
# for six years after the end of the tax year they relate to.
FINANCIAL_RETENTION = (
    "At least six years after the end of the year of purchase, as tax rules require of "
    "financial records."
)


class StoreData:
    """The store's provider in the personal-data registry."""

    name = "store"
    # order_lines has no user column: it belongs to a person through its order.
    # program_coordinators names staff, not residents: the programs a staff member runs.
    tables = frozenset(
        {
            "orders",
            "order_lines",
            "order_status_changes",
            "registrations",
            "cart_items",
            "program_coordinators",
            "entitlements",
            "visits",
            "desk_checks",
            "gift_cards",
        }
    )

    def export(self, user: User) -> list[Kind]:
        """Return the person's orders, their lines, registrations and cart."""
        orders = db.session.scalars(
            sa.select(Order)
            .options(selectinload(Order.lines))
            .where(Order.user_id == user.id)
            .order_by(Order.created_at.desc(), Order.id.desc())
        ).all()
        registrations = db.session.scalars(
            sa.select(Registration)
            .options(
                selectinload(Registration.program),
                selectinload(Registration.household_member),
                selectinload(Registration.order_line).selectinload(OrderLine.order),
            )
            .where(Registration.user_id == user.id)
            .order_by(Registration.created_at.desc(), Registration.id.desc())
        ).all()
        cart = db.session.scalars(
            sa.select(CartItem)
            .options(
                selectinload(CartItem.program),
                selectinload(CartItem.product),
                selectinload(CartItem.household_member),
            )
            .where(CartItem.user_id == user.id)
            .order_by(CartItem.id)
        ).all()
        kinds = [
            _orders(orders),
            _lines(orders),
            _order_history(orders),
            _registrations(user, registrations),
            _cart(user, cart),
            *_passes(user),
            _gift_cards(user),
        ]
        if user.is_staff:
            kinds.append(_coordinated(user))
        return kinds


def _coordinated(user: User) -> Kind:
    programs = db.session.scalars(
        sa.select(Program)
        .join(ProgramCoordinator, ProgramCoordinator.program_id == Program.id)
        .where(ProgramCoordinator.user_id == user.id)
        .order_by(Program.starts_on, Program.id)
    ).all()
    rows: tuple[Row, ...] = tuple(
        {"program": p.name, "starts_on": iso(p.starts_on)} for p in programs
    )
    return Kind(
        key="programs_coordinated",
        title="Programs you coordinate",
        purpose=(
            "To show you the rosters of your programs, with the medical notes that only a "
            "program's coordinators may read."
        ),
        retention="While you coordinate the program; removed with the program.",
        authority=AUTHORITY,
        rows=rows,
    )


def _orders(orders: Sequence[Order]) -> Kind:
    rows: tuple[Row, ...] = tuple(
        {
            "order_reference": order.reference,
            "status": order.status.value,
            "currency": order.currency,
            "subtotal_cents": order.subtotal_cents,
            "gst_cents": order.gst_cents,
            "total_cents": order.total_cents,
            "placed_at": iso(order.created_at),
            "paid_at": iso(order.paid_at),
            "closed_at": iso(order.closed_at),
            "payment_processor_reference": order.payment_intent_id,
            # Set when staff took the payment at the desk or by phone.
            "paid_at_the_desk_by": order.payment_method.value if order.payment_method else None,
        }
        for order in orders
    )
    return Kind(
        key="orders",
        title="Orders and receipts",
        purpose=(
            "To take your payment, give you a receipt, and handle refunds and questions. "
            "Your card is entered on the payment processor's page: we never see or keep "
            "the card number, and this portal stores no card details."
        ),
        retention=FINANCIAL_RETENTION,
        authority=AUTHORITY,
        rows=rows,
    )


def _order_history(orders: Sequence[Order]) -> Kind:
    references = {order.id: order.reference for order in orders}
    changes = db.session.scalars(
        sa.select(OrderStatusChange)
        .where(OrderStatusChange.order_id.in_(references))
        .order_by(OrderStatusChange.changed_at, OrderStatusChange.id)
    ).all()
    rows: tuple[Row, ...] = tuple(
        {
            "order_reference": references[c.order_id],
            "from": c.from_status.value if c.from_status else None,
            "to": c.to_status.value,
            "why": c.reason,
            "changed_at": iso(c.changed_at),
        }
        for c in changes
    )
    return Kind(
        key="order_status_changes",
        title="How each order's status changed",
        purpose="To show when each order was placed, paid, closed or refunded, and why.",
        retention=FINANCIAL_RETENTION,
        authority=AUTHORITY,
        rows=rows,
    )


def _lines(orders: Sequence[Order]) -> Kind:
    rows: tuple[Row, ...] = tuple(
        {
            "order_reference": order.reference,
            "description": line.description,
            "participant": line.participant_name,
            "quantity": line.quantity,
            "unit_price_cents": line.unit_price_cents,
            "gst_cents": line.gst_cents,
            "currency": order.currency,
        }
        for order in orders
        for line in order.lines
    )
    return Kind(
        key="order_lines",
        title="What each order contained",
        purpose="To show what you bought, for whom, and at what price.",
        retention=FINANCIAL_RETENTION,
        authority=AUTHORITY,
        rows=rows,
    )


def _registrations(user: User, registrations: Sequence[Registration]) -> Kind:
    rows: tuple[Row, ...] = tuple(
        {
            "program": r.program.name,
            # The name as registered: the household member may have been removed since.
            "participant": r.order_line.participant_name
            or participant_name(user, r.household_member),
            "status": r.status.value,
            "starts_on": iso(r.program.starts_on),
            "ends_on": iso(r.program.ends_on),
            "facility": r.program.facility,
            "order_reference": r.order_line.order.reference,
            "registered_at": iso(r.created_at),
        }
        for r in registrations
    )
    return Kind(
        key="registrations",
        title="Program registrations",
        purpose=(
            "To hold a space for each participant, give coordinators their class list, "
            "and reach you if a program changes."
        ),
        retention=FINANCIAL_RETENTION,
        authority=AUTHORITY,
        rows=rows,
    )


def _cart(user: User, items: Sequence[CartItem]) -> Kind:
    rows: tuple[Row, ...] = tuple(
        {
            "item": (item.program or item.product).name,  # type: ignore[union-attr]
            "participant": participant_name(user, item.household_member) if item.program else None,
            "quantity": item.quantity,
            "added_at": iso(item.created_at),
        }
        for item in items
    )
    return Kind(
        key="cart_items",
        title="Your cart",
        purpose="To keep what you picked until you check out.",
        retention="Until you check out or remove the item.",
        authority=AUTHORITY,
        rows=rows,
    )


def _passes(user: User) -> list[Kind]:
    """The person's passes, the visits made on them, and each time a desk checked one."""
    held = db.session.scalars(
        sa.select(Entitlement)
        .options(selectinload(Entitlement.order_line).selectinload(OrderLine.order))
        .where(Entitlement.user_id == user.id)
        .order_by(Entitlement.issued_at.desc(), Entitlement.id.desc())
    ).all()
    codes = {e.id: e.printed_code for e in held}
    visits = db.session.scalars(
        sa.select(Visit)
        .where(Visit.entitlement_id.in_(codes))
        .order_by(Visit.visited_at.desc(), Visit.id.desc())
    ).all()
    checks = db.session.scalars(
        sa.select(DeskCheck)
        .where(DeskCheck.entitlement_id.in_(codes))
        .order_by(DeskCheck.checked_at.desc(), DeskCheck.id.desc())
    ).all()
    return [_entitlements(held), _visits(visits, codes), _desk_checks(checks, codes)]


def _entitlements(held: Sequence[Entitlement]) -> Kind:
    rows: tuple[Row, ...] = tuple(
        {
            "code": e.printed_code,
            "product": e.product_name,
            "holder": e.holder_name,
            "facility": e.facility or "every facility",
            "valid_from": iso(e.valid_from),
            "valid_until": iso(e.valid_until),
            "visits_total": e.visits_total,
            "visits_used": e.visits_used,
            "order_reference": e.order_line.order.reference,
            "issued_at": iso(e.issued_at),
        }
        for e in held
    )
    return Kind(
        key="entitlements",
        title="Passes, memberships and visit cards",
        purpose="To let each holder in at the front desk, and count the visits on a card.",
        retention=FINANCIAL_RETENTION,
        authority=AUTHORITY,
        rows=rows,
    )


def _visits(visits: Sequence[Visit], codes: dict[int, str]) -> Kind:
    rows: tuple[Row, ...] = tuple(
        {"code": codes[v.entitlement_id], "facility": v.facility, "visited_at": iso(v.visited_at)}
        for v in visits
    )
    return Kind(
        key="visits",
        title="Visits on your passes",
        purpose="To count the visits used on a visit card, and how facilities are used.",
        retention=FINANCIAL_RETENTION,
        authority=AUTHORITY,
        rows=rows,
    )


def _desk_checks(checks: Sequence[DeskCheck], codes: dict[int, str]) -> Kind:
    rows: tuple[Row, ...] = tuple(
        {
            "code": codes[c.entitlement_id] if c.entitlement_id else None,
            "facility": c.facility,
            "action": c.action.value,
            "outcome": c.outcome.value,
            "checked_at": iso(c.checked_at),
        }
        for c in checks
    )
    return Kind(
        key="desk_checks",
        title="Front-desk checks of your passes",
        purpose=(
            "To show when and where staff looked up one of your passes, and what they were "
            "told; staff who saw your name are also in who has viewed your record."
        ),
        retention="As long as the pass it checked is kept.",
        authority=AUTHORITY,
        rows=rows,
    )


def _gift_cards(user: User) -> Kind:
    """The gift cards the household bought or redeemed: never the code or its hash."""
    cards = db.session.scalars(
        sa.select(GiftCard)
        .options(selectinload(GiftCard.order))
        .where(sa.or_(GiftCard.bought_by_id == user.id, GiftCard.redeemed_by_id == user.id))
        .order_by(GiftCard.issued_at.desc(), GiftCard.id.desc())
    ).all()
    rows: tuple[Row, ...] = tuple(
        {
            "code_ending": c.last4,
            "amount_cents": c.amount_cents,
            "currency": c.currency,
            "bought_by_you": c.bought_by_id == user.id,
            "order_reference": c.order.reference if c.bought_by_id == user.id else None,
            "issued_at": iso(c.issued_at),
            "redeemed_by_you": c.redeemed_by_id == user.id,
            "redeemed_at": iso(c.redeemed_at),
            "cancelled_at": iso(c.voided_at),
        }
        for c in cards
    )
    return Kind(
        key="gift_cards",
        title="Gift cards",
        purpose=(
            "To load the gift cards you bought and put those you redeemed into your gift "
            "balance. Only each code's last four characters are kept, never the code."
        ),
        retention=FINANCIAL_RETENTION,
        authority=AUTHORITY,
        rows=rows,
    )
