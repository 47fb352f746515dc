"""Every hook a plugin can implement: the whole extension surface of Observatory, in one file.

A plugin is a module registered under the ``observatory.plugins`` entry-point group. It implements
hooks with :data:`hookimpl`; each returns *data* (the records in :mod:`core.plugin_host.contributions`), never
HTML. The core calls each plugin's implementation separately, so one plugin's error is logged and
shown on the admin plugins page without costing the others their answer. Implementations are called
in registration order (the core first, then plugins as loaded); ``@hookimpl(trylast=True)`` runs one
after the others, ``@hookimpl(tryfirst=True)`` before them. Unless a hook says otherwise,
implementations are called inside an application context and may use ``db.session``.
"""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("observatory")
hookimpl = pluggy.HookimplMarker("observatory")


# --- Set-up -----------------------------------------------------------------------------------

@hookspec
def observatory_startup(app):
    """Called once by ``create_app`` after every plugin is loaded and every blueprint registered.

    Receives the Flask ``app`` (inside its application context). Returns nothing. Use it for
    app-level wiring (template filters, signal handlers); never write to the database here.

    Example::

        @hookimpl
        def observatory_startup(app):
            app.jinja_env.filters["refcode"] = format_reference_code
    """


@hookspec
def observatory_blueprints():
    """Called once at start-up; returns a list of Flask blueprints to register.

    Name each blueprint after the plugin id; every view must carry an access rule from
    :mod:`core.web.permissions` (``@permission_required(...)``), or it answers 403.

    Example::

        @hookimpl
        def observatory_blueprints():
            return [views.blueprint]
    """


@hookspec
def observatory_permissions():
    """Called at start-up; returns the :class:`~core.plugin_host.contributions.Permission` list a plugin declares.

    Each permission names the built-in roles that hold it by default (``admin`` always holds
    all); admins can then grant or revoke it per role on the roles page.

    Example::

        @hookimpl
        def observatory_permissions():
            return [Permission("interventions.view", _l("See cases"), default_roles=("readonly",))]
    """


@hookspec
def observatory_cli_commands():
    """Called when the ``observatory`` command starts; returns a list of ``click`` commands.

    They are added under ``observatory`` and run inside an application context.

    Example::

        @hookimpl
        def observatory_cli_commands():
            return [renumber_command]
    """


@hookspec
def observatory_demo_data(scale):
    """Called by ``observatory demo-data`` (and ``make run``) on an empty database, core records first.

    Adds realistic but fictitious records, about ``scale`` times the default demo size (benchmarks
    ask for hundreds: use bulk inserts), linked to the core's demo defenders and partners. The
    caller commits. Returns a short sentence saying what was added, or ``None``.

    Example::

        @hookimpl
        def observatory_demo_data(scale):
            db.session.execute(insert(Case), make_demo_cases(40 * scale))
            return f"{40 * scale} demo cases"
    """


@hookspec
def observatory_record_types():
    """Called when a feature needs to resolve a record by its type (attachments, merges, links).

    Returns :class:`~core.plugin_host.contributions.RecordType` entries: the model (with ``__record_type__``,
    ``confidentiality`` and ``name``), the permissions to see and to edit it, and its page; for a record
    linked to other plugins' records, its relationship to its link rows and the types it may link
    (``links="record_links", linkable=("case",)``: the core serves the panel and the link views,
    :mod:`core.records.links`); for a record concerning defenders or partner organisations, its link rows to
    them and the plugin's rule (``defenders=DefenderLinks("defender_links")``,
    ``partners=PartnerLinks("partner_links")``: the core serves the search, linking and unlinking).

    Example::

        @hookimpl
        def observatory_record_types():
            return [RecordType("case", Case, _l("Case"), "interventions.view", "interventions.edit",
                               "interventions.show", "case_id")]
    """


@hookspec
def observatory_record_choices(kind, query, ids, user, limit):
    """Called when a feature links a record of another plugin (a mission to an intervention case).

    Return, for records of type ``kind`` that the plugin declares (else ``[]``) and that ``user`` may see,
    :class:`~core.plugin_host.contributions.RecordChoice` entries: those matching the words of ``query`` (at most
    ``limit``, newest first), or, when ``ids`` is given, those among ``ids`` (to show the linked ones).
    Keep it to one query.

    Example::

        @hookimpl
        def observatory_record_choices(kind, query, ids, user, limit):
            if kind != "case" or not can("interventions.view", user):
                return []
            return [RecordChoice("case", c.id, c.title) for c in find_cases(query, ids, user, limit)]
    """


@hookspec
def observatory_record_summaries(kind, ids, country, related, user, locale, include_restricted, limit):
    """Called when a document sent outside the organisation speaks of other plugins' records (an advocacy
    dossier for an intergovernmental body gathers cases and mission findings).

    Returns :class:`~core.plugin_host.contributions.RecordSummary` entries for the records of type ``kind`` that the
    plugin declares (else ``[]``) and that ``user`` may see: those among ``ids``; or, when ``country`` (alpha-3)
    is given, those about that country; or, when ``related`` (``{"case": [ids]}``) is given, those linked to
    these records; at most ``limit``, newest first. Summaries hold publishable fields only, in ``locale``:
    never a source, a contact or an internal note. Write names as they are: the document's disclosure guard
    (:mod:`core.disclosure`) replaces those that may not leave; never mask in the plugin. Restricted records are
    returned only when ``include_restricted`` is true (the caller checked the permission and audits the export).
    Batch the
    queries: a dossier may hold hundreds of records.

    Example::

        @hookimpl
        def observatory_record_summaries(kind, ids, country, related, user, locale, include_restricted, limit):
            if kind != "case":
                return []
            return [RecordSummary("case", c.id, c.reference, masked(c)) for c in cases_for(ids, country, user)]
    """


@hookspec
def observatory_vocabularies():
    """Called when forms and the admin's list pages need the controlled vocabularies.

    Returns ``(key, label)`` pairs naming the controlled lists a plugin uses (their terms live in
    the core ``Term`` table, seeded by the plugin's migration); admins extend them on the
    vocabularies page, and imports never create terms silently.

    Example::

        @hookimpl
        def observatory_vocabularies():
            return [("violations", _l("Violations"))]
    """


# --- What a plugin contributes to the interface ------------------------------------------------

@hookspec
def observatory_nav_items():
    """Called on every page render; returns :class:`~core.plugin_host.contributions.NavItem` entries.

    The core sorts them by ``order`` and shows only those whose ``permission`` the user holds.

    Example::

        @hookimpl
        def observatory_nav_items():
            return [NavItem(_l("Cases"), "interventions.index", "interventions.view", order=10)]
    """


@hookspec
def observatory_dashboard_widgets(user):
    """Called when ``user`` opens the dashboard; returns :class:`~core.plugin_host.contributions.Widget` panels,
    and :class:`~core.plugin_host.contributions.WaitingItem` entries for what waits for that user alone (an action
    they may review, a request awaiting their vote, a case of theirs whose verification is overdue, a reply due).

    Widgets and items the user lacks the ``permission`` for are dropped by the core, which gathers every plugin's
    items into its *Waiting for me* list, oldest first. Return at most five items of each ``kind`` (the dashboard's
    rows; give them a ``more_url`` to the whole list), and read them in the statements that read the widgets
    (a ``UNION ALL``): the dashboard keeps a constant number of queries. A context of plain values (rows, tuples,
    dates, frozen dataclasses) lets the core render the panel once per language and content and reuse it
    (``core.web.fragments``); its template then sees only ``context``, never the user or the request.

    Example::

        @hookimpl
        def observatory_dashboard_widgets(user):
            rows = due_and_mine(user)   # one statement: the widget's rows and the user's own
            return [Widget(_l("Awaiting verification"), "interventions/widget.html", {"cases": rows.due}),
                    *(WaitingItem(r.submitted_at, "review", _l("To review"), r.title, url(r.id)) for r in rows.mine)]
    """


@hookspec
def observatory_search(query, user, limit):
    """Called by the global search with the ``query`` text, the ``user`` and a ``limit`` per plugin.

    Returns at most ``limit`` :class:`~core.plugin_host.contributions.SearchHit` results the user may see;
    the core also drops hits whose ``permission`` the user lacks, then ranks them by ``score``. A hit's
    ``more_url`` (the plugin's list searching the same words) is offered when ``limit`` hits of its kind came.

    Example::

        @hookimpl
        def observatory_search(query, user, limit):
            return [SearchHit(c.title, url_for("interventions.show", id=c.id), _("Case"))
                    for c in find_cases(query, user, limit)]
    """


# --- Records and events ------------------------------------------------------------------------

@hookspec
def observatory_defender_timeline(defender_id, user):
    """Called when ``user`` opens the file of the defender ``defender_id``.

    Returns :class:`~core.plugin_host.contributions.TimelineEntry` items about that defender, every step the user
    may see (one statement, whatever their number: the file's statement count is asserted); the core drops those
    the user may not see and merges every plugin's in true order (``core.api.in_true_order``): give a step known
    only by its day the moment it was written down (``recorded``), list a record's steps in the order they follow
    each other, and name each ``kind`` in the file's filter (``kind_label``).

    Example::

        @hookimpl
        def observatory_defender_timeline(defender_id, user):
            return [TimelineEntry(a.issued_on, "appeal", a.title, recorded=a.created_at, kind_label=_l("Appeals"))
                    for a in appeals_for(defender_id)]
    """


@hookspec
def observatory_deadlines(start, end, user, limit):
    """Called by the deadline engine for the dates ``start`` to ``end`` (inclusive) seen by ``user``.

    Returns :class:`~core.plugin_host.contributions.DatedItem` entries (hearings, sessions, reports due);
    the dashboard, the upcoming page and calendar feeds show them. Give each item the ``record`` it is about
    (``("mission", id)``): a calendar feed leaves the organisation, and the disclosure guard then keeps that
    record's protected fields (an internal title, a name without consent) out of it. ``limit`` is how many of the
    earliest items the caller shows (the dashboard: a few), or ``None`` for all of them: a plugin
    with many items may return only its ``limit`` earliest; one that ignores it may leave it out
    of its parameters.

    Example::

        @hookimpl
        def observatory_deadlines(start, end, user, limit):
            return [DatedItem(h.day, _("Hearing"), "hearing") for h in hearings_between(start, end, limit)]
    """


@hookspec
def observatory_merge_records(kind, source_id, target_id, only):
    """Called while two records of ``kind`` ("defender" or "partner") are merged, and when a merge is undone.

    Optional: without it, every row of the plugin's tables whose foreign key points at the source is moved to
    the target anyway (a row the target already has, by a unique key, is dropped and kept whole in the audit
    row), and moved back on undo; a row that cannot be moved refuses the merge. Implement it only for rules of
    your own (combining two rows into one, say): it runs first, and the core moves whatever it leaves.

    Move the plugin's rows that point to ``source_id`` so they point to ``target_id``, inside the
    caller's transaction (never commit). ``only`` is ``None`` for a merge (move every row), or,
    when undoing one, ``{"table": [row ids]}``: move back exactly those rows. Returns a
    :class:`~core.plugin_host.contributions.MergeResult` listing the ids moved per table (kept in the audit
    trail so the merge can be undone), or ``None``. An exception aborts the whole operation.

    Example::

        @hookimpl
        def observatory_merge_records(kind, source_id, target_id, only):
            ids = relink(CaseDefender, source_id, target_id, (only or {}).get("case_defenders"))
            return MergeResult("interventions", {"case_defenders": ids})
    """


@hookspec
def observatory_people_changed():
    """Called after an administrator changed who holds which permission (a user's roles or active state, a role's
    permissions), once the change is committed.

    Returns nothing. For rules that count people: a committee whose members changed applies its quorum again now,
    rather than when someone next opens a request (a page view never writes).

    Example::

        @hookimpl
        def observatory_people_changed():
            services.settle_all()
    """


@hookspec
def observatory_notification_kinds():
    """Called once per application to learn the kinds of notification a plugin sends.

    Returns :class:`~core.plugin_host.contributions.NotificationKind` entries; users choose on their account page
    whether they receive each one in the app and by email. Send them with
    ``core.notifications.services.notify(user_ids, key, params, url)``.

    Example::

        @hookimpl
        def observatory_notification_kinds():
            return [NotificationKind("grant_submitted", _l("Grant requests to vote on"),
                                     _l("Grant request #%(number)s awaits your vote."),
                                     _l("A grant request awaits your vote"), email=True)]
    """


# --- Disclosure ---------------------------------------------------------------------------------

@hookspec
def observatory_protected_terms(records, audience, external):
    """Called by the disclosure guard (:mod:`core.disclosure`) before any output leaves: a document, a dossier,
    a publication, a letter, an export, a feed.

    ``records`` lists the ``(record type, id)`` pairs the output is about; ``audience`` is the user it is built
    for (``None``: the public); ``external`` is true when it leaves the organisation. Returns
    :class:`~core.disclosure.Protected` entries for the plugin's own protected fields of those records: a
    confidential source, an internal title (with the publishable wording as ``replacement``), a beneficiary's
    payment details. The guard masks them wherever they appear; never mask or filter in the plugin itself.
    If this hook raises, the output is refused (the register would be incomplete).

    Example::

        @hookimpl
        def observatory_protected_terms(records, audience, external):
            ids = [i for kind, i in records if kind == "case"]
            return [Protected(SOURCE, c.source_details, record=("case", c.id)) for c in sources_of(ids)]
    """


@hookspec
def observatory_records_concerned(records):
    """Called by the disclosure guard (:mod:`core.disclosure`) before an output about ``records`` leaves (a letter
    about a case, a mission report, a feed's entries), to learn whom those records concern.

    ``records`` lists ``(record type, id)`` pairs. Returns the ``(record type, id)`` pairs that the plugin's own
    records among them concern: defenders and partners (``("defender", 7)``), whose personal details (address,
    family, phones) the guard then keeps out as if the output were about them, even where it names them only by
    their publishable name; and other plugins' records linked to them (``("case", 12)``), which the guard asks
    about in turn. Return ``[]`` for other types. Batch the queries (a feed is about hundreds of records); if this
    hook raises, the output is refused.

    Example::

        @hookimpl
        def observatory_records_concerned(records):
            ids = [i for kind, i in records if kind == "case"]
            return [("defender", d) for d in defender_ids_of_cases(ids)]
    """


@hookspec
def observatory_outputs():
    """Called when the ways out of the Observatory are listed (*Administration → Plugins*, the disclosure
    canary suite). Returns :class:`~core.plugin_host.contributions.Output` entries, one per document, export or feed the
    plugin builds. Every one of them still leaves through the disclosure guard (``core.documents.documents`` and the
    export writer take it); declaring them is how a new output joins the checks without editing them.

    Example::

        @hookimpl
        def observatory_outputs():
            return [Output("missions.report", _l("Mission report"), True,
                           lambda mission_id, user: [OutputRequest(f"/missions/{mission_id}/report.pdf")],
                           record_type="mission")]
    """


@hookspec
def observatory_free_text():
    """Called when the fields people type freely are listed (the disclosure canary suite writes protected names
    into each). Returns :class:`~core.plugin_host.contributions.FreeText` entries for the plugin's own models.

    Example::

        @hookimpl
        def observatory_free_text():
            return [FreeText(Mission, ("objectives", "findings")), FreeText(MissionNote, ("text",))]
    """


# --- Publications ------------------------------------------------------------------------------

@hookspec
def observatory_statistics(year, region, user, locale):
    """Called by the statistics page (for ``user``) and by the annual report (``user`` is ``None``).

    Returns :class:`~core.plugin_host.contributions.Chart` figures, labelled in ``locale``, for the calendar ``year``
    (``None``: every year, for charts across years) and the ``region`` key (``""``: all regions). Count only
    the records ``user`` may see (:func:`core.records.visibility.visible`), linked records included (a
    restricted defender on a visible case); with no user, leave restricted records out entirely, since the
    report is public. Group in the database: one query per chart. A chart whose categories are parts of
    another's says so (``nests_in``, ``parents``), so the core withholds small counts across both; never
    withhold or round counts yourself.

    Example::

        @hookimpl
        def observatory_statistics(year, region, user, locale):
            rows = db.session.execute(select(Case.region, func.count()).group_by(Case.region))
            return [Chart("cases_by_region", _("Cases by region"), *zip(*rows))]
    """

@hookspec
def observatory_bulletin_sections(year, month, locale):
    """Called to build the monthly bulletin of ``month``/``year`` in ``locale`` ("en", "fr", "es").

    Returns :class:`~core.plugin_host.contributions.Section` parts whose items are
    :class:`~core.plugin_host.contributions.PublicationItem` entries holding only public, publishable information
    (consented names, no restricted record).

    Example::

        @hookimpl
        def observatory_bulletin_sections(year, month, locale):
            return [Section("appeals", _("Urgent appeals"), tuple(appeals_of(year, month, locale)))]
    """


@hookspec
def observatory_annual_report_sections(year, locale):
    """Called to build the annual report of ``year`` in ``locale``.

    Returns :class:`~core.plugin_host.contributions.Section` parts under the same rules as the bulletin.
    Must stream or batch its queries: a year may hold thousands of records.

    Example::

        @hookimpl
        def observatory_annual_report_sections(year, locale):
            return [Section("missions", _("Missions"), tuple(missions_of(year, locale)), order=20)]
    """
