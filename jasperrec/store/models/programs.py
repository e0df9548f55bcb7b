"""Programs: the guide's sections, meetings, prerequisites, approvals, status and coordinators."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.db import money_cents
from jasperrec.db import postgresql_index
from jasperrec.db import str_100
from jasperrec.extensions import db


class TimeOfDay(enum.StrEnum):
    """When a program starts, as a parent plans a day."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"

    @property
    def label(self) -> str:
        """The choice as the filter form offers it."""
        return {
            TimeOfDay.MORNING: "Morning (before noon)",
            TimeOfDay.AFTERNOON: "Afternoon (noon to 5 p.m.)",
            TimeOfDay.EVENING: "Evening (5 p.m. and later)",
        }[self]


class ProgramStatus(enum.StrEnum):
    """Where a program stands with the department; store.programs.change_status moves it."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class ProgramCategory(db.Model):  # type: ignore[name-defined,misc]
    """A section of the program guide, kept by staff: Aquatics, Day camps, Fitness."""

    __tablename__ = "program_categories"

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    created_at: Mapped[created_at]


class Program(db.Model):  # type: ignore[name-defined,misc]
    """A program with a fixed schedule and a number of spaces: a swim level, a camp week."""

    __tablename__ = "programs"
    __table_args__ = (
        sa.CheckConstraint("price_cents >= 0", name="price_not_negative"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint(
            "min_participants IS NULL OR min_participants BETWEEN 1 AND capacity",
            name="min_participants_in_range",
        ),
        sa.CheckConstraint(
            "registration_closes_at IS NULL OR registration_opens_at IS NULL"
            " OR registration_closes_at > registration_opens_at",
            name="registration_closes_after_it_opens",
        ),
        sa.CheckConstraint(
            "non_resident_price_cents IS NULL OR non_resident_price_cents >= price_cents",
            name="non_resident_fee_not_below_resident_fee",
        ),
    )

    id: Mapped[intpk]
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str_100]
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("program_categories.id"), index=True)
    summary: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    facility: Mapped[str_100]
    instructor: Mapped[str | None] = mapped_column(sa.String(100))
    # Ages in whole years on the first day; None means no limit on that side.
    min_age: Mapped[int | None]
    max_age: Mapped[int | None]
    # The first and last day of its meetings, kept by store/programs.py whenever they change,
    # so the guide can sort and filter by date and age without reading every meeting.
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    # Registration opens to the minute (None: already open) and closes (None: at the start).
    registration_opens_at: Mapped[dt.datetime | None]
    registration_closes_at: Mapped[dt.datetime | None]
    # The resident fee; households outside the municipality pay the non-resident fee, when
    # the program has one (store/residency.py decides who is resident).
    price_cents: Mapped[money_cents]
    non_resident_price_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    capacity: Mapped[int]
    # Below this many participants the department may cancel; None: it runs regardless.
    min_participants: Mapped[int | None]
    # What completing it counts as ("Swim Kids 3"), shared by each season's copy, so a
    # prerequisite is met by any season's program of that level.
    level: Mapped[str | None] = mapped_column(sa.String(100))
    # Staff approve each participant first (a team tryout, an instructor's assessment).
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Recreational programs for children under 15 are GST-exempt when a municipality runs them.
    is_taxable: Mapped[bool] = mapped_column(default=True)
    is_published: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[created_at]
    # Set only by store.programs.change_status, which records who cancelled it and why.
    cancelled_at: Mapped[dt.datetime | None]
    cancellation_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # Spaces kept for registration at the desk or by phone; online checkout cannot take them.
    held_back_spaces: Mapped[int] = mapped_column(
        sa.CheckConstraint(
            "held_back_spaces >= 0 AND held_back_spaces <= capacity",
            name="held_back_within_capacity",
        ),
        default=0,
        server_default="0",
    )
    # The withdrawal policy: the fee kept (a percentage, capped) until the cutoff, so many
    # days before the start; from the cutoff on, a withdrawal gives nothing back.
    withdrawal_fee_percent: Mapped[int] = mapped_column(
        sa.CheckConstraint("withdrawal_fee_percent BETWEEN 0 AND 100", name="fee_percent_range"),
        default=10,
        server_default="10",
    )
    withdrawal_fee_cap_cents: Mapped[int] = mapped_column(
        sa.CheckConstraint("withdrawal_fee_cap_cents >= 0", name="fee_cap_not_negative"),
        default=1_500,
        server_default="1500",
    )
    withdrawal_cutoff_days: Mapped[int] = mapped_column(
        sa.CheckConstraint("withdrawal_cutoff_days >= 0", name="cutoff_not_negative"),
        default=7,
        server_default="7",
    )

    category: Mapped[ProgramCategory] = relationship(lazy="joined", innerjoin=True)
    meetings: Mapped[list[ProgramMeeting]] = relationship(
        cascade="all, delete-orphan",
        order_by="(ProgramMeeting.starts_on, ProgramMeeting.start_time, ProgramMeeting.id)",
        lazy="selectin",
    )
    prerequisites: Mapped[list[Program]] = relationship(
        secondary="program_prerequisites",
        primaryjoin="Program.id == ProgramPrerequisite.program_id",
        secondaryjoin="Program.id == ProgramPrerequisite.required_program_id",
        order_by="Program.name",
    )

    @property
    def is_cancelled(self) -> bool:
        """Tell whether the department cancelled the program."""
        return self.cancelled_at is not None

    @property
    def status(self) -> ProgramStatus:
        """Where the program stands, as the console lists it."""
        if self.is_cancelled:
            return ProgramStatus.CANCELLED
        return ProgramStatus.PUBLISHED if self.is_published else ProgramStatus.DRAFT

    @property
    def age_range(self) -> str:
        """The ages the program is for, as the guide prints them."""
        if self.min_age is None and self.max_age is None:
            return "All ages"
        if self.max_age is None:
            return f"{self.min_age} years and older"
        if self.min_age is None:
            return f"Up to {self.max_age} years"
        return f"{self.min_age} to {self.max_age} years"


class ProgramMeeting(db.Model):  # type: ignore[name-defined,misc]
    """When a program meets: a weekly pattern between two dates, or one dated session.

    A dated session is a meeting whose first and last day are the same.
    """

    __tablename__ = "program_meetings"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint("end_time > start_time", name="ends_after_it_starts"),
    )

    id: Mapped[intpk]
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    # ISO weekday numbers (1 = Monday) it meets on, e.g. "24" for Tuesdays and Thursdays.
    weekdays: Mapped[str] = mapped_column(sa.String(7))
    # Wall-clock times in the municipality's time zone, as the program guide prints them.
    start_time: Mapped[dt.time]
    end_time: Mapped[dt.time]
    # Days in the pattern it does not meet (holidays), as ISO dates.
    skipped_dates: Mapped[list[str]] = mapped_column(sa.JSON, default=list)

    @property
    def skipped(self) -> frozenset[dt.date]:
        """The skipped days as dates."""
        return frozenset(dt.date.fromisoformat(day) for day in self.skipped_dates)


class ProgramPrerequisite(db.Model):  # type: ignore[name-defined,misc]
    """A program a participant must have completed (or its level) before registering."""

    __tablename__ = "program_prerequisites"
    __table_args__ = (sa.CheckConstraint("program_id <> required_program_id", name="not_itself"),)

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    required_program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ProgramStatusChange(db.Model):  # type: ignore[name-defined,misc]
    """Who published, withdrew or cancelled a program, when, and why."""

    __tablename__ = "program_status_changes"

    id: Mapped[intpk]
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[ProgramStatus]
    to_status: Mapped[ProgramStatus]
    changed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    changed_at: Mapped[created_at]
    reason: Mapped[str | None] = mapped_column(sa.String(500))

    program: Mapped[Program] = relationship()
    changed_by: Mapped[User] = relationship()


class ProgramApproval(db.Model):  # type: ignore[name-defined,misc]
    """Staff approval for one participant to register, standing in for any prerequisite."""

    __tablename__ = "program_approvals"

    id: Mapped[intpk]
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The household member approved, or the account holder when None.
    household_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("household_members.id", ondelete="CASCADE")
    )
    approved_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[created_at]
    note: Mapped[str | None] = mapped_column(sa.String(500))

    program: Mapped[Program] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    household_member: Mapped[HouseholdMember | None] = relationship()
    approved_by: Mapped[User] = relationship(foreign_keys=[approved_by_id])


# The text a keyword search reads, the name weighing most and the description least.
# PostgreSQL indexes this very expression and catalogue.py searches with it, so the index
# serves the search; SQLite searches an FTS5 table its migration keeps in step instead.
SEARCH_CONFIGURATION = "english"


def _weighted(column: sa.ColumnElement[str], weight: str) -> sa.ColumnElement[Any]:
    configuration = sa.text(f"'{SEARCH_CONFIGURATION}'")
    words = sa.func.to_tsvector(configuration, column)
    return sa.func.setweight(words, sa.text(f"'{weight}'"))


PROGRAM_SEARCH_VECTOR = (
    _weighted(Program.__table__.c.name, "A")
    .op("||")(_weighted(Program.__table__.c.summary, "B"))
    .op("||")(_weighted(Program.__table__.c.description, "C"))
)
postgresql_index("ix_programs_search", PROGRAM_SEARCH_VECTOR, postgresql_using="gin")


class ProgramCoordinator(db.Model):  # type: ignore[name-defined,misc]
    """A staff member who coordinates a program, and so may read its participants' medical notes."""

    __tablename__ = "program_coordinators"

    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[created_at]

    program: Mapped[Program] = relationship()
    user: Mapped[User] = relationship()


# Pass codes: no 0/O, 1/I/L, so a code read aloud or typed from a card is not mistaken.
