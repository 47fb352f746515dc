"""Notifications: assignment, followed countries and reminders; each user's choices; the email outbox."""
from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, insert, select

from core.extensions import db
from core.notifications.models import Notification, OutboxMessage, followed_countries
from core.records.models import Country

from .conftest import login, post_form
from .plugin_factory import install_plugin
from .plugins.interventions.test_cases import VALID as CASE
from .test_defenders import VALID


def _notes(app, user_id):
    with app.app_context():
        rows = db.session.scalars(select(Notification).where(Notification.user_id == user_id)).all()
        db.session.expunge_all()
        return rows


def _outbox(app):
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def test_assignment_is_notified_in_the_app_and_by_a_detail_free_email(app, make_user):
    author, colleague = make_user("case_officer"), make_user("case_officer", name="Colleague")
    client = app.test_client()
    login(client, author)
    response = post_form(client, "/defenders/new", {**VALID, "assignees": [colleague.id]})
    assert response.status_code == 302
    assert _notes(app, author.id) == []  # nobody is told about their own action
    [note] = _notes(app, colleague.id)
    assert note.kind == "assigned" and note.url == response.location
    [mail] = _outbox(app)
    assert mail.recipient == colleague.email and mail.status == "held"  # no mail server in tests
    assert "Aylin" not in mail.subject + mail.body and "http://127.0.0.1:5000/defenders/" in mail.body

    other = app.test_client()
    login(other, colleague)
    page = other.get("/").get_data(as_text=True)
    assert 'id="notifications-link"' in page and "1<span" in page
    listing = other.get("/notifications").get_data(as_text=True)
    assert "You were assigned to Aylin Kaya." in listing
    post_form(other, "/notifications/read")
    assert "1<span" not in other.get("/").get_data(as_text=True)


def test_followers_of_a_country_hear_of_new_records_they_may_see(app, make_user):
    follower, author = make_user("readonly"), make_user("case_officer")
    with app.app_context():
        turkey = db.session.scalar(select(Country.id).where(Country.alpha3 == "TUR"))
    follower_client = app.test_client()
    login(follower_client, follower)
    post_form(follower_client, "/account/notifications", {"countries": [turkey], "reminder_days": "3",
                                                           "country_in_app": "y"})
    client = app.test_client()
    login(client, author)
    post_form(client, "/defenders/new", VALID)
    post_form(client, "/defenders/new", {**VALID, "name": "Secret One", "confidentiality": "restricted"})
    post_form(client, "/defenders/new", {**VALID, "name": "Elsewhere", "country": "FRA"})
    assert [n.params["record"] for n in _notes(app, follower.id)] == ["Aylin Kaya"]
    post_form(follower_client, "/language", {"locale": "fr"})
    assert "Nouveau en Turquie : Aylin Kaya" in follower_client.get("/notifications").get_data(as_text=True)


def _follow(app, user_ids, alpha3="TUR"):
    """These users follow the country, and they alone."""
    with app.app_context():
        country = db.session.scalar(select(Country.id).where(Country.alpha3 == alpha3))
        db.session.execute(delete(followed_countries))
        db.session.execute(insert(followed_countries), [{"user_id": i, "country_id": country} for i in user_ids])
        db.session.commit()


@pytest.mark.parametrize("path, form", [("/defenders/new", VALID), ("/interventions/new", CASE)])
def test_who_hears_of_a_new_restricted_record_is_worked_out_in_the_same_statements_for_any_number(
        app, client, make_user, count_queries, path, form):
    """Followers of the country hear of a new restricted record only when they may see it (an admin, the author's
    assigned colleague), and working that out costs the same statements for 1 follower of each kind as for 6."""
    author, colleague = make_user("case_officer"), make_user("case_officer")
    login(client, author)
    counts = []
    for number, name in ((1, "Aylin Kaya"), (1, "Omar Haddad"), (6, "Chen Wei")):  # the first warms the caches
        admins = [make_user("admin").id for _ in range(number)]
        others = [make_user("case_officer").id for _ in range(number)] + [make_user("readonly").id
                                                                           for _ in range(number)]
        _follow(app, [author.id, colleague.id, *admins, *others])
        with count_queries() as statements:
            response = post_form(client, path, {**form, "name": name, "title": f"Arrest of {name}",
                                                "confidentiality": "restricted", "assignees": [colleague.id]})
        assert response.status_code == 302
        counts.append(len(statements))
        for user_id in admins:
            assert [n.kind for n in _notes(app, user_id)] == ["country"]
        assert not any(_notes(app, user_id) for user_id in others) and _notes(app, author.id) == []
    assert [n.kind for n in _notes(app, colleague.id)].count("country") == 3
    assert counts[1] == counts[2], counts


def test_choices_turn_kinds_off_and_email_on(app, make_user):
    author, colleague = make_user("case_officer"), make_user("case_officer")
    colleague_client = app.test_client()
    login(colleague_client, colleague)
    response = post_form(colleague_client, "/account/notifications", {"reminder_days": "7"})  # everything off
    assert response.status_code == 302
    client = app.test_client()
    login(client, author)
    post_form(client, "/defenders/new", {**VALID, "assignees": [colleague.id]})
    assert _notes(app, colleague.id) == [] and _outbox(app) == []
    bad = post_form(colleague_client, "/account/notifications", {"reminder_days": "999"})
    assert bad.status_code == 422 and "between 0 and 60" in bad.get_data(as_text=True)


REMINDERS = '''
from datetime import date, timedelta
from core.plugin_host.contributions import DatedItem
from core.plugin_host.hookspecs import hookimpl

@hookimpl
def observatory_deadlines(start, end, user):
    return [DatedItem(date.today() + timedelta(days=2), "Hearing in Ankara", "hearing", "/hearings/1"),
            DatedItem(date.today() + timedelta(days=20), "Report due", "report", "/reports/1")]
'''


def test_reminders_respect_each_users_horizon_and_are_sent_once(tmp_path, monkeypatch, make_app, make_user):
    install_plugin(tmp_path / "site", monkeypatch, REMINDERS, entry_name="hearings")
    app = make_app()
    near, far = make_user("case_officer"), make_user("coordinator")
    far_client = app.test_client()
    login(far_client, far)
    post_form(far_client, "/account/notifications", {"reminder_days": "30", "reminder_in_app": "y"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["send-reminders"]).exit_code == 0
    assert [n.params["title"] for n in _notes(app, near.id)] == ["Hearing in Ankara"]
    assert sorted(n.params["title"] for n in _notes(app, far.id)) == ["Hearing in Ankara", "Report due"]
    assert len([m for m in _outbox(app) if m.recipient == near.email]) == 1  # reminders email by default
    runner.invoke(args=["send-reminders"])
    assert len(_notes(app, near.id)) == 1  # not twice
    expected = (date.today() + timedelta(days=2)).isoformat()
    assert _notes(app, near.id)[0].params["date"] == expected
    reader = app.test_client()
    login(reader, near)
    page = html.unescape(reader.get("/notifications").get_data(as_text=True)).replace("\xa0", " ")
    shown = date.fromisoformat(expected)
    assert f"Due on {shown.day} {shown:%b} {shown.year}: Hearing in Ankara" in page  # the house style, not ISO


def test_only_admins_read_the_outbox(app, make_user):
    author, colleague = make_user("case_officer"), make_user("case_officer")
    client = app.test_client()
    login(client, author)
    post_form(client, "/defenders/new", {**VALID, "assignees": [colleague.id]})
    assert client.get("/admin/outbox").status_code == 403
    admin = app.test_client()
    login(admin, make_user("admin"))
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert colleague.email in page and "A record was assigned to you" in page


def test_mail_is_sent_through_smtp_when_configured(make_app, make_user):
    """A real SMTP exchange with a local server that the test runs."""
    import asyncio
    import socket
    import threading

    received = []

    async def handle(reader, writer):
        writer.write(b"220 test ESMTP\r\n")
        data_mode = False
        lines = []
        while line := await reader.readline():
            text = line.decode().rstrip("\r\n")
            if data_mode:
                if text == ".":
                    data_mode = False
                    received.append("\n".join(lines))
                    writer.write(b"250 OK\r\n")
                else:
                    lines.append(text)
                continue
            command = text.split(" ")[0].upper()
            if command == "EHLO":
                writer.write(b"250-test\r\n250 OK\r\n")
            elif command == "DATA":
                data_mode = True
                writer.write(b"354 go\r\n")
            elif command == "QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 OK\r\n")
            await writer.drain()
        writer.close()

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(handle, sock=sock))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        app = make_app(SMTP_URL=f"smtp+plain://127.0.0.1:{port}")
        author, colleague = make_user("case_officer"), make_user("case_officer")
        client = app.test_client()
        login(client, author)
        post_form(client, "/defenders/new", {**VALID, "assignees": [colleague.id]})
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
    [mail] = _outbox(app)
    assert mail.status == "sent", mail.error
    assert received and f"To: {colleague.email}" in received[0]


def test_an_e_mail_passes_through_the_disclosure_guard(app):
    from core.notifications.mail import compose
    from core.notifications.models import OutboxMessage

    from .records_helpers import add_defender

    add_defender(app, "Rosa Blanco", publication_name="R. B.", email="rosa@example.org")
    with app.test_request_context():
        email = compose(OutboxMessage(recipient="staff@example.org", subject="[Observatory] About Rosa Blanco",
                                      body="Ms. Blanco (rosa@example.org) wrote."))
    assert email["Subject"] == "[Observatory] About R. B." and email.get_content().strip() == "R. B. ([…]) wrote."


KIND_PLUGIN = '''
from core.plugin_host.contributions import NotificationKind
from core.plugin_host.hookspecs import hookimpl

@hookimpl
def observatory_notification_kinds():
    return [NotificationKind("court_date", "Court dates set", "A court date was set for %(record)s.",
                             "A court date was set", email=True)]
'''


def test_hook_observatory_notification_kinds(tmp_path, monkeypatch, make_app, make_user):
    """A plugin's kind is offered on the account page, sent as the user chose, and worded even once the
    plugin is disabled (as a generic notice)."""
    from core.notifications.services import notify

    install_plugin(tmp_path / "site", monkeypatch, KIND_PLUGIN, entry_name="courts")
    app = make_app()
    user = make_user("case_officer")
    client = app.test_client()
    login(client, user)
    assert "Court dates set" in client.get("/account/notifications").get_data(as_text=True)
    with app.test_request_context():
        assert notify([user.id], "court_date", {"record": "Case 12"}, "/cases/12") == 1
        db.session.commit()
    assert "A court date was set for Case 12." in client.get("/notifications").get_data(as_text=True)
    assert [m.subject for m in _outbox(app)] == ["[Observatory] A court date was set"]
    disabled = make_app(PLUGINS_DISABLED=["courts"])
    other = disabled.test_client()
    login(other, user)
    page = other.get("/notifications").get_data(as_text=True)
    assert "A notification from a feature that is no longer enabled" in page and "Court dates" not in page
