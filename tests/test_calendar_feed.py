"""The calendar feed as calendar apps poll it: validators (ETag, Last-Modified, 304 when nothing changed), one
body per user kept until something it may depend on changes, never another user's, always through the disclosure
guard, in a constant number of statements."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar
from sqlalchemy import select, update
from werkzeug.http import http_date

from core.database.models import CalendarVersion, Role, User, user_roles
from core.extensions import db
from core.records.models import Defender

from .conftest import REDIS_URL, login, post_form, require_service
from .plugin_factory import install_plugin
from .plugins.missions.helpers import add_mission, type_id
from .records_helpers import add_defender

SOON = date.today() + timedelta(days=5)


def feed_address(client) -> str:
    page = post_form(client, "/upcoming/feed").get_data(as_text=True)
    address = page.split('id="feed-address" class="user-select-all fs-6">')[1].split("<")[0]
    return address.replace("http://127.0.0.1:5000", "")


def summaries(response) -> set[str]:
    return {str(event["summary"]) for event in Calendar.from_ical(response.data).walk("VEVENT")}


def edit_mission(app, client, mission_id: int, country: str = "TUR", confidentiality: str = "internal"):
    with app.app_context():
        trial = type_id()
    response = post_form(client, f"/missions/{mission_id}/edit", {
        "title": "Trial of the Izmir lawyers", "type": trial, "countries": [country], "start_date": SOON.isoformat(),
        "end_date": SOON.isoformat(), "objectives": "Observe the hearings.", "reporting_currency": "EUR",
        "confidentiality": confidentiality})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


@pytest.fixture(params=["in the process", "in Redis"])
def store(request) -> dict:
    """Where bodies are kept: in the process (the app without Redis) or in Redis."""
    if request.param == "in Redis":
        require_service(REDIS_URL is not None, "Redis (OBSERVATORY_TEST_REDIS_URL)")
        return {"REDIS_URL": REDIS_URL}
    return {}


@pytest.fixture
def feed_app(store, make_app):
    return make_app(**store)


def test_an_unchanged_feed_answers_304_and_a_changed_deadline_changes_it(feed_app, make_user):
    officer = make_user("coordinator")
    mission_id = add_mission(feed_app, officer, title="Trial of the Izmir lawyers", start=SOON, end=SOON)
    client = feed_app.test_client()
    login(client, officer)
    address = feed_address(client)
    calendar = feed_app.test_client()  # a calendar app: no session, only the secret address

    first = calendar.get(address)
    assert first.status_code == 200 and "Mission begins: Judicial observation (trial observation): Türkiye" in \
        summaries(first)  # a mission's title is internal: a feed shows its publishable wording
    assert first.headers["Cache-Control"] == "private, no-cache" and first.headers["ETag"]
    assert calendar.get(address, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert calendar.get(address).data == first.data  # kept, not built again (same stamp)

    edit_mission(feed_app, client, mission_id, "GRC")
    again = calendar.get(address, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
    assert "Mission begins: Judicial observation (trial observation): Greece" in summaries(again)
    assert "Türkiye" not in again.get_data(as_text=True)


def test_if_modified_since_is_answered_once_the_last_change_is_past(feed_app, make_user):
    officer = make_user("coordinator")
    add_mission(feed_app, officer, title="Trial of the Izmir lawyers", start=SOON)
    client = feed_app.test_client()
    login(client, officer)
    address = feed_address(client)
    calendar = feed_app.test_client()

    def last_change(ago: timedelta) -> None:
        with feed_app.app_context():  # the version's own row is no change: this does not raise it
            db.session.execute(update(CalendarVersion).values(changed_at=datetime.now(timezone.utc) - ago))
            db.session.commit()

    last_change(timedelta(0))
    # Within two seconds of a change another change could come under the same date: no date is given then.
    assert "Last-Modified" not in calendar.get(address).headers
    last_change(timedelta(minutes=1))
    later = calendar.get(address)
    assert later.status_code == 200 and later.headers["Last-Modified"]
    since = {"If-Modified-Since": later.headers["Last-Modified"]}
    assert calendar.get(address, headers=since).status_code == 304
    older = {"If-Modified-Since": http_date(datetime.now(timezone.utc) - timedelta(days=2))}
    assert calendar.get(address, headers=older).status_code == 200


VISITS = '''
from datetime import date, timedelta
from core.plugin_host.contributions import DatedItem
from core.plugin_host.hookspecs import hookimpl

@hookimpl
def observatory_deadlines(start, end, user):
    return [DatedItem(date.today() + timedelta(days=3), "Visit to Rosa Blanco", "visit")]
'''


def test_a_name_whose_consent_is_withdrawn_leaves_the_next_feed_at_once(store, tmp_path, monkeypatch, make_app,
                                                                         make_user):
    """The body kept for a user never outlives a change that would take something out of it: a defender (no
    deadline of theirs) who withdraws consent to be named is masked in the very next response."""
    install_plugin(tmp_path / "site", monkeypatch, VISITS, entry_name="visits")
    app = make_app(**store)
    defender_id = add_defender(app, "Rosa Blanco", publication_name="R. B.", consent_to_publish=True)
    client = app.test_client()
    login(client, make_user("case_officer"))
    address = feed_address(client)
    calendar = app.test_client()
    before = calendar.get(address)
    assert "Visit to Rosa Blanco" in summaries(before)
    with app.app_context():  # as the defender's form saves it
        db.session.get(Defender, defender_id).consent_to_publish = False
        db.session.commit()
    after = calendar.get(address, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Visit to R. B." in summaries(after) and b"Blanco" not in after.data
    kept = calendar.get(address)  # the next poll, from the kept body: still the guard's output
    assert kept.data == after.data and kept.headers["ETag"] == after.headers["ETag"]


def test_a_mission_made_restricted_leaves_the_next_feed_at_once(feed_app, make_user):
    officer, other = make_user("coordinator"), make_user("case_officer")
    mission_id = add_mission(feed_app, officer, start=SOON, end=SOON, assignees=(officer.id,))
    client = feed_app.test_client()
    login(client, other)
    address = feed_address(client)
    calendar = feed_app.test_client()
    before = calendar.get(address)
    assert "Mission begins: Judicial observation (trial observation): Türkiye" in summaries(before)
    officer_client = feed_app.test_client()
    login(officer_client, officer)
    edit_mission(feed_app, officer_client, mission_id, confidentiality="restricted")
    gone = calendar.get(address, headers={"If-None-Match": before.headers["ETag"]})
    assert gone.status_code == 200 and not summaries(gone)


def test_one_users_feed_is_never_anothers(feed_app, make_user):
    """Two users polling at once, one of whom may see a restricted mission: each gets their own body, and one's
    validator is worth nothing for the other's feed."""
    assigned, other = make_user("coordinator"), make_user("case_officer")
    add_mission(feed_app, assigned, title="Relocation of the Izmir lawyers", start=SOON, confidentiality="restricted",
                assignees=(assigned.id,))
    add_mission(feed_app, assigned, title="Trial of the Ankara lawyers", start=SOON)
    addresses = {}
    for user in (assigned, other):
        client = feed_app.test_client()
        login(client, user)
        addresses[user.id] = feed_address(client)
    calendar = feed_app.test_client()
    mine, theirs = calendar.get(addresses[assigned.id]), calendar.get(addresses[other.id])
    assert "Confidential deadline" in summaries(mine) and "Confidential deadline" not in summaries(theirs)
    assert mine.headers["ETag"] != theirs.headers["ETag"]
    assert calendar.get(addresses[other.id], headers={"If-None-Match": mine.headers["ETag"]}).status_code == 200
    assert calendar.get(addresses[other.id]).data == theirs.data


def test_a_change_of_role_changes_the_feed_at_once(feed_app, make_user):
    user = make_user("coordinator")
    add_mission(feed_app, user, title="Trial of the Ankara lawyers", start=SOON)
    client = feed_app.test_client()
    login(client, user)
    address = feed_address(client)
    calendar = feed_app.test_client()
    before = calendar.get(address)
    assert "Mission begins: Judicial observation (trial observation): Türkiye" in summaries(before)
    with feed_app.app_context():  # the user keeps only a role that sees no mission
        row = db.session.get(User, user.id)
        row.roles = [db.session.scalar(select(Role).where(Role.name == "committee"))]
        db.session.commit()
    after = calendar.get(address, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and not summaries(after)


def test_a_role_removed_while_the_version_stood_still_changes_the_feed(feed_app, make_user):
    """The race the version cannot see: a role change that lands between reading the version and loading the
    owner. Here the role goes without raising the version at all; the roles are in the key, so the next answer is
    built with the roles the user has now, never the kept body."""
    user = make_user("coordinator")
    add_mission(feed_app, user, title="Trial of the Ankara lawyers", start=SOON)
    client = feed_app.test_client()
    login(client, user)
    address = feed_address(client)
    calendar = feed_app.test_client()
    before = calendar.get(address)
    assert "Mission begins: Judicial observation (trial observation): Türkiye" in summaries(before)
    with feed_app.app_context(), db.engine.begin() as connection:  # beside the ORM session: no version raised
        version = connection.scalar(select(CalendarVersion.value))
        connection.execute(user_roles.delete().where(user_roles.c.user_id == user.id))
        connection.execute(user_roles.insert().values(
            user_id=user.id, role_id=connection.scalar(select(Role.id).where(Role.name == "committee"))))
    with feed_app.app_context():
        assert db.session.scalar(select(CalendarVersion.value)) == version
    after = calendar.get(address, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"] and not summaries(after)


def test_signing_in_and_viewing_files_keep_the_feeds(feed_app, make_user):
    """Writes no feed reads (a sign-in's bookkeeping, the audit trail) do not empty every user's feed."""
    user = make_user("coordinator")
    add_mission(feed_app, user, title="Trial of the Ankara lawyers", start=SOON)
    client = feed_app.test_client()
    login(client, user)
    address = feed_address(client)
    calendar = feed_app.test_client()
    etag = calendar.get(address).headers["ETag"]
    login(feed_app.test_client(), user)
    assert calendar.get(address, headers={"If-None-Match": etag}).status_code == 304


def test_statements_per_feed_request_stay_few_and_flat(app, make_user, count_queries):
    """A poll answered from the kept body costs at most 4 statements; a body built anew costs the same number of
    statements with two missions as with forty and their defenders."""
    user = make_user("coordinator")
    client = app.test_client()
    login(client, user)
    address = feed_address(client)
    calendar = app.test_client()

    def counts() -> tuple[int, int]:
        with app.app_context():  # something changed: the next poll builds the body
            db.session.get(User, user.id).name = f"Coordinator {datetime.now().timestamp()}"
            db.session.commit()
        with count_queries() as built:
            assert calendar.get(address).status_code == 200
        with count_queries() as kept:
            assert calendar.get(address).status_code == 200
        return len(built), len(kept)

    def grow(n: int) -> None:
        for i in range(n):
            add_defender(app, f"Defender{i} Kaya")
            add_mission(app, user, title=f"Trial of Defender{i} Kaya", start=SOON + timedelta(days=i % 20),
                        end=SOON + timedelta(days=i % 20 + 2))

    grow(2)
    small = counts()
    grow(38)
    large = counts()
    assert large == small
    assert small[1] <= 4  # the token, its user, the user's roles, the feed's version


RELEASED = '''
from datetime import date, timedelta
from core.api import gettext
from core.plugin_host.contributions import DatedItem
from core.plugin_host.hookspecs import hookimpl

@hookimpl
def observatory_deadlines(start, end, user):
    return [DatedItem(date.today() + timedelta(days=3), gettext("Hearing in Izmir") + " ({code})", "hearing")]
'''


def _catalog(folder, hearing: str) -> None:
    """Compile the plugin's English catalog, translating its deadline's title as ``hearing``."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="en")
    catalog.add("Hearing in Izmir", hearing)
    (folder / "translations" / "en" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    with open(folder / "translations" / "en" / "LC_MESSAGES" / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)


@pytest.mark.parametrize("deploy", ["a plugin's code and version", "a catalog"])
def test_a_new_release_never_serves_a_body_the_old_one_built(tmp_path, monkeypatch, make_app, make_user, deploy):
    """Old and new processes share Redis and the database while a release rolls out: the body the old code (or
    the old translations) built is never served by the new release, although nothing in the database changed."""
    require_service(REDIS_URL is not None, "Redis (OBSERVATORY_TEST_REDIS_URL)")
    import sys

    from core.calendar import deadlines

    install_plugin(tmp_path / "site", monkeypatch, RELEASED.replace("{code}", "code of release 1"),
                   entry_name="hearings")
    (folder,) = [path for path in (tmp_path / "site").glob("obs_test_plugin_*") if path.is_dir()
                 and not path.name.endswith("dist-info")]
    (metadata,) = (tmp_path / "site").glob("*.dist-info/METADATA")
    _catalog(folder, "Hearing in Izmir, catalog 1")
    old = make_app(REDIS_URL=REDIS_URL)
    client = old.test_client()
    login(client, make_user("case_officer"))
    address = feed_address(client)
    before = old.test_client().get(address)
    assert summaries(before) == {"Hearing in Izmir, catalog 1 (code of release 1)"}
    with old.app_context():
        was = deadlines.release(old)
        monkeypatch.setattr(deadlines, "DISTRIBUTION", metadata.parent.name.split("-")[0])
        assert deadlines.release(old) != was  # the application's own distribution and version are in it

    if deploy == "a catalog":  # the same code and versions, translations compiled anew
        _catalog(folder, "Hearing in Izmir, catalog 2")
        expected = "Hearing in Izmir, catalog 2 (code of release 1)"
    else:
        (folder / "plugin.py").write_text((folder / "plugin.py").read_text().replace("release 1", "release two"))
        metadata.write_text(metadata.read_text().replace("Version: 1.2.3", "Version: 1.3.0"))
        for name in [name for name in sys.modules if name.startswith(folder.name)]:
            del sys.modules[name]  # a new process imports the new code
        expected = "Hearing in Izmir, catalog 1 (code of release two)"
    new = make_app(REDIS_URL=REDIS_URL)
    after = new.test_client().get(address, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    assert summaries(after) == {expected}
    with new.app_context():
        assert deadlines.release(new) != was or deploy != "a catalog"
