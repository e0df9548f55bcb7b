"""What the staff console holds about a resident: who on staff opened their record, and why."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.personal_data import Kind
from jasperrec.personal_data import Row
from jasperrec.personal_data import iso

from .models import BREAK_GLASS_LABELS
from .models import AccessPurpose
from .models import AuditEntry
from .models import BreakGlassGrant


class StaffData:
    """The staff console's provider in the personal-data registry."""

    name = "staff"
    tables = frozenset({"audit_entries", "break_glass_grants"})

    def export(self, user: User) -> list[Kind]:
        """Return every staff view of the person's record, newest first."""
        query = (
            sa.select(AuditEntry)
            .options(
                selectinload(AuditEntry.staff).selectinload(User.departments),
                selectinload(AuditEntry.break_glass),
            )
            .where(AuditEntry.resident_id == user.id)
            .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        )
        rows = tuple(_row(entry) for entry in db.session.scalars(query))
        return [
            Kind(
                key="staff_access",
                title="Who on staff viewed your record",
                purpose=(
                    "To hold staff to need-to-know: every time someone opens your information "
                    "we record who, when and why, and our privacy officer reviews every "
                    "access made outside a staff member's usual work."
                ),
                retention="For as long as the municipality keeps the records that were viewed.",
                authority=(
                    "Protection of Privacy Act (Alberta): the municipality must protect personal "
                    "information against unauthorised access and be able to show who used it"
                ),
                rows=rows,
            )
        ]


def _row(entry: AuditEntry) -> Row:
    grant: BreakGlassGrant | None = entry.break_glass
    return {
        "viewed_at": iso(entry.created_at),
        "staff_member": entry.staff.staff_label,
        "what_was_opened": entry.kind.value,
        "why": entry.purpose.value,
        "request_reference": f"#{entry.request_id}" if entry.request_id else None,
        "outside_usual_work": entry.purpose is AccessPurpose.BREAK_GLASS,
        "stated_reason": BREAK_GLASS_LABELS[grant.reason] if grant else None,
        "stated_explanation": grant.explanation if grant else None,
    }
