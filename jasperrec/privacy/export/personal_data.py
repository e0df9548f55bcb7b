"""What the download feature holds about a resident: the downloads they asked for."""

from __future__ import annotations

import sqlalchemy as sa

from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.personal_data import Kind
from jasperrec.personal_data import Row
from jasperrec.personal_data import iso

from .models import DataExport


class ExportData:
    """The download feature's provider in the personal-data registry."""

    name = "privacy"
    tables = frozenset({"privacy_exports", "privacy_export_events"})

    def export(self, user: User) -> list[Kind]:
        """Return when the resident asked for downloads and what became of each."""
        query = (
            sa.select(DataExport)
            .where(DataExport.user_id == user.id)
            .order_by(DataExport.created_at, DataExport.id)
        )
        rows: tuple[Row, ...] = tuple(
            {
                "requested_at": iso(export.created_at),
                "status": str(export.status),
                "ready_at": iso(export.ready_at),
                "link_expires_at": iso(export.expires_at),
                "size_bytes": export.size_bytes,
            }
            for export in db.session.scalars(query)
        )
        return [
            Kind(
                key="data_downloads",
                title="Downloads of your personal information",
                purpose="To prepare each download you ask for and email you its link.",
                retention=(
                    "The file is deleted when its link expires; the record that you asked, "
                    "and when, is kept while your account is open."
                ),
                authority=(
                    "Protection of Privacy Act (Alberta): your right to see the personal "
                    "information the municipality holds about you"
                ),
                rows=rows,
            )
        ]
