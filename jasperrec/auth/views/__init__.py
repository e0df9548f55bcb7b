"""Account pages: sign-in and registration, the resident's account, and their household."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

# Each module adds its routes to bp.
from . import account  # noqa: E402
from . import household  # noqa: E402
from . import mfa  # noqa: E402
from . import signin  # noqa: E402

__all__ = ["account", "bp", "household", "mfa", "signin"]
