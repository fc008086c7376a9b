"""
Every public name is documented with an example that runs.

Classes, functions, and the public methods and properties of public classes
carry a Google-style ``Examples:`` section with ``>>>`` lines (test_docs.py
runs them). Constants and type aliases cannot hold a docstring of their own
(``inspect`` sees their type's), so they need an attribute docstring in the
source, and every constant appears in some runnable example.
"""

from __future__ import annotations

import ast
import doctest
import enum
import functools
import importlib
import inspect
import itertools
import pathlib
import pkgutil
import types
import typing

import pytest

import peerkit

# peerkit and every public module or package right under it.
MODULES = (
    "peerkit",
    *(
        f"peerkit.{info.name}"
        for info in pkgutil.iter_modules(peerkit.__path__)
        if not info.name.startswith("_")
    ),
)
SRC = pathlib.Path(peerkit.__file__).parent
_PARSER = doctest.DocTestParser()


def _exported() -> dict[str, object]:
    """Every name in every public ``__all__``, qualified by the module that exports it."""
    names: dict[str, object] = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            if not name.startswith("__"):
                names[f"{module_name}.{name}"] = getattr(module, name)
    return names


def _is_documentable(obj: object) -> bool:
    """Whether *obj* carries a docstring of its own (a class or a function)."""
    return inspect.isclass(obj) or inspect.isroutine(obj)


def _is_type_alias(obj: object) -> bool:
    return isinstance(obj, types.UnionType) or typing.get_origin(obj) is not None


def _members(cls: type) -> dict[str, object]:
    """The public methods and properties *cls* defines itself (enum members and inherited ones aside)."""
    found: dict[str, object] = {}
    for name, attr in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(cls, enum.EnumMeta) and name in cls.__members__:
            continue
        if isinstance(attr, property):
            found[name] = attr.fget
        elif isinstance(attr, functools.cached_property):
            found[name] = attr.func
        elif isinstance(attr, (classmethod, staticmethod)):
            found[name] = attr.__func__
        elif inspect.isfunction(attr):
            found[name] = attr
    return found


def _documented() -> dict[str, object]:
    """Everything that must hold an ``Examples:`` section, by qualified name."""
    out: dict[str, object] = {}
    for qualname, obj in _exported().items():
        if not _is_documentable(obj):
            continue
        out[qualname] = obj
        if inspect.isclass(obj):
            for name, member in _members(obj).items():
                out[f"{qualname}.{name}"] = member
    return out


DOCUMENTED = _documented()
CONSTANTS = {
    qualname: obj
    for qualname, obj in _exported().items()
    if not _is_documentable(obj) and not _is_type_alias(obj)
}
ALIASES = {
    qualname: obj
    for qualname, obj in _exported().items()
    if not _is_documentable(obj) and _is_type_alias(obj)
}


def _examples_section(doc: str) -> str | None:
    """The text of the docstring's ``Examples:`` section, or None if it has none."""
    lines = inspect.cleandoc(doc).splitlines()
    for i, line in enumerate(lines):
        if line.rstrip() == "Examples:":
            body = []
            for rest in lines[i + 1 :]:
                if rest and not rest.startswith(" "):
                    break
                body.append(rest)
            return "\n".join(body)
    return None


@pytest.mark.parametrize("qualname", sorted(DOCUMENTED))
def test_public_name_has_an_examples_section(qualname: str) -> None:
    """The class, function, method or property has a docstring whose ``Examples:`` section holds at least one ``>>>`` example."""
    doc = getattr(DOCUMENTED[qualname], "__doc__", None)
    assert doc, f"{qualname} has no docstring"
    section = _examples_section(doc)
    assert section is not None, f"{qualname}'s docstring has no 'Examples:' section"
    assert _PARSER.get_examples(inspect.cleandoc(section)), (
        f"{qualname}'s 'Examples:' section has no >>> example"
    )


@functools.cache
def _attribute_docstrings() -> frozenset[str]:
    """Module-level names in peerkit's source that are followed by a string literal (an attribute docstring)."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        for node, after in itertools.pairwise(body):
            is_doc = (
                isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            )
            if not is_doc:
                continue
            if isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return frozenset(names)


@pytest.mark.parametrize("qualname", sorted(CONSTANTS | ALIASES))
def test_constant_or_alias_has_an_attribute_docstring(qualname: str) -> None:
    """A public constant or type alias is followed in the source by a docstring, which the reference pages render."""
    assert qualname.rpartition(".")[2] in _attribute_docstrings()


@functools.cache
def _example_sources() -> str:
    """The source of every ``>>>`` example in peerkit's docstrings, joined."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    names = ["peerkit"] + [
        info.name for info in pkgutil.walk_packages(peerkit.__path__, "peerkit.")
    ]
    return "\n".join(
        example.source
        for name in names
        for test in finder.find(importlib.import_module(name), name)
        for example in test.examples
    )


@pytest.mark.parametrize("qualname", sorted(CONSTANTS))
def test_constant_is_used_in_an_example(qualname: str) -> None:
    """A public constant (a ready journey scale or questionnaire, a tuple of names) appears in at least one runnable docstring example."""
    name = qualname.rpartition(".")[2]
    assert name in _example_sources(), f"no docstring example uses {name}"


def test_the_audit_is_not_vacuous() -> None:
    """The audit sees the classes, functions, members and constants it is meant to (a broken walk would pass vacuously)."""
    assert {
        "peerkit.errors",
        "peerkit.matching",
        "peerkit.scheduling",
        "peerkit.engagement",
        "peerkit.outcomes",
        "peerkit.testing",
        "peerkit.datasets",
    } <= set(MODULES)
    assert len(DOCUMENTED) > 150
    assert {"peerkit.outcomes.PHQ9", "peerkit.STAGES_OF_CHANGE"} <= set(CONSTANTS)
    assert "peerkit.scheduling.Frequency" in ALIASES
    assert "peerkit.Group.free_places" in DOCUMENTED
    assert "peerkit.errors.InvalidInputError.at" in DOCUMENTED
