"""Integers from URLs and query strings, bounded to what the database's INTEGER holds."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter
from werkzeug.routing import Map

# PostgreSQL's INTEGER; it raises on a larger value, where SQLite's wider type would not.
DB_INT_MAX = 2**31 - 1


class DatabaseIntegerConverter(IntegerConverter):
    """Match an unsigned integer that fits a database INTEGER, so a larger id is a 404."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int = DB_INT_MAX,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def database_id(value: str) -> int:
    """Parse a query-string id, as a `type=` for `request.args.get`.

    :raises ValueError: not a whole number from 1 to DB_INT_MAX; `get` then gives None.
    """
    number = int(value)
    if not 1 <= number <= DB_INT_MAX:
        raise ValueError(f"{number} is not a database id.")
    return number


def init_app(app: Flask) -> None:
    """Make every `<int:...>` route match only integers the database can hold."""
    app.url_map.converters["int"] = DatabaseIntegerConverter
