"""Reset and confirmation requests: the same work for any address, and limits per target."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.extensions import db
from jasperrec.tasks import huey
from tests import factories

PAGES = ["/auth/reset", "/auth/confirm/resend"]


@pytest.fixture
def queued() -> Iterator[Callable[[], None]]:
    """Hold tasks in the (in-memory) queue as a worker would see them; yield a way to run them."""

    def run_queue() -> None:
        while (task := huey.dequeue()) is not None:
            huey.execute(task)

    huey._immediate = False
    try:
        yield run_queue
    finally:
        huey._immediate = True
        huey.flush()


def statements_during(action: Callable[[], Any]) -> list[str]:
    seen: list[str] = []
    connection = db.engines[None]

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)
    return seen


def queued_work() -> list[tuple[str, int]]:
    return [(task.name, len(task.args)) for task in huey.pending()]


@pytest.mark.parametrize("page", PAGES)
def test_a_request_looks_nobody_up_and_queues_the_same_work_for_any_address(
    client: Any, outbox: list[Any], queued: Callable[[], None], page: str
) -> None:
    known = factories.UserFactory(email_confirmed_at=None)
    work = []
    for email in (known.email, "nobody@example.ca"):
        sql = statements_during(lambda email=email: client.post(page, data={"email": email}))
        work.append((sql, queued_work()))
        huey.flush()

    assert work[0] == work[1]
    assert work[0][0] == []
    assert len(work[0][1]) == 1
    assert outbox == []


@pytest.mark.parametrize("page", PAGES)
def test_the_queued_task_mails_only_a_known_address(
    client: Any, outbox: list[Any], queued: Callable[[], None], page: str
) -> None:
    known = factories.UserFactory(email_confirmed_at=None)
    client.post(page, data={"email": "nobody@example.ca"})
    client.post(page, data={"email": known.email.upper()})

    queued()

    assert [m["To"] for m in outbox] == [known.email]


@pytest.mark.parametrize("page", PAGES)
def test_mail_to_one_address_is_limited_whoever_asks(
    app: Flask, client: Any, outbox: list[Any], rate_limits: None, page: str
) -> None:
    target = factories.UserFactory(email_confirmed_at=None)
    answers = [
        client.post(
            page, data={"email": target.email}, environ_base={"REMOTE_ADDR": f"203.0.113.{n}"}
        ).status_code
        for n in range(1, 5)
    ]
    other = client.post(
        page, data={"email": "someone.else@example.ca"}, environ_base={"REMOTE_ADDR": "203.0.113.1"}
    )

    assert answers == [302, 302, 302, 429]
    assert other.status_code == 302
    assert [m["To"] for m in outbox] == [target.email] * 3
