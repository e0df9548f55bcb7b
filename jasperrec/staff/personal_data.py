"""What the staff console holds about a resident: who opened their record, and lists naming them."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.personal_data import Kind
from jasperrec.personal_data import Row
from jasperrec.personal_data import iso

from .models import BREAK_GLASS_LABELS
from .models import AccessPurpose
from .models import AuditEntry
from .models import AuditEntryResident
from .models import BreakGlassGrant

RETENTION = "For as long as the municipality keeps the records that were viewed."
AUTHORITY = (
    "Protection of Privacy Act (Alberta): the municipality must protect personal "
    "information against unauthorised access and be able to show who used it"
)


class StaffData:
    """The staff console's provider in the personal-data registry."""

    name = "staff"
    tables = frozenset({"audit_entries", "audit_entry_residents", "break_glass_grants"})

    def export(self, user: User) -> list[Kind]:
        """Return every staff view of the person's record, then the lists that showed their name."""
        return [_record_views(user), _listings(user)]


def _record_views(user: User) -> Kind:
    query = (
        sa.select(AuditEntry)
        .options(
            selectinload(AuditEntry.staff).selectinload(User.departments),
            selectinload(AuditEntry.break_glass),
            selectinload(AuditEntry.service_request),
        )
        .where(AuditEntry.resident_id == user.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    rows = tuple(_row(entry) for entry in db.session.scalars(query))
    return Kind(
        key="staff_access",
        title="Who on staff viewed your record",
        purpose=(
            "To hold staff to need-to-know: every time someone opens your information "
            "we record who, when and why, and our privacy officer reviews every "
            "access made outside a staff member's usual work."
        ),
        retention=RETENTION,
        authority=AUTHORITY,
        rows=rows,
    )


def _listings(user: User) -> Kind:
    """Count, per day, staff member and list, the lists that showed the person's name."""
    query = (
        sa.select(AuditEntry)
        .join(AuditEntryResident, AuditEntryResident.audit_entry_id == AuditEntry.id)
        .options(selectinload(AuditEntry.staff).selectinload(User.departments))
        .where(AuditEntryResident.resident_id == user.id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    zone = ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])
    seen = Counter(
        (e.created_at.astimezone(zone).date().isoformat(), e.staff.staff_label, e.kind.value)
        for e in db.session.scalars(query)
    )
    rows: tuple[Row, ...] = tuple(
        {"date": day, "staff_member": staff, "list": listing, "times": times}
        for (day, staff, listing), times in seen.items()
    )
    return Kind(
        key="staff_listings",
        title="Lists on which staff saw your name",
        purpose=(
            "Staff see your name, without opening your record, in the helpdesk queue of the "
            "department you wrote to and in the results of a search for you. We record each "
            "such list so our privacy officer can tell who saw your name; here they are "
            "counted per day."
        ),
        retention=RETENTION,
        authority=AUTHORITY,
        rows=rows,
    )


def _row(entry: AuditEntry) -> Row:
    grant: BreakGlassGrant | None = entry.break_glass
    return {
        "viewed_at": iso(entry.created_at),
        "staff_member": entry.staff.staff_label,
        "what_was_opened": entry.kind.value,
        "why": entry.purpose.value,
        "request_reference": entry.service_request.reference if entry.service_request else None,
        "outside_usual_work": entry.purpose is AccessPurpose.BREAK_GLASS,
        "stated_reason": BREAK_GLASS_LABELS[grant.reason] if grant else None,
        "stated_explanation": grant.explanation if grant else None,
    }
