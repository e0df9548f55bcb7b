"""People search: wildcards match only themselves, two real characters, every search audited."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

import pytest
import sqlalchemy as sa

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.staff import service
from jasperrec.staff.errors import SearchTooShortError
from jasperrec.staff.models import AccessKind
from jasperrec.staff.models import AccessPurpose
from jasperrec.staff.models import AuditEntry
from tests import factories


def audit_entries() -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)))


@pytest.fixture
def agent(make_staff: Any) -> Any:
    return make_staff(Role.HELPDESK_AGENT)


@pytest.fixture
def priya() -> Any:
    return factories.UserFactory(
        first_name="Priya", last_name="Sharma", email="priya.sharma@example.ca"
    )


@pytest.fixture
def others() -> list[Any]:
    return [
        factories.UserFactory(first_name="Alex", last_name="Tremblay", email="alex@example.ca"),
        factories.UserFactory(first_name="Noor", last_name="Haddad", email="nh@example.ca"),
    ]


def names(matches: list[service.PersonMatch]) -> list[str]:
    return [m.name for m in matches]


@pytest.mark.parametrize(
    "text",
    [
        "priya.s%@example.ca",
        "priya.sh%",
        "priya.s_arma@example.ca",
        "p%a",
        "pr__a",
        "%ya%",
        "priya\\%",
    ],
)
def test_percent_and_underscore_match_only_themselves(
    text: str, agent: Any, priya: Any, others: list[Any]
) -> None:
    assert service.search_people(agent, text) == []


def test_a_masked_email_cannot_be_recovered_one_character_at_a_time(
    client: Any, agent: Any, staff_log_in: Any, priya: Any
) -> None:
    staff_log_in(agent)

    for guess in "abcdefghijklmnopqrstuvwxyz":
        page = client.get("/staff/people", query_string={"q": f"priya.{guess}%@example.ca"})
        assert page.status_code == 200
        assert "Priya Sharma" not in page.get_data(as_text=True), guess


def test_the_plain_text_of_a_name_or_email_still_finds_the_resident(
    agent: Any, priya: Any, others: list[Any]
) -> None:
    assert names(service.search_people(agent, "priya.sharma@example.ca")) == ["Priya Sharma"]
    assert names(service.search_people(agent, "PRIYA SHA")) == ["Priya Sharma"]
    assert names(service.search_people(agent, "  sharma ")) == ["Priya Sharma"]


def test_a_real_percent_or_underscore_is_found_literally(agent: Any) -> None:
    factories.UserFactory(first_name="Ann", last_name="Ode", email="ann_ode@example.ca")
    factories.UserFactory(first_name="Ann", last_name="Kode", email="annxode@example.ca")
    factories.UserFactory(first_name="Ben", last_name="Ode", email="ben/ode@example.ca")

    assert [m.email for m in service.search_people(agent, "ann_ode")] == ["a•••@example.ca"]
    assert names(service.search_people(agent, "ben/ode")) == ["Ben Ode"]


@pytest.mark.parametrize("text", ["", "t", "%%", "__", "%_", "a%", "_a_", "  ", "a  ", ".-", "é."])
def test_search_needs_two_letters_or_digits(
    text: str, agent: Any, priya: Any, others: list[Any]
) -> None:
    with pytest.raises(SearchTooShortError, match="at least two letters or digits"):
        service.search_people(agent, text)

    assert audit_entries() == []


def test_two_letters_or_digits_in_any_alphabet_are_enough(agent: Any) -> None:
    factories.UserFactory(first_name="Émilie", last_name="Lévesque", email="em@example.ca")

    assert names(service.search_people(agent, "Lé")) == ["Émilie Lévesque"]
    assert service.search_people(agent, "42") == []


@pytest.mark.parametrize("q", ["%%", "_%", "%", "a%", "  %  "])
def test_the_page_refuses_a_search_of_wildcards_with_a_message_and_lists_no_one(
    q: str, client: Any, agent: Any, staff_log_in: Any, priya: Any, others: list[Any]
) -> None:
    staff_log_in(agent)

    response = client.get("/staff/people", query_string={"q": q})

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Type at least two letters or digits of a name or email address." in page
    for person in ["Priya Sharma", "Alex Tremblay", "Noor Haddad"]:
        assert person not in page
    assert audit_entries() == []


def test_opening_the_page_without_a_search_asks_nothing_and_logs_nothing(
    client: Any, agent: Any, staff_log_in: Any
) -> None:
    staff_log_in(agent)

    page = client.get("/staff/people").get_data(as_text=True)

    assert "At least two letters or digits" in page
    assert "field-error" not in page
    assert audit_entries() == []


def test_control_characters_in_a_search_are_ignored_not_a_server_error(
    client: Any, agent: Any, staff_log_in: Any, priya: Any
) -> None:
    staff_log_in(agent)

    response = client.get("/staff/people", query_string={"q": "pri\x00ya\nsha\trma"})

    assert response.status_code == 200
    assert "No one matches" in response.get_data(as_text=True)
    [entry] = audit_entries()
    assert entry.detail == 'searched for "pri ya sha rma", 0 shown'


def test_each_search_is_recorded_with_who_when_and_the_text(
    client: Any, agent: Any, staff_log_in: Any, priya: Any, others: list[Any]
) -> None:
    staff_log_in(agent)

    client.get("/staff/people", query_string={"q": "sharma"})
    client.get("/staff/people", query_string={"q": "nobody here"})

    first, second = audit_entries()
    assert (first.staff_id, first.resident_id, first.record_id) == (agent.id, None, None)
    assert (first.kind, first.purpose) == (AccessKind.SEARCH, AccessPurpose.FINDING_A_RESIDENT)
    assert first.created_at is not None
    assert first.detail == 'searched for "sharma", 1 shown'
    assert second.detail == 'searched for "nobody here", 0 shown'


def test_the_audit_trail_keeps_a_bounded_length_of_the_search_text(agent: Any) -> None:
    service.search_people(agent, "ab" * 2000)

    [entry] = audit_entries()
    assert entry.detail is not None
    assert len(entry.detail) <= 255
    assert entry.detail.startswith('searched for "abab')


def test_a_search_longer_than_the_form_allows_is_refused_and_not_logged(
    client: Any, agent: Any, staff_log_in: Any
) -> None:
    staff_log_in(agent)

    page = client.get("/staff/people", query_string={"q": "a" * 101}).get_data(as_text=True)

    assert "Search for at most 100 characters." in page
    assert audit_entries() == []


def test_the_privacy_officer_sees_searches_in_the_access_log_and_its_csv(
    client: Any, agent: Any, make_staff: Any, staff_log_in: Any
) -> None:
    service.search_people(agent, "<b>=tremblay</b>")
    staff_log_in(make_staff(Role.PRIVACY_OFFICER))

    response = client.get("/staff/privacy/access-log", query_string={"kind": "people search"})
    page = response.get_data(as_text=True)
    export = client.get("/staff/privacy/access-log.csv", query_string={"kind": "people search"})

    assert response.status_code == 200
    assert "1 entry" in page
    assert "<td>People search</td>" in page
    assert "<td>Finding a resident</td>" in page
    assert "<b>" not in page
    assert 'searched for "<b>=tremblay</b>", 0 shown' in html.unescape(page)
    [row] = csv.DictReader(io.StringIO(export.get_data(as_text=True)))
    assert (row["staff id"], row["resident id"], row["kind"], row["record"]) == (
        str(agent.id),
        "",
        "people search",
        "people search",
    )
    assert row["detail"] == 'searched for "<b>=tremblay</b>", 0 shown'
