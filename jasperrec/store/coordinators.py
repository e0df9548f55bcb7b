"""Who coordinates each program: the staff who run it and may read its participants' notes."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence

import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.auth.models import StaffRole
from jasperrec.auth.models import User
from jasperrec.extensions import db

from .errors import NotACoordinatorError
from .models import Program
from .models import ProgramCoordinator


def list_coordinators(program_id: int) -> Sequence[User]:
    """Return the staff who coordinate a program, by name."""
    query = (
        sa.select(User)
        .join(ProgramCoordinator, ProgramCoordinator.user_id == User.id)
        .where(ProgramCoordinator.program_id == program_id)
        .order_by(User.last_name, User.first_name, User.id)
    )
    return db.session.scalars(query).all()


def is_coordinator(user: User, program_id: int) -> bool:
    """Tell whether the user coordinates this program (an active coordinator, on staff)."""
    if not (user.is_active and user.is_staff):
        return False
    query = sa.select(ProgramCoordinator.user_id).where(
        ProgramCoordinator.program_id == program_id, ProgramCoordinator.user_id == user.id
    )
    return db.session.scalar(query) is not None


def assign_coordinators(program: Program, staff_ids: Iterable[int]) -> Sequence[User]:
    """Make exactly these staff the program's coordinators; return them.

    Flushes only: the program edit page's service commits it with the program's other
    changes, so a refused coordinator leaves the program unchanged too.

    :raises NotACoordinatorError: someone is not active staff with the coordinator role.
    """
    wanted = set(staff_ids)
    eligible = set(
        db.session.scalars(
            sa.select(User.id)
            .join(StaffRole, StaffRole.user_id == User.id)
            .where(
                User.id.in_(wanted),
                User.is_staff.is_(True),
                User.is_active.is_(True),
                StaffRole.role == Role.PROGRAM_COORDINATOR,
            )
        )
    )
    if wanted - eligible:
        raise NotACoordinatorError(
            "Only active staff with the program coordinator role can coordinate a program."
        )
    db.session.execute(
        sa.delete(ProgramCoordinator).where(
            ProgramCoordinator.program_id == program.id, ProgramCoordinator.user_id.not_in(wanted)
        )
    )
    have = set(
        db.session.scalars(
            sa.select(ProgramCoordinator.user_id).where(ProgramCoordinator.program_id == program.id)
        )
    )
    db.session.add_all(
        ProgramCoordinator(program_id=program.id, user_id=uid) for uid in sorted(wanted - have)
    )
    db.session.flush()
    return list_coordinators(program.id)
