"""Languages: the user's language (saved preference, then session, then browser), the translation helpers whose
lazy messages stay escaped, and dates and numbers in the user's locale (:mod:`.i18n`); amounts typed the user's way
and currencies named in their language (:mod:`.money`). The catalogs themselves are in ``core/translations/`` and
each plugin's ``translations/``."""
