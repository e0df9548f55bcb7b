"""An agent works a request end to end in Chromium: queue, assign to me, internal note,
public reply, resolve with a reason; the resident answers the email through
`jasperrec mail-in`, as the mail server would pipe it, and the request reopens.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk import clock
from jasperrec.helpdesk.models import Channel
from tests import factories
from tests.browser.conftest import LiveServer
from tests.browser.conftest import Resident
from tests.browser.conftest import add_resident
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

AGENT_EMAIL = "mina.agent@jasper.example"
AGENT_PASSWORD = "copper glacier willow beacon"
SECRET = pyotp.random_base32()
SUBJECT = "Lane swim times at the aquatic centre"


def set_up(live_server: LiveServer) -> tuple[Resident, int, str]:
    """An agent in Aquatics and a resident's new web request in Aquatics' queue."""
    resident = add_resident(live_server, "casey.pool@example.ca", "saffron harbour tundra quill")
    with live_server.app.app_context():
        aquatics = factories.DepartmentFactory(name="Aquatics", slug="aquatics")
        factories.StaffFactory(
            email=AGENT_EMAIL,
            password=AGENT_PASSWORD,
            first_name="Mina",
            last_name="Okafor",
            roles=[Role.HELPDESK_AGENT],
            departments=[aquatics],
            totp_secret=SECRET,
            mfa_enabled_at=utcnow(),
        )
        customer = (
            factories.UserFactory._meta.sqlalchemy_session.query(factories.UserFactory._meta.model)
            .filter_by(email=resident.email)
            .one()
        )
        received = utcnow()
        request = factories.ServiceRequestFactory(
            customer=customer,
            department=aquatics,
            channel=Channel.WEB,
            subject=SUBJECT,
            description="When are the lanes open on weekdays?",
            created_at=received,
        )
        clock.start(request, received, Channel.WEB)
        db.session.commit()
        request_id, reference = request.id, request.reference
        db.session.remove()
    return resident, request_id, reference


def sign_in_as_agent(page: Page) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(AGENT_EMAIL)
    page.get_by_label("Password", exact=True).fill(AGENT_PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    page.get_by_label("Code", exact=False).first.fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()


def mail_to(outbox: Path, address: str) -> list[bytes]:
    found = []
    for path in sorted(outbox.glob("*.eml")):
        raw = path.read_bytes()
        if BytesParser(policy=policy.default).parsebytes(raw)["To"] == address:
            found.append(raw)
    return found


def answer_by_email(raw: bytes, sender: str, text: str) -> bytes:
    """The resident's mail program answering our message: threaded, quoting it below."""
    ours = BytesParser(policy=policy.default).parsebytes(raw)
    answer = EmailMessage()
    answer["From"] = f"Casey Pool <{sender}>"
    answer["To"] = ours["Reply-To"]
    answer["Subject"] = f"Re: {ours['Subject']}"
    answer["Message-ID"] = make_msgid(domain="example.ca")
    answer["In-Reply-To"] = ours["Message-ID"]
    answer["References"] = ours["Message-ID"]
    quoted = "\n".join(f"> {line}" for line in ours.get_body(("plain",)).get_content().splitlines())
    answer.set_content(f"{text}\n\nOn Monday, Jasper 311 wrote:\n{quoted}\n")
    return answer.as_bytes()


def mail_in(live_server: LiveServer, raw: bytes) -> subprocess.CompletedProcess[str]:
    """Run the installed command against the live portal's database, as an alias would."""
    config = live_server.app.config
    env = {
        **os.environ,
        "JASPERREC_INSTANCE_PATH": live_server.app.instance_path,
        "JASPERREC_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "JASPERREC_SECRET_KEY": config["SECRET_KEY"],
        "JASPERREC_MAIL_BACKEND": "outbox",
        "JASPERREC_TASKS_BACKEND": "immediate",
    }
    script = str(Path(sys.executable).with_name("jasperrec"))
    return subprocess.run(  # noqa: S603 - our own console script
        [script, "mail-in"],
        input=raw.decode("ascii", "surrogateescape"),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_an_agent_works_a_request_from_the_queue_to_resolved_and_it_reopens(
    browser: Browser, live_server: LiveServer, check_page: Callable[[Page], None]
) -> None:
    resident, request_id, reference = set_up(live_server)
    staff_context = browser.new_context(base_url=live_server.url)
    staff_context.set_default_timeout(10_000)
    page = staff_context.new_page()
    sign_in_as_agent(page)

    page.get_by_role("navigation", name="Staff console").get_by_role("link", name="Queues").click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SUBJECT)

    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_text("The request is assigned to you.")).to_be_visible()

    page.get_by_label("Internal note (staff only)").fill("Checked the winter schedule binder.")
    page.get_by_role("button", name="Save internal note").click()
    expect(page.locator(".staff-notes")).to_contain_text("Checked the winter schedule binder.")

    page.get_by_label("Public reply to the resident").fill("Lanes are open 6 to 8 every weekday.")
    page.get_by_role("button", name="Send reply to resident").click()
    expect(page.get_by_text("Your reply is saved and emailed to the resident.")).to_be_visible()

    page.get_by_label("Reason").select_option("answered")
    page.get_by_label("Public note to the resident").fill("Write again if you need more.")
    page.get_by_role("button", name="Resolve").click()
    details = page.locator("dl.details")
    expect(details).to_contain_text("Resolved (answered)")
    expect(details).to_contain_text("Mina Okafor (you)")
    check_page(page)

    mails = mail_to(live_server.outbox, resident.email)
    reply = b"\n".join(mails)
    assert b"Lanes are open 6 to 8 every weekday." in reply
    assert b"Mina, Aquatics" in reply
    assert b"winter schedule" not in reply

    resident_context = browser.new_context(base_url=live_server.url)
    resident_context.set_default_timeout(10_000)
    resident_page = resident_context.new_page()
    sign_in(resident_page, resident)
    resident_page.goto(f"/helpdesk/requests/{request_id}")
    main = resident_page.get_by_role("main")
    expect(main).to_contain_text("Lanes are open 6 to 8 every weekday.")
    expect(main).not_to_contain_text("winter schedule")
    check_page(resident_page)
    resident_context.close()

    answer = answer_by_email(mails[-1], resident.email, "Saturday too, please?")
    piped = mail_in(live_server, answer)
    assert piped.returncode == 0, piped.stderr
    assert f"added to the request's conversation: {reference}" in piped.stdout

    page.reload()
    expect(page.locator("dl.details")).to_contain_text("In progress")
    expect(page.get_by_role("main")).to_contain_text("Saturday too, please?")
    expect(page.get_by_role("main")).not_to_contain_text("Jasper 311 wrote")
    staff_context.close()
