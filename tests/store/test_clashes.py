"""Registering for a program takes the person off waitlists of programs meeting at that time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import service
from jasperrec.store import settlement
from jasperrec.store import waitlist
from jasperrec.store.models import WaitlistStatus
from jasperrec.store.waitlist import remove_clashing
from tests.store.waitlists import child_of
from tests.store.waitlists import full_program
from tests.store.waitlists import open_program
from tests.store.waitlists import register

W = WaitlistStatus
URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"
START = dt.date.today() + dt.timedelta(days=35)


def waiting(user: Any, program: Any, member: Any = None) -> Any:
    return waitlist.join_waitlist(user, program.slug, member.id if member else None)


def test_registering_removes_the_person_from_clashing_waitlists_only(user: Any) -> None:
    child = child_of(user)
    # Tuesdays and Thursdays 17:30 to 18:15 for four weeks, as the factory makes them.
    same_time = full_program(starts_on=START)
    overlapping = full_program(starts_on=START, start_time=dt.time(18), end_time=dt.time(19))
    later = full_program(starts_on=START, start_time=dt.time(18, 15), end_time=dt.time(19))
    other_day = full_program(starts_on=START, weekdays="3")
    entries = [waiting(user, p, child) for p in (same_time, overlapping, later, other_day)]
    sibling = waiting(user, same_time, child_of(user))
    registered = open_program(starts_on=START)
    removed = remove_clashing(register(user, registered, child))
    assert removed == entries[:2]
    assert [e.status for e in entries] == [W.REMOVED, W.REMOVED, W.WAITING, W.WAITING]
    assert "meets at the same time" in (entries[0].reason or "")
    assert sibling.status is W.WAITING


def test_a_paid_order_takes_the_participant_off_clashing_waitlists(
    user: Any, fake_gateway: Any
) -> None:
    clashing = full_program(starts_on=START)
    entry = waiting(user, clashing)
    registered = open_program(starts_on=START)
    service.add_program_to_cart(user, registered.slug, None)
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    settlement.record_payment(placed.order.checkout_session_id, "pi_test", placed.order.total_cents)
    assert entry.status is W.REMOVED


def test_registering_in_the_program_itself_closes_its_waitlist_place(user: Any) -> None:
    program = full_program(capacity=2, starts_on=START)
    entry = waiting(user, program)
    remove_clashing(register(user, program))
    db.session.flush()
    assert entry.status is W.REMOVED
    assert entry.reason == f"Registered in {program.name}."
