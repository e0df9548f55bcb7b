"""The demo catalogue that seed-demo adds."""

from __future__ import annotations

import sqlalchemy as sa

from jasperrec.cli import seed_demo_command
from jasperrec.extensions import db
from jasperrec.store import catalogue
from jasperrec.store import service
from jasperrec.store.demo import PRODUCTS
from jasperrec.store.demo import PROGRAMS
from jasperrec.store.demo import ensure_demo_catalogue
from jasperrec.store.models import ProductKind
from jasperrec.store.models import Program


def test_the_demo_catalogue_is_added_once(app):
    assert ensure_demo_catalogue() == len(PROGRAMS) + len(PRODUCTS)
    assert ensure_demo_catalogue() == 0


def test_every_demo_program_is_upcoming_and_open_and_meets_on_its_first_day(app):
    ensure_demo_catalogue()
    slugs = {spec["slug"] for spec in PROGRAMS}
    listings = [
        x for x in catalogue.list_programs(per_page=1000).listings if x.program.slug in slugs
    ]
    assert len(listings) == len(PROGRAMS)
    for listing in listings:
        program = listing.program
        assert listing.registration_open
        assert not listing.is_full
        assert str(program.starts_on.isoweekday()) == program.weekdays[0]
        assert str(program.ends_on.isoweekday()) == program.weekdays[-1]


def test_the_demo_sells_every_kind_of_product(app):
    ensure_demo_catalogue()
    assert all(service.list_products(kind) for kind in ProductKind)


def test_seed_demo_reports_the_catalogue(runner):
    result = runner.invoke(seed_demo_command)
    assert result.exit_code == 0, result.output
    assert f"Demo catalogue: {len(PROGRAMS)} programs" in result.output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Program))
    assert count >= len(PROGRAMS)
