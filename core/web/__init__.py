"""The web layer every page goes through: the access rule each route declares and roles (:mod:`.permissions`),
passwords and their strength, failed logins, two-factor codes and security headers (:mod:`.security`), who is
logged in, where, and for how long (:mod:`.sessions`), translated error pages (:mod:`.errors`), forms and their
bits of HTML (:mod:`.forms`, :mod:`.form_html`), safe redirects and list addresses (:mod:`.navigation`), lists
read a page at a time (:mod:`.pagination`), reused page fragments (:mod:`.fragments`), and the core's general
pages (:mod:`.views`: dashboard, search, login, account, administration). Pages of a part live with that part
(records, jobs, calendar, publications...); the tables of users and roles are in :mod:`core.database`."""
