"""Helpdesk: 311-style service requests from web, email, phone and the app, routed to
departments. Staff see a customer's details only while that customer's request is in one
of their queues or assigned to them.
"""

from flask import Flask

from jasperrec.personal_data import register

from . import escalation
from . import references
from . import workflow
from .personal_data import HelpdeskData
from .views import bp


def init_app(app: Flask) -> None:
    """Register the helpdesk's personal-data provider and number new requests on flush."""
    register(app, HelpdeskData())
    references.listen()


# The periodic tasks live in escalation and workflow; importing them registers them.
__all__ = ["bp", "escalation", "init_app", "workflow"]
