"""The public face: every exported name exists, nothing private leaks."""

import importlib
import inspect
import re

import pytest

import peerkit

PACKAGES = [
    "peerkit",
    "peerkit.errors",
    "peerkit.testing",
    "peerkit.datasets",
    "peerkit.matching",
    "peerkit.scheduling",
    "peerkit.engagement",
    "peerkit.outcomes",
    "peerkit.tables",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_exist(name: str) -> None:
    """Every name in __all__ is an attribute of the module."""
    module = importlib.import_module(name)
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert missing == []


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_and_unique(name: str) -> None:
    """__all__ is sorted (constants first, as ruff sorts) and has no duplicates."""
    module = importlib.import_module(name)
    assert len(set(module.__all__)) == len(module.__all__)
    assert list(module.__all__) == sorted(
        module.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n)
    )


@pytest.mark.parametrize("name", PACKAGES)
def test_nothing_private_is_exported(name: str) -> None:
    """No exported name is private, and no exported object lives in a test module."""
    module = importlib.import_module(name)
    private = [n for n in module.__all__ if n.startswith("_") and n != "__version__"]
    assert private == []


@pytest.mark.parametrize("name", PACKAGES)
def test_public_objects_come_from_peerkit(name: str) -> None:
    """Every exported class and function is peerkit's own, not a re-exported dependency."""
    module = importlib.import_module(name)
    checked = 0
    for export in module.__all__:
        obj = getattr(module, export)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__module__.startswith("peerkit"), export
            checked += 1
    assert checked  # the package exports classes or functions to check


@pytest.mark.parametrize("name", PACKAGES)
def test_public_names_are_documented(name: str) -> None:
    """Every exported class and function has a docstring."""
    module = importlib.import_module(name)
    checked = 0
    for export in module.__all__:
        obj = getattr(module, export)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), export
            checked += 1
    assert checked  # the package exports classes or functions to check


def test_module_has_no_stray_public_names() -> None:
    """Peerkit's namespace holds only __all__, its subpackages and dunders."""
    allowed = set(peerkit.__all__) | {
        "errors", "testing", "datasets", "matching", "scheduling", "engagement", "outcomes",
        "tables",
    }  # fmt: skip
    stray = [
        n
        for n in vars(peerkit)
        if not n.startswith("_")
        and n not in allowed
        and not inspect.ismodule(getattr(peerkit, n))
    ]
    assert stray == []


def test_version_comes_from_metadata() -> None:
    """__version__ is the installed distribution's version."""
    from importlib.metadata import version

    assert peerkit.__version__ == version("peerkit")
    assert re.match(r"^\d+\.\d+", peerkit.__version__)


def test_py_typed_ships() -> None:
    """The package is marked as typed (PEP 561)."""
    from importlib import resources

    assert resources.files("peerkit").joinpath("py.typed").is_file()


def test_importing_peerkit_does_not_import_hypothesis() -> None:
    """Hypothesis is a testing extra, not a runtime dependency of the core."""
    import subprocess
    import sys

    code = "import sys, peerkit, peerkit.datasets; print('hypothesis' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
