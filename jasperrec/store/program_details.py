"""What a coordinator enters about a program, and every rule of the department it must
meet before anything is written."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from jasperrec.extensions import db

from .models import Program
from .models import ProgramCategory
from .models import Registration
from .models import RegistrationStatus

# The largest fee a program may charge: above it is a typing slip, not a price.
MAX_FEE_CENTS = 100_000_00
# Children's programs up to this age are GST-exempt when a municipality runs them.
GST_EXEMPT_UP_TO_AGE = 14
ACTIVE = (RegistrationStatus.HELD, RegistrationStatus.CONFIRMED)


@dataclasses.dataclass(frozen=True)
class Meeting:
    """One meeting pattern as staff entered it; a one-day meeting is a dated session."""

    starts_on: dt.date
    ends_on: dt.date
    weekdays: frozenset[int]
    start_time: dt.time
    end_time: dt.time
    skipped: frozenset[dt.date] = frozenset()


@dataclasses.dataclass(frozen=True)
class WithdrawalPolicy:
    """What a withdrawal gives back: all but a capped fee, until so many days before."""

    fee_percent: int = 10
    fee_cap_cents: int = 1_500
    cutoff_days: int = 7


@dataclasses.dataclass(frozen=True)
class ProgramDetails:
    """Everything a coordinator enters about a program."""

    name: str
    category_id: int
    summary: str
    description: str
    facility: str
    instructor: str | None
    min_age: int | None
    max_age: int | None
    meetings: tuple[Meeting, ...]
    registration_opens_at: dt.datetime | None
    registration_closes_at: dt.datetime | None
    price_cents: int
    non_resident_price_cents: int | None
    is_taxable: bool
    capacity: int
    min_participants: int | None
    level: str | None
    prerequisite_ids: frozenset[int]
    requires_approval: bool
    # Spaces online checkout cannot take, kept for phone and front-desk registration.
    held_back_spaces: int = 0
    coordinator_ids: frozenset[int] = frozenset()
    withdrawal: WithdrawalPolicy = WithdrawalPolicy()


def registered_count(program: Program) -> int:
    """How many spaces are taken or held in the program."""
    query = sa.select(sa.func.count(Registration.id)).where(
        Registration.program_id == program.id, Registration.status.in_(ACTIVE)
    )
    return int(db.session.scalar(query) or 0)


def problems_of(details: ProgramDetails, program: Program | None) -> dict[str, str]:
    """Every rule the details break, by form field; empty when they may be saved."""
    problems: dict[str, str] = {}
    if db.session.get(ProgramCategory, details.category_id) is None:
        problems["category"] = "Choose a section of the guide."
    low, high = details.min_age, details.max_age
    if low is not None and high is not None and high < low:
        problems["max_age"] = "The oldest age must not be below the youngest."
    for field, fee in (
        ("price", details.price_cents),
        ("non_resident_price", details.non_resident_price_cents),
    ):
        if fee is not None and not 0 <= fee <= MAX_FEE_CENTS:
            problems[field] = "Enter a fee from $0 to $100,000."
    resident, other = details.price_cents, details.non_resident_price_cents
    if "non_resident_price" not in problems and other is not None and other < resident:
        problems["non_resident_price"] = "The non-resident fee must not be below the resident fee."
    children = high is not None and high <= GST_EXEMPT_UP_TO_AGE
    if details.is_taxable == children:
        problems["gst"] = (
            f"Children's programs (ages {GST_EXEMPT_UP_TO_AGE} and under) are GST-exempt; "
            "others are taxable."
        )
    problems.update(_meeting_problems(details.meetings))
    opens, closes = details.registration_opens_at, details.registration_closes_at
    if opens is not None and closes is not None and closes <= opens:
        problems["registration_closes"] = "Registration must close after it opens."
    if details.capacity < 1:
        problems["capacity"] = "A program needs at least one space."
    elif program is not None and details.capacity < registered_count(program):
        problems["capacity"] = (
            f"{registered_count(program)} people are registered already; the capacity cannot "
            "be lower."
        )
    if not 0 <= details.held_back_spaces <= max(details.capacity, 0):
        problems["held_back_spaces"] = "Hold back from none to all of the spaces."
    if not 0 <= details.withdrawal.fee_percent <= 100:
        problems["withdrawal_fee_percent"] = "The fee is from 0 to 100 percent."
    minimum = details.min_participants
    if minimum is not None and not 1 <= minimum <= details.capacity:
        problems["min_participants"] = "The minimum must be from 1 to the capacity."
    problems.update(_prerequisite_problems(details.prerequisite_ids, program))
    return problems


def _meeting_problems(meetings: tuple[Meeting, ...]) -> dict[str, str]:
    if not meetings:
        return {"meetings": "Add at least one meeting: a weekly pattern or a dated session."}
    for number, meeting in enumerate(meetings, start=1):
        where = f"Meeting {number}: "
        if meeting.ends_on < meeting.starts_on:
            return {"meetings": where + "the last day must not be before the first."}
        if meeting.end_time <= meeting.start_time:
            return {"meetings": where + "the end time must be after the start time."}
        one_day = meeting.starts_on == meeting.ends_on
        if not one_day and not meeting.weekdays:
            return {"meetings": where + "choose the days of the week it meets."}
        outside = [d for d in meeting.skipped if not meeting.starts_on <= d <= meeting.ends_on]
        if outside:
            day = f"{outside[0]:%B} {outside[0].day}"
            return {"meetings": where + f"{day} is not within its dates."}
        if not _dates_of(meeting):
            return {"meetings": where + "it never meets on the days chosen between its dates."}
    return {}


def _dates_of(meeting: Meeting) -> list[dt.date]:
    if meeting.starts_on == meeting.ends_on:
        return [meeting.starts_on]
    span = (meeting.ends_on - meeting.starts_on).days
    days = (meeting.starts_on + dt.timedelta(days=n) for n in range(span + 1))
    return [d for d in days if d.isoweekday() in meeting.weekdays and d not in meeting.skipped]


def _prerequisite_problems(required: frozenset[int], program: Program | None) -> dict[str, str]:
    if not required:
        return {}
    found = db.session.scalars(sa.select(Program).where(Program.id.in_(required))).all()
    if len(found) != len(required):
        return {"prerequisites": "Choose prerequisites from the list."}
    if program is None:
        return {}
    if program.id in required or program.id in _everything_required_by(required):
        return {"prerequisites": f"That would make {program.name} a prerequisite of itself."}
    return {}


def _everything_required_by(program_ids: frozenset[int]) -> set[int]:
    """Every program that the given ones need, directly or through others."""
    edges = sa.text("SELECT program_id, required_program_id FROM program_prerequisites")
    needs: dict[int, set[int]] = {}
    for program_id, required_id in db.session.execute(edges):
        needs.setdefault(program_id, set()).add(required_id)
    seen: set[int] = set()
    todo = list(program_ids)
    while todo:
        current = todo.pop()
        for required_id in needs.get(current, ()):
            if required_id not in seen:
                seen.add(required_id)
                todo.append(required_id)
    return seen
