"""Issue 10: every message the engine can put in a step has a zh-Hans translation.

The engine declares its step sentences as ``engine.text.Text`` templates next to each stage;
``messages_catalog.message_ids()`` imports every engine module and lists them. These tests check
that list against the visualizer's catalog (``gateway_lab/visualizer/locale/zh_Hans``, read with
polib), and run every preset to check that each step the engine emits carries its text as messages
from that list — so a new stage sentence written as a plain string, or a new template without a
translation, fails here.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import polib
import pytest

from gateway_lab.engine import text
from gateway_lab.engine.messages_catalog import message_ids
from gateway_lab.engine.presets import list_presets, run_preset
from gateway_lab.engine.text import Joined, Message
from gateway_lab.engine.trace import Step

CATALOG = Path(__file__).resolve().parents[2] / "gateway_lab/visualizer/locale/zh_Hans/LC_MESSAGES/django.po"
PRESETS = [preset["name"] for preset in list_presets()]


@lru_cache(maxsize=1)
def zh_hans() -> dict[str, str]:
    """The visualizer catalog's translated entries (fuzzy or empty ones do not count)."""
    return {e.msgid: e.msgstr for e in polib.pofile(str(CATALOG)) if e.msgstr and not e.fuzzy}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _messages_in(value: object) -> Iterator[Message]:
    """Yield ``value`` if it is a message, and every message nested in its parameters."""
    if isinstance(value, Message):
        yield value
        for param in value.params.values():
            yield from _messages_in(param)
    elif isinstance(value, Joined):
        yield value.sep()
        for item in value.items:
            yield from _messages_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _messages_in(item)


def _step_messages(step: Step) -> Iterator[Message]:
    for value in (step.title_msg, step.reason_msg, step.fidelity_msg, *(step.detail_msgs or {}).values()):
        yield from _messages_in(value)


def test_messages_catalog_lists_every_stage_module_message() -> None:
    """Issue 10: importing the engine registers the stage sentences (one per stage module at least)."""
    ids = message_ids()
    assert len(ids) > 200
    modules = {t.__class__.__module__ for t in text.CATALOG.values()}
    assert modules == {"gateway_lab.engine.text"}  # every entry is a Text
    for sentence in (
        "No API key needed",
        "Cache hit",
        "Within limits",
        "Regional endpoint",
        "No resource policy",
    ):
        assert sentence in ids


def test_messages_catalog_every_engine_message_has_a_zh_hans_translation() -> None:
    """Issue 10: no message the engine can emit is missing from the zh-Hans catalog."""
    missing = [msgid for msgid in message_ids() if msgid not in zh_hans()]
    assert not missing, f"{len(missing)} engine messages without zh-Hans: {missing[:10]}"


def test_messages_catalog_translations_keep_every_placeholder() -> None:
    """Issue 10: a translation uses exactly its template's parameters (else rendering falls back to English)."""
    catalog = zh_hans()
    wrong = [
        msgid
        for msgid in message_ids()
        if msgid in catalog and _placeholders(catalog[msgid]) != _placeholders(msgid)
    ]
    assert not wrong, wrong


def test_messages_catalog_translations_use_the_glossary_terms() -> None:
    """Issue 10 / content/glossary.yaml: throttling is 节流 (never 限流) in the engine's sentences."""
    catalog = zh_hans()
    assert not [msgid for msgid in message_ids() if "限流" in catalog.get(msgid, "")]
    assert "节流" in catalog["Usage-plan throttle"]


@pytest.mark.parametrize("name", PRESETS)
def test_messages_catalog_every_preset_step_speaks_in_catalogued_messages(name: str) -> None:
    """Issue 10: each step of each preset carries its title and reason as registered, translated messages."""
    ids, catalog = set(message_ids()), zh_hans()
    for _, simulation in run_preset(name):
        for trace in simulation.traces:
            for step in trace.steps:
                assert step.title_msg is not None and str(step.title_msg) == step.title, step
                assert step.reason_msg is not None and str(step.reason_msg) == step.reason, step
                if step.fidelity:
                    assert step.fidelity_msg is not None and str(step.fidelity_msg) == step.fidelity, step
                for message in _step_messages(step):
                    assert message.id in ids, f"{message.id!r} is not declared as a module-level Text"
                    assert message.id in catalog, f"{message.id!r} has no zh-Hans translation"


@pytest.mark.parametrize("name", PRESETS)
def test_messages_catalog_every_preset_request_label_is_translated(name: str) -> None:
    """Issue 10: request labels ("spike", "GET /orders, same token") have zh-Hans entries."""
    catalog = zh_hans()
    labels = {
        str(entry.get("label"))
        for _, simulation in run_preset(name)
        for entry in simulation.timeline
        if entry.get("label")
    }
    assert not sorted(labels - catalog.keys())


def test_messages_catalog_text_renders_english_like_the_engine_always_did() -> None:
    """Issue 10: numbers through fmt ("4,999", "0.4"), specs kept ({burst:d} ungrouped), nested and joined."""
    message_ids()
    catalog = text.CATALOG
    level, stage = catalog["account"], catalog["stage"]
    within = catalog[
        "Each bucket had a token to spare; tokens left: {level} {tokens}/{burst:d}, {level2} {tokens2}/{burst2:d}."
    ]
    message = within(level=stage(), tokens=0.4, burst=5, level2=level(), tokens2=4999.0, burst2=5000)
    assert str(message) == "Each bucket had a token to spare; tokens left: stage 0.4/5, account 4,999/5000."
    limit = catalog[
        "API Key {key} exceeded throttle limit for API Stage {api_stage}: Key throttle limit exceeded "
        "for Usage Plan ID {plan}. Limit: {rate:.2f} Burst: {burst:d}"
    ]
    assert str(limit(key="k", api_stage="a/s", plan="p", rate=10, burst=5000)).endswith(
        "Limit: 10.00 Burst: 5000"
    )
    valid = catalog["{why:cap}."](why=catalog["a valid ID token from the user pool"]())
    assert str(valid) == "A valid ID token from the user pool."
    joined = catalog["conditions hold: {whys}"](whys=Joined(("x = 1", "y = 2")))
    assert str(joined) == "conditions hold: x = 1; y = 2"
    assert "y = 2" in joined


def test_messages_catalog_message_to_dict_is_json_safe_and_pickles() -> None:
    """Issue 10: the front ends' shape ({"id", "params"}) nests messages; a pickled message keeps its Text."""
    import json
    import pickle

    message_ids()
    outer = text.CATALOG["401 Unauthorized: {why}."](why=text.CATALOG["the token has expired"]())
    data = outer.to_dict()
    assert data == {
        "id": "401 Unauthorized: {why}.",
        "params": {"why": {"id": "the token has expired", "params": {}}},
    }
    assert json.loads(json.dumps(data)) == data
    copy = pickle.loads(pickle.dumps(outer))
    assert (
        copy == outer and copy.text is outer.text and str(copy) == "401 Unauthorized: the token has expired."
    )
