"""Registering defenders, their file, filters, and what each role may see of them."""
from __future__ import annotations

import html

from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.extensions import db
from core.records.models import Assignment, Defender, Term

from .conftest import login, post_form
from .records_helpers import add_defender


def _rights(app, *keys):
    with app.app_context():
        return [db.session.scalar(select(Term.id).where(Term.vocabulary == "rights", Term.key == k)) for k in keys]


def _count(app, model=Defender):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


VALID = {"kind": "person", "name": "Aylin Kaya", "aliases": "Aylin K.\nAyline Kaya", "country": "TUR",
         "gender": "woman", "profession": "Lawyer", "risk_level": "high", "publication_name": "A. K.",
         "confidentiality": "internal", "summary": "Arrested on 3 May.", "email": "aylin@example.org",
         "phone": "+90 555 000", "address": "Istanbul", "exact_location": "Kadıköy", "family": "Two children"}


def test_case_officer_registers_a_defender_and_is_assigned(app, client, make_user):
    officer = make_user("case_officer")
    login(client, officer)
    response = post_form(client, "/defenders/new", {**VALID, "rights": _rights(app, "expression", "women")})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Aylin Kaya" in page and "Türkiye" in page and "Europe and Central Asia" in page
    assert "Freedom of expression and information" in page and "Women&#39;s rights" in page
    assert "Istanbul" not in page  # personal details stay masked until revealed
    with app.app_context():
        defender = db.session.scalar(select(Defender))
        assert (defender.name_key, defender.risk_level, defender.created_by_id) == ("aylin kaya", "high", officer.id)
        assert db.session.scalar(select(Assignment.user_id)) == officer.id


def test_bad_input_is_explained_and_nothing_is_saved(app, client, make_user):
    login(client, make_user("case_officer"))
    response = post_form(client, "/defenders/new", {**VALID, "name": "", "country": "", "publication_name": "",
                                                    "email": "not an email", "risk_level": "apocalyptic"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "nothing was saved" in page
    assert page.count("This field is required.") == 2
    assert "Without consent, give the initials or pseudonym to publish." in page
    assert "Enter a valid email address" in page
    assert "Not a valid choice" in page
    assert 'value="Lawyer"' in page  # what was typed is kept
    assert _count(app) == 0 and _count(app, AuditEntry) == 0


def test_the_form_speaks_the_users_language(client, make_user):
    login(client, make_user("case_officer"))
    post_form(client, "/language", {"locale": "es"})
    response = post_form(client, "/defenders/new", {**VALID, "name": ""})
    page = html.unescape(response.get_data(as_text=True))
    assert "Este campo es obligatorio." in page and "Derechos de las mujeres" in page and "Turquía" in page


def test_editing_changes_the_record(app, client, make_user):
    officer = make_user("case_officer")
    defender_id = add_defender(app, "Omar Haddad", country="EGY", assignees=(officer.id,))
    login(client, officer)
    page = client.get(f"/defenders/{defender_id}/edit").get_data(as_text=True)
    assert 'value="Omar Haddad"' in page
    response = post_form(client, f"/defenders/{defender_id}/edit", {**VALID, "name": "Omar El-Haddad",
                                                                    "country": "EGY", "consent_to_publish": "y"})
    assert response.status_code == 302
    with app.app_context():
        defender = db.session.get(Defender, defender_id)
        assert defender.name == "Omar El-Haddad" and defender.public_name == "Omar El-Haddad"
        assert defender.country.region == "mena"


def test_list_filters_sorts_and_paginates_in_the_database(app, client, make_user, count_queries):
    login(client, make_user("readonly"))
    add_defender(app, "Zaid Al-Amin", country="SYR", risk_level="critical")
    add_defender(app, "María José Núñez", country="COL", aliases="Majo Nunez")
    add_defender(app, "Chen Wei", country="CHN", risk_level="low")
    page = client.get("/defenders/?region=americas").get_data(as_text=True)
    assert "María José Núñez" in page and "Zaid" not in page
    assert "María José Núñez" in client.get("/defenders/?q=nunez jose").get_data(as_text=True)
    assert "María José Núñez" in client.get("/defenders/?q=majo").get_data(as_text=True)
    ordered = client.get("/defenders/?sort=-risk").get_data(as_text=True)
    assert ordered.index("Zaid") < ordered.index("María") < ordered.index("Chen Wei")
    with count_queries() as few:
        client.get("/defenders/?sort=country")
    for i in range(40):
        add_defender(app, f"Defender {i:02}", country=["TUR", "MEX", "KEN"][i % 3])
    with count_queries() as many:
        page = client.get("/defenders/?sort=country").get_data(as_text=True)
    assert len(many) == len(few) <= 10
    assert "43 in all" in page
    assert client.get("/defenders/?page=2&sort=name").status_code == 200


def test_restricted_defender_is_invisible_to_those_not_assigned(app, make_user):
    assigned, other, reader, admin = (make_user("case_officer"), make_user("case_officer"), make_user("readonly"),
                                      make_user("admin"))
    secret_id = add_defender(app, "Hidden Person", confidentiality="restricted", assignees=(assigned.id,))
    add_defender(app, "Visible Person")
    clients = {}
    for name, user in (("assigned", assigned), ("other", other), ("reader", reader), ("admin", admin)):
        clients[name] = app.test_client()
        login(clients[name], user)
    for name in ("other", "reader"):
        client = clients[name]
        listing = client.get("/defenders/").get_data(as_text=True)
        assert "Hidden Person" not in listing and "1 in all" in listing, name
        assert "Hidden Person" not in client.get("/defenders/?q=hidden").get_data(as_text=True)
        assert "Hidden Person" not in client.get("/search?q=hidden").get_data(as_text=True)
        assert client.get(f"/defenders/{secret_id}").status_code == 404
    for name in ("assigned", "admin"):
        client = clients[name]
        assert "2 in all" in client.get("/defenders/").get_data(as_text=True)
        assert "Hidden Person" in client.get("/search?q=hidden").get_data(as_text=True)
        assert client.get(f"/defenders/{secret_id}").status_code == 200
    assert clients["other"].get(f"/defenders/{secret_id}/edit").status_code == 404
    assert post_form(clients["other"], f"/defenders/{secret_id}/reveal", {"reason": "x"}).status_code == 404


def test_personal_details_are_masked_and_revealed_only_with_the_permission(app, make_user):
    officer, reader = make_user("case_officer"), make_user("readonly")
    defender_id = add_defender(app, "Aylin Kaya", address="12 Secret Street", family="Two children")
    reader_client, officer_client = app.test_client(), app.test_client()
    login(reader_client, reader)
    login(officer_client, officer)
    page = reader_client.get(f"/defenders/{defender_id}").get_data(as_text=True)
    assert "12 Secret Street" not in page and "••••••" in page and "Show personal details" not in page
    assert post_form(reader_client, f"/defenders/{defender_id}/reveal", {"reason": "curious"}).status_code == 403
    assert "12 Secret Street" not in officer_client.get(f"/defenders/{defender_id}").get_data(as_text=True)
    assert post_form(officer_client, f"/defenders/{defender_id}/reveal", {"reason": ""}).status_code == 422
    revealed = post_form(officer_client, f"/defenders/{defender_id}/reveal", {"reason": "relocation planning"})
    assert "12 Secret Street" in revealed.get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reveal"))
        assert (entry.user_id, entry.record_id, entry.changes) == (officer.id, defender_id,
                                                                   {"reason": "relocation planning"})


def test_editors_without_the_reveal_permission_never_see_or_change_personal_details(app, make_user):
    from core.database.models import Role, RolePermission

    with app.app_context():
        role_id = db.session.scalar(select(Role.id).where(Role.name == "case_officer"))
        db.session.add(RolePermission(role_id=role_id, permission="core.personal.reveal", granted=False))
        db.session.commit()
    officer = make_user("case_officer")
    defender_id = add_defender(app, "Aylin Kaya", address="12 Secret Street", assignees=(officer.id,))
    client = app.test_client()
    login(client, officer)
    assert "12 Secret Street" not in client.get(f"/defenders/{defender_id}/edit").get_data(as_text=True)
    post_form(client, f"/defenders/{defender_id}/edit", {**VALID, "address": "changed"})
    with app.app_context():
        assert db.session.get(Defender, defender_id).address == "12 Secret Street"


def test_read_only_users_cannot_register_or_edit(app, make_user):
    client = app.test_client()
    login(client, make_user("readonly"))
    defender_id = add_defender(app, "Someone")
    assert client.get("/defenders/new").status_code == 403
    assert client.get(f"/defenders/{defender_id}/edit").status_code == 403
    assert post_form(client, "/defenders/new", VALID).status_code == 403
    assert _count(app) == 1


def test_the_file_shows_every_plugins_timeline_entries(tmp_path, monkeypatch, make_app, make_user):
    from .plugin_factory import install_plugin

    install_plugin(tmp_path / "site", monkeypatch, '''
        from datetime import date
        from core.plugin_host.contributions import TimelineEntry
        from core.plugin_host.hookspecs import hookimpl

        @hookimpl
        def observatory_defender_timeline(defender_id, user):
            return [TimelineEntry(date(2025, 1, 2), "appeal", f"Urgent appeal about #{defender_id}", "/appeals/1"),
                    TimelineEntry(date(2025, 2, 2), "grant", "Relocation grant", permission="appeals.secret")]
    ''', entry_name="appeals")
    app = make_app()
    defender_id = add_defender(app, "Aylin Kaya")
    client = app.test_client()
    login(client, make_user("case_officer"))
    page = client.get(f"/defenders/{defender_id}").get_data(as_text=True)
    assert f'<a href="/appeals/1">Urgent appeal about #{defender_id}</a>' in page
    assert "Relocation grant" not in page  # needs a permission nobody declared for this role


def test_a_minimal_form_with_fields_left_out_saves_cleanly(app, client, make_user):
    """A client that sends only the required fields (no empty strings for the others) gets no error."""
    login(client, make_user("case_officer"))
    response = post_form(client, "/defenders/new", {"kind": "person", "name": "Only Required", "country": "FRA",
                                                    "publication_name": "O. R.", "risk_level": "low",
                                                    "confidentiality": "internal"})
    assert response.status_code == 302
    response = post_form(client, "/partners/new", {"name": "Bare Partner", "country": "FRA",
                                                   "confidentiality": "internal"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Defender.aliases).where(Defender.name == "Only Required")) == ""


def test_main_pages_keep_the_same_number_of_queries_as_data_grows(app, client, make_user, count_queries):
    """A defender's file, the lists and the search cost the same number of queries at any size."""
    import io

    from .conftest import csrf_token
    from .records_helpers import add_partner
    from .test_attachments import PDF

    officer = make_user("case_officer")
    login(client, officer)
    defender_id = add_defender(app, "Aylin Kaya", assignees=(officer.id,))
    add_partner(app, "Kenya Network")

    def grow(count):
        for i in range(count):
            add_defender(app, f"Kaya Person {i}", assignees=(officer.id,), country=["TUR", "KEN"][i % 2])
            add_partner(app, f"Kenya Partner {i}")
        token = csrf_token(client, f"/defenders/{defender_id}")
        client.post(f"/attachments/defender/{defender_id}", data={
            "csrf_token": token, "file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")

    paths = [f"/defenders/{defender_id}", "/defenders/?q=kaya&sort=country", "/partners/?region=africa",
             "/search?q=kaya", "/"]
    grow(2)
    counts = {}
    for path in paths:
        client.get(path)  # warm the per-process caches (country names) first
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        counts[path] = len(statements)
    grow(30)
    for path in paths:
        with count_queries() as statements:
            client.get(path)
        assert len(statements) == counts[path] <= 10, (path, counts[path], len(statements))


def test_global_search_shows_the_newest_matches_and_leads_to_the_rest(app, client, make_user):
    login(client, make_user("case_officer"))
    for i in range(12):
        add_defender(app, f"Ozturk Number{i:02}")
    add_defender(app, "Ozan Single")
    page = client.get("/search?q=ozturk").get_data(as_text=True)
    shown = [i for i in range(12) if f"Ozturk Number{i:02}<" in page]
    assert shown == list(range(2, 12))  # the ten newest
    assert "Defender: only the 10 newest are shown." in page
    link = html.unescape(page.split("See them all")[0].rsplit('href="', 1)[1].split('"')[0])
    assert link.startswith("/defenders/?") and "q=ozturk" in link
    assert "12 in all" in client.get(link).get_data(as_text=True)
    few = client.get("/search?q=ozan").get_data(as_text=True)
    assert "Ozan Single" in few and "See them all" not in few


def test_global_search_finds_whole_and_longer_name_words_newest_first_once_each(app, client, make_user):
    """On SQLite a word is read in two parts, the records holding it whole and those holding a longer word
    starting with it: the ten newest come, whichever part finds them, each once."""
    from .records_helpers import add_partner

    officer, other = make_user("case_officer"), make_user("case_officer")
    names = [f"{['Kaya', 'Kayaba', 'Kaya Kayaba'][i % 3]} N{i:02}" for i in range(12)]
    for name in names:
        add_defender(app, name)
    add_defender(app, "Okaya Emre")
    add_defender(app, "Kaya Hidden", confidentiality="restricted", assignees=(other.id,))
    add_partner(app, "Kaya Kayaba Foundation")
    login(client, officer)

    def listed(query):
        page = html.unescape(client.get(f"/search?q={query}").get_data(as_text=True))
        if 'id="search-results"' not in page:
            return []
        items = page.split('id="search-results"')[1].split("</ol>")[0].split("<li")[1:]
        return [item.split("</a>")[0].rsplit(">", 1)[1] for item in items]

    assert listed("kaya") == sorted(names[2:]) + ["Kaya Kayaba Foundation"]  # sorted by name on the page
    assert listed("KAYAB") == sorted(name for name in names if "Kayaba" in name) + ["Kaya Kayaba Foundation"]
    assert listed("n1 kaya") == ["Kaya Kayaba N11", "Kayaba N10"]
    assert listed("kaya n0") == sorted(names[:10])
    assert listed("hidden") == []


def test_global_search_names_each_kind_of_record_in_the_users_language(app, client, make_user):
    """The hooks translate their labels when they answer, in the language of the request."""
    from core.database.models import User

    from .plugins.interventions.helpers import add_case

    officer = make_user("case_officer")
    with app.app_context():
        db.session.get(User, officer.id).locale = "fr"
        db.session.commit()
    add_defender(app, "Aylin Kaya")
    add_case(app, officer, title="Kaya arrested in Izmir")
    login(client, officer)
    page = html.unescape(client.get("/search?q=kaya").get_data(as_text=True))
    assert "Défenseur·e" in page and "Cas d’intervention" in page and ">Defender<" not in page


def test_list_labels_follow_each_users_language(app, make_user):
    """The lists' labels (confidentiality, risk) are translated once per language and kept: each user still
    reads them in their own."""
    from core.database.models import User

    add_defender(app, "Aylin Kaya", risk_level="high")
    french, spanish = make_user("case_officer"), make_user("case_officer")
    with app.app_context():
        db.session.get(User, french.id).locale, db.session.get(User, spanish.id).locale = "fr", "es"
        db.session.commit()
    for user, words in ((french, ("Interne", "Élevé")), (spanish, ("Interno", "Alto")), (french, ("Interne",))):
        client = app.test_client()
        login(client, user)
        row = html.unescape(client.get("/defenders/").get_data(as_text=True)).split("Aylin Kaya")[1].split("</tr>")[0]
        assert all(word in row for word in words), (user.locale, row)
