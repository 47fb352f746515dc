"""Fictional advocacy for the demo and the benchmark, written with bulk inserts.

The catalogue itself comes with the plugin's migration; the demo adds the coming sessions and deadlines of
the main bodies (dates are relative to today, so the dashboard always has some) and actions over the past years
at every stage: drafts, sent and waiting, overdue, answered. A larger scale means a longer history.
"""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import insert, select

from core.api import Assignment, Defender, SearchToken, User, bulk_rows, db, record_types, utcnow, words

from . import requirements
from .models import ActionDefender, ActionRecordLink, AdvocacyAction, Answer, Mechanism, MechanismSession

ACTIONS_PER_SCALE = 16  # 16 for the demo, 4,000 at the benchmark's scale 250
BATCH = 500
#: (mechanism key, kind, title, days from today to its first day, length in days)
SESSIONS = (
    ("un_hrc", "session", "Regular session (March–April)", 95, 38),
    ("un_hrc", "deadline", "Written statements for the March session", 40, 0),
    ("un_hrc", "session", "Regular session (September–October)", -75, 30),
    ("un_upr", "deadline", "Stakeholder submissions for the next review cycle", 25, 0),
    ("un_upr", "session", "Working Group session", 150, 10),
    ("un_wgad", "session", "Session of the Working Group", 55, 5),
    ("oas_iachr_hearings", "deadline", "Requests for hearings for the next period of sessions", 18, 0),
    ("oas_iachr_hearings", "session", "Period of sessions", 70, 5),
    ("au_achpr", "session", "Ordinary session", 120, 14),
    ("eu_ep_urgency", "session", "Plenary session (urgency resolutions)", 9, 4),
    ("osce_odihr", "session", "Warsaw Human Dimension Conference", 300, 10),
)
TYPES_BY_SYSTEM = {
    "un": ("urgent_appeal", "allegation_letter", "joint_communication", "written_statement", "report_submission"),
    "oas": ("precautionary_measures", "precautionary_measures", "meeting", "letter"),
    "au": ("urgent_appeal", "oral_statement", "letter"),
    "osce": ("meeting", "letter"), "eu": ("meeting", "letter"), "coe": ("letter",),
}
#: What each requirement says, in the language the action is written in (a mechanism's first working language).
DETAILS = {
    "en": {
        "perpetrators": "Officers of the anti-terrorism police (fictional).",
        "source": "A partner organisation, by encrypted message (fictional).",
        "facts": "Arrested at home at dawn on the day of the events, held incommunicado for four days (fictional).",
        "national_steps": "A complaint to the prosecutor, not answered (fictional).",
        "urgency": "Death threats after release; the family home was watched for a week (fictional).",
        "measures": "Protection agreed with the beneficiary; investigation of the threats (fictional).",
        "state_informed": "yes", "state_informed_details": "Complaint to the police, no measure taken (fictional).",
        "session": "Regular session, item 4", "participants": "Head of the human rights section (fictional).",
        "issues": "Release of the defenders; end of the judicial harassment (fictional).",
    },
    "fr": {
        "perpetrators": "Agents de la police antiterroriste (fictif).",
        "source": "Une organisation partenaire, par message chiffré (fictif).",
        "facts": "Arrêté à son domicile à l’aube le jour des faits, détenu au secret pendant quatre jours (fictif).",
        "national_steps": "Une plainte auprès du procureur, restée sans réponse (fictif).",
        "urgency": "Menaces de mort après sa libération ; le domicile familial a été surveillé pendant une semaine "
                   "(fictif).",
        "measures": "Protection convenue avec le bénéficiaire ; enquête sur les menaces (fictif).",
        "state_informed": "yes", "state_informed_details": "Plainte à la police, aucune mesure prise (fictif).",
        "session": "Session ordinaire, point 4", "participants": "Chef de la section des droits humains (fictif).",
        "issues": "Libération des défenseurs ; fin du harcèlement judiciaire (fictif).",
    },
    "es": {
        "perpetrators": "Agentes de la policía antiterrorista (ficticio).",
        "source": "Una organización aliada, por mensaje cifrado (ficticio).",
        "facts": "Detenido en su domicilio al amanecer el día de los hechos, incomunicado durante cuatro días "
                 "(ficticio).",
        "national_steps": "Una denuncia ante la fiscalía, sin respuesta (ficticio).",
        "urgency": "Amenazas de muerte tras su liberación; la casa familiar fue vigilada durante una semana "
                   "(ficticio).",
        "measures": "Protección acordada con la persona beneficiaria; investigación de las amenazas (ficticio).",
        "state_informed": "yes", "state_informed_details": "Denuncia ante la policía, sin ninguna medida (ficticio).",
        "session": "Período ordinario de sesiones, tema 4",
        "participants": "Jefe de la sección de derechos humanos (ficticio).",
        "issues": "Liberación de los defensores; fin del hostigamiento judicial (ficticio).",
    },
}
#: Our text of a submission, in the language it is written in.
TEXTS = {"en": "Fictional text of the submission, for the demo: the facts, our concerns and our requests.",
         "fr": "Texte fictif de la communication, pour la démonstration : les faits, nos préoccupations et nos "
               "demandes.",
         "es": "Texto ficticio de la comunicación, para la demostración: los hechos, nuestras preocupaciones y "
               "nuestras peticiones."}
#: An answer's summary, in the action's language.
ANSWER_SUMMARIES = {"en": "Fictional answer.", "fr": "Réponse fictive.", "es": "Respuesta ficticia."}


def history_days(scale: int) -> int:
    """How far back the demo records go: longer as the scale grows (an organisation's database grows over the
    years), but never more than thirty years."""
    return min(700 * max(1, scale // 4), 30 * 365)


def load(scale: int = 1, seed: int = 29) -> int:
    rng = random.Random(seed)
    mechanisms = db.session.execute(select(Mechanism.id, Mechanism.key, Mechanism.system, Mechanism.abbreviation,
                                                  Mechanism.working_languages)
                                    .where(Mechanism.active.is_(True))).all()
    defenders = defaultdict(list)
    for defender_id, country_id in db.session.execute(select(Defender.id, Defender.country_id)):
        defenders[country_id].append(defender_id)
    countries = sorted(key for key in defenders if key is not None)
    if not mechanisms or not countries:
        return 0
    _sessions({row.key: row.id for row in mechanisms})
    linkable = _linkable_records()
    staff = list(db.session.scalars(select(User.id).order_by(User.id)))
    total = scale * ACTIONS_PER_SCALE
    history = history_days(scale)
    for start in range(0, total, BATCH):
        plans = [_plan(rng, mechanisms, countries, history) for _ in range(min(BATCH, total - start))]
        ids = list(db.session.scalars(insert(AdvocacyAction).returning(AdvocacyAction.id, sort_by_parameter_order=True),
                                      [plan["row"] for plan in plans]))
        _children(rng, ids, plans, defenders, linkable, staff)
    db.session.flush()
    return total


def _sessions(keys: dict[str, int]) -> None:
    today = utcnow().date()
    rows = [{"mechanism_id": keys[key], "kind": kind, "title": title, "starts_on": today + timedelta(days=offset),
             "ends_on": today + timedelta(days=offset + length) if length else None, "notes": ""}
            for key, kind, title, offset, length in SESSIONS if key in keys]
    if rows:
        db.session.execute(insert(MechanismSession), rows)


def _linkable_records() -> dict[str, list[int]]:
    """A few ids of the other plugins' records (cases, missions) when they are enabled, through the core
    registry: this plugin never imports them."""
    found = {}
    for kind, record_type in record_types().items():
        if kind in ("case", "mission"):
            found[kind] = list(db.session.scalars(select(record_type.model.id).order_by(
                record_type.model.id.desc()).limit(200)))
    return found


def _plan(rng: random.Random, mechanisms: list, countries: list[int], history: int) -> dict:
    now = utcnow()
    mechanism = rng.choice(mechanisms)
    kind = rng.choice(TYPES_BY_SYSTEM[mechanism.system])
    created = now - timedelta(days=rng.randint(0, history))
    today = now.date()
    stage = rng.choice(("draft", "sent", "sent", "answered", "answered", "answered"))
    sent_on = None if stage == "draft" else min(today, created.date() + timedelta(days=rng.randint(1, 10)))
    reply = None
    if stage == "sent" and sent_on:
        reply = sent_on + timedelta(days=rng.choice((60, 60, 90)))  # past ones are overdue
    language = mechanism.working_languages.split(",")[0].strip()
    language = language if language in TEXTS else "en"
    public = stage == "answered" and rng.random() < 0.5 and sent_on + timedelta(days=60) <= today
    row = {"mechanism_id": mechanism.id, "type": kind, "country_id": rng.choice(countries),
           "title": f"{kind.replace('_', ' ').capitalize()} to {mechanism.abbreviation}",
           "language": language, "text": TEXTS[language],
           "details": {key: DETAILS[language][key] for key in requirements.DETAIL_KEYS},
           "reference": f"{mechanism.key[:3].upper()} {rng.randint(1, 99)}/{sent_on.year}" if sent_on else "",
           "sent_on": sent_on, "reply_expected_by": reply,
           "made_public_on": sent_on + timedelta(days=60) if public else None,
           "confidentiality": rng.choice(("internal", "internal", "restricted", "public")),
           "created_at": created, "updated_at": created}
    return {"row": row, "stage": stage}


def _children(rng, ids, plans, defenders, linkable, staff) -> None:
    rows: dict = defaultdict(list)
    texts = []
    for action_id, plan in zip(ids, plans):
        row = plan["row"]
        pool = defenders[row["country_id"]]
        for defender_id in rng.sample(pool, k=min(len(pool), rng.randint(1, 2))):
            given = plan["stage"] != "draft" or rng.random() < 0.5
            rows[ActionDefender].append({"action_id": action_id, "defender_id": defender_id,
                                         "consent": "given" if given else "",
                                         "consent_on": row["created_at"].date() if given else None})
        for kind, record_ids in linkable.items():
            if record_ids and rng.random() < 0.4:
                rows[ActionRecordLink].append({"owner_id": action_id, "record_type": kind,
                                              "record_id": rng.choice(record_ids)})
        if staff:
            rows[Assignment].append({"record_type": AdvocacyAction.__record_type__, "record_id": action_id,
                                     "user_id": rng.choice(staff)})
        if plan["stage"] == "answered":
            for offset, kind in _answers(rng, row["type"]):
                rows[Answer].append({"action_id": action_id, "kind": kind, "summary": ANSWER_SUMMARIES[row["language"]],
                                       "received_on": min(utcnow().date(), row["sent_on"] + timedelta(days=offset)),
                                       "created_at": row["created_at"]})
        texts.append(" ".join(sorted(set(words(" ".join((row["title"], row["reference"], row["text"])))))))
    for table, values in rows.items():
        db.session.execute(insert(table), values)
    tokens = bulk_rows(AdvocacyAction.__record_type__, ids, texts)
    if tokens:
        db.session.execute(insert(SearchToken), tokens)


def _answers(rng: random.Random, kind: str) -> list[tuple[int, str]]:
    if kind == "precautionary_measures":
        return [(7, Answer.ACKNOWLEDGEMENT), (30, rng.choice((Answer.GRANTED, Answer.GRANTED,
                                                                Answer.REFUSED)))]
    if kind in ("urgent_appeal", "allegation_letter", "joint_communication"):
        return [(10, Answer.SENT_TO_STATE), (70, rng.choice((Answer.STATE_REPLY, Answer.NO_RESPONSE))),
                (75, Answer.PUBLIC_STATEMENT)]
    return [(5, Answer.ACKNOWLEDGEMENT)]
