"""Planning missions: the form and its bad input, the overview, linking defenders, partners, cases and
delegates, the list with its filters, and who sees what."""
from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.extensions import db
from plugins.missions.models import Delegate, Mission, MissionDefender, MissionPartner, MissionRecordLink

from ...conftest import login, post_form
from ...records_helpers import add_defender, add_partner
from ..interventions.helpers import add_case
from .helpers import add_mission, type_id

VALID = {"title": "Trial of the Izmir lawyers", "countries": ["TUR"], "start_date": "2026-12-07",
         "end_date": "2026-12-09", "terms_of_reference": "Observe the hearing of 8 December.",
         "objectives": "Assess the fairness of the trial.", "court": "Izmir 2nd High Criminal Court",
         "court_case_number": "2026/117", "charges": "Membership of a terrorist organisation",
         "reporting_currency": "EUR", "confidentiality": "internal"}


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Mission))


def test_officer_plans_a_mission_and_is_assigned(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    with app.app_context():
        trial = type_id()
    response = post_form(client, "/missions/new", {**VALID, "type": trial})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    page = html.unescape(client.get(response.location).get_data(as_text=True))
    assert "Trial of the Izmir lawyers" in page and "Türkiye" in page and "Proposed" in page
    assert "Izmir 2nd High Criminal Court (2026/117)" in page and officer.name in page
    assert "Trial observation" in page  # its tab
    with app.app_context():
        mission = db.session.scalar(select(Mission))
        assert mission.status == "proposed" and mission.type.key == "trial_observation"
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.record_type == "mission")) == "create"


def test_bad_input_is_explained_in_the_users_language_and_nothing_is_saved(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    bad = {**VALID, "title": "", "type": "999999", "countries": ["XXX"], "start_date": "2026-12-09",
           "end_date": "2026-12-01", "reporting_currency": "ZZZ"}
    response = post_form(client, "/missions/new", bad)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "This field is required." in page and "The last day cannot come before the first day." in page
    assert "Not a valid choice" in page and "nothing was saved" in page
    assert _count(app) == 0
    officer_fr = make_user("case_officer", email="fr@example.org")
    with app.app_context():
        db.session.get(type(officer_fr), officer_fr.id).locale = "fr"
        db.session.commit()
    client_fr = app.test_client()
    login(client_fr, officer_fr)
    page = html.unescape(post_form(client_fr, "/missions/new", bad).get_data(as_text=True))
    assert "Le dernier jour ne peut pas précéder le premier." in page and "rien n’a été enregistré" in page
    assert _count(app) == 0


def test_editing_keeps_the_form_values_and_changes_the_mission(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer, countries=("TUR", "GRC"))
    login(client, officer)
    page = client.get(f"/missions/{mission_id}/edit").get_data(as_text=True)
    assert 'value="GRC" selected' in page.replace('selected value="GRC"', 'value="GRC" selected') or \
        '<option selected value="GRC">' in page
    with app.app_context():
        trial = type_id()
    response = post_form(client, f"/missions/{mission_id}/edit", {**VALID, "type": trial,
                                                                  "countries": ["GRC", "CYP"], "title": "Renamed"})
    assert response.status_code == 302
    with app.app_context():
        mission = db.session.get(Mission, mission_id)
        assert mission.title == "Renamed" and [c.alpha3 for c in mission.countries] == ["CYP", "GRC"]


def test_defenders_partners_and_delegates_are_linked_from_the_overview(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    defender_id = add_defender(app, "Ayşe Yılmaz", country="TUR")
    partner_id = add_partner(app, "Izmir Bar Association", country="TUR")
    login(client, officer)
    page = html.unescape(client.get(f"/missions/{mission_id}?find=ayse").get_data(as_text=True))
    assert "Ayşe Yılmaz" in page and 'id="found-defenders"' in page
    assert post_form(client, f"/links/mission/{mission_id}/defenders",
                     {"defender_id": defender_id, "on_trial": "y"}).status_code == 302
    page = html.unescape(client.get(f"/missions/{mission_id}?find_partner=izmir+bar").get_data(as_text=True))
    assert 'id="found-partners"' in page and "Izmir Bar Association" in page
    response = post_form(client, f"/links/mission/{mission_id}/partners", {"partner_id": partner_id, "role": "x" * 201})
    assert response.status_code == 302 and response.location.endswith(f"/missions/{mission_id}#partners")
    assert "Their role: Field cannot be longer than 200 characters." in client.get(response.location).get_data(
        as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MissionPartner)) == 0  # nothing saved
    assert post_form(client, f"/links/mission/{mission_id}/partners",
                     {"partner_id": partner_id, "role": " Host "}).status_code == 302
    assert post_form(client, f"/missions/{mission_id}/delegates",
                     {"user": officer.id, "kind": "staff", "role": "Head of delegation"}).status_code == 302
    assert post_form(client, f"/missions/{mission_id}/delegates",
                     {"user": "0", "name": "Maître Dupont", "kind": "lawyer", "organisation": "Paris Bar",
                      "languages": "fr, tr", "contact": "+33 1 00 00 00 00"}).status_code == 302
    page = html.unescape(client.get(f"/missions/{mission_id}").get_data(as_text=True))
    assert "Ayşe Yılmaz" in page and "On trial" in page and "Izmir Bar Association" in page and "Host" in page
    assert "Maître Dupont" in page and "Paris Bar" in page and "+33 1 00 00 00 00" in page
    with app.app_context():
        assert db.session.scalar(select(MissionDefender.on_trial)) is True
        assert db.session.scalar(select(MissionPartner.role)) == "Host"
        assert db.session.scalar(select(func.count()).select_from(Delegate)) == 2


def test_a_delegate_needs_a_staff_member_or_a_name(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    login(client, officer)
    response = post_form(client, f"/missions/{mission_id}/delegates", {"user": "0", "name": "  ", "kind": "lawyer"})
    assert response.status_code == 422
    assert "Choose a staff member or give the delegate&#39;s name." in response.get_data(as_text=True)
    response = post_form(client, f"/missions/{mission_id}/delegates", {"user": officer.id, "name": "X", "kind": "staff"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Delegate)) == 0


def test_the_read_only_role_sees_no_contact_of_external_delegates(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    login(client, officer)
    post_form(client, f"/missions/{mission_id}/delegates", {"user": "0", "name": "Maître Dupont", "kind": "lawyer",
                                                            "contact": "+33 1 00 00 00 00"})
    reader = app.test_client()
    login(reader, make_user("readonly"))
    page = html.unescape(reader.get(f"/missions/{mission_id}").get_data(as_text=True))
    assert "Maître Dupont" in page and "+33 1 00 00 00 00" not in page


def test_hook_observatory_record_choices(app, client, make_user):
    """A mission links intervention cases through the core registry: found by words, shown by id, only
    those the user may see; a kind no plugin declares offers nothing."""
    from core.records.registry import choices

    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    case_id = add_case(app, officer, title="Arrest of the Izmir lawyers")
    hidden = add_case(app, make_user("coordinator"), title="Arrest of a hidden lawyer", confidentiality="restricted")
    login(client, officer)
    page = html.unescape(client.get(f"/links/mission/{mission_id}/find?record_type=case&words=izmir").get_data(as_text=True))
    assert "Arrest of the Izmir lawyers" in page
    assert "Arrest of a hidden lawyer" not in html.unescape(client.get(
        f"/links/mission/{mission_id}/find?record_type=case&words=lawyer").get_data(as_text=True))
    assert post_form(client, f"/links/mission/{mission_id}", {"record_type": "case", "record_id": hidden}).status_code == 400
    assert post_form(client, f"/links/mission/{mission_id}", {"record_type": "case", "record_id": case_id}).status_code == 302
    page = client.get(f"/missions/{mission_id}").get_data(as_text=True)
    assert f'href="/interventions/{case_id}"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MissionRecordLink)) == 1
    with app.test_request_context():
        from core.database.models import User

        user = db.session.get(User, officer.id)
        assert [c.id for c in choices("case", user, ids=[case_id, hidden])] == [case_id]
        assert choices("nothing", user, query="izmir") == [] and choices("case", user) == []
        assert [c.label for c in choices("mission", user, query="izmir")] == ["Trial observation in Izmir"]


def test_restricted_missions_are_seen_only_by_assigned_staff_and_admins(app, make_user):
    coordinator = make_user("coordinator")
    assigned = make_user("case_officer", email="assigned@example.org")
    mission_id = add_mission(app, coordinator, title="Secret solidarity visit", kind="solidarity",
                             confidentiality="restricted", assignees=(assigned.id,))
    outsider = app.test_client()
    login(outsider, make_user("case_officer", email="other@example.org"))
    assert outsider.get(f"/missions/{mission_id}").status_code == 404
    assert "Secret solidarity visit" not in outsider.get("/missions/").get_data(as_text=True)
    assert "Secret solidarity visit" not in outsider.get("/search?q=secret").get_data(as_text=True)
    insider = app.test_client()
    login(insider, assigned)
    assert insider.get(f"/missions/{mission_id}").status_code == 200
    assert "Secret solidarity visit" in insider.get("/missions/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "view", AuditEntry.record_type == "mission")) == 1


def test_the_list_filters_by_type_status_country_region_year_and_words(app, client, make_user):
    from datetime import date

    officer = make_user("case_officer")
    add_mission(app, officer, title="Trial in Izmir", start=date(2026, 3, 1))
    add_mission(app, officer, title="Fact-finding in Guatemala", kind="fact_finding", countries=("GTM",),
                start=date(2025, 5, 1), status="in_field")
    login(client, officer)

    def titles(query: str) -> set[str]:
        page = client.get(f"/missions/?{query}").get_data(as_text=True)
        return {t for t in ("Trial in Izmir", "Fact-finding in Guatemala") if t in page}

    assert titles("") == {"Trial in Izmir", "Fact-finding in Guatemala"}
    assert titles("type=fact_finding") == {"Fact-finding in Guatemala"}
    assert titles("status=in_field") == {"Fact-finding in Guatemala"}
    assert titles("country=TUR") == {"Trial in Izmir"}
    assert titles("region=americas") == {"Fact-finding in Guatemala"}
    assert titles("year=2026") == {"Trial in Izmir"}
    assert titles("q=guatem") == {"Fact-finding in Guatemala"}
    assert titles("q=nothing+here") == set()


def test_admins_add_mission_types_offered_by_the_form(app, client, make_user):
    login(client, make_user("admin"))
    assert post_form(client, "/admin/vocabularies/mission_types", {
        "key": "advocacy_visit", "label_en": "Advocacy visit", "label_fr": "Visite de plaidoyer",
        "label_es": "Visita de incidencia", "position": "100", "active": "y"}).status_code == 302
    assert "Advocacy visit" in client.get("/missions/new").get_data(as_text=True)
    with app.app_context():
        assert type_id("advocacy_visit") is not None


def test_the_final_report_pdf_is_attached_to_the_mission(app, client, make_user):
    import io

    from core.attachments.models import Attachment

    from ...conftest import csrf_token

    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    login(client, officer)
    token = csrf_token(client, f"/missions/{mission_id}/report")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(f"/attachments/mission/{mission_id}", data={
        "csrf_token": token, "description": "Final report", "file": (io.BytesIO(pdf), "report.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(f"/missions/{mission_id}/report").get_data(as_text=True)
    assert "report.pdf" in page and "Final report" in page
    with app.app_context():
        attachment = db.session.scalar(select(Attachment))
        assert (attachment.record_type, attachment.record_id) == ("mission", mission_id)
    reader = app.test_client()
    login(reader, make_user("readonly"))
    assert reader.get(f"/attachments/{attachment.id}").status_code == 200
    outsider = app.test_client()
    login(outsider, make_user("committee"))
    assert outsider.get(f"/attachments/{attachment.id}").status_code in (403, 404)


def test_bad_security_input_is_refused_and_nothing_saved(app, client, make_user):
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer)
    login(client, officer)
    response = post_form(client, f"/missions/{mission_id}/security", {
        "risk_level": "apocalyptic", "security_measures": "x" * 50001, "emergency_contacts": "+90"})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Not a valid choice" in page and "Field cannot be longer than 50000 characters." in page
    with app.app_context():
        assert db.session.get(Mission, mission_id).emergency_contacts == ""


def test_restricted_defenders_and_partners_linked_to_a_mission_stay_unnamed(app, make_user):
    """A mission others may see does not reveal the restricted defender or partner linked to it."""
    coordinator = make_user("coordinator")
    assigned = make_user("case_officer", email="assigned@example.org")
    hidden = add_defender(app, "Zeynep Gizli", country="TUR", confidentiality="restricted", assignees=(assigned.id,))
    shown = add_defender(app, "Aylin Kaya", country="TUR")
    secret_partner = add_partner(app, "Underground Lawyers Network", country="TUR", confidentiality="restricted",
                                 assignees=(assigned.id,))
    mission_id = add_mission(app, coordinator, assignees=(assigned.id,))
    with app.app_context():
        from plugins.missions.models import MissionPartner

        db.session.add_all([MissionDefender(mission_id=mission_id, defender_id=hidden, on_trial=True),
                            MissionDefender(mission_id=mission_id, defender_id=shown, on_trial=True),
                            MissionPartner(mission_id=mission_id, partner_id=secret_partner)])
        db.session.commit()
    outsider = app.test_client()
    login(outsider, make_user("case_officer", email="other@example.org"))
    for path in (f"/missions/{mission_id}", f"/missions/{mission_id}/trial"):
        page = html.unescape(outsider.get(path).get_data(as_text=True))
        assert "Aylin Kaya" in page and "Zeynep" not in page and "Underground" not in page, path
    insider = app.test_client()
    login(insider, assigned)
    page = html.unescape(insider.get(f"/missions/{mission_id}").get_data(as_text=True))
    assert "Zeynep Gizli" in page and "Underground Lawyers Network" in page
    post_form(insider, f"/missions/{mission_id}/report", {"title_en": "Report", "summary_en": "Unfair."})
    document = insider.get(f"/missions/{mission_id}/report/download?language=en&format=html").get_data(as_text=True)
    assert "Zeynep" not in document  # never in a public output, even for those who may see the defender


def _currency_options(page: str) -> list[tuple[str, str]]:
    import re

    menu = re.search(r'<select[^>]*name="reporting_currency"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [(code, html.unescape(label)) for code, label in re.findall(r'<option[^>]*value="([A-Z]{3})"[^>]*>([^<]*)<', menu)]


def test_the_currency_menu_offers_current_currencies_usual_ones_first_named_in_the_users_language(
        make_app, make_user):
    """No Andorran peseta nor Austrian schilling; the organisation's usual currencies first; the others by name
    as a French or Spanish dictionary sorts them; the setting changes which come first; a withdrawn currency is
    refused on the form, not stored."""
    from core.languages.money import name_key

    app = make_app()
    login(client := app.test_client(), make_user("case_officer", locale="fr"))
    options = _currency_options(client.get("/missions/new").get_data(as_text=True))
    codes = [code for code, _label in options]
    assert codes[:4] == ["EUR", "USD", "CHF", "GBP"] and len(codes) == len(set(codes))
    assert "ATS" not in codes and "ADP" not in codes and "FRF" not in codes and "USN" not in codes
    assert {"XOF", "COP", "TND", "JPY"} <= set(codes) and 140 <= len(codes) <= 170
    assert ("EUR", "EUR — euro") in options and ("USD", "USD — dollar des États-Unis") in options
    names = [label.split(" — ", 1)[1] for _code, label in options[4:]]
    assert names == sorted(names, key=name_key) and names != sorted(names)  # "émirien" among the e, not after z
    spanish = app.test_client()
    login(spanish, make_user("case_officer", email="es@example.org", locale="es"))
    assert ("USD", "USD — dólar estadounidense") in _currency_options(spanish.get("/missions/new").get_data(as_text=True))
    response = post_form(client, "/missions/new", {**VALID, "type": "1", "reporting_currency": "ATS"})
    assert response.status_code == 422 and _count(app) == 0
    other = make_app(USUAL_CURRENCIES="xof, COP")
    login(client := other.test_client(), make_user("case_officer", email="bogota@example.org"))
    codes = [code for code, _label in _currency_options(client.get("/missions/new").get_data(as_text=True))]
    assert codes[:2] == ["XOF", "COP"] and codes[2] != "EUR" and "EUR" in codes
    import pytest

    from core.config import ConfigError

    with pytest.raises(ConfigError, match="OBSERVATORY_USUAL_CURRENCIES"):
        make_app(USUAL_CURRENCIES="EUR,EURO")


def test_a_mission_in_a_currency_withdrawn_since_keeps_it_on_its_budget_form(app, make_user):
    """A mission written in French francs offers them on its budget page (its default), not a silent euro."""
    officer = make_user("case_officer")
    mission_id = add_mission(app, officer, reporting_currency="FRF")
    login(client := app.test_client(), officer)
    page = client.get(f"/missions/{mission_id}/budget").get_data(as_text=True)
    menu = re.search(r'<select[^>]*name="currency"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.search(r'<option[^>]*selected[^>]*value="FRF"|<option[^>]*value="FRF"[^>]*selected', menu)
