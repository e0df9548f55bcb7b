"""Visitors without an account: optional details, the private follow link, limits, bad input."""

from __future__ import annotations

import io
import re
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.auth.models import User
from jasperrec.extensions import db
from jasperrec.helpdesk import visitors
from jasperrec.helpdesk.models import RequestStatus
from jasperrec.helpdesk.models import ServiceRequest
from jasperrec.helpdesk.models import ServiceRequestMessage
from tests import factories
from tests.helpdesk.photos import photo

ASK = "/helpdesk/ask/facilities"
FORM = {
    "subject": "Swing broken at Centennial Park",
    "description": "The left swing's chain is snapped.",
    "location_address": "Centennial Park, Patricia St",
}
ABOUT = {
    "first_name": "Robin",
    "last_name": "Okafor",
    "email": "Robin@Example.ca",
    "phone": "780 852 3356",
}
SCRIPT = '<script>alert("x")</script>'


@pytest.fixture(autouse=True)
def _facilities(facilities_category: Any) -> None:
    """Visitors ask under the facilities category in every test here."""


def stored() -> list[ServiceRequest]:
    return list(db.session.scalars(sa.select(ServiceRequest)))


def follow_path(response: Any) -> str:
    location = response.headers["Location"]
    assert re.fullmatch(r"/helpdesk/follow/[\w.-]+", location), location
    return location


def test_the_form_marks_every_detail_about_the_visitor_optional_and_says_why(client: Any) -> None:
    page = client.get(ASK).get_data(as_text=True)

    for label in ("First name", "Last name", "Email address", "Phone"):
        assert f"{label} (optional)" in page
    assert "how to greet you" in page
    assert "email you the reference" in page
    assert "Staff can call you" in page
    assert "(required)" not in page.split("About you")[1]


def test_an_anonymous_visitor_gets_a_reference_and_a_private_link(
    client: Any, outbox: list[EmailMessage]
) -> None:
    response = client.post(ASK, data=FORM)

    [filed] = stored()
    assert filed.customer.is_contact
    assert filed.customer.email is None
    assert filed.customer.full_name == "(no name given)"
    assert filed.location_address == "Centennial Park, Patricia St"
    assert outbox == []
    followed = client.get(follow_path(response))
    assert "no-store" in followed.headers["Cache-Control"]
    page = followed.get_data(as_text=True)
    assert f"Thank you. Your reference is {filed.reference}." in page
    assert "your private link" in page
    assert "Swing broken at Centennial Park" in page
    assert "Come back to this page" in page


def test_a_visitor_with_an_email_becomes_a_contact_and_is_mailed_the_link(
    client: Any, outbox: list[EmailMessage]
) -> None:
    response = client.post(ASK, data={**FORM, **ABOUT})

    [filed] = stored()
    contact = filed.customer
    assert (contact.email, contact.first_name, contact.phone) == (
        "robin@example.ca",
        "Robin",
        "780-852-3356",
    )
    assert contact.password_hash is None
    [ack] = outbox
    assert ack["To"] == "robin@example.ca"
    assert filed.reference in ack["Subject"]
    text = ack.get_body(("plain",)).get_content()
    assert "Hello Robin," in text
    assert app_local_due(filed) in text
    assert "our standard is 3 business days" in text
    assert follow_path(response) in text


def app_local_due(filed: ServiceRequest) -> str:
    from flask import current_app

    return str(current_app.jinja_env.filters["local_time"](filed.due_at))


def test_the_same_email_twice_is_one_contact_with_two_requests(client: Any) -> None:
    client.post(ASK, data={**FORM, **ABOUT})
    client.post(ASK, data={**FORM, **ABOUT, "email": "robin@example.ca"})

    customers = {r.customer_id for r in stored()}
    assert len(customers) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_only_a_hash_of_the_link_is_stored(client: Any) -> None:
    path = follow_path(client.post(ASK, data=FORM))
    token = path.rsplit("/", 1)[1]

    [filed] = stored()
    assert filed.follow_token_hash is not None
    assert len(filed.follow_token_hash) == 64
    assert filed.follow_token_hash not in token
    assert token not in repr(db.session.execute(sa.select(ServiceRequest.__table__)).all())


def test_the_link_lets_the_visitor_reply(client: Any) -> None:
    path = follow_path(client.post(ASK, data=FORM))

    response = client.post(f"{path}/messages", data={"body": "It is the left one."})

    assert response.headers["Location"] == path
    [message] = db.session.scalars(sa.select(ServiceRequestMessage)).all()
    assert message.body == "It is the left one."
    assert message.author_id == stored()[0].customer_id
    assert "It is the left one." in client.get(path).get_data(as_text=True)


def test_a_closed_requests_link_still_shows_it_but_takes_no_reply(client: Any) -> None:
    path = follow_path(client.post(ASK, data=FORM))
    [filed] = stored()
    filed.status = RequestStatus.CLOSED
    db.session.flush()

    response = client.post(f"{path}/messages", data={"body": "Hello?"}, follow_redirects=True)

    assert "This request is closed" in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(ServiceRequestMessage)).all() == []


def test_a_visitors_request_gets_the_workflows_clock(client: Any) -> None:
    follow_path(client.post(ASK, data=FORM))
    [filed] = stored()

    assert filed.status is RequestStatus.NEW
    assert filed.due_at is not None
    assert filed.due_soon_at is not None
    assert filed.due_soon_at < filed.due_at


@pytest.mark.parametrize("status", [RequestStatus.WAITING, RequestStatus.RESOLVED])
def test_a_reply_through_the_link_goes_through_the_workflow(client: Any, status: Any) -> None:
    path = follow_path(client.post(ASK, data=FORM))
    [filed] = stored()
    filed.status = status
    db.session.flush()

    client.post(f"{path}/messages", data={"body": "Still broken."})

    assert filed.status is RequestStatus.IN_PROGRESS
    [event] = filed.events
    assert event.actor_id == filed.customer_id
    assert (event.from_value, event.to_value) == (status.value, "in progress")


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: "forged",
        lambda t: "WzEsICJhYmMiXQ.c2lnbmF0dXJl",
        lambda t: t.split(".")[0] + ".x",
    ],
)
def test_a_forged_or_damaged_link_is_a_plain_404(client: Any, damage: Any) -> None:
    path = follow_path(client.post(ASK, data=FORM))
    token = path.rsplit("/", 1)[1]
    bad = damage(token)

    assert client.get(f"/helpdesk/follow/{bad}").status_code == 404
    assert client.post(f"/helpdesk/follow/{bad}/messages", data={"body": "x"}).status_code == 404
    assert db.session.scalars(sa.select(ServiceRequestMessage)).all() == []


def test_a_link_signed_for_one_request_does_not_open_another(app: Flask) -> None:
    first = visitors.open_visitor_request(visitors.Visitor(), details())
    second = visitors.open_visitor_request(visitors.Visitor(), details())
    # Swap the secrets: each is validly signed but names the other request's id.
    serializer = visitors._serializer()
    first_id, first_secret = serializer.loads(first.token)
    second_id, _ = serializer.loads(second.token)
    swapped = serializer.dumps([second_id, first_secret])

    with pytest.raises(visitors.NotFoundError):
        visitors.request_for_token(swapped)
    assert visitors.request_for_token(first.token).id == first_id


def details() -> Any:
    from jasperrec.helpdesk.service import RequestDetails

    return RequestDetails(category=None, subject="Question", description="Hello")


def test_a_signed_in_residents_request_has_no_follow_link(client: Any) -> None:
    resident = factories.UserFactory()
    factories.ServiceRequestFactory(customer=resident)

    [filed] = stored()
    assert filed.follow_token_hash is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": ""}, "Tell us what you need."),
        ({"description": "x" * 5001}, "Keep the description to 5000 characters."),
        ({"subject": ""}, "Give your request a short subject."),
        ({"email": "not-an-email"}, "Enter an email address like"),
        ({"phone": "12"}, "Enter a 10-digit phone number"),
        ({"first_name": "x" * 101}, "Keep the first name to 100 characters."),
        ({"location_address": "x" * 201}, "Keep the place to 200 characters."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_written(
    client: Any, outbox: list[EmailMessage], change: dict[str, str], message: str
) -> None:
    response = client.post(ASK, data={**FORM, **ABOUT, **change})

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert stored() == []
    assert db.session.scalars(sa.select(User)).all() == []
    assert outbox == []


def test_a_one_megabyte_description_is_refused_and_nothing_is_written(client: Any) -> None:
    # The form takes photos, so its body may exceed the site's 1 MiB: the field's own limit
    # answers, with the form kept, rather than a bare 413.
    response = client.post(ASK, data={**FORM, "description": "x" * 1024 * 1024})

    assert response.status_code == 200
    assert "Keep the description to 5000 characters." in response.get_data(as_text=True)
    assert stored() == []


def test_html_and_script_in_every_field_is_kept_as_text_and_shown_escaped(
    client: Any, outbox: list[EmailMessage]
) -> None:
    hostile = {
        "subject": SCRIPT,
        "description": SCRIPT,
        "location_address": SCRIPT,
        "first_name": SCRIPT[:100],
        "last_name": SCRIPT,
        "email": "robin@example.ca",
    }
    path = follow_path(client.post(ASK, data={**FORM, **hostile}))

    [filed] = stored()
    assert (filed.subject, filed.description, filed.location_address) == (SCRIPT, SCRIPT, SCRIPT)
    assert filed.customer.first_name == SCRIPT
    page = client.get(path).get_data(as_text=True)
    assert SCRIPT not in page
    assert "&lt;script&gt;" in page
    [ack] = outbox
    assert SCRIPT in ack.get_body(("plain",)).get_content()
    assert SCRIPT not in ack.get_body(("html",)).get_content()


def test_visitor_requests_are_limited_per_client(
    app: Flask, client: Any, rate_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "HELPDESK_VISITOR_LIMIT", "2 per hour")

    statuses = [client.post(ASK, data=FORM).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert len(stored()) == 2


def test_visitor_requests_are_limited_per_email_from_any_client(
    app: Flask, rate_limits: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "HELPDESK_VISITOR_EMAIL_LIMIT", "2 per day")
    statuses = []
    for n in range(3):
        client = app.test_client()
        env = {"REMOTE_ADDR": f"198.51.100.{n + 1}"}
        data = {**FORM, "email": "Robin@example.ca" if n else "robin@example.ca"}
        statuses.append(client.post(ASK, data=data, environ_base=env).status_code)
    other = app.test_client().post(
        ASK,
        data={**FORM, "email": "someone@example.ca"},
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    )

    assert statuses == [302, 302, 429]
    assert other.status_code == 302


APP_REQUEST = {
    "location_address": "Connaught Dr",
    "latitude": 52.8737,
    "longitude": -118.0814,
    "device_model": "Pixel 8",
    "device_os_version": "Android 15",
    "app_version": "1.4.2",
    "install_id": "install-3f1c",
}


def test_device_details_are_shown_to_staff_and_never_on_the_residents_pages(
    client: Any, staff_log_in: Any, make_staff: Any, department: Any, log_in: Any
) -> None:
    resident = factories.UserFactory()
    filed = factories.ServiceRequestFactory(customer=resident, department=department, **APP_REQUEST)
    agent = make_staff(Role.HELPDESK_AGENT)

    log_in(resident)
    own = client.get(f"/helpdesk/requests/{filed.id}").get_data(as_text=True)
    client.post("/auth/logout")
    staff_log_in(agent)
    console = client.get(f"/staff/requests/{filed.id}").get_data(as_text=True)

    assert "Connaught Dr" in own
    for device in ("Pixel 8", "Android 15", "1.4.2", "install-3f1c"):
        assert device not in own
        assert device in console
    assert "(52.87370, -118.08140)" in console


def test_a_visitor_first_picks_a_topic_and_an_unknown_one_is_a_404(client: Any) -> None:
    page = client.get("/helpdesk/ask").get_data(as_text=True)

    assert 'href="/helpdesk/ask/facilities"' in page
    assert client.get("/helpdesk/ask/nonsense").status_code == 404
    assert client.post("/helpdesk/ask/nonsense", data=FORM).status_code == 404
    assert stored() == []


def test_a_visitors_photos_are_kept_and_served_only_through_their_link(client: Any) -> None:
    data = {**FORM, "photos": [(io.BytesIO(photo("PNG")), "swing.png")]}
    path = follow_path(client.post(ASK, data=data, content_type="multipart/form-data"))
    other = follow_path(client.post(ASK, data=FORM))

    [filed, _] = stored()
    [attachment] = filed.attachments
    page = client.get(path).get_data(as_text=True)
    served = client.get(f"{path}/photos/{attachment.token}")

    assert "swing.png" in page
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert client.get(f"{other}/photos/{attachment.token}").status_code == 404
    assert client.get(f"/helpdesk/follow/forged/photos/{attachment.token}").status_code == 404


def test_a_visitors_non_image_is_refused_and_nothing_is_written(client: Any) -> None:
    data = {**FORM, "photos": [(io.BytesIO(b"MZ not a picture"), "virus.jpg")]}

    response = client.post(ASK, data=data, content_type="multipart/form-data")

    assert response.status_code == 400
    assert "virus.jpg" in response.get_data(as_text=True)
    assert stored() == []
