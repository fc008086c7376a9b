"""
One table-of-contents entry per public name on the reference pages.

Registered under ``hooks:`` in ``mkdocs.yml``. mkdocstrings gives every
method and attribute of a class a heading of its own, and the page's
table of contents would list them all; on a reference page it keeps the
page's title and the names directly under it (each function, class and
constant), so the right-hand column reads as the module's index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


def on_page_content(
    html: str,
    /,
    *,
    page: Page,
    config: MkDocsConfig,  # noqa: ARG001 - mkdocs passes every hook its config
    files: Files,  # noqa: ARG001 - and the site's files
) -> str:
    """Drop the headings below each public name from a reference page's toc."""
    if page.file.src_uri.startswith("reference/"):
        for title in page.toc.items:
            for name in title.children:
                name.children = []
    return html
