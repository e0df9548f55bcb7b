"""Deny by default: every staff route names a permission; each role gets what the matrix says."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.auth.permissions import Permission
from jasperrec.helpdesk import attachments
from jasperrec.staff.models import BreakGlassReason
from tests import factories
from tests.helpdesk.photos import photo

AGENT = Role.HELPDESK_AGENT.value
LEAD = Role.DEPARTMENT_LEAD.value
COORDINATOR = Role.PROGRAM_COORDINATOR.value
FINANCE = Role.FINANCE.value
PRIVACY = Role.PRIVACY_OFFICER.value
ADMIN = Role.ADMINISTRATOR.value
ANONYMOUS = "anonymous"
RESIDENT = "resident"
NO_MFA = "staff without two-step sign-in"
EVERYONE = (AGENT, LEAD, COORDINATOR, FINANCE, PRIVACY, ADMIN, ANONYMOUS, RESIDENT, NO_MFA)
ALL_STAFF = {AGENT: 200, LEAD: 200, COORDINATOR: 200, FINANCE: 200, PRIVACY: 200, ADMIN: 200}
BREAK_GLASS_FORM = {
    "reason": BreakGlassReason.OTHER.value,
    "explanation": "Caller asked about a refund",
}

CALL_FORM = {"subject": "Caller's question", "description": "Pool hours?"}

# endpoint: (method, url, form data, {who: status}). Staff roles not named get 403;
# anonymous visitors are sent to sign in, residents get 403, and staff who have not set up
# two-step sign-in are sent to set it up. A new staff route must be added here.
MATRIX: dict[str, tuple[str, str, dict[str, str] | None, dict[str, int]]] = {
    "staff.home": ("GET", "/staff/", None, ALL_STAFF),
    "staff.queues": ("GET", "/staff/queues", None, {AGENT: 200, LEAD: 200}),
    "staff.people": (
        "GET",
        "/staff/people?q=tremblay",
        None,
        {AGENT: 200, LEAD: 200, FINANCE: 200, PRIVACY: 200},
    ),
    # The request is in the agent's department only: everyone else lacks need-to-know.
    "staff.person": ("GET", "/staff/people/{resident}", None, {AGENT: 200}),
    # The front desk: agents and coordinators staff it. Without a facility chosen, a code
    # sent to be checked goes back to the desk page to choose one.
    "staff.front_desk": ("GET", "/staff/front-desk", None, {AGENT: 200, COORDINATOR: 200}),
    "staff.set_front_desk_facility": (
        "POST",
        "/staff/front-desk/facility",
        {"facility": "Jasper Aquatic Centre"},
        {AGENT: 302, COORDINATOR: 302},
    ),
    "staff.check_code": (
        "POST",
        "/staff/front-desk/check",
        {"code": "X"},
        {AGENT: 302, COORDINATOR: 302},
    ),
    "staff.record_visit": (
        "POST",
        "/staff/front-desk/visit",
        {"code": "X"},
        {AGENT: 302, COORDINATOR: 302},
    ),
    "staff.orders": ("GET", "/staff/orders?q=tremblay", None, {FINANCE: 200}),
    "staff.rosters": ("GET", "/staff/rosters", None, {COORDINATOR: 200}),
    "staff.roster": ("GET", "/staff/rosters/{program}", None, {COORDINATOR: 200}),
    # Signing in counts as re-authenticating, so the export is allowed straight after.
    "staff.roster_csv": ("GET", "/staff/rosters/{program}/roster.csv", None, {COORDINATOR: 200}),
    # No such waitlist entry: past the permission check, the lookup answers 404.
    "staff.promote_from_waitlist": (
        "POST",
        "/staff/rosters/{program}/waitlist/999999/promote",
        {},
        {AGENT: 404, LEAD: 404, COORDINATOR: 404},
    ),
    "staff.desk_programs": (
        "GET",
        "/staff/desk",
        None,
        {AGENT: 200, LEAD: 200, COORDINATOR: 200},
    ),
    "staff.desk_find": (
        "GET",
        "/staff/desk/{program}?q=tremblay",
        None,
        {AGENT: 200, LEAD: 200, COORDINATOR: 200},
    ),
    "staff.desk_register": (
        "GET",
        "/staff/desk/{program}/{resident}",
        None,
        {AGENT: 200, LEAD: 200, COORDINATOR: 200},
    ),
    "staff.order": ("GET", "/staff/orders/{order}", None, {FINANCE: 200}),
    "staff.refund_line": ("POST", "/staff/orders/{order}/refunds", {}, {FINANCE: 302}),
    "staff.break_glass": (
        "POST",
        "/staff/people/{resident}/break-glass",
        BREAK_GLASS_FORM,
        {AGENT: 302, LEAD: 302, PRIVACY: 302},
    ),
    # Only the agent's department holds the request; the lead may reply but not to this one.
    "staff.service_request": ("GET", "/staff/requests/{request}", None, {AGENT: 200, LEAD: 404}),
    "staff.photo": ("GET", "/staff/photos/{photo}", None, {AGENT: 200, LEAD: 404}),
    "staff.reply": (
        "POST",
        "/staff/requests/{request}/reply",
        {"body": "We have booked you in."},
        {AGENT: 302, LEAD: 404},
    ),
    "staff.new_call": ("GET", "/staff/calls/new", None, {AGENT: 200, LEAD: 200}),
    "staff.log_call": ("POST", "/staff/calls", CALL_FORM, {AGENT: 302, LEAD: 302}),
    # The request's actions: the agent's department holds it; the lead's does not.
    "staff.add_note": (
        "POST",
        "/staff/requests/{request}/notes",
        {"note": "Called back"},
        {AGENT: 302, LEAD: 404},
    ),
    "staff.assign_to_me": (
        "POST",
        "/staff/requests/{request}/assign-to-me",
        {},
        {AGENT: 302, LEAD: 404},
    ),
    # Giving a request to a colleague is for department leads.
    "staff.assign": ("POST", "/staff/requests/{request}/assign", {"assignee": "1"}, {LEAD: 404}),
    "staff.transfer": (
        "POST",
        "/staff/requests/{request}/transfer",
        {"department": "999999", "reason": "Not ours"},
        {AGENT: 302, LEAD: 404},
    ),
    "staff.set_status": (
        "POST",
        "/staff/requests/{request}/status",
        {"status": "waiting on resident"},
        {AGENT: 302, LEAD: 404},
    ),
    "staff.resolve": (
        "POST",
        "/staff/requests/{request}/resolve",
        {"resolution": "answered", "public_note": "Done."},
        {AGENT: 302, LEAD: 404},
    ),
    "staff.reopen": (
        "POST",
        "/staff/requests/{request}/reopen",
        {"reason": "Still leaking"},
        {AGENT: 302, LEAD: 404},
    ),
    # Coordinators run the season; the programs named do not exist, so acting on them is 404.
    "staff.programs": ("GET", "/staff/programs", None, {COORDINATOR: 200}),
    "staff.new_program": ("GET", "/staff/programs/new", None, {COORDINATOR: 200}),
    "staff.program": ("GET", "/staff/programs/999999", None, {COORDINATOR: 404}),
    "staff.program_status": (
        "POST",
        "/staff/programs/999999/status",
        {"to": "published"},
        {COORDINATOR: 404},
    ),
    "staff.copy_program": (
        "POST",
        "/staff/programs/999999/copy",
        {"first_day": "2027-01-05"},
        {COORDINATOR: 404},
    ),
    "staff.approve_participant": (
        "POST",
        "/staff/programs/999999/approvals",
        {"email": "a@example.org"},
        {COORDINATOR: 404},
    ),
    "staff.products": ("GET", "/staff/products", None, {COORDINATOR: 200}),
    "staff.new_product": ("GET", "/staff/products/new", None, {COORDINATOR: 200}),
    "staff.product": ("GET", "/staff/products/999999", None, {COORDINATOR: 404}),
    "staff.product_sale": ("POST", "/staff/products/999999/sale", {}, {COORDINATOR: 404}),
    "staff.program_sections": ("GET", "/staff/program-sections", None, {COORDINATOR: 200}),
    "staff.rename_section": (
        "POST",
        "/staff/program-sections/999999",
        {"name": "Swimming"},
        {COORDINATOR: 404},
    ),
    "staff.delete_section": (
        "POST",
        "/staff/program-sections/999999/delete",
        {},
        {COORDINATOR: 404},
    ),
    "staff.closure_days": ("GET", "/staff/closures", None, {ADMIN: 200}),
    "staff.delete_closure": ("POST", "/staff/closures/999999/delete", {}, {ADMIN: 404}),
    "staff.accounts_list": ("GET", "/staff/accounts", None, {LEAD: 200, PRIVACY: 200, ADMIN: 200}),
    "staff.new_staff": ("GET", "/staff/accounts/new", None, {ADMIN: 200}),
    "staff.staff_roles": ("GET", "/staff/accounts/{colleague}/roles", None, {ADMIN: 200}),
    "staff.set_staff_active": ("POST", "/staff/accounts/{colleague}/deactivate", {}, {ADMIN: 302}),
    # The category is in the agent's department; the lead leads another, the admin sees all.
    "staff.categories": ("GET", "/staff/categories", None, {LEAD: 200, ADMIN: 200}),
    "staff.new_category": ("GET", "/staff/categories/new", None, {LEAD: 200, ADMIN: 200}),
    "staff.category": ("GET", "/staff/categories/{category}", None, {LEAD: 404, ADMIN: 200}),
    "staff.add_question": (
        "POST",
        "/staff/categories/{category}/questions",
        {"prompt": "How many?", "kind": "number", "position": "1"},
        {LEAD: 404, ADMIN: 302},
    ),
    "staff.question": (
        "GET",
        "/staff/categories/questions/{question}",
        None,
        {LEAD: 404, ADMIN: 200},
    ),
    "staff.delete_question": (
        "POST",
        "/staff/categories/questions/{question}/delete",
        {},
        {LEAD: 404, ADMIN: 302},
    ),
    "staff.add_keyword": (
        "POST",
        "/staff/categories/{category}/keywords",
        {"phrase": "arena", "priority": "10"},
        {LEAD: 404, ADMIN: 302},
    ),
    "staff.delete_keyword": (
        "POST",
        "/staff/categories/keywords/{keyword}/delete",
        {},
        {LEAD: 404, ADMIN: 302},
    ),
    "staff.access_log": ("GET", "/staff/privacy/access-log", None, {PRIVACY: 200}),
    "staff.export_access_log": ("GET", "/staff/privacy/access-log.csv", None, {PRIVACY: 200}),
    "privacy_console.traffic": ("GET", "/staff/privacy/site-use", None, {PRIVACY: 200}),
    "privacy_console.traffic_csv": (
        "GET",
        "/staff/privacy/site-use/daily.csv",
        None,
        {PRIVACY: 200},
    ),
    # Administrators review the grants the sole privacy officer made; the page is theirs too.
    "staff.break_glass_reviews": (
        "GET",
        "/staff/privacy/break-glass",
        None,
        {PRIVACY: 200, ADMIN: 200},
    ),
    "staff.mark_reviewed": (
        "POST",
        "/staff/privacy/break-glass/{grant}/reviewed",
        {},
        {PRIVACY: 302, ADMIN: 302},
    ),
}


def expected_status(endpoint: str, who: str) -> int:
    if who in (ANONYMOUS, NO_MFA):
        return 302
    return MATRIX[endpoint][3].get(who, 403)


def staff_endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/staff")}


def test_every_staff_route_declares_a_permission(app: Flask) -> None:
    missing = [
        endpoint
        for endpoint in staff_endpoints(app)
        if not isinstance(
            getattr(app.view_functions[endpoint], "required_permission", None), Permission
        )
    ]
    assert missing == []


def test_every_staff_route_has_an_entry_in_the_matrix(app: Flask) -> None:
    assert staff_endpoints(app) == set(MATRIX)


def test_a_staff_route_without_a_permission_is_refused(
    app: Flask, client: Any, make_staff: Any, staff_log_in: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = make_staff(Role.ADMINISTRATOR)
    staff_log_in(admin)
    monkeypatch.setitem(app.view_functions, "staff.home", lambda: "no permission declared")

    assert client.get("/staff/").status_code == 403


@pytest.fixture
def world(department: Any, other_department: Any) -> dict[str, Any]:
    """A resident with a request in Customer Service, a colleague and a break-glass grant."""
    resident = factories.UserFactory(last_name="Tremblay")
    request = factories.ServiceRequestFactory(customer=resident, department=department)
    colleague = factories.StaffFactory(roles=[Role.HELPDESK_AGENT], departments=[department])
    grant = factories.BreakGlassGrantFactory(staff=colleague, resident=resident)
    prepared = attachments.check_images([("a.png", photo("PNG"))], keep_location=False)
    (attachment,) = attachments.attach_images(request, prepared, [])
    category = factories.CategoryFactory(department=department)
    return {
        "photo": attachment,
        "category": category,
        "question": factories.CategoryQuestionFactory(category=category),
        "keyword": factories.CategoryKeywordFactory(category=category),
        "resident": resident,
        "request": request,
        "colleague": colleague,
        "grant": grant,
        "order": factories.OrderFactory(user=resident),
        # Also the facility (Jasper Aquatic Centre) the front desk is at.
        "program": factories.ProgramFactory(),
        "department": department,
        "other_department": other_department,
    }


def sign_in_as(
    who: str, world: dict[str, Any], make_staff: Any, staff_log_in: Any, log_in: Any
) -> None:
    if who == ANONYMOUS:
        return
    if who == RESIDENT:
        log_in(factories.UserFactory(password="correct horse battery staple"))
        return
    if who == NO_MFA:
        log_in(make_staff(Role.ADMINISTRATOR, mfa=False))
        return
    home = world["department"] if who == AGENT else world["other_department"]
    staff_log_in(make_staff(Role(who), departments=[home]))


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_authorisation_matrix(
    endpoint: str,
    who: str,
    client: Any,
    world: dict[str, Any],
    make_staff: Any,
    staff_log_in: Any,
    log_in: Any,
) -> None:
    method, url, data, _ = MATRIX[endpoint]
    sign_in_as(who, world, make_staff, staff_log_in, log_in)
    url = url.format(
        resident=world["resident"].id,
        colleague=world["colleague"].id,
        grant=world["grant"].id,
        request=world["request"].id,
        photo=world["photo"].token,
        category=world["category"].id,
        question=world["question"].id,
        keyword=world["keyword"].id,
        order=world["order"].id,
        program=world["program"].id,
    )

    response = client.open(url, method=method, data=data)

    assert response.status_code == expected_status(endpoint, who), response.data[:400]
    if who == ANONYMOUS:
        assert "/auth/login" in response.headers["Location"]
    if who == NO_MFA:
        assert "/auth/two-step/setup" in response.headers["Location"]
