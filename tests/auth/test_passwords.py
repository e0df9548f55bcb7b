"""The password policy: which guessable passwords are refused, why, and what still passes."""

from __future__ import annotations

import random
import string

import pytest

from jasperrec.auth.passwords import password_problem

EVERYDAY_WORDS = """
    anchor basket candle dinner eagle forest garden harbor island jacket kettle lemon meadow
    napkin orange pepper quartz river saddle timber umbrella valley walnut yellow zebra bridge
    canyon cedar glacier summit trail paddle skate hockey swim yoga ticket
"""
# What the security review found accepted.
REVIEWED = [
    ("123456789012345", "digits alone"),
    ("qwertyuiopasdfgh", "keys next to each other"),
    ("passwordpassword1", "repeats the same word"),
    ("letmeinletmein123", "repeats the same word"),
    ("p@ssw0rdp@ssw0rd!", "repeats the same word"),
    ("!!!!!!!!!!!!!!!a", "one character repeated"),
]


@pytest.mark.parametrize(("password", "reason"), REVIEWED)
def test_the_passwords_from_the_security_review_are_refused_with_a_reason(
    password: str, reason: str
) -> None:
    assert reason in (password_problem(password) or "")


@pytest.mark.parametrize(
    "password",
    [
        "987654321098765",
        "2026 05 14 1985 03",
        "780-852-3356-0001",
        "١٢٣٤٥٦٧٨٩٠١٢٣٤٥",  # Arabic-Indic digits
        "３１４１５９２６５３５８９７９",  # full-width digits
    ],
)
def test_digits_alone_are_refused_however_long(password: str) -> None:
    assert "digits alone" in (password_problem(password) or "")


@pytest.mark.parametrize(
    "password",
    [
        "QWERTYUIOPASDFGH",
        "poiuytrewqlkjhgfd",
        "asdfghjkl;zxcvbnm",
        "~!@#$%^&*()_+{}|",
        "1qaz2wsx3edc4rfv5",
        "zaq1xsw2cde3vfr4bgt5",
        "zse4xdr5cft6vgy7",
        "!QAZ@WSX#EDC$RFV",
        "qwer tyui asdf zxcv",
    ],
)
def test_keyboard_walks_are_refused(password: str) -> None:
    assert "keys next to each other" in (password_problem(password) or "")


@pytest.mark.parametrize(
    "password",
    ["abcdefghijklmnop", "ZYXWVUTSRQPONM!!", "abcd efgh ijkl mnop", "lmnopqrs 2026 98765"],
)
def test_sequences_that_make_up_most_of_the_password_are_refused(password: str) -> None:
    assert "in order" in (password_problem(password) or "")


@pytest.mark.parametrize(
    "password",
    ["a" + " " * 14 + "b", "zzzzzzzzzzzzzzzzzzz", "x!!!!!!!!!!!!!!!y", "aaaaaaaaa bbbbbbbbb"],
)
def test_runs_of_one_character_that_make_up_most_of_the_password_are_refused(
    password: str,
) -> None:
    assert "one character repeated" in (password_problem(password) or "")


@pytest.mark.parametrize(
    "password",
    [
        "monkeymonkeymonkey",
        "dragon dragon dragon",
        "Sunshine Sunshine 99",
        "24! sunshinesunshine",
        "xkcdvwxkcdvwxkcdvw",
        "L3tm31n!L3tm31n!",
        "p@ssw0rdpassword1",
    ],
)
def test_one_word_repeated_with_a_few_characters_added_is_refused(password: str) -> None:
    assert "repeats the same word" in (password_problem(password) or "")


@pytest.mark.parametrize(
    "password",
    [
        "P@55w0rd!1234567",
        "Dr@g0n 2026 2027!",
        "$uperman12345678",
        "5unsh1ne 2026 !!!",
        "1etme1n2026-2027",
        "|3tm3in 2026 !!",
    ],
)
def test_common_passwords_in_look_alike_spelling_are_refused(password: str) -> None:
    assert "look-alike" in (password_problem(password) or "")


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "Maligne Canyon 2026 hike!",
        "lantern orchard velvet ocean",
        "power tower flower shower",
        "first study group tonight",
        "defend the abbey walls at dawn",
        "the quick brown fox jumps over",
        "Tr0ub4dor&3 is not my password",
        "mañana café über straße ☃",
        "my 2 cats ate 3 pizzas",
        "9f$Kq2!vLm#8Wz@r",
        "kT7#pX2qR9!mZ4wL",
        "]%~(;<&{'^>)[?}",
        "h3ll0 fr0m th3 r1v3r",
        "purple monkey dishwasher 42",
    ],
)
def test_good_passphrases_and_random_strings_still_pass(password: str) -> None:
    assert password_problem(password) is None


def test_random_sixteen_character_strings_pass() -> None:
    rng = random.Random(2026)
    alphabet = string.ascii_letters + string.digits + string.punctuation

    refused = [
        password
        for password in ("".join(rng.choice(alphabet) for _ in range(16)) for _ in range(300))
        if password_problem(password) is not None
    ]

    assert refused == []


def test_random_four_word_passphrases_pass() -> None:
    words = EVERYDAY_WORDS.split()
    rng = random.Random(2026)

    refused = [
        password
        for password in (" ".join(rng.sample(words, 4)) for _ in range(300))
        if password_problem(password) is not None
    ]

    assert refused == []
