"""
Griffe extensions for the docs build (configured in ``mkdocs.yml``).

- `AttrsSignatures` gives attrs classes the signature of the ``__init__``
  attrs generates. Static analysis cannot see that method, so without this
  the reference would show ``Member`` with no parameters at all.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import attrs
import griffe

_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: griffe.ParameterKind.positional_only,
    inspect.Parameter.POSITIONAL_OR_KEYWORD: griffe.ParameterKind.positional_or_keyword,
    inspect.Parameter.VAR_POSITIONAL: griffe.ParameterKind.var_positional,
    inspect.Parameter.KEYWORD_ONLY: griffe.ParameterKind.keyword_only,
    inspect.Parameter.VAR_KEYWORD: griffe.ParameterKind.var_keyword,
}
_LONGEST_DEFAULT = 40


class AttrsSignatures(griffe.Extension):
    """Add the attrs-generated ``__init__`` to attrs classes."""

    def on_class_members(self, *, cls: griffe.Class, **kwargs: Any) -> None:  # noqa: ARG002
        """Build ``__init__`` from the runtime class's signature."""
        if "__init__" in cls.members:
            return
        try:
            runtime = griffe.dynamic_import(cls.path)
        except ImportError:
            return
        if not (isinstance(runtime, type) and attrs.has(runtime)):
            return
        defaults = {field.alias: field.default for field in attrs.fields(runtime)}
        parameters = [
            griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword)
        ]
        for name, param in inspect.signature(runtime).parameters.items():
            annotation = param.annotation
            parameters.append(
                griffe.Parameter(
                    name,
                    annotation=None
                    if annotation is inspect.Parameter.empty
                    else str(annotation),
                    kind=_KINDS[param.kind],
                    default=_default(runtime, defaults.get(name, attrs.NOTHING)),
                )
            )
        init = griffe.Function(
            "__init__", parameters=griffe.Parameters(*parameters), returns="None"
        )
        cls.set_member("__init__", init)


def _factory_default(default: Any) -> str:
    """A factory default: its value if short, else the call that makes it."""
    factory = default.factory
    if default.takes_self:
        return "<derived>"  # worked out from the other fields when not given
    if isinstance(factory, type) and factory.__module__.startswith("peerkit"):
        return f"{factory.__qualname__}()"
    text = repr(factory())
    if len(text) <= _LONGEST_DEFAULT:
        return text
    return f"{factory.__qualname__}()"


def _default(cls: type, default: object) -> str | None:
    """How to show a field's default: its value, a public name, or the factory call."""
    if default is attrs.NOTHING:
        return None
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return _factory_default(default)
    package = importlib.import_module(cls.__module__.split(".")[0])
    for name in getattr(package, "__all__", ()):
        if getattr(package, name, None) is default:
            return str(name)
    return repr(default)
