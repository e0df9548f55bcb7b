"""Cutting quoted text from replies, and making HTML plain."""

from __future__ import annotations

import pytest

from jasperrec.helpdesk.mailtext import decode
from jasperrec.helpdesk.mailtext import html_to_text
from jasperrec.helpdesk.mailtext import trim_quoted


@pytest.mark.parametrize(
    "text",
    [
        "Fixed, thanks.\n\nOn Tue, Dec 1, 2026 at 9:02 AM Mina <h@j.ca> wrote:\n> Hello",
        "Fixed, thanks.\n\nOn Tue, Dec 1, 2026 at 9:02 AM Mina, Customer Service <\n"
        "h@j.ca> wrote:\n\n> Hello",
        "Fixed, thanks.\n\nLe mar. 1 déc. 2026 à 09:02, Mina <h@j.ca> a écrit :\n> Bonjour",
        "Fixed, thanks.\n\n-----Original Message-----\nFrom: Mina\nHello",
        "Fixed, thanks.\n\n________________________________\nFrom: Mina\nSent: Monday\nHello",
        "Fixed, thanks.\r\n\r\nFrom: Mina <h@j.ca>\r\nSent: Monday, November 30, 2026\r\nHello",
        "Fixed, thanks.\n> Hello\n> Mina",
    ],
    ids=["gmail", "wrapped", "french", "original-message", "outlook-rule", "outlook", "quoted"],
)
def test_quoted_text_is_cut(text: str) -> None:
    assert trim_quoted(text) == "Fixed, thanks."


def test_a_line_starting_from_is_kept_when_no_sent_line_follows() -> None:
    text = "From: the parking lot, you can see it.\nThanks"
    assert trim_quoted(text) == text


def test_a_reply_that_is_all_quote_is_kept_whole() -> None:
    assert trim_quoted("> only a quote\n> here") == "> only a quote\n> here"


def test_html_quotes_are_marked_so_they_can_be_cut() -> None:
    markup = "<div>Still broken.</div><blockquote><p>Hello Alex,</p><p>Fixed.</p></blockquote>"
    text = html_to_text(markup)
    assert text == "Still broken.\n\n> Hello Alex,\n\n> Fixed."
    assert trim_quoted(text) == "Still broken."


def test_html_entities_and_line_breaks_become_text() -> None:
    assert html_to_text("a&nbsp;&lt;b&gt;<br>c &amp; d") == "a <b>\nc & d"


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("café".encode(), "utf-8", "café"),
        ("café".encode("latin-1"), None, "café"),
        ("café".encode("latin-1"), "utf-8", "café"),
        ("naïve ’quote’".encode("cp1252"), "bogus-charset", "naïve ’quote’"),
        (b"\x81\x8d\x8f", "utf-8", "\x81\x8d\x8f"),
    ],
)
def test_decoding_falls_back_when_the_charset_lies(
    data: bytes, declared: str | None, expected: str
) -> None:
    assert decode(data, declared) == expected
