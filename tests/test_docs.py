"""Every code block in the docs and the README runs, and every docstring example passes."""

import doctest
import importlib
import pathlib
import pkgutil
import re

import pytest

import peerkit

ROOT = pathlib.Path(__file__).parent.parent
PAGES = sorted([*ROOT.glob("docs/**/*.md"), ROOT / "README.md"])
BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_code_blocks_run(
    page: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's python blocks run in order, sharing one namespace."""
    monkeypatch.chdir(ROOT)
    blocks = BLOCK.findall(page.read_text(encoding="utf-8"))
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for i, block in enumerate(blocks):
        code = compile(block, f"{page.name}[block {i}]", "exec")
        exec(code, namespace)  # noqa: S102 - running our own docs is the point


def test_docs_exist() -> None:
    """The docs have pages to test (a glob that finds nothing would pass vacuously)."""
    assert len(PAGES) > 5


def _modules() -> list[str]:
    names = ["peerkit"] + [
        info.name for info in pkgutil.walk_packages(peerkit.__path__, "peerkit.")
    ]
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples(name: str) -> None:
    """Every >>> example in the module's docstrings gives the output shown."""
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    )
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0


def test_doctests_were_found() -> None:
    """Docstring examples exist (the doctest run is not vacuous)."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    count = sum(
        len(t.examples)
        for name in _modules()
        for t in finder.find(importlib.import_module(name), name)
    )
    assert count > 20
