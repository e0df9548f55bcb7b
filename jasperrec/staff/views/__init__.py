"""Staff console pages under /staff/, each guarded by a named permission."""

from __future__ import annotations

from flask import Blueprint

from ..layout import guard_console
from ..layout import staff_navigation

bp = Blueprint("staff", __name__, url_prefix="/staff")

bp.before_request(guard_console)
bp.context_processor(staff_navigation)


# Each module adds its routes to bp.
from . import accounts  # noqa: E402
from . import calls  # noqa: E402
from . import categories  # noqa: E402
from . import closures  # noqa: E402
from . import console  # noqa: E402
from . import desk  # noqa: E402
from . import front_desk  # noqa: E402
from . import orders  # noqa: E402
from . import people  # noqa: E402
from . import privacy  # noqa: E402
from . import products  # noqa: E402
from . import program_sections  # noqa: E402
from . import programs  # noqa: E402
from . import requests  # noqa: E402
from . import rosters  # noqa: E402
from . import workflow  # noqa: E402

__all__ = [
    "accounts",
    "bp",
    "calls",
    "categories",
    "closures",
    "console",
    "desk",
    "front_desk",
    "orders",
    "people",
    "privacy",
    "products",
    "program_sections",
    "programs",
    "requests",
    "rosters",
    "workflow",
]
