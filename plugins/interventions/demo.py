"""Fictional intervention cases for the demo and the benchmark, written with bulk inserts.

Each case concerns one or two demo defenders of its country; most are verified, many have a published
urgent appeal (numbered as publication would number it) and some a follow-up; on others an appeal is being
written, a draft or one sent for review (what a coordinator finds in *Waiting for me*). Texts are written in
English, French and Spanish, and nothing is dated after today. The counters end where the
demo numbering stopped, so the next real publication continues the sequence. Each country has two offices in the
authorities directory, to which its urgent appeals are addressed (their letters can be printed); the letters
were dispatched, some answered, a few published texts corrected, and closed cases say why.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import insert, select

from core.api import Assignment, Country, Defender, Partner, Term, User, db, utcnow

from . import search
from .codes import format_code, month_year
from .models import (
    LANGUAGES,
    Action,
    Authority,
    Case,
    CaseDefender,
    CaseEvent,
    Consultation,
    Correction,
    Counter,
    Development,
    Dispatch,
    Outcome,
    Perpetrator,
    Response,
    action_authorities,
    case_violations,
)

CASES_PER_SCALE = 400  # 400 for the demo, 100,000 at the benchmark's scale 250
BATCH = 2000
#: each office in English, French and Spanish, with its salutation in each
OFFICES = [(("Head of State", "Your Excellency,"), ("Chef de l’État", "Excellence,"),
            ("Jefe del Estado", "Excelentísimo Señor:")),
           (("Minister of Justice", "Dear Minister,"), ("Ministre de la Justice", "Monsieur le Ministre,"),
            ("Ministro de Justicia", "Señor Ministro:"))]
# (title in English, French and Spanish; violation; perpetrator). The French titles take ``{de}``, "de" and the name
# with its elision ("d’un défenseur..."), so that no language borrows another's words.
EVENTS = [({"en": "Arbitrary detention of {name}", "fr": "Détention arbitraire {de}",
            "es": "Detención arbitraria de {name}"}, "arbitrary_detention", "police"),
          ({"en": "Judicial harassment of {name}", "fr": "Harcèlement judiciaire à l’encontre {de}",
            "es": "Hostigamiento judicial contra {name}"}, "judicial_harassment", "judiciary"),
          ({"en": "Death threats against {name}", "fr": "Menaces de mort contre {name}",
            "es": "Amenazas de muerte contra {name}"}, "threats", "unknown"),
          ({"en": "Raid on the office of {name}", "fr": "Perquisition du bureau {de}",
            "es": "Allanamiento de la oficina de {name}"}, "raid", "police"),
          ({"en": "Travel ban imposed on {name}", "fr": "Interdiction de voyager imposée à {name}",
            "es": "Prohibición de viajar impuesta a {name}"}, "travel_ban", "other_state"),
          ({"en": "Smear campaign against {name}", "fr": "Campagne de diffamation contre {name}",
            "es": "Campaña de difamación contra {name}"}, "defamation", "media"),
          ({"en": "Physical attack on {name}", "fr": "Agression physique contre {name}",
            "es": "Agresión física contra {name}"}, "physical_attack", "private_individuals")]
#: How a text names a defender who is not named: in each language.
UNNAMED = {"en": "a human rights defender", "fr": "un défenseur des droits humains",
           "es": "un defensor de derechos humanos"}
# released and relocated more often than killed: the demo should look like the work, not like a lottery
OUTCOME_KINDS = ("released", "released", "released", "charges_dropped", "acquitted", "sentenced",
                 "still_detained", "still_detained", "relocated", "disappeared", "killed")
TEXTS = {
    "en": ("The Observatory has been informed of the following facts, in the capital: {event}.",
           "Please write to the authorities asking them to guarantee the physical and psychological integrity of "
           "the defender and to put an end to all acts of harassment."),
    "fr": ("L’Observatoire a été informé des faits suivants, survenus dans la capitale : {event}.",
           "Merci d’écrire aux autorités en leur demandant de garantir l’intégrité physique et psychologique du "
           "défenseur et de mettre un terme à toute forme de harcèlement."),
    "es": ("El Observatorio ha sido informado de los siguientes hechos, ocurridos en la capital: {event}.",
           "Escriban a las autoridades pidiéndoles que garanticen la integridad física y psicológica del defensor y "
           "que pongan fin a todo acto de hostigamiento."),
}


def titles(event: dict[str, str], name: str | None) -> dict[str, str]:
    """The event's title in each language, naming the defender by ``name`` (their name to publish) or, without
    one, as a human rights defender in that language."""
    found = {}
    for lang, title in event.items():
        who = name or UNNAMED[lang]
        de = f"de {name}" if name else "d’un défenseur des droits humains"
        found[lang] = title.format(name=who, de=de)
    return found


#: Developments after an appeal: the kind of act, who committed it, what happened (fictional).
DEVELOPMENTS = (
    ("detention", "state", "The defender's pre-trial detention was extended by 30 days (fictional)."),
    ("threat", "unknown", "The defender received threatening messages after the appeal (fictional)."),
    ("judicial_harassment", "state", "A new charge was brought against the defender (fictional)."),
    ("surveillance", "state", "Plain-clothes officers followed the defender for a week (fictional)."),
    ("defamation", "non_state", "A newspaper called the defender a foreign agent (fictional)."),
)


def load(scale: int = 1, seed: int = 11) -> int:
    rng = random.Random(seed)
    defenders = defaultdict(list)
    for defender_id, country_id, consent, published_name in db.session.execute(
            select(Defender.id, Defender.country_id, Defender.consent_to_publish, Defender.publication_name)):
        defenders[country_id].append((defender_id, consent, published_name))
    if not defenders:
        return 0
    partners = defaultdict(list)
    for partner_id, country_id in db.session.execute(select(Partner.id, Partner.country_id)):
        partners[country_id].append(partner_id)
    alpha3 = dict(db.session.execute(select(Country.id, Country.alpha3)).all())
    violations = dict(db.session.execute(select(Term.key, Term.id).where(Term.vocabulary == "violations")).all())
    officers = list(db.session.scalars(select(User.id).order_by(User.id)))
    countries = sorted(defenders)
    now = utcnow()
    # Numbering goes on from the counters in place, as publication would.
    counters: dict[str, int] = defaultdict(int, dict(db.session.execute(select(Counter.scope, Counter.value)).all()))
    total = scale * CASES_PER_SCALE
    for start in range(0, total, BATCH):
        count = min(BATCH, total - start)
        plans = [_plan(rng, countries, defenders, now) for _ in range(count)]
        plans.sort(key=lambda plan: plan["received_at"])
        case_rows = []
        for plan in plans:
            row = {key: plan[key] for key in ("title", "country_id", "events_date", "events_place", "description",
                                              "source_kind", "source_details", "received_via", "received_at",
                                              "confidentiality", "priority", "status", "verification",
                                              "verified_on", "created_at", "updated_at")}
            row["source_partner_id"] = rng.choice(partners[plan["country_id"]]) if partners[plan["country_id"]] \
                else None
            if plan["published"]:
                year = plan["published_at"].year
                counters[f"obs:{year}"] += 1
                counters[f"country:{year}:{alpha3[plan['country_id']]}"] += 1
                row.update(year=year, obs_number=counters[f"obs:{year}"], first_issued=month_year(plan["published_at"]),
                           country_number=counters[f"country:{year}:{alpha3[plan['country_id']]}"])
            case_rows.append(row)
        ids = list(db.session.scalars(insert(Case).returning(Case.id, sort_by_parameter_order=True), case_rows))
        _children(rng, ids, plans, case_rows, alpha3, violations, partners, officers)
    for scope, value in counters.items():
        db.session.merge(Counter(scope=scope, value=value))
    _authorities(countries)
    _follow_up(rng, officers)
    db.session.flush()
    return total


def _authorities(countries: list[int]) -> None:
    """Each country's offices, and every urgent appeal of its cases addressed to them."""
    db.session.execute(insert(Authority), [
        {"country_id": country_id, "position": position,
         **{f"{part}_{lang}": value for lang, (office, salutation) in zip(LANGUAGES, texts)
            for part, value in (("office", office), ("salutation", salutation))},
         "address_en": "Fictional address (demo)", "address_fr": "Adresse fictive (démo)",
         "address_es": "Dirección ficticia (demo)"}
        for country_id in countries for position, texts in enumerate(OFFICES)])
    db.session.execute(insert(action_authorities).from_select(
        ["action_id", "authority_id"],
        select(Action.id, Authority.id).join(Case, Case.id == Action.case_id)
        .join(Authority, Authority.country_id == Case.country_id).where(Action.type == "urgent_appeal")))


def _follow_up(rng: random.Random, officers: list[int]) -> None:
    """What came after the appeals: each letter dispatched, some answers from the authorities, a few
    corrections of a published text, and why each closed case was closed."""
    today = date.today()
    sent = db.session.execute(
        select(action_authorities.c.action_id, action_authorities.c.authority_id, Action.published_at)
        .join(Action, Action.id == action_authorities.c.action_id).where(Action.status == Action.PUBLISHED)
        .order_by(action_authorities.c.action_id)).all()
    officer = officers[0] if officers else None
    dispatches = [{"action_id": action_id, "authority_id": authority_id, "channel": rng.choice(("email", "fax", "post")),
                   "language": "en", "sent_on": min(today, (published + timedelta(days=1)).date()), "notes": ""}
                  for action_id, authority_id, published in sent]
    appeals = {action_id: published for action_id, _authority, published in sent}
    responses = [{"action_id": action_id, "kind": rng.choice(("acknowledgement", "information_request", "denial")),
                  "received_on": min(today, (published + timedelta(days=rng.randint(10, 40))).date()),
                  "notes": "Fictional answer from the authorities.", "recorded_by_id": officer}
                 for action_id, published in appeals.items() if rng.random() < 0.2]
    corrections = [{"action_id": action_id, "field": "body_en", "before": "An earlier wording (fictional).",
                    "after": "The corrected wording (fictional).", "reason": "A date was wrong (fictional).",
                    "at": min(utcnow(), published + timedelta(days=3)), "by_id": officer}
                   for action_id, published in appeals.items() if rng.random() < 0.05]
    closed = [{"case_id": case_id, "kind": CaseEvent.CLOSED, "at": updated_at, "by_id": officer,
               "reason": "No further action needed (fictional)."}
              for case_id, updated_at in db.session.execute(select(Case.id, Case.updated_at).where(Case.status == "closed"))]
    for table, rows in ((Dispatch, dispatches), (Response, responses), (Correction, corrections), (CaseEvent, closed)):
        if rows:
            db.session.execute(insert(table), rows)


def _plan(rng: random.Random, countries: list[int], defenders: dict, now) -> dict:
    """One case; every date it holds is in the past (a report received today is not yet verified nor published)."""
    country_id = rng.choice(countries)
    chosen = rng.sample(defenders[country_id], k=min(len(defenders[country_id]), rng.choice((1, 1, 1, 2))))
    received = now - timedelta(days=rng.randint(0, 900), hours=rng.randint(0, 23))
    event, violation, perpetrator = rng.choice(EVENTS)
    named = chosen[0][2] if not chosen[0][1] else None
    written = titles(event, named)
    days_ago = (now - received).days
    verified = days_ago >= 2 and (rng.random() < 0.8 or days_ago > 30)
    published = verified and days_ago >= 3 and rng.random() < 0.7
    # Some verified cases have an appeal being written: a draft, or one sent for review (the coordinator's
    # *Waiting for me*).
    status = "closed" if rng.random() < 0.2 else "open"
    drafted = verified and not published and status == "open" and rng.random() < 0.5
    return {
        "title": written["en"], "titles": written, "country_id": country_id, "defenders": [d[0] for d in chosen],
        "events_date": (received - timedelta(days=rng.randint(0, 5))).date(), "events_place": "",
        "description": "Fictional demo case: the facts below are invented for testing.",
        "source_kind": rng.choice(("partner", "partner", "defender", "relative", "media")),
        "source_details": "Demo source (fictional).", "received_via": rng.choice(("email", "phone", "secure_messaging")),
        "received_at": received, "confidentiality": rng.choice(("internal", "internal", "public", "restricted")),
        "priority": rng.choice(("normal", "normal", "high", "urgent")),
        "status": status,
        "verification": Case.VERIFIED if verified else Case.PENDING,
        "verified_on": (received + timedelta(days=1)).date() if verified else None,
        "created_at": received, "updated_at": min(now, received + timedelta(days=rng.randint(0, 30))),
        "published": published, "published_at": received + timedelta(days=2),
        "follow_up": published and days_ago > 25 and rng.random() < 0.3,
        "drafted": (Action.IN_REVIEW if rng.random() < 0.5 else Action.DRAFT) if drafted else None,
        "violation": violation, "perpetrator": perpetrator, "named": named,
    }


def _children(rng, ids, plans, case_rows, alpha3, violations, partners, officers) -> None:
    links, terms, perpetrators, consultations, actions, assignments, outcomes, developments = \
        [], [], [], [], [], [], [], []
    for case_id, plan, row in zip(ids, plans, case_rows):
        links += [{"case_id": case_id, "defender_id": defender_id} for defender_id in plan["defenders"]]
        if plan["violation"] in violations:
            terms.append({"case_id": case_id, "term_id": violations[plan["violation"]]})
        perpetrators.append({"case_id": case_id, "state": plan["perpetrator"] in Perpetrator.STATE_TYPES,
                             "type": plan["perpetrator"], "details": ""})
        if plan["verification"] == Case.VERIFIED and partners[plan["country_id"]]:
            consultations.append({"case_id": case_id, "partner_id": rng.choice(partners[plan["country_id"]]),
                                  "consulted_on": plan["verified_on"], "answer": "confirmed", "notes": ""})
        if officers:
            assignments.append({"record_type": "case", "record_id": case_id, "user_id": rng.choice(officers)})
        if plan["published"]:
            code = format_code(alpha3[plan["country_id"]], row["country_number"], row["first_issued"], row["obs_number"])
            actions.append(_action(case_id, "urgent_appeal", 0, code, plan))
            if plan["follow_up"]:
                actions.append(_action(case_id, "follow_up", 1, f"{code}.1", plan, days=20))
            later = (plan["published_at"] + timedelta(days=rng.randint(7, 60))).date()
            if rng.random() < 0.35 and later < date.today():  # what became of the defenders, weeks later
                outcomes.append({"case_id": case_id, "kind": rng.choice(OUTCOME_KINDS), "notes": "",
                                 "occurred_on": later})
            if rng.random() < 0.4 and later < date.today():  # a development after the appeal, now and then confidential
                act, perpetrator, what = rng.choice(DEVELOPMENTS)
                developments.append({"case_id": case_id, "occurred_on": later, "occurred_at": None, "place": "",
                                     "act": act, "perpetrator": perpetrator, "what": what, "source_partner_id": None,
                                     "source_details": "Demo source (fictional).", "reliability": "probable",
                                     "confidential": rng.random() < 0.15, "created_at": min(utcnow(), plan[
                                         "published_at"] + timedelta(days=(later - plan["published_at"].date()).days + 1)),
                                     "created_by_id": None})
        elif plan["drafted"]:
            actions.append(_draft(case_id, plan, officers[0] if officers else None))
    for table, rows in ((CaseDefender, links), (case_violations, terms), (Perpetrator, perpetrators),
                        (Consultation, consultations), (Action, actions), (Assignment, assignments),
                        (Outcome, outcomes), (Development, developments)):
        if rows:
            db.session.execute(insert(table), rows)
    texts = {case_id: [plan["title"], plan["description"]] for case_id, plan in zip(ids, plans)}
    for row in actions:
        texts[row["case_id"]] += [row["reference"] or ""] + [row[f"{part}_{lang}"] for part in ("title", "body", "requested")
                                                     for lang in TEXTS]
    search.index_documents([(case_id, search.normalise("\n".join(parts))) for case_id, parts in texts.items()])


def _texts(row: dict, plan: dict) -> dict:
    """An appeal's title, text and actions requested, in each language, naming the facts in that language."""
    for lang, (situation, requested) in TEXTS.items():
        title = plan["titles"][lang]
        row[f"title_{lang}"] = title
        row[f"body_{lang}"] = situation.format(event=title[0].lower() + title[1:])
        row[f"requested_{lang}"] = requested
    return row


def _action(case_id: int, kind: str, sequence: int, code: str, plan: dict, days: int = 0) -> dict:
    when = plan["published_at"] + timedelta(days=days)
    return _texts({"case_id": case_id, "type": kind, "status": Action.PUBLISHED, "sequence": sequence,
                   "reference": code, "created_at": when, "updated_at": when, "created_by_id": None,
                   "submitted_at": when, "submitted_by_id": None, "approved_at": when, "published_at": when}, plan)


def _draft(case_id: int, plan: dict, officer: int | None) -> dict:
    """An urgent appeal being written on a verified case: a draft, or sent for review the day after verification."""
    when = min(utcnow(), plan["received_at"] + timedelta(days=2))
    review = plan["drafted"] == Action.IN_REVIEW
    return _texts({"case_id": case_id, "type": "urgent_appeal", "status": plan["drafted"], "sequence": None,
                   "reference": None, "created_at": when, "updated_at": when, "created_by_id": officer,
                   "submitted_at": when if review else None, "submitted_by_id": officer if review else None,
                   "approved_at": None, "published_at": None}, plan)
