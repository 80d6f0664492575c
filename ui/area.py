"""One page for every area of the plan: its goals, then the views of the registers it shows.

``app.py`` registers this page once per area of ``targets.yaml`` (kpi.show.navigation), each at
the area's own URL path, and tells it which one is open (:data:`AREA_PAGE_KEY`). So a new
organisation's areas are its pages, with no code.
"""

from __future__ import annotations

import streamlit as st

from kpi.model.targets import Config
from kpi.show.navigation import area_for_page
from kpi.text.i18n import t
from ui.cards import area_section, area_table, behind_sections
from ui.sections import draw_register
from ui.state import open_page
from ui.text import escape_markdown

# The URL path of the area page being drawn, set by app.py from st.navigation on every run (a test
# that runs pages/area.py on its own sets it itself).
AREA_PAGE_KEY = "_area_page"


def current_area(config: Config) -> str | None:
    """The area of the page being drawn (None: the URL names no area of this configuration)."""
    return area_for_page(config, str(st.session_state.get(AREA_PAGE_KEY) or ""))


def area_page() -> None:
    """The whole page: sidebar and notices, the area's heading, status counts and goal cards; for an
    area without registers every goal in one table too (for the projector); then each register's
    views, and the rows behind each register goal ("which ones?")."""
    state, data = open_page()
    lang = state.lang
    area_id = current_area(data.config)
    if area_id is None:
        st.info(t("dashboard.area_missing", lang, area=escape_markdown(str(st.session_state.get(AREA_PAGE_KEY)))))
        return
    area = data.config.area(area_id)
    items = area_section(data, state, area_id, area.intro.get(lang) if area.intro else None)
    if not area.registers:
        area_table(items, lang)
    for name in area.registers:
        draw_register(data, state, name)
    behind_sections(data, area_id, state.as_of, lang)
