"""Photos with a web request: upload, storage, who may see them, and nothing half-written."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import Image

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.helpdesk import attachments
from jasperrec.helpdesk import service
from jasperrec.helpdesk.categories.models import Category
from jasperrec.helpdesk.errors import ImageRefusedError
from jasperrec.helpdesk.models import Attachment
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequest
from jasperrec.helpdesk.personal_data import HelpdeskData
from jasperrec.staff.models import AuditEntry
from tests import factories
from tests.helpdesk.photos import photo
from tests.helpdesk.photos import png_bomb

FORM = {
    "subject": "Graffiti on the skate park",
    "description": "Someone painted the north ramp.",
}


@pytest.fixture(autouse=True)
def _other() -> Any:
    """The category the requests here are filed in."""
    return factories.CategoryFactory(slug="other", name="Something else")


def other_category() -> Category:
    return db.session.scalars(sa.select(Category).where(Category.slug == "other")).one()


@pytest.fixture
def store(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Keep this test's photos in a folder of its own, named by an absolute path."""
    folder = tmp_path / "photos"
    before = app.config["HELPDESK_ATTACHMENTS_PATH"]
    app.config["HELPDESK_ATTACHMENTS_PATH"] = str(folder)
    yield folder
    app.config["HELPDESK_ATTACHMENTS_PATH"] = before


def upload(*files: tuple[str, bytes], **extra: str) -> dict[str, Any]:
    return {**FORM, **extra, "photos": [(io.BytesIO(data), name) for name, data in files]}


def stored_files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_request_form_offers_photos_and_the_location_choice(
    client: Any, log_in: Any, resident: Any
) -> None:
    log_in(resident)
    page = client.get("/helpdesk/new/other").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert "multiple" in page
    assert "Up to 5 photos (JPEG, PNG or WebP), 10 MB each" in page
    assert "You may keep where my photos were taken" in page


def test_a_request_keeps_its_photos_re_encoded_under_the_configured_folder(
    client: Any, log_in: Any, resident: Any, store: Path
) -> None:
    log_in(resident)
    data = upload(("IMG_0001.JPG", photo("JPEG")), ("map.png", photo("PNG")))
    response = client.post("/helpdesk/new/other", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    opened = db.session.scalars(sa.select(ServiceRequest)).one()
    first, second = opened.attachments
    assert (first.filename, first.content_type) == ("IMG_0001.jpg", "image/jpeg")
    assert (second.filename, second.content_type) == ("map.png", "image/png")
    assert first.has_location is False
    files = stored_files(store)
    assert [f.name for f in files] == sorted([first.stored_name, second.stored_name])
    assert all(b"Pixelcorp" not in f.read_bytes() for f in files)
    assert first.token != second.token
    assert len(first.token) >= 40


def test_ticking_the_box_keeps_the_location(
    client: Any, log_in: Any, resident: Any, store: Path
) -> None:
    log_in(resident)
    data = upload(("IMG.jpg", photo("JPEG")), share_location="y")
    client.post("/helpdesk/new/other", data=data, content_type="multipart/form-data")
    (kept,) = db.session.scalars(sa.select(Attachment)).all()
    assert kept.has_location is True


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("invoice.jpg", b"%PDF-1.7 not a photo")], "invoice.jpg is not a photo we can read"),
        ([("bomb.png", png_bomb())], "bomb.png has too many pixels"),
        ([(f"p{n}.png", photo("PNG")) for n in range(6)], "Send at most 5 photos"),
        ([("ok.png", photo("PNG")), ("bad.gif", photo("GIF", exif=False))], "bad.gif is not"),
    ],
    ids=["not-an-image", "bomb", "six-photos", "one-bad-of-two"],
)
def test_a_refused_photo_saves_nothing_and_says_why(
    client: Any, log_in: Any, resident: Any, store: Path, files: Any, message: str
) -> None:
    log_in(resident)
    response = client.post(
        "/helpdesk/new/other", data=upload(*files), content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(ServiceRequest)).all() == []
    assert stored_files(store) == []


def test_a_photo_over_the_size_limit_is_refused(
    client: Any, log_in: Any, resident: Any, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A 10 MB body would spill the test client's request into a file it never closes.
    monkeypatch.setitem(client.application.config, "HELPDESK_ATTACHMENT_MAX_BYTES", 200 * 1024)
    log_in(resident)
    big = b"\xff\xd8" + b"\0" * (200 * 1024)
    response = client.post(
        "/helpdesk/new/other", data=upload(("huge.jpg", big)), content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "huge.jpg is larger than 200 KB" in response.get_data(as_text=True)
    assert stored_files(store) == []


def multipart_body(size: int) -> bytes:
    """One file part of the given size, built by hand: the test client would spool it."""
    head = b'--b\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n\r\n'
    return head + b"x" * size + b"\r\n--b--\r\n"


def test_the_request_form_takes_a_body_of_five_photos_other_forms_stay_at_1_mb(
    client: Any, log_in: Any, resident: Any
) -> None:
    log_in(resident)
    body = multipart_body(2 * 1024 * 1024)
    multipart = "multipart/form-data; boundary=b"
    assert client.post("/helpdesk/new/other", data=body, content_type=multipart).status_code == 200
    elsewhere = client.post("/helpdesk/requests/1/messages", data=body, content_type=multipart)
    assert elsewhere.status_code == 413
    too_big = multipart_body(51 * 1024 * 1024)
    assert (
        client.post("/helpdesk/new/other", data=too_big, content_type=multipart).status_code == 413
    )


def test_a_failed_save_removes_the_photos_already_written(
    resident: Any, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail() -> None:
        raise RuntimeError("database went away")

    details = service.RequestDetails(other_category(), "Leak", "Water on the floor.")
    monkeypatch.setattr(db.session, "commit", fail)
    with pytest.raises(RuntimeError):
        service.open_request(resident, details, [("a.png", photo("PNG"))])
    assert stored_files(store) == []


def test_the_service_refuses_before_anything_is_added(resident: Any, store: Path) -> None:
    details = service.RequestDetails(other_category(), "Leak", "Water on the floor.")
    with pytest.raises(ImageRefusedError):
        service.open_request(resident, details, [("a.png", photo("PNG")), ("b.txt", b"hi")])
    assert not db.session.new
    assert stored_files(store) == []


def photographed_request(customer: Any, department: Any = None) -> Attachment:
    details = service.RequestDetails(other_category(), "Leak", "Water on the floor.")
    opened = service.open_request(customer, details, [("leak.webp", photo("WEBP"))])
    if department is not None:
        opened.department = department
        db.session.commit()
    (attachment,) = opened.attachments
    return attachment


def test_the_customer_sees_the_photo_with_safe_headers(
    client: Any, log_in: Any, resident: Any, store: Path
) -> None:
    attachment = photographed_request(resident)
    log_in(resident)
    page = client.get(f"/helpdesk/requests/{attachment.request_id}").get_data(as_text=True)
    assert f"/helpdesk/photos/{attachment.token}" in page
    response = client.get(f"/helpdesk/photos/{attachment.token}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "inline; filename=leak.webp"
    assert "no-store" in response.headers["Cache-Control"]
    assert Image.open(io.BytesIO(response.data)).format == "WEBP"


def test_no_one_else_can_fetch_a_photo(
    client: Any, log_in: Any, resident: Any, store: Path
) -> None:
    attachment = photographed_request(resident)
    anonymous = client.get(f"/helpdesk/photos/{attachment.token}")
    assert anonymous.status_code == 302
    log_in(factories.UserFactory())
    assert client.get(f"/helpdesk/photos/{attachment.token}").status_code == 404
    log_in(resident)
    assert client.get(f"/helpdesk/photos/{attachment.id}").status_code == 404
    assert client.get(f"/helpdesk/photos/{attachment.token[:-1]}x").status_code == 404


def test_staff_in_scope_see_the_photo_and_the_read_is_audited(
    client: Any, resident: Any, store: Path, make_staff: Any, department: Any, staff_log_in: Any
) -> None:
    attachment = photographed_request(resident, department)
    agent = make_staff(Role.HELPDESK_AGENT)
    staff_log_in(agent)
    page = client.get(f"/staff/requests/{attachment.request_id}").get_data(as_text=True)
    assert f"/staff/photos/{attachment.token}" in page
    response = client.get(f"/staff/photos/{attachment.token}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.record_type == "request photo")
    ).one()
    assert (entry.staff_id, entry.resident_id) == (agent.id, resident.id)
    assert (entry.record_id, entry.request_id) == (attachment.id, attachment.request_id)


def test_staff_in_scope_see_the_photos_of_a_closed_request(
    client: Any, resident: Any, store: Path, make_staff: Any, department: Any, staff_log_in: Any
) -> None:
    attachment = photographed_request(resident, department)
    attachment.request.status = RequestStatus.CLOSED
    db.session.commit()
    staff_log_in(make_staff(Role.HELPDESK_AGENT))
    page = client.get(f"/staff/requests/{attachment.request_id}").get_data(as_text=True)
    assert f"/staff/photos/{attachment.token}" in page
    assert client.get(f"/staff/photos/{attachment.token}").status_code == 200


def test_staff_outside_the_requests_scope_get_404(
    client: Any,
    resident: Any,
    store: Path,
    make_staff: Any,
    department: Any,
    other_department: Any,
    staff_log_in: Any,
) -> None:
    attachment = photographed_request(resident, department)
    outsider = make_staff(Role.HELPDESK_AGENT, departments=[other_department])
    staff_log_in(outsider)
    assert client.get(f"/staff/photos/{attachment.token}").status_code == 404
    assert db.session.scalars(sa.select(AuditEntry)).all() == []


def test_a_photo_whose_file_is_gone_is_404_not_500(
    client: Any, log_in: Any, resident: Any, store: Path
) -> None:
    attachment = photographed_request(resident)
    (store / attachment.stored_name).unlink()
    log_in(resident)
    assert client.get(f"/helpdesk/photos/{attachment.token}").status_code == 404


def test_the_relative_default_folder_is_under_the_instance_folder(app: Flask) -> None:
    assert app.config["HELPDESK_ATTACHMENTS_PATH"] == "attachments"
    assert attachments.folder() == Path(app.instance_path) / "attachments"


def test_the_residents_download_lists_their_photos(resident: Any, store: Path) -> None:
    attachment = photographed_request(resident)
    photographed_request(factories.UserFactory())
    kinds = {kind.key: kind for kind in HelpdeskData().export(resident)}
    (row,) = kinds["helpdesk_photos"].rows
    assert row["request_reference"] == attachment.request.reference
    assert row["file_name"] == "leak.webp"
    assert row["content_type"] == "image/webp"
    assert row["location_kept"] is False
