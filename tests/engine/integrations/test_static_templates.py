"""A mapping template without ``$``, ``#`` or ``\\`` renders as itself without building the VTL context (§6.3).

The lean path must say exactly what Velocity says: hypothesis compares it with the sandboxed render.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway_lab.engine.integrations import mapping
from gateway_lab.engine.integrations.vtl_sandbox import render as sandboxed

STATIC = st.text(
    alphabet=st.characters(blacklist_characters="$#\\", blacklist_categories=("Cs",)), max_size=200
)


@settings(max_examples=300, deadline=None)
@given(STATIC)
def test_static_template_renders_as_velocity_does(template: str) -> None:
    assert mapping.render(template, body="", params={}, context={}, stage_variables={}) == sandboxed(
        template, {}
    )


def test_static_template_does_not_build_the_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lean path never converts $context (the cost it saves on every MOCK request)."""

    def refuse(value: object) -> object:
        raise AssertionError("the VTL context was built")

    monkeypatch.setattr(mapping, "to_vtl", refuse)
    out = mapping.render('{"statusCode": 200}', body="", params={}, context={"a": 1}, stage_variables={})
    assert out == '{"statusCode": 200}'
    with pytest.raises(AssertionError):
        mapping.render(
            '{"id": "$context.requestId"}', body="", params={}, context={"a": 1}, stage_variables={}
        )


def test_a_template_with_a_reference_still_renders_it() -> None:
    out = mapping.render(
        '{"v": "$stageVariables.color"}', body="", params={}, context={}, stage_variables={"color": "blue"}
    )
    assert out == '{"v": "blue"}'
