"""An area of the plan (Medlemmar, Kommunikation, …): one file for every area in targets.yaml, at
the area's own URL path. What it draws is in ui/area.py."""

from ui.area import area_page

area_page()
