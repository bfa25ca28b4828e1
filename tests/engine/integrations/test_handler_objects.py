"""Which handlers the lab runs: functions a module defines, or callable objects its source assigns (§6.1)."""

from __future__ import annotations

import pytest

from gateway_lab.engine.integrations.functions import FunctionRegistry
from gateway_lab.engine.integrations.types import IntegrationConfigError

REGISTRY = FunctionRegistry(allowed_packages=("tests.livegw.handlers",))


def test_a_callable_object_assigned_at_top_level_is_a_handler() -> None:
    """``handler = Mangum(app)``, as Lambda runs it."""
    handler = REGISTRY.resolve("tests.livegw.handlers.mangum_notes.handler")
    assert callable(handler) and type(handler).__name__ == "Mangum"


@pytest.mark.parametrize(
    "reference",
    [
        "tests.livegw.handlers.mangum_notes.Mangum",  # an imported class
        "tests.livegw.handlers.mangum_notes.json",  # an imported module
        "tests.livegw.handlers.imported_object.routed",  # another module's handler object, imported
    ],
)
def test_names_a_module_only_imports_are_not_handlers(reference: str) -> None:
    with pytest.raises(IntegrationConfigError, match="is not a function defined in"):
        REGISTRY.resolve(reference)
