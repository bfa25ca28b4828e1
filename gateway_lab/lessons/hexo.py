"""Hexo's tag plugins in study notes, turned into plain Markdown (parsing only, no database; issue 13).

- ``{% asset_img [class…] diagram.png [width] [height] [title [alt]] %}`` → ``![alt](URL "title")``
- ``{% asset_link file.pdf [text] %}`` → ``[text](URL)``, ``{% asset_path file.png %}`` → ``URL``
- ``{% note info %}…{% endnote %}`` and ``{% tip %}…{% endtip %}`` (NexT, Butterfly) → a callout;
  ``warning``/``danger`` notes become pitfalls
- ``{% blockquote %}…{% endblockquote %}`` → a blockquote, ``{% codeblock lang:x %}…{% endcodeblock %}``
  (and Jekyll's ``{% highlight x %}…{% endhighlight %}``) → a fenced code block, ``{% raw %}…{% endraw %}``
  → its content
- ``<!-- more -->`` (Hexo's excerpt boundary) → removed; the text before it is the excerpt

Assets are files shipped beside the note (Hexo's ``post_asset_folder``: ``<note-name>/diagram.png``).
Which file a name points at, and whether it may be attached, is the caller's business: it passes a
``resolve`` callable that returns the URL to write or raises ``AssetError``. Any other tag is left out
of the page and reported as a ``Notice``, never shown as literal ``{% … %}``. Tags inside code
(fences and `` `spans` ``) are text and stay as written.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

NOTICE_KINDS = ("unknown_tag", "asset_missing", "asset_not_image", "asset_too_big")


class AssetError(Exception):
    """An asset that cannot be attached; ``kind`` is one of ``NOTICE_KINDS``."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Notice:
    """Something a file's report should say: ``kind`` (``NOTICE_KINDS``), its line and what it is about."""

    line: int  # 1-based line in the note's body
    kind: str
    subject: str


@dataclass(slots=True)
class HexoText:
    body: str
    excerpt: str = ""  # the Markdown before ``<!-- more -->``, "" without one
    notices: list[Notice] = field(default_factory=list)


Resolve = Callable[[str], str]

_FENCE = re.compile(r"^\s*(```|~~~)")
_TAG = re.compile(r"\{%-?\s*([A-Za-z_][\w-]*)\s*(.*?)\s*-?%\}")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_MORE = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.IGNORECASE)
_CODE = ("codeblock", "code", "highlight")  # highlight: Jekyll's {% highlight ruby %}
_BLOCKS = {"note", "tip", "blockquote", *_CODE, "raw"}
_PITFALL_STYLES = {"warning", "danger", "error", "red", "orange"}
_LANGUAGE = re.compile(r"[\w+#-]+")
_NUMBER = re.compile(r"^\d+(?:px|%)?$")


def _args(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unclosed quote: take the words as they are
        return text.split()


def _md_text(text: str) -> str:
    """Text safe inside ``[…]`` and ``"…"`` of a Markdown link."""
    return re.sub(r'([\[\]"\\])', r"\\\1", text)


def _asset_img(args: list[str]) -> tuple[str, str, str]:
    """(file, alt, title) from asset_img's arguments: classes, file, width, height, title, alt."""
    index = next((i for i, arg in enumerate(args) if "." in arg and not _NUMBER.match(arg)), 0)
    name, rest = (args[index], args[index + 1 :]) if args else ("", [])
    while rest and _NUMBER.match(rest[0]):
        rest = rest[1:]  # width and height: a Markdown image has neither
    title = " ".join(rest) if len(rest) != 2 else rest[0]
    alt = rest[1] if len(rest) == 2 else title
    return name, alt, title


class _Converter:
    def __init__(self, resolve: Resolve, offset: int) -> None:
        self.resolve = resolve
        self.offset = offset  # the body's first line in the note's numbering, minus one
        self.notices: list[Notice] = []
        self._reported: set[tuple[str, str]] = set()

    def notice(self, index: int, kind: str, subject: str) -> None:
        if (kind, subject) not in self._reported:  # one line per tag or file in the report
            self._reported.add((kind, subject))
            self.notices.append(Notice(index + 1 + self.offset, kind, subject))

    def url(self, name: str, index: int) -> str | None:
        try:
            return self.resolve(name)
        except AssetError as exc:
            self.notice(index, exc.kind, name)
            return None

    def inline(self, line: str, index: int) -> str:
        """Replace the inline tags of one line outside code spans."""
        parts, last = [], 0
        for span in _CODE_SPAN.finditer(line):
            parts.append(_TAG.sub(lambda m: self._tag(m, index), line[last : span.start()]))
            parts.append(span.group(0))
            last = span.end()
        parts.append(_TAG.sub(lambda m: self._tag(m, index), line[last:]))
        return "".join(parts)

    def _tag(self, match: re.Match[str], index: int) -> str:
        name, args = match.group(1).lower(), _args(match.group(2))
        if name == "asset_img":
            file, alt, title = _asset_img(args)
            url = self.url(file, index) if file else None
            if url is None:
                return _md_text(alt)
            caption = f' "{_md_text(title)}"' if title else ""
            return f"![{_md_text(alt)}]({url}{caption})"
        if name == "asset_link" and args:
            url = self.url(args[0], index)
            text = " ".join(a for a in args[1:] if a not in ("true", "false")) or args[0]
            return f"[{_md_text(text)}]({url})" if url else _md_text(text)
        if name == "asset_path" and args:
            return self.url(args[0], index) or ""
        if name.startswith("end") and name[3:] in _BLOCKS:
            return ""  # a stray end tag
        self.notice(index, "unknown_tag", name.removeprefix("end"))
        return ""


def _opening(line: str) -> tuple[str, list[str], str] | None:
    """A block tag that opens the line: (name, arguments, the rest of the line)."""
    match = _TAG.match(line.lstrip())
    if not match or match.group(1).lower() not in _BLOCKS:
        return None
    return match.group(1).lower(), _args(match.group(2)), line.lstrip()[match.end() :]


def _closing(line: str, name: str) -> tuple[str, str] | None:
    """(text before, text after) when the line holds ``{% end<name> %}``."""
    match = re.search(r"\{%-?\s*end" + name + r"\s*-?%\}", line)
    return (line[: match.start()], line[match.end() :]) if match else None


def _block_head(name: str, args: list[str]) -> list[str]:
    if name in ("note", "tip"):
        words = [a for a in args if a.lower() != "no-icon" and not a.startswith(("fa", "fas ", "far "))]
        style = words[0].lower() if words else ""
        kind = "PITFALL" if style in _PITFALL_STYLES else "NOTE"
        title = " ".join(words[1:]) if name == "note" else ""
        return [f"> [!{kind}]"] + ([f"> **{title}**", ">"] if title else [])
    if name in _CODE:
        language = next((a[5:] for a in args if a.startswith("lang:")), "")
        if name == "highlight" and args:
            language = args[0]
        return ["```" + (language if _LANGUAGE.fullmatch(language) else "")]
    return []


def hexo_convert(body: str, *, resolve: Resolve, first_line: int = 1) -> HexoText:
    """Turn Hexo's tags in ``body`` into Markdown; report unknown tags and unusable assets."""
    conv = _Converter(resolve, first_line - 1)
    out: list[str] = []
    excerpt: str | None = None
    in_fence = False
    block: str | None = None  # the open block tag, if any
    for index, line in enumerate(body.splitlines()):
        prefix = "> " if block in ("note", "tip", "blockquote") else ""
        verbatim = block in (*_CODE, "raw")
        if not verbatim and _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or _FENCE.match(line) or (verbatim and not _closing(line, block or "")):
            out.append(prefix + line)  # code: written as is
            continue
        if block is None:
            if _MORE.match(line):
                excerpt = "\n".join(out) if excerpt is None else excerpt
                continue
            opened = _opening(line)
            if opened is None:
                out.append(conv.inline(line, index))
                continue
            block, args, line = opened
            prefix, verbatim = (
                ("> " if block in ("note", "tip", "blockquote") else ""),
                block in (*_CODE, "raw"),
            )
            out.extend(_block_head(block, args))
            if not line.strip():
                continue
        closed = _closing(line, block)
        text = closed[0] if closed else line
        if text.strip() or not closed:
            out.append(prefix + (text if verbatim else conv.inline(text, index)))
        if closed:
            if block in _CODE:
                out.append("```")
            out.append("")  # the block ends here, whatever follows
            if closed[1].strip():
                out.append(conv.inline(closed[1], index))
            block = None
    if block in _CODE:
        out.append("```")
    return HexoText(body="\n".join(out) + "\n", excerpt=(excerpt or "").strip(), notices=conv.notices)
