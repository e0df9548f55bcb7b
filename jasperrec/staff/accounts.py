"""Staff accounts: created only by administrators, with roles, departments and audit."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.auth import passwords
from jasperrec.auth.errors import EmailTakenError
from jasperrec.auth.models import Department
from jasperrec.auth.models import Role
from jasperrec.auth.models import StaffRole
from jasperrec.auth.models import User
from jasperrec.auth.service import check_password
from jasperrec.auth.service import end_user_sessions
from jasperrec.auth.service import find_user_by_email
from jasperrec.auth.service import normalise_email
from jasperrec.auth.service import request_password_reset
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db

from . import audit
from .errors import StaffAccountError
from .models import AccessKind
from .models import AccessPurpose


@dataclasses.dataclass(frozen=True)
class NewStaff:
    """What an administrator enters to create a staff account."""

    email: str
    first_name: str
    last_name: str
    roles: frozenset[Role]
    department_ids: frozenset[int] = frozenset()


def list_staff() -> Sequence[User]:
    """Return every staff account, active ones first, by name."""
    query = (
        sa.select(User)
        .options(selectinload(User.roles), selectinload(User.departments))
        .where(User.is_staff.is_(True))
        .order_by(User.is_active.desc(), User.last_name, User.first_name)
    )
    return db.session.scalars(query).all()


def list_departments() -> Sequence[Department]:
    """Return the municipality's departments by name."""
    return db.session.scalars(sa.select(Department).order_by(Department.name)).all()


def get_staff(staff_id: int) -> User:
    """Return a staff account.

    :raises NotFoundError:
    """
    user = db.session.get(User, staff_id)
    if user is None or not user.is_staff:
        raise NotFoundError()
    return user


def _departments(ids: Iterable[int]) -> list[Department]:
    wanted = set(ids)
    if not wanted:
        return []
    found = db.session.scalars(sa.select(Department).where(Department.id.in_(wanted))).all()
    if len(found) != len(wanted):
        raise NotFoundError()
    return list(found)


def _describe(roles: Iterable[Role], departments: Iterable[Department]) -> str:
    role_text = ", ".join(sorted(r.value for r in roles)) or "none"
    dept_text = ", ".join(sorted(d.name for d in departments)) or "none"
    return f"roles: {role_text}; departments: {dept_text}"


def _audit(actor: User, user: User, kind: AccessKind, detail: str) -> None:
    """Record an administrator's change to a staff account; flushes only."""
    audit.record_access(
        actor,
        user,
        kind,
        AccessPurpose.ADMINISTRATION,
        record_type="user",
        record_id=user.id,
        detail=detail[:255],
    )


def create_staff(actor: User | None, details: NewStaff, password: str | None = None) -> User:
    """Create a staff account; without a password, email an invitation to choose one.

    actor is None only for the command line, which has no signed-in administrator.

    :raises EmailTakenError:
    :raises WeakPasswordError:
    """
    email = normalise_email(details.email)
    if find_user_by_email(email) is not None:
        raise EmailTakenError("An account already uses that email address.")
    if password is not None:
        check_password(password, details.first_name, details.last_name, email.split("@")[0])
    departments = _departments(details.department_ids)
    user = User(
        email=email,
        first_name=details.first_name.strip(),
        last_name=details.last_name.strip(),
        is_staff=True,
        email_confirmed_at=utcnow(),
        password_hash=passwords.hash_password(password) if password else "!invited",
        roles=[StaffRole(role=r) for r in sorted(details.roles)],
        departments=departments,
    )
    db.session.add(user)
    db.session.flush()
    if actor is not None:
        _audit(
            actor,
            user,
            AccessKind.STAFF_ACCOUNT,
            "created; " + _describe(details.roles, departments),
        )
    db.session.commit()
    if password is None:
        request_password_reset(email, template="staff/invitation")
    return user


def change_roles(
    actor: User, staff_id: int, roles: frozenset[Role], department_ids: frozenset[int]
) -> User:
    """Replace a staff member's roles and departments, recording before and after.

    :raises NotFoundError:
    :raises StaffAccountError: when administrators would remove their own administrator role.
    """
    user = get_staff(staff_id)
    if user.id == actor.id and Role.ADMINISTRATOR not in roles:
        raise StaffAccountError("You cannot remove your own administrator role.")
    before = _describe((r.role for r in user.roles), user.departments)
    departments = _departments(department_ids)
    kept = {r.role for r in user.roles} & roles
    user.roles = [r for r in user.roles if r.role in kept] + [
        StaffRole(role=r) for r in sorted(roles - kept)
    ]
    user.departments = departments
    after = _describe(roles, departments)
    _audit(actor, user, AccessKind.ROLE_CHANGE, f"{before} -> {after}")
    db.session.commit()
    return user


def set_active(actor: User, staff_id: int, active: bool) -> User:
    """Deactivate (ending every session at once) or reactivate a staff account.

    :raises NotFoundError:
    :raises StaffAccountError: when administrators would deactivate themselves.
    """
    user = get_staff(staff_id)
    if user.id == actor.id and not active:
        raise StaffAccountError("You cannot deactivate your own account.")
    user.is_active = active
    if not active:
        end_user_sessions(user, "account deactivated")
    _audit(actor, user, AccessKind.STAFF_ACCOUNT, "reactivated" if active else "deactivated")
    db.session.commit()
    return user
