"""The resident's privacy pages."""

from __future__ import annotations

import io

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from jasperrec.auth.permissions import reauthentication_required
from jasperrec.extensions import client_key
from jasperrec.extensions import limiter
from jasperrec.forms import ConfirmForm
from jasperrec.personal_data import collect
from jasperrec.staff.audit import list_access_for_resident

from .export import service as exports
from .export.errors import ExportExpiredError
from .export.errors import ExportInProgressError

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


def _person_key() -> str:
    """Count a resident's download requests wherever they come from."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_key()


@bp.route("/access-log")
@login_required
def access_log() -> ResponseReturnValue:
    page = request.args.get("page", 1, type=int) or 1
    return render_template(
        "privacy/access_log.html", seen=list_access_for_resident(current_user, page)
    )


@bp.route("/my-information")
@login_required
@reauthentication_required
def my_information() -> ResponseReturnValue:
    return render_template(
        "privacy/my_information.html",
        kinds=collect(current_user),
        form=ConfirmForm(),
        **_download_context(),
    )


@bp.route("/download", methods=["GET", "POST"])
@limiter.limit(
    lambda: str(current_app.config["PRIVACY_EXPORT_LIMIT"]),
    methods=["POST"],
    key_func=_person_key,
    scope="privacy-export",
)
@login_required
@reauthentication_required
def request_download() -> ResponseReturnValue:
    # A POST sent to re-authenticate first comes back as a GET: it asks to confirm.
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            exports.request_export(current_user)
        except ExportInProgressError as error:
            flash(str(error), "info")
        else:
            flash("We are preparing your download and will email you a link.", "success")
        return redirect(url_for("privacy.my_information", _anchor="download-heading"))
    return render_template("privacy/request_download.html", form=form, **_download_context())


def _download_context() -> dict[str, object]:
    """The resident's latest download and what their page says of it."""
    latest = exports.find_latest_export(current_user)
    return {"latest": latest, "state": exports.download_state(latest)}


@bp.route("/download/<token>")
@login_required
def download(token: str) -> ResponseReturnValue:
    try:
        export = exports.get_download_for(current_user, token)
    except ExportExpiredError:
        return render_template("privacy/download_expired.html", form=ConfirmForm()), 410
    stamp = (export.ready_at or export.created_at).strftime("%Y-%m-%d")
    response = send_file(
        io.BytesIO(export.archive or b""),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{current_app.config['BRAND_PORTAL_NAME'].lower()}-personal-data-{stamp}.zip",
    )
    response.headers["Cache-Control"] = "no-store"
    return response
