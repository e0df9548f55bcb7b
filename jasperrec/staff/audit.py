"""The audit trail of staff access: recording entries, and reading them back for review.

record_access only flushes: every feature calls it inside the transaction of the read it
records, and that feature's service commits both together.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections import defaultdict
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.extensions import db

from .models import AccessKind
from .models import AccessPurpose
from .models import AuditEntry
from .models import AuditEntryResident

FLAG_NO_REQUEST = "no linked request"
FLAG_MANY_OUTSIDE = "many residents outside queues"
FLAG_AFTER_HOURS_EXPORTS = "after-hours bulk exports"
# Room for the search text inside the 255-character detail column.
SEARCH_DETAIL_MAX = 200


def record_access(
    staff: User,
    resident: User | None,
    kind: AccessKind,
    purpose: AccessPurpose,
    *,
    record_type: str,
    record_id: int | None,
    request_id: int | None = None,
    break_glass_id: int | None = None,
    detail: str | None = None,
) -> AuditEntry:
    """Add one audit entry to the current transaction; the caller's service commits it."""
    entry = AuditEntry(
        staff_id=staff.id,
        resident_id=resident.id if resident else None,
        kind=kind,
        purpose=purpose,
        record_type=record_type,
        record_id=record_id,
        request_id=request_id,
        break_glass_id=break_glass_id,
        detail=detail,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def record_listing(
    staff: User,
    kind: AccessKind,
    purpose: AccessPurpose,
    resident_ids: Sequence[int],
    *,
    record_type: str,
    detail: str,
    record_id: int | None = None,
) -> AuditEntry:
    """Add one entry for a list of residents' names shown to staff, naming each resident.

    One entry per page view, not one per resident, so the log reads as the pages staff
    opened; the residents shown are written in one bulk insert, whatever the page's length.
    A list of one record's people (a program's roster) names that record.
    """
    entry = record_access(
        staff, None, kind, purpose, record_type=record_type, record_id=record_id, detail=detail
    )
    shown = sorted(set(resident_ids))
    if shown:
        db.session.execute(
            sa.insert(AuditEntryResident),
            [{"audit_entry_id": entry.id, "resident_id": rid} for rid in shown],
        )
    return entry


def record_search(staff: User, text: str, resident_ids: Sequence[int]) -> AuditEntry:
    """Add a people search to the current transaction: the text as typed, and who matched.

    The text is staff activity, kept so a fishing expedition shows in review; it is quoted
    so the entry reads as a search, and a CSV cell never starts with a formula character.
    """
    return record_listing(
        staff,
        AccessKind.SEARCH,
        AccessPurpose.FINDING_A_RESIDENT,
        resident_ids,
        record_type="people search",
        detail=f'searched for "{text[:SEARCH_DETAIL_MAX]}", {len(resident_ids)} shown',
    )


def record_queue_list(
    staff: User,
    request_ids: Sequence[int],
    resident_ids: Sequence[int],
    *,
    page: str = "",
    text: str = "",
) -> None:
    """Add a view of the staff member's queues, if it showed any resident's name.

    The search text is kept, as a people search's is, so a hunt through the requests'
    descriptions shows in review.
    """
    if not resident_ids:
        return
    where = f", {page}" if page else ""
    searched = f', searched for "{text[: SEARCH_DETAIL_MAX // 2]}"' if text else ""
    record_listing(
        staff,
        AccessKind.QUEUE_LIST,
        AccessPurpose.SERVICE_REQUEST,
        resident_ids,
        record_type="queues",
        detail=f"requests in the staff member's queues{where}{searched}: "
        f"{len(request_ids)} requests from {len(set(resident_ids))} residents shown",
    )


@dataclasses.dataclass(frozen=True)
class AuditFilter:
    """What the privacy officer narrowed the review to."""

    staff_id: int | None = None
    resident_id: int | None = None
    kind: AccessKind | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class ReviewedEntry:
    """An audit entry with the patterns it is part of."""

    entry: AuditEntry
    flags: frozenset[str]


def list_entries(filters: AuditFilter, limit: int = 1000) -> Sequence[AuditEntry]:
    """Return the entries matching the filter, newest first.

    A resident filter also finds the queues and searches that showed the resident's name.
    """
    query = sa.select(AuditEntry).options(
        selectinload(AuditEntry.staff),
        selectinload(AuditEntry.resident),
        selectinload(AuditEntry.shown),
        selectinload(AuditEntry.service_request),
    )
    if filters.staff_id is not None:
        query = query.where(AuditEntry.staff_id == filters.staff_id)
    if filters.resident_id is not None:
        shown_in = sa.select(AuditEntryResident.audit_entry_id).where(
            AuditEntryResident.resident_id == filters.resident_id
        )
        query = query.where(
            sa.or_(AuditEntry.resident_id == filters.resident_id, AuditEntry.id.in_(shown_in))
        )
    if filters.kind is not None:
        query = query.where(AuditEntry.kind == filters.kind)
    if filters.since is not None:
        query = query.where(AuditEntry.created_at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEntry.created_at < filters.until)
    query = query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)
    return db.session.scalars(query).all()


def review(filters: AuditFilter) -> list[ReviewedEntry]:
    """Return the matching entries, each flagged with the unusual patterns it belongs to."""
    entries = list_entries(filters)
    flags: dict[int, set[str]] = defaultdict(set)
    for entry in entries:
        if entry.purpose is AccessPurpose.BREAK_GLASS:
            flags[entry.id].add(FLAG_NO_REQUEST)
    for ids in _many_outside_scope(entries):
        for entry_id in ids:
            flags[entry_id].add(FLAG_MANY_OUTSIDE)
    for ids in _after_hours_exports(entries):
        for entry_id in ids:
            flags[entry_id].add(FLAG_AFTER_HOURS_EXPORTS)
    return [ReviewedEntry(e, frozenset(flags.get(e.id, ()))) for e in entries]


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"]))


def _many_outside_scope(entries: Sequence[AuditEntry]) -> list[list[int]]:
    """Group break-glass views per staff member per day where many residents were opened."""
    threshold = int(current_app.config["PRIVACY_FLAG_OUTSIDE_SCOPE_RESIDENTS"])
    groups: dict[tuple[int, dt.date], list[AuditEntry]] = defaultdict(list)
    for entry in entries:
        if entry.purpose is AccessPurpose.BREAK_GLASS:
            groups[(entry.staff_id, _local(entry.created_at).date())].append(entry)
    return [
        [e.id for e in group]
        for group in groups.values()
        if len({e.resident_id for e in group}) >= threshold
    ]


def _is_after_hours(moment: dt.datetime) -> bool:
    config = current_app.config
    local = _local(moment)
    opens, closes = (
        int(config["PRIVACY_BUSINESS_HOURS"][0]),
        int(config["PRIVACY_BUSINESS_HOURS"][1]),
    )
    return local.weekday() >= 5 or not opens <= local.hour < closes


def _after_hours_exports(entries: Sequence[AuditEntry]) -> list[list[int]]:
    """Group after-hours exports per staff member per day where there were several."""
    threshold = int(current_app.config["PRIVACY_FLAG_AFTER_HOURS_EXPORTS"])
    groups: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    for entry in entries:
        if entry.kind is AccessKind.EXPORT and _is_after_hours(entry.created_at):
            groups[(entry.staff_id, _local(entry.created_at).date())].append(entry.id)
    return [ids for ids in groups.values() if len(ids) >= threshold]


def entries_csv(reviewed: Sequence[ReviewedEntry]) -> str:
    """Write reviewed entries as CSV: who, whose record, what, why, when, and the flags."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "entry",
            "when (local)",
            "staff id",
            "staff",
            "resident id",
            "kind",
            "purpose",
            "record",
            "request",
            "break-glass grant",
            "detail",
            "flags",
        ]
    )
    for item in reviewed:
        e = item.entry
        writer.writerow(
            [
                e.id,
                _local(e.created_at).isoformat(timespec="seconds"),
                e.staff_id,
                e.staff.full_name,
                e.resident_id or " ".join(str(s.resident_id) for s in e.shown),
                e.kind.value,
                e.purpose.value,
                f"{e.record_type} {e.record_id or ''}".strip(),
                e.service_request.reference if e.service_request else "",
                e.break_glass_id or "",
                e.detail or "",
                "; ".join(sorted(item.flags)),
            ]
        )
    return out.getvalue()


@dataclasses.dataclass(frozen=True)
class AccessSeen:
    """Repeated views of a resident's record by one staff member, of one kind, for one
    reason and request, as one line: staff by first name and department."""

    staff_label: str
    kind: str
    purpose: str
    request_id: int | None
    was_break_glass: bool
    first_at: dt.datetime
    last_at: dt.datetime
    count: int


@dataclasses.dataclass(frozen=True)
class AccessHistory:
    """One page of a resident's grouped access history."""

    groups: list[AccessSeen]
    total: int
    page: int
    pages: int


ACCESS_PAGE_SIZE = 50


def list_access_for_resident(resident: User, page: int = 1) -> AccessHistory:
    """Who on staff looked at the resident's record, why and for which request, grouped.

    Views by the same staff member of the same kind, purpose and request are one line with
    the first and last time and a count, latest first. Queues and searches that only listed
    the resident's name are left out: they are in the privacy officer's log, naming the
    resident, but are not an opening of the record.
    """
    last_at = sa.func.max(AuditEntry.created_at)
    grouped = (
        sa.select(
            AuditEntry.staff_id,
            AuditEntry.kind,
            AuditEntry.purpose,
            AuditEntry.request_id,
            sa.func.min(AuditEntry.created_at),
            last_at,
            sa.func.count(),
        )
        .where(AuditEntry.resident_id == resident.id)
        .group_by(AuditEntry.staff_id, AuditEntry.kind, AuditEntry.purpose, AuditEntry.request_id)
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(grouped.subquery())) or 0
    pages = max(1, -(-total // ACCESS_PAGE_SIZE))
    page = min(max(page, 1), pages)
    query = grouped.order_by(last_at.desc(), AuditEntry.staff_id, AuditEntry.request_id)
    rows = db.session.execute(
        query.limit(ACCESS_PAGE_SIZE).offset((page - 1) * ACCESS_PAGE_SIZE)
    ).all()
    staff = _staff_by_id({row[0] for row in rows})
    groups = [
        AccessSeen(
            staff_label=staff[staff_id].staff_label,
            kind=kind.value,
            purpose=purpose.value,
            request_id=request_id,
            was_break_glass=purpose is AccessPurpose.BREAK_GLASS,
            first_at=first_at,
            last_at=last,
            count=count,
        )
        for staff_id, kind, purpose, request_id, first_at, last, count in rows
    ]
    return AccessHistory(groups=groups, total=total, page=page, pages=pages)


def _staff_by_id(ids: set[int]) -> dict[int, User]:
    query = sa.select(User).options(selectinload(User.departments)).where(User.id.in_(ids))
    return {u.id: u for u in db.session.scalars(query)}
