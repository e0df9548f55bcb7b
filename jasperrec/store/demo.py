"""The demo catalogue: a season of Jasper programs and the passes on sale."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db

from . import ledger
from .demo_season import ARENA
from .demo_season import ensure_season
from .entitlements import issue_for
from .models import Entitlement
from .models import LedgerAccount
from .models import LedgerKind
from .models import Order
from .models import OrderLine
from .models import OrderStatus
from .models import Product
from .models import ProductKind
from .service import gst_on
from .service import local_today

# (slug, name, kind, summary, price in cents, valid days, visits, taxable)
PRODUCTS: tuple[tuple[str, str, ProductKind, str, int, int | None, int | None, bool], ...] = (
    ("adult-30-day", "Adult 30-day pass", ProductKind.PASS,
     "Unlimited swims, skates and fitness centre visits for one adult.", 6_500, 30, None, True),
    ("youth-30-day", "Youth 30-day pass", ProductKind.PASS,
     "Unlimited visits for one person aged 6 to 17.", 4_000, 30, None, True),
    ("family-30-day", "Family 30-day pass", ProductKind.PASS,
     "Up to two adults and their children at one address.", 12_000, 30, None, True),
    ("adult-annual", "Adult annual membership", ProductKind.MEMBERSHIP,
     "A year of unlimited visits for one adult.", 48_000, 365, None, True),
    ("senior-annual", "Senior annual membership", ProductKind.MEMBERSHIP,
     "A year of unlimited visits for one person aged 65 or older.", 33_000, 365, None, True),
    ("family-annual", "Family annual membership", ProductKind.MEMBERSHIP,
     "A year of visits for two adults and their children at one address.", 95_000, 365, None,
     True),
    ("adult-10-visit", "Adult 10-visit card", ProductKind.DROP_IN,
     "Ten drop-in visits, good for a year.", 6_000, 365, 10, True),
    ("youth-10-visit", "Youth 10-visit card", ProductKind.DROP_IN,
     "Ten drop-in visits for ages 6 to 17, good for a year.", 3_800, 365, 10, True),
    ("skate-10-visit", "Public skate 10-visit card", ProductKind.DROP_IN,
     "Ten public skates at the arena, good for a year.", 4_500, 365, 10, True),
    ("gift-card-25", "$25 gift card", ProductKind.GIFT_CARD,
     "Spend it on programs, passes and memberships.", 2_500, None, None, False),
    ("gift-card-50", "$50 gift card", ProductKind.GIFT_CARD,
     "Spend it on programs, passes and memberships.", 5_000, None, None, False),
    ("water-bottle", "Jasper Rec water bottle", ProductKind.MERCHANDISE,
     "A 750 ml steel bottle with the mountain logo. Pick it up at any front desk.", 2_200, None,
     None, True),
    ("swim-goggles", "Youth swim goggles", ProductKind.MERCHANDISE,
     "Anti-fog goggles sized for ages 6 to 12. Pick them up at the pool desk.", 1_400, None,
     None, True),
)  # fmt: skip

# Who may hold a product and where it admits: slug -> (min age, max age, facility).
PRODUCT_RULES: dict[str, tuple[int | None, int | None, str | None]] = {
    "adult-30-day": (18, None, None),
    "youth-30-day": (6, 17, None),
    "adult-annual": (18, None, None),
    "senior-annual": (65, None, None),
    "adult-10-visit": (18, None, None),
    "youth-10-visit": (6, 17, None),
    "skate-10-visit": (None, None, ARENA),
}
# Merchandise on the shelf: slug -> units in stock. The goggles are nearly gone.
PRODUCT_STOCK: dict[str, int] = {"water-bottle": 40, "swim-goggles": 3}


def ensure_demo_catalogue() -> int:
    """Add any demo program or product that is missing; return how many were added."""
    today = local_today()
    monday = today + dt.timedelta(days=7 - today.weekday())
    added = ensure_season(monday)
    have_products = set(db.session.scalars(sa.select(Product.slug)))
    new_products = [
        Product(
            slug=slug,
            name=name,
            kind=kind,
            summary=summary,
            description=f"{summary} Show the confirmation email or your account at the desk.",
            price_cents=price,
            valid_days=valid,
            visits=visits,
            is_taxable=taxable,
            min_age=PRODUCT_RULES.get(slug, (None, None, None))[0],
            max_age=PRODUCT_RULES.get(slug, (None, None, None))[1],
            facility=PRODUCT_RULES.get(slug, (None, None, None))[2],
            stock=PRODUCT_STOCK.get(slug),
        )
        for slug, name, kind, summary, price, valid, visits, taxable in PRODUCTS
        if slug not in have_products
    ]
    db.session.add_all(new_products)
    db.session.flush()
    _ensure_demo_passes(today)
    _ensure_demo_credit()
    return added + len(new_products)


# Passes the demo residents already hold, so the front desk has codes to find: email ->
# (product slug, household member's first name or None for the account holder, days from
# today it started, visits used). Priya's pass has expired; Maya's card is part used.
DEMO_PASSES: dict[str, tuple[tuple[str, str | None, int, int], ...]] = {
    "alex.tremblay@example.ca": (
        ("adult-annual", None, -40, 12),
        ("youth-10-visit", "Maya", -20, 7),
        ("skate-10-visit", "Sam", -5, 1),
    ),
    "priya.singh@example.ca": (
        ("adult-30-day", None, -45, 9),
        ("youth-30-day", "Arjun", 0, 0),
    ),
}


def _ensure_demo_passes(today: dt.date) -> None:
    """Issue the demo residents' passes through a paid order each, once."""
    for email, passes in DEMO_PASSES.items():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None or db.session.scalar(
            sa.select(Entitlement.id).where(Entitlement.user_id == user.id).limit(1)
        ):
            continue
        products = {p.slug: p for p in db.session.scalars(sa.select(Product))}
        members = {m.first_name: m for m in user.household}
        lines = [
            OrderLine(
                product=products[slug],
                description=products[slug].name,
                participant_name=members[who].full_name if who else user.full_name,
                household_member_id=members[who].id if who else None,
                starts_on=today + dt.timedelta(days=offset),
                quantity=1,
                unit_price_cents=products[slug].price_cents,
                gst_cents=gst_on(products[slug].price_cents),
            )
            for slug, who, offset, _ in passes
        ]
        _paid_order(user, lines, today)
        for line, (*_, used) in zip(lines, passes, strict=True):
            if line.entitlement is not None:
                line.entitlement.visits_used = used
    db.session.flush()


# Household credit a demo resident already has, so the cart shows it paying first.
DEMO_CREDIT = ("priya.singh@example.ca", 2_000, "Credit for a swim class cancelled last season")


def _ensure_demo_credit() -> None:
    """Give one demo household credit to spend, once."""
    email, cents, why = DEMO_CREDIT
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or ledger.balance(user, LedgerAccount.CREDIT):
        return
    ledger.add_entry(
        user,
        None,
        LedgerKind.CREDIT_ISSUED,
        LedgerAccount.CREDIT,
        cents,
        currency="CAD",
        reason=why,
    )


def _paid_order(user: User, lines: list[OrderLine], today: dt.date) -> None:
    subtotal = sum(line.unit_price_cents for line in lines)
    gst = sum(line.gst_cents for line in lines)
    now = utcnow()
    order = Order(
        user=user,
        status=OrderStatus.PAID,
        currency="CAD",
        subtotal_cents=subtotal,
        gst_cents=gst,
        total_cents=subtotal + gst,
        expires_at=now,
        paid_at=now,
        lines=lines,
    )
    db.session.add(order)
    db.session.flush()
    issue_for(order, today)
    ledger.record_payment(order)
