"""Limits and the lock answer shared by the pages that check a signed-in person's password."""

from __future__ import annotations

from flask import current_app
from flask import make_response
from flask import render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from jasperrec.extensions import client_key

from .. import cookies


def person_key() -> str:
    """Key current-password limits on the signed-in person, wherever they connect from."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return client_key()


def limit_from(name: str) -> str:
    """Read a rate limit from config per request, so tests and deployments can change it."""
    return str(current_app.config[name])


def locked_out() -> Response:
    """End this session and show the lock: whoever holds it kept guessing the password."""
    locked = make_response(render_template("auth/locked.html"), 429)
    return cookies.stop_session(locked, "account locked")
