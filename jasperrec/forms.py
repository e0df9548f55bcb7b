"""The one shared form: a CSRF-only form behind every POST button."""

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """Carry the CSRF token for a button that changes state (sign out, remove, end)."""
