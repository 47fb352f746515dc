"""The core's own tables and what speaks to the database for every part: users, roles and their permissions,
recovery codes, jobs and calendar tokens, and the timezone-aware UTC column type (:mod:`.models`); statements
built once and run with bind parameters (:mod:`.statements`); and where Alembic finds the core's and each
active plugin's revisions (:mod:`.migrations_setup`). The revisions themselves stay in ``core/migrations/``;
records, attachments, audit, notifications and publications keep their tables in their own ``models.py``; the
``db`` object is in :mod:`core.extensions`."""
