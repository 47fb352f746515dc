"""Trial observation (hearings, the fair-trial checklist and its summary) and the report in three languages
with its documents and recommendations."""
from __future__ import annotations

import html
import io
from datetime import date

from docx import Document as Docx
from sqlalchemy import func, select

from core.extensions import db
from core.records.models import Term
from plugins.missions import services
from plugins.missions.models import ChecklistAnswer, Hearing, Mission, Recommendation

from ...conftest import login, post_form
from ...records_helpers import add_defender
from ...support.canaries import texts_of
from .helpers import add_mission


def _guarantees(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(select(Term.key, Term.id).where(Term.vocabulary == "fair_trial")).all())


def _hearing(client, mission_id, held_on, answers: dict[int, str], notes: dict[int, str] | None = None, **fields):
    data = {"held_on": held_on, "observer": "0", "outcome": "adjourned", **fields}
    data.update({f"answer-{term_id}": answer for term_id, answer in answers.items()})
    data.update({f"notes-{term_id}": note for term_id, note in (notes or {}).items()})
    return post_form(client, f"/missions/{mission_id}/hearings/new", data)


def test_the_checklist_lists_the_international_guarantees(app):
    keys = set(_guarantees(app))
    assert {"public_hearing", "independent_tribunal", "lawyer_of_choice", "time_to_prepare",
            "presumption_of_innocence", "equality_of_arms", "interpretation", "reasoned_judgment",
            "no_torture_evidence", "reasonable_time"} <= keys


def test_hearings_with_their_checklists_are_summarised_across_the_trial(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    terms = _guarantees(app)
    login(client, officer)
    response = _hearing(client, mission_id, "2026-12-08", {
        terms["public_hearing"]: "not_respected", terms["lawyer_of_choice"]: "respected",
        terms["no_torture_evidence"]: "not_respected"},
        {terms["public_hearing"]: "Observers kept outside"}, outcome_details="Adjourned to 12 January")
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[-2000:]
    _hearing(client, mission_id, "2027-01-12", {terms["public_hearing"]: "not_respected"},
             outcome="verdict", outcome_details="Convicted")
    page = html.unescape(client.get(f"/missions/{mission_id}/trial").get_data(as_text=True))
    summary = page[page.index('id="breaches"'):]
    assert summary.index("Public hearing") < summary.index("No reliance on evidence obtained under torture")
    assert "at 2 of 2 hearings" in summary and "at 1 of 2 hearings" in summary and "Observers kept outside" in summary
    assert "Access to a lawyer" not in summary.split("</section>")[0]  # respected: not a breach
    assert "Adjourned to 12 January" in page and "Convicted" in page
    with app.app_context():
        mission = db.session.get(Mission, mission_id)
        breaches = services.breaches(mission)
        assert [(b.guarantee.key, len(b.hearings)) for b in breaches] == [("public_hearing", 2),
                                                                          ("no_torture_evidence", 1)]
        # every guarantee is answered; those left alone count as not observed
        assert db.session.scalar(select(func.count()).select_from(ChecklistAnswer)) == 2 * len(terms)


def test_editing_a_hearing_changes_its_answers(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    terms = _guarantees(app)
    login(client, officer)
    _hearing(client, mission_id, "2026-12-08", {terms["public_hearing"]: "not_respected"})
    with app.app_context():
        hearing_id = db.session.scalar(select(Hearing.id))
    page = client.get(f"/missions/{mission_id}/hearings/{hearing_id}").get_data(as_text=True)
    assert f'name="answer-{terms["public_hearing"]}" value="not_respected" aria-label' in page
    assert post_form(client, f"/missions/{mission_id}/hearings/{hearing_id}", {
        "held_on": "2026-12-08", "observer": "0", "outcome": "sentence",
        f"answer-{terms['public_hearing']}": "respected"}).status_code == 302
    with app.app_context():
        assert services.breaches(db.session.get(Mission, mission_id)) == []
        assert db.session.get(Hearing, hearing_id).outcome == "sentence"


def test_bad_hearing_input_is_explained_and_nothing_is_saved(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    terms = _guarantees(app)
    login(client, officer)
    response = _hearing(client, mission_id, "", {terms["public_hearing"]: "maybe"}, outcome="acquitted")
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Give the date of the hearing." in page and "Choose an answer for every guarantee." in page
    assert "Not a valid choice" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Hearing)) == 0
    fact_finding = add_mission(app, officer, kind="fact_finding")
    assert client.get(f"/missions/{fact_finding}/hearings/new").status_code == 404


def test_the_report_in_three_languages_and_its_documents(app, client, make_user):
    officer = make_user("case_officer")
    defender_id = add_defender(app, "Ayşe Yılmaz", country="TUR")
    hidden_id = add_defender(app, "Mehmet Gizli", country="TUR")
    with app.app_context():
        from core.records.models import Defender

        db.session.get(Defender, defender_id).consent_to_publish = True
        hidden = db.session.get(Defender, hidden_id)
        hidden.consent_to_publish, hidden.publication_name = False, "M. G."
        db.session.commit()
    mission_id = add_mission(app, officer, court="Izmir High Criminal Court",
                             security_measures="Safe house in Konak")
    login(client, officer)
    for defender in (defender_id, hidden_id):
        post_form(client, f"/links/mission/{mission_id}/defenders", {"defender_id": defender, "on_trial": "y"})
    terms = _guarantees(app)
    _hearing(client, mission_id, "2026-12-08", {terms["public_hearing"]: "not_respected"})
    response = post_form(client, f"/missions/{mission_id}/report", {
        "title_en": "A trial without guarantees", "summary_en": "The trial was unfair.",
        "findings_en": "The hearing was closed.\n\nObservers were kept outside.",
        "title_fr": "Un procès sans garanties", "summary_fr": "Le procès fut inéquitable, à Izmir.",
        "findings_fr": "L'audience s'est tenue à huis clos.", "published_on": "2027-02-01"})
    assert response.status_code == 302
    page = html.unescape(client.get(f"/missions/{mission_id}/report").get_data(as_text=True))
    assert "English" in page and "French" in page and "Spanish missing" in page
    pdf = client.get(f"/missions/{mission_id}/report/download?language=fr&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF") and "attachment" in pdf.headers["Content-Disposition"]
    docx = client.get(f"/missions/{mission_id}/report/download?language=fr&format=docx")
    text = "\n".join(p.text for p in Docx(io.BytesIO(docx.data)).paragraphs)
    tables = " ".join(c.text for t in Docx(io.BytesIO(docx.data)).tables for r in t.rows for c in r.cells)
    assert "Un procès sans garanties" in text and "Le procès fut inéquitable, à Izmir." in text
    assert "Audience publique" in text  # the guarantee not respected, in the report's language
    assert "Ayşe Yılmaz" in text and "M. G." in text and "Mehmet" not in text + tables
    assert "Safe house" not in text + tables
    findings = client.get(f"/missions/{mission_id}/report/download?language=en&format=html&part=findings")
    body = findings.get_data(as_text=True)
    assert "Findings: A trial without guarantees" in body and "Observers were kept outside." in body
    assert "The trial was unfair." not in body
    assert client.get(f"/missions/{mission_id}/report/download?language=es&format=pdf").status_code == 404
    assert client.get(f"/missions/{mission_id}/report/download?language=en&format=exe").status_code == 404


def test_a_summary_without_its_title_is_refused(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    login(client, officer)
    response = post_form(client, f"/missions/{mission_id}/report", {"summary_es": "Sin título"})
    assert response.status_code == 422
    assert "Give the title in this language too." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Mission, mission_id).reports == []


def test_recommendations_are_followed_over_time(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    login(client, officer)
    assert post_form(client, f"/missions/{mission_id}/recommendations", {
        "text": "Release the lawyers.", "addressee_kind": "state", "addressee": "Ministry of Justice"}).status_code == 302
    with app.app_context():
        recommendation_id = db.session.scalar(select(Recommendation.id))
    path = f"/missions/{mission_id}/recommendations/{recommendation_id}"
    assert post_form(client, path, {"status": "fully", "noted_on": "2027-06-01", "note": "All released"}).status_code == 302
    assert post_form(client, path, {"status": "partly", "noted_on": "2027-03-01", "note": "One released"}).status_code == 302
    with app.app_context():
        recommendation = db.session.get(Recommendation, recommendation_id)
        assert recommendation.status == "fully"  # the latest dated note decides
        assert [u.noted_on for u in recommendation.updates] == [date(2027, 3, 1), date(2027, 6, 1)]
    page = html.unescape(client.get(f"/missions/{mission_id}/report").get_data(as_text=True))
    assert "Fully implemented" in page and "One released" in page and "Ministry of Justice" in page
    response = post_form(client, path, {"status": "somewhat", "noted_on": ""})
    assert response.status_code == 422 and "Give the date." in response.get_data(as_text=True)
    response = post_form(client, f"/missions/{mission_id}/recommendations", {"text": " ", "addressee_kind": "state"})
    assert response.status_code == 422


def test_a_report_that_may_name_a_protected_person_waits_for_a_decision_before_it_downloads(app, client, make_user):
    """The disclosure guard refuses the download while "Blanco" (a protected defender's surname, and a common
    word) is undecided and sends the person to the report's preflight, which asks; the decision needs a reason,
    then the file comes and the decision is in the audit trail."""
    from core.audit.models import AuditEntry

    officer = make_user("case_officer")
    add_defender(app, "Rosa Blanco", publication_name="R. B.", phone="+57 310 555 0199")
    mission_id = add_mission(app, officer)
    login(client, officer)
    post_form(client, f"/missions/{mission_id}/report", {
        "title_en": "A hearing in the Blanco building", "summary_en": "Observers met at the Blanco building.",
        "findings_en": "Rosa Blanco (310 555 0199) was not heard.", "published_on": "2027-02-01"})
    url = f"/missions/{mission_id}/report/download?language=en&format=html"
    check = f"/missions/{mission_id}/report/check?language=en"
    refused = client.get(url)
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422 and "Nothing was built" in page and "attachment" not in str(refused.headers)
    assert f'href="{check}"' in page.replace("&amp;", "&")
    page = html.unescape(client.get(check).get_data(as_text=True))
    waiting = page[page.index('id="preflight-waiting"'):]
    assert "<mark>Blanco</mark>" in waiting and "it is also a common word" in waiting
    keys = [part.split('"')[0] for part in waiting.split('data-key="')[1:]]  # each place is decided
    assert len(keys) == 2
    decided = {f"disclose-{key}": "other" for key in keys}
    no_reason = post_form(client, check, decided, token_from=check)
    assert no_reason.status_code == 422 and "Say why you decided as you did" in no_reason.get_data(as_text=True)
    assert post_form(client, check, {**decided, "disclose_reason": "The building is named after a poet"},
                     token_from=check).status_code == 302
    done = client.get(url)
    body = html.unescape(done.get_data(as_text=True))
    assert done.status_code == 200 and "attachment" in done.headers["Content-Disposition"]
    assert "the Blanco building" in body and "R. B. ([…]) was not heard." in body and "Rosa" not in body
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "disclose"))
        assert entry.changes["decision"] == "another person" and entry.changes["found"] == "Blanco"
        assert entry.changes["why"] == "The building is named after a poet" and entry.user_id == officer.id


def test_a_report_keeps_out_the_personal_details_of_the_defenders_observed(app, client, make_user):
    """The findings name her only by her publishable name; her address and her husband are hers all the same:
    the mission concerns her, so they do not leave."""
    officer = make_user("case_officer")
    defender_id = add_defender(app, "Aylin Kaya", publication_name="A. K.", address="Atatürk Caddesi 12, Ankara",
                               family="Mehmet Yilmaz (husband)")
    mission_id = add_mission(app, officer)
    login(client, officer)
    post_form(client, f"/links/mission/{mission_id}/defenders", {"defender_id": defender_id, "on_trial": "y"})
    assert post_form(client, f"/missions/{mission_id}/report", {
        "title_en": "A trial without guarantees", "summary_en": "The trial of A. K. was unfair.",
        "findings_en": "Her home at Atatürk Caddesi 12 was raided at dawn, and her husband Mehmet Yilmaz was "
                       "questioned for six hours.", "published_on": "2027-02-01"}).status_code == 302
    for fmt in ("pdf", "docx", "html"):
        response = client.get(f"/missions/{mission_id}/report/download?language=en&format={fmt}")
        assert response.status_code == 200, fmt
        text = " ".join(" ".join(texts_of(response.data)).split())
        assert "The trial of A. K. was unfair." in text and "was raided at dawn" in text, fmt
        assert "Atatürk Caddesi" not in text and "Yilmaz" not in text and "Mehmet" not in text, fmt
