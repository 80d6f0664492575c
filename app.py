"""Målbild: the entry point. Sets up the page and the navigation; each page lives in pages/.

Run with ``streamlit run app.py``. The menu comes from the configuration (kpi.show.navigation):
the built-in pages and one page per area of ``targets.yaml``. Page titles follow the language in
the URL (``?lang=en``), read before the sidebar is drawn, so the menu is in the same language as
the page.
"""

import json

import streamlit as st

from kpi.show.navigation import menu
from kpi.text.i18n import t
from ui import access
from ui.area import AREA_PAGE_KEY
from ui.meeting import page_language
from ui.state import configuration, current_language

st.set_page_config(page_title="Målbild", page_icon="🎯", layout="wide", initial_sidebar_state="auto")

lang = current_language()
page_language(lang)  # <html lang> follows the language: the browser hyphenates Swedish as Swedish
if not access.allowed("view_dashboard"):  # access.yaml says public: none
    # A navigation with no menu: without one, Streamlit lists the files of pages/ ("app", "area", …).
    st.navigation([st.Page("pages/overview.py", default=True)], position="hidden")
    st.title("Målbild")
    access.require("view_dashboard", lang)
# Streamlit leaves 6rem above the first line; 4rem still clears its 3.75rem header bar, and on a
# projector every line counts (also the 5rem margins left and right of a wide page: 2rem is enough).
st.markdown(
    "<style>[data-testid='stMainBlockContainer']{padding-top:4rem}"
    "@media (min-width: 1000px){[data-testid='stMainBlockContainer']{padding-left:2rem;padding-right:2rem}}"
    # Captions are grey at 4.2:1 by default; #57606a on white is 6.4:1 (WCAG AA asks 4.5:1).
    "[data-testid='stCaptionContainer'], [data-testid='stCaptionContainer'] p{color:#57606a !important;opacity:1}"
    # Streamlit's "Press Enter to submit form" under a typed field is English only and cannot be
    # translated; the fields' own help says it in the user's language ("tryck Enter").
    "[data-testid='InputInstructions']{display:none}"
    # The file uploader's button says "Upload" and its note "5MB per file • CSV, …", in English
    # only: the note is hidden (the field's label gives the formats and the limit) and the
    # button's word comes from the translation table. display:none also keeps "Upload" out of
    # the button's accessible name; the generated text is in it.
    "[data-testid='stFileUploaderDropzoneInstructions'],"
    "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p{display:none}"
    "[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer']::after"
    "{content:" + json.dumps(t("dashboard.upload_button", lang), ensure_ascii=False) + "}"
    "</style>",
    unsafe_allow_html=True,
)


config = configuration()
navigation = st.navigation(
    {
        group.title: [
            st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url_path, default=page.default)
            for page in group.pages
        ]
        for group in menu(config, lang)
    }
)
# The browser's tab names the page and the organisation (st.Page sets only the page's title).
organisation = config.organisation_name() if config is not None else ""
st.set_page_config(page_title=" · ".join(part for part in (navigation.title, organisation) if part))
# The area pages share one file (pages/area.py); it draws the area whose URL path is open.
st.session_state[AREA_PAGE_KEY] = navigation.url_path
navigation.run()
