"""Privacy centre: what the municipality holds about a resident, and who on staff has
looked at it.
"""

from .views import bp

__all__ = ["bp"]
