"""Store: the program catalogue and the passes, memberships, drop-in visits and gift cards
residents buy; the cart, checkout through the payment gateway, and the resident's orders
and registrations.
"""

from flask import Flask

from . import payments
from .money import money
from .views import bp


def init_app(app: Flask) -> None:
    """Set up the payment gateway and the money filter the store's pages use."""
    payments.init_app(app)
    app.add_template_filter(money)


__all__ = ["bp", "init_app"]
