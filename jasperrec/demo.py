"""Demo data for the one-command demo: residents with households, and staff."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator

from flask import current_app

from .auth import passwords
from .auth import service as accounts
from .auth.models import HouseholdMember
from .auth.models import Relation
from .auth.models import User
from .db import utcnow
from .extensions import db

RESIDENTS = (
    (
        "alex.tremblay@example.ca",
        "Alex",
        "Tremblay",
        [
            (
                "Maya",
                "Tremblay",
                dt.date(2017, 4, 12),
                Relation.CHILD,
                "Peanut allergy: carries an EpiPen.",
            ),
            ("Sam", "Tremblay", dt.date(1988, 9, 3), Relation.PARTNER, None),
        ],
    ),
    (
        "priya.singh@example.ca",
        "Priya",
        "Singh",
        [
            ("Arjun", "Singh", dt.date(2015, 1, 22), Relation.CHILD, None),
        ],
    ),
)


def demo_password(email: str) -> str:
    """Derive a demo password from the instance key, so re-seeding prints the same one."""
    key = str(current_app.secret_key).encode()
    digest = hmac.new(key, f"demo-password:{email}".encode(), hashlib.sha256).digest()
    return "demo-" + base64.b32encode(digest[:15]).decode().lower()


def seed() -> Iterator[str]:
    """Create any demo accounts that are missing and say how to sign in to each."""
    if not current_app.config["IS_DEMO"]:
        raise RuntimeError("Demo data is only for demo mode, never for production.")
    yield "Demo residents (email / password):"
    for email, first, last, household in RESIDENTS:
        _ensure_resident(email, first, last, household)
        yield f"  {email} / {demo_password(email)}"
    db.session.commit()


def _ensure_resident(
    email: str,
    first: str,
    last: str,
    household: list[tuple[str, str, dt.date, Relation, str | None]],
) -> User:
    user = accounts.find_user_by_email(email)
    if user is not None:
        return user
    user = User(
        email=email,
        first_name=first,
        last_name=last,
        email_confirmed_at=utcnow(),
        password_hash=passwords.hash_password(demo_password(email)),
        city="Jasper",
        province="AB",
        postal_code="T0E 1E0",
    )
    user.household = [
        HouseholdMember(
            first_name=f, last_name=l_, date_of_birth=dob, relation=rel, medical_notes=notes
        )
        for f, l_, dob, rel, notes in household
    ]
    db.session.add(user)
    db.session.flush()
    return user
