"""The demo's season of Jasper programs: every section, facility and age, some opening
next week, some needing a level first, one with two meeting patterns and one of dated
sessions, so staff and residents see what a real season looks like."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db

from . import ledger
from .models import Order
from .models import OrderLine
from .models import OrderStatus
from .models import Program
from .models import ProgramCategory
from .models import ProgramMeeting
from .models import Registration
from .models import RegistrationStatus

POOL = "Jasper Aquatic Centre"
CENTRE = "Jasper Activity Centre"
ARENA = "Jasper Arena"
GYM = "Jasper Fitness Centre"
LIBRARY = "Jasper Municipal Library"
PARK = "Centennial Park"

# The guide's sections (slug, name), which the first migration also seeds.
CATEGORIES = (
    ("aquatics", "Aquatics"),
    ("day-camps", "Day camps"),
    ("fitness", "Fitness"),
    ("skating", "Skating"),
    ("arts-and-culture", "Arts and culture"),
)

# Children's programs up to this age are GST-exempt when a municipality runs them.
GST_EXEMPT_UP_TO_AGE = 14
# Demo non-resident fees: a quarter more than the resident fee, to the dollar.
NON_RESIDENT_SURCHARGE_PERCENT = 25


@dataclasses.dataclass(frozen=True)
class Spec:
    """One demo program: starting `week` weeks after next Monday for `weeks` weeks."""

    slug: str
    name: str
    category: str
    summary: str
    facility: str
    ages: tuple[int | None, int | None]
    week: int
    weeks: int
    weekdays: str
    times: tuple[tuple[int, int], tuple[int, int]]
    price: int
    capacity: int
    level: str | None = None
    requires: str | None = None  # the slug of a program whose level comes first
    approval: bool = False
    opens_next_week: bool = False
    # A second weekly pattern: (weekdays, start, end), over the same weeks.
    also: tuple[str, tuple[int, int], tuple[int, int]] | None = None
    skip_week: int | None = None  # a holiday week it does not meet (0 is the first week)
    dated: bool = False  # meets on the first day of each week only, as dated sessions
    instructor: str | None = None
    minimum: int | None = None


A, C, F, S, R = "aquatics", "day-camps", "fitness", "skating", "arts-and-culture"
SEASON: tuple[Spec, ...] = (
    Spec("sea-turtle", "Preschool Swim: Sea Turtle", A, "Floats, glides and kicks with an instructor in the water.", POOL, (3, 5), 2, 8, "6", ((9, 30), (10, 0)), 6_800, 6, instructor="Dana Whitford"),
    Spec("sea-otter", "Preschool Swim: Sea Otter", A, "Front and back floats on their own, and jumping in to an instructor.", POOL, (3, 5), 2, 8, "6", ((10, 0), (10, 30)), 6_800, 6, level="Sea Otter"),
    Spec("swim-kids-1", "Swim Kids Level 1", A, "Safe entries, floats and glides, and kicking on front and back.", POOL, (5, 12), 2, 4, "24", ((16, 45), (17, 30)), 8_400, 8, level="Swim Kids 1"),
    Spec("swim-kids-2", "Swim Kids Level 2", A, "Flutter kick on front and back, and 5 metres of front swim.", POOL, (5, 12), 2, 4, "24", ((16, 45), (17, 30)), 8_400, 8, level="Swim Kids 2", requires="swim-kids-1"),
    Spec("swim-kids-3", "Swim Kids Level 3", A, "Front and back crawl over 10 metres, treading water and safe entries.", POOL, (6, 12), 2, 4, "24", ((17, 30), (18, 15)), 8_400, 8, level="Swim Kids 3", requires="swim-kids-2", instructor="Marc Tremblay"),
    Spec("swim-kids-4", "Swim Kids Level 4", A, "Front crawl over 15 metres, back crawl and a 1-minute tread.", POOL, (6, 12), 2, 4, "13", ((17, 30), (18, 15)), 8_400, 8, level="Swim Kids 4", requires="swim-kids-3"),
    Spec("swim-kids-5", "Swim Kids Level 5", A, "Front crawl over 25 metres, whip kick and sculling.", POOL, (7, 14), 2, 4, "13", ((18, 15), (19, 0)), 8_400, 8, level="Swim Kids 5", requires="swim-kids-4"),
    Spec("bronze-medallion", "Bronze Medallion", A, "Lifesaving judgement, rescues and a timed 400 m swim.", POOL, (13, None), 3, 5, "6", ((13, 0), (16, 0)), 21_000, 10, approval=True, instructor="Priya Nair"),
    Spec("aquafit", "Aquafit", A, "Low-impact cardio and strength in the shallow end.", POOL, (16, None), 1, 8, "24", ((10, 0), (10, 45)), 9_600, 20, minimum=6),
    Spec("adult-swim-lessons", "Adult Learn to Swim", A, "Breathing, floating and front crawl for adults new to the water.", POOL, (18, None), 3, 6, "1", ((19, 30), (20, 15)), 9_000, 6, opens_next_week=True),
    Spec("family-swim-skills", "Family Swim Skills", A, "Parents and children practise water safety together.", POOL, (4, None), 2, 4, "7", ((13, 0), (13, 45)), 5_500, 12, opens_next_week=True),
    Spec("spring-day-camp", "Spring Break Day Camp", C, "Games, crafts, a swim and an outdoor adventure every day.", CENTRE, (6, 12), 4, 1, "12345", ((8, 30), (16, 30)), 19_500, 24, minimum=8),
    Spec("nature-explorers", "Nature Explorers Camp", C, "Tracks, trees and trail safety with a park interpreter.", PARK, (7, 11), 5, 1, "12345", ((9, 0), (15, 0)), 21_000, 16, opens_next_week=True),
    Spec("mini-camp", "Mini Movers Half-Day Camp", C, "Songs, stories and active games for little ones.", CENTRE, (4, 5), 4, 1, "1234", ((9, 0), (12, 0)), 9_500, 12),
    Spec("leaders-in-training", "Leaders in Training Camp", C, "Teens learn to plan games and lead younger campers.", CENTRE, (13, 15), 5, 1, "12345", ((8, 30), (16, 30)), 16_000, 10, approval=True),
    Spec("sports-camp", "Multi-Sport Day Camp", C, "Soccer, floor hockey, basketball and badminton in one week.", CENTRE, (8, 12), 6, 1, "12345", ((9, 0), (16, 0)), 19_500, 20),
    Spec("art-camp", "Mountain Art Camp", C, "Painting, printmaking and clay inspired by the Rockies.", LIBRARY, (8, 12), 6, 1, "12345", ((9, 0), (15, 0)), 22_500, 14),
    Spec("pa-day-camp", "PD Day Camp", C, "A full day of games and crafts on school professional-development days.", CENTRE, (6, 12), 5, 6, "5", ((8, 30), (16, 30)), 4_500, 20, dated=True),
    Spec("yoga-for-everybody", "Yoga for Everybody", F, "Gentle flow, breath work and relaxation for all levels.", GYM, (16, None), 1, 8, "3", ((19, 0), (20, 0)), 8_800, 16, instructor="Sam Okafor"),
    Spec("spin-express", "Spin Express", F, "A 45-minute indoor cycling workout set to music.", GYM, (16, None), 1, 8, "135", ((6, 15), (7, 0)), 12_000, 14),
    Spec("strength-basics", "Strength Basics", F, "Learn the big lifts safely with a certified trainer.", GYM, (16, None), 2, 6, "24", ((18, 0), (19, 0)), 11_000, 8, minimum=4),
    Spec("bootcamp", "Outdoor Bootcamp", F, "Circuits, hills and sprints in the fresh air.", PARK, (16, None), 3, 6, "246", ((7, 0), (8, 0)), 10_500, 18, opens_next_week=True),
    Spec("senior-fit", "Active Living 55+", F, "Balance, strength and mobility at an easy pace.", CENTRE, (55, None), 1, 10, "13", ((10, 30), (11, 30)), 7_000, 20),
    Spec("pilates", "Pilates Core", F, "Mat Pilates for core strength and posture.", GYM, (16, None), 1, 8, "4", ((12, 10), (12, 50)), 8_000, 14),
    Spec("kids-fit", "Kids in Motion", F, "Running, jumping and throwing games for active kids.", CENTRE, (6, 9), 2, 6, "3", ((15, 45), (16, 45)), 6_000, 16),
    Spec("teen-gym", "Teen Gym Orientation", F, "Weight-room safety so teens can use the fitness centre.", GYM, (13, 17), 2, 1, "6", ((11, 0), (13, 0)), 2_500, 8),
    Spec("pickleball", "Learn Pickleball", F, "Rules, serves and dinking; paddles supplied.", CENTRE, (16, None), 2, 5, "2", ((19, 0), (20, 30)), 6_500, 12),
    Spec("learn-to-skate", "Learn to Skate", S, "Balance, falling and getting up, and first glides.", ARENA, (4, 8), 2, 6, "7", ((10, 0), (10, 45)), 7_500, 12),
    Spec("skate-2", "Learn to Skate 2", S, "Forward crossovers, stops and skating backwards.", ARENA, (5, 10), 2, 6, "7", ((11, 0), (11, 45)), 7_500, 12, level="Learn to Skate 2", requires="learn-to-skate"),
    Spec("adult-skate", "Adult Skating Basics", S, "Confident strides, stops and turns for adults.", ARENA, (18, None), 2, 6, "2", ((20, 0), (20, 45)), 8_000, 12),
    Spec("power-skating", "Power Skating", S, "Edges, speed and agility for hockey players.", ARENA, (9, 14), 3, 6, "46", ((17, 0), (18, 0)), 14_500, 16, also=("6", (8, 0), (9, 0))),
    Spec("figure-skating", "Figure Skating Starter", S, "Spins, spirals and first jumps with a coach.", ARENA, (6, 12), 2, 8, "5", ((16, 30), (17, 30)), 13_500, 10, approval=True),
    Spec("shinny", "Family Shinny Night", S, "Casual pick-up hockey for families; helmets required.", ARENA, (6, None), 1, 8, "5", ((18, 30), (19, 30)), 3_000, 30),
    Spec("ringette-intro", "Try Ringette", S, "A fast, fun team sport on ice; equipment loaned.", ARENA, (5, 10), 3, 4, "6", ((12, 0), (13, 0)), 4_000, 16, opens_next_week=True),
    Spec("kids-pottery", "Pottery for Kids", R, "Pinch pots, coil building and glazing; pieces are fired to take home.", CENTRE, (8, 12), 3, 6, "4", ((16, 0), (17, 30)), 12_000, 10),
    Spec("wheel-throwing", "Wheel Throwing", R, "Centre, open and pull cylinders on the potter's wheel.", CENTRE, (16, None), 3, 6, "2", ((19, 0), (21, 0)), 18_500, 8, level="Wheel Throwing"),
    Spec("watercolour", "Watercolour Landscapes", R, "Paint Jasper's peaks and lakes in watercolour.", LIBRARY, (16, None), 2, 6, "3", ((18, 30), (20, 30)), 14_000, 12, skip_week=2),
    Spec("kids-drama", "Kids Drama Club", R, "Games, improvisation and a short play for families.", LIBRARY, (8, 12), 2, 8, "2", ((16, 0), (17, 15)), 11_000, 14, also=("6", (10, 0), (12, 0))),
    Spec("guitar", "Beginner Guitar", R, "Chords, strumming and three songs by the end.", LIBRARY, (12, None), 2, 6, "4", ((19, 0), (20, 0)), 12_500, 8),
    Spec("storytime", "Family Storytime", R, "Stories, songs and rhymes for children and a grown-up.", LIBRARY, (0, 5), 1, 8, "3", ((10, 0), (10, 45)), 2_000, 20),
    Spec("photography", "Mountain Photography", R, "Composition and light on short walks around town.", PARK, (14, None), 3, 4, "6", ((9, 0), (11, 30)), 13_000, 10, opens_next_week=True),
    Spec("semi-private-swim", "Semi-Private Swim Lessons", A, "Two swimmers, one instructor, and a plan for each.", POOL, (6, 12), 2, 4, "5", ((16, 0), (16, 30)), 16_000, 2),
    Spec("pickleball-clinic", "Pickleball Doubles Clinic", F, "Positioning, the third-shot drop and stacking for doubles play.", CENTRE, (16, None), 1, 3, "7", ((14, 0), (16, 0)), 4_500, 3),
    Spec("indigenous-beading", "Beading Circle", R, "Learn beadwork with a local Métis artist; materials supplied.", LIBRARY, (12, None), 2, 4, "1", ((18, 30), (20, 30)), 6_000, 12),
)  # fmt: skip


def _meeting(
    spec: Spec, weekdays: str, times: tuple[tuple[int, int], ...], monday: dt.date
) -> list[ProgramMeeting]:
    (start, end), days = (dt.time(*times[0]), dt.time(*times[1])), weekdays
    first = monday + dt.timedelta(weeks=spec.week, days=int(days[0]) - 1)
    last = monday + dt.timedelta(weeks=spec.week + spec.weeks - 1, days=int(days[-1]) - 1)
    if spec.dated:
        dates = [first + dt.timedelta(weeks=2 * n) for n in range(spec.weeks // 2)]
        return [
            ProgramMeeting(
                starts_on=d,
                ends_on=d,
                weekdays=str(d.isoweekday()),
                start_time=start,
                end_time=end,
                skipped_dates=[],
            )
            for d in dates
        ]
    skipped = []
    if spec.skip_week is not None:
        skipped = [(first + dt.timedelta(weeks=spec.skip_week)).isoformat()]
    return [ProgramMeeting(starts_on=first, ends_on=last, weekdays=days, start_time=start, end_time=end, skipped_dates=skipped)]  # fmt: skip


def build(spec: Spec, monday: dt.date, categories: dict[str, ProgramCategory]) -> Program:
    """Make one demo program from its spec, its season starting `monday`."""
    meetings = _meeting(spec, spec.weekdays, spec.times, monday)
    if spec.also is not None:
        weekdays, start, end = spec.also
        meetings += _meeting(spec, weekdays, (start, end), monday)
    opens = None
    if spec.opens_next_week:
        zone = ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])
        opens = dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(19), zone)
    min_age, max_age = spec.ages
    return Program(
        slug=spec.slug,
        name=spec.name,
        category=categories[spec.category],
        summary=spec.summary,
        description=f"{spec.summary} Instructors are certified, and there is a lifeguard or "
        "leader for every group. Bring water and clothes for the activity.",
        facility=spec.facility,
        instructor=spec.instructor,
        min_age=min_age,
        max_age=max_age,
        starts_on=min(m.starts_on for m in meetings),
        ends_on=max(m.ends_on for m in meetings),
        meetings=meetings,
        registration_opens_at=opens,
        price_cents=spec.price,
        non_resident_price_cents=round(spec.price * (100 + NON_RESIDENT_SURCHARGE_PERCENT) / 10_000)
        * 100,
        capacity=spec.capacity,
        min_participants=spec.minimum,
        level=spec.level,
        requires_approval=spec.approval,
        is_taxable=not (max_age is not None and max_age <= GST_EXEMPT_UP_TO_AGE),
    )


# Programs the demo residents fill, so the guide shows what full looks like:
# slug: [(account email, household member's first name, or None for the account holder)].
FULL: dict[str, list[tuple[str, str | None]]] = {
    "semi-private-swim": [
        ("alex.tremblay@example.ca", "Maya"),
        ("priya.singh@example.ca", "Arjun"),
    ],
    "pickleball-clinic": [
        ("alex.tremblay@example.ca", None),
        ("alex.tremblay@example.ca", "Sam"),
        ("priya.singh@example.ca", None),
    ],
}


def ensure_full_programs(programs: dict[str, Program]) -> None:
    """Register the demo residents, paid in full, in the programs the demo shows full."""
    for slug, people in FULL.items():
        program = programs[slug]
        for email, first_name in people:
            user = db.session.scalar(sa.select(User).where(User.email == email))
            if user is None:  # the demo residents are seeded first; tests may have none
                continue
            member = next((m for m in user.household if m.first_name == first_name), None)
            who = Registration.household_member_id
            same = who == member.id if member is not None else who.is_(None)
            held = sa.select(Registration.id).where(
                Registration.program_id == program.id, Registration.user_id == user.id, same
            )
            if db.session.scalar(held) is None:
                _paid_registration(user, member, program)


def _paid_registration(user: User, member: HouseholdMember | None, program: Program) -> None:
    now = utcnow()
    line = OrderLine(
        program=program, description=program.name, quantity=1,
        participant_name=member.full_name if member else user.full_name,
        unit_price_cents=program.price_cents, gst_cents=0,
    )  # fmt: skip
    line.registration = Registration(
        program=program, user_id=user.id, household_member=member,
        status=RegistrationStatus.CONFIRMED,
    )  # fmt: skip
    order = Order(
        user=user, status=OrderStatus.PAID, currency="CAD",
        subtotal_cents=program.price_cents, gst_cents=0, total_cents=program.price_cents,
        expires_at=now, paid_at=now, lines=[line],
    )  # fmt: skip
    db.session.add(order)
    db.session.flush()
    ledger.record_payment(order)


def ensure_categories() -> dict[str, ProgramCategory]:
    """Add the guide's sections that are missing; return every section by slug."""
    have = {c.slug: c for c in db.session.scalars(sa.select(ProgramCategory))}
    for slug, name in CATEGORIES:
        if slug not in have:
            have[slug] = ProgramCategory(slug=slug, name=name)
            db.session.add(have[slug])
    return have


def ensure_season(monday: dt.date) -> int:
    """Add any demo program that is missing, with its prerequisites; return how many."""
    categories = ensure_categories()
    have = {p.slug: p for p in db.session.scalars(sa.select(Program))}
    new = [build(spec, monday, categories) for spec in SEASON if spec.slug not in have]
    db.session.add_all(new)
    have.update((program.slug, program) for program in new)
    for spec in SEASON:
        program = have[spec.slug]
        if spec.requires and spec.slug in {p.slug for p in new}:
            program.prerequisites.append(have[spec.requires])
    db.session.flush()
    ensure_full_programs(have)
    db.session.flush()
    return len(new)
