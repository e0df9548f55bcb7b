"""Store: the program catalogue and the passes, memberships, drop-in visits and gift cards
residents buy; the cart, checkout through the payment gateway, and the resident's orders
and registrations.
"""

from .views import bp

__all__ = ["bp"]
