"""The plugin API: every name a plugin may use from the core, and nothing else.

A plugin, bundled or installed from elsewhere, imports the core only from this module
(``from core.api import db, Defender, hookimpl``); a test fails when a file under ``plugins/`` imports
any other core module. Whatever is not listed here may change in any release without notice; what is
listed changes only with :data:`API_VERSION`.

A plugin says which versions of this API it was written for, in its ``plugin.py``::

    OBSERVATORY_API_VERSIONS = (3,)

and is refused, with that reason on *Administration → Plugins*, when the running core offers none of them.
The README's "Plugin API" table lists these names by what they serve. Everything leaves only through the
disclosure guard: a document is written by ``render_document`` (a ``GuardedFile``) or ``download_document`` (both
take the output's guard), a list export by ``save_export``, a text, JSON or ZIP by ``text_file``, ``json_file`` or
``GuardedZip``; a job keeps only a ``GuardedFile`` (``ctx.save_result``); a view answers with a file through
``download_document`` or ``send_guarded``, with data for its page's script through ``json_answer``. Any other
answer but a page rendered by a template is refused at the door (:mod:`core.disclosure.door`).
"""
from __future__ import annotations

from .attachments.models import Attachment
from .attachments.storage import RejectedFile
from .attachments.storage import path_of as stored_file_path
from .attachments.storage import remove as remove_file
from .attachments.storage import store as store_file
from .attachments.text import NoText, Unreadable, picture_without_metadata
from .attachments.text import text_of as text_of_attachment
from .attachments.views import AttachmentForm, attachments_of
from .audit.capture import record as audit
from .audit.capture import record_view
from .audit.models import AuditEntry
from .database.models import Role, User, UTCDateTime, user_roles, utcnow
from .database.statements import among_ids, built_once, read_rows
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
    protect_text,
)
from .disclosure.door import json_answer
from .disclosure.door import send as send_guarded
from .disclosure.files import (
    ANNEX_IMAGE,
    ANNEX_PROTECTED,
    ANNEX_UNREADABLE,
    GuardedFile,
    GuardedZip,
    NotGuarded,
    annex_check,
    json_file,
    text_file,
)
from .disclosure.preflight import KIND_LABELS as PREFLIGHT_KIND_LABELS
from .disclosure.preflight import REASON_FIELD as PREFLIGHT_REASON_FIELD
from .disclosure.preflight import REASON_LABELS as PREFLIGHT_REASON_LABELS
from .disclosure.preflight import REASON_MISSING as PREFLIGHT_REASON_MISSING
from .disclosure.preflight import Step as PreflightStep
from .disclosure.preflight import audit_build as audit_preflight_build
from .disclosure.preflight import audit_decisions as audit_preflight_decisions
from .disclosure.preflight import decisions_from as preflight_decisions
from .disclosure.preflight import request_guard
from .disclosure.preflight import step_page as preflight_step_page
from .disclosure.preflight import summary as preflight_summary
from .disclosure.preflight import undecided_message as preflight_undecided_message
from .documents.documents import FORMATS as DOCUMENT_FORMATS
from .documents.documents import BulletList, Document, Heading, PageBreak, Paragraph, Table
from .documents.documents import download as download_document
from .documents.documents import filename as document_filename
from .documents.documents import render_file as render_document
from .extensions import db
from .jobs.jobs import JobContext
from .jobs.jobs import enqueue as enqueue_job
from .languages.i18n import format_date, format_datetime, gettext, in_language, lazy_gettext, lazy_pgettext
from .languages.money import AmountField, converted, currency_choices, format_money
from .notifications.services import followers_of, notify
from .plugin_host.contributions import (
    INTERNAL,
    PUBLIC,
    RESTRICTED,
    Chart,
    DatedItem,
    DatedLine,
    DefenderLinks,
    FreeText,
    MergeResult,
    NavItem,
    NotificationKind,
    Output,
    OutputRequest,
    PartnerLinks,
    Permission,
    PublicationItem,
    RecordChoice,
    RecordSummary,
    RecordType,
    SearchHit,
    Section,
    TimelineEntry,
    WaitingItem,
    Widget,
)
from .plugin_host.gather import in_true_order, record_summaries
from .plugin_host.hookspecs import hookimpl
from .plugin_host.plugins import API_VERSION
from .records.countries import REGIONS, country_name
from .records.exports import save_export
from .records.forms import CONFIDENTIALITY_CHOICES, LinkDefenderForm, LinkPartnerForm
from .records.links import RecordLink, defender_search, linked_defender, linked_records, links_of, partner_search
from .records.matching import words
from .records.merging import relink
from .records.models import Assignment, Country, Defender, Partner, SearchToken, Term
from .records.pages import EXPORT as EXPORT_PERMISSION
from .records.pages import (
    CountryChoice,
    assignee_names,
    countries_by_id,
    country_named,
    country_options,
)
from .records.pages import countries as country_choices
from .records.registry import choices, record_types, record_url, visible_record, who_may_see
from .records.services import (
    DefenderFilters,
    PartnerFilters,
    defenders_query,
    partners_query,
    save_assigned,
    tell_followers,
)
from .records.tokens import (
    bulk_rows,
    forget_tokens,
    index_tokens,
    matching_word_prefixes,
    prefix_conditions_to_bind,
    prefix_matches_to_bind,
    prefix_params,
)
from .records.visibility import VIEWER_ID, Viewer, assignee_ids, can_see, is_admin, viewer, visible, visible_ids
from .web.forms import ConfirmForm, MultiCheckboxField, required, valid_email
from .web.fragments import fragment, inputs_of
from .web.navigation import id_url, list_url_when_full, page_argument, page_size, safe_next
from .web.pagination import paginate
from .web.permissions import (
    CASE_OFFICER,
    COMMITTEE,
    COORDINATOR,
    READ_ONLY,
    can,
    holder_ids,
    holders,
    permission_required,
    the_user,
)

__all__ = [
    "API_VERSION",
    # The plugin host: hooks and what they return
    "hookimpl", "Chart", "DatedItem", "DatedLine", "FreeText", "MergeResult", "NavItem", "NotificationKind",
    "Output", "OutputRequest", "Permission", "PublicationItem", "RecordChoice", "RecordSummary", "RecordType",
    "SearchHit", "Section", "TimelineEntry", "WaitingItem", "Widget", "record_summaries", "in_true_order",
    # Records: defenders, partners, countries, vocabularies, confidentiality and who may see what
    "Defender", "Partner", "Country", "Term", "Assignment", "SearchToken", "PUBLIC", "INTERNAL", "RESTRICTED",
    "CONFIDENTIALITY_CHOICES", "REGIONS", "country_name", "country_choices", "countries_by_id", "country_named",
    "country_options", "CountryChoice", "visible_record", "assignee_names", "EXPORT_PERMISSION", "record_types", "record_url", "choices",
    "DefenderFilters", "PartnerFilters", "defenders_query", "partners_query", "relink", "words",
    "can_see", "visible_ids", "is_admin", "visible", "assignee_ids", "save_assigned", "tell_followers", "who_may_see",
    # Links to other plugins' records: the link table's columns, the "records concerned" panel, the guard's pairs
    "RecordLink", "links_of", "linked_records",
    # Links to defenders and partners: the declarations, the linking forms a plugin may extend, the page's
    # searches, one link to a defender
    "DefenderLinks", "LinkDefenderForm", "defender_search", "linked_defender",
    "PartnerLinks", "LinkPartnerForm", "partner_search",
    # Security: users, roles, permissions, the audit trail
    "db", "User", "Role", "user_roles", "UTCDateTime", "utcnow", "CASE_OFFICER", "COMMITTEE", "COORDINATOR",
    "READ_ONLY", "can", "holders", "holder_ids", "permission_required", "the_user", "audit", "record_view", "AuditEntry",
    # Web pages: forms, navigation, lists, fragments, attachments
    "ConfirmForm", "MultiCheckboxField", "required", "valid_email", "AmountField", "currency_choices", "converted",
    "id_url", "list_url_when_full", "page_argument", "page_size", "safe_next", "paginate", "fragment", "inputs_of",
    "Attachment", "AttachmentForm", "attachments_of", "store_file", "remove_file", "stored_file_path", "RejectedFile",
    "text_of_attachment", "NoText", "Unreadable", "picture_without_metadata",
    # Outputs: the disclosure guard, documents, exports, jobs
    "Guard", "Protected", "protect_text", "named_without_leave", "PERSONAL", "PHRASE", "SOURCE", "INTERNAL_TITLE",
    "WITHHELD", "FileRefused", "request_guard", "PreflightStep", "preflight_step_page", "preflight_decisions", "preflight_summary",
    "preflight_undecided_message", "audit_preflight_decisions", "audit_preflight_build", "PREFLIGHT_REASON_FIELD", "PREFLIGHT_REASON_MISSING",
    "PREFLIGHT_KIND_LABELS", "PREFLIGHT_REASON_LABELS", "Document", "render_document", "download_document",
    "document_filename", "DOCUMENT_FORMATS", "BulletList", "Heading", "PageBreak", "Paragraph", "Table",
    "save_export", "enqueue_job", "JobContext", "GuardedFile", "GuardedZip", "NotGuarded", "text_file", "json_file",
    "annex_check", "ANNEX_PROTECTED", "ANNEX_IMAGE", "ANNEX_UNREADABLE", "send_guarded", "json_answer",
    # Languages and notifications
    "gettext", "lazy_gettext", "lazy_pgettext", "in_language", "format_date", "format_datetime", "format_money",
    "followers_of", "notify",
    # Statements run on every request, and the search index (speed measures: README "Speed")
    "built_once", "read_rows", "among_ids", "Viewer", "viewer", "VIEWER_ID",
    "index_tokens", "forget_tokens", "bulk_rows", "matching_word_prefixes", "prefix_conditions_to_bind",
    "prefix_matches_to_bind", "prefix_params",
]
