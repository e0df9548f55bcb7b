"""The store's tables: programs, products and passes, carts, orders, registrations, the ledger,
gift cards and waitlists.

Split by what they describe; import them from here.
"""

from __future__ import annotations

from .giftcards import GIFT_CODE_ALPHABET
from .giftcards import GIFT_CODE_LENGTH
from .giftcards import GiftCard
from .ledger import LedgerAccount
from .ledger import LedgerEntry
from .ledger import LedgerImmutableError
from .ledger import LedgerKind
from .ledger import LedgerStatus
from .ledger import Refund
from .ledger import RefundDestination
from .ledger import RefundStatus
from .orders import MAX_QUANTITY
from .orders import CartItem
from .orders import Order
from .orders import OrderLine
from .orders import OrderStatus
from .orders import OrderStatusChange
from .orders import PaymentMethod
from .orders import ProcessedEvent
from .orders import Registration
from .orders import RegistrationStatus
from .products import CODE_ALPHABET
from .products import CODE_LENGTH
from .products import DeskAction
from .products import DeskCheck
from .products import DeskOutcome
from .products import Entitlement
from .products import Product
from .products import ProductKind
from .products import ProductStatusChange
from .products import Visit
from .programs import PROGRAM_SEARCH_VECTOR
from .programs import SEARCH_CONFIGURATION
from .programs import Program
from .programs import ProgramApproval
from .programs import ProgramCategory
from .programs import ProgramCoordinator
from .programs import ProgramMeeting
from .programs import ProgramPrerequisite
from .programs import ProgramStatus
from .programs import ProgramStatusChange
from .programs import TimeOfDay
from .waitlist import OFFER_STATUSES
from .waitlist import OPEN_STATUSES
from .waitlist import WaitlistChange
from .waitlist import WaitlistEntry
from .waitlist import WaitlistStatus

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CartItem",
    "DeskAction",
    "DeskCheck",
    "DeskOutcome",
    "Entitlement",
    "GIFT_CODE_ALPHABET",
    "GIFT_CODE_LENGTH",
    "GiftCard",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerImmutableError",
    "LedgerKind",
    "LedgerStatus",
    "MAX_QUANTITY",
    "OFFER_STATUSES",
    "OPEN_STATUSES",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OrderStatusChange",
    "PROGRAM_SEARCH_VECTOR",
    "PaymentMethod",
    "ProcessedEvent",
    "Product",
    "ProductKind",
    "ProductStatusChange",
    "Program",
    "ProgramApproval",
    "ProgramCategory",
    "ProgramCoordinator",
    "ProgramMeeting",
    "ProgramPrerequisite",
    "ProgramStatus",
    "ProgramStatusChange",
    "Refund",
    "RefundDestination",
    "RefundStatus",
    "Registration",
    "RegistrationStatus",
    "SEARCH_CONFIGURATION",
    "TimeOfDay",
    "Visit",
    "WaitlistChange",
    "WaitlistEntry",
    "WaitlistStatus",
]
