"""Privacy centre: what the municipality holds about a resident, and who on staff has
looked at it.
"""

from flask import Flask

from . import labels
from .views import bp


def init_app(app: Flask) -> None:
    """Give templates the filters that show personal-data rows in plain language."""
    app.add_template_filter(labels.column_label)
    app.add_template_filter(labels.from_iso)


__all__ = ["bp", "init_app"]
