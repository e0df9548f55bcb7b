"""The public information pages and the values every page's layout needs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import has_request_context
from flask import render_template
from flask.typing import ResponseReturnValue

from jasperrec.dates import clock
from jasperrec.dates import day
from jasperrec.dates import end_sentence
from jasperrec.dates import local_time as local_time  # helpdesk and staff import it from here
from jasperrec.dates import time_left
from jasperrec.forms import ConfirmForm

from .home import loaded_sections

bp = Blueprint("pages", __name__)

# Main navigation: (label, endpoint). An entry shows once the feature serving it is installed.
NAVIGATION = (
    ("Programs", "store.programs"),
    ("Passes & Memberships", "store.products"),
    ("Helpdesk", "helpdesk.index"),
    ("My Account", "auth.account"),
    ("Cart", "store.cart"),
)


def init_app(app: Flask) -> None:
    """Give every template the municipality's details, the navigation and the local clock."""
    app.add_template_filter(local_time)
    app.add_template_filter(day)
    app.add_template_filter(clock)
    app.add_template_filter(end_sentence)
    app.add_template_filter(time_left)
    app.context_processor(layout_context)


def _town() -> dict[str, Any]:
    config = current_app.config
    return {
        "name": config["MUNICIPALITY_NAME"],
        "short_name": config["MUNICIPALITY_SHORT_NAME"],
        "address": config["MUNICIPALITY_ADDRESS"],
        "phone": config["MUNICIPALITY_PHONE"],
        "email": config["MUNICIPALITY_EMAIL"],
        # The address jasperrec mail-in receives: mail there becomes a helpdesk request.
        "helpdesk_email": config["HELPDESK_REPLY_TO"],
        "website": config["MUNICIPALITY_WEBSITE"],
        "gst_number": config["MUNICIPALITY_GST_NUMBER"],
        "written_days": config["HELPDESK_STANDARD_DAYS"]["web"],
        "phone_days": config["HELPDESK_STANDARD_DAYS"]["phone"],
        "legislation": config["PRIVACY_LEGISLATION"],
    }


def layout_context() -> dict[str, Any]:
    """The values base.html needs on every page."""
    config = current_app.config
    endpoints = current_app.view_functions
    return {
        "town": _town(),
        "portal_name": config["BRAND_PORTAL_NAME"],
        "is_demo": config["IS_DEMO"],
        "navigation": [(label, ep) for label, ep in NAVIGATION if ep in endpoints],
        # Mail rendered by the worker has no request, hence no session for a CSRF token.
        "signout_form": ConfirmForm(formdata=None) if has_request_context() else None,
    }


@bp.route("/")
def home() -> ResponseReturnValue:
    return render_template("pages/home.html", sections=loaded_sections())


@bp.route("/privacy")
def privacy_statement() -> ResponseReturnValue:
    return render_template("pages/privacy.html")


@bp.route("/service-standards")
def service_standards() -> ResponseReturnValue:
    return render_template("pages/service_standards.html")


@bp.route("/accessibility")
def accessibility() -> ResponseReturnValue:
    return render_template("pages/accessibility.html")
