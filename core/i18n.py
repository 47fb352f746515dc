"""Language choice: the user's saved preference, then the session, then the browser."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, request, session
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape


def _escaped_html(self: LazyString) -> Markup:
    return escape(str(self))


# Flask-Babel marks lazy strings as safe HTML (``__html__`` returns the raw text), so Jinja would not escape
# them, nor the user data interpolated into them (``_l("Case: %(title)s", title=...)``, a form error quoting
# the input): a stored XSS waiting to happen. Our messages hold no HTML, so their HTML form is the escaped
# text (Flask's session and JSON encoders also go through ``__html__``, and keep it as markup).
LazyString.__html__ = _escaped_html

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def translation_directories(app: Flask, plugin_paths: list[Path]) -> str:
    """Core's catalog first, then each active plugin's ``translations/`` folder."""
    folders = [Path(app.root_path) / "translations"]
    folders += [path / "translations" for path in plugin_paths if (path / "translations").is_dir()]
    return ";".join(str(folder) for folder in folders)
