"""The text of an incoming email: decoded whatever its charset, HTML made plain, quotes cut."""

from __future__ import annotations

import codecs
import html
import re
from html.parser import HTMLParser

# Tried in turn when the declared charset is missing, unknown or wrong: UTF-8 is strict
# enough to reject most text that is not UTF-8, and Windows-1252 (a superset of Latin-1 as
# mail clients use it) reads what is left.
FALLBACK_CHARSETS = ("utf-8", "cp1252", "latin-1")

# Lines that introduce the message being answered; everything from them on is quoted.
ATTRIBUTION = re.compile(
    r"""^\s*(
        -{2,}\s*Original\s+Message\s*-{2,}
      | -{2,}\s*Message\s+d'origine\s*-{2,}
      | _{20,}
      | Begin\s+forwarded\s+message:
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# "On Tue, 1 Dec 2026 at 10:02, JasperRec <help@…> wrote:" (Gmail, Apple Mail,
# Thunderbird) and the French "Le … a écrit :", which clients wrap over two or three lines.
WROTE = re.compile(r"^\s*(On|Le)\s.*(wrote|a\s+écrit)\s*:\s*$", re.IGNORECASE | re.DOTALL)
WROTE_SPAN = 3
# Outlook's header block: "From: …" followed by "Sent: …" (or the French "De :", "Envoyé :").
OUTLOOK_FROM = re.compile(r"^\s*\*?(From|De)\s*:\*?\s", re.IGNORECASE)
OUTLOOK_SENT = re.compile(r"^\s*\*?(Sent|Date|Envoyé)\s*:", re.IGNORECASE)

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr",
        "ul",
    }
)  # fmt: skip
# Blocks that stand apart from the next by an empty line, as paragraphs do.
PARAGRAPH_TAGS = frozenset(
    {"blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ol", "p", "table", "ul"}
)
HIDDEN_TAGS = frozenset({"head", "script", "style", "title", "template"})


def decode(data: bytes, declared: str | None) -> str:
    """Decode a text part with its declared charset if that reads, else by trying others."""
    candidates = [declared] if declared else []
    for charset in [*candidates, *FALLBACK_CHARSETS]:
        try:
            codecs.lookup(charset)
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")  # pragma: no cover - latin-1 reads anything


class _TextExtractor(HTMLParser):
    """Collect an HTML body's text, a line per block, quoted blocks marked with '>'."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.hidden = 0
        self.quoted = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        elif tag in BLOCK_TAGS:
            self._break(paragraph=tag in PARAGRAPH_TAGS)
            if tag == "li":
                self.current.append("- ")
        if tag == "blockquote":
            self.quoted += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in BLOCK_TAGS:
            self._break(paragraph=tag in PARAGRAPH_TAGS)
        if tag == "blockquote":
            self.quoted = max(self.quoted - 1, 0)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.current.append(data)

    def _break(self, *, paragraph: bool = False) -> None:
        line = re.sub(r"\s+", " ", "".join(self.current)).strip()
        self.current = []
        if line:
            self.lines.append("> " * self.quoted + line)
        if paragraph and self.lines and self.lines[-1] != "":
            self.lines.append("")


def html_to_text(markup: str) -> str:
    """Turn an HTML body into plain text: no tags or scripts, a line per paragraph."""
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    extractor._break()
    return html.unescape("\n".join(extractor.lines)).strip()


def trim_quoted(text: str) -> str:
    """Cut the message being answered, and quoted lines, from a reply.

    If nothing is left (the sender wrote only between quoted lines, say), keep it all.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if ATTRIBUTION.match(line) or _quote_starts_at(lines, index):
            break
        if not line.lstrip().startswith(">"):
            kept.append(line.rstrip())
    trimmed = "\n".join(kept).strip()
    return trimmed or text.strip()


def _quote_starts_at(lines: list[str], index: int) -> bool:
    line = lines[index]
    if OUTLOOK_FROM.match(line):
        return index + 1 < len(lines) and bool(OUTLOOK_SENT.match(lines[index + 1]))
    if not re.match(r"^\s*(On|Le)\s", line, re.IGNORECASE):
        return False
    return any(
        WROTE.match(" ".join(lines[index : index + span])) for span in range(1, WROTE_SPAN + 1)
    )
