"""Helpdesk: 311-style service requests from web, email, phone and the app, routed to
departments. Staff see a customer's details only while that customer's request is in one
of their queues or assigned to them.
"""

from .views import bp

__all__ = ["bp"]
