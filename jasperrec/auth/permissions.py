"""Named permissions, the one map from roles to permissions, and the decorators that check them."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Callable
from typing import Any
from typing import TypeVar

from flask import abort
from flask import current_app
from flask import redirect
from flask import request
from flask import url_for
from flask_login import current_user

from jasperrec.db import utcnow

from .cookies import current_session
from .models import Role
from .models import User

F = TypeVar("F", bound=Callable[..., Any])


class Permission(enum.StrEnum):
    """A thing staff may do, named feature:resource:action."""

    # auth
    AUTH_PEOPLE_BREAK_GLASS = "auth:people:break-glass"
    AUTH_PEOPLE_SEARCH = "auth:people:search"
    AUTH_PEOPLE_VIEW = "auth:people:view"
    AUTH_STAFF_MANAGE = "auth:staff:manage"
    AUTH_STAFF_VIEW = "auth:staff:view"
    # helpdesk
    HELPDESK_CALENDAR_MANAGE = "helpdesk:calendar:manage"
    HELPDESK_CATEGORIES_MANAGE = "helpdesk:categories:manage"
    HELPDESK_REQUESTS_ASSIGN = "helpdesk:requests:assign"
    HELPDESK_REQUESTS_REPLY = "helpdesk:requests:reply"
    HELPDESK_REQUESTS_VIEW = "helpdesk:requests:view"
    # privacy
    PRIVACY_AUDIT_EXPORT = "privacy:audit:export"
    PRIVACY_AUDIT_REVIEW = "privacy:audit:review"
    # store
    STORE_ENTITLEMENTS_CHECK = "store:entitlements:check"
    STORE_ORDERS_VIEW = "store:orders:view"
    STORE_PROGRAMS_MANAGE = "store:programs:manage"
    STORE_REFUNDS_MANAGE = "store:refunds:manage"
    STORE_REGISTRATIONS_CREATE = "store:registrations:create"
    STORE_ROSTERS_VIEW = "store:rosters:view"
    # staff console
    STAFF_BREAK_GLASS_REVIEW = "staff:break-glass:review"
    STAFF_CONSOLE_VIEW = "staff:console:view"


P = Permission
_HELPDESK = {
    P.STAFF_CONSOLE_VIEW,
    P.AUTH_PEOPLE_SEARCH,
    P.AUTH_PEOPLE_VIEW,
    P.AUTH_PEOPLE_BREAK_GLASS,
    P.HELPDESK_REQUESTS_VIEW,
    P.HELPDESK_REQUESTS_REPLY,
    # Registering a caller or someone at the counter, who pays at the desk.
    P.STORE_REGISTRATIONS_CREATE,
}

# The only place roles are given permissions. Residents hold none of the staff ones.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.RESIDENT: frozenset(),
    # Agents and coordinators staff the front desks, where passes are checked.
    Role.HELPDESK_AGENT: frozenset(_HELPDESK | {P.STORE_ENTITLEMENTS_CHECK}),
    Role.DEPARTMENT_LEAD: frozenset(
        _HELPDESK
        | {
            P.HELPDESK_REQUESTS_ASSIGN,
            # Only their own departments' categories; helpdesk.categories.manage scopes it.
            P.HELPDESK_CATEGORIES_MANAGE,
            P.AUTH_STAFF_VIEW,
        }
    ),
    # Medical notes on a roster are further limited to the coordinators of that program.
    Role.PROGRAM_COORDINATOR: frozenset(
        {
            P.STAFF_CONSOLE_VIEW,
            P.STORE_PROGRAMS_MANAGE,
            P.STORE_ROSTERS_VIEW,
            P.STORE_REGISTRATIONS_CREATE,
            P.STORE_ENTITLEMENTS_CHECK,
        }
    ),
    Role.FINANCE: frozenset(
        {P.STAFF_CONSOLE_VIEW, P.AUTH_PEOPLE_SEARCH, P.STORE_ORDERS_VIEW, P.STORE_REFUNDS_MANAGE}
    ),
    Role.PRIVACY_OFFICER: frozenset(
        {
            P.STAFF_CONSOLE_VIEW,
            P.PRIVACY_AUDIT_REVIEW,
            P.PRIVACY_AUDIT_EXPORT,
            P.AUTH_PEOPLE_SEARCH,
            P.AUTH_PEOPLE_VIEW,
            P.AUTH_PEOPLE_BREAK_GLASS,
            P.AUTH_STAFF_VIEW,
            P.STAFF_BREAK_GLASS_REVIEW,
        }
    ),
    # Administrators review break-glass grants only when the sole privacy officer made them.
    Role.ADMINISTRATOR: frozenset(
        {
            P.STAFF_CONSOLE_VIEW,
            P.AUTH_STAFF_VIEW,
            P.AUTH_STAFF_MANAGE,
            P.STAFF_BREAK_GLASS_REVIEW,
            P.HELPDESK_CATEGORIES_MANAGE,
            P.HELPDESK_CALENDAR_MANAGE,
        }
    ),
}
STAFF_ROLES = tuple(role for role in Role if role is not Role.RESIDENT)


def permissions_of(user: User) -> frozenset[Permission]:
    """Every permission the user's roles grant; none for inactive or non-staff accounts."""
    if not user.is_active or not user.is_staff:
        return frozenset()
    granted: set[Permission] = set()
    for held in user.roles:
        granted |= ROLE_PERMISSIONS[held.role]
    return frozenset(granted)


def has_permission(user: Any, permission: Permission) -> bool:
    """Tell whether a (possibly anonymous) user holds a permission."""
    return bool(getattr(user, "is_authenticated", False)) and permission in permissions_of(user)


def permission_required(permission: Permission) -> Callable[[F], F]:
    """Guard a view: anonymous users go to sign-in, staff without the permission get 403.

    The permission is recorded on the view so tests can check every staff route has one.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
            if not has_permission(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_permission = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def is_recently_authenticated(reauthenticated_at: dt.datetime | None) -> bool:
    """Tell whether the person proved who they are within the re-authentication window."""
    window = dt.timedelta(minutes=int(current_app.config["AUTH_REAUTH_MINUTES"]))
    return reauthenticated_at is not None and utcnow() - reauthenticated_at <= window


def reauthentication_required(view: F) -> F:
    """Ask for the password and one-time code again before a sensitive action."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        record = current_session()
        if record is None or not is_recently_authenticated(record.reauthenticated_at):
            return redirect(url_for("auth.reauthenticate", next=request.full_path))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
