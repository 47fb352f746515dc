"""A case's life in a real browser, in French (issue 24): a report verified with two partners, a development
recorded, an appeal drafted from the French template by a case officer, seen by the coordinator in *Waiting for
me*, approved and published, a follow-up drafted from the development that came after, an outcome recorded; the
defender's file then tells each step, in the order it happened."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from core.database.models import User
from core.extensions import db
from core.records.models import Country
from plugins.interventions.models import Authority

from ..conftest import PASSWORD
from ..records_helpers import add_defender, add_partner

pytestmark = pytest.mark.browser


def _log_in(page, live_server, user) -> None:
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")


def _setup(app, make_user):
    officer = make_user("case_officer", name="Omar Officier")
    coordinator = make_user("coordinator", name="Carmen Coordinatrice")
    defender_id = add_defender(app, "Aylin Kaya", country="TUR", publication_name="A. K.")
    for name in ("İnsan Hakları Derneği", "Özgür Avukatlar Derneği"):
        add_partner(app, name, country="TUR")
    with app.app_context():
        for user in (officer, coordinator):
            db.session.get(User, user.id).locale = "fr"
        turkey = db.session.scalar(select(Country).where(Country.alpha3 == "TUR"))
        db.session.add(Authority(country=turkey, office_fr="Ministre de la Justice",
                                 salutation_fr="Monsieur le Ministre,", address_fr="06659 Ankara"))
        db.session.commit()
    return officer, coordinator, defender_id


def _add_development(page, when: date, act: str, what: str) -> None:
    page.click("a:has-text('Ajouter un fait nouveau')")
    page.fill("input[name=occurred_on]", when.isoformat())
    page.select_option("select[name=act]", act)
    page.fill("textarea[name=what]", what)
    page.click("input[type=submit][value='Enregistrer le fait nouveau']")


def test_a_case_from_report_to_outcome_told_in_order_on_the_defenders_file(page, live_server, app, make_user):
    officer, coordinator, defender_id = _setup(app, make_user)
    today = date.today()
    _log_in(page, live_server, officer)
    page.click("nav >> text=Interventions")
    page.click("text=Enregistrer un signalement")
    page.fill("input[name=title]", "Arrestation d'une avocate à Izmir")
    page.select_option("select[name=country]", "TUR")
    page.fill("textarea[name=description]", "Elle a été arrêtée à l'aube.")
    page.check("text=Arrestation et détention arbitraires")
    page.click("input[type=submit][value=Enregistrer]")
    page.wait_for_selector("text=Le cas a été enregistré.")
    case_url = page.url
    page.fill("#find", "kaya")
    page.click("button:has-text('Chercher')")
    page.click("#found-defenders button:has-text('Lier')")

    for partner in ("İnsan Hakları Derneği", "Özgür Avukatlar Derneği"):  # verified with two partners
        page.click("text=Enregistrer une consultation")
        page.select_option("select[name=partner]", label=partner)
        page.fill("input[name=consulted_on]", today.isoformat())
        page.click("input[type=submit][value='Enregistrer la consultation']")
    page.click("#verification a:has-text('Enregistrer la décision')")
    page.fill("input[name=decided_on]", today.isoformat())
    page.click("input[type=submit][value='Enregistrer la décision']")
    page.wait_for_selector("text=Vérification : Vérifié")

    _add_development(page, today, "detention", "Sa garde à vue a été prolongée de quatre jours.")
    assert "Sa garde à vue a été prolongée" in page.locator("#case-developments").inner_text()

    page.click("text=Rédiger une action")  # from the French template, filled from the case
    page.select_option("#template-type", "urgent_appeal")
    page.check("#template-fr")
    page.click("#template-form button[type=submit]")
    body = page.locator("textarea[name=body_fr]").input_value()
    assert "A. K." in body and "Aylin" not in body and "Kaya" not in body
    page.click("input[type=submit][value=Enregistrer]")
    page.click("button:has-text('Envoyer en relecture')")
    page.wait_for_selector("button:has-text('Envoyer en relecture')", state="detached")
    page.wait_for_load_state("load")  # the menu opens once the page's script has run
    page.click("#user-menu")
    page.click("#logout")

    _log_in(page, live_server, coordinator)  # the coordinator sees it waiting
    waiting = page.locator("#waiting-for-me")
    assert "À relire" in waiting.inner_text()
    waiting.locator("a").first.click()
    page.click("button:has-text('Approuver')")
    page.get_by_role("checkbox", name=re.compile("Ministre de la Justice")).check()
    page.click("input[type=submit][value='Enregistrer les destinataires']")
    page.click("button:has-text('Publier')")
    assert re.search(r"TUR 001 / \d{4} / OBS 001", page.locator(".alert-success").first.inner_text())

    page.goto(case_url)  # what happened after the appeal becomes the follow-up
    _add_development(page, today, "judicial_harassment", "Une nouvelle accusation a été portée contre elle.")
    page.click("#follow-up-from-developments")
    follow_up = page.locator("textarea[name=body_fr]").input_value()
    assert "Faits nouveaux depuis notre dernier appel :" in follow_up
    assert "Une nouvelle accusation" in follow_up and "garde à vue" not in follow_up
    page.fill("input[name=title_fr]", "Turquie : nouvelle accusation contre A. K.")
    page.click("input[type=submit][value=Enregistrer]")

    page.goto(case_url)
    page.click("text=Enregistrer une issue")
    page.select_option("select[name=kind]", "released")
    page.fill("input[name=occurred_on]", today.isoformat())
    page.click("input[type=submit][value=\"Enregistrer l’issue\"]")

    page.goto(f"{live_server}/defenders/{defender_id}")
    steps = page.locator("#timeline li").all_inner_texts()
    told = "\n".join(steps)
    # everything happened today: the steps known only by their day sit where they were written down
    expected = ["Issue : Libéré", "Une nouvelle accusation", "publié(e) : TUR 001", "soumis(e) à relecture",
                "Sa garde à vue", "Vérification : Vérifié", "Partenaire consulté", "Signalement reçu"]
    places = [next((i for i, step in enumerate(steps) if word in step), None) for word in expected]
    assert None not in places and places == sorted(places) and len(steps) == 9, told  # newest first
    assert page.outside_requests == [] and page.console_errors == []
