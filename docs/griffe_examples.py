"""
Griffe extension for the docs build: read ``Example:`` as an examples section.

peerkit's docstrings head their doctests ``Example:``. Griffe's Google parser
only knows the plural, ``Examples:``; the singular becomes an admonition whose
``>>>`` lines are rendered as Markdown prose (and list reprs like ``['en']``
look like reference links). This extension renames the heading before the
docstring is parsed, so the doctests render as code. It is a no-op for
docstrings that already say ``Examples:``.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE = re.compile(r"^(?P<indent>[ \t]*)Example:[ \t]*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Rename ``Example:`` section headings to ``Examples:``."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:  # noqa: ARG002
        """Rewrite the heading in *obj*'s docstring, if it has one."""
        if obj.docstring is not None:
            obj.docstring.value = _EXAMPLE.sub(
                r"\g<indent>Examples:", obj.docstring.value
            )
