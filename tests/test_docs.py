"""Every code block in the docs and the README runs and prints what the page says; every docstring example passes."""

import contextlib
import doctest
import importlib
import io
import pathlib
import pkgutil
import re

import pytest

import peerkit

ROOT = pathlib.Path(__file__).parent.parent
PAGES = sorted([*ROOT.glob("docs/**/*.md"), ROOT / "README.md"])
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
ARROW = re.compile(r"#\s*->\s?(.*)$", re.MULTILINE)


def _expected_output(
    text: str, blocks: list[re.Match[str]], i: int
) -> list[str] | None:
    """What block *i* should print: a ```text block right after it, else its `# ->` comments, else None (unchecked)."""
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    if (
        nxt
        and nxt.group(1) == "text"
        and not text[blocks[i].end() : nxt.start()].strip()
    ):
        return [line.rstrip() for line in nxt.group(2).rstrip().splitlines()]
    arrows = [a.rstrip() for a in ARROW.findall(blocks[i].group(2))]
    return arrows or None


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_code_blocks_run_and_print_what_the_page_says(
    page: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's python blocks run in order, sharing one namespace, and print the output shown after them or in their `# ->` comments."""
    monkeypatch.chdir(ROOT)
    text = page.read_text(encoding="utf-8")
    blocks = list(FENCE.finditer(text))
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for i, block in enumerate(blocks):
        if block.group(1) != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block.group(2), f"{page.name}[block {i}]", "exec"), namespace)  # noqa: S102 - running our own docs is the point
        expected = _expected_output(text, blocks, i)
        if expected is not None:
            got = [line.rstrip() for line in out.getvalue().rstrip().splitlines()]
            assert got == expected, f"{page.name} block {i}"


def test_docs_exist() -> None:
    """The docs have pages to test (a glob that finds nothing would pass vacuously)."""
    assert len(PAGES) > 5


def test_reference_lists_every_public_name() -> None:
    """The reference page for peerkit lists exactly the names in peerkit.__all__."""
    page = (ROOT / "docs/reference/peerkit.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\s+- (\w+)$", page, re.MULTILINE))
    assert listed == set(peerkit.__all__) - {"__version__"}


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
