"""Language choice: the user's saved preference, then the session, then the browser."""
from __future__ import annotations

from datetime import datetime, timezone
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping

from babel import dates, numbers, support
from flask import Flask, Request, current_app, g, request, session
from flask_babel import get_locale, get_timezone, get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from wtforms.i18n import messages_path


class LazyText(LazyString):
    """A message translated when shown, in the language of the request showing it, whose HTML is its escaped
    text. Flask-Babel's lazy strings call themselves safe HTML (their ``__html__`` is the raw text), so Jinja
    would not escape them, nor the user data put into them (``_l("Case: %(title)s", title=...)``, a form error
    quoting the input): a stored XSS. Our messages hold no HTML. (Flask's session and JSON encoders go through
    ``__html__`` too, and keep the escaped text as markup.) Every lazy message of the app is made here."""

    def __html__(self) -> Markup:
        return escape(str(self))


LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        if session.get("locale") != current_user.locale:
            session["locale"] = current_user.locale  # for a page made without the database (core.web.outage)
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def translation_directories(app: Flask, plugin_paths: list[Path]) -> str:
    """Core's catalog first, then each active plugin's ``translations/`` folder."""
    folders = [Path(app.root_path) / "translations"]
    folders += [path / "translations" for path in plugin_paths if (path / "translations").is_dir()]
    return ";".join(str(folder) for folder in folders)


def current_translations() -> Any:
    """Flask-Babel's translations for the request's locale, looked up once per request and locale: its
    ``get_translations()`` builds its cache key anew for each message (10 µs), and a page shows some eighty.
    Remembered with the locale object, so a ``force_locale`` block (which sets another) gets its own."""
    locale = get_locale()
    if locale is None:  # outside a request
        return get_translations()
    remembered = g.get("observatory_translations")
    if remembered is None or remembered[0] is not locale:
        remembered = g.observatory_translations = (locale, get_translations())
    return remembered[1]


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's ``gettext``, through :func:`current_translations` (the same catalogs, found once per
    request rather than once per message: list pages translate a label per row)."""
    translated = current_translations().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return current_translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables: Any) -> LazyText:
    """A message translated when shown, in the language of the request showing it."""
    return LazyText(gettext, string, **variables)


def pgettext(context: str, string: str, **variables: Any) -> str:
    """A message whose English words mean something else elsewhere ("Closed" for a case, and for a grant
    request in French; "Record" as a noun and as a verb): the plugins' catalogs are merged into one, where a
    message without its context would get a single translation."""
    translated = current_translations().upgettext(context, string)
    return translated % variables if variables else translated


def lazy_pgettext(context: str, string: str, **variables: Any) -> LazyText:
    return LazyText(pgettext, context, string, **variables)


def in_language(labels: Mapping[Any, Any]) -> dict[Any, str]:
    """``labels`` (a module's lazy labels by key) as text in the request's language, translated once per page
    rather than at every row that shows one."""
    return {key: str(label) for key, label in labels.items()}


#: The house style, one per language: the day, the month's name and the year (never "12/4/26", read 4 December
#: in Geneva and 12 April in Bogotá), and times on the 24-hour clock. Lists and pages use "medium" ("7 Dec
#: 2026", "7 déc. 2026", "7 dic 2026"), documents "long" ("7 December 2026", "7 décembre 2026", "7 de diciembre
#: de 2026"), a bulletin's period "month" ("noviembre de 2026"). A language not listed takes English's patterns.
DATE_PATTERNS: dict[str, dict[str, str]] = {
    "medium": {"en": "d MMM y", "fr": "d MMM y", "es": "d MMM y"},
    "long": {"en": "d MMMM y", "fr": "d MMMM y", "es": "d 'de' MMMM 'de' y"},
    "month": {"en": "MMMM y", "fr": "MMMM y", "es": "MMMM 'de' y"},
}
TIME_PATTERN = "HH:mm"
#: Babel's names kept as aliases, so that a template written with ``|date('short')`` gets the house style too.
STYLE_ALIASES = {"short": "medium", "full": "long"}


def date_pattern(style: str, locale: Any) -> str:
    """The house pattern of ``style`` ("medium", "long", "month") in ``locale``'s language; any other ``style`` is
    taken as a Babel pattern of its own (``"d MMM"``), as the filters always accepted."""
    patterns = DATE_PATTERNS.get(STYLE_ALIASES.get(style, style))
    if patterns is None:
        return style
    return patterns.get(getattr(locale, "language", None) or str(locale or "en"), patterns["en"])


def format_date(value: Any, format: str = "medium") -> str:
    """The ``date`` template filter, and every date shown or written anywhere, in the house style of the user's
    language (see :data:`DATE_PATTERNS`); a moment is shown as its date in the user's time zone."""
    if value is None:
        return ""
    locale = get_locale()
    pattern = date_pattern(format, locale)
    if isinstance(value, datetime):
        return _formatted(value, pattern, locale, get_timezone(), dates.format_date)
    return _formatted(value, pattern, locale, None, dates.format_date)


def format_number(value: Any, format: str | None = None) -> str:
    """The ``number`` template filter: Babel's decimal format in the user's language (12,345 or 12 345),
    remembered like dates (a list's total and a card's file sizes on every page)."""
    return _formatted(value, format, get_locale(), None, _decimal)


def _decimal(value: Any, format: str | None, locale: Any) -> str:
    return numbers.format_decimal(value, format=format, locale=locale)


def format_datetime(value: Any, format: str = "medium") -> str:
    """The ``datetime`` template filter: the house date followed by the 24-hour time ("7 déc. 2026, 19:07"), in
    the user's time zone."""
    if value is None:
        return ""
    locale = get_locale()
    pattern = f"{date_pattern(format, locale)}, {TIME_PATTERN}"
    return _formatted(value, pattern, locale, get_timezone(), dates.format_datetime)


def month_names() -> list[tuple[int, str]]:
    """The twelve months as (number, name in the user's language) pairs, for month pickers."""
    return sorted(dates.get_month_names("wide", "stand-alone", locale=get_locale()).items())


def format_time(value: Any) -> str:
    """A moment's time of day on the 24-hour clock, in the user's time zone."""
    return _formatted(value, TIME_PATTERN, get_locale(), get_timezone(), dates.format_time)


@lru_cache(maxsize=8192)
def _formatted(value: Any, format: str, locale: Any, zone: Any, formatter: Callable) -> str:
    """Babel's formatting, remembered: it reapplies the locale's pattern field by field (40 µs a date), and a
    page shows the same days again and again (today, this week's deadlines). Naive moments are UTC, as
    stored."""
    if zone is not None:
        value = (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(zone)
    return formatter(value, format, locale=locale)


def install_template_gettext(app: Flask) -> None:
    """Templates' ``_()`` and ``ngettext()`` through :func:`current_translations` (replacing Flask-Babel's)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: current_translations().ugettext(string),
        ngettext=lambda singular, plural, n: current_translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: current_translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: current_translations().unpgettext(context, singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(_=template_gettext, gettext=template_gettext)


@pass_context
def template_gettext(context: Context, string: str, **variables: Any) -> str:
    """Templates' ``_()``: what Jinja's new-style ``gettext`` does (the message as markup when escaping, then
    formatted with the variables, which are escaped) in one call instead of three: 5 µs a message, and a
    page shows fifty."""
    translated = current_translations().ugettext(string)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    return translated % variables if variables or "%" in translated else translated


@cache
def _wtforms_catalog(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class ObservatoryRequest(Request):
    """Flask's request, with WTForms' own messages ("Not a valid choice") read once per language per process:
    Flask-WTF reads their catalog from disk once per request that builds a form (0.15 ms), unless the request
    already has it as ``wtforms_translations``."""

    @cached_property
    def wtforms_translations(self) -> support.Translations:
        return _wtforms_catalog(str(get_locale()))
