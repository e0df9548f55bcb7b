"""Reading incoming email from real clients: senders, threads, text, files and robots."""

from __future__ import annotations

from pathlib import Path

import pytest

from jasperrec.helpdesk import inbound
from jasperrec.helpdesk.errors import MailRejectedError

FIXTURES = Path(__file__).parent / "mail_fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def read(name: str) -> inbound.InboundMail:
    return inbound.read(inbound.parse(fixture(name)))


def test_a_gmail_reply_threads_and_loses_its_quote() -> None:
    mail = read("gmail_reply.eml")
    assert mail.sender == "alex.tremblay@gmail.com"
    assert (mail.first_name, mail.last_name) == ("Alex", "Tremblay")
    assert mail.subject == "Streetlight out on Connaught Drive"
    assert mail.thread_ids == ("<our-message-id@jasper-alberta.ca>",)
    assert mail.message_id == "<CAF3u9sZ7pL1mQ+0xYb4Hn1w@mail.gmail.com>"
    assert mail.reply_text == (
        "It is still out tonight — the one across from the café.\n\nThanks,\nAlex"
    )
    assert mail.reference is None
    assert mail.files == ()


def test_an_outlook_reply_in_windows_1252_cuts_the_header_block() -> None:
    mail = read("outlook_reply.eml")
    assert mail.reference == "JR-2026-000042"
    assert mail.subject == "Refund for a cancelled swim class"
    assert mail.reply_text == (
        "Hi Mina,\n\nThank you – the refund hasn’t reached my card yet. Could you check?\n\nSam"
    )


def test_an_apple_mail_reply_keeps_in_reply_to_first_then_references_newest_first() -> None:
    mail = read("apple_mail_reply.eml")
    assert mail.thread_ids == (
        "<older-id@jasper-alberta.ca>",
        "<our-message-id@jasper-alberta.ca>",
    )
    assert mail.reply_text == "Yes, Saturday mornings work for both kids.\n\nSent from my iPhone"


def test_html_only_mail_becomes_plain_text_without_scripts_or_styles() -> None:
    mail = read("html_only.eml")
    assert mail.text == (
        "The bench in the arena change room is broken.\n\n"
        "- Third from the door\n- Since Sunday\n\nMerci & bonne journée <3"
    )
    assert "alert" not in mail.text
    assert "color" not in mail.text
    assert "ignored title" not in mail.text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("undeclared_charset.eml", "La piscine était fermée samedi à 10 h.\nPourquoi?"),
        ("mislabelled_charset.eml", "Le patinage libre du dimanche est-il annulé?"),
        ("unknown_charset.eml", "Are there skating lessons for adults?"),
    ],
)
def test_bodies_read_whatever_their_charset_claims(name: str, expected: str) -> None:
    assert read(name).text == expected


def test_an_encoded_sender_name_is_decoded() -> None:
    mail = read("undeclared_charset.eml")
    assert (mail.first_name, mail.last_name) == ("René", "Lavoie")
    assert mail.subject == "Piscine fermée"


def test_attachments_are_listed_in_order_whatever_their_declared_type() -> None:
    mail = read("new_request_with_photos.eml")
    assert [(f.filename, f.content_type) for f in mail.files] == [
        ("IMG_4821.JPG", "image/jpeg"),
        ("sketch.bin", "application/octet-stream"),
        ("permit.pdf", "application/pdf"),
    ]
    assert mail.files[0].data.startswith(b"\xff\xd8")
    assert "Photos attached" in mail.text


def test_malformed_mime_still_yields_the_sender_and_what_text_there_is() -> None:
    mail = read("malformed_mime.eml")
    assert mail.sender == "jo.smith@example.ca"
    assert "The dog park gate does not latch." in mail.text


def test_mail_without_a_sender_is_rejected() -> None:
    with pytest.raises(MailRejectedError, match="no valid sender"):
        read("no_sender.eml")


@pytest.mark.parametrize(
    ("name", "reason"),
    [("auto_reply.eml", "Auto-Submitted: auto-generated"), ("dsn_bounce.eml", "Auto-Submitted")],
)
def test_robots_are_recognised_from_fixtures(name: str, reason: str) -> None:
    found = inbound.automatic_reason(inbound.parse(fixture(name)))
    assert found is not None
    assert found.startswith(reason)


PERSON = b"From: Kim Park <kim@example.ca>\nSubject: Hi\n\nHello\n"


@pytest.mark.parametrize(
    ("headers", "envelope", "reason"),
    [
        (b"Auto-Submitted: auto-replied\n", None, "Auto-Submitted: auto-replied"),
        (b"Auto-Submitted: auto-generated; owner-email=x@y\n", None, "Auto-Submitted"),
        (b"Precedence: bulk\n", None, "Precedence: bulk"),
        (b"Precedence: junk\n", None, "Precedence: junk"),
        (b"Precedence: list\n", None, "Precedence: list"),
        (b"X-Autoreply: yes\n", None, "X-Autoreply"),
        (b"Return-Path: <>\n", None, "empty return path"),
        (b"", "", "empty return path"),
        (b"", "MAILER-DAEMON@mx.example.net", "sent by MAILER-DAEMON"),
        (b"From MAILER-DAEMON Tue Dec  1 18:40:12 2026\n", None, "sent by MAILER-DAEMON"),
        (b"Content-Type: multipart/report; report-type=delivery-status\n", None, "delivery"),
    ],
)
def test_auto_replies_bounces_and_lists_are_robots(
    headers: bytes, envelope: str | None, reason: str
) -> None:
    found = inbound.automatic_reason(inbound.parse(headers + PERSON), envelope)
    assert found is not None
    assert found.startswith(reason)


@pytest.mark.parametrize(
    "headers",
    [b"", b"Auto-Submitted: no\n", b"Precedence: first-class\n", b"Return-Path: <kim@x.ca>\n"],
)
def test_a_person_is_not_a_robot(headers: bytes) -> None:
    assert inbound.automatic_reason(inbound.parse(headers + PERSON), "kim@example.ca") is None


@pytest.mark.parametrize(
    ("subject", "reference", "clean"),
    [
        ("Re: [JR-2026-000042] Pool", "JR-2026-000042", "Pool"),
        ("RE: FW: Re: Pool", None, "Pool"),
        ("TR : Piscine", None, "Piscine"),
        ("AW: [JR-2026-000001]", "JR-2026-000001", "Email without a subject"),
        ("JR-2026-1234567 is not one", None, "JR-2026-1234567 is not one"),
        ("", None, "Email without a subject"),
    ],
)
def test_subjects_give_up_their_reference_and_reply_prefixes(
    subject: str, reference: str | None, clean: str
) -> None:
    raw = f"From: kim@example.ca\nSubject: {subject}\n\nHello\n".encode()
    mail = inbound.read(inbound.parse(raw))
    assert (mail.reference, mail.subject) == (reference, clean)
