"""A resident opens "my personal information", sees an agent's view of their record, downloads
the ZIP and finds their helpdesk conversation in it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page
from playwright.sync_api import expect

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.helpdesk.models import ServiceRequestMessage
from jasperrec.staff.audit import record_access
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.conftest import Resident
from tests.browser.conftest import add_resident
from tests.browser.conftest import sign_in
from tests.browser.test_newcomer import newest_mail_to

pytestmark = pytest.mark.browser

QUESTION = "Is the pool open on Boxing Day?"
ANSWER = "Yes, from noon to five. Lane swim only."
DOWNLOAD_LINK = re.compile(r"https?://\S+/privacy/download/\S+")


def add_conversation(live_server: LiveServer, resident: Resident) -> None:
    """Give the resident a helpdesk request an agent answered, after opening their record."""
    with live_server.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == resident.email))
        agent = factories.StaffFactory(first_name="Jordan")
        request = factories.ServiceRequestFactory(customer=user, subject="Pool hours")
        request.messages = [
            ServiceRequestMessage(author=user, body=QUESTION),
            ServiceRequestMessage(author=agent, body=ANSWER, is_from_staff=True),
        ]
        db.session.flush()
        record_access(
            agent,
            user,
            AccessKind.PROFILE,
            AccessPurpose.SERVICE_REQUEST,
            record_type="user",
            record_id=user.id,
            request_id=request.id,
        )
        db.session.commit()
        db.session.remove()


def test_a_resident_downloads_their_data_and_finds_their_helpdesk_conversation(
    page: Page, live_server: LiveServer, outbox: Path, check_page: Callable[[Page], None]
) -> None:
    resident = add_resident(live_server, "avery.download@example.ca", "birch canoe summit 2026")
    add_conversation(live_server, resident)
    sign_in(page, resident)

    page.get_by_role("link", name="My personal information").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My personal information")
    agents_view = page.locator("section", has=page.locator("#staff_access"))
    expect(agents_view).to_contain_text("Jordan")
    page.get_by_role("button", name="Prepare my download").click()
    expect(page.get_by_text("will email you a link")).to_be_visible()
    expect(page.get_by_text("Your last download was ready")).to_be_visible()
    check_page(page)

    body = newest_mail_to(outbox, resident.email).get_body(("plain",))
    assert body is not None
    link = DOWNLOAD_LINK.search(body.get_content())
    assert link, body.get_content()
    with page.expect_download() as info:
        page.evaluate("url => { window.location.href = url; }", link.group(0))
    archive = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))

    messages = list(csv.DictReader(io.StringIO(archive.read("helpdesk_messages.csv").decode())))
    assert [m["message"] for m in messages] == [QUESTION, ANSWER]
    document = json.loads(archive.read("personal-data.json"))
    kinds = {kind["key"]: kind for kind in document["kinds"]}
    assert kinds["helpdesk_requests"]["rows"][0]["subject"] == "Pool hours"
    assert any(row["request_reference"] for row in kinds["staff_access"]["rows"])
