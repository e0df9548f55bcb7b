"""Staff console: roles and permissions, need-to-know access to residents' records with
break-the-glass exceptions, the append-only audit of staff reads, and staff accounts.
"""

from flask import Flask

from jasperrec.personal_data import register

from .personal_data import StaffData
from .views import bp


def init_app(app: Flask) -> None:
    """Register the staff console's provider of who viewed a resident's record."""
    register(app, StaffData())


__all__ = ["bp", "init_app"]
