"""Every code block in the docs and the README runs and prints what the page says; every docstring example passes."""

import contextlib
import doctest
import importlib
import io
import pathlib
import pkgutil
import re
from collections.abc import Iterator

import pytest
from hypothesis import settings

import peerkit

ROOT = pathlib.Path(__file__).parent.parent
PAGES = sorted([*ROOT.glob("docs/**/*.md"), ROOT / "README.md"])
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
ARROW = re.compile(r"#\s*->\s?(.*)$", re.MULTILINE)


@pytest.fixture
def few_examples() -> Iterator[None]:
    """
    Run the hypothesis tests that docs and docstrings show on a few examples each.

    They show how to use a strategy and must run as written, but they are
    not where the strategies are tested (tests/test_testing.py is), so more
    examples buy nothing: the profile in force keeps all its settings but
    max_examples.
    """
    current = settings.get_current_profile_name()
    settings.register_profile(
        "docs-examples", settings.get_profile(current), max_examples=5
    )
    settings.load_profile("docs-examples")
    try:
        yield
    finally:
        settings.load_profile(current)


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
@pytest.mark.usefixtures("few_examples")
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


REFERENCE = sorted(ROOT.glob("docs/reference/*.md"))


@pytest.mark.parametrize("page", REFERENCE, ids=lambda p: p.stem)
def test_reference_lists_every_public_name_once(page: pathlib.Path) -> None:
    """A reference page that lists its module's members in its own order lists every name in the module's __all__, each exactly once."""
    text = page.read_text(encoding="utf-8")
    (module_name,) = re.findall(r"^::: ([\w.]+)$", text, re.MULTILINE)
    module = importlib.import_module(module_name)
    listed = re.findall(r"^\s+- (\w+)$", text, re.MULTILINE)
    if "members:" not in text:  # mkdocstrings renders __all__ itself
        assert not listed
        return
    assert sorted(listed) == sorted(set(module.__all__) - {"__version__"})


def test_every_public_module_has_a_reference_page() -> None:
    """Every public module with an __all__ (peerkit and its public packages) has a reference page."""
    documented = {
        re.findall(r"^::: ([\w.]+)$", page.read_text(encoding="utf-8"), re.MULTILINE)[0]
        for page in REFERENCE
    }
    public = {
        name
        for name in _modules()
        if not any(part.startswith("_") for part in name.split("."))
        and hasattr(importlib.import_module(name), "__all__")
    }
    assert public == documented


def _modules() -> list[str]:
    names = ["peerkit"] + [
        info.name for info in pkgutil.walk_packages(peerkit.__path__, "peerkit.")
    ]
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
@pytest.mark.usefixtures("few_examples")
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


def test_home_page_links_every_page_in_the_nav() -> None:
    """The home page's "Where to go next" links every page in mkdocs.yml's nav but the home page itself, and nothing else."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = config.split("\nnav:\n", 1)[1].split("\n\n", 1)[0]
    in_nav = set(re.findall(r"^\s+- [^:\n]+: (\S+\.md)$", nav, re.MULTILINE))
    home = (ROOT / "docs/index.md").read_text(encoding="utf-8")
    section = home.split("## Where to go next", 1)[1].split("\n## ", 1)[0]
    linked = re.findall(r"\]\(([\w/.-]+\.md)(?:#[\w-]*)?\)", section)
    assert {"tutorial/getting-started.md", "how-to/serialize.md"} < in_nav
    assert len(linked) == len(set(linked))
    assert set(linked) == in_nav - {"index.md"}
