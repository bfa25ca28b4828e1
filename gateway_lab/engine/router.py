"""Path matching compiled once per deployment (§10): literal > ``{param}`` > ``{proxy+}``.

A trie over path segments. ``candidates`` yields every resource whose path matches, most specific
first, so REST can take the first and HTTP APIs can keep looking for one that has the method.

A lookup visits at most every trie node once, so its cost is bounded by the definition's size
(``model_load`` bounds resources and segments per path); the matches of recent paths are kept
(``CACHE_SIZE``), so a burst of the same request walks the trie once, not once per copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .model import Resource

CACHE_SIZE = 1024


@dataclass(slots=True)
class _Node:
    literal: dict[str, _Node] = field(default_factory=dict)
    params: list[tuple[str, _Node]] = field(default_factory=list)
    greedy: tuple[str, Resource] | None = None
    resource: Resource | None = None


class Router:
    """Match request paths (after the stage) against resource or route paths."""

    __slots__ = ("_cache", "_root")

    def __init__(self, resources: tuple[Resource, ...]) -> None:
        self._cache: dict[str, tuple[tuple[Resource, dict[str, str]], ...]] = {}
        self._root = _Node()
        for resource in resources:
            self._add(resource)

    def _add(self, resource: Resource) -> None:
        node = self._root
        for part in [p for p in resource.path.split("/") if p]:
            if part.startswith("{") and part.endswith("+}"):
                node.greedy = (part[1:-2], resource)
                return
            if part.startswith("{") and part.endswith("}"):
                name = part[1:-1]
                child = next((n for p, n in node.params if p == name), None)
                if child is None:
                    child = _Node()
                    node.params.append((name, child))
                node = child
            else:
                node = node.literal.setdefault(part, _Node())
        node.resource = resource

    def candidates(self, path: str) -> Iterator[tuple[Resource, dict[str, str]]]:
        """Yield (resource, path parameters) for every match, most specific first.

        Empty segments are ignored (``//pets`` and ``/pets/`` match ``/pets``, §6.1) and values stay
        percent-encoded as the client sent them.
        """
        found = self._cache.get(path)
        if found is None:
            matches: list[tuple[Resource, dict[str, str]]] = []
            _collect(self._root, [s for s in path.split("/") if s], 0, {}, matches)
            if len(self._cache) >= CACHE_SIZE:
                self._cache.clear()
            found = self._cache[path] = tuple(matches)
        # Callers keep the parameters in traces: each gets its own dict.
        return ((resource, dict(params)) for resource, params in found)


def _collect(
    node: _Node,
    segments: list[str],
    i: int,
    params: dict[str, str],
    found: list[tuple[Resource, dict[str, str]]],
) -> None:
    """Append every match below ``node`` to ``found``, most specific first (plain recursion, no generators)."""
    if i == len(segments):
        if node.resource is not None:
            found.append((node.resource, params))
        return
    segment = segments[i]
    child = node.literal.get(segment)
    if child is not None:
        _collect(child, segments, i + 1, params, found)
    for name, param_node in node.params:
        _collect(param_node, segments, i + 1, {**params, name: segment}, found)
    if node.greedy is not None:
        name, resource = node.greedy
        found.append((resource, {**params, name: "/".join(segments[i:])}))
