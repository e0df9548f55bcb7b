"""One download link opened twice at the same moment, on separate connections.

The rest of the suite runs each test inside one rolled-back transaction; this test needs
real, separately committed transactions, so it is marked `commits` and deletes what it
made afterwards.
"""

from __future__ import annotations

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
from tests.races import delete_committed
from tests.races import run_at_once

from .conftest import link_token

RACER = "export-racer@example.ca"


@pytest.fixture
def racer(app: Flask) -> Iterator[Any]:
    """A resident committed for real, deleted with everything of theirs afterwards."""
    user = factories.UserFactory(email=RACER, password=PASSWORD)
    db.session.commit()
    yield user
    mine = sa.select(User.id).where(User.email == RACER)
    exports = sa.select(DataExport.id).where(DataExport.user_id.in_(mine))
    delete_committed(
        sa.delete(DataExportEvent).where(DataExportEvent.export_id.in_(exports)),
        sa.delete(DataExport).where(DataExport.user_id.in_(mine)),
        sa.delete(UserSession).where(UserSession.user_id.in_(mine)),
        sa.delete(User).where(User.id.in_(mine)),
    )


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
    responses = run_at_once(app, lambda tab: tab.get(url), [(tab,) for tab in tabs])
    assert [r.status_code for r in responses] == [200, 200]
    assert responses[0].data == responses[1].data
    export = db.session.scalars(mine).one()
    db.session.remove()
    purged = run_at_once(app, lambda: service.purge_expired(now=export.expires_at), [(), ()])
    assert sorted(purged) == [0, 1]
    assert db.session.scalars(mine).one().status is ExportStatus.EXPIRED
