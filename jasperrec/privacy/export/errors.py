"""What can go wrong asking for or fetching a download."""

from __future__ import annotations

from jasperrec.errors import JasperrecError
from jasperrec.errors import NotFoundError


class ExportError(JasperrecError):
    """Base for download errors."""


class ExportInProgressError(ExportError):
    """The resident already has a download on its way."""


class ExportExpiredError(ExportError):
    """The link's 24 hours are over, or the archive was deleted."""


class ExportNotFoundError(NotFoundError):
    """No download of this resident's has that link."""


class InvalidTransitionError(ExportError):
    """A status change the table of transitions does not allow."""
