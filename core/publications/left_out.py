"""What the bulletin and the annual report leave out, and why: one sentence each, shown next to their check
before they leave (the disclosure guard's register and the publications' own rules)."""
from __future__ import annotations

from ..languages.i18n import lazy_gettext as _l

ALWAYS = (
    _l("Restricted records, and everything recorded about them, never appear."),
    _l("Confidential developments and internal titles stay out; actions appear under their published wording."),
    _l("Personal details (phones, e-mails, addresses, exact locations, family) never appear."),
)
ANNUAL_REPORT = (
    *ALWAYS,
    _l("Grant requests appear only as anonymised figures: no beneficiary, no amount of a single grant."),
    _l("Figures too small to publish are shown as \"fewer than N\", with the cells that would give them back."),
)
BULLETIN = (
    *ALWAYS,
    _l("No figures: counts are published once a year, in the annual report (twelve monthly tables would give a "
       "withheld count back)."),
    _l("The items an editor left out in the list above."),
)
