"""Näringsliv & lokal mat / Business & local food: its goals as cards, then all of them in one table (for the projector)."""

from ui.cards import area_page

area_page("business", "dashboard.area_intro_business")
