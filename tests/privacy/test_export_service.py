"""Asking for a download, building it on the queue, fetching it and deleting it when expired."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import IntegrityError

from jasperrec.db import utcnow
from jasperrec.extensions import db
from jasperrec.personal_data import collect
from jasperrec.privacy.export import service
from jasperrec.privacy.export.archive import DOCUMENT_NAME
from jasperrec.privacy.export.errors import ExportExpiredError
from jasperrec.privacy.export.errors import ExportInProgressError
from jasperrec.privacy.export.errors import ExportNotFoundError
from jasperrec.privacy.export.errors import InvalidTransitionError
from jasperrec.privacy.export.models import TRANSITIONS
from jasperrec.privacy.export.models import DataExport
from jasperrec.privacy.export.models import ExportStatus
from jasperrec.privacy.export.models import change_status
from jasperrec.privacy.export.models import new_export
from tests import factories


def test_asking_for_a_download_builds_it_and_emails_a_link_to_the_resident(
    user: Any, outbox: list[EmailMessage]
) -> None:
    export = service.request_export(user)
    assert export.status is ExportStatus.READY
    assert [e.to_status for e in export.events] == ["requested", "building", "ready"]
    (message,) = outbox
    assert message["To"] == user.email
    assert "/privacy/download/" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_the_archive_holds_the_residents_document(ready: tuple[Any, str], user: Any) -> None:
    export = service.get_download_for(user, ready[1])
    with zipfile.ZipFile(io.BytesIO(export.archive or b"")) as archive:
        document = json.loads(archive.read(DOCUMENT_NAME))
    assert document["resident"]["email"] == user.email
    assert export.size_bytes == len(export.archive or b"")


def test_the_link_token_is_stored_only_as_its_hash(ready: tuple[Any, str]) -> None:
    export, token = ready
    assert export.token_hash == service.token_hash(token)
    assert token not in export.token_hash


def test_a_second_request_while_one_is_on_its_way_is_refused(user: Any) -> None:
    db.session.add(new_export(user, utcnow()))
    db.session.flush()
    with pytest.raises(ExportInProgressError, match="already being prepared"):
        service.request_export(user)


def test_the_database_refuses_two_downloads_on_their_way_for_one_resident(user: Any) -> None:
    db.session.add(new_export(user, utcnow()))
    db.session.flush()
    db.session.add(new_export(user, utcnow()))
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_another_resident_may_ask_while_one_download_is_on_its_way(user: Any) -> None:
    db.session.add(new_export(user, utcnow()))
    db.session.flush()
    other = service.request_export(factories.UserFactory())
    assert other.status is ExportStatus.READY


def test_a_resident_may_ask_again_once_the_last_download_is_ready(
    ready: tuple[Any, str], user: Any
) -> None:
    again = service.request_export(user)
    assert again.id != ready[0].id
    assert again.status is ExportStatus.READY


@pytest.mark.parametrize(("start", "to"), [(s, t) for s in ExportStatus for t in ExportStatus])
def test_every_status_change_follows_the_table_and_is_recorded(
    user: Any, start: ExportStatus, to: ExportStatus
) -> None:
    export = new_export(user, utcnow())
    export.status = start
    when = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)
    if to not in TRANSITIONS[start]:
        with pytest.raises(InvalidTransitionError):
            change_status(export, to, actor_id=user.id, now=when)
        assert export.status is start
        return
    change_status(export, to, actor_id=user.id, now=when)
    event = export.events[-1]
    assert (event.from_status, event.to_status, event.actor_id, event.at) == (
        start,
        to,
        user.id,
        when,
    )
    assert export.status_changed_at == when
    assert export.in_progress_user_id == (user.id if export.is_in_progress else None)


def test_a_link_is_no_download_for_another_resident(ready: tuple[Any, str]) -> None:
    with pytest.raises(ExportNotFoundError):
        service.get_download_for(factories.UserFactory(), ready[1])


def test_an_unknown_link_is_not_found(user: Any) -> None:
    with pytest.raises(ExportNotFoundError):
        service.get_download_for(user, "not-a-real-token")


def test_a_link_works_until_its_hours_are_over(ready: tuple[Any, str], user: Any) -> None:
    export, token = ready
    assert export.expires_at - export.ready_at == dt.timedelta(hours=24)
    service.get_download_for(user, token, now=export.expires_at - dt.timedelta(seconds=1))
    with pytest.raises(ExportExpiredError):
        service.get_download_for(user, token, now=export.expires_at)


def test_the_links_lifetime_follows_the_configuration(
    app: Flask, user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PRIVACY_EXPORT_TTL_HOURS", 2)
    export = service.request_export(user)
    assert export.expires_at - export.ready_at == dt.timedelta(hours=2)


def test_purging_deletes_expired_archives_and_keeps_fresh_ones(
    ready: tuple[Any, str], user: Any
) -> None:
    old, token = ready
    fresh = service.request_export(factories.UserFactory())
    assert service.purge_expired(now=old.expires_at) == 1
    db.session.expire_all()
    assert old.status is ExportStatus.EXPIRED
    assert db.session.scalar(sa.select(DataExport.archive).where(DataExport.id == old.id)) is None
    assert fresh.status is ExportStatus.READY
    with pytest.raises(ExportExpiredError):
        service.get_download_for(user, token, now=old.ready_at)


def test_purging_twice_deletes_once(ready: tuple[Any, str]) -> None:
    when = ready[0].expires_at
    assert (service.purge_expired(now=when), service.purge_expired(now=when)) == (1, 0)


def test_purging_fails_a_build_stuck_past_the_links_life_and_tells_the_resident(
    user: Any, outbox: list[EmailMessage]
) -> None:
    stuck = new_export(user, utcnow() - dt.timedelta(hours=25))
    db.session.add(stuck)
    db.session.commit()
    assert service.purge_expired() == 1
    assert stuck.status is ExportStatus.FAILED
    (message,) = outbox
    assert message["To"] == user.email
    assert "could not prepare" in message["Subject"]
    outbox.clear()
    assert service.request_export(user).status is ExportStatus.READY


def test_a_build_that_breaks_is_marked_failed_so_the_resident_may_ask_again(
    user: Any, outbox: list[EmailMessage], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_: Any) -> list[Any]:
        raise RuntimeError("provider down")

    monkeypatch.setattr(service, "collect", broken)
    export = service.request_export(user)
    db.session.refresh(export)
    assert export.status is ExportStatus.FAILED
    (message,) = outbox
    assert message["To"] == user.email
    assert "could not prepare" in message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "/privacy/download/" not in message.as_string()
    assert service.find_export_in_progress(user) is None


def test_building_a_download_twice_builds_it_once(
    ready: tuple[Any, str], outbox: list[EmailMessage]
) -> None:
    export, _ = ready
    service.build_export(export.id)
    assert len(outbox) == 1
    assert [e.to_status for e in export.events] == ["requested", "building", "ready"]


def test_the_resident_sees_their_past_downloads_in_their_personal_data(
    ready: tuple[Any, str], user: Any
) -> None:
    kinds = {kind.key: kind for kind in collect(user)}
    (row,) = kinds["data_downloads"].rows
    assert row["status"] == "ready"
    assert row["size_bytes"] == ready[0].size_bytes


def test_purging_an_expired_link_sends_no_mail(
    ready: tuple[Any, str], outbox: list[EmailMessage]
) -> None:
    outbox.clear()
    assert service.purge_expired(now=ready[0].expires_at) == 1
    assert outbox == []


@pytest.mark.parametrize(
    ("hours_later", "state"), [(0, "ready"), (23, "ready"), (24, "expired"), (25, "expired")]
)
def test_a_ready_link_reads_as_expired_once_its_time_is_over_even_before_the_purge(
    ready: tuple[Any, str], hours_later: int, state: str
) -> None:
    export = ready[0]
    when = (export.ready_at or utcnow()) + dt.timedelta(hours=hours_later)
    assert service.download_state(export, when) == state


def test_the_download_state_names_a_request_on_its_way_and_none_for_no_request(
    user: Any,
) -> None:
    assert service.download_state(None) is None
    assert service.download_state(new_export(user, utcnow())) == "in progress"
