"""Who may register for a program, and when: its registration window, prerequisites and approvals.

Registration opens to the minute in the municipality's time zone (19:00 on 1 March means
7 p.m. in Jasper, whatever the server's zone) and closes when the department says, or at
the start of the program's first day.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from jasperrec import dates
from jasperrec.auth.models import HouseholdMember
from jasperrec.auth.models import User
from jasperrec.db import utcnow
from jasperrec.extensions import db

from .errors import NotEligibleError
from .models import Program
from .models import ProgramApproval
from .models import Registration
from .models import RegistrationStatus


class Window(enum.StrEnum):
    """Where a program stands in its registration period."""

    NOT_YET = "not yet open"
    OPEN = "open"
    CLOSED = "closed"


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])


def closes_at(program: Program) -> dt.datetime:
    """When online registration ends: the set time, or midnight as the first day begins."""
    if program.registration_closes_at is not None:
        return program.registration_closes_at
    return dt.datetime.combine(program.starts_on, dt.time(0), _zone()).astimezone(dt.UTC)


def window(program: Program, now: dt.datetime | None = None) -> Window:
    """Say whether registration for a program has yet to open, is open, or has closed."""
    now = now or utcnow()
    if program.is_cancelled or not program.is_published or now >= closes_at(program):
        return Window.CLOSED
    if program.registration_opens_at is not None and now < program.registration_opens_at:
        return Window.NOT_YET
    return Window.OPEN


def opens_notice(program: Program) -> str:
    """Tell residents when registration opens: Registration opens March 1, 2027 at 7 p.m."""
    return dates.end_sentence(
        f"Registration opens {dates.local_time(program.registration_opens_at)}"
    )


def closed_notice(program: Program, now: dt.datetime | None = None) -> str | None:
    """Say why nobody may register for the program now, or None while registration is open."""
    state = window(program, now)
    if state is Window.OPEN:
        return None
    if state is Window.NOT_YET:
        return f"Registration for {program.name} is not open yet. {opens_notice(program)}"
    if program.is_cancelled:
        return f"{program.name} has been cancelled."
    return f"Registration for {program.name} has closed."


def _is_approved(user: User, program: Program, member: HouseholdMember | None) -> bool:
    query = sa.select(ProgramApproval.id).where(
        ProgramApproval.program_id == program.id,
        ProgramApproval.user_id == user.id,
        _same_person(ProgramApproval.household_member_id, member),
    )
    return db.session.scalar(query.limit(1)) is not None


def _same_person(
    column: sa.orm.InstrumentedAttribute[int | None], member: HouseholdMember | None
) -> sa.ColumnElement[bool]:
    """The household member, or the account holder (no member) when None."""
    return column == member.id if member is not None else column.is_(None)


def _completed(user: User, member: HouseholdMember | None, required: Program, by: dt.date) -> bool:
    """Whether the person finished (or will have finished by `by`) the program or its level."""
    same = Program.id == required.id
    if required.level:
        same = sa.or_(same, Program.level == required.level)
    who = _same_person(Registration.household_member_id, member)
    query = (
        sa.select(Registration.id)
        .join(Registration.program)
        .where(
            Registration.user_id == user.id,
            who,
            Registration.status == RegistrationStatus.CONFIRMED,
            same,
            Program.ends_on < by,
        )
    )
    return db.session.scalar(query.limit(1)) is not None


def prerequisite_problem(
    user: User, program: Program, member: HouseholdMember | None, name: str
) -> str | None:
    """Say what the person still needs before registering, or None when nothing stands in the way.

    Staff approval for the person stands in for every prerequisite.
    """
    if not program.prerequisites and not program.requires_approval:
        return None
    if _is_approved(user, program, member):
        return None
    phone = current_app.config["MUNICIPALITY_PHONE"]
    if program.requires_approval:
        return (
            f"{program.name} needs staff approval for each participant. Call {phone} or ask "
            f"at the front desk to arrange it for {name}."
        )
    starts = program.starts_on
    missing = [p for p in program.prerequisites if not _completed(user, member, p, starts)]
    if not missing:
        return None
    names = [p.level or p.name for p in missing]
    needed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return (
        f"{program.name} is for participants who have completed {needed}. If {name} has "
        f"the skills from elsewhere, call {phone} to ask for an assessment."
    )


def approve(
    staff: User, program: Program, email: str, first_name: str | None, note: str | None
) -> ProgramApproval:
    """Let one participant register for a program that needs approval or a prerequisite.

    :raises NotEligibleError: no such account, or no such person in its household.
    """
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.lower()))
    if user is None or user.is_staff:
        raise NotEligibleError(f"No resident account uses {email}.")
    member = None
    if first_name:
        member = next(
            (m for m in user.household if m.first_name.lower() == first_name.lower()), None
        )
        if member is None:
            raise NotEligibleError(f"Nobody called {first_name} is in that household.")
    if _is_approved(user, program, member):
        who = member.full_name if member else user.full_name
        raise NotEligibleError(f"{who} is approved for {program.name} already.")
    approval = ProgramApproval(
        program_id=program.id,
        user_id=user.id,
        household_member_id=member.id if member else None,
        approved_by_id=staff.id,
        note=note or None,
    )
    db.session.add(approval)
    db.session.commit()
    return approval


def list_approvals(program: Program) -> Sequence[ProgramApproval]:
    """Who is approved for a program, newest first."""
    query = (
        sa.select(ProgramApproval)
        .options(joinedload(ProgramApproval.user), joinedload(ProgramApproval.household_member))
        .where(ProgramApproval.program_id == program.id)
        .order_by(ProgramApproval.approved_at.desc(), ProgramApproval.id.desc())
    )
    return db.session.scalars(query).all()
