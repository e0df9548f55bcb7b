"""Store pages under /store/: catalogue, cart, checkout, orders, and the payment callbacks."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("store", __name__, url_prefix="/store")

# Each module adds its routes to bp.
from . import balance  # noqa: E402
from . import cart  # noqa: E402
from . import catalogue  # noqa: E402
from . import giftcards  # noqa: E402
from . import orders  # noqa: E402
from . import passes  # noqa: E402
from . import payments  # noqa: E402
from . import products  # noqa: E402
from . import registrations  # noqa: E402
from . import statements  # noqa: E402
from . import waitlist  # noqa: E402

__all__ = [
    "balance",
    "bp",
    "cart",
    "catalogue",
    "giftcards",
    "orders",
    "passes",
    "payments",
    "products",
    "registrations",
    "statements",
    "waitlist",
]
