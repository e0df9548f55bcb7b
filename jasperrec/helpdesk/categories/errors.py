"""Why a change to a category was refused, in words for the staff member who asked."""

from __future__ import annotations

from jasperrec.errors import JasperrecError


class CategoryError(JasperrecError):
    """The change would break a rule of categories, questions or keywords."""


class DepartmentNotManagedError(CategoryError):
    """The staff member may not put a category in that department."""


class TooManyError(CategoryError):
    """The category already has as many questions or keywords as it may."""


class DuplicateKeywordError(CategoryError):
    """The category already routes on that phrase."""
