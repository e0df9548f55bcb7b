"""Resident and staff accounts, their server-side sessions and their households."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import WriteOnlyMapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.dates import age_on
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.db import str_100
from jasperrec.extensions import db

from .encryption import EncryptedString


class Role(enum.StrEnum):
    """What a person does in the portal; permissions are granted per role."""

    RESIDENT = "resident"
    HELPDESK_AGENT = "helpdesk agent"
    DEPARTMENT_LEAD = "department lead"
    PROGRAM_COORDINATOR = "program coordinator"
    FINANCE = "finance"
    PRIVACY_OFFICER = "privacy officer"
    ADMINISTRATOR = "administrator"


class Relation(enum.StrEnum):
    """How a household member relates to the account holder."""

    CHILD = "child"
    PARTNER = "partner"
    DEPENDENT_ADULT = "dependent adult"
    OTHER = "other"


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """A person: a resident or staff member who signs in, or a contact who cannot yet.

    A contact is a row with no password: someone who wrote, called or filed a request
    without an account. They may have no email address (a caller who gave only a phone
    number). Registering and confirming the same address turns the contact into a resident
    who keeps the history.
    """

    __tablename__ = "users"

    id: Mapped[intpk]
    # Unique when given; only a contact may have none.
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    # None for a contact, who therefore cannot sign in.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    first_name: Mapped[str_100]
    last_name: Mapped[str_100]
    email_confirmed_at: Mapped[dt.datetime | None]
    date_of_birth: Mapped[dt.date | None]
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    address_line1: Mapped[str | None] = mapped_column(sa.String(100))
    address_line2: Mapped[str | None] = mapped_column(sa.String(100))
    city: Mapped[str | None] = mapped_column(sa.String(60))
    province: Mapped[str | None] = mapped_column(sa.String(2))
    postal_code: Mapped[str | None] = mapped_column(sa.String(7))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    is_staff: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Failed password and code checks since the last success; at AUTH_LOCKOUT_THRESHOLD the
    # account locks until the emailed unlock link (or a password reset) is used.
    failed_login_count: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_at: Mapped[dt.datetime | None]
    unlock_sent_at: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]
    password_changed_at: Mapped[dt.datetime | None]
    # TOTP second factor: the secret (encrypted at rest), when it was switched on, and the
    # last time step used, so a code cannot be replayed within its window.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString(255, setting="AUTH_TOTP_KEY"))
    mfa_enabled_at: Mapped[dt.datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[created_at]

    roles: Mapped[list[StaffRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    departments: Mapped[list[Department]] = relationship(
        secondary="department_members",
        back_populates="members",
        order_by="Department.name",
    )
    recovery_codes: WriteOnlyMapped[RecoveryCode] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    sessions: WriteOnlyMapped[UserSession] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    # A registration for a contact's address, waiting for the owner to confirm it.
    claim: Mapped[ContactClaim | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    household: Mapped[list[HouseholdMember]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        order_by="HouseholdMember.date_of_birth",
    )

    @property
    def is_email_confirmed(self) -> bool:
        """Tell whether the address was confirmed, which purchases require."""
        return self.email_confirmed_at is not None

    @property
    def is_contact(self) -> bool:
        """Tell whether this is a contact: known from a request, with no password to sign in."""
        return self.password_hash is None

    @property
    def full_name(self) -> str:
        """Name as shown on receipts and rosters; a contact may have given none."""
        return f"{self.first_name} {self.last_name}".strip() or "(no name given)"

    @property
    def is_mfa_enabled(self) -> bool:
        """Tell whether sign-in asks for a one-time code after the password."""
        return self.mfa_enabled_at is not None and self.totp_secret is not None

    @property
    def role_names(self) -> frozenset[str]:
        """The names of the roles this person holds."""
        return frozenset(r.role.value for r in self.roles)

    @property
    def staff_label(self) -> str:
        """How staff are shown to residents: first name and department, never the full name."""
        department = self.departments[0].name if self.departments else "Municipal staff"
        return f"{self.first_name}, {department}"

    def staff_label_in(self, department: Department) -> str:
        """Their label acting for this department: it, when they belong to it, else their own."""
        if any(d.id == department.id for d in self.departments):
            return f"{self.first_name}, {department.name}"
        return self.staff_label


class StaffRole(db.Model):  # type: ignore[name-defined,misc]
    """One role held by one staff member; a person may hold several."""

    __tablename__ = "staff_roles"
    __table_args__ = (sa.UniqueConstraint("user_id", "role"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role]

    user: Mapped[User] = relationship(back_populates="roles")


department_members = sa.Table(
    "department_members",
    db.metadata,
    sa.Column(
        "department_id", sa.ForeignKey("departments.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Department(db.Model):  # type: ignore[name-defined,misc]
    """A municipal department: requests are routed to it and staff belong to it."""

    __tablename__ = "departments"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str_100]

    members: Mapped[list[User]] = relationship(
        secondary="department_members", back_populates="departments"
    )


class ContactClaim(db.Model):  # type: ignore[name-defined,misc]
    """A registration waiting for the contact's address to confirm it; one per contact.

    Registering a contact's address does not touch the contact: the chosen password and
    names wait here until the owner of the address confirms, so registering someone else's
    address reveals nothing and gains nothing.
    """

    __tablename__ = "contact_claims"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    first_name: Mapped[str_100]
    last_name: Mapped[str_100]
    created_at: Mapped[created_at]


class RecoveryCode(db.Model):  # type: ignore[name-defined,misc]
    """A single-use code that stands in for the TOTP code when the phone is lost."""

    __tablename__ = "recovery_codes"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of a random 50-bit code; the code itself is shown once and never stored.
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at]


class UserSession(db.Model):  # type: ignore[name-defined,misc]
    """One sign-in on one browser, so it can be listed, ended and checked on every request."""

    __tablename__ = "user_sessions"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the random token held in the cookie; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # SHA-256 of the other random token, held in the remember cookie while "remember me" is
    # on; never the session token, and replaced every time the remember cookie is used.
    remember_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    browser: Mapped[str] = mapped_column(sa.String(60))
    os: Mapped[str] = mapped_column(sa.String(60))
    is_remembered: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[created_at]
    last_seen_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    reauthenticated_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    ended_reason: Mapped[str | None] = mapped_column(sa.String(40))

    user: Mapped[User] = relationship(back_populates="sessions")

    @property
    def is_ended(self) -> bool:
        """Tell whether the session was signed out, replaced or timed out."""
        return self.ended_at is not None


class HouseholdMember(db.Model):  # type: ignore[name-defined,misc]
    """A person the account holder registers for programs: a child, partner or dependant."""

    __tablename__ = "household_members"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    first_name: Mapped[str_100]
    last_name: Mapped[str_100]
    date_of_birth: Mapped[dt.date]
    relation: Mapped[Relation]
    # Sensitive: shown only to the account holder and to coordinators of this person's programs.
    medical_notes: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(back_populates="household")

    @property
    def full_name(self) -> str:
        """Name as shown on rosters."""
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: dt.date) -> int:
        """Age in whole years on a given day, for program eligibility."""
        return age_on(self.date_of_birth, day)


class EmergencyContact(db.Model):  # type: ignore[name-defined,misc]
    """The person to call when the account holder cannot be reached; one per household.

    One per household, not per member: a parent names one second person (a grandparent,
    the other parent) for every child they register, as paper registration forms ask, and
    one entry cannot go stale on one child while it is updated on another. The account
    holder is always the first contact.
    """

    __tablename__ = "emergency_contacts"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str_100]
    phone: Mapped[str] = mapped_column(sa.String(20))
    # How the contact relates to the household, in the resident's words ("grandmother").
    relation: Mapped[str] = mapped_column(sa.String(60))
    updated_at: Mapped[created_at]
