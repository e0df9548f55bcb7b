"""What the household ledger holds about a person: the money movements of their household
and the refunds of their orders, and, for staff, the movements and refunds they made."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.personal_data import Kind
from jasperrec.personal_data import Row
from jasperrec.personal_data import iso

from .models import LedgerEntry
from .models import Order
from .models import Refund
from .personal_data import AUTHORITY
from .personal_data import FINANCIAL_RETENTION


class LedgerData:
    """The household ledger's provider in the personal-data registry."""

    name = "store ledger"
    tables = frozenset({"ledger_entries", "refunds"})

    def export(self, user: User) -> list[Kind]:
        """Return the ledger rows and refunds the person is the household or actor of."""
        entries = db.session.scalars(
            sa.select(LedgerEntry)
            .options(selectinload(LedgerEntry.order))
            .where(sa.or_(LedgerEntry.user_id == user.id, LedgerEntry.actor_id == user.id))
            .order_by(LedgerEntry.id.desc())
        ).all()
        refunds = db.session.scalars(
            sa.select(Refund)
            .options(selectinload(Refund.order), selectinload(Refund.order_line))
            .join(Order, Order.id == Refund.order_id)
            .where(
                sa.or_(
                    Order.user_id == user.id,
                    Refund.requested_by_id == user.id,
                    Refund.status_changed_by_id == user.id,
                )
            )
            .order_by(Refund.id.desc())
        ).all()
        moved: tuple[Row, ...] = tuple(
            {
                "kind": e.kind.value,
                "balance": e.account.value,
                "amount_cents": e.amount_cents,
                "currency": e.currency,
                "status": e.status.value,
                "reason": e.reason,
                "order_reference": e.order.reference if e.order else None,
                "at": iso(e.created_at),
                "role": "your household" if e.user_id == user.id else "made by you (staff)",
            }
            for e in entries
        )
        given: tuple[Row, ...] = tuple(
            {
                "order_reference": r.order.reference,
                "item": r.order_line.description,
                "amount_cents": r.amount_cents,
                "to": r.destination.value,
                "reason": r.reason,
                "status": r.status.value,
                "requested_at": iso(r.created_at),
            }
            for r in refunds
        )
        return [
            Kind(
                key="ledger_entries",
                title="Payments, refunds and credits",
                purpose="To account for every payment, refund, credit and fee of your household.",
                retention=FINANCIAL_RETENTION,
                authority=AUTHORITY,
                rows=moved,
            ),
            Kind(
                key="refunds",
                title="Refunds",
                purpose="To give money back for withdrawals, cancellations and corrections.",
                retention=FINANCIAL_RETENTION,
                authority=AUTHORITY,
                rows=given,
            ),
        ]
