"""The demo catalogue: a season of Jasper programs and the passes on sale."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from jasperrec.extensions import db

from .demo_season import ensure_season
from .models import Product
from .models import ProductKind
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
    ("gift-card-25", "$25 gift card", ProductKind.GIFT_CARD,
     "Spend it on programs, passes and memberships.", 2_500, None, None, False),
    ("gift-card-50", "$50 gift card", ProductKind.GIFT_CARD,
     "Spend it on programs, passes and memberships.", 5_000, None, None, False),
)  # fmt: skip


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
        )
        for slug, name, kind, summary, price, valid, visits, taxable in PRODUCTS
        if slug not in have_products
    ]
    db.session.add_all(new_products)
    db.session.flush()
    return added + len(new_products)
