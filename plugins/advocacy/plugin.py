"""Advocacy: Submissions to intergovernmental mechanisms, their deadlines and answers.

Its features are not built yet, so it implements no hook and adds nothing to the interface;
the plugins page lists it as loaded.
"""
from flask_babel import lazy_gettext as _l

TITLE = _l("Advocacy")
DESCRIPTION = _l("Submissions to intergovernmental mechanisms, their deadlines and answers.")
