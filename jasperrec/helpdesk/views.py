"""The resident's helpdesk pages: ask for help and follow one's own requests."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("helpdesk", __name__, url_prefix="/helpdesk")
