"""My passes: the passes, memberships and visit cards the household holds, with QR codes."""

from __future__ import annotations

from flask import render_template
from flask import request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from .. import entitlements
from . import bp


@bp.route("/passes")
@login_required
def my_passes() -> ResponseReturnValue:
    page = entitlements.list_entitlements_for(current_user, request.args.get("page", 1, type=int))
    codes = {e.id: entitlements.qr_svg(e.code) for e in page.items}
    return render_template(
        "store/passes.html", page=page, qr_codes=codes, today=entitlements.today()
    )
