"""Public pages and the layout's shared context: home, privacy statement, service standards."""

from .views import bp
from .views import init_app

__all__ = ["bp", "init_app"]
