"""The staff console's forms, by what they work on; they check syntax only."""

from .categories import CategoryForm
from .categories import KeywordForm
from .categories import QuestionForm
from .orders import OrderFilterForm
from .orders import RefundForm
from .people import AuditFilterForm
from .people import BreakGlassForm
from .people import CheckboxListField
from .people import NewStaffForm
from .people import SearchForm
from .people import StaffRolesForm
from .people import role_choices
from .requests import AssignForm
from .requests import CallForm
from .requests import ClosureForm
from .requests import NoteForm
from .requests import QueueFilterForm
from .requests import ReopenForm
from .requests import ReplyForm
from .requests import ResolveForm
from .requests import StatusForm
from .requests import TransferForm
from .rosters import DeskRegistrationForm
from .rosters import ProgramFilterForm

__all__ = [
    "AssignForm",
    "AuditFilterForm",
    "BreakGlassForm",
    "CallForm",
    "CategoryForm",
    "DeskRegistrationForm",
    "CheckboxListField",
    "ClosureForm",
    "KeywordForm",
    "NewStaffForm",
    "NoteForm",
    "OrderFilterForm",
    "RefundForm",
    "ProgramFilterForm",
    "QuestionForm",
    "QueueFilterForm",
    "ReopenForm",
    "ReplyForm",
    "ResolveForm",
    "SearchForm",
    "StaffRolesForm",
    "StatusForm",
    "TransferForm",
    "role_choices",
]
