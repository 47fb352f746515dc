"""Missions: Fact-finding, trial observation, support and solidarity missions and their reports.

Its features are not built yet, so it implements no hook and adds nothing to the interface;
the plugins page lists it as loaded.
"""
from flask_babel import lazy_gettext as _l

TITLE = _l("Missions")
DESCRIPTION = _l("Fact-finding, trial observation, support and solidarity missions and their reports.")
