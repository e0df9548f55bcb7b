"""Demo data for the one-command demo: residents with households, staff, the catalogue."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator

import pyotp
import sqlalchemy as sa
from flask import current_app

from .auth import passwords
from .auth import service as accounts
from .auth.models import Department
from .auth.models import EmergencyContact
from .auth.models import HouseholdMember
from .auth.models import Relation
from .auth.models import Role
from .auth.models import StaffRole
from .auth.models import User
from .db import utcnow
from .extensions import db
from .helpdesk import clock
from .helpdesk.categories.demo import ensure_demo_categories
from .helpdesk.categories.models import Category
from .helpdesk.models import Channel
from .helpdesk.models import ServiceRequest
from .store.coordinators import assign_coordinators
from .store.demo import PRODUCTS
from .store.demo import ensure_demo_catalogue
from .store.demo_season import SEASON
from .store.models import Program
from .store.models import ProgramCoordinator

Member = tuple[str, str, dt.date, Relation, str | None]
# Each demo household's emergency contact: (name, phone, relationship).
EMERGENCY_CONTACTS = {
    "alex.tremblay@example.ca": ("Jeanne Tremblay", "780-852-4410", "Maya's grandmother"),
    "priya.singh@example.ca": ("Ravi Singh", "780-852-7731", "Arjun's uncle"),
}
# The demo coordinator runs every demo program, so their rosters show medical notes.
DEMO_COORDINATOR = "riley.coordinator@example.ca"
RESIDENTS: tuple[tuple[str, str, str, list[Member]], ...] = (
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


STAFF = (
    ("jordan.agent@example.ca", "Jordan", "Lee", Role.HELPDESK_AGENT, "Customer Service"),
    ("casey.lead@example.ca", "Casey", "Morin", Role.DEPARTMENT_LEAD, "Recreation Programs"),
    (
        "riley.coordinator@example.ca",
        "Riley",
        "Chen",
        Role.PROGRAM_COORDINATOR,
        "Recreation Programs",
    ),
    ("morgan.finance@example.ca", "Morgan", "Roy", Role.FINANCE, "Finance"),
    ("taylor.privacy@example.ca", "Taylor", "Nguyen", Role.PRIVACY_OFFICER, "Legislative Services"),
    ("avery.admin@example.ca", "Avery", "Dubois", Role.ADMINISTRATOR, "Information Technology"),
)
# (customer, department, channel, category slug, subject, description)
REQUESTS = (
    (
        "alex.tremblay@example.ca",
        "Customer Service",
        Channel.PHONE,
        None,
        "Which swim lesson level should Maya take?",
        "Caller asked whether Maya should repeat Swim Kids 2 or move to Level 3.",
    ),
    (
        "priya.singh@example.ca",
        "Facilities",
        Channel.WEB,
        "facilities",
        "Booking the arena for a birthday",
        "Is the arena free for a one-hour skating party on a Saturday in January?",
    ),
)


def _derive(email: str, purpose: str, size: int) -> bytes:
    key = str(current_app.secret_key).encode()
    return hmac.new(key, f"{purpose}:{email}".encode(), hashlib.sha256).digest()[:size]


def demo_totp_secret(email: str) -> str:
    """Derive a demo staff member's TOTP secret, so re-seeding keeps their app working."""
    return base64.b32encode(_derive(email, "demo-totp", 20)).decode()


def current_demo_code(email: str) -> str:
    """The code a demo staff member's authenticator app would show now."""
    if not current_app.config["IS_DEMO"]:
        raise RuntimeError("Demo codes exist only in demo mode.")
    return pyotp.TOTP(demo_totp_secret(email)).now()


def demo_password(email: str) -> str:
    """Derive a demo password from the instance key, so re-seeding prints the same one."""
    return "demo-" + base64.b32encode(_derive(email, "demo-password", 15)).decode().lower()


def seed() -> Iterator[str]:
    """Create any demo accounts that are missing and say how to sign in to each."""
    if not current_app.config["IS_DEMO"]:
        raise RuntimeError("Demo data is only for demo mode, never for production.")
    yield "Demo residents (email / password):"
    for email, first, last, household in RESIDENTS:
        _ensure_resident(email, first, last, household)
        yield f"  {email} / {demo_password(email)}"
    yield "Demo staff (email / password / role; two-step sign-in is on: get a code with"
    yield "  `jasperrec demo-code EMAIL`, or add the TOTP key to an authenticator app):"
    for email, first, last, role, department in STAFF:
        _ensure_staff(email, first, last, role, accounts.ensure_department(department))
        yield f"  {email} / {demo_password(email)} / {role.value} / key {demo_totp_secret(email)}"
    ensure_demo_catalogue()
    _ensure_coordinated()
    yield f"Demo catalogue: {len(SEASON)} programs and {len(PRODUCTS)} passes and products."
    count = ensure_demo_categories()
    yield f"Demo helpdesk: {count} request categories with their questions and keywords."
    for email, department, channel, slug, subject, description in REQUESTS:
        _ensure_request(
            email, accounts.ensure_department(department), channel, slug, subject, description
        )
    db.session.commit()


def _ensure_resident(
    email: str,
    first: str,
    last: str,
    household: list[Member],
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
    if email in EMERGENCY_CONTACTS:
        name, phone, relation = EMERGENCY_CONTACTS[email]
        db.session.add(EmergencyContact(user_id=user.id, name=name, phone=phone, relation=relation))
        db.session.flush()
    return user


def _ensure_coordinated() -> None:
    """Make the demo coordinator the coordinator of every demo program that has none."""
    coordinator = accounts.find_user_by_email(DEMO_COORDINATOR)
    if coordinator is None:
        return
    slugs = [spec.slug for spec in SEASON]
    coordinated = sa.select(ProgramCoordinator.program_id)
    programs = db.session.scalars(
        sa.select(Program).where(Program.slug.in_(slugs), Program.id.not_in(coordinated))
    ).all()
    for program in programs:
        assign_coordinators(program, [coordinator.id])


def _ensure_staff(email: str, first: str, last: str, role: Role, department: Department) -> User:
    user = accounts.find_user_by_email(email)
    if user is not None:
        return user
    now = utcnow()
    user = User(
        email=email,
        first_name=first,
        last_name=last,
        email_confirmed_at=now,
        password_hash=passwords.hash_password(demo_password(email)),
        is_staff=True,
        totp_secret=demo_totp_secret(email),
        mfa_enabled_at=now,
        roles=[StaffRole(role=role)],
        departments=[department],
    )
    db.session.add(user)
    db.session.flush()
    return user


def _ensure_request(
    email: str,
    department: Department,
    channel: Channel,
    slug: str | None,
    subject: str,
    description: str,
) -> None:
    customer = accounts.find_user_by_email(email)
    exists = db.session.scalar(
        sa.select(ServiceRequest.id).where(ServiceRequest.subject == subject)
    )
    if customer is not None and exists is None:
        received = utcnow()
        service_request = ServiceRequest(
            customer_id=customer.id,
            department_id=department.id,
            channel=channel,
            category_id=db.session.scalar(sa.select(Category.id).where(Category.slug == slug)),
            subject=subject,
            description=description,
            created_at=received,
        )
        clock.start(service_request, received, channel)
        db.session.add(service_request)
        db.session.flush()
