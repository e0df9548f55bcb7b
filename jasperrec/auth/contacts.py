"""Contacts: people known from a request, call or email, with a user row but no password."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from jasperrec.extensions import db

from .models import User
from .phones import normalise_phone
from .service import normalise_email

NAME_MAX = 100
PHONE_MAX = 20


def _phone(value: str | None) -> str | None:
    """Store a phone number the way accounts do when it reads as one, else as typed."""
    return normalise_phone(value) or _clean(value, PHONE_MAX) or None


def _clean(value: str | None, limit: int) -> str:
    """Keep what a person typed as plain text on one line, trimmed to the column."""
    text = " ".join("".join(c if c.isprintable() else " " for c in value or "").split())
    return text[:limit]


def create_contact(
    *, first_name: str = "", last_name: str = "", phone: str | None = None, email: str | None = None
) -> User:
    """Add a contact, with or without an email address; flushes only."""
    contact = User(
        email=normalise_email(email) if email else None,
        password_hash=None,
        first_name=_clean(first_name, NAME_MAX),
        last_name=_clean(last_name, NAME_MAX),
        phone=_phone(phone),
    )
    db.session.add(contact)
    db.session.flush()
    return contact


def find_or_create_contact(
    email: str, *, first_name: str = "", last_name: str = "", phone: str | None = None
) -> User:
    """Return the person who uses this address, adding a contact if nobody does; flushes only.

    A resident's account is returned as it is: nothing typed by someone who merely knows
    the address changes it. A contact's missing name or phone is filled in. Two requests
    from a new address at once make one contact: the loser of the insert reads the winner's.
    """
    address = normalise_email(email)
    person = db.session.scalar(sa.select(User).where(User.email == address))
    if person is None:
        try:
            with db.session.begin_nested():
                person = create_contact(
                    first_name=first_name, last_name=last_name, phone=phone, email=address
                )
        except IntegrityError:
            person = db.session.scalars(sa.select(User).where(User.email == address)).one()
    if person.is_contact:
        _fill_in(person, first_name=first_name, last_name=last_name, phone=phone)
    return person


def _fill_in(contact: User, *, first_name: str, last_name: str, phone: str | None) -> None:
    if not contact.first_name and not contact.last_name:
        contact.first_name = _clean(first_name, NAME_MAX)
        contact.last_name = _clean(last_name, NAME_MAX)
    if not contact.phone:
        contact.phone = _phone(phone)
