"""Store: the program catalogue and the passes, memberships, drop-in visits and gift cards
residents buy; the cart, checkout through the payment gateway, and the resident's orders
and registrations.
"""

from typing import Any

from flask import Flask
from flask_login import current_user

from jasperrec.pages.home import HomeSection
from jasperrec.pages.home import register_home_section
from jasperrec.personal_data import register

from . import catalogue
from . import payments
from . import service
from .ledger_data import LedgerData
from .money import money
from .personal_data import StoreData
from .program_data import ProgramData
from .schedule import describe_schedule
from .views import bp
from .waitlist.personal_data import WaitlistData


def init_app(app: Flask) -> None:
    """Set up the payment gateway, the money and schedule filters, the cart count and the data
    provider."""
    payments.init_app(app)
    register(app, StoreData())
    register(app, ProgramData())
    register(app, LedgerData())
    register(app, WaitlistData())
    app.add_template_filter(money)
    app.add_template_filter(describe_schedule, "schedule")
    app.context_processor(cart_badge)
    register_home_section(app, HomeSection("store/_home_open_now.html", _open_now))


def _open_now() -> dict[str, Any]:
    """The home page's programs open now (soonest with a space) and opening soon."""
    return {"listings": catalogue.open_now(), "soon": catalogue.opening_soon()}


def cart_badge() -> dict[str, Any]:
    """Give the layout the number of items in a signed-in resident's cart."""
    # Mail is rendered outside any request, with no one signed in.
    if not (current_user and current_user.is_authenticated):
        return {}
    return {"nav_counts": {"store.cart": service.count_cart_items(current_user)}}


__all__ = ["bp", "init_app"]
