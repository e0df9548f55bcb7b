"""The download's pages: asking for it, fetching it by its link, and every wrong way to."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from jasperrec.auth.models import UserSession
from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.privacy.export.archive import DOCUMENT_NAME
from jasperrec.privacy.export.models import DataExport
from jasperrec.privacy.export.models import ExportStatus
from jasperrec.privacy.export.models import new_export
from tests import factories

from .conftest import link_token


@pytest.fixture
def signed_in(client: FlaskClient, user: Any, log_in: Callable[..., Any]) -> FlaskClient:
    log_in(user)
    return client


def test_the_download_page_offers_to_prepare_one(signed_in: FlaskClient) -> None:
    page = signed_in.get("/privacy/download")
    assert page.status_code == 200
    assert b"Prepare my download" in page.data


def test_asking_for_a_download_emails_a_link_that_downloads_the_zip(
    signed_in: FlaskClient, outbox: list[EmailMessage]
) -> None:
    response = signed_in.post("/privacy/download", follow_redirects=True)
    assert b"will email you a link" in response.data
    download = signed_in.get(f"/privacy/download/{link_token(outbox[-1])}")
    assert download.status_code == 200
    assert download.mimetype == "application/zip"
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
        assert DOCUMENT_NAME in archive.namelist()


def test_the_link_works_more_than_once_within_its_hours(
    signed_in: FlaskClient, outbox: list[EmailMessage]
) -> None:
    signed_in.post("/privacy/download")
    url = f"/privacy/download/{link_token(outbox[-1])}"
    assert [signed_in.get(url).status_code for _ in range(2)] == [200, 200]


def test_asking_again_while_one_is_on_its_way_says_it_is_coming(
    signed_in: FlaskClient, user: Any, outbox: list[EmailMessage]
) -> None:
    db.session.add(new_export(user, utcnow()))
    db.session.flush()
    response = signed_in.post("/privacy/download", follow_redirects=True)
    assert response.status_code == 200
    assert b"already being prepared" in response.data
    assert b"Prepare my download" not in response.data
    assert outbox == []


def test_a_link_needs_its_resident_to_sign_in(client: FlaskClient, ready: tuple[Any, str]) -> None:
    response = client.get(f"/privacy/download/{ready[1]}")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_another_resident_following_the_link_gets_not_found(
    client: FlaskClient, ready: tuple[Any, str], log_in: Callable[..., Any]
) -> None:
    log_in(factories.UserFactory(password="correct horse battery staple"))
    response = client.get(f"/privacy/download/{ready[1]}")
    assert response.status_code == 404
    assert b"PK" not in response.data[:2]


def test_a_made_up_link_gets_not_found(signed_in: FlaskClient) -> None:
    assert signed_in.get("/privacy/download/made-up-token").status_code == 404


def test_a_link_past_its_hours_explains_and_offers_a_new_download(
    signed_in: FlaskClient, ready: tuple[Any, str]
) -> None:
    export, token = ready
    export.expires_at = utcnow() - dt.timedelta(seconds=1)
    db.session.flush()
    response = signed_in.get(f"/privacy/download/{token}")
    assert response.status_code == 410
    assert b"This download link has expired" in response.data
    assert b"Prepare a new download" in response.data


def test_a_link_whose_archive_was_purged_explains_it_expired(
    signed_in: FlaskClient, ready: tuple[Any, str]
) -> None:
    db.session.execute(sa.update(DataExport).values(status=ExportStatus.EXPIRED, archive=None))
    response = signed_in.get(f"/privacy/download/{ready[1]}")
    assert response.status_code == 410


def test_asking_for_a_download_needs_a_recent_sign_in(
    signed_in: FlaskClient, user: Any, outbox: list[EmailMessage]
) -> None:
    db.session.execute(
        sa.update(UserSession).values(reauthenticated_at=utcnow() - dt.timedelta(hours=1))
    )
    response = signed_in.post("/privacy/download")
    assert response.status_code == 302
    assert "/auth/reauthenticate" in response.headers["Location"]
    assert outbox == []


def test_asking_without_signing_in_goes_to_sign_in(client: FlaskClient) -> None:
    response = client.post("/privacy/download")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


@pytest.mark.usefixtures("rate_limits")
def test_asking_ten_times_in_a_minute_is_limited_per_resident(
    signed_in: FlaskClient, outbox: list[EmailMessage]
) -> None:
    statuses = [signed_in.post("/privacy/download").status_code for _ in range(10)]
    assert statuses == [302] * 5 + [429] * 5
    assert len(outbox) == 5


def test_my_information_offers_to_prepare_a_download(signed_in: FlaskClient) -> None:
    page = signed_in.get("/privacy/my-information")
    assert b"Download a copy" in page.data
    assert b'action="/privacy/download"' in page.data


def test_my_information_says_a_download_is_on_its_way(signed_in: FlaskClient, user: Any) -> None:
    db.session.add(new_export(user, utcnow()))
    db.session.flush()
    page = signed_in.get("/privacy/my-information")
    assert b"Your download is being prepared" in page.data
    assert b"Prepare my download" not in page.data


def test_asking_from_my_information_returns_there(signed_in: FlaskClient) -> None:
    response = signed_in.post("/privacy/download")
    assert response.headers["Location"].endswith("/privacy/my-information#download-heading")


def test_the_page_says_a_link_past_its_time_stopped_working_before_the_purge_runs(
    signed_in: FlaskClient, ready: tuple[Any, str]
) -> None:
    export, _ = ready
    export.expires_at = utcnow() - dt.timedelta(minutes=1)
    db.session.commit()
    page = signed_in.get("/privacy/download").get_data(as_text=True)
    assert "stopped working" in page
    assert "works until" not in page
    assert "Prepare my download" in page


def test_the_page_says_until_when_a_fresh_link_works(
    signed_in: FlaskClient, ready: tuple[Any, str]
) -> None:
    page = signed_in.get("/privacy/my-information").get_data(as_text=True)
    assert "works until" in page
    assert "stopped working" not in page
