"""Recording advocacy actions: the form and its requirement checklist, bad input, defenders and their
consent, sending, answers with documents, overdue replies, the list with its filters, and who sees what."""
from __future__ import annotations

import html
import io
from datetime import date, timedelta

from sqlalchemy import func, select

from core.attachments.models import Attachment
from core.audit.models import AuditEntry
from core.database.models import User
from core.extensions import db
from plugins.advocacy.models import ActionDefender, ActionRecordLink, AdvocacyAction, Answer

from ...conftest import login, post_form
from ...records_helpers import add_defender
from ..interventions.helpers import add_case
from ..missions.helpers import add_mission
from .helpers import COMMUNICATION_DETAILS, add_action, mechanism_id

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _action(app, action_id: int) -> AdvocacyAction:
    with app.app_context():
        action = db.session.get(AdvocacyAction, action_id)
        db.session.expunge(action)
        return action


def test_officer_drafts_a_request_for_precautionary_measures_and_sees_what_is_missing(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    with app.app_context():
        iachr = mechanism_id("oas_iachr_pm")
    form = {"mechanism": iachr, "type": "precautionary_measures", "title": "Medidas cautelares para A. Pérez",
            "country": "COL", "language": "es", "confidentiality": "restricted",
            "urgency": "Amenazas de muerte tras su liberación.", "text": "Solicitamos medidas cautelares."}
    response = post_form(client, "/advocacy/new", form)
    assert response.status_code == 302, _page(response)[:3000]
    page = _page(client.get(response.location))
    assert "Medidas cautelares para A. Pérez" in page and "Request for precautionary measures" in page
    assert "Colombia" in page and "Draft" in page and officer.name in page
    missing = page[page.index('id="missing"'):]
    missing = missing[:missing.index("</div>")]
    for element in ("Proposed beneficiaries", "Measures requested", "Consent of the people concerned",
                    "Was the state already informed?"):
        assert element in missing
    assert "Serious and urgent situation" not in missing  # given
    with app.app_context():
        action = db.session.scalar(select(AdvocacyAction))
        assert action.details == {"urgency": "Amenazas de muerte tras su liberación."}
        assert db.session.scalar(select(AuditEntry.action).where(
            AuditEntry.record_type == "advocacy_action")) == "create"


def test_bad_input_is_explained_in_the_users_language_and_nothing_is_saved(app, client, make_user):
    officer = make_user("case_officer")
    with app.app_context():
        db.session.get(User, officer.id).locale = "fr"
        db.session.commit()
        iachr, osce = mechanism_id("oas_iachr_pm"), mechanism_id("osce_odihr")
    login(client, officer)
    response = post_form(client, "/advocacy/new", {"mechanism": osce, "type": "letter", "title": "",
                                                    "language": "es", "confidentiality": "internal"})
    assert response.status_code == 422
    page = _page(response)
    assert "Ce champ est obligatoire." in page and "rien n’a été enregistré" in page.replace("'", "’")
    assert "Ce mécanisme travaille en : anglais, russe." in page
    response = post_form(client, "/advocacy/new", {"mechanism": 999999, "type": "nonsense", "title": "X",
                                                    "language": "en", "confidentiality": "internal"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AdvocacyAction)) == 0
    assert iachr


def test_a_request_is_sent_only_once_complete_then_answers_are_recorded(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    defender = add_defender(app, "Ana Pérez", country="COL", publication_name="A. P.")
    action_id = add_action(app, officer, kind="precautionary_measures", mechanism="oas_iachr_pm", country="COL",
                           language="es", details={"urgency": "Amenazas de muerte."})
    refused = post_form(client, f"/advocacy/{action_id}/send", {"sent_on": "2026-11-02"})
    assert refused.status_code == 422
    page = _page(refused)
    assert "Still missing before it can be sent: Proposed beneficiaries, Measures requested" in page
    assert _action(app, action_id).sent_on is None

    assert post_form(client, f"/links/advocacy_action/{action_id}/defenders", {"defender_id": defender}).status_code == 302
    post_form(client, f"/advocacy/{action_id}/consent", {"defender_id": defender, "consent": "given",
                                                         "consent_on": "2026-10-30"})
    edit = {"mechanism": mechanism_id_in(app, "oas_iachr_pm"), "type": "precautionary_measures",
            "title": "Medidas cautelares", "country": "COL", "language": "es", "confidentiality": "internal",
            "urgency": "Amenazas de muerte.", "measures": "Protección policial acordada con ella.",
            "state_informed": "yes", "state_informed_details": "Denuncia ante la Fiscalía el 1 de octubre."}
    assert post_form(client, f"/advocacy/{action_id}/edit", edit).status_code == 302
    page = _page(client.get(f"/advocacy/{action_id}"))
    assert 'id="missing"' not in page and "Consented" in page and "published as A. P." in page

    future = (date.today() + timedelta(days=3)).isoformat()
    assert post_form(client, f"/advocacy/{action_id}/send", {"sent_on": future}).status_code == 422
    sent = post_form(client, f"/advocacy/{action_id}/send", {"sent_on": "2026-11-02", "reference": "MC-812-26",
                                                             "reply_expected_by": "2026-11-20"})
    assert sent.status_code == 302
    action = _action(app, action_id)
    assert (action.sent_on, action.reference, action.reply_expected_by) == (
        date(2026, 11, 2), "MC-812-26", date(2026, 11, 20))

    early = post_form(client, f"/advocacy/{action_id}/answers", {"kind": "acknowledgement",
                                                                 "received_on": "2026-10-01"})
    assert early.status_code == 422 and "An answer cannot come before the action was sent (2 Nov 2026)" in _page(early)
    bad_file = post_form(client, f"/advocacy/{action_id}/answers", {
        "kind": "measures_granted", "received_on": "2026-11-10",
        "document": (io.BytesIO(b"MZ\x90\x00 not a document"), "resolution.exe")},
        content_type="multipart/form-data")
    assert bad_file.status_code == 422 and "This type of file is not accepted" in _page(bad_file)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 0  # nothing half-saved
    granted = post_form(client, f"/advocacy/{action_id}/answers", {
        "kind": "measures_granted", "received_on": "2026-11-10", "summary": "Resolución 81/26.",
        "document": (io.BytesIO(PDF), "resolucion-81-26.pdf")}, content_type="multipart/form-data")
    assert granted.status_code == 302
    page = _page(client.get(f"/advocacy/{action_id}"))
    assert "Precautionary measures granted" in page and "Resolución 81/26." in page
    assert "resolucion-81-26.pdf" in page
    with app.app_context():
        answer = db.session.scalar(select(Answer))
        document = db.session.scalar(select(Attachment).where(Attachment.record_type == "advocacy_answer"))
        assert document.record_id == answer.id
    download = client.get(f"/attachments/{document.id}")
    assert download.status_code == 200 and download.data == PDF
    assert client.get(f"/advocacy/answers/{answer.id}").location.endswith(f"/advocacy/{action_id}#answer-{answer.id}")
    # Granted measures are a result, not the state's reply: the wait goes on until a reply is recorded.
    assert _action(app, action_id).reply_expected_by == date(2026, 11, 20)
    post_form(client, f"/advocacy/{action_id}/answers", {"kind": "state_reply", "received_on": "2026-11-15"})
    assert _action(app, action_id).reply_expected_by is None


def mechanism_id_in(app, key: str) -> int:
    with app.app_context():
        return mechanism_id(key)


def test_overdue_replies_are_flagged_and_filtered(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    today = date.today()
    late = add_action(app, officer, title="Allegation letter on the Minsk journalists", kind="allegation_letter",
                      sent_on=today - timedelta(days=90), reply_expected_by=today - timedelta(days=30))
    waiting = add_action(app, officer, title="Letter to the Commissioner", kind="letter", mechanism="coe_commissioner",
                         sent_on=today - timedelta(days=5), reply_expected_by=today + timedelta(days=25))
    draft = add_action(app, officer, title="Draft statement for the Council", kind="written_statement",
                       mechanism="un_hrc")
    page = _page(client.get(f"/advocacy/{late}"))
    assert 'id="overdue"' in page and "Reply overdue since" in page
    assert 'id="overdue"' not in _page(client.get(f"/advocacy/{waiting}"))

    def titles(query: str) -> set[str]:
        page = _page(client.get(f"/advocacy/?{query}"))
        return {title for title in ("Minsk journalists", "Letter to the Commissioner", "Draft statement")
                if title in page}

    assert titles("state=overdue") == {"Minsk journalists"}
    assert titles("state=awaiting") == {"Letter to the Commissioner"}
    assert titles("state=draft") == {"Draft statement"}
    assert titles("state=sent") == {"Minsk journalists", "Letter to the Commissioner"}
    assert titles("system=coe") == {"Letter to the Commissioner"}
    assert titles("type=written_statement") == {"Draft statement"}
    assert titles("q=minsk") == {"Minsk journalists"}
    assert titles(f"year={today.year}&state=sent") >= {"Letter to the Commissioner"}
    dashboard = _page(client.get("/"))
    overdue = dashboard[dashboard.index('id="advocacy-overdue"'):]
    assert "Minsk journalists" in overdue[:overdue.index("</ul>")] and "Commissioner" not in overdue[:overdue.index("</ul>")]
    assert draft


def test_links_to_cases_and_missions_go_through_the_core_registry(app, client, make_user):
    officer = make_user("coordinator")
    login(client, officer)
    case_id = add_case(app, officer, title="Arrest of the Izmir lawyers")
    mission_id = add_mission(app, officer, title="Trial observation in Izmir")
    action_id = add_action(app, officer)
    page = _page(client.get(f"/links/advocacy_action/{action_id}/find?record_type=case&words=izmir"))
    assert "Arrest of the Izmir lawyers" in page[page.index('id="found-records"'):]
    for kind, record_id in (("case", case_id), ("mission", mission_id)):
        assert post_form(client, f"/links/advocacy_action/{action_id}",
                         {"record_type": kind, "record_id": record_id}).status_code == 302
    assert post_form(client, f"/links/advocacy_action/{action_id}",
                     {"record_type": "case", "record_id": 999999}).status_code == 400
    page = _page(client.get(f"/advocacy/{action_id}"))
    linked = page[page.index('id="linked-records"'):]
    assert "Arrest of the Izmir lawyers" in linked and "Trial observation in Izmir" in linked
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ActionRecordLink)) == 2


def test_outputs_about_an_action_keep_out_the_personal_details_of_whom_it_concerns(app, client, make_user):
    """Its own defenders, and those of the case linked to it (found through the interventions plugin): their
    address and family stay out of anything leaving about the action, though it names them by publishable names."""
    from core.disclosure import Guard

    officer = make_user("coordinator")
    login(client, officer)
    aylin = add_defender(app, "Aylin Kaya", publication_name="A. K.", address="Atatürk Caddesi 12, Ankara")
    deniz = add_defender(app, "Deniz Arslan", publication_name="D. A.", family="Leyla Arslan (mother)")
    case_id = add_case(app, officer, defenders=(deniz,))
    action_id = add_action(app, officer, defenders=(aylin,))
    assert post_form(client, f"/links/advocacy_action/{action_id}",
                     {"record_type": "case", "record_id": case_id}).status_code == 302
    text = "A. K. lives at Atatürk Caddesi 12; D. A. was taken from his mother Leyla Arslan's home."
    with app.test_request_context():
        assert Guard(None, external=True, records=[("advocacy_action", action_id)]).release(text) == \
            "A. K. lives at […]; D. A. was taken from his mother […]'s home."


def test_restricted_actions_stay_with_their_staff(app, make_user):
    author, other, admin = make_user("case_officer"), make_user("case_officer", email="o@example.org"), \
        make_user("admin", email="a@example.org")
    defender = add_defender(app, "Hidden Defender", country="BLR")
    secret = add_action(app, author, title="Confidential communication on Minsk", country="BLR",
                        confidentiality="restricted", defenders=(defender,), details=COMMUNICATION_DETAILS)
    others = login_client(app, other)
    assert others.get(f"/advocacy/{secret}").status_code == 404
    for path in ("/advocacy/", "/advocacy/?q=minsk", "/advocacy/countries/", "/advocacy/countries/BLR",
                 f"/advocacy/mechanisms/{mechanism_id_in(app, 'un_sr_hrd')}", "/search?q=minsk",
                 f"/defenders/{defender}"):
        assert "Confidential communication on Minsk" not in _page(others.get(path)), path
    for user in (author, admin):
        viewer = login_client(app, user)
        page = _page(viewer.get(f"/advocacy/{secret}"))
        assert "Confidential communication on Minsk" in page and "Confidential partner in Izmir" in page
        assert "Confidential communication on Minsk" in _page(viewer.get("/advocacy/countries/BLR"))
        assert "Sent to" in _page(viewer.get(f"/defenders/{defender}")) or \
            "Drafted for" in _page(viewer.get(f"/defenders/{defender}"))
    with app.app_context():
        views = db.session.scalars(select(AuditEntry.user_id).where(
            AuditEntry.record_type == "advocacy_action", AuditEntry.action == "view")).all()
        assert {author.id, admin.id} <= set(views)


def test_the_confidential_source_is_shown_only_to_those_who_edit(app, make_user):
    author, reader = make_user("case_officer"), make_user("readonly", email="r@example.org")
    action_id = add_action(app, author, details=COMMUNICATION_DETAILS)
    page = _page(login_client(app, reader).get(f"/advocacy/{action_id}"))
    assert "Confidential partner in Izmir" not in page and "Kept confidential." in page
    assert "Police of Izmir" in page


def test_readers_cannot_change_anything(app, make_user):
    author, reader = make_user("case_officer"), make_user("readonly", email="r@example.org")
    action_id = add_action(app, author)
    client = login_client(app, reader)
    assert client.get("/advocacy/").status_code == 200
    assert client.get("/advocacy/new").status_code == 403
    assert post_form(client, f"/advocacy/{action_id}/send", {"sent_on": "2026-11-01"}).status_code == 403
    assert post_form(client, f"/advocacy/{action_id}/answers", {"kind": "state_reply",
                                                                "received_on": "2026-11-01"}).status_code == 403


def test_consent_refused_keeps_a_communication_from_being_sent(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    defender = add_defender(app, "Refusing Defender")
    action_id = add_action(app, officer, defenders=(defender,), consent="refused", details=COMMUNICATION_DETAILS)
    response = post_form(client, f"/advocacy/{action_id}/send", {"sent_on": "2026-11-01"})
    assert response.status_code == 422 and "Consent of the people concerned" in _page(response)
    with app.app_context():
        assert db.session.scalar(select(ActionDefender.consent)) == "refused"
    assert post_form(client, f"/advocacy/{action_id}/consent", {"defender_id": defender, "consent": "given"}
                     ).status_code == 302
    assert post_form(client, f"/advocacy/{action_id}/send", {"sent_on": "2026-11-01"}).status_code == 302


def login_client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def test_a_draft_can_be_deleted_but_what_was_sent_stays(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    draft = add_action(app, officer, title="Draft to drop")
    sent = add_action(app, officer, title="Sent appeal", sent_on=date(2026, 11, 1))
    assert post_form(client, f"/attachments/advocacy_action/{draft}", {
        "file": (io.BytesIO(PDF), "draft.pdf")}, content_type="multipart/form-data").status_code == 302
    assert "Delete this draft" not in _page(client.get(f"/advocacy/{sent}"))
    refused = post_form(client, f"/advocacy/{sent}/delete", follow_redirects=True)
    assert "An action that was sent stays on record" in _page(refused)
    assert post_form(client, f"/advocacy/{draft}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(AdvocacyAction, draft) is None and db.session.get(AdvocacyAction, sent) is not None
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
        deleted = db.session.scalar(select(AuditEntry).where(AuditEntry.record_type == "advocacy_action",
                                                             AuditEntry.action == "delete"))
        assert deleted.record_id == draft and deleted.record_label == "Draft to drop"
    assert "Draft to drop" not in _page(client.get("/advocacy/?q=draft"))


def test_odd_country_codes_are_not_found_rather_than_failing(app, client, make_user):
    login(client, make_user("readonly"))
    for code in ("%00", "T%00R", "turk", "12A"):
        assert client.get(f"/advocacy/countries/{code}").status_code == 404, code
    assert client.get("/advocacy/?country=%00TUR").status_code == 200
    assert client.get("/advocacy/countries/tur").status_code == 200
