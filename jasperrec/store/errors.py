"""What can go wrong when residents fill a cart, check out and pay."""

from __future__ import annotations

from jasperrec.errors import JasperrecError


class StoreError(JasperrecError):
    """Base for store errors; the message is written for the resident."""


class NotEligibleError(StoreError):
    """The participant cannot take this program: age, a clash, or already registered."""


class ProgramFullError(StoreError):
    """Every space in the program is taken or held."""


class WaitlistError(StoreError):
    """A waitlist place cannot be taken, offered or accepted as asked."""


class OfferUnavailableError(WaitlistError):
    """The offer was already used, has lapsed, or the space is no longer free."""


class RegistrationClosedError(StoreError):
    """The program has started, or is no longer offered."""


class CartEmptyError(StoreError):
    """There is nothing to check out."""


class CartLimitError(StoreError):
    """The cart would hold more than a checkout allows."""


class EmailNotConfirmedError(StoreError):
    """Purchases need a confirmed email address, where receipts are sent."""


class OrderNotPendingError(StoreError):
    """The order was already paid, cancelled or expired."""


class OrderTransitionError(StoreError):
    """An order cannot move to that status from where it stands."""


class DeskPaymentError(StoreError):
    """The desk has something to collect and did not say how it was paid."""


class PaymentError(StoreError):
    """The payment processor refused or failed to start a payment."""


class InvalidWebhookError(StoreError):
    """A webhook's payload or signature does not check out."""


class PaymentMismatchError(StoreError):
    """The processor reports an amount other than the order's total."""


class RefundError(StoreError):
    """A refund cannot be made as asked; nothing was refunded."""


class RefundTooLargeError(RefundError):
    """The refund, with what was already refunded, would exceed what was paid."""


class RefundFailedError(RefundError):
    """The payment processor refused or failed the refund."""


class RefundStatusError(RefundError):
    """A refund cannot move to that status from where it stands."""


class WithdrawalError(StoreError):
    """The registration cannot be withdrawn: not confirmed, or the program is over."""


class PriceChangedError(StoreError):
    """A price changed since the resident put the item in the cart; they accept it first."""


class ProgramInvalidError(StoreError):
    """A program's details break the department's rules; each problem is given by field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class StatusChangeError(StoreError):
    """A program cannot move to that status from where it stands."""


class NotACoordinatorError(StoreError):
    """Only staff with the program coordinator role can coordinate a program."""


class OutOfStockError(StoreError):
    """Fewer of a product are left than the cart asks for."""


class StartDateError(StoreError):
    """A membership's start date is missing, past, or too far ahead."""


class MissingBirthdayError(NotEligibleError):
    """The product has ages, and the person it is for has no date of birth on file."""

    def __init__(self, message: str, member_id: int | None) -> None:
        super().__init__(message)
        # Whose date of birth to add: a household member, or the account holder when None.
        self.member_id = member_id


class ProductInvalidError(ProgramInvalidError):
    """A product's details break the rules for its kind; each problem is given by field."""


class GiftCardError(StoreError):
    """A gift card code cannot be redeemed; nothing changed."""


class GiftCardUnknownError(GiftCardError):
    """No gift card has that code: mistyped, or guessed."""


class GiftCardRedeemedError(GiftCardError):
    """The gift card was already redeemed, by this household or another."""


class GiftCardCancelledError(GiftCardError):
    """The gift card was cancelled when its purchase was refunded."""
