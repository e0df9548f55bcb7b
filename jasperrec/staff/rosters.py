"""Program rosters: the programs with their numbers, and each program's participants.

A roster names residents and children, so every view and export is in the audit log. The
medical and allergy notes on it are need-to-know: only the coordinators of that program
see them; anyone else with the roster permission sees that they exist, not what they say.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from jasperrec.auth.models import EmergencyContact
from jasperrec.auth.models import User
from jasperrec.dates import age_on
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.store.coordinators import list_coordinators
from jasperrec.store.models import Program
from jasperrec.store.models import ProgramCategory
from jasperrec.store.models import ProgramCoordinator
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus

from . import audit
from .models import AccessKind
from .models import AccessPurpose

PAGE_SIZE = 50
SEARCH_MAX = 100
NOTES_WITHHELD = "Shown to this program's coordinators only"


@dataclasses.dataclass(frozen=True)
class ProgramFilter:
    """What the program list is narrowed to; the default is every program, soonest first."""

    text: str = ""
    # A guide section's slug.
    category: str | None = None
    starts_from: dt.date | None = None
    starts_to: dt.date | None = None
    mine_only: bool = False
    page: int = 1


@dataclasses.dataclass(frozen=True)
class ProgramRow:
    """One program as the list shows it: its numbers, and whether the viewer coordinates it."""

    id: int
    name: str
    facility: str
    starts_on: dt.date
    capacity: int
    held_back: int
    registered: int
    held: int
    is_mine: bool

    @property
    def left_at_desk(self) -> int:
        """Spaces the desk can still sell, held-back ones included."""
        return max(self.capacity - self.registered - self.held, 0)

    @property
    def left_online(self) -> int:
        """Spaces residents can still take online: never the held-back ones."""
        return max(self.capacity - self.held_back - self.registered - self.held, 0)


@dataclasses.dataclass(frozen=True)
class ProgramPage:
    """One page of the filtered programs, and where it sits among the others."""

    rows: list[ProgramRow]
    total: int
    page: int
    pages: int


def _counts() -> sa.Subquery:
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    held = Registration.status == RegistrationStatus.HELD
    return (
        sa.select(
            Registration.program_id,
            sa.func.count().filter(confirmed).label("registered"),
            sa.func.count().filter(held).label("held"),
        )
        .group_by(Registration.program_id)
        .subquery()
    )


def _conditions(staff: User, filters: ProgramFilter) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    text = " ".join(filters.text.split())[:SEARCH_MAX]
    if text:
        where.append(Program.name.icontains(text, autoescape=True))
    if filters.category:
        section = sa.select(ProgramCategory.id).where(ProgramCategory.slug == filters.category)
        where.append(Program.category_id == section.scalar_subquery())
    if filters.starts_from is not None:
        where.append(Program.starts_on >= filters.starts_from)
    if filters.starts_to is not None:
        where.append(Program.starts_on <= filters.starts_to)
    if filters.mine_only:
        where.append(Program.id.in_(_mine(staff)))
    return where


def _mine(staff: User) -> sa.Select[int]:
    return sa.select(ProgramCoordinator.program_id).where(ProgramCoordinator.user_id == staff.id)


def list_programs(staff: User, filters: ProgramFilter) -> ProgramPage:
    """Return one page of programs with registered, held and held-back numbers, in two queries.

    It names no one, so it is not audited. A page past the last shows the last.
    """
    where = _conditions(staff, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Program).where(*where)) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    counts = _counts()
    query = (
        sa.select(
            Program,
            sa.func.coalesce(counts.c.registered, 0),
            sa.func.coalesce(counts.c.held, 0),
            Program.id.in_(_mine(staff)),
        )
        .outerjoin(counts, counts.c.program_id == Program.id)
        .where(*where)
        .order_by(Program.starts_on, Program.name, Program.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [
        ProgramRow(
            id=p.id,
            name=p.name,
            facility=p.facility,
            starts_on=p.starts_on,
            capacity=p.capacity,
            held_back=p.held_back_spaces,
            registered=int(registered),
            held=int(held),
            is_mine=bool(mine),
        )
        for p, registered, held, mine in db.session.execute(query)
    ]
    return ProgramPage(rows=rows, total=total, page=page, pages=pages)


@dataclasses.dataclass(frozen=True)
class Participant:
    """One confirmed participant, with whom to call; notes are None when withheld."""

    name: str
    age_on_start: int | None
    account_holder_id: int
    account_holder: str
    phone: str | None
    email: str | None
    emergency_name: str | None
    emergency_phone: str | None
    emergency_relation: str | None
    medical_notes: str | None


@dataclasses.dataclass(frozen=True)
class Roster:
    """A program's confirmed participants, as the viewer may see them."""

    program: Program
    coordinators: Sequence[User]
    participants: list[Participant]
    shows_notes: bool


def load_roster(staff: User, program_id: int) -> Roster:
    """Read a program's roster as this staff member may see it; the caller audits it.

    :raises NotFoundError:
    """
    program = db.session.get(Program, program_id)
    if program is None:
        raise NotFoundError(program_id)
    coordinators = list_coordinators(program.id)
    shows_notes = staff.is_active and any(c.id == staff.id for c in coordinators)
    query = (
        sa.select(Registration, User)
        .join(User, User.id == Registration.user_id)
        .options(joinedload(Registration.household_member))
        .where(
            Registration.program_id == program.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .order_by(Registration.id)
    )
    found = db.session.execute(query).all()
    contacts = _emergency_contacts({holder.id for _, holder in found})
    participants = sorted(
        (
            _participant(r, holder, program, contacts.get(holder.id), shows_notes)
            for r, holder in found
        ),
        key=lambda p: p.name.casefold(),
    )
    return Roster(program, coordinators, participants, shows_notes)


def _emergency_contacts(user_ids: set[int]) -> dict[int, EmergencyContact]:
    if not user_ids:
        return {}
    query = sa.select(EmergencyContact).where(EmergencyContact.user_id.in_(user_ids))
    return {c.user_id: c for c in db.session.scalars(query)}


def _participant(
    registration: Registration,
    holder: User,
    program: Program,
    contact: EmergencyContact | None,
    shows_notes: bool,
) -> Participant:
    member = registration.household_member
    age: int | None
    if member is not None:
        name, age, notes = member.full_name, member.age_on(program.starts_on), member.medical_notes
    else:
        name, notes = holder.full_name, None
        born = holder.date_of_birth
        age = None if born is None else age_on(born, program.starts_on)
    return Participant(
        name=name,
        age_on_start=age,
        account_holder_id=holder.id,
        account_holder=holder.full_name,
        phone=holder.phone,
        email=holder.email,
        emergency_name=contact.name if contact else None,
        emergency_phone=contact.phone if contact else None,
        emergency_relation=contact.relation if contact else None,
        medical_notes=notes if shows_notes else None,
    )


def record_roster(staff: User, roster: Roster, kind: AccessKind, what: str) -> None:
    """Add a view or export of a roster to the audit, naming the residents it shows."""
    notes = "with medical notes" if roster.shows_notes else "medical notes withheld"
    audit.record_listing(
        staff,
        kind,
        AccessPurpose.PROGRAM_ROSTER,
        [p.account_holder_id for p in roster.participants],
        record_type="program roster",
        record_id=roster.program.id,
        detail=f"{what}, {len(roster.participants)} participants, {notes}",
    )


def open_roster(staff: User, program_id: int) -> Roster:
    """Return a program's roster for this staff member, and audit that they viewed it.

    :raises NotFoundError:
    """
    roster = load_roster(staff, program_id)
    record_roster(staff, roster, AccessKind.ROSTER, "roster viewed")
    db.session.commit()
    return roster
