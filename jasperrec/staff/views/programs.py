"""The coordinator's program pages: the season's list, a program's form, its status and copies."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import SelectChoice

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.store import programs as season
from jasperrec.store import rules
from jasperrec.store.errors import ProgramInvalidError
from jasperrec.store.errors import StoreError
from jasperrec.store.models import Program
from jasperrec.store.models import ProgramStatus
from jasperrec.store.program_details import registered_count

from .. import programs as listing
from ..forms.programs import ApprovalForm
from ..forms.programs import CopyForm
from ..forms.programs import ProgramForm
from ..forms.programs import ProgramListForm
from ..forms.programs import ProgramStatusForm
from ..forms.programs import details_from
from ..forms.programs import initial_data
from ..forms.programs import meeting_rows
from . import bp

MANAGE = Permission.STORE_PROGRAMS_MANAGE


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["MUNICIPALITY_TIMEZONE"])


def _list_filter(form: ProgramListForm) -> listing.ProgramFilter:
    page = request.args.get("page", 1, type=int) or 1
    if not form.validate():
        return listing.ProgramFilter(page=page)
    status = ProgramStatus(form.status.data) if form.status.data else None
    return listing.ProgramFilter(
        form.q.data or "", form.category.data or None, status, form.include_past.data, page
    )


@bp.route("/programs", endpoint="programs")
@permission_required(MANAGE)
def programs_page() -> ResponseReturnValue:
    form = ProgramListForm(request.args)
    sections = [SelectChoice(c.slug, c.name) for c, _ in listing.list_categories()]
    form.category.choices = [SelectChoice("", "Any section"), *sections]
    found = listing.list_programs(current_user, _list_filter(form))
    return render_template("staff/programs.html", form=form, found=found, args=request.args)


def _program_form(program: Program | None) -> ProgramForm:
    filled = len(program.meetings) if program else 1
    data = initial_data(program, _zone()) if program and request.method == "GET" else None
    form = meeting_rows(filled)(data=data)
    form.category.choices = [(c.id, c.name) for c, _ in listing.list_categories()]
    form.coordinators.choices = [(u.id, u.full_name) for u in listing.coordinator_choices()]
    if program is None and request.method == "GET":
        form.coordinators.data = [current_user.id]  # whoever creates it runs it, at first
    choices = listing.prerequisite_choices(program)
    form.prerequisites.choices = [(p.id, f"{p.name} ({p.starts_on:%B %Y})") for p in choices]
    return form


def _save(form: ProgramForm, program: Program | None) -> Program | None:
    """Save the form's program, or put each refusal beside its field and return None."""
    try:
        details = details_from(form, _zone())
        if program is None:
            return season.create_program(current_user, details)
        return season.update_program(current_user, program, details)
    except ProgramInvalidError as error:
        for field, message in error.problems.items():
            getattr(form, field).errors = [*getattr(form, field).errors, message]
    except StoreError as error:
        form.name.errors = [*form.name.errors, str(error)]
    return None


def _form_page(form: ProgramForm, program: Program | None, status: int) -> ResponseReturnValue:
    return render_template(
        "staff/program_form.html", form=form, program=program, status_form=ProgramStatusForm(),
        copy_form=CopyForm(), approval_form=ApprovalForm(),
        history=season.status_history(program) if program else [],
        approvals=rules.list_approvals(program) if program else [],
        taken=registered_count(program) if program else 0,
    ), status  # fmt: skip


@bp.route("/programs/new", methods=["GET", "POST"])
@permission_required(MANAGE)
def new_program() -> ResponseReturnValue:
    form = _program_form(None)
    if form.validate_on_submit() and (saved := _save(form, None)) is not None:
        flash(f"{saved.name} is saved as a draft. Publish it when it is ready.", "success")
        return redirect(url_for("staff.program", program_id=saved.id))
    return _form_page(form, None, 400 if form.is_submitted() else 200)


@bp.route("/programs/<int:program_id>", methods=["GET", "POST"])
@permission_required(MANAGE)
def program(program_id: int) -> ResponseReturnValue:
    current = season.get_program(program_id)
    form = _program_form(current)
    if form.validate_on_submit() and _save(form, current) is not None:
        flash(f"{current.name} is saved.", "success")
        return redirect(url_for("staff.program", program_id=current.id))
    return _form_page(form, current, 400 if form.is_submitted() else 200)


@bp.route("/programs/<int:program_id>/status", methods=["POST"])
@permission_required(MANAGE)
def program_status(program_id: int) -> ResponseReturnValue:
    current, form = season.get_program(program_id), ProgramStatusForm()
    if form.validate_on_submit():
        try:
            season.change_status(
                current_user, current, ProgramStatus(form.to.data), form.reason.data
            )
        except StoreError as error:
            flash(str(error), "error")
        else:
            flash(f"{current.name} is now {current.status.value}.", "success")
    return redirect(url_for("staff.program", program_id=program_id))


@bp.route("/programs/<int:program_id>/copy", methods=["POST"])
@permission_required(MANAGE)
def copy_program(program_id: int) -> ResponseReturnValue:
    current, form = season.get_program(program_id), CopyForm()
    if not form.validate_on_submit():
        flash(" ".join(form.first_day.errors) or "Choose the copy's first day.", "error")
        return redirect(url_for("staff.program", program_id=program_id))
    try:
        copy = season.copy_program(current_user, current, form.first_day.data)
    except ProgramInvalidError as error:
        flash(str(error), "error")
        return redirect(url_for("staff.program", program_id=program_id))
    flash(f"This is the copy of {current.name}, a draft. Check it and publish it.", "success")
    return redirect(url_for("staff.program", program_id=copy.id))


@bp.route("/programs/<int:program_id>/approvals", methods=["POST"])
@permission_required(MANAGE)
def approve_participant(program_id: int) -> ResponseReturnValue:
    current, form = season.get_program(program_id), ApprovalForm()
    if form.validate_on_submit():
        try:
            rules.approve(current_user, current, form.email.data, form.participant.data,
                          form.note.data)  # fmt: skip
        except StoreError as error:
            flash(str(error), "error")
        else:
            flash("Approved. They can register online now.", "success")
    return redirect(url_for("staff.program", program_id=program_id, _anchor="approvals"))
