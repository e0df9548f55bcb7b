"""Waitlists: who waits for a full program, in what order, and the offers of freed spaces."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.extensions import db

from .programs import Program


class WaitlistStatus(enum.StrEnum):
    """Where a place on a waitlist stands; store.waitlist.move_entry changes it."""

    WAITING = "waiting"
    # Offered a freed space until offer_expires_at; the space counts as taken meanwhile.
    OFFERED = "offered"
    # The resident took the offer: the program is in their cart, still until the deadline.
    ACCEPTED = "accepted"
    # Checked out: the space is now a registration.
    REGISTERED = "registered"
    LAPSED = "lapsed"
    LEFT = "left"
    # Taken off by the portal: a clashing registration, or no longer eligible.
    REMOVED = "removed"

    @property
    def holds_space(self) -> bool:
        """Tell whether an unexpired entry in this state keeps a space from everyone else."""
        return self in (WaitlistStatus.OFFERED, WaitlistStatus.ACCEPTED)

    @property
    def is_open(self) -> bool:
        """Tell whether the entry is still on the waitlist (waiting, or holding an offer)."""
        return self in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED, WaitlistStatus.ACCEPTED)


OPEN_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED, WaitlistStatus.ACCEPTED)
OFFER_STATUSES = (WaitlistStatus.OFFERED, WaitlistStatus.ACCEPTED)


class WaitlistEntry(db.Model):  # type: ignore[name-defined,misc]
    """One participant waiting for a space in one full program."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (sa.Index("ix_waitlist_entries_program_id_status", "program_id", "status"),)

    id: Mapped[intpk]
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The household member waiting, or the account holder when None.
    household_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("household_members.id", ondelete="CASCADE")
    )
    status: Mapped[WaitlistStatus] = mapped_column(default=WaitlistStatus.WAITING)
    # The order of the queue: when they joined, or earlier for someone put first (a
    # payment that arrived too late for its space).
    queued_at: Mapped[dt.datetime]
    created_at: Mapped[created_at]
    offered_at: Mapped[dt.datetime | None]
    offer_expires_at: Mapped[dt.datetime | None]
    # The staff member who promoted this person out of turn; None for automatic offers.
    promoted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime | None]
    # Why the portal took them off (the clashing program), shown on "My registrations".
    reason: Mapped[str | None] = mapped_column(sa.String(300))

    program: Mapped[Program] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    household_member: Mapped[HouseholdMember | None] = relationship()
    changes: Mapped[list[WaitlistChange]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="WaitlistChange.id"
    )


class WaitlistChange(db.Model):  # type: ignore[name-defined,misc]
    """One move of a waitlist entry: from, to, who (None: the portal itself) and when."""

    __tablename__ = "waitlist_changes"

    id: Mapped[intpk]
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("waitlist_entries.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[WaitlistStatus | None]
    to_status: Mapped[WaitlistStatus]
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    changed_at: Mapped[created_at]

    entry: Mapped[WaitlistEntry] = relationship(back_populates="changes")
