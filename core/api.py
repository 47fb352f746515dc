"""The plugin API: every name a plugin may use from the core, and nothing else.

A plugin, bundled or installed from elsewhere, imports the core only from this module
(``from core.api import db, Defender, hookimpl``); a test fails when a file under ``plugins/`` imports
any other core module. Whatever is not listed here may change in any release without notice; what is
listed changes only with :data:`API_VERSION`.

A plugin says which versions of this API it was written for, in its ``plugin.py``::

    OBSERVATORY_API_VERSIONS = (2,)

and is refused, with that reason on *Administration → Plugins*, when the running core offers none of them.
The README's "Plugin API" table lists these names by what they serve. Files leave only through the disclosure
guard: a document is written by ``render_document`` or ``download_document`` (both take the output's guard), a
list export by ``save_export``; a view answering with a file built any other way is refused at the door
(:mod:`core.disclosure.door`).
"""
from __future__ import annotations

from .attachments import storage
from .attachments import text as attachment_text
from .attachments.models import Attachment
from .attachments.views import AttachmentForm, attachments_of
from .audit.capture import record as audit
from .audit.capture import record_view
from .audit.models import AuditEntry
from .database.models import Role, User, UTCDateTime, user_roles, utcnow
from .database.statements import Bound, among_ids, built_once, read_rows
from .disclosure import (
    INTERNAL_TITLE,
    PERSONAL,
    PHRASE,
    SOURCE,
    WITHHELD,
    FileRefused,
    Guard,
    Protected,
    named_without_leave,
    preflight,
    protect_text,
)
from .disclosure.preflight import request_guard
from .documents.documents import FORMATS as DOCUMENT_FORMATS
from .documents.documents import BulletList, Document, Heading, PageBreak, Paragraph, Table
from .documents.documents import download as download_document
from .documents.documents import filename as document_filename
from .documents.documents import render as render_document
from .extensions import db
from .jobs import jobs
from .jobs.jobs import JobContext
from .languages.i18n import gettext, in_language, lazy_gettext, lazy_pgettext
from .languages.money import AmountField, converted, currency_choices
from .notifications.services import followers_of, notify
from .plugin_host.contributions import (
    INTERNAL,
    PUBLIC,
    RESTRICTED,
    Chart,
    DatedItem,
    DatedLine,
    FreeText,
    MergeResult,
    NavItem,
    NotificationKind,
    Output,
    OutputRequest,
    Permission,
    PublicationItem,
    RecordChoice,
    RecordSummary,
    RecordType,
    SearchHit,
    Section,
    TimelineEntry,
    Widget,
)
from .plugin_host.gather import record_summaries
from .plugin_host.hookspecs import hookimpl
from .plugin_host.plugins import API_VERSION
from .records import pages as record_pages
from .records.countries import REGIONS, country_name
from .records.exports import save_export
from .records.forms import CONFIDENTIALITY_CHOICES
from .records.matching import words
from .records.merging import relink
from .records.models import Assignment, Country, Defender, Partner, SearchToken, Term
from .records.registry import choices, record_types, record_url
from .records.services import DefenderFilters, PartnerFilters, defenders_query, partners_query
from .records.tokens import (
    bulk_rows,
    forget_tokens,
    index_tokens,
    matching_word_prefixes,
    prefix_conditions_to_bind,
    prefix_matches_to_bind,
    prefix_params,
)
from .records.visibility import (
    assignee_ids,
    at_level_to_viewer,
    can_see,
    is_admin,
    set_assignees,
    viewer,
    visible,
    visible_among,
    visible_records,
    visible_to_viewer,
)
from .web.forms import ConfirmForm, MultiCheckboxField, required, valid_email
from .web.fragments import fragment, inputs_of
from .web.navigation import id_url, list_url_when_full, page_argument, page_size
from .web.pagination import paginate
from .web.permissions import (
    CASE_OFFICER,
    COMMITTEE,
    COORDINATOR,
    READ_ONLY,
    can,
    holders,
    permission_required,
    the_user,
)

__all__ = [
    "API_VERSION",
    # The plugin host: hooks and what they return
    "hookimpl", "Chart", "DatedItem", "DatedLine", "FreeText", "MergeResult", "NavItem", "NotificationKind",
    "Output", "OutputRequest", "Permission", "PublicationItem", "RecordChoice", "RecordSummary", "RecordType",
    "SearchHit", "Section", "TimelineEntry", "Widget", "record_summaries",
    # Records: defenders, partners, countries, vocabularies, confidentiality and who may see what
    "Defender", "Partner", "Country", "Term", "Assignment", "SearchToken", "PUBLIC", "INTERNAL", "RESTRICTED",
    "CONFIDENTIALITY_CHOICES", "REGIONS", "country_name", "record_pages", "record_types", "record_url", "choices",
    "DefenderFilters", "PartnerFilters", "defenders_query", "partners_query", "relink", "words",
    "can_see", "is_admin", "visible", "visible_among", "visible_records", "assignee_ids", "set_assignees",
    # Security: users, roles, permissions, the audit trail
    "db", "User", "Role", "user_roles", "UTCDateTime", "utcnow", "CASE_OFFICER", "COMMITTEE", "COORDINATOR",
    "READ_ONLY", "can", "holders", "permission_required", "the_user", "audit", "record_view", "AuditEntry",
    # Web pages: forms, navigation, lists, fragments, attachments
    "ConfirmForm", "MultiCheckboxField", "required", "valid_email", "AmountField", "currency_choices", "converted",
    "id_url", "list_url_when_full", "page_argument", "page_size", "paginate", "fragment", "inputs_of",
    "Attachment", "AttachmentForm", "attachments_of", "storage", "attachment_text",
    # Outputs: the disclosure guard, documents, exports, jobs
    "Guard", "Protected", "protect_text", "named_without_leave", "PERSONAL", "PHRASE", "SOURCE", "INTERNAL_TITLE",
    "WITHHELD", "FileRefused", "preflight", "request_guard", "Document", "render_document", "download_document",
    "document_filename", "DOCUMENT_FORMATS", "BulletList", "Heading", "PageBreak", "Paragraph", "Table",
    "save_export", "jobs", "JobContext",
    # Languages and notifications
    "gettext", "lazy_gettext", "lazy_pgettext", "in_language", "followers_of", "notify",
    # Statements run on every request, and the search index (speed measures: README "Speed")
    "built_once", "read_rows", "among_ids", "Bound", "viewer", "visible_to_viewer", "at_level_to_viewer",
    "index_tokens", "forget_tokens", "bulk_rows", "matching_word_prefixes", "prefix_conditions_to_bind",
    "prefix_matches_to_bind", "prefix_params",
]
