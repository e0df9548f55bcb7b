"""Waitlist pages: joining a full program's waitlist, leaving it, and accepting an offer."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from jasperrec.forms import ConfirmForm

from .. import eligibility
from .. import service
from .. import waitlist
from ..errors import StoreError
from ..forms import AddProgramForm
from . import bp


@bp.route("/programs/<slug>/waitlist", methods=["POST"])
@login_required
def join_waitlist(slug: str) -> ResponseReturnValue:
    program = service.get_program(slug).program
    form = AddProgramForm()
    people = eligibility.list_participants(current_user, program)
    form.set_people([(person.member_id, person.label) for person in people])
    if form.validate_on_submit():
        try:
            entry = waitlist.join_waitlist(current_user, slug, form.member_id)
        except StoreError as error:
            flash(str(error), "error")
        else:
            flash(f"On the waitlist for {entry.program.name}. We email you if a space opens.")
            return redirect(url_for("store.my_registrations"))
    return redirect(url_for("store.program", slug=slug))


@bp.route("/waitlist/<int:entry_id>/leave", methods=["POST"])
@login_required
def leave_waitlist(entry_id: int) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        try:
            entry = waitlist.leave_waitlist(current_user, entry_id)
        except StoreError as error:
            flash(str(error), "error")
        else:
            flash(f"Off the waitlist for {entry.program.name}.", "success")
    return redirect(url_for("store.my_registrations"))


@bp.route("/waitlist/offers/<token>", methods=["GET", "POST"])
@login_required
def waitlist_offer(token: str) -> ResponseReturnValue:
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            entry = waitlist.accept_offer(current_user, token)
        except StoreError as error:
            flash(str(error), "error")
            return redirect(url_for("store.my_registrations"))
        flash(f"{entry.program.name} is in your cart: check out to take the space.", "success")
        return redirect(url_for("store.cart"))
    entry = waitlist.find_offer(current_user, token)
    return render_template("store/waitlist_offer.html", entry=entry, form=form, token=token)
