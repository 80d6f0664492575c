"""Streamlit helpers shared by app.py and pages/: reading the user's choices and rendering.

Nothing here computes a number: it calls ``kpi/`` and draws what comes back.
"""
