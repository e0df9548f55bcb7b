"""Helpdesk errors a view turns into a message for the resident or staff member."""

from __future__ import annotations

from jasperrec.errors import JasperrecError


class RequestClosedError(JasperrecError):
    """The request is closed, so nothing more can be added to it."""


class ImageRefusedError(JasperrecError):
    """A photo sent with a request is not one we accept; nothing of it is kept."""


class TransitionNotAllowedError(JasperrecError):
    """The request cannot move from its status to the one asked for."""
