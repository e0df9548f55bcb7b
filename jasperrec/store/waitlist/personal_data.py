"""What the waitlists hold about a person: each place they waited for, its offers and moves."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.personal_data import Kind
from jasperrec.personal_data import Row
from jasperrec.personal_data import iso

from ..models import WaitlistChange
from ..models import WaitlistEntry
from ..personal_data import AUTHORITY
from ..service import participant_name


class WaitlistData:
    """The waitlists' provider in the personal-data registry."""

    name = "store waitlists"
    # waitlist_changes belongs to a person through its entry, or names the staff who moved it.
    tables = frozenset({"waitlist_entries", "waitlist_changes"})

    def export(self, user: User) -> list[Kind]:
        """Return the household's waitlist places with their history, and moves staff made."""
        entries = db.session.scalars(
            sa.select(WaitlistEntry)
            .options(
                selectinload(WaitlistEntry.program),
                selectinload(WaitlistEntry.household_member),
                selectinload(WaitlistEntry.changes),
            )
            .where(WaitlistEntry.user_id == user.id)
            .order_by(WaitlistEntry.created_at.desc(), WaitlistEntry.id.desc())
        ).all()
        rows: tuple[Row, ...] = tuple(
            {
                "program": e.program.name,
                "participant": participant_name(user, e.household_member),
                "status": e.status.value,
                "joined_at": iso(e.created_at),
                "offered_at": iso(e.offered_at),
                "offer_expires_at": iso(e.offer_expires_at),
                "closed_at": iso(e.closed_at),
                "reason": e.reason,
                "history": "; ".join(f"{c.to_status.value} {iso(c.changed_at)}" for c in e.changes),
            }
            for e in entries
        )
        kinds = [
            Kind(
                key="waitlist_entries",
                title="Waitlists",
                purpose="To offer you a space in a full program when one frees, in turn.",
                retention="As long as the program is kept; deleted with it.",
                authority=AUTHORITY,
                rows=rows,
            )
        ]
        if user.is_staff:
            kinds.append(_moves_made(user))
        return kinds


def _moves_made(user: User) -> Kind:
    changes = db.session.scalars(
        sa.select(WaitlistChange)
        .options(selectinload(WaitlistChange.entry).selectinload(WaitlistEntry.program))
        .where(WaitlistChange.changed_by_id == user.id)
        .join(WaitlistChange.entry)
        .where(WaitlistEntry.user_id != user.id)
        .order_by(WaitlistChange.id.desc())
    ).all()
    rows: tuple[Row, ...] = tuple(
        {
            "program": c.entry.program.name,
            "to_status": c.to_status.value,
            "changed_at": iso(c.changed_at),
        }
        for c in changes
    )
    return Kind(
        key="waitlist_moves_made",
        title="Waitlist places you moved",
        purpose="To show which staff member offered a space out of turn, and when.",
        retention="As long as the waitlist entry is kept.",
        authority=AUTHORITY,
        rows=rows,
    )
