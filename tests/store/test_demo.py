"""The demo catalogue that seed-demo adds."""

from __future__ import annotations

import sqlalchemy as sa

from jasperrec.cli import seed_demo_command
from jasperrec.extensions import db
from jasperrec.store import catalogue
from jasperrec.store import service
from jasperrec.store.demo import PRODUCTS
from jasperrec.store.demo import ensure_demo_catalogue
from jasperrec.store.demo_season import FULL
from jasperrec.store.demo_season import SEASON
from jasperrec.store.models import ProductKind
from jasperrec.store.models import Program
from jasperrec.store.models import Registration


def test_the_demo_catalogue_is_added_once(app):
    assert ensure_demo_catalogue() == len(SEASON) + len(PRODUCTS)
    assert ensure_demo_catalogue() == 0


def test_every_demo_program_is_upcoming_and_meets_on_its_first_day(app):
    ensure_demo_catalogue()
    slugs = {spec.slug for spec in SEASON}
    listings = [
        x for x in catalogue.list_programs(per_page=1000).listings if x.program.slug in slugs
    ]
    assert len(listings) == len(SEASON)
    for listing in listings:
        program = listing.program
        assert listing.registration_open or listing.opens_later
        assert not listing.is_full  # no demo resident is registered yet
        for meeting in program.meetings:
            assert str(meeting.starts_on.isoweekday()) == meeting.weekdays[0]
            assert str(meeting.ends_on.isoweekday()) == meeting.weekdays[-1]
        assert program.starts_on == min(m.starts_on for m in program.meetings)


def test_the_demo_season_is_a_real_season(app):
    """At least 40 programs over every section and facility, for every age, some opening
    next week, some needing a level first, with two patterns and dated sessions."""
    ensure_demo_catalogue()
    listings = catalogue.list_programs(per_page=1000).listings
    programs = [x.program for x in listings]
    assert len(programs) >= 40
    assert {p.category.slug for p in programs} == {c.slug for c in catalogue.list_categories()}
    assert len({p.facility for p in programs}) >= 5
    assert any(p.max_age is not None and p.max_age <= 5 for p in programs)
    assert any(p.min_age is not None and p.min_age >= 55 for p in programs)
    assert sum(x.opens_later for x in listings) >= 3
    assert sum(bool(p.prerequisites) for p in programs) >= 3
    assert any(p.requires_approval for p in programs)
    assert any(len({m.start_time for m in p.meetings}) > 1 for p in programs)
    assert any(
        len(p.meetings) > 1 and all(m.starts_on == m.ends_on for m in p.meetings) for p in programs
    )
    assert any(m.skipped_dates for p in programs for m in p.meetings)


def test_the_demo_sells_every_kind_of_product(app):
    ensure_demo_catalogue()
    assert all(service.list_products(kind) for kind in ProductKind)


def test_seed_demo_reports_the_catalogue(runner):
    result = runner.invoke(seed_demo_command)
    assert result.exit_code == 0, result.output
    assert f"Demo catalogue: {len(SEASON)} programs" in result.output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Program))
    assert count >= len(SEASON)
    # With the demo residents seeded, the programs they fill show as full.
    full = {x.program.slug for x in catalogue.list_programs(per_page=1000).listings if x.is_full}
    assert full == set(FULL)
    assert runner.invoke(seed_demo_command).exit_code == 0  # seeding again adds nobody twice
    again = {x.program.slug for x in catalogue.list_programs(per_page=1000).listings if x.is_full}
    assert again == full
    for slug, people in FULL.items():
        taken = sa.select(sa.func.count(Registration.id)).join(Registration.program)
        assert db.session.scalar(taken.where(Program.slug == slug)) == len(people)
