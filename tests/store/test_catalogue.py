"""The program guide and the products on sale, read through the store service."""

from __future__ import annotations

import datetime as dt

import pytest

from jasperrec.errors import NotFoundError
from jasperrec.store import catalogue
from jasperrec.store import service
from jasperrec.store.catalogue import ProgramFilters
from jasperrec.store.models import ProductKind
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from tests import factories


def _hold(program, status=RegistrationStatus.HELD):
    order = factories.OrderFactory()
    line = order.lines[0]
    line.registration = Registration(program=program, user_id=order.user_id, status=status)
    factories.db.session.flush()
    return line.registration


def test_list_programs_counts_held_and_confirmed_spaces_but_not_cancelled(app):
    program = factories.ProgramFactory(capacity=5)
    _hold(program)
    _hold(program, RegistrationStatus.CONFIRMED)
    _hold(program, RegistrationStatus.CANCELLED)
    [listing] = [p for p in catalogue.list_programs().listings if p.program.id == program.id]
    assert listing.spaces_left == 3
    assert not listing.is_full
    assert listing.registration_open


def test_a_program_with_every_space_taken_is_full(app):
    program = factories.ProgramFactory(capacity=1)
    _hold(program, RegistrationStatus.CONFIRMED)
    assert service.get_program(program.slug).is_full
    assert service.spaces_left(program) == 0


def test_list_programs_hides_ended_and_unpublished_programs_and_sorts_by_start(app):
    today = service.local_today()
    later = factories.ProgramFactory(starts_on=today + dt.timedelta(days=40))
    sooner = factories.ProgramFactory(starts_on=today + dt.timedelta(days=10))
    running = factories.ProgramFactory(
        starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=3)
    )
    ended = factories.ProgramFactory(
        starts_on=today - dt.timedelta(days=30), ends_on=today - dt.timedelta(days=1)
    )
    hidden = factories.ProgramFactory(is_published=False)
    listings = catalogue.list_programs().listings
    ids = [listing.program.id for listing in listings]
    assert ids.index(running.id) < ids.index(sooner.id) < ids.index(later.id)
    assert ended.id not in ids
    assert hidden.id not in ids
    assert not next(x for x in listings if x.program.id == running.id).registration_open


@pytest.mark.parametrize(
    ("age", "shown"),
    [(5, {"open"}), (6, {"open", "kids"}), (12, {"open", "kids"}), (13, {"open", "teens"})],
)
def test_list_programs_filters_by_the_participants_age(app, age, shown):
    programs = {
        "kids": factories.ProgramFactory(min_age=6, max_age=12),
        "teens": factories.ProgramFactory(min_age=13, max_age=None),
        "open": factories.ProgramFactory(min_age=None, max_age=None),
    }
    ids = {
        listing.program.id for listing in catalogue.list_programs(ProgramFilters(age=age)).listings
    }
    assert {name for name, p in programs.items() if p.id in ids} == shown


def test_list_programs_filters_by_section(app):
    swim = factories.ProgramFactory(category__slug="aquatics")
    camp = factories.ProgramFactory(category__slug="day-camps")
    ids = {
        listing.program.id
        for listing in catalogue.list_programs(ProgramFilters("day-camps")).listings
    }
    assert camp.id in ids
    assert swim.id not in ids


def test_get_program_refuses_unknown_and_unpublished_programs(app):
    hidden = factories.ProgramFactory(is_published=False)
    with pytest.raises(NotFoundError):
        service.get_program(hidden.slug)
    with pytest.raises(NotFoundError):
        service.get_program("no-such-program")


def test_list_products_groups_by_kind_cheapest_first_and_hides_unpublished(app):
    dear = factories.ProductFactory(price_cents=9_000)
    cheap = factories.ProductFactory(price_cents=1_000)
    card = factories.ProductFactory(kind=ProductKind.GIFT_CARD, is_taxable=False)
    hidden = factories.ProductFactory(is_published=False)
    passes = [p.id for p in service.list_products(ProductKind.PASS)]
    assert passes.index(cheap.id) < passes.index(dear.id)
    assert card.id not in passes
    assert hidden.id not in [p.id for p in service.list_products()]
    with pytest.raises(NotFoundError):
        service.get_product(hidden.slug)


@pytest.mark.parametrize(
    ("subtotal", "gst"), [(100, 5), (6_500, 325), (10, 1), (9, 0), (1_990, 100), (1_989, 99)]
)
def test_gst_is_five_percent_rounded_half_up_to_the_cent(app, subtotal, gst):
    assert service.gst_on(subtotal) == gst
