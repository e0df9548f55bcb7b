"""The email channel: real messages piped in become requests, answers, or nothing at all."""

from __future__ import annotations

import datetime as dt
import io
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import Image

from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.helpdesk import mailin
from jasperrec.helpdesk.errors import MailRejectedError
from jasperrec.helpdesk.models import Attachment
from jasperrec.helpdesk.models import Channel
from jasperrec.helpdesk.models import InboundEmail
from jasperrec.helpdesk.models import OutgoingMessageId
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequest
from jasperrec.helpdesk.models import ServiceRequestMessage
from tests import factories

FIXTURES = Path(__file__).parent / "mail_fixtures"
OUR_ID = "our-message-id@jasper-alberta.ca"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def count(model: Any) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def answered_request(
    email: str = "alex.tremblay@gmail.com", status: RequestStatus = RequestStatus.WAITING
) -> ServiceRequest:
    """A request of this customer's, with our Message-ID on the mail we sent about it."""
    customer = factories.UserFactory(email=email, first_name="Alex")
    found = factories.ServiceRequestFactory(customer=customer, channel=Channel.WEB, status=status)
    db.session.add(OutgoingMessageId(request_id=found.id, message_id=OUR_ID))
    db.session.flush()
    return found


def png(colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, "PNG")
    return out.getvalue()


def email(
    body: str = "The water fountain at the arena is broken.",
    *,
    sender: str = "Robin Park <robin.park@example.ca>",
    subject: str = "Broken water fountain",
    files: int = 0,
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "311@jasper-alberta.ca"
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", "<robin-1@example.ca>")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    for number in range(files):
        message.add_attachment(png(), maintype="image", subtype="png", filename=f"p{number}.png")
    return message.as_bytes()


def test_a_new_email_files_an_email_request_from_the_sender_as_a_contact(
    outbox: list[EmailMessage],
) -> None:
    roads = factories.CategoryKeywordFactory(phrase="pothole", priority=1).category
    delivery = mailin.receive(fixture("new_request_with_photos.eml"))
    assert delivery.outcome is mailin.Outcome.FILED
    filed = db.session.scalars(sa.select(ServiceRequest)).one()
    assert delivery.reference == filed.reference
    assert filed.channel is Channel.EMAIL
    assert filed.subject == "Pothole on Patricia Street near the pool"
    assert "deep pothole on Patricia Street" in filed.description
    assert (filed.category, filed.department) == (roads, roads.department)
    contact = filed.customer
    assert (contact.email, contact.first_name, contact.last_name, contact.is_contact) == (
        "dana.white@example.ca",
        "Dana",
        "White",
        True,
    )
    # The JPEG, and the PNG sent as "sketch.bin": photos are known by content, not name.
    assert sorted(a.content_type for a in filed.attachments) == ["image/jpeg", "image/png"]
    (ack,) = outbox
    assert ack["To"] == "dana.white@example.ca"
    assert filed.reference in ack["Subject"]
    assert ack["Reply-To"] == "311@jasper-alberta.ca"
    assert "permit.pdf is not a photo we can read" in ack.get_body(("plain",)).get_content()
    sent_id = ack["Message-ID"].strip().strip("<>")
    assert (
        db.session.scalars(
            sa.select(OutgoingMessageId.request_id).where(OutgoingMessageId.message_id == sent_id)
        ).one()
        == filed.id
    )


def test_a_resident_with_an_account_gets_the_request_in_their_own_history() -> None:
    resident = factories.UserFactory(email="robin.park@example.ca")
    mailin.receive(email())
    filed = db.session.scalars(sa.select(ServiceRequest)).one()
    assert filed.customer == resident
    assert db.session.scalars(sa.select(User)).all() == [resident]  # no contact was added


def test_without_a_category_or_keyword_the_request_goes_to_the_default_department(
    app: Flask,
) -> None:
    mailin.receive(email())
    filed = db.session.scalars(sa.select(ServiceRequest)).one()
    assert filed.category is None
    assert filed.department.name == app.config["HELPDESK_DEFAULT_DEPARTMENT"]


def test_the_same_message_delivered_twice_files_one_request(outbox: list[EmailMessage]) -> None:
    first = mailin.receive(email())
    again = mailin.receive(email())
    assert again.outcome is mailin.Outcome.ALREADY
    assert count(ServiceRequest) == 1
    assert len(outbox) == 1
    assert db.session.scalars(sa.select(InboundEmail.message_id)).one() == "<robin-1@example.ca>"
    assert first.reference is not None


def test_a_threaded_answer_joins_the_conversation_without_its_quote(
    outbox: list[EmailMessage],
) -> None:
    waiting = answered_request()
    delivery = mailin.receive(fixture("gmail_reply.eml"))
    assert (delivery.outcome, delivery.reference) == (mailin.Outcome.ADDED, waiting.reference)
    (message,) = waiting.messages
    assert (
        message.body == "It is still out tonight — the one across from the café.\n\nThanks,\nAlex"
    )
    assert message.author_id == waiting.customer_id
    assert not message.is_from_staff
    assert waiting.status is RequestStatus.IN_PROGRESS
    assert count(ServiceRequest) == 1
    assert outbox == []


def test_a_subject_reference_from_the_customer_threads_an_answer() -> None:
    earlier = factories.ServiceRequestFactory(
        customer=factories.UserFactory(email="sam.okafor@outlook.com"),
        status=RequestStatus.IN_PROGRESS,
    )
    raw = fixture("outlook_reply.eml").replace(b"JR-2026-000042", earlier.reference.encode())
    assert mailin.receive(raw).outcome is mailin.Outcome.ADDED
    assert len(earlier.messages) == 1


def test_someone_else_quoting_a_reference_starts_their_own_request() -> None:
    earlier = factories.ServiceRequestFactory(status=RequestStatus.IN_PROGRESS)
    raw = email(subject=f"Re: [{earlier.reference}] your pool", body="Add me to this.")
    delivery = mailin.receive(raw)
    assert delivery.outcome is mailin.Outcome.FILED
    assert earlier.messages == []
    assert count(ServiceRequest) == 2


def test_an_answer_to_another_persons_message_id_is_not_added_to_their_request() -> None:
    theirs = answered_request(email="someone.else@example.ca")
    delivery = mailin.receive(fixture("gmail_reply.eml"))
    assert delivery.outcome is mailin.Outcome.FILED
    assert theirs.messages == []


@pytest.mark.parametrize("status", [RequestStatus.RESOLVED, RequestStatus.CLOSED])
def test_an_answer_to_a_resolved_or_lately_closed_request_reopens_it(
    status: RequestStatus,
) -> None:
    done = answered_request(status=status)
    done.resolved_at = done.closed_at = utcnow() - dt.timedelta(days=3)
    mailin.receive(fixture("gmail_reply.eml"))
    assert done.status is RequestStatus.IN_PROGRESS
    assert done.events[-1].detail == "Reopened: the resident wrote again."
    assert done.events[-1].actor_id == done.customer_id


def test_an_answer_to_a_request_closed_long_ago_files_a_linked_new_one(
    outbox: list[EmailMessage],
) -> None:
    old = answered_request(status=RequestStatus.CLOSED)
    old.closed_at = utcnow() - dt.timedelta(days=15)
    delivery = mailin.receive(fixture("gmail_reply.eml"))
    assert delivery.outcome is mailin.Outcome.FOLLOW_UP
    assert old.status is RequestStatus.CLOSED
    assert old.messages == []
    new = db.session.scalars(sa.select(ServiceRequest).where(ServiceRequest.id != old.id)).one()
    assert new.follows_up == old
    assert new.customer == old.customer
    assert f"It takes up your earlier request {old.reference}" in (
        outbox[0].get_body(("plain",)).get_content()
    )


@pytest.mark.parametrize("name", ["auto_reply.eml", "dsn_bounce.eml"])
def test_robots_open_nothing_and_get_no_answer(name: str, outbox: list[EmailMessage]) -> None:
    answered_request()
    delivery = mailin.receive(fixture(name))
    assert delivery.outcome is mailin.Outcome.IGNORED
    assert count(ServiceRequestMessage) == 0
    assert count(ServiceRequest) == 1
    assert outbox == []


def test_an_empty_envelope_sender_is_a_bounce() -> None:
    assert mailin.receive(email(), envelope_sender="").outcome is mailin.Outcome.IGNORED
    assert count(ServiceRequest) == 0


def test_mail_from_our_own_address_is_ignored(app: Flask) -> None:
    raw = email(sender=f"Jasper 311 <{app.config['HELPDESK_REPLY_TO']}>")
    assert mailin.receive(raw).outcome is mailin.Outcome.IGNORED
    assert count(ServiceRequest) == 0


def test_a_message_with_no_sender_we_can_answer_is_refused() -> None:
    with pytest.raises(MailRejectedError):
        mailin.receive(fixture("no_sender.eml"))
    assert count(ServiceRequest) == count(User) == 0


def test_a_message_over_the_limit_is_refused_before_it_is_read() -> None:
    raw = email() + b"x" * (30 * 1024 * 1024)
    with pytest.raises(MailRejectedError, match="larger than 25 MB"):
        mailin.receive(raw)
    assert count(ServiceRequest) == 0


def test_fifty_attachments_keep_five_photos_and_say_so(outbox: list[EmailMessage]) -> None:
    mailin.receive(email(files=50))
    filed = db.session.scalars(sa.select(ServiceRequest)).one()
    assert len(filed.attachments) == 5
    text = outbox[0].get_body(("plain",)).get_content()
    assert "45 more files: we keep at most 5 photos from one email." in text


def test_a_one_megabyte_body_is_cut_and_the_sender_told(outbox: list[EmailMessage]) -> None:
    mailin.receive(email(body="a" * 1_000_000))
    filed = db.session.scalars(sa.select(ServiceRequest)).one()
    assert len(filed.description) == 5000
    assert "Your text after the first 5,000 characters." in (
        outbox[0].get_body(("plain",)).get_content()
    )


def test_html_in_an_email_is_kept_as_text_and_answered_in_plain_text(
    outbox: list[EmailMessage],
) -> None:
    mailin.receive(email(subject="<script>alert(1)</script>", body="<b>hi</b>"))
    filed = db.session.scalars(sa.select(ServiceRequest)).one()
    assert (filed.subject, filed.description) == ("<script>alert(1)</script>", "<b>hi</b>")
    html = outbox[0].get_body(("html",)).get_content()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("malformed_mime.eml", "The dog park gate does not latch."),
        ("unknown_charset.eml", "Are there skating lessons for adults?"),
        ("mislabelled_charset.eml", "Le patinage libre du dimanche est-il annulé?"),
        ("undeclared_charset.eml", "La piscine était fermée samedi à 10 h."),
        ("html_only.eml", "The bench in the arena change room is broken."),
    ],
)
def test_broken_and_odd_messages_are_filed_with_what_can_be_read(name: str, text: str) -> None:
    delivery = mailin.receive(fixture(name))
    assert delivery.outcome is mailin.Outcome.FILED
    filed = db.session.scalars(sa.select(ServiceRequest)).one()
    assert text in filed.description


def test_an_answer_with_only_photos_is_added_with_them() -> None:
    waiting = answered_request()
    raw = email(
        body="", sender="Alex <alex.tremblay@gmail.com>", files=2, In_Reply_To=f"<{OUR_ID}>"
    )
    assert mailin.receive(raw).outcome is mailin.Outcome.ADDED
    (message,) = waiting.messages
    assert message.body == "(Photos sent by email.)"
    photos = db.session.scalars(sa.select(Attachment)).all()
    assert [p.message_id for p in photos] == [message.id, message.id]


def test_an_empty_answer_adds_nothing() -> None:
    waiting = answered_request()
    raw = email(body="  ", sender="Alex <alex.tremblay@gmail.com>", In_Reply_To=f"<{OUR_ID}>")
    assert mailin.receive(raw).outcome is mailin.Outcome.IGNORED
    assert waiting.messages == []
    assert waiting.status is RequestStatus.WAITING


def test_a_failure_while_filing_leaves_no_request_and_no_photo(
    app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the photo folder should be")
    monkeypatch.setitem(app.config, "HELPDESK_ATTACHMENTS_PATH", str(blocked / "photos"))
    with pytest.raises(NotADirectoryError):
        mailin.receive(email(files=1))
    db.session.rollback()
    assert count(ServiceRequest) == count(InboundEmail) == 0


def test_the_resident_and_staff_see_which_request_a_late_answer_follows_up(
    app: Flask, client: Any, log_in: Any, staff_log_in: Any, make_staff: Any
) -> None:
    old = answered_request(status=RequestStatus.CLOSED)
    old.closed_at = utcnow() - dt.timedelta(days=15)
    mailin.receive(fixture("gmail_reply.eml"))
    new = db.session.scalars(sa.select(ServiceRequest).where(ServiceRequest.id != old.id)).one()
    log_in(old.customer)
    page = client.get(f"/helpdesk/requests/{new.id}").get_data(as_text=True)
    assert f"Your earlier request {old.reference}, closed" in page
    desk = app.test_client()
    staff_log_in(make_staff(Role.HELPDESK_AGENT, departments=[new.department]), desk)
    page = desk.get(f"/staff/requests/{new.id}").get_data(as_text=True)
    assert f"{old.reference}: {old.subject} (closed" in page


def test_staff_are_not_told_a_contact_can_see_their_view(
    app: Flask, staff_log_in: Any, make_staff: Any
) -> None:
    mailin.receive(email())
    filed = db.session.scalars(sa.select(ServiceRequest)).one()
    desk = app.test_client()
    staff_log_in(make_staff(Role.HELPDESK_AGENT, departments=[filed.department]), desk)
    page = desk.get(f"/staff/requests/{filed.id}").get_data(as_text=True)
    assert "This view is logged." in page
    assert "can see that you looked" not in page
