"""Find English sentences in a page's visible text (issue 10: the visualizer in the learner's language).

A token (whitespace-separated) is an English word when it is letters only, lower case after its
first letter ("Cache", "throttled", "isn't"), with punctuation at its edges at most. Identifiers are
not words: ``GET``, ``API``, ``x-api-key``, ``aws:SourceIp``, ``$default``, ``statusCode``, anything
with digits or CJK. Three English words in a row are an English sentence. AWS's own error strings
(what the learner sees on the real service), product names and glossed terms are allowed verbatim.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

ALLOWED = (
    # AWS's verbatim response strings (GATEWAY_FACTS.md §5.2, §5.3) and close/refusal texts
    "Missing Authentication Token",
    "Endpoint request timed out",
    "Internal server error",
    "Internal Server Error",
    "Invalid request body",
    "Missing required request parameters",
    "Too Many Requests",
    "Limit Exceeded",
    "User is not authorized to access this resource with an explicit deny",
    "User is not authorized to access this resource",
    "is not authorized to perform",
    "Service Unavailable",
    "Request Too Long",
    "Not Found",
    # product names
    "Amazon API Gateway",
    "Amazon Web Services",
    # English terms glossed in parentheses after their Chinese name
    "string to sign",
    "canonical request",
)
WORD = re.compile(r"^[(\"'“‘\[]*[A-Za-z][a-z]*(?:['’][a-z]+)?[)\"'”’\].,;:!?]*$")
SKIPPED_TAGS = {"script", "style", "code", "pre", "kbd", "samp", "template", "noscript"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.hidden: list[bool] = []  # per open element: is its text skipped?
        self.skipping = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        hidden = tag in SKIPPED_TAGS or ("translate", "no") in attrs
        self.stack.append(tag)
        self.hidden.append(hidden)
        self.skipping += hidden

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            opened = self.stack.pop()
            self.skipping -= self.hidden.pop()
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.chunks.append(data)


def visible_text(html: str) -> list[str]:
    """Return the text chunks a reader sees, without code, preformatted blocks and scripts."""
    parser = _Visible()
    parser.feed(html)
    return parser.chunks


def english_runs(chunks: list[str], *, min_words: int = 3) -> list[str]:
    """Return every run of ``min_words`` or more English words in ``chunks`` (allowed strings removed)."""
    found = []
    for chunk in chunks:
        for allowed in ALLOWED:
            chunk = chunk.replace(allowed, " · ")
        run: list[str] = []
        for token in [*chunk.split(), "·"]:
            if WORD.match(token):
                run.append(token)
                continue
            if len(run) >= min_words:
                found.append(" ".join(run))
            run = []
    return found


def ensure_visualizer_catalog_compiled() -> bool:
    """Compile the visualizer's zh-Hans catalog when its .mo is missing or older than the .po.

    ``make`` compiles catalogs when the shared one changes; a test run right after editing only the
    visualizer's catalog would otherwise read a stale .mo. Returns True when it compiled.
    """
    from pathlib import Path

    import polib

    po = Path(__file__).resolve().parents[2] / "gateway_lab/visualizer/locale/zh_Hans/LC_MESSAGES/django.po"
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return False
    polib.pofile(str(po)).save_as_mofile(str(mo))
    from django.utils.translation import trans_real

    trans_real._translations = {}  # as Django does when LOCALE_PATHS change (test signals)
    trans_real._default = None
    return True
