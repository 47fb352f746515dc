"""Shared fixtures: an app per test on a migrated database, users of each role, logging in.

They are the ones the core ships for every plugin's tests (:mod:`core.testing`): the database is SQLite unless
``OBSERVATORY_TEST_DATABASE_URL`` names a PostgreSQL server; ``OBSERVATORY_TEST_STRICT=1`` (set by CI) turns
every "service not available" skip into a failure. The helpers below are imported from here by the tests.
"""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("core.testing")  # its asserts explain themselves, as a conftest's do

from core.testing import (  # noqa: E402, F401 - the tests import these helpers from this module
    PASSWORD,
    POSTGRES_URL,
    REDIS_URL,
    STRICT,
    base_config,
    csrf_token,
    login,
    post_form,
    require_service,
)

pytest_plugins = ["core.testing"]
