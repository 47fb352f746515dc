"""Language choice: the user's saved preference, then the session, then the browser."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, request, session
from flask_login import current_user

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
