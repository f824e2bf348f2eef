"""The readable text of an inbound message: HTML turned into plain text (standard library only),
and the quoted history of a reply cut off where that can be done simply."""

import re
from html.parser import HTMLParser

# Their content is never text for a reader.
_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript", "svg"})
# Each starts a new line of text.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tr", "ul",
    }
)  # fmt: skip


class _TextExtractor(HTMLParser):
    """Collects the text a reader sees; tags and their attributes are dropped, entities decoded
    (convert_charrefs). Never renders or fetches anything."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")
            elif tag == "blockquote":
                self.quote_depth += 1
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS and tag != "li":  # the next item starts its own line
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        text = re.sub(r"\s+", " ", data)
        if self.quote_depth and text.strip():
            # Quoted history in HTML mail is a <blockquote>: mark it the way plain text does.
            text = "\n".join("> " + line for line in text.split("\n"))
        self.parts.append(text)


def html_to_text(html: str) -> str:
    """Plain text of an HTML body: no tags, no scripts or styles, entities decoded, one blank
    line at most between paragraphs."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# The line a mail client writes above the message it quotes.
_ATTRIBUTIONS = (
    re.compile(r"^On\b.{4,}\bwrote:$", re.IGNORECASE | re.DOTALL),  # Gmail, Apple Mail, Thunderbird
    # Gmail in Turkish ("… tarihinde … şunu yazdı:"), Apple Mail ("… saatinde … şunları yazdı:")
    re.compile(r"^.{4,}\btarihinde\b.+\byazdı:$", re.IGNORECASE | re.DOTALL),
    re.compile(r"^-{2,}\s*(Original Message|Orijinal İleti|Özgün İleti|Forwarded message|"
               r"İletilen ileti)\s*-{2,}$", re.IGNORECASE),
)  # fmt: skip
# Outlook's header block above the quoted message ("From: ..." / "Kimden: ...").
_OUTLOOK_FROM = re.compile(r"^\*?(From|Kimden|Gönderen):\*?\s", re.IGNORECASE)
_OUTLOOK_NEXT = re.compile(r"^\*?(Sent|Date|Gönderildi|Tarih|To|Kime):\*?\s", re.IGNORECASE)


def _attribution_at(lines: list[str], index: int) -> bool:
    line = lines[index].strip()
    following = lines[index + 1].strip() if index + 1 < len(lines) else ""
    # Clients wrap a long attribution over two lines; try the line alone, then with the next.
    for candidate in (line, f"{line} {following}"):
        if any(pattern.match(candidate) for pattern in _ATTRIBUTIONS):
            return True
    return bool(_OUTLOOK_FROM.match(line) and _OUTLOOK_NEXT.match(following))


def reply_trimmed(text: str) -> str:
    """The new part of a reply: everything from the client's attribution line ("On … wrote:",
    "… tarihinde … şunu yazdı:", Outlook's "From:/Sent:" block) on is cut, and "> " lines are
    dropped. A message that would be left empty is returned whole (it was all quotes)."""
    lines = text.replace("\r\n", "\n").split("\n")
    for index in range(len(lines)):
        if lines[index].strip() and _attribution_at(lines, index):
            lines = lines[:index]
            break
    kept = [line for line in lines if not line.lstrip().startswith(">")]
    trimmed = re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()
    return trimmed or text.strip()
