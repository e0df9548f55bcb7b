"""Mail threading: the Message-IDs we send about a request, and finding it from an answer.

Every message about a request carries a Message-ID we keep, a Reply-To for mail-in, and
References to our earlier messages, so a resident's mail program threads the conversation
and their answer's In-Reply-To or References leads back to the request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from email.utils import make_msgid

import sqlalchemy as sa
from flask import current_app

from jasperrec.extensions import db

from .models import OutgoingMessageId
from .models import ServiceRequest

# The References header names at most this many of our earlier messages.
REFERENCES_KEPT = 10
_BRACKETED = re.compile(r"<([^<>\s]+)>")


def outgoing_headers(service_request: ServiceRequest) -> dict[str, str]:
    """Record a new Message-ID for mail about the request and return the headers to send.

    Adds a row and flushes; the caller's service commits, then sends with these headers.
    """
    earlier = db.session.scalars(
        sa.select(OutgoingMessageId.message_id)
        .where(OutgoingMessageId.request_id == service_request.id)
        .order_by(OutgoingMessageId.id.desc())
        .limit(REFERENCES_KEPT)
    ).all()
    reply_to = current_app.config["HELPDESK_REPLY_TO"]
    domain = reply_to.rpartition("@")[2] or "jasperrec.local"
    message_id = make_msgid(idstring=f"request-{service_request.id}", domain=domain)[1:-1]
    db.session.add(OutgoingMessageId(request_id=service_request.id, message_id=message_id))
    db.session.flush()
    headers = {"Message-ID": f"<{message_id}>", "Reply-To": reply_to}
    if earlier:
        headers["In-Reply-To"] = f"<{earlier[0]}>"
        headers["References"] = " ".join(f"<{m}>" for m in reversed(earlier))
    return headers


def normalise(ids: Sequence[str]) -> list[str]:
    """Return the bare Message-IDs in header values (bracketed or not), in order."""
    found: list[str] = []
    for value in ids:
        bracketed = _BRACKETED.findall(value)
        if bracketed:
            found.extend(bracketed)
        elif value.strip():
            found.append(value.strip())
    return found


def request_for_message_ids(ids: Sequence[str]) -> ServiceRequest | None:
    """Return the request one of our Message-IDs belongs to, the latest sent if several."""
    wanted = normalise(ids)
    if not wanted:
        return None
    query = (
        sa.select(ServiceRequest)
        .join(OutgoingMessageId, OutgoingMessageId.request_id == ServiceRequest.id)
        .where(OutgoingMessageId.message_id.in_(wanted[:100]))
        .order_by(OutgoingMessageId.id.desc())
        .limit(1)
    )
    return db.session.scalars(query).first()
