"""The coordinator's view of the season: programs by title, section and status, a page at a
time, with the spaces taken; and the guide's sections, which staff keep."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.auth.models import StaffRole
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.store.errors import ProgramInvalidError
from jasperrec.store.models import Program
from jasperrec.store.models import ProgramCategory
from jasperrec.store.models import ProgramStatus
from jasperrec.store.models import Registration
from jasperrec.store.models import RegistrationStatus
from jasperrec.store.service import local_today

PAGE_SIZE = 50
_ACTIVE = (RegistrationStatus.HELD, RegistrationStatus.CONFIRMED)


@dataclasses.dataclass(frozen=True)
class ProgramFilter:
    """What the coordinator narrowed the list by."""

    text: str = ""
    category: str | None = None
    status: ProgramStatus | None = None
    include_past: bool = False
    page: int = 1


@dataclasses.dataclass(frozen=True)
class ProgramPage:
    """One page of programs, each with its spaces taken or held."""

    rows: list[tuple[Program, int]]
    total: int
    page: int
    pages: int


def _status_is(status: ProgramStatus) -> sa.ColumnElement[bool]:
    if status is ProgramStatus.CANCELLED:
        return Program.cancelled_at.is_not(None)
    published = Program.is_published.is_(status is ProgramStatus.PUBLISHED)
    return sa.and_(Program.cancelled_at.is_(None), published)


def _conditions(filters: ProgramFilter) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if filters.text:
        where.append(Program.name.icontains(filters.text[:100], autoescape=True))
    if filters.category:
        slug = sa.select(ProgramCategory.id).where(ProgramCategory.slug == filters.category)
        where.append(Program.category_id == slug.scalar_subquery())
    if filters.status is not None:
        where.append(_status_is(filters.status))
    if not filters.include_past:
        where.append(Program.ends_on >= local_today())
    return where


def list_programs(staff: User, filters: ProgramFilter) -> ProgramPage:
    """Return one page of programs, soonest first; a page past the last shows the last.

    Three queries whatever the page holds: the count, the page, and its meetings.
    """
    where = _conditions(filters)
    total = db.session.scalar(sa.select(sa.func.count(Program.id)).where(*where)) or 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page = min(max(filters.page, 1), pages)
    taken = (
        sa.select(sa.func.count(Registration.id))
        .where(Registration.program_id == Program.id, Registration.status.in_(_ACTIVE))
        .scalar_subquery()
    )
    query = (
        sa.select(Program, taken)
        .where(*where)
        .order_by(Program.starts_on, Program.name, Program.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    rows = [(program, int(count)) for program, count in db.session.execute(query)]
    return ProgramPage(rows=rows, total=total, page=page, pages=pages)


def prerequisite_choices(program: Program | None) -> Sequence[Program]:
    """Programs a coordinator may name as a prerequisite: any but this one and cancelled ones."""
    query = sa.select(Program).where(Program.cancelled_at.is_(None))
    if program is not None:
        query = query.where(Program.id != program.id)
    return db.session.scalars(query.order_by(Program.name, Program.starts_on)).all()


def coordinator_choices() -> Sequence[User]:
    """Active staff with the program coordinator role, who may be named to run a program."""
    query = (
        sa.select(User)
        .join(StaffRole, StaffRole.user_id == User.id)
        .where(
            User.is_staff.is_(True),
            User.is_active.is_(True),
            StaffRole.role == Role.PROGRAM_COORDINATOR,
        )
        .order_by(User.last_name, User.first_name, User.id)
    )
    return db.session.scalars(query).all()


def list_categories() -> list[tuple[ProgramCategory, int]]:
    """Each section of the guide with how many programs it holds."""
    count = (
        sa.select(sa.func.count(Program.id))
        .where(Program.category_id == ProgramCategory.id)
        .scalar_subquery()
    )
    query = sa.select(ProgramCategory, count).order_by(ProgramCategory.name)
    return [(category, int(n)) for category, n in db.session.execute(query)]


def _slug(name: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())[:80]


def save_category(
    staff: User, name: str, category: ProgramCategory | None = None
) -> ProgramCategory:
    """Add a section, or rename one; its address in the guide follows the name.

    :raises ProgramInvalidError: the name is empty of letters, or another section has it.
    """
    slug = _slug(name)
    if not slug:
        raise ProgramInvalidError({"name": "Name the section with letters or numbers."})
    clash = db.session.scalar(
        sa.select(ProgramCategory).where(
            sa.or_(
                sa.func.lower(ProgramCategory.name) == name.lower(), ProgramCategory.slug == slug
            )
        )
    )
    if clash is not None and clash is not category:
        raise ProgramInvalidError({"name": f"There is already a section called {clash.name}."})
    if category is None:
        category = ProgramCategory()
        db.session.add(category)
    category.name, category.slug = name, slug
    db.session.commit()
    return category


def delete_category(staff: User, category: ProgramCategory) -> None:
    """Remove an empty section.

    :raises ProgramInvalidError: programs are still filed under it.
    """
    used = db.session.scalar(
        sa.select(sa.func.count(Program.id)).where(Program.category_id == category.id)
    )
    if used:
        raise ProgramInvalidError(
            {"name": f"{category.name} holds {used} programs; move them to another section first."}
        )
    db.session.delete(category)
    db.session.commit()
