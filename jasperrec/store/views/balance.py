"""The household balance: the household's credit and every money movement in its ledger."""

from __future__ import annotations

from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from .. import ledger
from . import bp


@bp.route("/balance")
@login_required
def balance() -> ResponseReturnValue:
    page = request.args.get("page", 1, type=int) or 1
    statement = ledger.list_entries_for(current_user, page)
    return render_template("store/balance.html", statement=statement, page=statement.page)
