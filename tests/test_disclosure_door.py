"""The check at the door: nothing but our pages and static assets leaves unless the disclosure guard's writers made
it. An outside plugin whose view writes a file, JSON, text or a drawing itself is refused and logged; what it
sends through the guard leaves as before. Every URL of the app, walked with demo data as an admin and as a
read-only user, answers nothing unmarked."""
from __future__ import annotations

import html
import logging
import re
from datetime import date

import pytest
from flask import request, request_finished
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from core.database.models import User
from core.disclosure import door
from core.disclosure.outputs import collected
from core.extensions import db
from core.plugin_host.plugins import host
from core.publications import previous_month
from core.web.permissions import ADMIN, READ_ONLY

from .conftest import csrf_token, login
from .plugin_factory import install_plugin
from .records_helpers import add_defender

LEAKY = '''
import io

from flask import (Blueprint, Response, current_app, jsonify, make_response, render_template, render_template_string,
                   send_file, stream_template, stream_template_string, stream_with_context)
from flask_login import current_user

from core.api import (Document, Guard, Paragraph, Permission, download_document, hookimpl, json_answer,
                      permission_required, request_guard, send_guarded, text_file)

blueprint = Blueprint("leaky", __name__, url_prefix="/leaky", template_folder="templates")
ROW = "Aylin Kaya,+90 555 123 45 67,Kızılay Sokak 12"


@blueprint.route("/people.csv")
@permission_required("leaky.view")
def people():
    return Response("name,phone,address\\n" + ROW + "\\n", mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="people.csv"'})


@blueprint.route("/people.pdf")
@permission_required("leaky.view")
def inline_pdf():
    return send_file(io.BytesIO(b"%PDF-1.4 " + ROW.encode()), mimetype="application/pdf")


@blueprint.route("/note.html")
@permission_required("leaky.view")
def note():
    document = Document("Note", "en", [Paragraph("The mission went well.")])
    return download_document(document, "html", "note", request_guard(current_user, external=True))


@blueprint.route("/")
@permission_required("leaky.view")
def page():
    return render_template("leaky/plain.html")


@blueprint.route("/string")
@permission_required("leaky.view")
def string():
    return render_template_string("<p>{{ row }}</p>", row=ROW)  # a template made of a string: the view's text


@blueprint.route("/from-string")
@permission_required("leaky.view")
def from_string():
    return current_app.jinja_env.from_string("<p>" + ROW + "</p>").render()


@blueprint.route("/string-streamed")
@permission_required("leaky.view")
def string_streamed():
    return stream_template_string("<p>{{ row }}</p>", row=ROW)


@blueprint.route("/rendered")
@permission_required("leaky.view")
def rendered():
    return render_template("leaky/page.html", words="A page, not a file.")


@blueprint.route("/made")
@permission_required("leaky.view")
def made():
    response = make_response(render_template("leaky/page.html", words="A page, not a file."))
    response.headers["X-Leaky"] = "made"
    return response


@blueprint.route("/streamed")
@permission_required("leaky.view")
def streamed():
    return stream_template("leaky/page.html", words="A page, streamed.")


@blueprint.route("/swapped")
@permission_required("leaky.view")
def swapped():
    render_template("leaky/page.html", words="A page, not a file.")  # a template rendered...
    return "<p>" + ROW + "</p>"  # ...and another HTML string sent


@blueprint.route("/appended")
@permission_required("leaky.view")
def appended():
    return render_template("leaky/page.html", words="A page") + ROW


@blueprint.route("/streamed-raw")
@permission_required("leaky.view")
def streamed_raw():
    render_template("leaky/page.html", words="A page, not a file.")
    return Response(stream_with_context(iter(["<p>", ROW, "</p>"])), mimetype="text/html")


@blueprint.route("/streamed-tail")
@permission_required("leaky.view")
def streamed_tail():
    def chunks():
        yield from stream_template("leaky/page.html", words="A page, streamed.")
        yield ROW
    return Response(stream_with_context(chunks()), mimetype="text/html")


@blueprint.route("/file.html")
@permission_required("leaky.view")
def file_html():
    render_template("leaky/page.html", words="A page, not a file.")
    return send_file(io.BytesIO(("<p>" + ROW + "</p>").encode()), mimetype="text/html")


@blueprint.route("/inline.html")
@permission_required("leaky.view")
def inline_html():
    response = make_response(render_template("leaky/page.html", words=ROW))
    response.headers["Content-Disposition"] = 'inline; filename="people.html"'
    return response


@blueprint.route("/attached.html")
@permission_required("leaky.view")
def attached_html():
    return Response(render_template("leaky/page.html", words=ROW), mimetype="text/html",
                    headers={"Content-Disposition": "attachment"})


@blueprint.route("/raw")
@permission_required("leaky.view")
def raw():
    return ROW  # an HTML answer no template rendered


@blueprint.route("/people.json")
@permission_required("leaky.view")
def people_json():
    return jsonify(name="Aylin Kaya", phone="+90 555 123 45 67")


@blueprint.route("/people.txt")
@permission_required("leaky.view")
def people_text():
    return Response(ROW, mimetype="text/plain")


@blueprint.route("/chart.svg")
@permission_required("leaky.view")
def chart():
    return Response("<svg><text>" + ROW + "</text></svg>", mimetype="image/svg+xml")


@blueprint.route("/feed.ics")
@permission_required("leaky.view")
def feed():
    return Response("BEGIN:VCALENDAR\\nSUMMARY:" + ROW + "\\nEND:VCALENDAR", mimetype="text/calendar")


@blueprint.route("/answer.json")
@permission_required("leaky.view")
def answer():
    return json_answer({"said": "Aylin Kaya called from +90 555 123 45 67."},
                       Guard(current_user, external=False, unattended=True))


@blueprint.route("/note.txt")
@permission_required("leaky.view")
def note_text():
    guard = Guard(current_user, external=True)
    return send_guarded(text_file("note.txt", "Aylin Kaya called from +90 555 123 45 67.", guard), as_attachment=False)


@hookimpl
def observatory_blueprints():
    return [blueprint]


@hookimpl
def observatory_permissions():
    return [Permission("leaky.view", "See leaks", default_roles=("case_officer",))]
'''


@pytest.fixture
def app_of_leaky(tmp_path, monkeypatch, make_app):
    install_plugin(tmp_path / "site", monkeypatch, LEAKY, entry_name="leaky", files={
        "templates/leaky/plain.html": "<p>A page, not a file.</p>",
        "templates/leaky/page.html": "<!doctype html><title>Leaky</title>{% for n in range(3) %}<p>{{ words }}</p>"
                                     "{% endfor %}"})
    app = make_app()
    assert host(app).plugins["leaky"].status == "active", host(app).plugins["leaky"].errors
    return app


@pytest.fixture
def leaky(app_of_leaky, make_user):
    client = app_of_leaky.test_client()
    login(client, make_user("case_officer"))
    return client


def test_a_plugin_view_writing_a_file_around_the_guard_is_refused_and_logged(leaky, caplog):
    with caplog.at_level(logging.ERROR):
        refused = leaky.get("/leaky/people.csv")
    assert refused.status_code == 409 and refused.mimetype == "text/html"
    assert "Content-Disposition" not in refused.headers
    page = refused.get_data(as_text=True)
    assert "Not sent" in page and "was not written through the disclosure guard" in page
    assert "Aylin" not in page and "555" not in page
    assert any("leaky.people" in record.getMessage() and "text/csv" in record.getMessage()
               for record in caplog.records)
    assert refused.headers["X-Frame-Options"] == "DENY"  # the refusal is a page like any other


def test_a_file_type_sent_inline_is_refused_too(leaky):
    refused = leaky.get("/leaky/people.pdf")
    assert refused.status_code == 409 and b"%PDF" not in refused.data and b"Aylin" not in refused.data


def test_the_refusal_is_in_the_users_language(leaky):
    page = leaky.get("/leaky/people.csv", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Non envoyé" in page and "garde de divulgation" in page
    page = leaky.get("/leaky/people.csv", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "No enviado" in page and "filtro de divulgación" in page


def test_the_same_plugin_sends_its_document_through_the_guard_and_its_pages_as_before(leaky):
    note = leaky.get("/leaky/note.html")
    assert note.status_code == 200 and note.headers["Content-Disposition"] == 'attachment; filename="note.html"'
    assert "The mission went well." in note.get_data(as_text=True)
    assert leaky.get("/leaky/").status_code == 200



@pytest.mark.parametrize("path", ["/leaky/string", "/leaky/from-string"])
def test_a_page_rendered_from_a_string_is_refused(leaky, caplog, path):
    """A template made from a string (``render_template_string``, ``from_string``) is the view's own text: what it
    renders is no page of ours, so it needs a mark like any other body."""
    with caplog.at_level(logging.ERROR):
        refused = leaky.get(path)
    assert refused.status_code == 409 and refused.mimetype == "text/html"
    assert b"Aylin" not in refused.data and b"555" not in refused.data
    assert any("text/html" in record.getMessage() for record in caplog.records)


def test_a_page_streamed_from_a_string_ends_before_its_first_chunk(leaky, caplog):
    with caplog.at_level(logging.ERROR):
        body = leaky.get("/leaky/string-streamed").get_data(as_text=True)
    assert "Aylin" not in body and "555" not in body
    assert any("streamed page" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("path", ["/leaky/raw", "/leaky/people.json", "/leaky/people.txt", "/leaky/chart.svg",
                                  "/leaky/feed.ics"])
def test_json_text_drawings_feeds_and_html_no_template_rendered_are_refused_too(leaky, path):
    refused = leaky.get(path)
    assert refused.status_code == 409 and refused.mimetype == "text/html"
    assert b"Aylin" not in refused.data and b"555" not in refused.data


def test_json_and_text_sent_through_the_guard_leave_released_for_their_reader(leaky, app_of_leaky):
    add_defender(app_of_leaky, "Aylin Kaya", confidentiality="restricted", phone="+90 555 123 45 67",
                 publication_name="A. K.")
    answer = leaky.get("/leaky/answer.json")  # the case officer may not see the restricted defender
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert "Aylin" not in answer.json["said"] and answer.json["said"].startswith("[…] called from")
    note = leaky.get("/leaky/note.txt")
    assert note.status_code == 200 and note.mimetype == "text/plain"
    assert note.headers["Content-Disposition"] == 'inline; filename="note.txt"'
    assert "Aylin" not in note.get_data(as_text=True) and "555" not in note.get_data(as_text=True)


def test_the_cores_own_json_words_leave_the_health_check_and_an_error(leaky):
    assert (leaky.get("/health").status_code, leaky.get("/health").json) == (200, {"status": "ok", "database": "ok"})
    missing = leaky.get("/nowhere", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.json["error"] == "Page not found"


@pytest.mark.parametrize("path", ["/leaky/", "/leaky/rendered", "/leaky/made"])
def test_a_page_our_template_rendered_in_the_request_leaves(leaky, path):
    page = leaky.get(path)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "A page, not a file." in page.get_data(as_text=True)


def test_a_page_streamed_from_a_template_leaves_whole(leaky, caplog):
    with caplog.at_level(logging.ERROR):
        page = leaky.get("/leaky/streamed")
        assert page.status_code == 200 and page.is_streamed
        assert page.get_data(as_text=True) == "<!doctype html><title>Leaky</title>" + "<p>A page, streamed.</p>" * 3
    assert not [record for record in caplog.records if "disclosure guard" in record.getMessage()]


@pytest.mark.parametrize("path, endpoint", [("/leaky/swapped", "leaky.swapped"), ("/leaky/appended", "leaky.appended"),
                                            ("/leaky/file.html", "leaky.file_html")])
def test_html_other_than_what_a_template_rendered_is_refused_although_one_rendered(leaky, caplog, path, endpoint):
    """A view that rendered a template and sends another HTML string (the page with something added, a file) is
    refused: only a page our templates rendered, whole, leaves unmarked."""
    with caplog.at_level(logging.ERROR):
        refused = leaky.get(path)
    assert refused.status_code == 409 and refused.mimetype == "text/html"
    assert b"Aylin" not in refused.data and b"555" not in refused.data
    assert "Not sent" in refused.get_data(as_text=True)
    assert any(endpoint in record.getMessage() and "text/html" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("path", ["/leaky/streamed-raw", "/leaky/streamed-tail"])
def test_a_stream_lets_out_only_what_our_templates_produced(leaky, caplog, path):
    """Chunks a view streams itself never leave, before or after a template's: the page ends there, logged."""
    with caplog.at_level(logging.ERROR):
        body = leaky.get(path).get_data(as_text=True)
    assert "Aylin" not in body and "555" not in body
    if path.endswith("tail"):
        assert body == "<!doctype html><title>Leaky</title>" + "<p>A page, streamed.</p>" * 3
    assert any("streamed page" in record.getMessage() and path.replace("/leaky/", "leaky.").replace("-", "_")
               in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("path", ["/leaky/inline.html", "/leaky/attached.html"])
def test_html_sent_as_a_file_needs_a_mark_even_rendered_by_a_template(leaky, caplog, path):
    """HTML with a Content-Disposition (inline with a file name, or an attachment) is a file: saved, sent on,
    opened outside the app. It leaves only written through the guard (download_document, send_guarded)."""
    with caplog.at_level(logging.ERROR):
        refused = leaky.get(path)
    assert refused.status_code == 409 and "Content-Disposition" not in refused.headers
    assert b"Aylin" not in refused.data
    assert any("text/html" in record.getMessage() for record in caplog.records)


# --- Every URL of the app, with demo data ------------------------------------------------------------------

LINK = re.compile(r'(?:href|src|action|data-[a-z-]*url)="(/[^"#]*)')
PER_ENDPOINT = 2  # addresses of one view tried (a record's file in two formats, two records' pages)
MISSING = 999999


def _walk(app, client, email: str) -> set[str]:
    """Every address reachable from the dashboard and the declared outputs (at most PER_ENDPOINT per view), then
    every GET rule not reached, then every POST-only rule with the CSRF token alone (on missing records: nothing
    is changed); returns the endpoints requested."""
    adapter = app.url_map.bind("localhost")
    token = csrf_token(client, "/account/")
    requested: dict[str, int] = {}
    queue, seen = ["/"], set()
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email))
        for output in collected():
            if output.record_type is None:
                for request in output.requests(None, user)[:1]:
                    if request.form is not None:  # a build (a publication's whole edition): asked once
                        endpoint = adapter.match(request.path.split("?", 1)[0], method="POST")[0]
                        requested[endpoint] = requested.get(endpoint, 0) + 1
                    response = client.post(request.path, data={**request.form, "csrf_token": token}) \
                        if request.form is not None else client.get(request.path, buffered=True)
                    if response.status_code == 302 and "/jobs/" in (response.location or ""):
                        queue.append(response.location.split("localhost", 1)[-1])
                    else:
                        queue.append(request.path)
                    queue += [request.then] if request.then else []
    queue.append("/jobs/")
    while queue:
        url = html.unescape(queue.pop(0))
        if url in seen:
            continue
        seen.add(url)
        try:
            endpoint, _values = adapter.match(url.split("?", 1)[0], method="GET")
        except HTTPException:
            continue
        if endpoint.endswith("static") or requested.get(endpoint, 0) >= PER_ENDPOINT:
            continue
        requested[endpoint] = requested.get(endpoint, 0) + 1
        response = client.get(url, buffered=True)
        if response.mimetype == "text/html":
            queue.extend(LINK.findall(response.get_data(as_text=True)))
        elif response.status_code in (301, 302, 303) and response.location.startswith("/"):
            queue.append(response.location)
    year, month = previous_month(date.today())  # a month's bulletin files are built as one ZIP
    for rule in app.url_map.iter_rules():
        if rule.endpoint.endswith("static") or rule.endpoint in requested or rule.endpoint == "auth.logout":
            continue
        values = {argument: {"year": year, "month": month}.get(argument, MISSING) for argument in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        if "GET" in rule.methods:
            client.get(url, buffered=True)
        else:
            response = client.post(url, data={"csrf_token": token}, buffered=True)
            if re.search(r"/jobs/\d+$", response.location or ""):
                client.get(response.location + "/download", buffered=True)
        requested[rule.endpoint] = 1
    return set(requested)


def test_no_route_answers_anything_unmarked(make_app, make_user, caplog):
    """The door is checked from outside: every rule of the app, walked with demo data as an admin and as a
    read-only user, answers either a page rendered by a template, a static asset, a redirect, an empty answer, or
    something the guard's writers marked; and nothing was refused (our own views all go through the guard)."""
    app = make_app()
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["demo-data", "--scale", "1"]).exit_code == 0
    answers: list = []

    def finished(sender, response, **_extra):
        answers.append((request.endpoint, response.status_code, response.mimetype, door.needs_mark(response),
                        door.marked(response)))

    request_finished.connect(finished, app)
    rules = {rule.endpoint for rule in app.url_map.iter_rules() if not rule.endpoint.endswith("static")}
    kinds = set()
    for role in (ADMIN, READ_ONLY):
        user = make_user(role)
        client = app.test_client()
        login(client, user)
        answers.clear()
        with caplog.at_level(logging.ERROR):
            requested = _walk(app, client, user.email)
        assert rules - {"auth.logout"} <= requested, role
        unmarked = [answer for answer in answers if answer[3] and not answer[4]]
        assert unmarked == [], role
        kinds |= {answer[2] for answer in answers if answer[3]}
    refused = [record.getMessage() for record in caplog.records if "not written through the disclosure" in
               record.getMessage()]
    assert refused == []
    # The walk met what leaves: a job's progress, files, drawings, data, a calendar, the health check.
    assert {"application/json", "application/pdf", "text/csv", "image/svg+xml", "text/calendar",
            "application/zip"} <= kinds, kinds
