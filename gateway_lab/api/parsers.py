"""JSON bodies that cannot crash a view: bounded nesting, bounded size, errors as JSON field errors.

Python's ``json`` parses recursively: a body nested 1,000+ levels deep raises ``RecursionError``
(and a shallower one can still exhaust the stack in code that walks it). ``load_json`` measures
the depth without recursion and refuses anything deeper than ``MAX_JSON_DEPTH``; a body larger
than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is refused too (Django's ``RequestDataTooBig``), as a JSON
400, never Django's HTML error page.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import RequestDataTooBig
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 64


class JsonBodyError(ValueError):
    """The body is not acceptable JSON; ``field`` names where (``non_field_errors`` for the whole)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """Return the nesting depth of ``value`` (a scalar is 0), stopping once it passes ``limit``."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth) for child in children)
    return deepest


def check_depth(data: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise ``JsonBodyError`` naming the top-level field that nests deeper than ``limit``."""
    if isinstance(data, dict):
        for key, value in data.items():
            if json_depth(value, limit - 1) > limit - 1:
                raise JsonBodyError(str(key)[:64], f"JSON nested deeper than {limit} levels.")
    elif json_depth(data, limit) > limit:
        raise JsonBodyError("non_field_errors", f"JSON nested deeper than {limit} levels.")


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?|[\[\]{}]')


def scan_depth(text: str, limit: int = MAX_JSON_DEPTH) -> str | None:
    """Without parsing, return the top-level key (or ``non_field_errors``) under which ``text`` nests past ``limit``."""
    if text.count("[") + text.count("{") <= limit:
        return None
    depth, key = 0, "non_field_errors"
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return key
        elif token in "]}":
            depth -= 1
        elif match.group(1) and depth == 1:  # a key of the top-level object
            key = token[1 : token.rindex('"')][:64] or key
    return None


def load_json(raw: bytes | str) -> Any:
    """Parse ``raw`` as JSON, refusing deep nesting; raise ``JsonBodyError`` (or ``ValueError``) if bad."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    field = scan_depth(text)
    if field is not None:
        raise JsonBodyError(field, f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise JsonBodyError("non_field_errors", f"JSON nested deeper than {MAX_JSON_DEPTH} levels.") from exc
    check_depth(data)
    return data


def body_too_big_message() -> str:
    from django.conf import settings

    return f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser with the depth bound; problems become 400 field errors."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            # DRF reads the request stream directly, past Django's own check: read one byte more.
            raw = b"" if stream is None else stream.read() if limit is None else stream.read(limit + 1)
        except RequestDataTooBig as exc:
            raise ValidationError({"non_field_errors": [body_too_big_message()]}) from exc
        if limit is not None and len(raw) > limit:
            raise ValidationError({"non_field_errors": [body_too_big_message()]})
        encoding = (parser_context or {}).get("encoding") or "utf-8"
        try:
            return load_json(raw.decode(encoding))
        except JsonBodyError as exc:
            raise ValidationError({exc.field: [exc.message]}) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationError({"non_field_errors": [f"JSON parse error: {exc}"]}) from exc
