"""The staff console's frame: its deny-by-default guard and its navigation.

Any blueprint whose pages use the console layout (staff's own, privacy's reports) installs
both, so a higher feature joins the console without staff importing it.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import has_permission
from jasperrec.auth.permissions import permissions_of

# The console's navigation: (label, endpoint, permission). Every entry names a page that
# exists; tests/staff/test_layout.py checks it.
STAFF_NAVIGATION = (
    ("Dashboard", "staff.home", Permission.STAFF_CONSOLE_VIEW),
    ("Queues", "staff.queues", Permission.HELPDESK_REQUESTS_VIEW),
    ("Log a call", "staff.new_call", Permission.HELPDESK_REQUESTS_REPLY),
    ("People", "staff.people", Permission.AUTH_PEOPLE_SEARCH),
    ("Front desk", "staff.front_desk", Permission.STORE_ENTITLEMENTS_CHECK),
    ("Orders", "staff.orders", Permission.STORE_ORDERS_VIEW),
    ("Programs", "staff.programs", Permission.STORE_PROGRAMS_MANAGE),
    ("Products", "staff.products", Permission.STORE_PROGRAMS_MANAGE),
    ("Rosters", "staff.rosters", Permission.STORE_ROSTERS_VIEW),
    ("Register at the desk", "staff.desk_programs", Permission.STORE_REGISTRATIONS_CREATE),
    ("Request categories", "staff.categories", Permission.HELPDESK_CATEGORIES_MANAGE),
    ("Staff", "staff.accounts_list", Permission.AUTH_STAFF_VIEW),
    ("Closure days", "staff.closure_days", Permission.HELPDESK_CALENDAR_MANAGE),
    ("Privacy", "staff.access_log", Permission.PRIVACY_AUDIT_REVIEW),
    ("Site use", "privacy_console.traffic", Permission.PRIVACY_AUDIT_REVIEW),
    ("Break-glass reviews", "staff.break_glass_reviews", Permission.STAFF_BREAK_GLASS_REVIEW),
)


def guard_console() -> ResponseReturnValue | None:
    """Deny by default: staff only, enrolled in two-step sign-in, on a route that names a
    permission. The route's own decorator then checks that permission."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]
    if not current_user.is_staff:
        abort(403)
    if not current_user.is_mfa_enabled:
        flash("Set up two-step sign-in to open the staff console.", "info")
        return redirect(url_for("auth.setup_mfa"))
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "required_permission", None) is None:
        abort(403)
    return None


def staff_navigation() -> dict[str, Any]:
    """Give the console layout the entries this staff member may open, and who they are."""
    if not current_user.is_authenticated:
        return {}
    return {
        "current_user_permissions": {p.value for p in permissions_of(current_user)},
        "staff_navigation": [
            (label, endpoint)
            for label, endpoint, permission in STAFF_NAVIGATION
            if has_permission(current_user, permission)
        ],
        "staff_departments": [d.name for d in current_user.departments],
    }
