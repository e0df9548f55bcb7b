"""What the accounts feature holds about a person: profile, household, sign-ins, staff roles."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.personal_data import Kind
from jasperrec.personal_data import Row
from jasperrec.personal_data import iso

from .models import EmergencyContact
from .models import HouseholdMember
from .models import RecoveryCode
from .models import User
from .models import UserSession

PROGRAM_AUTHORITY = (
    "Protection of Privacy Act (Alberta): information needed to run the municipality's "
    "recreation programs and online services"
)
SECURITY_AUTHORITY = (
    "Protection of Privacy Act (Alberta): the municipality must protect the personal "
    "information it holds with reasonable security"
)


class AuthData:
    """The accounts feature's provider in the personal-data registry."""

    name = "auth"
    tables = frozenset(
        {
            "users",
            "household_members",
            "emergency_contacts",
            "user_sessions",
            "recovery_codes",
            "staff_roles",
            "department_members",
            # A registration waiting on a contact's confirmation; it may be a stranger's,
            # so it is not shown to the contact, and it goes when the claim is finished.
            "contact_claims",
        }
    )

    def export(self, user: User) -> list[Kind]:
        """Return the profile, household, sign-in security and, for staff, roles and teams."""
        kinds = [
            _profile(user),
            *_household(user),
            _emergency_contact(user),
            _security(user),
            _sessions(user),
        ]
        if user.is_staff:
            kinds.append(_staff(user))
        return kinds


def _profile(user: User) -> Kind:
    row: Row = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_of_birth": iso(user.date_of_birth),
        "phone": user.phone,
        "address_line1": user.address_line1,
        "address_line2": user.address_line2,
        "city": user.city,
        "province": user.province,
        "postal_code": user.postal_code,
        "email_confirmed_at": iso(user.email_confirmed_at),
        "account_created_at": iso(user.created_at),
        "last_sign_in_at": iso(user.last_login_at),
        "is_active": user.is_active,
    }
    return Kind(
        key="profile",
        title="Your profile",
        purpose=(
            "To know who you are, reach you about your bookings and requests, and check "
            "resident rates and age limits for programs."
        ),
        retention="For as long as your account is open.",
        authority=PROGRAM_AUTHORITY,
        rows=(row,),
    )


def _household(user: User) -> list[Kind]:
    members = db.session.scalars(
        sa.select(HouseholdMember)
        .where(HouseholdMember.user_id == user.id)
        .order_by(HouseholdMember.date_of_birth, HouseholdMember.id)
    ).all()
    people = tuple(_member_row(member) for member in members)
    notes: tuple[Row, ...] = tuple(
        {"member_id": member.id, "member_name": member.full_name, "notes": member.medical_notes}
        for member in members
        if member.medical_notes
    )
    return [
        Kind(
            key="household_members",
            title="Your household",
            purpose=(
                "To register the people in your household for programs and check each "
                "program's age limits."
            ),
            retention="Until you remove the person, or for as long as your account is open.",
            authority=PROGRAM_AUTHORITY,
            rows=people,
        ),
        Kind(
            key="medical_notes",
            title="Medical notes for your household",
            purpose=(
                "To keep each participant safe: shown only to you and to the coordinators of "
                "the programs that person is registered in."
            ),
            retention="Until you change or remove them, or remove the person.",
            authority=PROGRAM_AUTHORITY,
            sensitive=True,
            rows=notes,
        ),
    ]


def _emergency_contact(user: User) -> Kind:
    contact = db.session.scalar(
        sa.select(EmergencyContact).where(EmergencyContact.user_id == user.id)
    )
    rows: tuple[Row, ...] = ()
    if contact is not None:
        rows = (
            {
                "name": contact.name,
                "phone": contact.phone,
                "relation": contact.relation,
                "updated_at": iso(contact.updated_at),
            },
        )
    return Kind(
        key="emergency_contact",
        title="Your household's emergency contact",
        purpose=(
            "To reach someone for a participant when program staff cannot reach you: shown "
            "on the rosters of the programs your household is registered in."
        ),
        retention="Until you change or remove it, or for as long as your account is open.",
        authority=PROGRAM_AUTHORITY,
        rows=rows,
    )


def _member_row(member: HouseholdMember) -> Row:
    return {
        "member_id": member.id,
        "first_name": member.first_name,
        "last_name": member.last_name,
        "date_of_birth": iso(member.date_of_birth),
        "relation": member.relation.value,
        "added_at": iso(member.created_at),
    }


def _security(user: User) -> Kind:
    unused = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    row: Row = {
        "two_step_sign_in_since": iso(user.mfa_enabled_at if user.is_mfa_enabled else None),
        "unused_recovery_codes": int(unused or 0),
        "password_changed_at": iso(user.password_changed_at),
        "failed_sign_ins_since_last_success": user.failed_login_count,
        "locked_at": iso(user.locked_at),
        "unlock_link_sent_at": iso(user.unlock_sent_at),
    }
    return Kind(
        key="sign_in_security",
        title="Sign-in security",
        purpose=(
            "To protect your account: two-step sign-in, recovery codes and a lock after "
            "repeated wrong passwords. Your password and codes are stored only as one-way "
            "hashes, so no one can read them."
        ),
        retention="For as long as your account is open; used recovery codes until replaced.",
        authority=SECURITY_AUTHORITY,
        rows=(row,),
    )


def _status(record: UserSession, now: dt.datetime) -> str:
    if record.is_ended:
        return "ended"
    return "expired" if record.expires_at <= now else "current"


def _sessions(user: User) -> Kind:
    now = utcnow()
    records = db.session.scalars(
        sa.select(UserSession)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.created_at.desc(), UserSession.id.desc())
    ).all()
    rows: tuple[Row, ...] = tuple(
        {
            "browser": record.browser,
            "operating_system": record.os,
            "status": _status(record, now),
            "started_at": iso(record.created_at),
            "last_seen_at": iso(record.last_seen_at),
            "expires_at": iso(record.expires_at),
            "ended_at": iso(record.ended_at),
            "ended_reason": record.ended_reason,
            "remember_me": record.is_remembered,
        }
        for record in records
    )
    return Kind(
        key="sign_in_sessions",
        title="Where you are signed in",
        purpose=(
            "To let you see and end your sign-ins on each browser. We keep only the browser "
            "and operating system names, never your IP address."
        ),
        retention="Until 30 days after the sign-in ends or expires.",
        authority=SECURITY_AUTHORITY,
        rows=rows,
    )


def _staff(user: User) -> Kind:
    departments = ", ".join(department.name for department in user.departments)
    rows: tuple[Row, ...] = tuple(
        {"role": role.role.value, "departments": departments}
        for role in sorted(user.roles, key=lambda r: r.role.value)
    )
    return Kind(
        key="staff_roles",
        title="Your staff roles and departments",
        purpose="To give you the access your job needs, and no more.",
        retention="While you work for the municipality.",
        authority=SECURITY_AUTHORITY,
        rows=rows,
    )
