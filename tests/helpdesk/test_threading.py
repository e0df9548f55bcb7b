"""Mail threading: our Message-IDs, the headers on mail about a request, and finding it again."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from flask import Flask

from jasperrec.extensions import db
from jasperrec.helpdesk import threading
from jasperrec.helpdesk.models import OutgoingMessageId
from jasperrec.mail import send_mail
from tests import factories


def test_outgoing_headers_record_a_new_message_id_with_reply_to(app: Flask) -> None:
    request = factories.ServiceRequestFactory()

    headers = threading.outgoing_headers(request)

    stored = db.session.scalars(sa.select(OutgoingMessageId)).all()
    assert [row.request_id for row in stored] == [request.id]
    assert headers["Message-ID"] == f"<{stored[0].message_id}>"
    assert stored[0].message_id.endswith("@jasper-alberta.ca")
    assert headers["Reply-To"] == app.config["HELPDESK_REPLY_TO"]
    assert "In-Reply-To" not in headers
    assert "References" not in headers


def test_later_mail_refers_to_the_earlier_messages_in_order() -> None:
    request = factories.ServiceRequestFactory()
    first = threading.outgoing_headers(request)["Message-ID"]
    second = threading.outgoing_headers(request)["Message-ID"]

    third = threading.outgoing_headers(request)

    assert third["In-Reply-To"] == second
    assert third["References"] == f"{first} {second}"
    assert len({first, second, third["Message-ID"]}) == 3


def test_request_for_message_ids_finds_the_request_from_any_of_our_ids() -> None:
    request = factories.ServiceRequestFactory()
    other = factories.ServiceRequestFactory()
    ours = threading.outgoing_headers(request)["Message-ID"]
    threading.outgoing_headers(other)

    assert threading.request_for_message_ids([ours]) == request
    assert threading.request_for_message_ids([ours.strip("<>")]) == request
    references = f"<unknown@example.com>\r\n {ours}"
    assert threading.request_for_message_ids([references]) == request
    assert threading.request_for_message_ids(["<someone@else.example>"]) is None
    assert threading.request_for_message_ids([]) is None
    assert threading.request_for_message_ids(["", "  "]) is None


def test_send_mail_uses_the_given_threading_headers(
    app: Flask, outbox: list[EmailMessage], resident: Any
) -> None:
    request = factories.ServiceRequestFactory(customer=resident)
    threading.outgoing_headers(request)
    headers = threading.outgoing_headers(request)
    db.session.commit()

    send_mail(
        resident.email,
        "helpdesk/request_received",
        headers=headers,
        service_request=request,
    )

    [sent] = outbox
    for name in ("Message-ID", "Reply-To", "In-Reply-To", "References"):
        assert " ".join(str(sent[name]).split()) == headers[name]


def test_send_mail_without_headers_makes_its_own_message_id(
    outbox: list[EmailMessage], resident: Any
) -> None:
    request = factories.ServiceRequestFactory(customer=resident)
    db.session.commit()

    send_mail(resident.email, "helpdesk/request_received", service_request=request)

    [sent] = outbox
    assert sent["Message-ID"].endswith("@jasperrec.local>")
    assert sent["Reply-To"] is None
