"""The download's ZIP: one JSON document and one spreadsheet-safe CSV per kind."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest

from jasperrec.personal_data import Kind
from jasperrec.privacy.export.archive import DOCUMENT_NAME
from jasperrec.privacy.export.archive import SCHEMA_VERSION
from jasperrec.privacy.export.archive import build_archive
from jasperrec.privacy.export.archive import kind_csv

WHEN = dt.datetime(2026, 12, 1, 21, 0, tzinfo=dt.UTC)
RESIDENT = {"id": 7, "email": "ada@example.ca", "first_name": "Ada", "last_name": "Byron"}


def _kind(key: str = "orders", rows: tuple[dict[str, str | int | bool | None], ...] = ()) -> Kind:
    return Kind(
        key=key,
        title="Orders and receipts",
        purpose="To register you for programs and give you receipts.",
        retention="Seven years after the order, as tax law requires.",
        authority="Protection of Privacy Act (Alberta)",
        rows=rows,
    )


def _open(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_archive_holds_one_json_document_and_one_csv_per_kind() -> None:
    kinds = [_kind("orders", ({"reference": "A1", "total_cents": 500},)), _kind("sessions")]
    with _open(build_archive(kinds, RESIDENT, WHEN)) as archive:
        assert archive.namelist() == [DOCUMENT_NAME, "orders.csv", "sessions.csv"]
        rows = list(csv.reader(io.StringIO(archive.read("orders.csv").decode())))
    assert rows == [["reference", "total_cents"], ["A1", "500"]]


def test_json_document_names_the_resident_the_time_the_schema_and_every_kind() -> None:
    kinds = [_kind("orders", ({"reference": "A1", "paid": True, "note": None},))]
    with _open(build_archive(kinds, RESIDENT, WHEN)) as archive:
        document = json.loads(archive.read(DOCUMENT_NAME))
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["generated_at"] == "2026-12-01T21:00:00Z"
    assert document["resident"] == RESIDENT
    (kind,) = document["kinds"]
    assert kind["purpose"] == "To register you for programs and give you receipts."
    assert kind["retention"].startswith("Seven years")
    assert kind["authority"] == "Protection of Privacy Act (Alberta)"
    assert kind["rows"] == [{"reference": "A1", "paid": True, "note": None}]
    assert kind["file"] == "orders.csv"


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]
)
def test_csv_cells_starting_with_a_formula_character_stay_text(text: str) -> None:
    written = kind_csv(_kind(rows=({"note": text},)))
    (_, (cell,)) = csv.reader(io.StringIO(written))
    assert cell == "'" + text


def test_csv_keeps_numbers_flags_and_plain_text_as_they_are() -> None:
    row: dict[str, str | int | bool | None] = {"a": -5, "b": True, "c": None, "d": "Pool 1"}
    written = kind_csv(_kind(rows=(row,)))
    assert list(csv.reader(io.StringIO(written)))[1] == ["-5", "true", "", "Pool 1"]


def test_csv_has_every_column_any_row_uses() -> None:
    written = kind_csv(_kind(rows=({"a": "1"}, {"b": "2"})))
    assert list(csv.reader(io.StringIO(written))) == [["a", "b"], ["1", ""], ["", "2"]]


@pytest.mark.parametrize("keys", [["../etc"], ["Orders"], ["orders", "orders"]])
def test_a_kind_key_that_is_no_safe_unique_file_name_is_refused(keys: list[str]) -> None:
    with pytest.raises(ValueError, match="snake_case"):
        build_archive([_kind(key) for key in keys], RESIDENT, WHEN)
