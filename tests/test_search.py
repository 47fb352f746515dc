"""The global search box: its words kept, bad input explained in the user's language."""
from __future__ import annotations

import html

from flask_babel import force_locale, gettext

from core.database.models import User
from core.extensions import db
from core.web.forms import SEARCH_LENGTH

from .conftest import login


def _search_box(page: str) -> str:
    return page.split('<h1 class="h3 mb-3">')[1].split("</form>")[0]


def test_a_too_short_search_is_explained_on_the_form_in_the_users_language(app, make_user):
    user = make_user("case_officer")
    client = app.test_client()
    login(client, user)
    english = client.get("/search?q=k")
    assert english.status_code == 422
    box = html.unescape(_search_box(english.get_data(as_text=True)))
    assert 'class="form-control is-invalid"' in box and 'value="k"' in box
    assert "Type between 2 and 200 characters." in box
    with app.app_context():
        db.session.get(User, user.id).locale = "fr"
        db.session.commit()
    with app.test_request_context("/"), force_locale("fr"):
        french_message = gettext("Type between 2 and 200 characters.")
    assert french_message != "Type between 2 and 200 characters."
    box = html.unescape(_search_box(client.get("/search?q=k").get_data(as_text=True)))
    assert french_message in box and "Type between" not in box


def test_the_search_box_keeps_the_words_escaped_and_asks_what_the_form_checks(app, make_user):
    client = app.test_client()
    login(client, make_user("case_officer"))
    box = _search_box(client.get('/search?q="><script>alert(1)</script>').get_data(as_text=True))
    assert "<script>" not in box and 'value="&#34;&gt;&lt;script&gt;' in box and "is-invalid" not in box
    assert f'minlength="{SEARCH_LENGTH[0]}"' in box and f'maxlength="{SEARCH_LENGTH[1]}"' in box
    first_visit = client.get("/search")
    assert first_visit.status_code == 200 and 'value=""' in _search_box(first_visit.get_data(as_text=True))
