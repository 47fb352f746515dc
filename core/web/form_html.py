"""Small pieces of form HTML that pages write without building a form: filter options, hidden inputs, the CSRF
field of a button form, and the blank fields of a form shown unfilled."""
from __future__ import annotations

from typing import Any, Iterable

from flask import render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from . import fragments


def options(choices: Iterable[tuple[Any, Any]], selected: Any = "") -> Markup:
    """The ``<option>`` elements of a filter's ``<select>`` (``choices`` as (value, label) pairs, the one whose
    value reads as ``selected`` marked), written in one pass: a Jinja loop took 4 µs an option, and a list's
    filter form has some fifty."""
    chosen = "" if selected is None else str(selected)
    return Markup("".join(
        f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>{escape(label)}</option>'
        for value, label in choices))


def hidden_inputs(values: dict[str, Any]) -> Markup:
    """Hidden inputs carrying ``values`` (a list's filters, for its export form), written in one pass."""
    return Markup("".join(f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
                          for name, value in values.items()))


def csrf_field() -> Markup:
    """The hidden CSRF input of a form that is only a button (remove, link, export): the request's token, as a
    form's ``csrf_token`` field writes it, without building a form for it (a ``ConfirmForm`` took 60 µs)."""
    return Markup('<input name="csrf_token" type="hidden" value="{}">').format(generate_csrf())


def blank_fields(form: Any, *names: str, **button_styles: str) -> Markup:
    """The fields ``names`` of an unfilled ``form``, as Bootstrap's ``render_field`` writes them, rendered once
    per language and reused (``core.web.fragments``): a record page's upload and reveal forms are the same for every
    record, and the macro took 20 µs a field. The page writes the CSRF token and the form's address itself. A
    form with data or errors is rendered anew. ``form`` may be the form's class, for a page that shows it unfilled:
    it is then built only when its fields are rendered, once per language (building one took 60 µs)."""
    kind = form if isinstance(form, type) else type(form)
    key = (kind.__module__, kind.__qualname__, names, tuple(sorted(button_styles.items())))
    if isinstance(form, type):
        return fragments.rendered(BLANK_FIELDS, key, lambda: {"form": form(formdata=None), "names": names,
                                                              "styles": button_styles}, strict=False)
    values = {"form": form, "names": names, "styles": button_styles}
    if form.errors or any(form[name].data not in (None, "", False) for name in names):
        return Markup(render_template(BLANK_FIELDS, **values))
    return fragments.rendered(BLANK_FIELDS, key, values, strict=False)


BLANK_FIELDS = "core/_blank_fields.html"
