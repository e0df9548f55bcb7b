"""Waitlists: joining, positions, leaving, offers of freed spaces, accepting and lapsing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.store import checkout
from jasperrec.store import service
from jasperrec.store import settlement
from jasperrec.store import waitlist
from jasperrec.store.errors import NotEligibleError
from jasperrec.store.errors import OfferUnavailableError
from jasperrec.store.errors import ProgramFullError
from jasperrec.store.errors import WaitlistError
from jasperrec.store.models import CartItem
from jasperrec.store.models import RegistrationStatus
from jasperrec.store.models import WaitlistEntry
from jasperrec.store.models import WaitlistStatus
from tests import factories
from tests.store.waitlists import child_of
from tests.store.waitlists import full_program
from tests.store.waitlists import open_program
from tests.store.waitlists import register

W = WaitlistStatus
URL = "http://127.0.0.1:5000/store/checkout/complete?session_id={CHECKOUT_SESSION_ID}"


def join(user: Any, program: Any, member: Any = None) -> WaitlistEntry:
    return waitlist.join_waitlist(user, program.slug, member.id if member else None)


def free_one_space(program: Any) -> None:
    """Cancel one confirmed registration in the program, as a withdrawal would."""
    registration = next(
        r
        for r in db.session.scalars(sa.select(service.Registration))
        if r.program_id == program.id and r.status is RegistrationStatus.CONFIRMED
    )
    registration.status = RegistrationStatus.CANCELLED
    db.session.commit()


def positions(user: Any) -> list[tuple[str, int]]:
    return [(p.entry.status.value, p.position) for p in waitlist.list_places_for(user)]


def test_a_resident_joins_a_full_programs_waitlist_for_a_child_and_sees_their_position(
    user: Any,
) -> None:
    program = full_program()
    ahead = factories.UserFactory()
    join(ahead, program)
    entry = join(user, program, child_of(user))
    assert entry.status is W.WAITING
    assert positions(user) == [("waiting", 2)]
    assert [c.to_status for c in entry.changes] == [W.WAITING]


def test_joining_a_program_with_spaces_is_refused(user: Any) -> None:
    program = open_program()
    with pytest.raises(WaitlistError, match="has spaces"):
        join(user, program)


def test_joining_twice_for_the_same_person_is_refused(user: Any) -> None:
    program, child = full_program(), child_of(user)
    join(user, program, child)
    with pytest.raises(WaitlistError, match="already on the waitlist"):
        join(user, program, child)
    join(user, program, child_of(user))  # a sibling may wait too


def test_joining_checks_the_programs_ages(user: Any) -> None:
    toddler = child_of(user, date_of_birth=utcnow().date() - dt.timedelta(days=365 * 2))
    with pytest.raises(NotEligibleError, match="for ages"):
        join(user, full_program(min_age=6, max_age=12), toddler)


def test_someone_else_s_household_member_cannot_be_put_on_a_waitlist(user: Any) -> None:
    stranger = child_of(factories.UserFactory())
    with pytest.raises(NotFoundError):
        join(user, full_program(), stranger)


def test_leaving_the_waitlist_moves_the_people_behind_up(user: Any) -> None:
    program = full_program()
    first = join(factories.UserFactory(), program)
    join(user, program)
    waitlist.leave_waitlist(first.user, first.id)
    assert first.status is W.LEFT
    assert first.closed_at is not None
    assert positions(user) == [("waiting", 1)]
    with pytest.raises(WaitlistError):
        waitlist.leave_waitlist(first.user, first.id)
    with pytest.raises(NotFoundError):
        waitlist.leave_waitlist(user, first.id)


def test_a_freed_space_is_offered_to_the_first_in_line_by_email(
    user: Any, outbox: list[Any]
) -> None:
    program = full_program(starts_on=utcnow().date() + dt.timedelta(days=60))
    first = join(user, program)
    second = join(factories.UserFactory(), program)
    free_one_space(program)
    offered = waitlist.space_freed(program)
    assert offered == [first]
    assert first.status is W.OFFERED
    assert second.status is W.WAITING
    assert first.offer_expires_at is not None
    assert first.offer_expires_at > utcnow()
    [message] = outbox
    assert message["To"] == user.email
    assert program.name in message["Subject"]
    assert (
        f"/store/waitlist/offers/{waitlist.offer_token(first)}" in message.get_body().get_content()
    )


def test_an_offered_space_counts_as_taken_for_everyone_else(user: Any) -> None:
    program = full_program(capacity=2)
    join(user, program)
    free_one_space(program)
    waitlist.space_freed(program)
    assert service.spaces_left(program) == 0
    assert service.spaces_left(program, at_desk=True) == 0
    assert service.get_program(program.slug).is_full
    other = factories.UserFactory()
    with pytest.raises(ProgramFullError):
        service.add_program_to_cart(other, program.slug, None)


def test_someone_no_longer_eligible_is_passed_over_and_taken_off(user: Any) -> None:
    program = full_program(capacity=2)
    first = join(user, program)
    second = join(user, program, child_of(user))
    # Meanwhile the account holder was registered some other way (at the desk).
    free_one_space(program)
    register(user, program)
    db.session.commit()
    free_one_space(program)
    assert waitlist.space_freed(program) == [second]
    assert first.status is W.REMOVED
    assert "already has a space" in (first.reason or "")


def test_a_space_freed_with_nobody_waiting_offers_nothing() -> None:
    program = open_program()
    assert waitlist.space_freed(program) == []


def test_raising_the_capacity_offers_the_new_spaces(user: Any, outbox: list[Any]) -> None:
    program = full_program()
    first, second = join(user, program), join(factories.UserFactory(), program)
    program.capacity = 3
    db.session.commit()
    waitlist.space_freed(program)
    assert (first.status, second.status) == (W.OFFERED, W.OFFERED)
    assert len(outbox) == 2


def test_accepting_an_offer_puts_the_program_in_the_cart_once(user: Any) -> None:
    program, child = full_program(), child_of(user)
    entry = join(user, program, child)
    free_one_space(program)
    waitlist.space_freed(program)
    token = waitlist.offer_token(entry)
    waitlist.accept_offer(user, token)
    assert entry.status is W.ACCEPTED
    [item] = db.session.scalars(sa.select(CartItem).where(CartItem.user_id == user.id)).all()
    assert (item.program_id, item.household_member_id) == (program.id, child.id)
    with pytest.raises(OfferUnavailableError, match="already accepted"):
        waitlist.accept_offer(user, token)


def test_an_offer_link_works_only_for_its_own_account_and_unaltered(user: Any) -> None:
    program = full_program()
    entry = join(user, program)
    free_one_space(program)
    waitlist.space_freed(program)
    token = waitlist.offer_token(entry)
    with pytest.raises(NotFoundError):
        waitlist.accept_offer(factories.UserFactory(), token)
    # Change the signature's first character: every bit of it counts (the last one's may not,
    # so overwriting the end could leave a token that still matches).
    payload, signature = token.rsplit(".", 1)
    altered = f"{payload}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    with pytest.raises(NotFoundError):
        waitlist.accept_offer(user, altered)


def test_a_lapsed_offer_cannot_be_accepted_and_passes_to_the_next_person(
    user: Any, outbox: list[Any]
) -> None:
    program = full_program()
    first = join(user, program)
    second = join(factories.UserFactory(), program)
    free_one_space(program)
    waitlist.space_freed(program)
    waitlist.accept_offer(user, waitlist.offer_token(first))
    first.offer_expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    assert service.spaces_left(program) == 1  # a lapsed offer holds nothing
    assert waitlist.offer_free_spaces() == 1
    assert (first.status, second.status) == (W.LAPSED, W.OFFERED)
    assert db.session.scalar(sa.select(CartItem).where(CartItem.user_id == user.id)) is None
    with pytest.raises(OfferUnavailableError, match="no longer open"):
        waitlist.accept_offer(user, waitlist.offer_token(first))
    assert outbox[-1]["To"] == second.user.email


def test_checkout_gives_the_offered_space_to_the_person_it_was_offered_to(
    user: Any, fake_gateway: Any
) -> None:
    program = full_program()
    entry = join(user, program)
    free_one_space(program)
    waitlist.space_freed(program)
    waitlist.accept_offer(user, waitlist.offer_token(entry))
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    assert placed.order.lines[0].registration.program_id == program.id
    assert entry.status is W.REGISTERED
    assert service.spaces_left(program) == 0


def test_checkout_without_an_offer_cannot_take_an_offered_space(
    user: Any, fake_gateway: Any
) -> None:
    program = full_program(capacity=2)
    join(factories.UserFactory(), program)
    service.add_program_to_cart(user, open_program().slug, None)
    db.session.add(CartItem(user_id=user.id, program=program, unit_price_seen_cents=8_400))
    free_one_space(program)
    waitlist.space_freed(program)
    db.session.commit()
    with pytest.raises(ProgramFullError):
        checkout.check_out(user, fake_gateway, URL, URL, keep_together=True)


def test_staff_promote_someone_out_of_turn_through_the_same_function(user: Any) -> None:
    staff = factories.StaffFactory()
    program = full_program()
    first = join(factories.UserFactory(), program)
    second = join(user, program)
    db.session.commit()
    with pytest.raises(OfferUnavailableError, match="no free space"):
        waitlist.promote(program, entry_id=second.id, by=staff)
    free_one_space(program)
    assert waitlist.promote(program, entry_id=second.id, by=staff) == [second]
    assert (first.status, second.status) == (W.WAITING, W.OFFERED)
    assert second.promoted_by_id == staff.id
    assert second.changes[-1].changed_by_id == staff.id
    assert waitlist.space_freed(program) == []  # the one space is given


def test_leaving_with_an_offer_passes_it_on(user: Any) -> None:
    program = full_program()
    first, second = join(user, program), join(factories.UserFactory(), program)
    free_one_space(program)
    waitlist.space_freed(program)
    waitlist.leave_waitlist(user, first.id)
    assert (first.status, second.status) == (W.LEFT, W.OFFERED)


def test_an_expired_hold_offers_its_space_to_the_waitlist(user: Any, fake_gateway: Any) -> None:
    program = full_program(capacity=2)
    service.add_program_to_cart(user, open_program().slug, None)
    free_one_space(program)
    buyer = factories.UserFactory()
    service.add_program_to_cart(buyer, program.slug, None)
    placed = checkout.check_out(buyer, fake_gateway, URL, URL)
    entry = join(user, program)
    settlement.expire_checkout(placed.order.checkout_session_id)
    assert entry.status is W.OFFERED


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (None, {W.WAITING}),
        (W.WAITING, {W.OFFERED, W.LEFT, W.REMOVED}),
        (W.OFFERED, {W.ACCEPTED, W.REGISTERED, W.LAPSED, W.LEFT, W.REMOVED}),
        (W.ACCEPTED, {W.REGISTERED, W.LAPSED, W.LEFT, W.REMOVED}),
        (W.REGISTERED, {W.OFFERED, W.LAPSED}),
        (W.LAPSED, set()),
        (W.LEFT, set()),
        (W.REMOVED, set()),
    ],
)
def test_an_entry_moves_only_along_the_allowed_transitions(
    user: Any, start: WaitlistStatus | None, to: set[WaitlistStatus]
) -> None:
    program = full_program()
    for target in WaitlistStatus:
        entry = WaitlistEntry(program=program, user=user, queued_at=utcnow())
        db.session.add(entry)
        if start is not None:
            db.session.flush()
            entry.status = start
        if target in to:
            waitlist.move_entry(entry, target)
            assert entry.status is target
            assert entry.changes[-1].from_status == start
        else:
            with pytest.raises(WaitlistError):
                waitlist.move_entry(entry, target)


def test_a_checkout_given_up_before_the_deadline_keeps_the_offer(
    user: Any, fake_gateway: Any
) -> None:
    program = full_program()
    entry = join(user, program)
    behind = join(factories.UserFactory(), program)
    free_one_space(program)
    waitlist.space_freed(program)
    waitlist.accept_offer(user, waitlist.offer_token(entry))
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    assert entry.status is W.REGISTERED
    checkout.cancel_checkout(user, fake_gateway, placed.order.checkout_session_id)
    assert (entry.status, behind.status) == (W.OFFERED, W.WAITING)
    assert service.spaces_left(program) == 0
    checkout.check_out(user, fake_gateway, URL, URL)  # the refilled cart, on the same offer
    assert entry.status is W.REGISTERED


def test_a_hold_that_lapses_after_the_offer_s_deadline_passes_the_space_on(
    user: Any, fake_gateway: Any
) -> None:
    program = full_program()
    entry = join(user, program)
    behind = join(factories.UserFactory(), program)
    free_one_space(program)
    waitlist.space_freed(program)
    waitlist.accept_offer(user, waitlist.offer_token(entry))
    placed = checkout.check_out(user, fake_gateway, URL, URL)
    entry.offer_expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    settlement.expire_checkout(placed.order.checkout_session_id)
    assert (entry.status, behind.status) == (W.LAPSED, W.OFFERED)
