"""User text on a page: shown as typed, never acted on as Markdown."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$&=\"'")


def escape_markdown(text: str) -> str:
    """User text (an uploaded file's name, a cell) made inert inside a Markdown label.

    Every punctuation mark Markdown, GFM auto-links, HTML or LaTeX could act on gets a
    backslash, so ``https://x`` or ``www.x`` never becomes a link and ``![](…)`` never an image.
    """
    return "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in str(text))


# Inside a table cell only inline Markdown acts (no headings, lists or quotes), so a cell needs fewer
# escapes than a label: emphasis, code, links, images, HTML, strike-through, cell breaks and LaTeX,
# and the two ways GFM makes a bare address a link. Dates, numbers and file names stay as typed.
_CELL_SPECIAL = re.compile(r"([\\`*_\[\]<>!~|$]|&(?=#?\w+;))|(?<=[A-Za-z])(:)(?=//)|(?<=www)(\.)", re.IGNORECASE)


def escape_cell(text: Any) -> Any:
    """A table cell's user text made inert (``st.table`` renders Markdown in its cells); anything
    that is not text is returned as it is."""
    if not isinstance(text, str):
        return text
    return _CELL_SPECIAL.sub(lambda match: "\\" + match.group(0), text)


def text_table(data: Any) -> Any:
    """Rows (a DataFrame, a list of dicts) with every text cell and column name made inert."""
    if isinstance(data, pd.DataFrame):
        shown = data.copy()
        for column in shown.columns:
            if shown[column].dtype == object or pd.api.types.is_string_dtype(shown[column]):
                shown[column] = shown[column].map(escape_cell)
        return shown.rename(columns=escape_cell)
    if isinstance(data, list):
        return [
            {escape_cell(k): escape_cell(v) for k, v in row.items()} if isinstance(row, dict) else row for row in data
        ]
    return data


def show_table(data: Any, **kwargs: Any) -> Any:
    """``st.table`` with user text shown as text: the one way a page draws a table of user data."""
    return st.table(text_table(data), **kwargs)
