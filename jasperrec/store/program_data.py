"""What the program side of the store holds about a person: the approvals a resident was
given, and, for staff, the programs they published, withdrew or cancelled and the
approvals they gave."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.personal_data import Kind
from jasperrec.personal_data import Row
from jasperrec.personal_data import iso

from .models import ProductStatusChange
from .models import ProgramApproval
from .models import ProgramStatusChange
from .personal_data import AUTHORITY

APPROVAL_RETENTION = "As long as the program's registrations are kept: six years after it ends."
STAFF_RETENTION = "As long as the program's records are kept: six years after it ends."


class ProgramData:
    """The program approvals and status changes provider in the personal-data registry."""

    name = "store programs"
    tables = frozenset({"program_approvals", "program_status_changes", "product_status_changes"})

    def export(self, user: User) -> list[Kind]:
        """Return the person's approvals, and the approvals and status changes they made."""
        approvals = db.session.scalars(
            sa.select(ProgramApproval)
            .options(
                selectinload(ProgramApproval.program),
                selectinload(ProgramApproval.household_member),
            )
            .where(
                sa.or_(
                    ProgramApproval.user_id == user.id, ProgramApproval.approved_by_id == user.id
                )
            )
            .order_by(ProgramApproval.approved_at.desc(), ProgramApproval.id.desc())
        ).all()
        changes = db.session.scalars(
            sa.select(ProgramStatusChange)
            .options(selectinload(ProgramStatusChange.program))
            .where(ProgramStatusChange.changed_by_id == user.id)
            .order_by(ProgramStatusChange.changed_at.desc(), ProgramStatusChange.id.desc())
        ).all()
        products = db.session.scalars(
            sa.select(ProductStatusChange)
            .options(selectinload(ProductStatusChange.product))
            .where(ProductStatusChange.changed_by_id == user.id)
            .order_by(ProductStatusChange.changed_at.desc(), ProductStatusChange.id.desc())
        ).all()
        given: tuple[Row, ...] = tuple(
            {
                "program": a.program.name,
                "participant": a.household_member.full_name if a.household_member else None,
                "approved_at": iso(a.approved_at),
                "note": a.note,
                "role": "approved for you" if a.user_id == user.id else "approved by you",
            }
            for a in approvals
        )
        programs: tuple[Row, ...] = tuple(
            {
                "program": c.program.name,
                "from": c.from_status.value,
                "to": c.to_status.value,
                "changed_at": iso(c.changed_at),
                "reason": c.reason,
            }
            for c in changes
        )
        made: tuple[Row, ...] = programs + tuple(
            {
                "program": f"{c.product.name} (product)",
                "from": "withdrawn" if c.on_sale else "on sale",
                "to": "on sale" if c.on_sale else "withdrawn",
                "changed_at": iso(c.changed_at),
                "reason": None,
            }
            for c in products
        )
        return [
            Kind(
                key="program_approvals",
                title="Program approvals",
                purpose="To let a participant register for a program that needs staff approval "
                "or a level they completed elsewhere.",
                retention=APPROVAL_RETENTION,
                authority=AUTHORITY,
                rows=given,
            ),
            Kind(
                key="program_status_changes",
                title="Programs and products you published, withdrew or cancelled (staff)",
                purpose="To record who changed a program's status, when and why.",
                retention=STAFF_RETENTION,
                authority=AUTHORITY,
                rows=made,
            ),
        ]
