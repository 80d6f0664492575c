"""The dashboard's menu, from the configuration: built-in pages and one page per area.

No Streamlit here: ``app.py`` draws what :func:`menu` returns. The area pages come from
``targets.yaml``'s ``areas`` (title in the user's language, icon, URL path), so a new
organisation needs no code: its areas are its menu. An area that holds only project goals is
listed under "Projekt", and only when the configuration has projects.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.model.targets import Config
from kpi.text.i18n import t

AREA_PAGE = "pages/area.py"


@dataclass(frozen=True)
class MenuPage:
    """One entry of the menu: the page's file, its URL path, title and icon."""

    path: str  # the page's file, relative to app.py
    url_path: str
    title: str
    icon: str  # ``:material/name:``
    default: bool = False
    area: str | None = None  # the area an area page shows


@dataclass(frozen=True)
class MenuGroup:
    title: str
    pages: tuple[MenuPage, ...]


def _built_in(name: str, icon: str, lang: str, default: bool = False) -> MenuPage:
    return MenuPage(f"pages/{name}.py", name, t("dashboard.page_" + name, lang), f":material/{icon}:", default)


def menu(config: Config | None, lang: str) -> list[MenuGroup]:
    """The menu's groups in order; empty groups are left out. ``config`` None: targets.yaml could
    not be read, and only the built-in pages are listed (the overview says what is wrong)."""
    areas: list[MenuPage] = []
    projects: list[MenuPage] = []
    for area in config.area_list() if config is not None else []:
        page = MenuPage(AREA_PAGE, area.slug, area.name.get(lang), area.material_icon, area=area.id)
        (projects if config is not None and config.is_project_area(area.id) else areas).append(page)
    groups = [
        MenuGroup(
            t("dashboard.nav_goals", lang),
            (_built_in("overview", "flag", lang, default=True), _built_in("metric", "monitoring", lang)),
        ),
        MenuGroup(t("dashboard.nav_areas", lang), tuple(areas)),
        MenuGroup(t("dashboard.nav_projects", lang), tuple(projects)),
        MenuGroup(
            t("dashboard.nav_tools", lang),
            (
                _built_in("reports", "description", lang),
                _built_in("data", "edit_note", lang),
                _built_in("about", "info", lang),
            ),
        ),
    ]
    return [group for group in groups if group.pages]


def area_for_page(config: Config, url_path: str) -> str | None:
    """The area whose page has ``url_path`` (None: no area has it)."""
    for area in config.area_list():
        if area.slug == url_path:
            return area.id
    return None
