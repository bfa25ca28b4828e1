"""Server-side syntax highlighting for fenced code blocks (Pygments, CSS classes only)."""

from __future__ import annotations

from html import escape

from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

# nowrap: we write the <pre><code> ourselves, so the markup matches unhighlighted blocks.
_FORMATTER = HtmlFormatter(nowrap=True)


def highlight_code(code: str, lang: str, _attrs: str = "") -> str:
    """Return a highlighted ``<pre>`` block, or "" to let markdown-it escape unknown languages."""
    name = (lang or "").strip().split()[0] if lang and lang.strip() else ""
    if not name:
        return ""
    try:
        lexer = get_lexer_by_name(name)
    except ClassNotFound:
        return ""
    body = pygments_highlight(code, lexer, _FORMATTER)
    lang_attr = escape(name, quote=True)
    return (
        f'<pre class="highlight" tabindex="0" data-lang="{lang_attr}">'
        f'<code class="language-{lang_attr}">{body}</code></pre>\n'
    )
