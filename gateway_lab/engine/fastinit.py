"""Fast constructors for the engine's frozen value objects, used on the per-request hot path.

A frozen dataclass's generated ``__init__`` assigns each field through ``object.__setattr__``
(frozen classes forbid plain assignment), which makes building a ten-field ``Step`` cost more than
the decision it records. ``fast_constructor(cls)`` generates, like ``dataclasses`` itself does, a
function with the same parameters (also accepted positionally, in field order) that fills an
instance of a private twin class with the same ``__slots__`` (plain slot stores, which the
interpreter specialises), then gives it its real class: ``__class__`` assignment is allowed
between classes of identical layout. The result *is* a ``cls`` instance, equal to ``cls(...)``
and as frozen (tests/engine/test_fastinit.py checks both); only ``__post_init__`` would be
skipped, so classes that define one are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from typing import Any, TypeVar

T = TypeVar("T")


def fast_constructor(cls: type[T]) -> Callable[..., T]:
    """Return a function taking ``cls``'s fields (same names, order and defaults) that builds an instance."""
    if not is_dataclass(cls) or "__slots__" not in cls.__dict__ or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} must be a slotted dataclass without __post_init__")
    if cls.__bases__ != (object,):
        raise TypeError(f"{cls.__name__} must derive from object only (its layout is copied)")
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": cls.__dict__["__slots__"]})
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_twin": twin, "_MISSING": MISSING}
    params, lines = [], []
    for f in fields(cls):
        if f.default is not MISSING:
            namespace[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_MISSING")
            lines.append(f"    if {f.name} is _MISSING: {f.name} = _factory_{f.name}()")
        else:
            params.append(f.name)
        lines.append(f"    obj.{f.name} = {f.name}")
    # Positional too (the hot path passes fields in order), unless a required field follows a default.
    ordered = all("=" not in a or all("=" in b for b in params[i:]) for i, a in enumerate(params))
    star = "" if ordered else "*, "
    source = (
        f"def make({star}{', '.join(params)}):\n    obj = _new(_twin)\n"
        + "\n".join(lines)
        + "\n    obj.__class__ = _cls\n    return obj\n"
    )
    exec(source, namespace)  # generated from the dataclass's own field names, as dataclasses does
    make: Callable[..., T] = namespace["make"]
    make.__qualname__ = f"fast_constructor({cls.__name__})"
    return make
