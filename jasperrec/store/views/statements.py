"""Year-end statements: the years a household paid in, each printable and as a spreadsheet."""

from __future__ import annotations

from flask import Response
from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_login import login_required

from .. import statements
from . import bp


@bp.route("/statements")
@login_required
def statements_index() -> ResponseReturnValue:
    years = statements.statement_years(current_user)
    return render_template("store/statements.html", years=years)


@bp.route("/statements/<int:year>")
@login_required
def statement(year: int) -> ResponseReturnValue:
    found = statements.build_statement(current_user, year)
    return render_template("store/statement.html", statement=found)


@bp.route("/statements/<int:year>.csv")
@login_required
def statement_csv(year: int) -> ResponseReturnValue:
    found = statements.build_statement(current_user, year)
    return Response(
        statements.statement_csv(found),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="statement-{year}.csv"'},
    )
