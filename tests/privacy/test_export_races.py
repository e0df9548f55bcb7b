"""One download link opened twice at the same moment, on separate connections.

The rest of the suite runs each test inside one rolled-back transaction; this test needs
real, separately committed transactions, so it is marked `commits` and deletes what it
made afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import User
from jasperrec.auth.models import UserSession
from jasperrec.extensions import db
from jasperrec.privacy.export import service
from jasperrec.privacy.export.models import DataExport
from jasperrec.privacy.export.models import DataExportEvent
from jasperrec.privacy.export.models import ExportStatus
from tests import factories
from tests.conftest import PASSWORD

from .conftest import link_token

RACER = "export-racer@example.ca"


@pytest.fixture
def racer(app: Flask) -> Iterator[Any]:
    """A resident committed for real, deleted with everything of theirs afterwards."""
    user = factories.UserFactory(email=RACER, password=PASSWORD)
    db.session.commit()
    yield user
    db.session.remove()
    mine = sa.select(User.id).where(User.email == RACER)
    exports = sa.select(DataExport.id).where(DataExport.user_id.in_(mine))
    db.session.execute(sa.delete(DataExportEvent).where(DataExportEvent.export_id.in_(exports)))
    db.session.execute(sa.delete(DataExport).where(DataExport.user_id.in_(mine)))
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id.in_(mine)))
    db.session.execute(sa.delete(User).where(User.id.in_(mine)))
    db.session.commit()


def _together(calls: list[Any]) -> list[Any]:
    """Run the calls on threads released at the same moment; return their results."""
    start = threading.Barrier(len(calls), timeout=10)
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.commits
def test_one_link_opened_twice_at_once_downloads_twice_and_purges_once(
    app: Flask, racer: Any, outbox: list[EmailMessage]
) -> None:
    mine = sa.select(DataExport).where(DataExport.user_id == racer.id)
    service.request_export(racer)
    url = f"/privacy/download/{link_token(outbox[-1])}"
    # On SQLite an open transaction here would hold the write lock the requests need.
    db.session.remove()
    tabs = [app.test_client() for _ in range(2)]
    for tab in tabs:
        tab.post("/auth/login", data={"email": RACER, "password": PASSWORD})
    responses = _together([lambda tab=tab: tab.get(url) for tab in tabs])
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].data == responses[1].data
    export = db.session.scalars(mine).one()
    db.session.remove()
    purged = _together([lambda: _purge(app, export.expires_at)] * 2)
    assert sorted(purged) == [0, 1]
    assert db.session.scalars(mine).one().status is ExportStatus.EXPIRED


def _purge(app: Flask, when: Any) -> int:
    with app.app_context():
        try:
            return service.purge_expired(now=when)
        finally:
            db.session.remove()
