"""The core's general pages: dashboard, search and language switch (:mod:`.main`), logging in and out
(:mod:`.auth`), a user's own account (:mod:`.account`) and administration of users, roles and plugins
(:mod:`.admin`), registered through the same blueprint hook as any plugin's. A part's own pages live with it."""
