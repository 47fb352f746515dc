"""The monthly bulletin: every plugin's public items of the month, in the chosen language with visible
fallbacks, as a page and as HTML, PDF and DOCX files; nothing confidential."""
from __future__ import annotations

import html
import io
import shutil
import subprocess
from datetime import date, datetime, timezone

from docx import Document as ReadDocx

from core import publications
from core.extensions import db
from plugins.interventions.models import Action

from .conftest import login, require_service
from .plugins.interventions.helpers import add_action, add_case, publish
from .records_helpers import add_defender


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _march_bulletin(app, make_user) -> dict:
    coordinator = make_user("coordinator")
    defender = add_defender(app, "Mehmet Demir", publication_name="M. D.")
    case_id = add_case(app, coordinator, title="Arrest of Mehmet Demir", defenders=(defender,), verified=True)
    appeal = add_action(app, case_id, coordinator, title_en="Türkiye: detention of M. D.", title_fr="",
                        title_es="Turquía: detención de M. D.")
    reference = publish(app, appeal, coordinator)
    secret = add_case(app, coordinator, title="Secret case", confidentiality="restricted", verified=True)
    hidden = add_action(app, secret, coordinator, title_en="Secret appeal on Selin")
    publish(app, hidden, coordinator)
    with app.app_context():
        for action_id in (appeal, hidden):
            db.session.get(Action, action_id).published_at = datetime(2026, 3, 4, tzinfo=timezone.utc)
        db.session.commit()
    return {"reference": reference, "coordinator": coordinator}


def test_the_previous_month_is_the_default():
    assert publications.previous_month(date(2026, 1, 15)) == (2025, 12)
    assert publications.previous_month(date(2026, 11, 29)) == (2026, 10)


def test_the_bulletin_page_in_each_language_with_visible_fallbacks(app, client, make_user):
    march = _march_bulletin(app, make_user)
    login(client, make_user("readonly"))
    page = _page(client.get("/publications/bulletin?year=2026&month=3&language=es"))
    bulletin = page[page.index('id="bulletin"'):]
    assert "Boletín mensual — marzo de 2026" in bulletin and "Intervenciones urgentes" in bulletin
    assert "Turquía: detención de M. D." in bulletin and march["reference"] in bulletin
    assert "Secret" not in bulletin and "Selin" not in bulletin and "Mehmet" not in bulletin
    french = _page(client.get("/publications/bulletin?year=2026&month=3&language=fr"))
    assert "Türkiye: detention of M. D." in french  # no French title: the English one, marked
    assert "[Non disponible dans cette langue : affiché en anglais.]" in french
    empty = _page(client.get("/publications/bulletin?year=2026&month=4&language=en"))
    assert "Nothing was published in April 2026." in empty
    assert client.get("/publications/bulletin?year=abc&month=13&language=xx").status_code == 200


def test_the_bulletin_as_files_to_send(app, client, make_user, tmp_path):
    march = _march_bulletin(app, make_user)
    login(client, make_user("readonly"))
    file = client.get("/publications/bulletin.html?year=2026&month=3&language=en")
    assert file.headers["Content-Disposition"] == 'attachment; filename="bulletin-2026-03-en.html"'
    text = file.get_data(as_text=True)
    assert "Türkiye: detention of M. D." in text and "<link" not in text and "http" not in text.split("<body>")[0]
    docx = ReadDocx(io.BytesIO(client.get("/publications/bulletin.docx?year=2026&month=3&language=en").data))
    words = "\n".join(p.text for p in docx.paragraphs)
    assert "Monthly bulletin — March 2026" in words and march["reference"] in words and "Secret" not in words
    require_service(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils)")
    pdf = client.get("/publications/bulletin.pdf?year=2026&month=3&language=es").data
    (tmp_path / "b.pdf").write_bytes(pdf)
    extracted = " ".join(subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True,
                                        text=True, check=True).stdout.split())
    assert "Turquía: detención de M. D." in extracted and "Selin" not in extracted
    assert client.get("/publications/bulletin.exe").status_code == 404


def test_only_staff_with_the_permission_see_publications(app, client, make_user):
    login(client, make_user("committee"))
    assert client.get("/publications/bulletin").status_code == 403


def test_an_editor_writes_the_introduction_orders_and_drops_items_then_publishes(app, client, make_user):
    from core.audit.models import AuditEntry
    from core.publications.models import Bulletin

    from .conftest import post_form

    march = _march_bulletin(app, make_user)
    second = add_case(app, march["coordinator"], title="Threats in Bogotá", country="COL", verified=True)
    later = add_action(app, second, march["coordinator"], title_en="Colombia: threats against a lawyer")
    publish(app, later, march["coordinator"])
    with app.app_context():
        db.session.get(Action, later).published_at = datetime(2026, 3, 20, tzinfo=timezone.utc)
        db.session.commit()
    login(client, march["coordinator"])
    page = _page(client.get("/publications/bulletin?year=2026&month=3&language=en"))
    assert page.index("Türkiye: detention of M. D.") < page.index("Colombia: threats against a lawyer")
    keys = [f"case-action:{action}" for action in (later,)]
    with app.app_context():
        first_key = next(f"case-action:{a.id}" for a in db.session.query(Action).filter(
            Action.title_en == "Türkiye: detention of M. D."))
    bad = post_form(client, "/publications/bulletin/2026/3", {
        "language": "en", "introduction_en": "A month of arrests.", "item": [first_key, keys[0]],
        f"position:{first_key}": "two", f"position:{keys[0]}": "1"})
    assert bad.status_code == 422 and "Give each item a position from 1 to 9999" in _page(bad)
    with app.app_context():
        assert db.session.query(Bulletin).count() == 0  # nothing saved
    saved = post_form(client, "/publications/bulletin/2026/3", {
        "language": "en", "introduction_en": "A month of arrests.", "introduction_fr": "Un mois d'arrestations.",
        "item": [first_key, keys[0]], f"position:{first_key}": "2", f"position:{keys[0]}": "1"})
    assert saved.status_code == 302
    page = _page(client.get("/publications/bulletin?year=2026&month=3&language=en"))
    bulletin = page[page.index("id=\"bulletin\""):page.index("id=\"bulletin-editing\"")]
    assert "A month of arrests." in bulletin
    assert bulletin.index("Colombia: threats against a lawyer") < bulletin.index("Türkiye: detention of M. D.")
    spanish = _page(client.get("/publications/bulletin?year=2026&month=3&language=es"))
    assert "[No disponible en este idioma: se muestra en inglés.]" in spanish and "A month of arrests." in spanish
    post_form(client, "/publications/bulletin/2026/3", {
        "language": "en", "introduction_en": "A month of arrests.", "item": [first_key, keys[0]],
        f"position:{first_key}": "1", f"position:{keys[0]}": "2", f"drop:{keys[0]}": "y"})
    words = "\n".join(p.text for p in ReadDocx(io.BytesIO(
        client.get("/publications/bulletin.docx?year=2026&month=3&language=en").data)).paragraphs)
    assert "Türkiye: detention of M. D." in words and "Colombia: threats" not in words
    assert "A month of arrests." in words
    assert post_form(client, "/publications/bulletin/2026/3/publish", {"language": "en"}).status_code == 302
    assert "Published on" in _page(client.get("/publications/bulletin?year=2026&month=3&language=en"))
    with app.app_context():
        shaped = db.session.query(Bulletin).one()
        assert shaped.status == "published" and shaped.published_by_id == march["coordinator"].id
        assert db.session.query(AuditEntry).filter(AuditEntry.record_type == "bulletin").count() >= 3
    reader = app.test_client()
    login(reader, make_user("readonly", email="reader@example.org"))
    assert 'id="bulletin-editing"' not in _page(reader.get("/publications/bulletin?year=2026&month=3"))
    assert post_form(reader, "/publications/bulletin/2026/3", {"introduction_en": "x"}).status_code == 403


def test_the_month_picker_names_the_months_in_the_users_language(app, make_user):
    import re

    for locale, march in (("en", "March"), ("fr", "mars"), ("es", "marzo")):
        reader = app.test_client()
        login(reader, make_user("readonly", email=f"reader-{locale}@example.org", locale=locale))
        page = _page(reader.get("/publications/bulletin?year=2026&month=3&language=en"))
        menu = re.search(r'<select[^>]*id="b-month"[^>]*>(.*?)</select>', page, re.S).group(1)
        options = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', menu)
        assert [int(value) for value, _selected, _name in options] == list(range(1, 13))
        assert ("3", " selected", march) in options, locale
