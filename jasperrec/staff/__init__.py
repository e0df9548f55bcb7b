"""Staff console: roles and permissions, need-to-know access to residents' records with
break-the-glass exceptions, the append-only audit of staff reads, and staff accounts.
"""

from .views import bp

__all__ = ["bp"]
