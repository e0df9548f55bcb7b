"""Telephone intake: staff log a call for a resident, a known contact or a new caller."""

from __future__ import annotations

import dataclasses

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from .categories.service import get_public_category
from .categories.service import public_categories
from .models import Channel
from .models import ServiceRequest
from .service import RequestDetails
from .service import acknowledge
from .service import acknowledgement_headers
from .service import file_request
from .visitors import Visitor
from .visitors import caller_for


def find_caller(person_id: int) -> User:
    """Return the resident or contact chosen from the people search for a call.

    :raises NotFoundError: also for staff accounts, which no call is logged for.
    """
    person: User | None = db.session.scalar(
        sa.select(User).where(User.id == person_id, User.is_staff.is_(False))
    )
    if person is None:
        raise NotFoundError()
    return person


def category_choices() -> list[tuple[str, str]]:
    """Return the categories an agent may file a call under, as (slug, name) pairs."""
    return [(category.slug, category.name) for category in public_categories()]


def log_call(
    details: RequestDetails,
    *,
    category_slug: str | None,
    person_id: int | None,
    new_caller: Visitor,
) -> ServiceRequest:
    """File a caller's request as a phone request, due by the telephone standard.

    With person_id the call is the chosen resident's or contact's; otherwise the caller is
    found by the email they gave, or added as a new contact. Without a category the
    keyword rules route the call. The caller is emailed the
    reference and the answer-by date when there is an address to write to.

    :raises NotFoundError:
    :raises UnknownTopicError:
    """
    if category_slug is not None:
        details = dataclasses.replace(details, category=get_public_category(category_slug))
    person = find_caller(person_id) if person_id is not None else caller_for(new_caller)
    service_request = file_request(person, details, Channel.PHONE)
    headers = acknowledgement_headers(service_request)
    db.session.commit()
    acknowledge(service_request, headers=headers)
    return service_request
