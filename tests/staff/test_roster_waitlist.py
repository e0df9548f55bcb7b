"""The waitlist on a program's roster: in order, and a coordinator offers a space from it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.store import waitlist
from jasperrec.store.models import WaitlistStatus
from tests import factories
from tests.store.waitlists import child_of
from tests.store.waitlists import full_program

Counter = Callable[[Callable[[], Any]], int]


def waiting(program: Any, first: str) -> Any:
    parent = factories.UserFactory()
    child = child_of(parent, first_name=first, last_name="Okafor")
    return waitlist.join_waitlist(parent, program.slug, child.id)


def test_the_roster_lists_the_waitlist_in_order(
    client: FlaskClient, staff_log_in: Any, make_staff: Any
) -> None:
    program = full_program()
    for name in ("Ada", "Bea", "Cal"):
        waiting(program, name)
    db.session.commit()
    staff_log_in(make_staff(Role.PROGRAM_COORDINATOR))
    page = client.get(f"/staff/rosters/{program.id}").get_data(as_text=True)
    assert page.index("Ada Okafor") < page.index("Bea Okafor") < page.index("Cal Okafor")
    assert page.count("Offer a space") == 3


def test_a_coordinator_offers_a_free_space_out_of_turn(
    client: FlaskClient, staff_log_in: Any, make_staff: Any, outbox: list[Any]
) -> None:
    program = full_program()
    first, second = waiting(program, "Ada"), waiting(program, "Bea")
    coordinator = make_staff(Role.PROGRAM_COORDINATOR)
    db.session.commit()
    staff_log_in(coordinator)
    url = f"/staff/rosters/{program.id}/waitlist/{second.id}/promote"
    response = client.post(url)
    assert response.headers["Location"] == f"/staff/rosters/{program.id}"
    assert "no free space" in client.get(response.headers["Location"]).get_data(as_text=True)
    program.capacity = 2
    db.session.commit()
    client.post(url)
    assert (first.status, second.status) == (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)
    assert second.promoted_by_id == coordinator.id
    assert outbox[-1]["To"] == second.user.email


def test_the_roster_page_does_not_grow_with_the_waitlist(
    client: FlaskClient, staff_log_in: Any, make_staff: Any, count_queries: Counter
) -> None:
    program = full_program()
    waiting(program, "Ada")
    db.session.commit()
    staff_log_in(make_staff(Role.PROGRAM_COORDINATOR))
    url = f"/staff/rosters/{program.id}"
    client.get(url)
    one = count_queries(lambda: client.get(url))
    for n in range(5):
        waiting(program, f"Kid{n}")
    db.session.commit()
    assert count_queries(lambda: client.get(url)) == one
