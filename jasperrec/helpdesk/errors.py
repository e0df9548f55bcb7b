"""Helpdesk errors a view turns into a message for the resident or staff member."""

from __future__ import annotations

from jasperrec.errors import JasperrecError


class RequestClosedError(JasperrecError):
    """The request is closed, so nothing more can be added to it."""


class ImageRefusedError(JasperrecError):
    """A photo sent with a request is not one we accept; nothing of it is kept."""


class MailRejectedError(JasperrecError):
    """An incoming email we will never accept; the mail server should bounce it."""


class TransitionNotAllowedError(JasperrecError):
    """The request cannot move from its status to the one asked for."""


class RequestNotOpenError(JasperrecError):
    """The request is resolved or closed; reopen it before working on it."""


class RequestNotResolvedError(JasperrecError):
    """Only a resolved request can be reported as not fixed."""


class NotInDepartmentError(JasperrecError):
    """The person cannot take the request: they do not answer for its department."""


class TransferError(JasperrecError):
    """The request cannot go to that department."""


class ClosureExistsError(JasperrecError):
    """The offices already have a closure on that date."""
