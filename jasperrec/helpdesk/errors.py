"""Helpdesk errors a view turns into a message for the resident or staff member."""

from __future__ import annotations

from jasperrec.errors import JasperrecError


class RequestClosedError(JasperrecError):
    """The request is closed, so nothing more can be added to it."""


class ImageRefusedError(JasperrecError):
    """A photo sent with a request is not one we accept; nothing of it is kept."""


class MailRejectedError(JasperrecError):
    """An incoming email we will never accept; the mail server should bounce it."""
