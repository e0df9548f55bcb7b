"""Privacy centre forms."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional

from .reports import EARLIEST
from .reports import LATEST
from .reports import MAX_DAYS


class TrafficRangeForm(FlaskForm):
    """Choose the days the site-use reports cover; both ends included."""

    class Meta:
        csrf = False

    since = DateField("From", validators=[Optional()])
    until = DateField("To (inclusive)", validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        """Check the range runs forwards and covers at most MAX_DAYS days."""
        if not super().validate(extra_validators):
            return False
        since, until = self.since.data, self.until.data
        for field in (self.since, self.until):
            if field.data and not EARLIEST <= field.data <= LATEST:
                field.errors.append(f"Choose a date from {EARLIEST.year} to {LATEST.year}.")
                return False
        if since and until and since > until:
            self.until.errors.append("Choose an end date on or after the start date.")
            return False
        if since and until and (until - since).days + 1 > MAX_DAYS:
            self.until.errors.append(f"Choose at most {MAX_DAYS} days.")
            return False
        return True
