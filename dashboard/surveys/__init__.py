"""Surveys in the web layer. pages/surveys.py and pages/survey_results.py route
between the views here; every rule is data_access.surveys's.

- viewer.py: who is looking and how survey values are shown to them;
- reads.py: the cached reads (dashboard/cache.py) and their invalidation;
- answering.py, design.py: the survey page's views;
- results.py, closed.py, actions.py: the results page's views;
- figures.py: the Plotly figures, cached like the reads;
- hooks.py: the clock and the reminders other pages show (dashboard/features.py).
"""

from dashboard.surveys.hooks import clock_tick, home_section, sidebar_counter
from dashboard.surveys.viewer import Viewer

__all__ = ["Viewer", "clock_tick", "home_section", "sidebar_counter"]
