"""Addresses built for many records at once are those ``url_for`` builds, under any mount point."""
from __future__ import annotations

from flask import url_for

from core.web.navigation import id_url


def test_id_url_builds_what_url_for_builds(app):
    for root in ("", "/observatory", ""):  # each mount point its own addresses, also when asked again
        with app.test_request_context("/", environ_overrides={"SCRIPT_NAME": root}):
            show = id_url("defenders.show", "defender_id")
            for record_id in (1, 42, 2**31 - 1):
                assert show(record_id) == url_for("defenders.show", defender_id=record_id)
            assert show(7).startswith(f"{root}/defenders/")
            assert id_url("interventions.show", "case_id")(5) == url_for("interventions.show", case_id=5)
