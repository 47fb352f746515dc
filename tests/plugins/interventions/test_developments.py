"""Developments of a case (issue 24): added from the case page, confidential ones seen only by those who may edit
the case and never leaving, a follow-up started from them, the defender's file telling every step in true order
with a filter by kind, and the figures of acts and perpetrators."""
from __future__ import annotations

import html
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.database.models import User
from core.extensions import db
from core.plugin_host import gather
from plugins.interventions import statistics
from plugins.interventions.models import Action, Case, Development, Outcome, Response

from ...conftest import login, post_form
from ...records_helpers import add_defender
from .helpers import add_action, add_case, publish

FIELDS = {"occurred_on": "2026-12-01", "occurred_time": "", "act": "arrest", "perpetrator": "state",
          "what": "Police arrested her at the office of the association.", "place": "Izmir", "source_partner": "0",
          "source_details": "", "reliability": "confirmed"}
SECRET = "Our contact inside the prosecution says a new indictment is being drafted."


def _published(app, coordinator, **case) -> tuple[int, int]:
    case_id = add_case(app, coordinator, verified=True, **case)
    action_id = add_action(app, case_id, coordinator)
    publish(app, action_id, coordinator)
    return case_id, action_id


def _add(client, case_id: int, **fields):
    return post_form(client, f"/interventions/{case_id}/developments/new", {**FIELDS, **fields})


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "case_development",
                                                                AuditEntry.action == action)))


def test_a_development_is_added_from_the_case_page_changed_and_deleted_with_the_audit_trail(app, client, make_user):
    officer = make_user("case_officer")
    case_id, other_case = add_case(app, officer), add_case(app, officer)
    login(client, officer)
    page = client.get(f"/interventions/{case_id}").get_data(as_text=True)
    assert f'href="/interventions/{case_id}/developments/new"' in page and "No development recorded yet." in page
    form = client.get(f"/interventions/{case_id}/developments/new").get_data(as_text=True)
    assert "What kind of act" in form and "Committed by" in form and f'value="{date.today().isoformat()}"' in form

    bad = _add(client, case_id, what="", occurred_on="", act="coup")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Give a date." in text and "Not a valid choice" in text
    assert "nothing was saved" in text
    assert _add(client, case_id, occurred_time="06:30", source_details="Lawyer by Signal").status_code == 302
    with app.app_context():
        development = db.session.scalar(select(Development))
        assert (development.case_id, development.act, development.perpetrator, development.reliability) == (
            case_id, "arrest", "state", "confirmed")
        assert development.occurred_at == datetime(2026, 12, 1, 6, 30, tzinfo=timezone.utc)
        development_id = development.id
    page = html.unescape(client.get(f"/interventions/{case_id}").get_data(as_text=True))
    assert "Police arrested her at the office of the association." in page and "Lawyer by Signal" in page
    assert "Development: Arrest: Police arrested her" in page  # on the case's timeline
    assert [entry.record_id for entry in _audit(app, "create")] == [development_id]

    edit_url = f"/interventions/{case_id}/developments/{development_id}"
    edit_page = client.get(edit_url).get_data(as_text=True)
    assert "Police arrested her" in edit_page and 'value="06:30"' in edit_page and 'id="delete-development"' in edit_page
    assert post_form(client, edit_url, {**FIELDS, "act": "detention", "what": "Held incommunicado."}).status_code == 302
    [update] = _audit(app, "update")
    assert update.changes["act"] == ["arrest", "detention"] and update.changes["what"][1] == "Held incommunicado."
    assert client.get(f"/interventions/{other_case}/developments/{development_id}").status_code == 404

    reader = app.test_client()
    login(reader, make_user("readonly"))
    assert reader.get(f"/interventions/{case_id}/developments/new").status_code == 403
    assert post_form(reader, f"{edit_url}/delete").status_code == 403
    assert "Held incommunicado." in reader.get(f"/interventions/{case_id}").get_data(as_text=True)
    assert "Lawyer by Signal" not in reader.get(f"/interventions/{case_id}").get_data(as_text=True)  # the source

    assert client.post(f"{edit_url}/delete").status_code == 400  # no CSRF token
    assert post_form(client, f"{edit_url}/delete").status_code == 302
    assert len(_audit(app, "delete")) == 1
    assert "Held incommunicado." not in client.get(f"/interventions/{case_id}").get_data(as_text=True)


def test_a_confidential_development_is_seen_only_by_who_may_edit_the_case_and_never_leaves(app, client, make_user):
    coordinator = make_user("coordinator")
    defender = add_defender(app, "Aylin Kaya", publication_name="A. K.")
    case_id, _action = _published(app, coordinator, defenders=(defender,))
    today = date.today().isoformat()
    login(client, coordinator)
    assert _add(client, case_id, occurred_on=today, what="Police searched the office of the association.",
                act="raid").status_code == 302
    assert _add(client, case_id, occurred_on=today, what=SECRET, act="judicial_harassment",
                confidential="y").status_code == 302
    # An appeal repeating the confidential sentence: the guard masks it in every output about the case.
    follow = add_action(app, case_id, coordinator, kind="follow_up",
                        title_en=f"Turkey: {SECRET}", body_en="A. K. is at risk.")
    publish(app, follow, coordinator)

    own = html.unescape(client.get(f"/interventions/{case_id}").get_data(as_text=True))
    assert SECRET in own and "Confidential" in own
    reader = app.test_client()
    login(reader, make_user("readonly"))
    page = html.unescape(reader.get(f"/interventions/{case_id}").get_data(as_text=True))
    assert "Police searched the office" in page and "a new indictment is being drafted" not in page.split(
        "Turkey:")[0]
    assert "Judicial harassment" not in page
    reader_file = html.unescape(reader.get(f"/defenders/{defender}").get_data(as_text=True))
    assert "Raid or search (State agent): Police searched the office" in reader_file
    assert "Judicial harassment" not in reader_file
    own_file = html.unescape(client.get(f"/defenders/{defender}").get_data(as_text=True))
    assert "Development (confidential): Judicial harassment" in own_file and "indictment" not in own_file.split(
        "Turkey:")[0]

    year, month = date.today().year, date.today().month
    bulletin = html.unescape(client.get(f"/publications/bulletin?year={year}&month={month}&language=en")
                             .get_data(as_text=True))
    assert "New developments in the cases" in bulletin and "Police searched the office" in bulletin
    assert "Judicial harassment" not in bulletin
    with app.test_request_context():
        from core.publications import bulletin as build_bulletin
        from core.publications.jobs import public_guard

        released = str(public_guard(None).release(build_bulletin(year, month, "en")))
        assert "Police searched the office" in released and "Turkey:" in released
        assert "indictment" not in released and "Judicial harassment" not in released
        summaries = gather.record_summaries("case", db.session.get(User, coordinator.id), "en", ids=[case_id])
        [summary] = summaries  # the chronology a dossier sends: the guard masks the appeal's title in its turn
        assert "Police searched the office" in repr(summary.events) and "indictment" not in repr(summary.events)
        assert "1 confidential development(s)" in summary.left_out


def test_a_follow_up_starts_from_the_developments_since_the_last_public_action(app, client, make_user):
    coordinator = make_user("coordinator")
    kaya = add_defender(app, "Aylin Kaya", publication_name="A. K.")
    case_id = add_case(app, coordinator, verified=True, defenders=(kaya,))
    login(client, coordinator)
    earlier = (date.today() - timedelta(days=10)).isoformat()
    assert _add(client, case_id, occurred_on=earlier, what="Arrested at dawn in her home.").status_code == 302
    publish(app, add_action(app, case_id, coordinator), coordinator)
    with app.app_context():  # that first development was recorded ten days ago, the appeal went out after it
        db.session.scalar(select(Development)).created_at = datetime.now(timezone.utc) - timedelta(days=10)
        db.session.scalar(select(Action)).published_at = datetime.now(timezone.utc) - timedelta(days=9)
        db.session.commit()
    today = date.today()
    assert _add(client, case_id, occurred_on=today.isoformat(), act="detention", place="Ankara",
                what="Her detention was extended by thirty days. Aylin Kaya is held alone.").status_code == 302
    assert _add(client, case_id, occurred_on=today.isoformat(), act="threat", what=SECRET,
                confidential="y").status_code == 302
    page = client.get(f"/interventions/{case_id}").get_data(as_text=True)
    assert "Draft a follow-up from 1 new development" in page
    form = html.unescape(client.get(f"/interventions/{case_id}/actions/new?type=follow_up").get_data(as_text=True))
    body = form.split('name="body_en"')[1].split("</textarea>")[0]
    assert "New developments since our last appeal:" in body
    assert "Detention: Her detention was extended by thirty days." in body and "in Ankara" in body
    assert "Arrested at dawn" not in body and "indictment" not in body
    assert "A. K. is held alone" in body and "Kaya" not in body  # the draft begins from what may be published
    assert '<option selected value="follow_up">' in form
    french = app.test_client()
    login(french, coordinator)
    post_form(french, "/language", {"locale": "fr", "next": "/"})
    form = html.unescape(french.get(f"/interventions/{case_id}/actions/new").get_data(as_text=True))
    assert "Faits nouveaux depuis notre dernier appel :" in form.split('name="body_fr"')[1].split("</textarea>")[0]
    # the follow-up template tells them too, in each language asked, after the case's facts
    form = html.unescape(client.get(f"/interventions/{case_id}/actions/new?template=follow_up&lang=en&lang=es")
                         .get_data(as_text=True))
    for language in ("en", "es"):
        body = form.split(f'name="body_{language}"')[1].split("</textarea>")[0]
        assert "Her detention was extended by thirty days. A. K. is held alone." in body, language
        assert "Arrested at dawn in her home" not in body and "indictment" not in body and "Kaya" not in body, language
    assert "Novedades desde nuestro último llamamiento:" in form.split('name="body_es"')[1]


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, 4, hour, minute, tzinfo=timezone.utc)


def test_the_defenders_file_tells_every_step_of_a_day_in_true_order_with_a_filter_by_kind(app, client, make_user,
                                                                                           count_queries):
    coordinator = make_user("coordinator")
    defender = add_defender(app, "Aylin Kaya", publication_name="A. K.")
    day = date(2026, 3, 4)

    def a_day_of_steps(title: str) -> int:
        """A case whose steps all fall on one day, most known only by their date, written down as they came."""
        case_id = add_case(app, coordinator, title=title, defenders=(defender,), verified=True, received_at=_at(8))
        with app.app_context():
            case = db.session.get(Case, case_id)
            for consultation in case.consultations:
                consultation.consulted_on, consultation.recorded_at = day, _at(9)
            case.verified_on, case.verified_at = day, _at(9, 30)
            case.developments.append(Development(occurred_on=day, act="arrest", perpetrator="state",
                                                 what="Arrested at the office.", created_at=_at(10)))
            case.developments.append(Development(occurred_on=day, occurred_at=_at(7), act="threat",
                                                 perpetrator="unknown", what="Threatened by phone.",
                                                 created_at=_at(16)))
            action = Action(case=case, type="urgent_appeal", status="published", title_en="Appeal", body_en="Text",
                            created_at=_at(10, 30), submitted_at=_at(11), published_at=_at(12), reference=f"R-{title}")
            db.session.add(action)
            db.session.flush()
            action.responses.append(Response(kind="acknowledgement", received_on=day, recorded_at=_at(13)))
            case.outcomes.append(Outcome(kind="released", occurred_on=day, recorded_at=_at(14)))
            db.session.commit()
        return case_id

    a_day_of_steps("Arrest of a lawyer")
    login(client, coordinator)
    client.get(f"/defenders/{defender}")
    with count_queries() as few:
        page = html.unescape(client.get(f"/defenders/{defender}").get_data(as_text=True))
    timeline = page.split('id="timeline"')[1].split("</ol>")[0]
    steps = ["Outcome: Released", "Response of the authorities: Acknowledgement", "Urgent appeal published: R-",
             "Urgent appeal sent for review", "Arrest (State agent): Arrested at the office.",
             "Verification: Verified", "Partner consulted: Confirmed the facts",
             "Report received: Arrest of a lawyer", "Threat (Unknown perpetrator): Threatened by phone."]
    places = [timeline.index(step) for step in steps]
    assert places == sorted(places), timeline  # newest first, each step where it happened in the day

    kinds = page.split('id="timeline-kinds"')[1].split("</ul>")[0]
    for label in ("Every step", "Developments", "Verification and consultations", "Drafts sent for review",
                  "Published actions", "Responses of the authorities", "Outcomes", "Reports received"):
        assert label in kinds, label
    only = html.unescape(client.get(f"/defenders/{defender}?kind=development").get_data(as_text=True))
    listed = only.split('id="timeline"')[1].split("</ol>")[0]
    assert "Arrested at the office." in listed and "Threatened by phone." in listed
    assert "Report received" not in listed and "Outcome:" not in listed
    assert 'aria-current="page"' in only.split('id="timeline-kinds"')[1].split("Developments")[0].rsplit("<li", 1)[1]
    everything = client.get(f"/defenders/{defender}?kind=nonsense").get_data(as_text=True)
    assert "Report received" in everything and "Outcome:" in everything

    for number in range(4):  # more cases, with every kind of step: the same statements
        a_day_of_steps(f"Another case {number}")
    with count_queries() as many:
        assert client.get(f"/defenders/{defender}").status_code == 200
    assert len(many) == len(few) <= 10, (len(few), len(many))


def test_statistics_count_acts_and_perpetrators_per_year_and_region(app, make_user):
    coordinator, admin = make_user("coordinator"), make_user("admin")
    turkey, _action = _published(app, coordinator)
    with app.app_context():
        case = db.session.get(Case, turkey)
        case.year = 2026
        for act, perpetrator, confidential, day in (
                ("arrest", "state", False, date(2026, 2, 1)), ("arrest", "state", True, date(2026, 3, 1)),
                ("threat", "non_state", False, date(2026, 4, 1)), ("raid", "state", False, date(2025, 5, 1))):
            case.developments.append(Development(occurred_on=day, act=act, perpetrator=perpetrator, what="x",
                                                 confidential=confidential))
        db.session.commit()
    client = app.test_client()
    login(client, admin)
    acts = client.get("/statistics/development_acts.csv?year=2026").get_data(as_text=True)
    assert "Arrest,2" in acts and "Threat,1" in acts and "Raid or search,0" in acts
    who = client.get("/statistics/development_perpetrators.csv?year=2026").get_data(as_text=True)
    assert "State agent,2" in who and "Non-state actor,1" in who
    assert "Arrest,0" in client.get("/statistics/development_acts.csv?year=2026&region=africa").get_data(as_text=True)
    assert "Arrest,2" in client.get("/statistics/development_acts.csv?year=2026&region=europe_central_asia") \
        .get_data(as_text=True)
    with app.test_request_context():  # the annual report's figures: never the confidential development
        charts = {chart.key: chart for chart in statistics.charts(2026, "", None, "en")}
        assert dict(zip(charts["development_acts"].categories, charts["development_acts"].values))["Arrest"] == 1
        assert dict(zip(charts["development_perpetrators"].categories,
                        charts["development_perpetrators"].values))["State agent"] == 1
