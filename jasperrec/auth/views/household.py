"""The resident's household: list, add, edit and remove members."""

from __future__ import annotations

from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from jasperrec.forms import ConfirmForm

from .. import household
from ..forms import EmergencyContactForm
from ..forms import HouseholdMemberForm
from ..models import Relation
from . import bp


def _details(form: HouseholdMemberForm) -> household.MemberDetails:
    return household.MemberDetails(
        first_name=form.first_name.data,
        last_name=form.last_name.data,
        date_of_birth=form.date_of_birth.data,
        relation=Relation(form.relation.data),
        medical_notes=form.medical_notes.data,
    )


@bp.route("/household")
@login_required
def members() -> ResponseReturnValue:
    members = household.list_members(current_user)
    return render_template(
        "auth/household.html",
        members=members,
        ages=household.ages_today(members),
        contact=household.find_emergency_contact(current_user),
        form=ConfirmForm(),
    )


@bp.route("/household/new", methods=["GET", "POST"])
@login_required
def add_member() -> ResponseReturnValue:
    form = HouseholdMemberForm()
    if form.validate_on_submit():
        member = household.add_member(current_user, _details(form))
        flash(f"{member.first_name} is added to your household.", "success")
        return redirect(url_for("auth.members"))
    return render_template("auth/member_form.html", form=form, member=None)


@bp.route("/household/<int:member_id>/edit", methods=["GET", "POST"])
@login_required
def edit_member(member_id: int) -> ResponseReturnValue:
    member = household.get_member_for(current_user, member_id)
    form = HouseholdMemberForm(obj=member)
    if form.validate_on_submit():
        household.update_member(current_user, member_id, _details(form))
        flash(f"{form.first_name.data}'s details are saved.", "success")
        return redirect(url_for("auth.members"))
    return render_template("auth/member_form.html", form=form, member=member)


@bp.route("/household/<int:member_id>/remove", methods=["POST"])
@login_required
def remove_member(member_id: int) -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        household.remove_member(current_user, member_id)
        flash("That person is removed from your household.", "success")
    return redirect(url_for("auth.members"))


@bp.route("/household/emergency-contact", methods=["GET", "POST"])
@login_required
def emergency_contact() -> ResponseReturnValue:
    contact = household.find_emergency_contact(current_user)
    form = EmergencyContactForm(obj=contact)
    if form.validate_on_submit():
        details = household.EmergencyContactDetails(
            name=form.name.data, phone=form.phone.data, relation=form.relation.data
        )
        household.save_emergency_contact(current_user, details)
        flash("Your emergency contact is saved.", "success")
        return redirect(url_for("auth.members"))
    return render_template("auth/emergency_contact.html", form=form, contact=contact)


@bp.route("/household/emergency-contact/remove", methods=["POST"])
@login_required
def remove_emergency_contact() -> ResponseReturnValue:
    if ConfirmForm().validate_on_submit():
        household.remove_emergency_contact(current_user)
        flash("Your emergency contact is removed.", "success")
    return redirect(url_for("auth.members"))
