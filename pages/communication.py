"""Kommunikation / Communication: its goals as cards, then all of them in one table (for the projector)."""

from ui.cards import area_page

area_page("communication", "dashboard.area_intro_communication")
