"""Gift card pages: the printable cards shown once, redeeming a code, its limits, and the
balance page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from jasperrec.extensions import db
from jasperrec.store.models import GiftCard
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import LedgerKind
from tests import factories
from tests.conftest import PASSWORD
from tests.store.gift_cards import PRINTED
from tests.store.gift_cards import buy
from tests.store.gift_cards import codes_in
from tests.store.gift_cards import gift_card_order

REDEEM = "/store/gift-cards/redeem"


def test_the_order_page_offers_the_printable_cards_once_paid(client, user, log_in):
    order = buy(user, quantity=2)
    log_in(user)

    page = client.get(f"/store/orders/{order.id}").text

    assert "Show and print the gift cards" in page
    assert f'href="/store/orders/{order.id}/gift-cards"' in page
    assert page.count("Gift card ****-****-****-") == 2
    assert not PRINTED.search(page)


def test_the_gift_card_page_shows_each_code_once_printable(client, user, log_in, outbox):
    order = buy(user, quantity=2)
    emailed = codes_in(outbox[0])
    log_in(user)

    first = client.get(f"/store/orders/{order.id}/gift-cards").text
    second = client.get(f"/store/orders/{order.id}/gift-cards").text
    after = client.get(f"/store/orders/{order.id}").text

    assert PRINTED.findall(first) == emailed
    assert "only time these codes are shown" in first
    assert "No expiry date and no fees" in first
    assert "/store/gift-cards/redeem and enter the code" in first
    assert not PRINTED.search(second)
    assert "no longer shown here: they were shown on this page on" in second
    assert "The codes were shown on" in after
    sealed = db.session.scalars(sa.select(GiftCard.code_sealed)).all()
    assert sealed == [None, None]


def test_the_gift_card_page_of_an_unpaid_order_says_they_come_with_payment(client, user, log_in):
    order = gift_card_order(user)
    log_in(user)

    page = client.get(f"/store/orders/{order.id}/gift-cards")

    assert page.status_code == 200
    assert "issued once it is paid" in page.text


def test_someone_elses_gift_cards_are_not_found(client, user, log_in):
    order = buy(factories.UserFactory())
    log_in(user)

    assert client.get(f"/store/orders/{order.id}/gift-cards").status_code == 404
    assert db.session.scalar(sa.select(GiftCard.code_sealed)) is not None


def test_the_redeem_page_needs_a_signed_in_resident(client):
    response = client.get(REDEEM)
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_the_redeem_page_labels_its_one_field(client, user, log_in):
    log_in(user)

    page = client.get(REDEEM).text

    assert '<label for="code">Gift card code</label>' in page
    assert 'autocomplete="off"' in page
    assert "no expiry date and no fees" in page


def test_redeeming_a_code_fills_the_gift_balance(client, user, log_in, outbox):
    buy(factories.UserFactory(), price_cents=5_000)
    [code] = codes_in(outbox[0])
    log_in(user)

    response = client.post(REDEEM, data={"code": code.lower()}, follow_redirects=True)

    assert response.request.path == "/store/balance"
    assert "$50.00 is now in your gift balance." in response.text
    assert "Gift balance: <strong>$50.00</strong>" in response.text
    assert "Credit on your household account: <strong>$0.00</strong>" in response.text
    assert "Gift card redeemed" in response.text


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ABCD-EFGH-JKMN-PQRS", "That is not a gift card code we issued."),
        ("", "Enter the code on the gift card."),
        ("x" * 41, "A gift card code is 16 letters and digits."),
        ("ÀBCD-EFGH-JKMN-PQRS 🎁", "That is not a gift card code we issued."),
    ],
)
def test_a_bad_code_is_refused_beside_the_field_and_changes_nothing(
    client, user, log_in, typed, message
):
    log_in(user)

    response = client.post(REDEEM, data={"code": typed})

    assert response.status_code == 200
    assert f'<p class="field-error" id="code-error"><span>{message}' in response.text
    assert 'aria-invalid="true"' in response.text
    assert db.session.scalar(sa.select(sa.func.count(LedgerEntry.id))) == 0


def test_an_already_redeemed_code_says_so(client, user, log_in, outbox):
    buy(user)
    [code] = codes_in(outbox[0])
    log_in(user)
    client.post(REDEEM, data={"code": code})

    again = client.post(REDEEM, data={"code": code})

    assert "This gift card was already redeemed on" in again.text
    kinds = db.session.scalars(sa.select(LedgerEntry.kind)).all()
    assert kinds.count(LedgerKind.GIFT_CARD_REDEEMED) == 1


def test_guessing_twenty_codes_is_stopped_after_ten(client, user, log_in, rate_limits):
    log_in(user)

    statuses = [
        client.post(REDEEM, data={"code": f"ABCD-EFGH-JKMN-{n:04d}"}).status_code for n in range(20)
    ]

    assert statuses == [200] * 10 + [429] * 10
    refused = client.post(REDEEM, data={"code": "ABCD-EFGH-JKMN-PQRS"})
    assert "too many gift card codes that did not work" in refused.text


def test_a_good_code_after_guesses_is_still_counted_only_when_wrong(
    client, user, log_in, outbox, rate_limits
):
    buy(user)
    [code] = codes_in(outbox[0])
    log_in(user)
    for _ in range(9):
        client.post(REDEEM, data={"code": "ABCD-EFGH-JKMN-PQRS"})

    assert client.post(REDEEM, data={"code": code}).status_code == 302
    assert client.post(REDEEM, data={"code": "ABCD-EFGH-JKMN-PQRS"}).status_code == 200
    assert client.post(REDEEM, data={"code": "ABCD-EFGH-JKMN-PQRS"}).status_code == 429


def test_guessing_from_one_computer_with_many_accounts_is_limited_per_client(
    app, client, log_in, rate_limits
):
    app.config["STORE_GIFT_REDEEM_CLIENT_LIMIT"] = "4 per hour"
    statuses = []
    try:
        for _ in range(3):
            log_in(factories.UserFactory(password=PASSWORD))
            statuses += [client.post(REDEEM, data={"code": "nope"}).status_code for _ in range(2)]
            client.post("/auth/logout", data={})
    finally:
        app.config["STORE_GIFT_REDEEM_CLIENT_LIMIT"] = "30 per hour"

    assert statuses == [200, 200, 200, 200, 429, 429]


def test_the_balance_page_links_redeeming_and_labels_the_running_credit(client, user, log_in):
    buy(user)
    log_in(user)

    page = client.get("/store/balance").text

    assert f'href="{REDEEM}"' in page
    assert "Household credit after" in page
    assert "Gift card loaded" in page
    assert "(gift cards sold)" in page


def test_my_orders_links_redeeming(client, user, log_in):
    log_in(user)
    assert f'href="{REDEEM}"' in client.get("/store/orders").text
