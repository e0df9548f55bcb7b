"""The download's JSON document against the schema the project publishes in docs/."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from jasperrec.personal_data import Kind
from jasperrec.privacy.export import service
from jasperrec.privacy.export.archive import DOCUMENT_NAME
from jasperrec.privacy.export.archive import SCHEMA_VERSION
from jasperrec.privacy.export.archive import build_document

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "docs" / "personal-data-export.schema.json").read_text()
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def test_the_published_schema_is_itself_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_a_generated_download_matches_the_published_schema(
    ready: tuple[Any, str], user: Any
) -> None:
    export = service.get_download_for(user, ready[1])
    with zipfile.ZipFile(io.BytesIO(export.archive or b"")) as archive:
        document = json.loads(archive.read(DOCUMENT_NAME))
    VALIDATOR.validate(document)


def test_every_kind_of_value_a_provider_may_give_matches_the_schema(user: Any) -> None:
    row: dict[str, str | int | bool | None] = {"text": "=1", "cents": -5, "paid": True, "at": None}
    kind = Kind("orders", "Orders", "Receipts.", "Seven years.", "The Act.", True, (row,))
    when = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    VALIDATOR.validate(build_document([kind], service.resident_summary(user), when))


@pytest.mark.parametrize("field", ["purpose", "retention", "authority"])
def test_the_schema_refuses_a_kind_that_does_not_say_why_how_long_or_under_which_law(
    user: Any, field: str
) -> None:
    kind = Kind("orders", "Orders", "Receipts.", "Seven years.", "The Act.")
    document = build_document([kind], service.resident_summary(user), dt.datetime.now(dt.UTC))
    del document["kinds"][0][field]
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(document)
