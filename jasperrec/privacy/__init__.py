"""Privacy centre: what the municipality holds about a resident, and who on staff has
looked at it.
"""

from flask import Flask

from jasperrec.personal_data import register

from . import labels
from .export.personal_data import ExportData
from .views import bp


def init_app(app: Flask) -> None:
    """Give templates the personal-data filters; register the downloads as personal data."""
    app.add_template_filter(labels.column_label)
    app.add_template_filter(labels.from_iso)
    register(app, ExportData())


__all__ = ["bp", "init_app"]
