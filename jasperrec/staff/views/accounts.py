"""Staff accounts: the list, creation, roles and departments, deactivation."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import SelectChoice

from jasperrec.auth.errors import EmailTakenError
from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.auth.permissions import reauthentication_required
from jasperrec.forms import ConfirmForm

from .. import accounts
from ..errors import StaffAccountError
from ..forms import NewStaffForm
from ..forms import StaffRolesForm
from . import bp


def _with_departments(form: StaffRolesForm) -> StaffRolesForm:
    form.departments.choices = [SelectChoice(d.id, d.name) for d in accounts.list_departments()]
    return form


def _roles_form(member: User) -> StaffRolesForm:
    current = {
        "roles": [r.role.value for r in member.roles],
        "departments": [d.id for d in member.departments],
    }
    return _with_departments(StaffRolesForm(data=current))


@bp.route("/accounts")
@permission_required(Permission.AUTH_STAFF_VIEW)
def accounts_list() -> ResponseReturnValue:
    return render_template("staff/accounts.html", staff=accounts.list_staff(), form=ConfirmForm())


@bp.route("/accounts/new", methods=["GET", "POST"])
@permission_required(Permission.AUTH_STAFF_MANAGE)
@reauthentication_required
def new_staff() -> ResponseReturnValue:
    form = _with_departments(NewStaffForm())
    if form.validate_on_submit():
        details = accounts.NewStaff(
            email=form.email.data,
            first_name=form.first_name.data,
            last_name=form.last_name.data,
            roles=frozenset(Role(r) for r in form.roles.data),
            department_ids=frozenset(form.departments.data or ()),
        )
        try:
            accounts.create_staff(current_user, details)
        except EmailTakenError as exc:
            form.email.errors.append(str(exc))
        else:
            flash(f"{details.first_name} has been emailed a link to choose a password.", "success")
            return redirect(url_for("staff.accounts_list"))
    return render_template("staff/new_staff.html", form=form)


@bp.route("/accounts/<int:staff_id>/roles", methods=["GET", "POST"])
@permission_required(Permission.AUTH_STAFF_MANAGE)
@reauthentication_required
def staff_roles(staff_id: int) -> ResponseReturnValue:
    member = accounts.get_staff(staff_id)
    form = _roles_form(member)
    if form.validate_on_submit():
        try:
            accounts.change_roles(
                current_user,
                staff_id,
                frozenset(Role(r) for r in form.roles.data),
                frozenset(form.departments.data or ()),
            )
        except StaffAccountError as exc:
            form.roles.errors.append(str(exc))
        else:
            flash(f"{member.first_name}'s roles are saved.", "success")
            return redirect(url_for("staff.accounts_list"))
    return render_template("staff/staff_roles.html", form=form, member=member)


@bp.route("/accounts/<int:staff_id>/<any(deactivate, reactivate):action>", methods=["GET", "POST"])
@permission_required(Permission.AUTH_STAFF_MANAGE)
@reauthentication_required
def set_staff_active(staff_id: int, action: str) -> ResponseReturnValue:
    # A POST sent to re-authenticate first comes back as a GET: it asks to confirm.
    form = ConfirmForm()
    if not form.validate_on_submit():
        member = accounts.get_staff(staff_id)
        return render_template(
            "staff/set_staff_active.html", form=form, member=member, action=action
        )
    try:
        member = accounts.set_active(current_user, staff_id, action == "reactivate")
    except StaffAccountError as exc:
        flash(str(exc), "error")
    else:
        flash(f"{member.full_name} is {action}d.", "success")
    return redirect(url_for("staff.accounts_list"))
