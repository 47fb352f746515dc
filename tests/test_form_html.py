"""The form HTML pages write without building a form (core.web.form_html): escaped, and as a form would write it."""
from core.web import form_html


def test_filter_options_escape_and_mark_the_chosen_value(app):
    from core.languages.i18n import lazy_gettext

    with app.test_request_context("/"):
        html = str(form_html.options([("a&b", 'Say "hi" <b>'), (2, lazy_gettext("Name")), ("", "All")], "2"))
    assert html == ('<option value="a&amp;b">Say &#34;hi&#34; &lt;b&gt;</option><option value="2" selected>Name</option>'
                    '<option value="">All</option>')
    assert 'value="" selected' in str(form_html.options([("x", "X"), ("", "All")], None))


def test_the_case_list_filters_keep_what_was_chosen(app, client, make_user):
    from tests.conftest import login

    login(client, make_user("coordinator"))
    page = client.get("/interventions/?region=africa&status=closed&verification=verified&action_type=press_release"
                      "&sort=country&violation=torture").get_data(as_text=True)
    for name, value in (("region", "africa"), ("status", "closed"), ("verification", "verified"),
                        ("action", "press_release"), ("sort", "country"), ("violation", "torture")):
        select = page[page.index(f'id="f-{name}"'):]
        select = select[:select.index("</select>")]
        assert f'value="{value}" selected' in select and select.count(" selected") == 1, name


def test_a_button_forms_csrf_field_is_the_token_a_form_writes_and_accepts(app, client, make_user):
    """``csrf_field()`` writes the request's token without building a form; the form it posts checks it."""
    from core.web.forms import ConfirmForm

    from .conftest import login

    with app.test_request_context("/"):
        field = str(form_html.csrf_field())
        token = field.split('value="')[1].split('"')[0]
        assert field == f'<input name="csrf_token" type="hidden" value="{token}">'
        assert f'value="{token}"' in str(ConfirmForm(formdata=None).csrf_token)
    login(client, make_user("coordinator"))
    page = client.get("/defenders/").get_data(as_text=True)
    export = page.split('action="/defenders/export"')[1].split("</form>")[0]
    token = export.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/defenders/export", data={"csrf_token": token, "format": "csv"}).status_code == 302
    assert client.post("/defenders/export", data={"csrf_token": token[:-2], "format": "csv"}).status_code == 400


def test_hidden_inputs_escape_names_and_values():
    html_out = str(form_html.hidden_inputs({"q": 'say "hi" <b>', "country": "TUR", "x&y": ""}))
    assert html_out == ('<input type="hidden" name="q" value="say &#34;hi&#34; &lt;b&gt;">'
                        '<input type="hidden" name="country" value="TUR">'
                        '<input type="hidden" name="x&amp;y" value="">')
