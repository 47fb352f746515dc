"""Advocacy dossiers for an intergovernmental body: a country, or a chosen set of intervention cases, with
everything the organisation knows and may send.

A dossier is gathered once (:func:`gather`) as plain data in the requested language, then written as PDF or
DOCX through the core documents service, or as a ZIP holding the PDF, a machine-readable JSON of the same
content and the annexes chosen. Restricted records stay out unless the exporter holds
``advocacy.dossier_restricted`` and asks for them (the export is audited), and personal details and the sources
of our communications are never gathered. Everything written then passes through the core's disclosure guard
(:func:`guard_for`), which replaces the names of defenders who did not consent (wherever they are written,
the cover note included) and stops the build while a name may be someone else's. What was kept out is listed,
for the preview. Cases and mission findings come from the other plugins through ``observatory_record_summaries``.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from flask_babel import force_locale
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from core.api import (
    RESTRICTED,
    Attachment,
    Country,
    Defender,
    Document,
    Guard,
    GuardedFile,
    GuardedZip,
    JobContext,
    RecordSummary,
    User,
    annex_check,
    audit,
    audit_preflight_build,
    can,
    country_name,
    db,
    format_date,
    record_summaries,
    render_document,
    utcnow,
    visible,
)
from core.api import gettext as _

from . import requirements, services
from .forms import ANSWER_KINDS
from .models import ActionDefender, ActionRecordLink, AdvocacyAction, Mechanism

LANGUAGES = ("en", "fr", "es")
MAX_CASES = 200  # a dossier for a country takes its latest cases, and says how many were left out
RESTRICTED_PERMISSION = "advocacy.dossier_restricted"


@dataclass(frozen=True)
class DossierRequest:
    """What the exporter chose; plain values, so it can travel to a job."""

    mechanism_id: int
    language: str
    country: str = ""  # alpha-3: a country's dossier
    case_ids: tuple[int, ...] = ()  # or a chosen set of cases
    include_restricted: bool = False
    cover_note: str = ""
    annex_ids: tuple[int, ...] = ()

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> DossierRequest:
        return cls(int(params["mechanism_id"]), params["language"], params.get("country", ""),
                   tuple(int(i) for i in params.get("case_ids", ())), bool(params.get("include_restricted")),
                   params.get("cover_note", ""), tuple(int(i) for i in params.get("annex_ids", ())))


@dataclass
class Dossier:
    """The dossier's content, in its language, ready to be written in any format."""

    mechanism: str
    mechanism_key: str
    language: str
    subject: str
    country: str
    made_on: date
    cover_letter: list[str]
    summary: list[str]
    defenders: list[dict[str, Any]]
    cases: list[dict[str, Any]]
    missions: list[dict[str, Any]]
    history: list[dict[str, Any]]
    annexes: list[dict[str, Any]]
    left_out: list[str] = field(default_factory=list)
    restricted_included: list[tuple[str, int]] = field(default_factory=list)
    annex_choices: list[dict[str, Any]] = field(default_factory=list)
    records: list[tuple[str, int]] = field(default_factory=list)  # what it is about, for the disclosure guard

    def as_json(self) -> dict[str, Any]:
        """The machine-readable content: what the documents say, with ISO dates."""
        data = {key: value for key, value in asdict(self).items()
                if key not in ("restricted_included", "annex_choices", "left_out", "records")}
        data["made_on"] = self.made_on.isoformat()
        data["format"] = "observatory-advocacy-dossier/1"
        return json.loads(json.dumps(data, default=lambda value: value.isoformat()))


def languages_for(mechanism: Mechanism) -> list[str]:
    """The dossier languages the body reads (its working languages among English, French and Spanish)."""
    return [code for code in mechanism.languages if code in LANGUAGES] or list(LANGUAGES)


def may_include_restricted(user: Any) -> bool:
    return can(RESTRICTED_PERMISSION, user)


def gather_dossier(request: DossierRequest, user: Any, progress: Any = None) -> Dossier:
    """Everything the dossier holds, seen by ``user``; restricted records only when asked for and allowed."""
    mechanism = db.session.get(Mechanism, request.mechanism_id)
    include = request.include_restricted and may_include_restricted(user)
    locale = request.language if request.language in LANGUAGES else "en"
    with force_locale(locale):
        left_out: list[str] = []
        restricted: list[tuple[str, int]] = []
        country = db.session.scalar(select(Country).where(Country.alpha3 == request.country)) \
            if request.country else None
        cases = record_summaries("case", user, locale, ids=request.case_ids,
                                        country=country.alpha3 if country else "", include_restricted=True,
                                        limit=MAX_CASES + 1)
        if country and len(cases) > MAX_CASES:
            left_out.append(_("Cases beyond the latest %(count)d of the country", count=MAX_CASES))
            cases = cases[:MAX_CASES]
        cases = _keep(cases, include, restricted, left_out, _("%(count)d restricted case(s)"))
        case_ids = [summary.id for summary in cases]
        actions = _actions(mechanism, country, case_ids, user)
        actions = _keep(actions, include, restricted, left_out, _("%(count)d restricted advocacy action(s)"))
        if progress:
            progress(30, _("Cases and advocacy gathered"))
        missions = record_summaries(
            "mission", user, locale, ids=_linked(actions, "mission"), include_restricted=True)
        missions += record_summaries("mission", user, locale, country=country.alpha3 if country else "",
                                            related={} if country else {"case": case_ids}, include_restricted=True) \
            if (country or case_ids) else []
        missions = _keep(list({m.id: m for m in missions}.values()), include, restricted, left_out,
                         _("%(count)d restricted mission(s)"))
        defender_ids = {i for summary in cases + missions for i in summary.defender_ids}
        defender_ids |= {link.defender_id for action in actions for link in action.defender_links}
        defenders = list(db.session.scalars(select(Defender).where(
            Defender.id.in_(defender_ids), visible(Defender, user)).options(
            joinedload(Defender.country), selectinload(Defender.rights)).order_by(Defender.name)))
        defenders = _keep(defenders, include, restricted, left_out, _("%(count)d restricted defender(s)"))
        for summary in cases + missions:
            left_out.extend(summary.left_out)
        sources = sum(1 for action in actions if action.detail("source"))
        if sources:
            left_out.append(_("The confidential sources of %(count)d communication(s)", count=sources))
        if defenders:
            left_out.append(_("Personal details of the defenders (contacts, addresses, exact locations, family)"))
        unnamed = [d for d in defenders if not d.consent_to_publish]
        if unnamed:
            left_out.append(_("The real names of %(count)d defender(s) who did not consent: they appear as %(names)s",
                              count=len(unnamed), names=", ".join(_public_name(d) for d in unnamed)))
        annex_choices = _annex_choices(actions, cases, missions)
        chosen = [a for a in annex_choices if a["id"] in set(request.annex_ids)]
        if len(chosen) < len(annex_choices):
            left_out.append(_("%(count)d attachment(s) not chosen as annexes", count=len(annex_choices) - len(chosen)))
        subject = _("Situation of human rights defenders in %(country)s", country=country_name(country.alpha2, locale)) \
            if country else _("Situation of the human rights defenders of %(count)d case(s) followed by the Observatory",
                              count=len(cases))
        dossier = Dossier(
            mechanism=mechanism.name_in(locale), mechanism_key=mechanism.key, language=locale, subject=subject,
            country=country.alpha3 if country else "", made_on=utcnow().date(),
            cover_letter=_cover_letter(mechanism.name_in(locale), subject, request.cover_note),
            summary=[], defenders=[_defender(d, locale, _chronology(d.id, cases, actions)) for d in defenders],
            cases=[_record(summary) for summary in cases], missions=[_record(summary) for summary in missions],
            history=[_history(action) for action in actions], annexes=chosen, left_out=left_out,
            restricted_included=restricted if include else [], annex_choices=annex_choices,
            records=[("defender", d.id) for d in defenders]
            + [("defender", link.defender_id) for action in actions for link in action.defender_links]
            + [(summary.kind, summary.id) for summary in cases + missions]
            + [(AdvocacyAction.__record_type__, action.id) for action in actions])
        dossier.summary = _summary(dossier)
        return dossier


def _keep(records: list, include: bool, restricted: list, left_out: list, message: str) -> list:
    """The records to print: restricted ones only when included (noted for the audit), else counted out."""
    hidden = [r for r in records if r.confidentiality == RESTRICTED]
    if hidden and not include:
        left_out.append(message % {"count": len(hidden)})
        return [r for r in records if r.confidentiality != RESTRICTED]
    restricted.extend((_record_type(r), r.id) for r in hidden)
    return records


def _record_type(record: Any) -> str:
    return record.kind if isinstance(record, RecordSummary) else record.__record_type__


def _actions(mechanism: Mechanism, country: Country | None, case_ids: list[int], user: Any) -> list[AdvocacyAction]:
    """What was sent to this body about the country, or about the chosen cases or their defenders."""
    if country is not None:
        scope = AdvocacyAction.country_id == country.id
    elif case_ids:
        scope = AdvocacyAction.id.in_(select(ActionRecordLink.owner_id).where(
            ActionRecordLink.record_type == "case", ActionRecordLink.record_id.in_(case_ids)))
    else:
        return []
    return list(db.session.scalars(select(AdvocacyAction).where(
        AdvocacyAction.mechanism_id == mechanism.id, visible(AdvocacyAction, user), scope).options(
        selectinload(AdvocacyAction.answers), selectinload(AdvocacyAction.record_links),
        selectinload(AdvocacyAction.defender_links).joinedload(ActionDefender.defender))
        .order_by(AdvocacyAction.sent_on.is_(None), AdvocacyAction.sent_on, AdvocacyAction.id)))


def _linked(actions: list[AdvocacyAction], kind: str) -> list[int]:
    return sorted({link.record_id for action in actions for link in action.record_links if link.record_type == kind})


def _public_name(defender: Defender) -> str:
    return defender.name if defender.consent_to_publish else (defender.publication_name.strip() or "[…]")


def _defender(defender: Defender, locale: str, chronology: list[dict[str, Any]]) -> dict[str, Any]:
    """A defender as the dossier presents them (their name as written: the guard decides what may leave)."""
    return {"name": defender.name, "named_with_consent": defender.consent_to_publish,
            "kind": defender.kind, "country": country_name(defender.country.alpha2, locale) if defender.country else "",
            "profession": defender.profession if defender.consent_to_publish else "",
            "rights": [term.label for term in defender.rights], "situation": defender.summary,
            "chronology": chronology}


def _chronology(defender_id: int, cases: list[RecordSummary], actions: list[AdvocacyAction]) -> list[dict[str, Any]]:
    """The defender's own chronology: the events of their cases and our actions on them (with reference codes),
    and what was sent to this body about them, in date order."""
    lines = [(line.when, line.text, line.reference) for case in cases if defender_id in case.defender_ids
             for line in (*case.events, *case.actions)]
    lines += [(action.sent_on, f"{requirements.type_label(action.type)}: {action.title}", action.reference)
              for action in actions if action.sent_on and defender_id in {l.defender_id for l in action.defender_links}]
    lines.sort(key=lambda line: (line[0] is None, line[0] or date.min))
    return [{"date": when, "text": text, "reference": reference} for when, text, reference in lines]


def _record(summary: RecordSummary) -> dict[str, Any]:
    return {"kind": summary.kind, "title": summary.title, "summary": summary.summary,
            "country": summary.country, "findings": summary.findings,
            "chronology": [{"date": line.when, "text": line.text, "reference": line.reference}
                           for line in summary.events],
            "actions": [{"date": line.when, "text": line.text, "reference": line.reference}
                        for line in summary.actions]}


def _history(action: AdvocacyAction) -> dict[str, Any]:
    return {"type": str(requirements.type_label(action.type)), "title": action.title,
            "sent_on": action.sent_on, "reference": action.reference,
            "answers": [{"date": answer.received_on, "kind": str(ANSWER_KINDS.get(answer.kind, answer.kind))}
                        for answer in action.answers]}


def _annex_choices(actions: list[AdvocacyAction], cases: list[RecordSummary],
                   missions: list[RecordSummary]) -> list[dict[str, Any]]:
    """The files attached to the dossier's actions, their answers, cases and missions."""
    keys = [("advocacy_action", [a.id for a in actions]),
            ("advocacy_answer", [r.id for a in actions for r in a.answers]),
            ("case", [c.id for c in cases]), ("mission", [m.id for m in missions])]
    conditions = [(Attachment.record_type == kind) & Attachment.record_id.in_(ids) for kind, ids in keys if ids]
    if not conditions:
        return []
    rows = db.session.scalars(select(Attachment).where(or_(*conditions)).order_by(Attachment.id))
    return [{"id": row.id, "name": row.name, "description": row.description, "record_type": row.record_type,
             "size": row.size, "sha256": row.sha256} for row in rows]


def _cover_letter(mechanism: str, subject: str, note: str) -> list[str]:
    paragraphs = [
        _("To: %(mechanism)s", mechanism=mechanism),
        _("Subject: %(subject)s", subject=subject),
        _("The Observatory for the Protection of Human Rights Defenders has the honour to submit this dossier to "
          "your attention. It presents the defenders concerned, the facts documented by the Observatory, the "
          "actions it has taken and its exchanges with your mechanism, and asks you to use every means within "
          "your mandate to ensure their protection."),
    ]
    if note.strip():
        paragraphs.append(note.strip())
    paragraphs.append(_("Defenders who have not consented to be named appear under the names they may be "
                        "published under; we ask you to keep them so in any communication."))
    return paragraphs


def _summary(dossier: Dossier) -> list[str]:
    answered = sum(1 for item in dossier.history if item["answers"])
    return [_("%(count)d defender(s)", count=len(dossier.defenders)),
            _("%(count)d case(s)", count=len(dossier.cases)),
            _("%(count)d mission report(s)", count=len(dossier.missions)),
            _("%(count)d action(s) with this mechanism, %(answered)d answered", count=len(dossier.history),
              answered=answered),
            _("%(count)d annex(es)", count=len(dossier.annexes))]


# --- Writing ------------------------------------------------------------------------------------

def _day(value: date | None) -> str:
    return format_date(value, "long") if value else "—"


def to_document(dossier: Dossier) -> Document:
    """The dossier as a core document (PDF, DOCX), with the labels in its language."""
    from core.api import BulletList, Heading, PageBreak, Paragraph, Table

    with force_locale(dossier.language):
        blocks: list = [Heading(_("Cover letter"))]
        blocks += [Paragraph(text) for text in dossier.cover_letter]
        blocks += [Heading(_("Summary")), BulletList(tuple(dossier.summary))]
        if dossier.defenders:
            blocks += [PageBreak(), Heading(_("Defenders"))]
            for person in dossier.defenders:
                blocks.append(Heading(person["name"], 3))
                details = [person["country"], person["profession"], ", ".join(person["rights"])]
                blocks.append(Paragraph(" · ".join(part for part in details if part), emphasis=True))
                if person["situation"]:
                    blocks.append(Paragraph(person["situation"]))
                if person["chronology"]:
                    blocks.append(Table((_("Date"), _("Event or action"), _("Reference")), tuple(
                        (_day(line["date"]), line["text"], line["reference"] or "—") for line in person["chronology"])))
        if dossier.cases:
            blocks += [PageBreak(), Heading(_("Cases"))]
            for case in dossier.cases:
                blocks += _record_blocks(case)
        if dossier.missions:
            blocks += [Heading(_("Mission findings"))]
            for mission in dossier.missions:
                blocks += _record_blocks(mission)
                if mission["findings"]:
                    blocks.append(Paragraph(mission["findings"]))
        blocks.append(Heading(_("Advocacy with %(mechanism)s", mechanism=dossier.mechanism)))
        if dossier.history:
            blocks.append(Table((_("Sent"), _("Type"), _("Reference"), _("Answers")), tuple(
                (_day(item["sent_on"]), item["type"], item["reference"] or "—",
                 "; ".join(f"{_day(answer['date'])}: {answer['kind']}" for answer in item["answers"]) or "—")
                for item in dossier.history)))
        else:
            blocks.append(Paragraph(_("Nothing was sent to this mechanism about these cases yet.")))
        if dossier.annexes:
            blocks += [Heading(_("Annexes")), BulletList(tuple(
                f"{index}. {annex['name']}" + (f" — {annex['description']}" if annex["description"] else "")
                for index, annex in enumerate(dossier.annexes, start=1)))]
        return Document(_("Dossier for %(mechanism)s", mechanism=dossier.mechanism), dossier.language,
                        blocks, subtitle=f"{dossier.subject} · {_day(dossier.made_on)}",
                        footer=_("Observatory for the Protection of Human Rights Defenders"))


def _record_blocks(record: dict[str, Any]) -> list:
    from core.api import Heading, Paragraph, Table

    blocks: list = [Heading(record["title"], 3)]
    if record["summary"]:
        blocks.append(Paragraph(record["summary"]))
    if record["chronology"]:
        blocks.append(Table((_("Date"), _("Event")), tuple(
            (_day(line["date"]), line["text"]) for line in record["chronology"])))
    if record["actions"]:
        blocks.append(Table((_("Date"), _("Our action"), _("Reference")), tuple(
            (_day(line["date"]), line["text"], line["reference"] or "—") for line in record["actions"])))
    return blocks


def annex_checks(dossier: Dossier, guard: Guard, ids: list[int] | None = None) -> dict[int, str]:
    """What the disclosure guard found in each file offered as an annex (or in those of ``ids``): an annex leaves
    whole (``annex_check``: ANNEX_PROTECTED, ANNEX_UNREADABLE, ANNEX_IMAGE); clear files are not listed."""
    found: dict[int, str] = {}
    for annex in dossier.annex_choices:
        if ids is None or annex["id"] in ids:
            if check := annex_check(db.session.get(Attachment, annex["id"]), guard):
                found[annex["id"]] = check
    return found


def to_zip(dossier: Dossier, stem: str, guard: Guard) -> GuardedFile:
    """The PDF, the JSON of the same content and the annexes, in one file written by the core's guarded ZIP
    writer: an annex leaves whole, so one whose text holds a protected name or detail (or cannot be read)
    refuses the dossier."""
    bundle = GuardedZip(guard)
    bundle.add(render_document(to_document(dossier), "pdf", stem, guard))
    bundle.add_json(f"{stem}.json", dossier.as_json())
    for index, annex in enumerate(dossier.annexes, start=1):
        bundle.add_annex(db.session.get(Attachment, annex["id"]), f"annexes/{index:02d}-")
    return bundle.finish(f"{stem}.zip")


def file_stem(dossier: Dossier) -> str:
    scope = dossier.country or "cases"
    return f"dossier-{dossier.mechanism_key}-{scope}-{dossier.language}-{dossier.made_on.isoformat()}"


def guard_for(dossier: Dossier, user: Any, decisions: dict[str, str] | None = None, step: str = "") -> Guard:
    """The disclosure guard of this dossier: it leaves the organisation, for ``user``, about its records, with
    the restricted records the exporter included named, and the decisions taken on its ambiguous names on its
    preflight step (at ``step``)."""
    return Guard(user, external=True, records=dossier.records, allowed_restricted=dossier.restricted_included,
                 decisions=decisions, step=step)


def outgoing(dossier: Dossier) -> list[Any]:
    """Everything of the dossier that leaves, exactly as it is written (the document, the JSON, the annexes'
    names): what its preflight reads, so the decisions taken there are those the build needs."""
    return [to_document(dossier), dossier.as_json(), [annex["name"] for annex in dossier.annex_choices]]


def render(dossier: Dossier, fmt: str, guard: Guard) -> GuardedFile:
    """The dossier in ``fmt`` (pdf, docx or zip), each part released by ``guard`` as it is written (the JSON
    and the annexes' names too)."""
    stem = file_stem(dossier)  # the mechanism, the country, the language and the date: no name
    if fmt == "zip":
        return to_zip(dossier, stem, guard)
    return render_document(to_document(dossier), fmt, stem, guard)


def audit_export(dossier: Dossier, request: DossierRequest, mechanism_id: int, fmt: str, actor: Any = None) -> None:
    """One audit row for the export, and one per restricted record it carries out of the organisation."""
    scope = {"country": request.country, "cases": list(request.case_ids), "format": fmt,
             "language": dossier.language, "annexes": [a["id"] for a in dossier.annexes],
             "restricted": [f"{kind} {record_id}" for kind, record_id in dossier.restricted_included]}
    audit("export", Mechanism.__record_type__, mechanism_id, f"Dossier: {dossier.mechanism}", scope, actor=actor)
    for kind, record_id in dossier.restricted_included:
        audit("export", kind, record_id, f"In a dossier for {dossier.mechanism_key}",
              {"dossier": dossier.mechanism_key, "format": fmt}, actor=actor)


def build_dossier(ctx: JobContext, *, user_id: int, request: dict[str, Any], fmt: str) -> None:
    """Job: gather the dossier as its requester sees it, write it applying the decisions taken on its preflight
    step (``request["decisions"]``, those its hits used when the build was asked for), keep the file on the job;
    the build is audited with the decisions it applied."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or not can(services.VIEW, user):
        raise PermissionError("the requester may no longer see advocacy")
    wanted = DossierRequest.from_params(request)
    dossier = gather_dossier(wanted, user, progress=ctx.progress)
    guard = guard_for(dossier, user, request.get("decisions"), request.get("step", ""))
    ctx.progress(60, _("Writing the dossier"))
    file = render(dossier, fmt, guard)  # the guard refuses (Blocked, FileRefused): nothing is kept
    audit_export(dossier, wanted, wanted.mechanism_id, fmt, actor=user)
    audit_preflight_build(guard, file.name, actor=user)
    ctx.save_result(file)
