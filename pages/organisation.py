"""Organisation: its goals as cards, then all of them in one table (for the projector)."""

from ui.cards import area_page

area_page("organisation", "dashboard.area_intro_organisation")
