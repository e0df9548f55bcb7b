"""The store's part in the personal-data download: passes, their visits and desk checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jasperrec.auth.models import Role
from jasperrec.extensions import db
from jasperrec.staff import front_desk as desk
from jasperrec.store.personal_data import StoreData
from tests import factories

POOL = "Jasper Aquatic Centre"


def _kinds(user: Any) -> dict[str, Any]:
    return {kind.key: kind for kind in StoreData().export(user)}


def test_passes_visits_and_desk_checks_are_in_the_download(user: Any) -> None:
    staff = factories.StaffFactory(roles=[Role.HELPDESK_AGENT])
    card = factories.EntitlementFactory(
        holder=user, product_name="Youth 10-visit card", visits_total=10, facility=POOL
    )
    factories.EntitlementFactory()  # someone else's
    desk.look_up(staff, POOL, card.code)
    desk.record_visit(staff, POOL, card.code)

    kinds = _kinds(user)

    (held,) = kinds["entitlements"].rows
    assert held["code"] == card.printed_code
    assert (held["product"], held["holder"], held["facility"]) == (
        "Youth 10-visit card",
        user.full_name,
        POOL,
    )
    assert (held["visits_total"], held["visits_used"]) == (10, 1)
    assert held["valid_from"] == card.valid_from.isoformat()
    assert held["order_reference"] == card.order_line.order.reference
    (visit,) = kinds["visits"].rows
    assert (visit["code"], visit["facility"]) == (card.printed_code, POOL)
    checks = kinds["desk_checks"].rows
    assert [(c["action"], c["outcome"]) for c in checks] == [
        ("record visit", "visit recorded"),
        ("look up", "valid"),
    ]
    assert all(kind.purpose and kind.retention and kind.authority for kind in kinds.values())


def test_the_passes_export_does_not_grow_in_queries_with_passes(
    user: Any, count_queries: Callable[..., int]
) -> None:
    factories.EntitlementFactory(holder=user)
    db.session.expire_all()
    few = count_queries(lambda: StoreData().export(user))
    for _ in range(4):
        factories.EntitlementFactory(holder=user)
    db.session.expire_all()
    assert count_queries(lambda: StoreData().export(user)) == few
