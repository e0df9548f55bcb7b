"""Break-glass review: never one's own grant; another officer, or an administrator if none."""

from __future__ import annotations

from typing import Any

import pytest

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.staff import service
from jasperrec.staff.errors import GrantReviewError
from jasperrec.staff.models import BreakGlassGrant
from jasperrec.staff.models import BreakGlassReason
from tests import factories

OWN_GRANT = "You cannot review your own break-the-glass access."


def grant_by(staff: Any, explanation: str = "Resident phoned about a lost card") -> Any:
    return factories.BreakGlassGrantFactory(staff=staff, explanation=explanation)


def reviewed_by(grant: BreakGlassGrant) -> int | None:
    db.session.refresh(grant)
    return grant.reviewed_by_id


def test_a_privacy_officer_cannot_mark_their_own_grant_reviewed(make_staff: Any) -> None:
    officer = make_staff(Role.PRIVACY_OFFICER)
    make_staff(Role.PRIVACY_OFFICER)
    grant = grant_by(officer)

    with pytest.raises(GrantReviewError, match=OWN_GRANT):
        service.mark_grant_reviewed(officer, grant.id)

    assert reviewed_by(grant) is None
    assert grant.reviewed_at is None


def test_the_sole_privacy_officer_cannot_review_their_own_grant_either(make_staff: Any) -> None:
    officer = make_staff(Role.PRIVACY_OFFICER)
    grant = grant_by(officer)

    with pytest.raises(GrantReviewError, match=OWN_GRANT):
        service.mark_grant_reviewed(officer, grant.id)

    assert reviewed_by(grant) is None


def test_another_privacy_officer_reviews_an_officers_grant(make_staff: Any) -> None:
    officer, colleague = make_staff(Role.PRIVACY_OFFICER), make_staff(Role.PRIVACY_OFFICER)
    make_staff(Role.ADMINISTRATOR)
    grant = grant_by(officer)

    service.mark_grant_reviewed(colleague, grant.id)

    assert reviewed_by(grant) == colleague.id
    assert grant.reviewed_at is not None


@pytest.mark.parametrize("other_officer", ["none", "deactivated"])
def test_an_administrator_reviews_the_grant_of_the_only_privacy_officer(
    other_officer: str, make_staff: Any
) -> None:
    officer = make_staff(Role.PRIVACY_OFFICER)
    admin = make_staff(Role.ADMINISTRATOR)
    if other_officer == "deactivated":
        make_staff(Role.PRIVACY_OFFICER).is_active = False
        db.session.commit()
    grant = grant_by(officer)

    service.mark_grant_reviewed(admin, grant.id)

    assert reviewed_by(grant) == admin.id


def test_an_administrator_may_not_review_what_a_privacy_officer_can(make_staff: Any) -> None:
    officer = make_staff(Role.PRIVACY_OFFICER)
    make_staff(Role.PRIVACY_OFFICER)
    admin = make_staff(Role.ADMINISTRATOR)
    grants = [grant_by(make_staff(Role.HELPDESK_AGENT)), grant_by(officer)]

    for grant in grants:
        with pytest.raises(GrantReviewError, match="A privacy officer reviews this access."):
            service.mark_grant_reviewed(admin, grant.id)
        assert reviewed_by(grant) is None


def test_marking_ones_own_grant_flashes_the_rule_and_changes_nothing(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    officer = make_staff(Role.PRIVACY_OFFICER)
    make_staff(Role.PRIVACY_OFFICER)
    grant = grant_by(officer)
    staff_log_in(officer)

    response = client.post(f"/staff/privacy/break-glass/{grant.id}/reviewed")

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert OWN_GRANT in page
    assert "Marked as reviewed." not in page
    assert reviewed_by(grant) is None


def test_the_review_page_explains_the_rule_and_offers_no_button_for_ones_own_grants(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    officer = make_staff(Role.PRIVACY_OFFICER)
    make_staff(Role.PRIVACY_OFFICER)
    own = grant_by(officer, "Checking my own test account")
    theirs = grant_by(make_staff(Role.HELPDESK_AGENT), "Caller at the counter")
    staff_log_in(officer)

    page = client.get("/staff/privacy/break-glass").get_data(as_text=True)

    assert "No one reviews their own access." in page
    assert "by an administrator when there is only one privacy officer" in page
    assert "Checking my own test account" in page
    assert "Awaiting another reviewer" in page
    assert f"/staff/privacy/break-glass/{own.id}/reviewed" not in page
    assert f"/staff/privacy/break-glass/{theirs.id}/reviewed" in page
    home = client.get("/staff/").get_data(as_text=True)
    assert "1 break-the-glass access(es) awaiting your review" in home


def test_administrators_see_only_the_grants_left_to_them(
    client: Any, make_staff: Any, staff_log_in: Any
) -> None:
    officer = make_staff(Role.PRIVACY_OFFICER)
    admin = make_staff(Role.ADMINISTRATOR)
    own = grant_by(officer, "The officer opened this one")
    grant_by(make_staff(Role.HELPDESK_AGENT), "An agent opened this one")
    staff_log_in(admin)

    page = client.get("/staff/privacy/break-glass").get_data(as_text=True)
    done = client.post(f"/staff/privacy/break-glass/{own.id}/reviewed")

    assert "Break-glass reviews</a>" in page
    assert "The officer opened this one" in page
    assert "An agent opened this one" not in page
    assert f"/staff/privacy/break-glass/{own.id}/reviewed" in page
    assert "Marked as reviewed." in client.get(done.headers["Location"]).get_data(as_text=True)
    assert reviewed_by(own) == admin.id


@pytest.mark.parametrize("second_officer", [True, False])
def test_an_officers_break_glass_is_sent_to_whoever_reviews_it(
    second_officer: bool, make_staff: Any, outbox: list[Any]
) -> None:
    officer = make_staff(Role.PRIVACY_OFFICER)
    colleague = make_staff(Role.PRIVACY_OFFICER) if second_officer else None
    admin = make_staff(Role.ADMINISTRATOR)
    resident = factories.UserFactory()

    service.break_glass(officer, resident.id, BreakGlassReason.OTHER, "Checking a complaint")

    reviewer = colleague if colleague is not None else admin
    assert [m["To"] for m in outbox] == [reviewer.email]
