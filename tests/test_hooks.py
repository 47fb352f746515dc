"""Each hook, exercised through an app with a plugin that implements it (``test_hook_<name>``)."""
from __future__ import annotations

from datetime import date

import pytest
from flask_login import login_user

from core.database.models import User
from core.extensions import db
from core.plugin_host import gather
from core.plugin_host.hookspecs import hookimpl
from core.plugin_host.plugins import host

from .conftest import login, post_form
from .plugin_factory import install_plugin

SAMPLE = '''
from datetime import date, datetime, timezone

import click
from flask import Blueprint, render_template
from flask.cli import with_appcontext
from core.plugin_host.contributions import (Chart, DatedItem, MergeResult, NavItem, Permission, PublicationItem, RESTRICTED,
                                SearchHit, Section, TimelineEntry, WaitingItem, Widget)
from core.plugin_host.hookspecs import hookimpl
from core.web.permissions import permission_required

TITLE = "Sample"
MOVED = []
blueprint = Blueprint("sample", __name__, url_prefix="/sample", template_folder="templates")

@blueprint.route("/")
@permission_required("sample.view")
def index():
    return render_template("sample/page.html")

@hookimpl
def observatory_startup(app):
    app.jinja_env.filters["shout"] = lambda text: text.upper() + "!"

@hookimpl
def observatory_blueprints():
    return [blueprint]

@hookimpl
def observatory_permissions():
    return [Permission("sample.view", "See samples", default_roles=("case_officer", "coordinator")),
            Permission("sample.secret", "See secret samples", default_roles=("coordinator",))]

@hookimpl
def observatory_nav_items():
    return [NavItem("Samples", "sample.index", "sample.view", order=5)]

@hookimpl
def observatory_dashboard_widgets(user):
    return [Widget("Sample counter", "sample/widget.html", {"count": 3}, "sample.view", order=1),
            Widget("Secret counter", "sample/widget.html", {"count": 99}, "sample.secret", order=2),
            WaitingItem(date(2026, 1, 5), "sample_check", "To check", "Second sample", "/sample/2", "sample.view"),
            WaitingItem(datetime(2026, 1, 2, 9, tzinfo=timezone.utc), "sample_check", "To check", "First sample",
                        "/sample/1", "sample.view", late=True, more_url="/sample/"),
            WaitingItem(date(2026, 1, 1), "sample_secret", "Secret", "Secret sample", "/sample/3", "sample.secret"),
            WaitingItem(date(2025, 1, 1), "sample_restricted", "Restricted", "Restricted sample", "/sample/4",
                        confidentiality=RESTRICTED)]

@hookimpl
def observatory_search(query, user, limit):
    hits = [SearchHit("Open sample " + query, "/sample/1", "Sample", score=1),
            SearchHit("Secret sample " + query, "/sample/2", "Sample", permission="sample.secret", score=2),
            SearchHit("Restricted sample " + query, "/sample/3", "Sample", confidentiality=RESTRICTED, score=3)]
    return hits[:limit]

@hookimpl
def observatory_defender_timeline(defender_id, user):
    return [TimelineEntry(date(2025, 1, 2), "appeal", f"Appeal for {defender_id}"),
            TimelineEntry(datetime(2025, 6, 1, 9, tzinfo=timezone.utc), "release", f"Release of {defender_id}"),
            TimelineEntry(date(2025, 3, 1), "note", "Secret note", permission="sample.secret")]

@hookimpl
def observatory_deadlines(start, end, user):
    return [DatedItem(date(2026, 12, 3), "Hearing", "hearing"),
            DatedItem(datetime(2026, 12, 1, 8, tzinfo=timezone.utc), "Session opens", "session"),
            DatedItem(date(2027, 5, 1), "Too late", "session")]

@hookimpl
def observatory_merge_records(kind, source_id, target_id, only):
    if source_id == 666:
        raise RuntimeError("cannot relink")
    MOVED.append((kind, source_id, target_id, only))
    return MergeResult("sample", {"sample_links": (only or {}).get("sample_links", [11, 12])})

@hookimpl
def observatory_bulletin_sections(year, month, locale):
    counts = PublicationItem("sample:counts", "Counts", figures=Chart("sample_counts", "Counts", ("a",), (3,)))
    return [Section("sample", f"Sample news {month}/{year} ({locale})", ("item", counts), order=2),
            Section("first", "First", (), order=1), Section("figures", "Figures", (counts,), order=3)]

@hookimpl
def observatory_annual_report_sections(year, locale):
    return [Section("sample", f"Sample year {year} ({locale})", ("a", "b"))]

@click.command("sample-hello")
@with_appcontext
def hello():
    click.echo("hello from the sample plugin")

@hookimpl
def observatory_cli_commands():
    return [hello]

@hookimpl
def observatory_demo_data(scale):
    return f"{3 * scale} sample records"
'''
TEMPLATES = {
    "templates/sample/widget.html": "<span class='sample-count'>{{ context.count }}</span>",
    "templates/sample/page.html": "{% extends 'base.html' %}{% block content %}{{ 'samples'|shout }}{% endblock %}",
}


@pytest.fixture
def sample_app(tmp_path, monkeypatch, make_app):
    install_plugin(tmp_path / "site", monkeypatch, SAMPLE, entry_name="sample", files=TEMPLATES)
    app = make_app()
    assert host(app).plugins["sample"].status == "active", host(app).plugins["sample"].errors
    return app


@pytest.fixture
def as_user(sample_app, make_user):
    """Run code as a user of the given role inside a request (what gather's callers do)."""
    from contextlib import contextmanager

    @contextmanager
    def acting(role):
        user = make_user(role)
        with sample_app.test_request_context():
            login_user(db.session.get(User, user.id))
            yield db.session.get(User, user.id)

    return acting


def test_hook_observatory_startup(sample_app, make_user):
    client = sample_app.test_client()
    login(client, make_user("case_officer"))
    assert "SAMPLES!" in client.get("/sample/").get_data(as_text=True)


def test_hook_observatory_blueprints(sample_app):
    assert "sample" in sample_app.blueprints
    assert any(rule.endpoint == "sample.index" for rule in sample_app.url_map.iter_rules())


def test_hook_observatory_permissions(sample_app, make_user):
    coordinator, reader = sample_app.test_client(), sample_app.test_client()
    login(coordinator, make_user("coordinator"))
    login(reader, make_user("readonly"))
    assert coordinator.get("/sample/").status_code == 200
    assert reader.get("/sample/").status_code == 403
    admin = sample_app.test_client()
    login(admin, make_user("admin"))
    assert "sample.secret" in admin.get("/admin/roles").get_data(as_text=True)


def test_hook_observatory_nav_items(sample_app, make_user):
    officer, reader = sample_app.test_client(), sample_app.test_client()
    login(officer, make_user("case_officer"))
    login(reader, make_user("readonly"))
    assert 'href="/sample/">Samples</a>' in officer.get("/").get_data(as_text=True)
    assert "Samples" not in reader.get("/").get_data(as_text=True)


def test_hook_observatory_dashboard_widgets(sample_app, make_user):
    officer, coordinator = sample_app.test_client(), sample_app.test_client()
    login(officer, make_user("case_officer"))
    login(coordinator, make_user("coordinator"))
    officer_page = officer.get("/").get_data(as_text=True)
    assert "Sample counter" in officer_page and "Secret counter" not in officer_page
    coordinator_page = coordinator.get("/").get_data(as_text=True)
    assert coordinator_page.index("Sample counter") < coordinator_page.index("Secret counter")
    assert "<span class='sample-count'>99</span>" in coordinator_page
    # What waits for the user: every plugin's items in one list, oldest first, each only with its permission.
    waiting = officer_page.split('id="waiting-for-me"')[1].split("</section>")[0]
    assert waiting.index("First sample") < waiting.index("Second sample")
    assert 'href="/sample/1" class="link-danger fw-semibold">First sample' in waiting
    assert "Secret sample" not in waiting and "Restricted sample" not in waiting and "See all" not in waiting
    waiting = coordinator_page.split('id="waiting-for-me"')[1].split("</section>")[0]
    assert waiting.index("Secret sample") < waiting.index("First sample") and "Restricted sample" not in waiting
    assert "Nothing waits for you." not in waiting


def test_hook_observatory_search(sample_app, make_user):
    officer, coordinator, admin = (sample_app.test_client() for _ in range(3))
    login(officer, make_user("case_officer"))
    login(coordinator, make_user("coordinator"))
    login(admin, make_user("admin"))
    officer_page = officer.get("/search?q=kiev").get_data(as_text=True)
    assert "Open sample kiev" in officer_page
    assert "Secret sample" not in officer_page and "Restricted sample" not in officer_page
    assert "Secret sample kiev" in coordinator.get("/search?q=kiev").get_data(as_text=True)
    admin_page = admin.get("/search?q=kiev").get_data(as_text=True)
    assert admin_page.index("Restricted sample") < admin_page.index("Secret sample") < admin_page.index("Open sample")


def test_hook_observatory_defender_timeline(as_user):
    with as_user("case_officer") as user:
        entries = gather.defender_timeline(7, user)
        assert [e.title for e in entries] == ["Release of 7", "Appeal for 7"]  # newest first
    with as_user("coordinator") as user:
        assert [e.title for e in gather.defender_timeline(7, user)][1] == "Secret note"


def test_hook_observatory_deadlines(as_user):
    with as_user("readonly") as user:
        items = gather.deadlines(date(2026, 12, 1), date(2026, 12, 31), user)
    assert [item.title for item in items] == ["Session opens", "Hearing"]


def test_hook_observatory_merge_records(sample_app):
    with sample_app.app_context():
        assert gather.merge_records("defender", 3, 4)["sample"] == {"sample_links": [11, 12]}
        assert gather.merge_records("defender", 4, 3, only={"sample": {"sample_links": [12]}})["sample"] == {
            "sample_links": [12]}
        with pytest.raises(RuntimeError, match="cannot relink"):
            gather.merge_records("defender", 666, 4)  # a failing plugin aborts the merge


def test_hook_observatory_bulletin_sections(sample_app):
    with sample_app.app_context():
        sections = gather.bulletin_sections(2026, 10, "fr")
    assert [s.key for s in sections] == ["first", "sample"]  # counts are published once a year, not monthly
    assert sections[1].title == "Sample news 10/2026 (fr)" and sections[1].items == ("item",)


def test_hook_observatory_annual_report_sections(sample_app):
    with sample_app.app_context():
        sections = gather.annual_report_sections(2026, "es")
    assert sections[0].title == "Sample year 2026 (es)" and sections[0].items == ("a", "b")


def test_hook_observatory_cli_commands(sample_app):
    result = sample_app.test_cli_runner().invoke(args=["sample-hello"])
    assert result.exit_code == 0 and "hello from the sample plugin" in result.output


def test_hook_observatory_demo_data(sample_app):
    result = sample_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data: 3 sample records" in result.output
    assert "admin@example.org" in result.output


def test_deadline_dates_compare_as_utc_days(as_user):
    with as_user("readonly") as user:
        assert [i.title for i in gather.deadlines(date(2027, 5, 1), date(2027, 5, 1), user)] == ["Too late"]


def test_hooks_receive_the_user_not_the_login_proxy(as_user):
    """The views pass Flask-Login's ``current_user``; every use of that proxy looks the user up again, so the
    gathering hands the plugins the user object itself."""
    from flask_login import current_user

    from core.web.permissions import the_user

    seen = []

    class Spy:
        @staticmethod
        @hookimpl
        def observatory_search(query, user, limit):
            seen.append(type(user))
            return []

    with as_user("case_officer") as user:
        assert the_user(current_user) is user and the_user() is user and the_user(user) is user
        host().pm.register(Spy, name="spy")
        try:
            gather.search("kiev", current_user)
        finally:
            host().pm.unregister(name="spy")
    assert seen == [User]


def test_hook_observatory_people_changed(app, make_user):
    """An admin's change to a user's roles or state, or to a role's permissions, is told to the plugins once
    committed (a committee applies its quorum again then)."""
    calls = []

    class Counter:
        @hookimpl
        def observatory_people_changed(self):
            calls.append(db.session.get(User, member.id).active)  # the change is already there

    member = make_user("committee")
    with app.app_context():
        host().pm.register(Counter(), name="people-counter")
        roles = [role.id for role in db.session.get(User, member.id).roles]
    admin = app.test_client()
    login(admin, make_user("admin"))
    form = {"email": member.email, "name": member.name, "roles": roles}
    assert post_form(admin, f"/admin/users/{member.id}", form).status_code == 302  # "active" unticked
    assert calls == [False]
    role_id = roles[0]
    assert post_form(admin, f"/admin/roles/{role_id}", {"permissions": []}).status_code == 302
    assert calls == [False, False]
