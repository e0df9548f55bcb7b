"""The role-to-permission map: one place, least privilege, privacy officer only for privacy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from jasperrec.auth.models import Role
from jasperrec.auth.permissions import ROLE_PERMISSIONS
from jasperrec.auth.permissions import Permission
from jasperrec.auth.permissions import has_permission
from jasperrec.auth.permissions import permissions_of
from tests import factories


def test_permission_names_are_feature_resource_action() -> None:
    assert all(re.fullmatch(r"[a-z]+:[a-z-]+:[a-z-]+", p.value) for p in Permission)


def test_every_role_is_mapped_and_every_permission_is_granted_somewhere() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    granted = set().union(*ROLE_PERMISSIONS.values())
    assert granted == set(Permission)


def test_every_permission_guards_a_page(app: Flask) -> None:
    """A permission no route checks would be a promise that leads nowhere."""
    guarding = {getattr(view, "required_permission", None) for view in app.view_functions.values()}
    assert set(Permission) - guarding == set()


def test_residents_hold_no_permissions() -> None:
    assert ROLE_PERMISSIONS[Role.RESIDENT] == frozenset()


def test_only_the_privacy_officer_holds_privacy_permissions() -> None:
    holders = {
        role
        for role, perms in ROLE_PERMISSIONS.items()
        if any(p.value.startswith("privacy:") for p in perms)
    }
    assert holders == {Role.PRIVACY_OFFICER}


def test_finance_cannot_open_profiles_and_so_never_sees_medical_notes() -> None:
    assert Permission.AUTH_PEOPLE_VIEW not in ROLE_PERMISSIONS[Role.FINANCE]


def test_a_staff_member_with_several_roles_holds_the_union() -> None:
    member = factories.StaffFactory(roles=[Role.FINANCE, Role.HELPDESK_AGENT])

    assert permissions_of(member) == (
        ROLE_PERMISSIONS[Role.FINANCE] | ROLE_PERMISSIONS[Role.HELPDESK_AGENT]
    )


@pytest.mark.parametrize("case", ["inactive", "not staff"])
def test_inactive_or_non_staff_accounts_hold_nothing_whatever_their_roles(case: str) -> None:
    member: Any = factories.StaffFactory(roles=[Role.ADMINISTRATOR])
    if case == "inactive":
        member.is_active = False
    else:
        member.is_staff = False

    assert permissions_of(member) == frozenset()
    assert not has_permission(member, Permission.AUTH_STAFF_MANAGE)
