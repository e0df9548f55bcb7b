"""Waitlists for full programs: a resident waits free of charge and sees their place; a
freed space is offered to the next eligible person for a time that shrinks as the program
nears; an offer lapses to the next person; registering takes a person off clashing waitlists.
"""

from .clashes import remove_clashing
from .clashes import remove_clashing_for
from .offers import accept_offer
from .offers import claim_offer
from .offers import find_offer
from .offers import offer_free_spaces
from .offers import offer_free_spaces_task
from .offers import offer_token
from .offers import participant_of
from .offers import promote
from .offers import reopen_offers
from .offers import space_freed
from .offers import spaces_freed
from .places import WaitlistPlace
from .places import add_to_waitlist
from .places import join_waitlist
from .places import leave_waitlist
from .places import list_places_for
from .places import list_waitlist
from .places import position_of
from .places import put_first
from .states import TRANSITIONS
from .states import move_entry

__all__ = [
    "TRANSITIONS",
    "WaitlistPlace",
    "accept_offer",
    "add_to_waitlist",
    "claim_offer",
    "find_offer",
    "join_waitlist",
    "leave_waitlist",
    "list_places_for",
    "list_waitlist",
    "put_first",
    "move_entry",
    "offer_free_spaces",
    "offer_free_spaces_task",
    "offer_token",
    "position_of",
    "participant_of",
    "promote",
    "remove_clashing",
    "reopen_offers",
    "remove_clashing_for",
    "space_freed",
    "spaces_freed",
]
