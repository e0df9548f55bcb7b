"""Staff access to personal information: the append-only audit trail and break-glass grants."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from jasperrec.auth.models import User
from jasperrec.db import created_at
from jasperrec.db import intpk
from jasperrec.extensions import db
from jasperrec.helpdesk.models import ServiceRequest


class AccessKind(enum.StrEnum):
    """What kind of record was opened or changed."""

    PROFILE = "profile"
    HOUSEHOLD = "household"
    ORDER = "order"
    REQUEST = "request"
    ROSTER = "roster"
    EXPORT = "export"
    STAFF_ACCOUNT = "staff account"
    ROLE_CHANGE = "role change"
    SEARCH = "people search"
    QUEUE_LIST = "queue list"
    ENTITLEMENT = "pass or membership"


class AccessPurpose(enum.StrEnum):
    """Why the staff member was entitled to see it."""

    SERVICE_REQUEST = "service request"
    PROGRAM_ROSTER = "program roster"
    BREAK_GLASS = "break the glass"
    PRIVACY_REQUEST = "privacy request"
    AUDIT_REVIEW = "audit review"
    ADMINISTRATION = "staff administration"
    FINDING_A_RESIDENT = "finding a resident"
    FINANCE = "payments and billing"
    DESK_REGISTRATION = "registration at the desk"
    FRONT_DESK = "front desk check"


class BreakGlassReason(enum.StrEnum):
    """The listed reasons for opening a record outside one's normal scope."""

    CALLER_WITHOUT_REQUEST = "caller without a request"
    SAFETY = "health or safety"
    BILLING_DISPUTE = "billing dispute"
    LEGAL = "legal or law enforcement"
    OTHER = "other"


BREAK_GLASS_LABELS = {
    BreakGlassReason.CALLER_WITHOUT_REQUEST: "The resident is on the phone or at the counter "
    "and has no open request yet",
    BreakGlassReason.SAFETY: "Urgent health or safety concern",
    BreakGlassReason.BILLING_DISPUTE: "Billing or payment dispute escalated to me",
    BreakGlassReason.LEGAL: "Legal or law-enforcement request (attach the reference)",
    BreakGlassReason.OTHER: "Other (explain below)",
}


class BreakGlassGrant(db.Model):  # type: ignore[name-defined,misc]
    """A short, stated, reviewed exception to need-to-know for one staff member and resident."""

    __tablename__ = "break_glass_grants"

    id: Mapped[intpk]
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    reason: Mapped[BreakGlassReason]
    explanation: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[created_at]
    expires_at: Mapped[dt.datetime]
    reviewed_at: Mapped[dt.datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    resident: Mapped[User] = relationship(foreign_keys=[resident_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    def is_active_at(self, moment: dt.datetime) -> bool:
        """Tell whether the grant still allows access at a given time."""
        return self.created_at <= moment < self.expires_at


class AuditEntry(db.Model):  # type: ignore[name-defined,misc]
    """One staff read, export or change of a person's record; never updated or deleted.

    It names the record and the justification, and holds no copy of the personal data.
    """

    __tablename__ = "audit_entries"

    id: Mapped[intpk]
    created_at: Mapped[created_at] = mapped_column(index=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    resident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[AccessKind]
    purpose: Mapped[AccessPurpose]
    record_type: Mapped[str] = mapped_column(sa.String(40))
    record_id: Mapped[int | None]
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_requests.id"))
    break_glass_id: Mapped[int | None] = mapped_column(sa.ForeignKey("break_glass_grants.id"))
    # Non-personal context only, such as "roles: finance -> finance, privacy officer".
    detail: Mapped[str | None] = mapped_column(sa.String(255))

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
    resident: Mapped[User | None] = relationship(foreign_keys=[resident_id])
    break_glass: Mapped[BreakGlassGrant | None] = relationship()
    # Read for the request's public reference, the name residents know it by.
    service_request: Mapped[ServiceRequest | None] = relationship(viewonly=True)
    shown: Mapped[list[AuditEntryResident]] = relationship(
        order_by="AuditEntryResident.resident_id", viewonly=True
    )


class AuditEntryResident(db.Model):  # type: ignore[name-defined,misc]
    """A resident whose name one listing (a queue, a search's results) showed to staff."""

    __tablename__ = "audit_entry_residents"

    audit_entry_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_entries.id"), primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), primary_key=True, index=True
    )
