"""An incoming email, read as a mail server hands it over: who sent it, what it answers,
its text, its files, and whether a robot sent it. Nothing here touches the database.
"""

from __future__ import annotations

import dataclasses
import re
from email import policy
from email.message import EmailMessage
from email.message import MIMEPart
from email.parser import BytesParser
from email.utils import getaddresses
from email.utils import parseaddr

from email_validator import EmailNotValidError
from email_validator import validate_email

from .errors import MailRejectedError
from .mailtext import decode
from .mailtext import html_to_text
from .mailtext import trim_quoted

REFERENCE = re.compile(r"\bJR-\d{4}-\d{6}\b")
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
SUBJECT_MAX = 200
PREFIXES = re.compile(r"^\s*((re|fw|fwd|tr|réf|aw|sv)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})
ROBOT_SENDERS = frozenset({"mailer-daemon"})


@dataclasses.dataclass(frozen=True)
class InboundFile:
    """A file that came with the email, as sent: its name, declared type and content."""

    filename: str
    content_type: str
    data: bytes


@dataclasses.dataclass(frozen=True)
class InboundMail:
    """What the helpdesk needs from one email."""

    sender: str
    first_name: str
    last_name: str
    subject: str
    message_id: str | None
    # Our Message-IDs it may answer: In-Reply-To first, then References newest first.
    thread_ids: tuple[str, ...]
    reference: str | None
    text: str
    reply_text: str
    files: tuple[InboundFile, ...]


def parse(raw: bytes) -> EmailMessage:
    """Parse the bytes as the mail server delivered them, however broken the MIME."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)  # noqa: S101 - policy.default makes EmailMessage
    return message


def automatic_reason(message: EmailMessage, envelope_sender: str | None = None) -> str | None:
    """Say why the email came from a robot (auto-reply, bounce, list), or None for a person.

    Answering a robot is how two of them end up mailing each other forever.
    """
    auto_submitted = _header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in BULK_PRECEDENCE:
        return f"Precedence: {precedence}"
    if message.get("X-Autoreply") is not None or message.get("X-Autorespond") is not None:
        return "X-Autoreply"
    if envelope_sender == "" or _header(message, "Return-Path").strip() == "<>":
        return "empty return path"
    if message.get_content_type() == "multipart/report":
        return "delivery report"
    senders = [envelope_sender or "", _unixfrom_sender(message), _address(message, "From")]
    if any(s.split("@")[0].lower() in ROBOT_SENDERS for s in senders if s):
        return "sent by MAILER-DAEMON"
    return None


def read(message: EmailMessage) -> InboundMail:
    """Take what the helpdesk files from a person's email.

    :raises MailRejectedError: when there is no sender address we could ever answer.
    """
    sender = _address(message, "From")
    try:
        sender = validate_email(sender, check_deliverability=False).normalized
    except EmailNotValidError:
        raise MailRejectedError("no valid sender address in From") from None
    display = _display_name(message)
    first, _, last = display.partition(" ")
    subject = _header(message, "Subject")
    reference = REFERENCE.search(subject)
    text = _body_text(message)
    return InboundMail(
        sender=sender.lower(),
        first_name=first[:100],
        last_name=last.strip()[:100],
        subject=_clean_subject(subject),
        message_id=_first_id(_header(message, "Message-ID")),
        thread_ids=_thread_ids(message),
        reference=reference.group(0) if reference else None,
        text=text,
        reply_text=trim_quoted(text),
        files=tuple(_files(message)),
    )


def _header(message: EmailMessage, name: str) -> str:
    """Read a header as text, or '' when it is missing or too broken to read."""
    try:
        value = message.get(name)
    except (IndexError, ValueError, TypeError, AttributeError):  # malformed header values
        return ""
    return "" if value is None else " ".join(str(value).split())


def _address(message: EmailMessage, name: str) -> str:
    pairs = getaddresses([_header(message, name)])
    return pairs[0][1] if pairs else ""


def _display_name(message: EmailMessage) -> str:
    name = parseaddr(_header(message, "From"))[0]
    return " ".join(name.replace('"', "").split())


def _unixfrom_sender(message: EmailMessage) -> str:
    unixfrom = message.get_unixfrom() or ""
    parts = unixfrom.split()
    return parts[1] if len(parts) > 1 else ""


def _first_id(value: str) -> str | None:
    found = MESSAGE_ID.search(value)
    return found.group(0) if found else None


def _thread_ids(message: EmailMessage) -> tuple[str, ...]:
    in_reply_to = MESSAGE_ID.findall(_header(message, "In-Reply-To"))
    references = list(reversed(MESSAGE_ID.findall(_header(message, "References"))))
    return tuple(dict.fromkeys(in_reply_to + references))


def _clean_subject(subject: str) -> str:
    bare = PREFIXES.sub("", subject)
    bare = re.sub(r"\[?\s*\bJR-\d{4}-\d{6}\b\s*\]?", "", bare)
    bare = " ".join(bare.split())
    return bare[:SUBJECT_MAX] or "Email without a subject"


def _body_text(message: EmailMessage) -> str:
    """Return the body as text: the plain part if there is one, else the HTML made plain."""
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, ValueError, TypeError, AttributeError):
        body = None
    if body is None:
        if message.is_multipart() or message.get_content_maintype() != "text":
            return ""
        body = message
    text = _part_text(body)
    if body.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").strip()


def _part_text(part: MIMEPart) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    return decode(payload, part.get_content_charset())


def _files(message: EmailMessage) -> list[InboundFile]:
    """Every leaf part that is an attachment or an inline image, in the order sent."""
    try:
        body = message.get_body(preferencelist=("plain", "html"))
    except (KeyError, ValueError, TypeError, AttributeError):
        body = None
    found: list[InboundFile] = []
    for part in message.walk():
        if part.is_multipart() or part is body or part is message:
            continue
        is_file = part.get_content_maintype() == "image" or part.is_attachment()
        if not is_file:
            continue
        data = part.get_payload(decode=True)
        name = part.get_filename() or f"attachment-{len(found) + 1}"
        content = data if isinstance(data, bytes) else b""
        found.append(InboundFile(name, part.get_content_type(), content))
    return found
