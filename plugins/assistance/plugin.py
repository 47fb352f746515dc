"""Material assistance: Grant requests for defenders in danger, decided by a committee.

Its features are not built yet, so it implements no hook and adds nothing to the interface;
the plugins page lists it as loaded.
"""
from flask_babel import lazy_gettext as _l

TITLE = _l("Material assistance")
DESCRIPTION = _l("Grant requests for defenders in danger, decided by a committee.")
