"""Urgent interventions: Reports of repression, verification, urgent appeals, follow-ups and outcomes.

Its features are not built yet, so it implements no hook and adds nothing to the interface;
the plugins page lists it as loaded.
"""
from flask_babel import lazy_gettext as _l

TITLE = _l("Urgent interventions")
DESCRIPTION = _l("Reports of repression, verification, urgent appeals, follow-ups and outcomes.")
