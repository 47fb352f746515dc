"""Form controls render exactly as WTForms renders them (core.form_html replaces its attribute builder)."""
import pytest
from markupsafe import Markup

from core import form_html

VALUES = ["plain", 'say "hi"', "<b>&</b>", Markup('<i class="x">safe</i>'), Markup("a&amp;b"), 0, 12.5, None,
          True, False, "", "é ñ ü", "'single'"]


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("key", ["class_", "for_", "id", "data_item_id", "aria_described_by", "checked", "a<b"])
def test_each_attribute_as_wtforms_writes_it(key, value):
    assert form_html.html_params(**{key: value}) == form_html._wtforms_html_params(**{key: value})


def test_several_attributes_sorted_as_wtforms_sorts_them():
    kwargs = {"name": "q", "id": "f-q", "class_": "form-control is-invalid", "required": True, "disabled": False,
              "maxlength": 200, "data_x_y": Markup('"quoted"'), "value": 'a "b" <c>'}
    rendered = form_html.html_params(**kwargs)
    assert rendered == form_html._wtforms_html_params(**kwargs)
    assert isinstance(rendered, Markup)
    assert form_html.html_params() == form_html._wtforms_html_params() == Markup("")


def test_every_form_of_the_app_renders_the_same_html(app, monkeypatch):
    """Every field of every form class the app defines, blank and filled with awkward data, through both."""
    import wtforms.widgets
    import wtforms.widgets.core
    from flask_wtf import FlaskForm

    def classes(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from classes(sub)

    forms = {cls for cls in classes(FlaskForm) if cls.__module__.startswith(("core.", "plugins."))}
    assert len(forms) > 40

    def rendered(form):
        out = []
        for field in form:
            if getattr(field, "choices", None) is None and field.type in ("SelectField", "SelectMultipleField",
                                                                          "MultiCheckboxField", "RadioField"):
                field.choices = [(1, 'One "1"'), (2, "<Two>")]
            out.append(str(field(class_="form-control", data_test='x"y')))
            out.append(str(field.label(class_="form-label")))
        return out

    with app.test_request_context("/", method="POST", data={"name": 'Ana "A" <b>', "title": "x & y"}):
        ours = {cls: rendered(cls()) for cls in forms}
        monkeypatch.setattr(wtforms.widgets.core, "html_params", form_html._wtforms_html_params)
        monkeypatch.setattr(wtforms.widgets, "html_params", form_html._wtforms_html_params)
        monkeypatch.setattr(wtforms.widgets.core.Input, "html_params", staticmethod(form_html._wtforms_html_params))
        monkeypatch.setattr(wtforms.widgets.core.Button, "html_params", staticmethod(form_html._wtforms_html_params))
        theirs = {cls: rendered(cls()) for cls in forms}
    assert ours == theirs
