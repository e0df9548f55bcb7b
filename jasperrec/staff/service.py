"""People in the staff console: masked search, need-to-know profile access, break the glass."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import Role
from jasperrec.auth.models import StaffRole
from jasperrec.auth.models import User
from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import has_permission
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.helpdesk.service import find_justifying_request
from jasperrec.mail import send_mail

from . import audit
from .errors import GrantReviewError
from .errors import NeedToKnowError
from .errors import SearchTooShortError
from .models import AccessKind
from .models import AccessPurpose
from .models import BreakGlassGrant
from .models import BreakGlassReason

SEARCH_LIMIT = 25
OUT_OF_SCOPE = (
    "You have no open request from this person in your queues. If you need their "
    "record anyway, state why below."
)
SEARCH_MIN_CHARACTERS = 2
# As much of a search as the audit trail keeps; the form allows no more.
SEARCH_MAX = 100
# Fewer digits than this in a search are part of a name or address, not a phone number.
PHONE_SEARCH_MIN_DIGITS = 4


def mask_phone(phone: str | None) -> str:
    """Show only the last four digits of a phone number."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return f"•••-•••-{digits[-4:]}" if len(digits) >= 4 else ""


def mask_email(email: str | None) -> str:
    """Show only the first letter of the mailbox and the domain."""
    if not email:
        return "no email given"
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


@dataclasses.dataclass(frozen=True)
class PersonMatch:
    """A search result: enough to pick the right person, masked where not needed."""

    id: int
    name: str
    email: str
    phone: str
    # A contact has no account yet: known from a request, call or email.
    is_contact: bool = False


def _search_text(text: str) -> str:
    """Collapse whitespace and drop control characters, which no name or email holds."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(printable.split())[:SEARCH_MAX]


def search_people(staff: User, text: str) -> list[PersonMatch]:
    """Find residents and contacts by name, email or phone, showing masked details only.

    % and _ match themselves, not any text, so masked details cannot be guessed one
    character at a time. Each search is recorded in the audit trail with its text.

    :raises SearchTooShortError: with fewer than two letters or digits.
    """
    text = _search_text(text)
    if sum(ch.isalnum() for ch in text) < SEARCH_MIN_CHARACTERS:
        raise SearchTooShortError("Type at least two letters or digits of a name or email address.")
    full_name = User.first_name + " " + User.last_name
    matching = [
        full_name.icontains(text, autoescape=True),
        User.email.icontains(text, autoescape=True),
    ]
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= PHONE_SEARCH_MIN_DIGITS:
        # Phones are stored as 780-852-3356; a caller reads out digits in any grouping.
        matching.append(sa.func.replace(User.phone, "-", "").contains(digits))
    query = (
        sa.select(User)
        .where(User.is_staff.is_(False))
        .where(sa.or_(*matching))
        .order_by(User.last_name, User.first_name, User.id)
        .limit(SEARCH_LIMIT)
    )
    matches = [
        PersonMatch(
            id=u.id,
            name=u.full_name,
            email=mask_email(u.email),
            phone=mask_phone(u.phone),
            is_contact=u.is_contact,
        )
        for u in db.session.scalars(query)
    ]
    audit.record_search(staff, text, [m.id for m in matches])
    db.session.commit()
    return matches


@dataclasses.dataclass(frozen=True)
class Justification:
    """Why a staff member may see a record now, as the audit entry records it."""

    purpose: AccessPurpose
    label: str
    request_id: int | None = None
    grant: BreakGlassGrant | None = None


@dataclasses.dataclass(frozen=True)
class ProfileAccess:
    """A resident's profile opened by staff, with the reason it was allowed."""

    resident: User
    household: Sequence[HouseholdMember]
    justification: Justification


def _find_resident(resident_id: int) -> User | None:
    resident = db.session.get(User, resident_id)
    return None if resident is None or resident.is_staff else resident


def active_grant(staff: User, resident_id: int) -> BreakGlassGrant | None:
    """Return the staff member's unexpired break-glass grant for this resident, if any."""
    now = utcnow()
    query = (
        sa.select(BreakGlassGrant)
        .where(
            BreakGlassGrant.staff_id == staff.id,
            BreakGlassGrant.resident_id == resident_id,
            BreakGlassGrant.created_at <= now,
            BreakGlassGrant.expires_at > now,
        )
        .order_by(BreakGlassGrant.expires_at.desc())
        .limit(1)
    )
    return db.session.scalars(query).first()


def justify(staff: User, resident_id: int, request_id: int | None = None) -> Justification:
    """Find what entitles the staff member to the resident's record, in one place.

    :raises NeedToKnowError:
    """
    if has_permission(staff, Permission.HELPDESK_REQUESTS_VIEW):
        found = find_justifying_request(staff, resident_id, request_id)
        if found is not None:
            return Justification(
                AccessPurpose.SERVICE_REQUEST, f"request {found.reference}", found.id
            )
    grant = active_grant(staff, resident_id)
    if grant is not None:
        return Justification(
            AccessPurpose.BREAK_GLASS, f"break the glass: {grant.reason.value}", grant=grant
        )
    raise NeedToKnowError(OUT_OF_SCOPE)


def open_profile(staff: User, resident_id: int, request_id: int | None = None) -> ProfileAccess:
    """Show a resident's profile and household to staff who need it, and audit the read.

    The audit entry is written in the same transaction as the read.

    An id that is no resident's (missing, or a staff account) is refused exactly as a
    resident outside the staff member's scope is, so the answer tells nothing about it.

    :raises NeedToKnowError:
    """
    if not has_permission(staff, Permission.AUTH_PEOPLE_VIEW):
        raise NeedToKnowError("Your role does not include opening residents' profiles.")
    resident = _find_resident(resident_id)
    if resident is None:
        raise NeedToKnowError(OUT_OF_SCOPE)
    why = justify(staff, resident.id, request_id)
    household = list(resident.household)
    audit.record_access(
        staff,
        resident,
        AccessKind.PROFILE,
        why.purpose,
        record_type="user",
        record_id=resident.id,
        request_id=why.request_id,
        break_glass_id=why.grant.id if why.grant else None,
    )
    db.session.commit()
    return ProfileAccess(resident=resident, household=household, justification=why)


def break_glass(
    staff: User, resident_id: int, reason: BreakGlassReason, explanation: str
) -> BreakGlassGrant:
    """Grant the staff member 30 minutes of access to one record and tell its reviewers.

    :raises NotFoundError:
    :raises NeedToKnowError: if the role may not break the glass.
    """
    if not has_permission(staff, Permission.AUTH_PEOPLE_BREAK_GLASS):
        raise NeedToKnowError("Your role cannot open records outside your scope.")
    resident = _find_resident(resident_id)
    if resident is None:
        # The answer must differ from a grant; probing ids this way leaves the same trace.
        audit.record_access(
            staff,
            None,
            AccessKind.PROFILE,
            AccessPurpose.BREAK_GLASS,
            record_type="user",
            record_id=resident_id,
            detail=f"broke the glass ({reason}) on an id that is no resident's",
        )
        db.session.commit()
        raise NotFoundError()
    minutes = int(current_app.config["PRIVACY_BREAK_GLASS_MINUTES"])
    now = utcnow()
    grant = BreakGlassGrant(
        staff_id=staff.id,
        resident_id=resident.id,
        reason=reason,
        explanation=explanation.strip(),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=minutes),
    )
    db.session.add(grant)
    db.session.commit()
    _notify_reviewers(grant)
    return grant


def _active_staff_ids(role: Role) -> set[int]:
    query = (
        sa.select(User.id)
        .join(StaffRole)
        .where(StaffRole.role == role, User.is_staff.is_(True), User.is_active.is_(True))
    )
    return set(db.session.scalars(query))


@dataclasses.dataclass(frozen=True)
class Reviewers:
    """Who may review break-glass grants: active privacy officers, then administrators."""

    officers: set[int]
    administrators: set[int]

    def of(self, grant: BreakGlassGrant) -> set[int]:
        """Name the reviewers of a grant: another officer, or an administrator if none."""
        return (self.officers - {grant.staff_id}) or (self.administrators - {grant.staff_id})


def _reviewers() -> Reviewers:
    return Reviewers(
        officers=_active_staff_ids(Role.PRIVACY_OFFICER),
        administrators=_active_staff_ids(Role.ADMINISTRATOR),
    )


def _notify_reviewers(grant: BreakGlassGrant) -> None:
    ids = _reviewers().of(grant)
    reviewers = db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.id))
    for reviewer in reviewers:
        send_mail(reviewer.email, "staff/break_glass", grant=grant, officer=reviewer)


@dataclasses.dataclass(frozen=True)
class GrantReview:
    """An unreviewed grant as one reviewer sees it, and whether they may mark it reviewed."""

    grant: BreakGlassGrant
    may_review: bool


def list_grants_to_review(reviewer: User) -> list[GrantReview]:
    """Return unreviewed grants, oldest first: all for privacy officers, with their own ones
    marked as awaiting another reviewer; for administrators, only those left to them."""
    reviewers = _reviewers()
    sees_all = has_permission(reviewer, Permission.PRIVACY_AUDIT_REVIEW)
    query = (
        sa.select(BreakGlassGrant)
        .options(selectinload(BreakGlassGrant.staff))
        .where(BreakGlassGrant.reviewed_at.is_(None))
        .order_by(BreakGlassGrant.created_at, BreakGlassGrant.id)
    )
    listed = (
        GrantReview(grant, reviewer.id in reviewers.of(grant))
        for grant in db.session.scalars(query)
    )
    return [item for item in listed if item.may_review or sees_all]


def mark_grant_reviewed(reviewer: User, grant_id: int) -> BreakGlassGrant:
    """Record that another privacy officer (or an administrator) has looked into a grant.

    No one reviews their own grant; an administrator reviews only when no other privacy
    officer can. A grant already reviewed is left as it is.

    :raises NotFoundError:
    :raises GrantReviewError:
    """
    grant = db.session.get(BreakGlassGrant, grant_id)
    if grant is None:
        raise NotFoundError()
    if grant.reviewed_at is not None:
        return grant
    if grant.staff_id == reviewer.id:
        raise GrantReviewError(
            "You cannot review your own break-the-glass access. Another privacy officer "
            "reviews it, or an administrator when you are the only privacy officer."
        )
    if reviewer.id not in _reviewers().of(grant):
        raise GrantReviewError(
            "A privacy officer reviews this access. Administrators review only the accesses "
            "of the sole privacy officer."
        )
    grant.reviewed_at = utcnow()
    grant.reviewed_by_id = reviewer.id
    db.session.commit()
    return grant


def export_access_log(officer: User, filters: audit.AuditFilter) -> str:
    """Export the reviewed access log as CSV, recording the export itself."""
    body = audit.entries_csv(audit.review(filters))
    audit.record_access(
        officer,
        None,
        AccessKind.EXPORT,
        AccessPurpose.AUDIT_REVIEW,
        record_type="access log",
        record_id=None,
        detail="access log CSV export",
    )
    db.session.commit()
    return body
