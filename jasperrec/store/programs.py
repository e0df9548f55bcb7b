"""The recreation department runs its season: programs created, edited, copied, published and
cancelled by staff, with every rule checked before anything is written."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.mail import send_mail

from . import payments
from . import waitlist
from . import withdrawals
from .coordinators import assign_coordinators
from .coordinators import list_coordinators
from .errors import NotACoordinatorError
from .errors import ProgramInvalidError
from .errors import StatusChangeError
from .models import Program
from .models import ProgramMeeting
from .models import ProgramStatus
from .models import ProgramStatusChange
from .models import Registration
from .models import WaitlistEntry
from .models import WaitlistStatus
from .models.waitlist import OPEN_STATUSES
from .program_details import ACTIVE
from .program_details import ProgramDetails
from .program_details import problems_of
from .program_details import registered_count

# How the department may move a program; cancelling is final.
TRANSITIONS = {
    ProgramStatus.DRAFT: {ProgramStatus.PUBLISHED, ProgramStatus.CANCELLED},
    ProgramStatus.PUBLISHED: {ProgramStatus.DRAFT, ProgramStatus.CANCELLED},
    ProgramStatus.CANCELLED: set(),
}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def get_program(program_id: int) -> Program:
    """Return any program, in any status, for the console.

    :raises NotFoundError:
    """
    program = db.session.get(Program, program_id)
    if program is None:
        raise NotFoundError(program_id)
    return program


def _slug_for(name: str, season: dt.date) -> str:
    base = _NOT_SLUG.sub("-", name.lower()).strip("-")[:60] or "program"
    base = f"{base}-{season:%Y-%m}"
    taken = set(db.session.scalars(sa.select(Program.slug).where(Program.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _apply(program: Program, details: ProgramDetails) -> None:
    for field in ("name", "category_id", "summary", "description", "facility", "instructor",
                  "min_age", "max_age", "registration_opens_at", "registration_closes_at",
                  "price_cents", "non_resident_price_cents", "is_taxable", "capacity",
                  "min_participants", "level", "requires_approval",
                  "held_back_spaces"):  # fmt: skip
        setattr(program, field, getattr(details, field))
    (program.withdrawal_fee_percent, program.withdrawal_fee_cap_cents,
     program.withdrawal_cutoff_days) = dataclasses.astuple(details.withdrawal)  # fmt: skip
    program.meetings = [
        ProgramMeeting(
            starts_on=m.starts_on,
            ends_on=m.ends_on,
            weekdays=str(m.starts_on.isoweekday())
            if m.starts_on == m.ends_on
            else "".join(str(d) for d in sorted(m.weekdays)),
            start_time=m.start_time,
            end_time=m.end_time,
            skipped_dates=sorted(d.isoformat() for d in m.skipped),
        )
        for m in sorted(details.meetings, key=lambda m: (m.starts_on, m.start_time))
    ]
    program.starts_on = min(m.starts_on for m in details.meetings)
    program.ends_on = max(m.ends_on for m in details.meetings)
    program.prerequisites = list(
        db.session.scalars(sa.select(Program).where(Program.id.in_(details.prerequisite_ids)))
    )


def create_program(staff: User, details: ProgramDetails) -> Program:
    """Add a program as a draft, for a coordinator to check and publish.

    :raises ProgramInvalidError: with each problem by field; nothing is written.
    """
    problems = problems_of(details, None)
    if problems:
        raise ProgramInvalidError(problems)
    starts = min(m.starts_on for m in details.meetings)
    program = Program(slug=_slug_for(details.name, starts), is_published=False)
    _apply(program, details)
    db.session.add(program)
    _coordinate(program, details.coordinator_ids)
    db.session.commit()
    return program


def _coordinate(program: Program, staff_ids: frozenset[int]) -> None:
    """Name the program's coordinators, or undo everything unsaved and say why.

    :raises ProgramInvalidError:
    """
    db.session.flush()
    try:
        assign_coordinators(program, staff_ids)
    except NotACoordinatorError as error:
        db.session.rollback()
        raise ProgramInvalidError({"coordinators": str(error)}) from error


def update_program(staff: User, program: Program, details: ProgramDetails) -> Program:
    """Change a program; people already registered keep their spaces.

    :raises ProgramInvalidError: with each problem by field; nothing is written.
    :raises StatusChangeError: the program is cancelled.
    """
    if program.is_cancelled:
        raise StatusChangeError(f"{program.name} is cancelled and can no longer be changed.")
    problems = problems_of(details, program)
    if problems:
        raise ProgramInvalidError(problems)
    _apply(program, details)
    _coordinate(program, details.coordinator_ids)
    db.session.commit()
    waitlist.space_freed(program)
    return program


def copy_program(staff: User, program: Program, first_day: dt.date) -> Program:
    """Copy a program for another season: a draft starting on `first_day`, every date and
    the registration window moved by the same number of weeks.

    :raises ProgramInvalidError: the new first day is not on the program's weekday.
    """
    shift = first_day - program.starts_on
    if shift.days % 7:
        weekday = f"{program.starts_on:%A}"
        raise ProgramInvalidError(
            {"first_day": f"Choose a {weekday}: the copy starts on the same day of the week."}
        )
    copy = Program(slug=_slug_for(program.name, first_day), is_published=False)
    for column in Program.__table__.columns:
        if column.key not in {"id", "slug", "is_published", "created_at", "cancelled_at",
                              "cancellation_reason"}:  # fmt: skip
            setattr(copy, column.key, getattr(program, column.key))
    copy.starts_on, copy.ends_on = program.starts_on + shift, program.ends_on + shift
    if program.registration_opens_at is not None:
        copy.registration_opens_at = program.registration_opens_at + shift
    if program.registration_closes_at is not None:
        copy.registration_closes_at = program.registration_closes_at + shift
    copy.meetings = [
        ProgramMeeting(
            starts_on=m.starts_on + shift,
            ends_on=m.ends_on + shift,
            weekdays=m.weekdays,
            start_time=m.start_time,
            end_time=m.end_time,
            skipped_dates=[(d + shift).isoformat() for d in sorted(m.skipped)],
        )
        for m in program.meetings
    ]
    copy.prerequisites = list(program.prerequisites)
    db.session.add(copy)
    db.session.flush()
    assign_coordinators(copy, [user.id for user in list_coordinators(program.id)])
    db.session.commit()
    return copy


def change_status(
    staff: User, program: Program, to: ProgramStatus, reason: str | None = None
) -> ProgramStatusChange:
    """Publish, withdraw to draft or cancel a program, recording who, when and why.

    Cancelling tells everyone registered by email once it is saved.

    :raises StatusChangeError: the move is not allowed from where the program stands.
    """
    current = program.status
    if to not in TRANSITIONS[current]:
        raise StatusChangeError(f"{program.name} is {current.value}; it cannot be made {to.value}.")
    if to is ProgramStatus.DRAFT and registered_count(program):
        raise StatusChangeError(
            f"People are registered in {program.name}; cancel it instead of withdrawing it."
        )
    if to is ProgramStatus.CANCELLED and not (reason or "").strip():
        raise StatusChangeError("Say why the program is cancelled; registrants are told.")
    now = utcnow()
    if to is ProgramStatus.CANCELLED:
        program.cancelled_at, program.cancellation_reason = now, reason
        _close_waitlist(staff, program)
    else:
        program.is_published = to is ProgramStatus.PUBLISHED
    change = ProgramStatusChange(
        program_id=program.id, from_status=current, to_status=to, changed_by_id=staff.id,
        changed_at=now, reason=reason,
    )  # fmt: skip
    db.session.add(change)
    db.session.commit()
    if to is ProgramStatus.CANCELLED:
        _tell_registrants(program)
        withdrawals.refund_everyone(staff, program, payments.gateway())
    return change


def _close_waitlist(staff: User, program: Program) -> None:
    """Take everyone off a cancelled program's waitlist; there is no space to offer."""
    query = sa.select(WaitlistEntry).where(
        WaitlistEntry.program_id == program.id, WaitlistEntry.status.in_(OPEN_STATUSES)
    )
    for entry in db.session.scalars(query):
        waitlist.move_entry(entry, WaitlistStatus.REMOVED, staff, "The program was cancelled.")


def _tell_registrants(program: Program) -> None:
    query = (
        sa.select(User)
        .join(Registration, Registration.user_id == User.id)
        .where(Registration.program_id == program.id, Registration.status.in_(ACTIVE))
        .distinct()
    )
    for user in db.session.scalars(query):
        send_mail(user.email, "store/program_cancelled", user=user, program=program)


def status_history(program: Program) -> list[ProgramStatusChange]:
    """The program's status changes, newest first."""
    query = (
        sa.select(ProgramStatusChange)
        .where(ProgramStatusChange.program_id == program.id)
        .order_by(ProgramStatusChange.changed_at.desc(), ProgramStatusChange.id.desc())
    )
    return list(db.session.scalars(query))
