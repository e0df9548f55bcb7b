"""Errors the staff console's services raise."""

from jasperrec.errors import JasperrecError


class NeedToKnowError(JasperrecError):
    """The staff member has no request, roster or grant that justifies seeing this record."""


class StaffAccountError(JasperrecError):
    """A staff account change that is not allowed, such as deactivating oneself."""


class SearchTooShortError(JasperrecError):
    """A people search without enough letters or digits to narrow it to a few residents."""


class GrantReviewError(JasperrecError):
    """A break-glass review by someone the rule does not allow, such as its own grantee."""
