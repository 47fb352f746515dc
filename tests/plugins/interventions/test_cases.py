"""Registering reports as cases: the intake form, bad input, defenders, confidentiality and the lists."""
from __future__ import annotations

import html

from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.database.models import utcnow
from core.extensions import db
from core.records.models import Term
from plugins.interventions.models import Case, CaseDefender

from ...conftest import login, post_form
from ...records_helpers import add_defender
from .helpers import add_case

VALID = {"title": "Arrest of a lawyer in Izmir", "country": "TUR", "events_date": "2026-11-20",
         "events_place": "Izmir", "description": "She was arrested at dawn and taken to an unknown place.",
         "source_kind": "partner", "source_partner": "0", "source_details": "Call from the bar association",
         "received_via": "phone", "received_at": "2026-11-21T09:30", "priority": "high",
         "confidentiality": "internal", "perpetrators-0-type": "police", "perpetrators-0-details": "Anti-terror unit",
         "perpetrators-1-type": "", "perpetrators-1-details": "", "perpetrators-2-type": "", "perpetrators-2-details": ""}


def _violation_ids(app, *keys):
    with app.app_context():
        return [db.session.scalar(select(Term.id).where(Term.vocabulary == "violations", Term.key == k)) for k in keys]


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Case))


def test_officer_registers_a_report_and_is_assigned(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    response = post_form(client, "/interventions/new", {**VALID, "violations": _violation_ids(
        app, "arbitrary_detention", "judicial_harassment")})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    page = html.unescape(client.get(response.location).get_data(as_text=True))
    assert "Arrest of a lawyer in Izmir" in page and "Türkiye" in page
    assert "Arbitrary arrest and detention, Judicial harassment" in page
    assert "Police (Anti-terror unit)" in page and "Call from the bar association" in page
    assert officer.name in page and "To verify" in page
    with app.app_context():
        case = db.session.scalar(select(Case))
        assert case.received_at.hour == 9 and case.priority == "high"
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.record_type == "case")) == "create"


def test_bad_input_is_explained_in_the_users_language_and_nothing_is_saved(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    bad = {**VALID, "title": "", "country": "XXX", "received_at": "yesterday", "events_date": "2026-13-45",
           "perpetrators-0-type": "", "perpetrators-0-details": "someone", "violations": ["999999"]}
    response = post_form(client, "/interventions/new", bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This field is required." in page and "Not a valid datetime value." in page
    assert "Choose the type of perpetrator." in page and "nothing was saved" in page
    assert "Not a valid date value." in page and "is not a valid choice" in page
    missing_time = post_form(client, "/interventions/new", {**VALID, "received_at": ""}).get_data(as_text=True)
    assert "Give the date and time the report arrived." in missing_time
    with app.app_context():
        from core.database.models import User

        user = db.session.get(User, officer.id)
        user.locale = "fr"
        db.session.commit()
    page = html.unescape(post_form(client, "/interventions/new", bad).get_data(as_text=True))
    assert "Choisissez le type d’auteur." in page and "rien n’a été enregistré" in page
    assert "Not a valid" not in page  # WTForms' own messages come translated too
    assert _count(app) == 0


def test_defenders_are_found_linked_and_registered_from_the_case(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    case_id = add_case(app, officer)
    aylin = add_defender(app, "Aylin Kaya", publication_name="A. K.")
    page = client.get(f"/interventions/{case_id}?find=kaya").get_data(as_text=True)
    assert "Aylin Kaya" in page
    assert post_form(client, f"/links/case/{case_id}/defenders", {"defender_id": aylin}).status_code == 302
    page = html.unescape(client.get(f"/interventions/{case_id}").get_data(as_text=True))
    assert "publish as “A. K.”" in page
    # A new defender, registered from the case with the duplicate warning, comes back to be linked.
    response = post_form(client, f"/defenders/new?next=/interventions/{case_id}", {
        "kind": "person", "name": "Aylin Kaya", "country": "TUR", "risk_level": "high", "publication_name": "A. Y.",
        "confidentiality": "internal"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200 and 'id="duplicate-warning"' in page
    token = page.split('name="confirm_duplicates" type="hidden" value="')[1].split('"')[0]
    response = post_form(client, f"/defenders/new?next=/interventions/{case_id}", {
        "kind": "person", "name": "Aylin Kaya", "country": "TUR", "risk_level": "high", "publication_name": "A. Y.",
        "confidentiality": "internal", "confirm_duplicates": token})
    assert response.status_code == 302 and response.location.startswith(f"/interventions/{case_id}?added_defender=")
    new_id = int(response.location.split("=")[-1])
    assert "just registered" in client.get(response.location).get_data(as_text=True)
    post_form(client, f"/links/case/{case_id}/defenders", {"defender_id": new_id})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CaseDefender)) == 2


def test_a_foreign_next_address_is_ignored(app, client, make_user):
    login(client, make_user("case_officer"))
    response = post_form(client, "/defenders/new?next=https://evil.example/x", {
        "kind": "person", "name": "Nobody Similar", "country": "TUR", "risk_level": "low",
        "publication_name": "N. S.", "confidentiality": "internal"})
    assert response.status_code == 302 and response.location.startswith("/defenders/")


def test_restricted_case_is_invisible_to_those_not_assigned_everywhere(app, make_user):
    assigned, other, reader, admin = (make_user("case_officer"), make_user("case_officer"), make_user("readonly"),
                                      make_user("admin"))
    defender = add_defender(app, "Hidden Defender")
    secret = add_case(app, assigned, title="Secret disappearance", confidentiality="restricted",
                      defenders=(defender,))
    clients = {}
    for name, user in (("assigned", assigned), ("other", other), ("reader", reader), ("admin", admin)):
        clients[name] = app.test_client()
        login(clients[name], user)
    for name in ("other", "reader"):
        client = clients[name]
        assert client.get(f"/interventions/{secret}").status_code == 404
        assert "Secret disappearance" not in client.get("/interventions/").get_data(as_text=True)
        assert "Secret disappearance" not in client.get("/search?q=secret").get_data(as_text=True)
        assert "Secret disappearance" not in client.get(f"/defenders/{defender}").get_data(as_text=True)
        assert "Secret disappearance" not in client.get("/").get_data(as_text=True)
    for name in ("assigned", "admin"):
        assert "Secret disappearance" in clients[name].get("/interventions/").get_data(as_text=True)
        assert clients[name].get(f"/interventions/{secret}").status_code == 200
        assert "Secret disappearance" in clients[name].get(f"/defenders/{defender}").get_data(as_text=True)
    with app.app_context():
        views = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "view", AuditEntry.record_type == "case"))
    assert views == 2


def test_the_source_is_shown_only_to_those_who_may_edit(app, client, make_user):
    officer, reader = make_user("case_officer"), make_user("readonly")
    with app.test_request_context():
        pass
    case_id = add_case(app, officer)
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.source_details = "Brother, +90 555 111"
        db.session.commit()
    login(client, reader)
    page = client.get(f"/interventions/{case_id}").get_data(as_text=True)
    assert "+90 555 111" not in page and 'id="source"' not in page


def test_lists_filter_in_the_database_and_keep_their_query_count(app, client, make_user, count_queries):
    officer = make_user("case_officer")
    login(client, officer)
    add_case(app, officer, title="Colombian case", country="COL")
    add_case(app, officer, title="Turkish case", country="TUR", verified=True)
    page = client.get("/interventions/?region=americas").get_data(as_text=True)
    assert "Colombian case" in page and "Turkish case" not in page
    page = client.get("/interventions/?verification=verified").get_data(as_text=True)
    assert "Turkish case" in page and "Colombian case" not in page
    page = client.get(f"/interventions/?officer={officer.id}&country=COL").get_data(as_text=True)
    assert "Colombian case" in page and "Turkish case" not in page
    assert client.get("/interventions/?year=abcd&sort=nonsense&officer=x").status_code == 200
    for hostile in ("year=0", "year=99999", "year=2026&officer=123456789012345678901234567890"):
        page = client.get(f"/interventions/?{hostile}")
        assert page.status_code == 200 and "Colombian case" in page.get_data(as_text=True), hostile  # ignored
    this_year = client.get(f"/interventions/?year={utcnow().year}").get_data(as_text=True)
    assert "Colombian case" in this_year and "Turkish case" in this_year
    assert "Colombian case" not in client.get("/interventions/?year=2001").get_data(as_text=True)
    with count_queries() as few:
        client.get("/interventions/")
    for i in range(30):
        add_case(app, officer, title=f"Case {i}", country=["TUR", "KEN"][i % 2])
    with count_queries() as many:
        assert "Case 0" not in client.get("/interventions/").get_data(as_text=True)  # page 2
    assert len(few) == len(many) <= 10


def test_violation_filter_lists_the_cases_of_that_violation_newest_first_in_every_sort(app, client, make_user):
    from plugins.interventions.models import case_violations

    officer = make_user("case_officer")
    login(client, officer)
    ids = [add_case(app, officer, title=f"Case {number}", country=["TUR", "COL"][number % 2]) for number in range(7)]
    with app.app_context():
        torture, detention = (db.session.scalar(select(Term.id).where(Term.vocabulary == "violations",
                                                                       Term.key == key))
                              for key in ("torture", "arbitrary_detention"))
        db.session.execute(case_violations.insert(), [
            {"case_id": case_id, "term_id": torture if number % 3 == 0 else detention}
            for number, case_id in enumerate(ids)] + [{"case_id": ids[1], "term_id": torture}])
        db.session.commit()

    def listed(query):
        page = client.get(f"/interventions/?{query}").get_data(as_text=True)
        return [case_id for case_id in sorted(ids, key=lambda case_id: page.find(f"/interventions/{case_id}\""))
                if f"/interventions/{case_id}\"" in page]

    tortured = [ids[6], ids[3], ids[1], ids[0]]  # newest first
    assert listed("violation=torture") == tortured
    assert listed("violation=torture&region=americas") == [ids[3], ids[1]]
    assert set(listed("violation=torture&sort=-updated")) == set(tortured)
    assert set(listed("violation=torture&sort=country")) == set(tortured)
    assert listed("violation=torture&q=case") == tortured
    assert listed("violation=arbitrary_detention") == [ids[5], ids[4], ids[2], ids[1]]
    assert listed("violation=unknown") == []
    app.config["PAGE_SIZE"] = 3
    assert listed("violation=torture") == tortured[:3] and listed("violation=torture&page=2") == tortured[3:]


def test_full_text_search_across_languages_and_accents_respects_confidentiality(app, client, make_user):
    from .helpers import add_action

    officer, other = make_user("case_officer"), make_user("case_officer")
    visible_case = add_case(app, officer, title="Lawyer detained in Ankara")
    add_action(app, visible_case, officer, status="draft", title_es="Detención arbitraria de una abogada",
               body_es="La abogada fue detenida en Ankara.")
    secret = add_case(app, officer, title="Detención secreta", confidentiality="restricted")
    login(client, officer)
    for query in ("detencion", "DETENCIÓN Abogada", "ankara", "abog"):
        page = client.get(f"/interventions/?q={query}").get_data(as_text=True)
        assert "Lawyer detained in Ankara" in page, query
    assert "Lawyer detained" not in client.get("/interventions/?q=nairobi").get_data(as_text=True)
    assert "Lawyer detained in Ankara" in client.get("/search?q=detencion").get_data(as_text=True)
    assert "Detención secreta" in html.unescape(client.get("/search?q=detencion").get_data(as_text=True))
    outsider = app.test_client()
    login(outsider, other)
    page = html.unescape(outsider.get("/search?q=detencion").get_data(as_text=True))
    assert "Lawyer detained in Ankara" in page and "Detención secreta" not in page
    assert f"/interventions/{secret}" not in outsider.get("/interventions/?q=secreta").get_data(as_text=True)
    assert client.get("/interventions/?q=%22%2A%28OR").status_code == 200  # FTS syntax characters are ignored


def test_every_word_is_a_prefix_of_its_terms_whatever_their_number(app, client, make_user):
    """On SQLite a word is spelled out as the terms it begins, or asked as a prefix query when it begins more
    than MAX_TERMS; the results are those of a prefix search either way."""
    from plugins.interventions import search

    from .helpers import add_action

    officer = make_user("case_officer")
    detained = add_case(app, officer, title="Lawyer detained in Izmir")
    detention = add_case(app, officer, title="Pre-trial detention of a journalist")
    add_case(app, officer, title="Travel ban on a lawyer")
    login(client, officer)

    def found(query, *cases):
        page = client.get(f"/interventions/?q={query}").get_data(as_text=True)
        return {case_id for case_id in cases if f"/interventions/{case_id}\"" in page}

    assert found("det", detained, detention) == {detained, detention}
    assert found("detent", detained, detention) == {detention}
    assert found("det lawyer", detained, detention) == {detained}
    assert found("detx", detained, detention) == set()
    many = add_case(app, officer, title="Many words")
    add_action(app, many, officer, status="draft",
               body_en=" ".join(f"detx{number}" for number in range(search.MAX_TERMS + 1)))
    assert found("det", detained, detention, many) == {detained, detention, many}
    assert found("detx", detained, detention, many) == {many}
    assert found("detx7", detained, detention, many) == {many}


def test_the_vocabulary_holds_every_term_of_the_full_text_index(app, make_user):
    """The vocabulary is filled by our own tokenising: it must hold every term FTS5 itself indexed."""
    from sqlalchemy import text

    from plugins.interventions.search import TERMS_TABLE

    from .helpers import add_action

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return  # PostgreSQL's index answers prefixes itself
    officer = make_user("case_officer")
    case_id = add_case(app, officer, title="Détention d'une avocate à Diyarbakır (2026) — l'appel n°3")
    add_action(app, case_id, officer, title_es="Detención arbitraria", body_es="¿Dónde está? 北京 Ελλάδα O'Brien_x 1/2")
    with app.app_context():
        db.session.execute(text("CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, interventions_fts, 'row')"))
        indexed = set(db.session.scalars(text("SELECT term FROM temp.vocabulary")))
        known = set(db.session.scalars(text(f"SELECT term FROM {TERMS_TABLE}")))
        db.session.execute(text("DROP TABLE temp.vocabulary"))
    assert {"detention", "diyarbakir", "2026", "beijing", "ellada", "brien", "x"} <= indexed
    assert indexed <= known


def test_case_list_export_follows_filters_and_visibility_without_sources(app, make_user):
    import csv
    import io

    from openpyxl import load_workbook

    from ...test_exports import _download

    officer, other = make_user("case_officer"), make_user("case_officer")
    defender = add_defender(app, "Aylin Kaya", publication_name="A. K.")
    add_case(app, officer, title="Lawyer arrested", defenders=(defender,))
    add_case(app, officer, title="Colombian leader threatened", country="COL")
    add_case(app, other, title="Secret case", confidentiality="restricted")
    with app.app_context():
        for case in db.session.scalars(select(Case)):
            case.source_details = "Brother on +90 555 111"
        db.session.commit()
    client = app.test_client()
    login(client, officer)
    response = _download(client, post_form(client, "/interventions/export", {"format": "csv", "sort": "country"}))
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["title"] for row in rows] == ["Colombian leader threatened", "Lawyer arrested"]
    assert rows[1]["defenders"] == "1" and rows[1]["link"].startswith("http://127.0.0.1:5000/interventions/")
    assert "+90 555 111" not in text and "Aylin" not in text and "Secret case" not in text
    filtered = _download(client, post_form(client, "/interventions/export", {"format": "xlsx", "country": "TUR"}))
    values = list(load_workbook(io.BytesIO(filtered.data)).active.values)
    assert values[0][:3] == ("id", "reference", "title") and [v[2] for v in values[1:]] == ["Lawyer arrested"]
    with app.app_context():
        rows_exported = [e.changes["rows"] for e in db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "export", AuditEntry.record_type == "case"))]
    assert rows_exported == [2, 1]
    reader = app.test_client()
    login(reader, make_user("readonly"))
    assert post_form(reader, "/interventions/export", {"format": "csv"}).status_code == 403
    assert post_form(client, "/interventions/export", {"format": "exe"}).status_code == 400


def test_restricted_defenders_and_partners_linked_to_a_case_stay_unnamed(app, make_user):
    """A case others may see does not name the restricted defender or partner linked to it."""
    from datetime import date

    from plugins.interventions.models import Consultation, Outcome

    from ...records_helpers import add_partner

    coordinator = make_user("coordinator")
    assigned = make_user("case_officer", email="assigned@example.org")
    hidden = add_defender(app, "Zeynep Gizli", country="TUR", confidentiality="restricted", assignees=(assigned.id,))
    shown = add_defender(app, "Aylin Kaya", country="TUR")
    partner = add_partner(app, "Underground Lawyers Network", country="TUR", confidentiality="restricted",
                          assignees=(assigned.id,))
    case_id = add_case(app, coordinator, defenders=(hidden, shown), assignees=(assigned.id,))
    with app.app_context():
        db.session.add_all([Consultation(case_id=case_id, partner_id=partner, consulted_on=date.today(),
                                         answer="confirmed"),
                            Outcome(case_id=case_id, defender_id=hidden, kind="released", occurred_on=date.today())])
        case = db.session.get(Case, case_id)
        case.source_partner_id = partner
        db.session.commit()
    outsider = app.test_client()
    login(outsider, make_user("coordinator", email="other@example.org"))
    page = html.unescape(outsider.get(f"/interventions/{case_id}").get_data(as_text=True))
    assert "Aylin Kaya" in page and "Zeynep" not in page and "Underground" not in page
    insider = app.test_client()
    login(insider, assigned)
    page = html.unescape(insider.get(f"/interventions/{case_id}").get_data(as_text=True))
    assert "Zeynep Gizli" in page and "Underground Lawyers Network" in page


def test_the_case_page_shows_each_small_part_in_its_order_and_the_users_language(app, make_user):
    """The case's defenders, assigned officers, source, verifier, violations, perpetrators, consultations,
    outcomes and closing events, read together in one statement, each in the order its list keeps."""
    from datetime import date, datetime, timezone

    from core.database.models import User
    from plugins.interventions.models import CaseEvent, Consultation, Outcome, Perpetrator, case_violations

    from ...records_helpers import add_partner

    coordinator = make_user("coordinator", name="Vera Verifier")
    zoe = make_user("case_officer", name="Zoe Zubiri", email="zoe@example.org")
    adam = make_user("case_officer", name="Adam Arslan", email="adam@example.org")
    other = add_defender(app, "Zafer Yilmaz", country="TUR")  # registered first, listed last
    defender = add_defender(app, "Aylin Kaya", country="TUR")
    early, late = add_partner(app, "Early Bar Association", country="TUR"), add_partner(app, "Late Network")
    case_id = add_case(app, coordinator, defenders=(other, defender), assignees=(zoe.id, adam.id))
    torture, arrest = _violation_ids(app, "torture", "arbitrary_detention")
    with app.app_context():
        case = db.session.get(Case, case_id)
        case.source_partner_id, case.verified_by_id = late, coordinator.id
        case.verification, case.verified_on = Case.VERIFIED, date(2026, 5, 4)
        db.session.execute(case_violations.insert(), [{"case_id": case_id, "term_id": torture},
                                                      {"case_id": case_id, "term_id": arrest}])
        db.session.add_all([
            Perpetrator(case_id=case_id, state=True, type="police", details="Anti-terror unit"),
            Perpetrator(case_id=case_id, state=False, type="armed_group", details=""),
            Consultation(case_id=case_id, partner_id=late, consulted_on=date(2026, 5, 3), answer="partly",
                         notes="Second call"),
            Consultation(case_id=case_id, partner_id=early, consulted_on=date(2026, 5, 1), answer="confirmed"),
            Outcome(case_id=case_id, defender_id=defender, kind="released", occurred_on=date(2026, 6, 2)),
            Outcome(case_id=case_id, kind="charges_dropped", occurred_on=date(2026, 6, 1), notes="For everyone"),
            CaseEvent(case_id=case_id, kind="closed", reason="Released", at=datetime(2026, 6, 3, tzinfo=timezone.utc)),
            CaseEvent(case_id=case_id, kind="reopened", reason="Arrested again",
                      at=datetime(2026, 6, 9, tzinfo=timezone.utc))])
        db.session.commit()
        first, second = db.session.scalars(select(Term.label_fr).where(Term.id.in_([torture, arrest]))
                                           .order_by(Term.position))
        db.session.get(User, coordinator.id).locale = "fr"
        db.session.commit()
    client = app.test_client()
    login(client, coordinator)
    page = html.unescape(client.get(f"/interventions/{case_id}").get_data(as_text=True))

    def in_order(*texts):
        places = [page.index(text) for text in texts]
        return places == sorted(places)

    assert f"{first}, {second}" in page
    assert "Adam Arslan, Vera Verifier, Zoe Zubiri" in page  # the author stays assigned
    defenders = page.split('id="case-defenders"')[1].split("</ul>")[0]
    assert defenders.index("Aylin Kaya") < defenders.index("Zafer Yilmaz")
    assert in_order("Anti-terror unit", "Groupe armé") and "Anti-terror unit" in page
    consultations = page.split('id="consultations"')[1].split("</ul>")[0]
    assert consultations.index("Early Bar Association") < consultations.index("Late Network") and \
        "Second call" in consultations
    outcomes = page.split('id="outcomes"')[1].split("</ul>")[0]
    assert "For everyone" in outcomes.split("Aylin Kaya")[0]  # the earlier outcome first, then the defender's
    assert "Vera Verifier" in page.split('id="verification"')[1]
    assert "Late Network" in page.split('id="source"')[1].split("</div>")[0]
    timeline = page.split('id="case-timeline"')[1].split("</ol>")[0]
    assert in_order("Arrested again", "Released") and timeline.index("Arrested again") < timeline.index(
        "Early Bar Association")


def test_the_violation_filter_names_each_violation_in_the_users_language(app, make_user):
    from core.database.models import User

    with app.app_context():
        terms = db.session.execute(select(Term.key, Term.label_en, Term.label_fr, Term.label_es).where(
            Term.vocabulary == "violations", Term.active.is_(True))).all()
    for language, column in (("fr", 2), ("es", 3), ("en", 1)):
        user = make_user("case_officer", email=f"{language}@example.org")
        with app.app_context():
            db.session.get(User, user.id).locale = language
            db.session.commit()
        client = app.test_client()
        login(client, user)
        page = html.unescape(client.get("/interventions/").get_data(as_text=True))
        select_html = page.split('id="f-violation"')[1].split("</select>")[0]
        for term in terms:
            assert f'<option value="{term.key}">{term[column] or term.label_en}</option>' in select_html, language


def test_the_case_list_and_page_name_states_in_the_users_language(app, make_user):
    """Verification, case and action states, priorities and sources: in each user's language, one after the other."""
    from flask_babel import force_locale

    from core.database.models import User
    from core.languages.i18n import gettext, pgettext

    author = make_user("coordinator")
    case_id = add_case(app, author)
    for language in ("fr", "es", "fr", "en"):
        user = make_user("coordinator", email=f"{language}-{case_id}@example.org")
        case_id = add_case(app, author, title=f"Case for {user.email}")
        with app.app_context():
            db.session.get(User, user.id).locale = language
            db.session.commit()
        with app.test_request_context("/"), force_locale(language):
            to_verify, is_open = gettext("To verify"), gettext("Open")
            normal, partner = gettext("Normal"), gettext("A partner organisation")
            heading = gettext("Verification: %(state)s", state=gettext("To verify"))
            closed = pgettext("case", "Closed")
        client = app.test_client()
        login(client, user)
        listed = html.unescape(client.get("/interventions/").get_data(as_text=True))
        row = listed.split(f"Case for {user.email}")[1].split("</tr>")[0]
        assert to_verify in row and is_open in row, language
        assert closed in listed.split('id="f-status"')[1].split("</select>")[0], language
        page = html.unescape(client.get(f"/interventions/{case_id}").get_data(as_text=True))
        assert heading in page and normal in page and partner in page, language


def test_the_filters_and_the_case_form_offer_active_violations_in_order_and_active_staff_by_name(app, make_user):
    """Both lists are read together; each keeps its own order and leaves out what is no longer active."""
    from core.database.models import User

    coordinator = make_user("coordinator", name="Mia Coordinator")
    make_user("case_officer", name="Zeki Officer", email="zeki@example.org")
    make_user("case_officer", name="Ada Officer", email="ada@example.org")
    gone = make_user("case_officer", name="Gone Officer", email="gone@example.org")
    with app.app_context():
        db.session.get(User, gone.id).active = False
        db.session.add_all([Term(vocabulary="violations", key="first_listed", label_en="Zz first listed", label_fr="",
                                 label_es="", position=-1),
                            Term(vocabulary="violations", key="retired", label_en="Retired violation", label_fr="", label_es="",
                                 position=0,
                                 active=False)])
        db.session.commit()
        expected = db.session.scalars(select(Term.label_en).where(
            Term.vocabulary == "violations", Term.active.is_(True)).order_by(Term.position, Term.key)).all()
    client = app.test_client()
    login(client, coordinator)
    listed = html.unescape(client.get("/interventions/").get_data(as_text=True))
    officers = listed.split('id="f-officer"')[1].split("</select>")[0]
    assert "Gone Officer" not in officers
    assert officers.index("Ada Officer") < officers.index("Mia Coordinator") < officers.index("Zeki Officer")
    violations = listed.split('id="f-violation"')[1].split("</select>")[0]
    assert [violations.index(label) for label in expected] == sorted(violations.index(label) for label in expected)
    assert "Retired violation" not in violations and expected[0] == "Zz first listed"
    form = html.unescape(client.get("/interventions/new").get_data(as_text=True))
    assert form.index("Ada Officer") < form.index("Zeki Officer") and "Gone Officer" not in form
    assert form.index("Zz first listed") < form.index(expected[1]) and "Retired violation" not in form
