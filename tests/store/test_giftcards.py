"""Gift cards: issued once per unit when paid, codes kept only hashed, shown once, redeemed once,
cancelled by a refund, and reconciled with the ledger."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from jasperrec import personal_data
from jasperrec.auth.models import Role
from jasperrec.db import utcnow
from jasperrec.errors import NotFoundError
from jasperrec.extensions import db
from jasperrec.store import giftcards
from jasperrec.store import ledger
from jasperrec.store import reconcile
from jasperrec.store import refunds
from jasperrec.store import settlement
from jasperrec.store.errors import GiftCardCancelledError
from jasperrec.store.errors import GiftCardRedeemedError
from jasperrec.store.errors import GiftCardUnknownError
from jasperrec.store.errors import RefundError
from jasperrec.store.errors import RefundFailedError
from jasperrec.store.models import GIFT_CODE_ALPHABET
from jasperrec.store.models import GiftCard
from jasperrec.store.models import LedgerAccount
from jasperrec.store.models import LedgerEntry
from jasperrec.store.models import LedgerKind
from jasperrec.store.models import OrderLine
from jasperrec.store.models import Refund
from jasperrec.store.models import RefundDestination
from tests import factories
from tests.store.gift_cards import buy
from tests.store.gift_cards import codes_in


def cards_of(order):
    query = sa.select(GiftCard).where(GiftCard.order_id == order.id).order_by(GiftCard.id)
    return list(db.session.scalars(query))


def gift_rows(kind):
    query = sa.select(LedgerEntry).where(LedgerEntry.kind == kind).order_by(LedgerEntry.id)
    return list(db.session.scalars(query))


def test_paying_issues_one_card_per_unit_loaded_on_the_buyers_ledger(user, outbox):
    order = buy(user, quantity=2)

    cards = cards_of(order)
    assert [c.amount_cents for c in cards] == [2_500, 2_500]
    loaded = gift_rows(LedgerKind.GIFT_CARD_LOADED)
    assert [(e.user_id, e.account, e.amount_cents, e.gift_card_id) for e in loaded] == [
        (user.id, LedgerAccount.GIFT_CARDS, 2_500, cards[0].id),
        (user.id, LedgerAccount.GIFT_CARDS, 2_500, cards[1].id),
    ]
    # Bought for someone else: not the buyer's to spend.
    assert ledger.balance(user, LedgerAccount.GIFT) == 0
    assert ledger.balance(user, LedgerAccount.CREDIT) == 0


def test_the_receipt_email_carries_each_code_grouped_and_the_database_only_its_hash(user, outbox):
    order = buy(user, quantity=2)

    [receipt] = outbox
    codes = codes_in(receipt)
    assert len(codes) == 2
    assert "no expiry date, no fees" in receipt.get_body(("plain",)).get_content()
    for code, card in zip(codes, cards_of(order), strict=True):
        plain = code.replace("-", "")
        assert len(plain) == 16
        assert set(plain) <= set(GIFT_CODE_ALPHABET)
        assert card.code_hash == giftcards.code_hash(plain) != plain
        assert card.last4 == plain[-4:]
        assert plain not in (card.code_sealed or "")


def test_no_code_contains_a_character_people_misread():
    assert not set("0O1IL") & set(GIFT_CODE_ALPHABET)


def test_a_payment_delivered_twice_issues_nothing_more(user):
    order = buy(user, quantity=2)

    settlement.record_payment(order.checkout_session_id, "pi_gift", order.total_cents)

    assert len(cards_of(order)) == 2
    assert len(gift_rows(LedgerKind.GIFT_CARD_LOADED)) == 2


@pytest.mark.parametrize(
    ("typed", "wanted"),
    [
        ("ABCD-EFGH-JKMN-PQRS", "ABCDEFGHJKMNPQRS"),
        ("abcd efgh jkmn pqrs", "ABCDEFGHJKMNPQRS"),
        ("  abcdefgh-JKMN  pqrs\n", "ABCDEFGHJKMNPQRS"),
        ("ABCD-EFGH-JKMN-PQR", None),
        ("ABCD-EFGH-JKMN-PQRST", None),
        ("ABCD-EFGH-JKMN-PQR0", None),
        ("ABCD-EFGH-JKMN-PQRÉ", None),
        ("", None),
        ("'; DROP TABLE gift_cards; --", None),
    ],
)
def test_a_typed_code_is_normalised_or_refused(typed, wanted):
    assert giftcards.normalise(typed) == wanted


def test_the_code_is_shown_once_then_gone_from_the_database(user, outbox):
    order = buy(user)
    [emailed] = codes_in(outbox[0])

    first = giftcards.show_cards(user, order.id)
    second = giftcards.show_cards(user, order.id)

    assert [s.code for s in first] == [emailed]
    assert [s.code for s in second] == [None]
    db.session.expire_all()
    [card] = cards_of(order)
    assert card.code_sealed is None
    assert card.code_shown_at is not None


def test_a_code_not_seen_within_a_day_is_forgotten_unshown(user):
    order = buy(user)
    later = utcnow() + dt.timedelta(hours=25)

    [shown] = giftcards.show_cards(user, order.id, now=later)

    assert shown.code is None
    assert shown.card.code_sealed is None
    assert shown.card.code_shown_at is None


def test_the_task_forgets_codes_over_a_day_old(user):
    old, fresh = buy(user), buy(user)
    [old_card] = cards_of(old)
    old_card.issued_at = utcnow() - dt.timedelta(hours=25)
    db.session.flush()

    assert giftcards.forget_old_codes() == 1

    db.session.expire_all()
    assert cards_of(old)[0].code_sealed is None
    assert cards_of(fresh)[0].code_sealed is not None


def test_only_the_buyer_sees_an_orders_gift_cards(user):
    order = buy(user)
    stranger = factories.UserFactory()

    with pytest.raises(NotFoundError):
        giftcards.show_cards(stranger, order.id)
    assert cards_of(order)[0].code_sealed is not None


def test_redeeming_puts_the_amount_in_the_redeeming_households_gift_balance(user, outbox):
    buy(user, price_cents=5_000)
    [code] = codes_in(outbox[0])
    friend = factories.UserFactory()

    card = giftcards.redeem(friend, code.lower().replace("-", " "))

    assert card.redeemed_by_id == friend.id
    assert ledger.balance(friend, LedgerAccount.GIFT) == 5_000
    assert ledger.balance(user, LedgerAccount.GIFT) == 0
    [row] = gift_rows(LedgerKind.GIFT_CARD_REDEEMED)
    assert (row.user_id, row.amount_cents, row.gift_card_id) == (friend.id, 5_000, card.id)


def test_a_code_redeems_once(user, outbox):
    buy(user)
    [code] = codes_in(outbox[0])
    giftcards.redeem(user, code)

    with pytest.raises(GiftCardRedeemedError, match="already redeemed on"):
        giftcards.redeem(factories.UserFactory(), code)

    assert len(gift_rows(LedgerKind.GIFT_CARD_REDEEMED)) == 1
    assert ledger.balance(user, LedgerAccount.GIFT) == 2_500


@pytest.mark.parametrize("typed", ["ABCD-EFGH-JKMN-PQRS", "nonsense", "", "x" * 500])
def test_a_wrong_code_is_refused_and_changes_nothing(user, typed):
    buy(user)

    with pytest.raises(GiftCardUnknownError, match="not a gift card code we issued"):
        giftcards.redeem(user, typed)

    assert gift_rows(LedgerKind.GIFT_CARD_REDEEMED) == []
    assert ledger.balance(user, LedgerAccount.GIFT) == 0


def test_a_code_made_with_another_secret_key_is_not_found(app, user, outbox):
    buy(user)
    [code] = codes_in(outbox[0])
    saved = app.secret_key
    app.secret_key = "a-different-secret-key-for-this-test"
    try:
        with pytest.raises(GiftCardUnknownError):
            giftcards.redeem(user, code)
    finally:
        app.secret_key = saved


def finance():
    return factories.StaffFactory(roles=[Role.FINANCE])


def refund_request(order, amount=None, to=RefundDestination.CREDIT):
    line = order.lines[0]
    return refunds.RefundRequest(line.id, amount or line.subtotal_cents, to, "Bought by mistake")


def test_refunding_an_unredeemed_card_cancels_it(user, outbox, fake_gateway):
    order = buy(user, quantity=2)
    order.payment_intent_id = "pi_gift"
    code = codes_in(outbox[0])[0]

    refunds.refund_line(finance(), refund_request(order, to=RefundDestination.CARD), fake_gateway)

    assert all(c.is_voided for c in cards_of(order))
    with pytest.raises(GiftCardCancelledError, match="This gift card was cancelled"):
        giftcards.redeem(user, code)
    assert gift_rows(LedgerKind.GIFT_CARD_REDEEMED) == []


def test_a_card_already_redeemed_cannot_be_refunded(user, outbox, fake_gateway):
    order = buy(user)
    [code] = codes_in(outbox[0])
    giftcards.redeem(factories.UserFactory(), code)
    line_id = order.lines[0].id

    with pytest.raises(RefundError, match="already redeemed"):
        refunds.refund_line(finance(), refund_request(order), fake_gateway)

    assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 0
    assert refunds.refundable_cents(db.session.get(OrderLine, line_id)) == 2_500
    assert not any(c.is_voided for c in cards_of(order))


def test_refusing_a_refund_of_one_of_two_cards_cancels_neither(user, outbox, fake_gateway):
    order = buy(user, quantity=2)
    giftcards.redeem(factories.UserFactory(), codes_in(outbox[0])[1])

    with pytest.raises(RefundError, match="already redeemed"):
        refunds.refund_line(finance(), refund_request(order), fake_gateway)

    assert [c.is_voided for c in cards_of(order)] == [False, False]
    assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 0


def test_a_gift_card_line_is_refunded_in_full_only(user, fake_gateway):
    order = buy(user)

    with pytest.raises(RefundError, match="refunded in full"):
        refunds.refund_line(finance(), refund_request(order, amount=1_000), fake_gateway)

    assert not cards_of(order)[0].is_voided
    assert db.session.scalar(sa.select(sa.func.count(Refund.id))) == 0


def test_a_failed_card_refund_gives_the_card_back(user, outbox, fake_gateway):
    order = buy(user)
    order.payment_intent_id = "pi_gift"
    [code] = codes_in(outbox[0])
    fake_gateway.failing = True

    with pytest.raises(RefundFailedError):
        refunds.refund_line(
            finance(), refund_request(order, to=RefundDestination.CARD), fake_gateway
        )

    [card] = cards_of(order)
    db.session.refresh(card)
    assert not card.is_voided
    assert giftcards.redeem(user, code).is_redeemed


@pytest.mark.unreconciled
def test_reconciliation_finds_a_card_without_its_loaded_row(user):
    order = buy(user)
    [card] = cards_of(order)
    assert reconcile.find_discrepancies() == []

    db.session.execute(sa.delete(LedgerEntry).where(LedgerEntry.gift_card_id == card.id))

    assert reconcile.find_discrepancies() == [f"gift card {card.id}: 0 loaded rows of 0"]


@pytest.mark.unreconciled
def test_reconciliation_finds_a_redeemed_card_without_its_redeemed_row(user):
    order = buy(user)
    [card] = cards_of(order)
    card.redeemed_at = utcnow()
    card.redeemed_by_id = user.id
    db.session.flush()

    assert reconcile.find_discrepancies() == [f"gift card {card.id}: 0 redeemed rows of 0"]


def test_the_personal_data_export_lists_cards_by_their_last_four_only(app, user, outbox):
    bought = buy(user)
    [code] = codes_in(outbox[0])
    friend = factories.UserFactory()
    giftcards.redeem(friend, code)
    [card] = cards_of(bought)

    mine = {k.key: k for k in personal_data.collect(user)}["gift_cards"]
    theirs = {k.key: k for k in personal_data.collect(friend)}["gift_cards"]

    assert mine.rows[0]["code_ending"] == card.last4
    assert mine.rows[0]["bought_by_you"] is True
    assert mine.rows[0]["order_reference"] == bought.reference
    assert theirs.rows[0]["redeemed_by_you"] is True
    assert theirs.rows[0]["order_reference"] is None
    dumped = json.dumps([k.rows for k in personal_data.collect(user)])
    assert code.replace("-", "") not in dumped
    assert card.code_hash not in dumped
