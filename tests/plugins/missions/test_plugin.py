"""The missions plugin as the platform sees it (its features come with their own issue)."""
import pytest

from ..platform_contract import *  # noqa: F401,F403 - the platform's tests, run for this plugin


@pytest.fixture
def plugin_name():
    return "missions"
