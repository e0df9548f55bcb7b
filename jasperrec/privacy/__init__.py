"""Privacy centre: what the municipality holds about a resident, who on staff has looked at
it, and an access log of the site's use that names no one.
"""

from flask import Flask

from jasperrec.personal_data import register

from . import labels
from . import traffic
from .console import console_bp
from .export.personal_data import ExportData
from .rollup import purge_traffic_task
from .rollup import summarise_traffic_task
from .views import bp


def init_app(app: Flask) -> None:
    """Give templates the personal-data filters, register the downloads as personal data,
    start the anonymous access log and add the site-use reports to the staff console."""
    app.add_template_filter(labels.column_label)
    app.add_template_filter(labels.from_iso)
    register(app, ExportData())
    traffic.init_app(app)
    app.register_blueprint(console_bp)


__all__ = ["bp", "init_app", "purge_traffic_task", "summarise_traffic_task"]
