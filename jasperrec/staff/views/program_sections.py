"""The program guide's sections, which coordinators add, rename and remove when empty."""

from __future__ import annotations

from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import permission_required
from jasperrec.extensions import db
from jasperrec.forms import ConfirmForm
from jasperrec.store.errors import ProgramInvalidError
from jasperrec.store.models import ProgramCategory

from .. import programs as listing
from ..forms.programs import SectionForm
from . import bp

MANAGE = Permission.STORE_PROGRAMS_MANAGE


def _page(form: SectionForm, status: int = 200) -> ResponseReturnValue:
    sections = listing.list_categories()
    forms = {c.id: SectionForm(prefix=f"s{c.id}", name=c.name) for c, _ in sections}
    return render_template(
        "staff/program_sections.html", form=form, sections=sections, rename_forms=forms,
        confirm_form=ConfirmForm(),
    ), status  # fmt: skip


def _section(section_id: int) -> ProgramCategory:
    return db.session.get(ProgramCategory, section_id) or abort(404)


@bp.route("/program-sections", methods=["GET", "POST"])
@permission_required(MANAGE)
def program_sections() -> ResponseReturnValue:
    form = SectionForm()
    if not form.validate_on_submit():
        return _page(form, 400 if form.is_submitted() else 200)
    try:
        listing.save_category(current_user, form.name.data)
    except ProgramInvalidError as error:
        form.name.errors = [str(error)]
        return _page(form, 400)
    flash(f"The section {form.name.data} is added.", "success")
    return redirect(url_for("staff.program_sections"))


@bp.route("/program-sections/<int:section_id>", methods=["POST"])
@permission_required(MANAGE)
def rename_section(section_id: int) -> ResponseReturnValue:
    section, form = _section(section_id), SectionForm(prefix=f"s{section_id}")
    try:
        if form.validate_on_submit():
            listing.save_category(current_user, form.name.data, section)
            flash(f"The section is now called {section.name}.", "success")
    except ProgramInvalidError as error:
        flash(str(error), "error")
    return redirect(url_for("staff.program_sections"))


@bp.route("/program-sections/<int:section_id>/delete", methods=["POST"])
@permission_required(MANAGE)
def delete_section(section_id: int) -> ResponseReturnValue:
    section = _section(section_id)
    try:
        if ConfirmForm().validate_on_submit():
            listing.delete_category(current_user, section)
            flash(f"The section {section.name} is removed.", "success")
    except ProgramInvalidError as error:
        flash(str(error), "error")
    return redirect(url_for("staff.program_sections"))
