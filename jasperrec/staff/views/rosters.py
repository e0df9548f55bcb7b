"""Rosters: the program list, one program's participants, and its CSV export."""

from __future__ import annotations

from flask import Response
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
from jasperrec.auth.permissions import reauthentication_required
from jasperrec.extensions import db
from jasperrec.forms import ConfirmForm
from jasperrec.store import waitlist
from jasperrec.store.catalogue import list_categories
from jasperrec.store.errors import StoreError
from jasperrec.store.models import Program

from .. import roster_export
from .. import rosters
from ..forms import ProgramFilterForm
from . import bp


def program_filter_form() -> ProgramFilterForm:
    """The program filter, read from the query string, with the guide's sections to pick."""
    form = ProgramFilterForm(request.args)
    sections = [SelectChoice(c.slug, c.name) for c in list_categories()]
    form.category.choices = [SelectChoice("", "Any section"), *sections]
    return form


def program_filter(form: ProgramFilterForm) -> rosters.ProgramFilter:
    """The form's values when it reads cleanly; otherwise every program, as the page says."""
    page = request.args.get("page", 1, type=int) or 1
    if not form.validate():
        return rosters.ProgramFilter(page=page)
    return rosters.ProgramFilter(
        text=form.q.data or "",
        category=form.category.data or None,
        starts_from=form.starts_from.data,
        starts_to=form.starts_to.data,
        mine_only=bool(form.mine.data),
        page=page,
    )


@bp.route("/rosters", endpoint="rosters")
@permission_required(Permission.STORE_ROSTERS_VIEW)
def rosters_page() -> ResponseReturnValue:
    form = program_filter_form()
    found = rosters.list_programs(current_user, program_filter(form))
    return render_template(
        "staff/rosters.html", form=form, found=found, args=request.args, for_desk=False
    )


@bp.route("/rosters/<int:program_id>")
@permission_required(Permission.STORE_ROSTERS_VIEW)
def roster(program_id: int) -> ResponseReturnValue:
    found = rosters.open_roster(current_user, program_id)
    return render_template(
        "staff/roster.html",
        roster=found,
        withheld=rosters.NOTES_WITHHELD,
        waitlist=waitlist.list_waitlist(found.program),
        form=ConfirmForm(),
    )


@bp.route("/rosters/<int:program_id>/waitlist/<int:entry_id>/promote", methods=["POST"])
@permission_required(Permission.STORE_REGISTRATIONS_CREATE)
def promote_from_waitlist(program_id: int, entry_id: int) -> ResponseReturnValue:
    program = db.get_or_404(Program, program_id)
    if ConfirmForm().validate_on_submit():
        try:
            offered = waitlist.promote(program, entry_id=entry_id, by=current_user)
        except StoreError as error:
            flash(str(error), "error")
        else:
            names = ", ".join(waitlist.participant_of(entry) for entry in offered)
            flash(
                f"Offered the space to {names}."
                if names
                else "That person can no longer take the program and left the waitlist."
            )
    return redirect(url_for("staff.roster", program_id=program_id))


@bp.route("/rosters/<int:program_id>/roster.csv")
@permission_required(Permission.STORE_ROSTERS_VIEW)
@reauthentication_required
def roster_csv(program_id: int) -> ResponseReturnValue:
    body = roster_export.export_roster(current_user, program_id)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=roster-{program_id}.csv"},
    )
