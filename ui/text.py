"""User text on a page: shown as typed, never acted on as Markdown."""

from __future__ import annotations

_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$&=\"'")


def escape_markdown(text: str) -> str:
    """User text (an uploaded file's name, a cell) made inert inside a Markdown label.

    Every punctuation mark Markdown, GFM auto-links, HTML or LaTeX could act on gets a
    backslash, so ``https://x`` or ``www.x`` never becomes a link and ``![](…)`` never an image.
    """
    return "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in str(text))
