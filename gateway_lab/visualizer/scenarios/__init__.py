"""The visualizer's scenarios behind one function: ``run_for(query) -> Run`` (no Django here).

A ``Query`` is the canonical, validated visualizer query (preset or live API, builder overrides,
composed request, credentials, client, sends); the views and the page context build one from the
form and only render what ``run_for`` returns. Presets come from the engine (``load_preset``) and
runs are cached by query, so stepping through a run never simulates it again.

Modules: ``model`` (Query, Scenario, Run), ``definitions`` (preset, live, builder and compare
scenarios), ``api_types`` (REST↔HTTP), ``authorization`` (the builder's auth choice as
configuration), ``credentials`` (what the client adds: key, token, SigV4), ``sends`` (the virtual
clock's sends), ``run`` (``run_for`` and its cache).
"""

from __future__ import annotations

import json

from .authorization import LAB_KEY, MODELLED_API_TYPES, WITHOUT_EFFECT
from .definitions import FUNCTIONS, preset_api_type
from .model import OVERRIDE_FIELDS, LiveApi, Query, Run, Scenario, Send, api_type
from .run import clear_cache, composed_request, run_for, scenario_for
from .sends import MAX_BURST, MAX_OVER_S, format_send, parse_sends, parse_sends_counted

__all__ = [
    "FUNCTIONS",
    "LAB_KEY",
    "MAX_BURST",
    "MAX_OVER_S",
    "OVERRIDE_FIELDS",
    "MODELLED_API_TYPES",
    "WITHOUT_EFFECT",
    "LiveApi",
    "Query",
    "Run",
    "Scenario",
    "Send",
    "api_type",
    "api_type_of",
    "clear_cache",
    "composed_request",
    "format_send",
    "parse_sends",
    "parse_sends_counted",
    "preset_api_type",
    "run_for",
    "scenario_for",
]


def api_type_of(query: Query) -> str:
    """Return the API type ``query``'s scenario will have: the builder's choice, else its source's."""
    chosen = dict(query.overrides).get("api_type")
    if chosen:
        return str(chosen)
    if query.live is not None:
        return api_type(json.loads(query.live.definition_json))
    return preset_api_type(query.preset) if query.preset else "REST"
