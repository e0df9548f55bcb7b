"""The resident's privacy pages."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from jasperrec.auth.permissions import reauthentication_required
from jasperrec.personal_data import collect
from jasperrec.staff.audit import list_access_for_resident

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


@bp.route("/access-log")
@login_required
def access_log() -> ResponseReturnValue:
    return render_template("privacy/access_log.html", seen=list_access_for_resident(current_user))


@bp.route("/my-information")
@login_required
@reauthentication_required
def my_information() -> ResponseReturnValue:
    return render_template("privacy/my_information.html", kinds=collect(current_user))
