"""Every way out of the Observatory, declared: the core's own here, the plugins' through ``observatory_outputs``.

A declared output says how to build it (:class:`~core.plugin_host.contributions.Output`); it still leaves only through the
disclosure guard. *Administration → Plugins* lists them, and the disclosure canary suite builds every one for
every role, so a new output is checked the day it is declared. The fields people type freely are declared the
same way (``observatory_free_text``), for the canary suite to write protected names into.
"""
from __future__ import annotations

from typing import Any

from flask import url_for

from ..calendar import deadlines
from ..database.models import utcnow
from ..documents import documents
from ..languages.i18n import lazy_gettext as _l
from ..notifications.models import OutboxMessage
from ..plugin_host.contributions import FreeText, Output, OutputRequest
from ..publications import previous_month
from ..publications.models import AnnualChapter, AnnualReport, Bulletin
from ..publications.statistics import charts
from ..records.models import Defender, Partner

LANGUAGES = ("en", "fr", "es")
SPREADSHEETS = ("csv", "xlsx")


def collected() -> list[Output]:
    """Every declared output, the core's first."""
    from ..plugin_host.plugins import host

    return host().collect("observatory_outputs")


def free_text() -> list[FreeText]:
    from ..plugin_host.plugins import host

    return host().collect("observatory_free_text")


def core_free_text() -> list[FreeText]:
    return [
        FreeText(Defender, ("summary", "profession", "family", "address", "exact_location")),
        FreeText(Partner, ("description", "contacts")),
        FreeText(Bulletin, tuple(f"introduction_{code}" for code in LANGUAGES)),
        FreeText(AnnualReport, tuple(f"foreword_{code}" for code in LANGUAGES)),
        FreeText(AnnualChapter, tuple(f"{part}_{code}" for part in ("title", "body") for code in LANGUAGES)),
        FreeText(OutboxMessage, ("subject", "body")),
    ]


def _each_format(endpoint: str, **values: Any) -> list[OutputRequest]:
    return [OutputRequest(url_for(endpoint, fmt=fmt, **values)) for fmt in documents.FORMATS]


def _export(endpoint: str) -> list[OutputRequest]:
    return [OutputRequest(url_for(endpoint), {"format": fmt}) for fmt in SPREADSHEETS]


def _bulletin(_record: None, _user: Any) -> list[OutputRequest]:
    year, month = previous_month(utcnow().date())
    return [OutputRequest(url_for("publications.bulletin_file", fmt=fmt, year=year, month=month, language=code))
            for fmt in documents.FORMATS for code in LANGUAGES]


def _bulletin_files(_record: None, _user: Any) -> list[OutputRequest]:
    """Every language and format of last month's bulletin in one ZIP, as the scheduler builds it on the 1st."""
    year, month = previous_month(utcnow().date())
    return [OutputRequest(url_for("publications.build_bulletin_files", year=year, month=month), {})]


def _annual_report(_record: None, _user: Any) -> list[OutputRequest]:
    year = utcnow().year
    return [OutputRequest(url_for("annual_report.build", year=year), {"language": code, "format": fmt})
            for code in LANGUAGES for fmt in ("pdf", "docx")]


def _annual_report_files(_record: None, _user: Any) -> list[OutputRequest]:
    """The published edition of this year's report (every language as PDF and DOCX in one ZIP): published by an
    editor, then downloaded as readers get it."""
    year = utcnow().year
    return [OutputRequest(url_for("annual_report.publish", year=year), {},
                          then=url_for("annual_report.files", year=year))]


def _statistics(_record: None, user: Any) -> list[OutputRequest]:
    year = utcnow().year
    return [OutputRequest(url_for(endpoint, key=chart.key, year=year))
            for chart in charts(user, year, "", "en") for endpoint in ("statistics.data", "statistics.image")]


def _calendar(_record: None, user: Any) -> list[OutputRequest]:
    """A calendar address made for ``user``, as *Upcoming → Subscribe* does."""
    return [OutputRequest(url_for("calendar.feed", token=deadlines.new_feed_token(user)))]


def core_outputs() -> list[Output]:
    return [
        Output("core.defender_file", _l("Defender's file (PDF, DOCX, HTML)"), False,
               lambda defender_id, _user: _each_format("defenders.document", defender_id=defender_id),
               record_type="defender"),
        Output("core.defenders_export", _l("List of defenders (CSV, XLSX)"), False,
               lambda _record, _user: _export("defenders.export")),
        Output("core.partners_export", _l("List of partner organisations (CSV, XLSX)"), False,
               lambda _record, _user: _export("partners.export")),
        Output("core.users_export", _l("List of user accounts (CSV)"), False,
               lambda _record, _user: [OutputRequest(url_for("admin.users_export"), {})]),
        Output("core.audit_export", _l("Audit trail (CSV)"), False,
               lambda _record, _user: [OutputRequest(url_for("audit.export"))]),
        Output("core.statistics", _l("Statistics (CSV, SVG)"), False, _statistics),
        Output("core.calendar_feed", _l("Calendar feed of upcoming dates"), True, _calendar, unattended=True),
        Output("core.bulletin", _l("Monthly bulletin (PDF, DOCX, HTML)"), True, _bulletin),
        Output("core.bulletin_files", _l("Monthly bulletin in every language and format (ZIP)"), True,
               _bulletin_files),
        Output("core.annual_report", _l("Annual report (PDF, DOCX)"), True, _annual_report),
        Output("core.annual_report_files", _l("Annual report's published edition in every language and format (ZIP)"),
               True, _annual_report_files),
    ]
