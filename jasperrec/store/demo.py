"""The demo catalogue: a season of Jasper programs and the passes on sale."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from jasperrec.extensions import db

from .models import Product
from .models import ProductKind
from .models import Program
from .models import ProgramCategory
from .service import local_today

AQUATIC_CENTRE = "Jasper Aquatic Centre"
ACTIVITY_CENTRE = "Jasper Activity Centre"

# Each program starts `week` weeks after next Monday and runs for `weeks` weeks.
PROGRAMS: tuple[dict[str, Any], ...] = (
    {
        "slug": "sea-turtle",
        "name": "Preschool Swim: Sea Turtle",
        "category": ProgramCategory.AQUATICS,
        "summary": "Floats, glides and kicks with an instructor in the water.",
        "facility": AQUATIC_CENTRE,
        "ages": (3, 5),
        "week": 2,
        "weeks": 8,
        "weekdays": "6",
        "times": ((9, 30), (10, 0)),
        "price_cents": 6_800,
        "capacity": 6,
        "is_taxable": False,
    },
    {
        "slug": "swim-kids-3",
        "name": "Swim Kids Level 3",
        "category": ProgramCategory.AQUATICS,
        "summary": "Front and back crawl over 10 metres, treading water and safe entries.",
        "facility": AQUATIC_CENTRE,
        "ages": (6, 12),
        "week": 2,
        "weeks": 4,
        "weekdays": "24",
        "times": ((17, 30), (18, 15)),
        "price_cents": 8_400,
        "capacity": 8,
        "is_taxable": False,
    },
    {
        "slug": "swim-kids-5",
        "name": "Swim Kids Level 5",
        "category": ProgramCategory.AQUATICS,
        "summary": "Front crawl over 25 metres, whip kick and sculling.",
        "facility": AQUATIC_CENTRE,
        "ages": (7, 14),
        "week": 2,
        "weeks": 4,
        "weekdays": "13",
        "times": ((18, 15), (19, 0)),
        "price_cents": 8_400,
        "capacity": 8,
        "is_taxable": False,
    },
    {
        "slug": "bronze-medallion",
        "name": "Bronze Medallion",
        "category": ProgramCategory.AQUATICS,
        "summary": "Lifesaving judgement, rescues and a timed 400 m swim.",
        "facility": AQUATIC_CENTRE,
        "ages": (13, None),
        "week": 3,
        "weeks": 5,
        "weekdays": "6",
        "times": ((13, 0), (16, 0)),
        "price_cents": 21_000,
        "capacity": 10,
        "is_taxable": True,
    },
    {
        "slug": "aquafit",
        "name": "Aquafit",
        "category": ProgramCategory.AQUATICS,
        "summary": "Low-impact cardio and strength in the shallow end.",
        "facility": AQUATIC_CENTRE,
        "ages": (16, None),
        "week": 1,
        "weeks": 8,
        "weekdays": "24",
        "times": ((10, 0), (10, 45)),
        "price_cents": 9_600,
        "capacity": 20,
        "is_taxable": True,
    },
    {
        "slug": "spring-day-camp",
        "name": "Spring Break Day Camp",
        "category": ProgramCategory.CAMPS,
        "summary": "A week of games, hikes, crafts and a swim every afternoon.",
        "facility": ACTIVITY_CENTRE,
        "ages": (6, 12),
        "week": 4,
        "weeks": 1,
        "weekdays": "12345",
        "times": ((8, 30), (16, 30)),
        "price_cents": 19_500,
        "capacity": 24,
        "is_taxable": False,
    },
    {
        "slug": "learn-to-skate",
        "name": "Learn to Skate",
        "category": ProgramCategory.SKATING,
        "summary": "Balance, falling safely, gliding and stopping. Helmets required.",
        "facility": "Jasper Arena",
        "ages": (4, 8),
        "week": 2,
        "weeks": 6,
        "weekdays": "7",
        "times": ((10, 0), (10, 45)),
        "price_cents": 7_500,
        "capacity": 12,
        "is_taxable": False,
    },
    {
        "slug": "yoga-for-everybody",
        "name": "Yoga for Everybody",
        "category": ProgramCategory.FITNESS,
        "summary": "Gentle flow and stretching for every body and every level.",
        "facility": "Jasper Fitness Centre",
        "ages": (16, None),
        "week": 1,
        "weeks": 8,
        "weekdays": "3",
        "times": ((19, 0), (20, 0)),
        "price_cents": 8_800,
        "capacity": 16,
        "is_taxable": True,
    },
    {
        "slug": "kids-pottery",
        "name": "Pottery for Kids",
        "category": ProgramCategory.ARTS,
        "summary": "Pinch pots, coil building and glazing; pieces are fired to take home.",
        "facility": ACTIVITY_CENTRE,
        "ages": (8, 12),
        "week": 3,
        "weeks": 6,
        "weekdays": "4",
        "times": ((16, 0), (17, 30)),
        "price_cents": 12_000,
        "capacity": 10,
        "is_taxable": False,
    },
)

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


# Demo non-resident fees: a quarter more than the resident fee, to the dollar.
NON_RESIDENT_SURCHARGE_PERCENT = 25


def _program(spec: dict[str, Any], monday: dt.date) -> Program:
    fields = dict(spec)
    first_day = int(fields["weekdays"][0]) - 1
    starts = monday + dt.timedelta(weeks=fields.pop("week"), days=first_day)
    weeks = fields.pop("weeks")
    last_day = int(fields["weekdays"][-1]) - 1
    (min_age, max_age), (start, end) = fields.pop("ages"), fields.pop("times")
    return Program(
        **fields,
        description=f"{fields['summary']} Instructors are certified, and there is a "
        "lifeguard or leader for every group. Bring water and clothes for the activity.",
        min_age=min_age,
        max_age=max_age,
        starts_on=starts,
        ends_on=starts + dt.timedelta(weeks=weeks - 1, days=last_day - first_day),
        start_time=dt.time(*start),
        end_time=dt.time(*end),
        non_resident_price_cents=round(
            fields["price_cents"] * (100 + NON_RESIDENT_SURCHARGE_PERCENT) / 10_000
        )
        * 100,
    )


def ensure_demo_catalogue() -> int:
    """Add any demo program or product that is missing; return how many were added."""
    today = local_today()
    monday = today + dt.timedelta(days=7 - today.weekday())
    have_programs = set(db.session.scalars(sa.select(Program.slug)))
    have_products = set(db.session.scalars(sa.select(Product.slug)))
    new_programs = [_program(s, monday) for s in PROGRAMS if s["slug"] not in have_programs]
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
    db.session.add_all([*new_programs, *new_products])
    db.session.flush()
    return len(new_programs) + len(new_products)
