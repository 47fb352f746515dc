"""Fictional but realistic demo records, written with bulk inserts so benchmarks can load 100,000 quickly.

Names are drawn from regional pools with a fixed seed (the same data every time); nobody here is a
real person.
"""
from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select

from ..database.models import Role, User, utcnow
from ..extensions import db
from ..web.security import hash_password
from .matching import name_key, search_text
from .models import (
    Assignment,
    Country,
    Defender,
    Partner,
    SearchToken,
    Term,
    defender_rights,
)
from .tokens import bulk_rows

DEFENDERS_PER_SCALE, PARTNERS_PER_SCALE = 300, 100
BATCH = 5000
NAMES = {
    "africa": (["Amina", "Kwame", "Fatou", "Tendai", "Chidi", "Aissatou", "Kofi", "Nomvula", "Yaw", "Mariam"],
               ["Diallo", "Mensah", "Okafor", "Banda", "Traoré", "Ndlovu", "Kamau", "Mbeki", "Sow", "Abebe"],
               ["KEN", "NGA", "COD", "CMR", "ZWE", "ETH", "BDI", "SEN", "UGA", "RWA"]),
    "americas": (["María", "José", "Ana", "Luis", "Camila", "Diego", "Lucía", "Jorge", "Rosa", "Andrés"],
                 ["García", "Núñez", "Rodríguez", "Pérez", "Gómez", "Quispe", "Mamani", "Silva", "Torres", "Ramírez"],
                 ["COL", "MEX", "GTM", "HND", "BRA", "PER", "NIC", "VEN", "BOL", "SLV"]),
    "asia": (["Wei", "Priya", "Nguyen", "Aung", "Siti", "Rahul", "Mei", "Tran", "Farida", "Arjun"],
             ["Chen", "Sharma", "Van Thanh", "Kyaw", "Rahman", "Das", "Lin", "Hoang", "Begum", "Patel"],
             ["CHN", "IND", "VNM", "MMR", "BGD", "PHL", "KHM", "NPL", "PAK", "IDN"]),
    "europe_central_asia": (["Aylin", "Olga", "Dmitri", "Nino", "Aigerim", "Emre", "Svetlana", "Bakhyt", "Ana", "Artur"],
                            ["Kaya", "Ivanova", "Sokolov", "Beridze", "Nurlanovna", "Demir", "Petrova", "Aliyev",
                             "Grigoryan", "Popescu"],
                            ["TUR", "RUS", "BLR", "AZE", "KAZ", "UZB", "GEO", "ARM", "TJK", "HUN"]),
    "mena": (["Mohammed", "Fatima", "Omar", "Layla", "Youssef", "Nour", "Karim", "Samira", "Ahmed", "Rania"],
             ["Al-Hassan", "Haddad", "Benali", "Mansour", "El-Sayed", "Khalil", "Nasser", "Saleh", "Aziz", "Darwish"],
             ["EGY", "SYR", "BHR", "SAU", "TUN", "DZA", "MAR", "IRQ", "YEM", "LBN"]),
}
ORGANISATION_WORDS = (["Committee", "Centre", "League", "Network", "Collective", "Association", "Observatory"],
                      ["for Human Rights", "of Lawyers", "for Justice", "for Press Freedom", "of Women Defenders",
                       "for Land Rights", "against Torture"])
NETWORKS = ["FIDH member", "OMCT SOS-Torture Network", "Regional Defenders Network", ""]
PROFESSIONS = ["Lawyer", "Journalist", "Trade unionist", "Environmental activist", "Student leader", "Doctor",
               "Indigenous leader", "Blogger", "Women's rights activist", "Academic"]


def _staff() -> list[int]:
    """Demo colleagues to assign records to (random passwords nobody knows: an admin resets them to use them)."""
    roles = {role.name: role for role in db.session.scalars(select(Role))}
    # Three committee members: the grants committee's default quorum, so its votes can decide.
    people = [("Carmen Coordinator", "coordinator"), ("Omar Officer", "case_officer"),
              ("Chloé Officer", "case_officer"), ("Kofi Committee", "committee"), ("Lina Committee", "committee"),
              ("Mateo Committee", "committee"), ("Rita Reader", "readonly")]
    users = []
    for name, role in people:
        email = f"{name.split()[0].lower()}@example.org"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, password_hash=hash_password(random.SystemRandom().randbytes(16).hex()),
                        roles=[roles[role]])
            db.session.add(user)
        users.append(user)
    db.session.flush()
    return [user.id for user in users if any(r.name == "case_officer" for r in user.roles)]


def load(scale: int = 1, seed: int = 7) -> tuple[int, int]:
    """Bulk-insert about ``scale`` × (300 defenders, 100 partners); returns the numbers added."""
    rng = random.Random(seed)
    officers = _staff()
    countries = dict(db.session.execute(select(Country.alpha3, Country.id)).all())
    rights = list(db.session.scalars(select(Term.id).where(Term.vocabulary == "rights")))
    now = utcnow()
    defenders = _defender_rows(rng, DEFENDERS_PER_SCALE * scale, countries, now)
    ids = _bulk(Defender, defenders)
    links, assignments = [], []
    for defender_id, row in zip(ids, defenders):
        links += [{"defender_id": defender_id, "term_id": term} for term in rng.sample(rights, rng.randint(1, 3))]
        if row["confidentiality"] == "restricted" or rng.random() < 0.2:
            assignments.append({"record_type": "defender", "record_id": defender_id, "user_id": rng.choice(officers)})
    _insert_batches(defender_rights, links)
    _insert_batches(SearchToken.__table__, bulk_rows("defender", ids, [row["search_text"] for row in defenders]))
    partners = _partner_rows(rng, PARTNERS_PER_SCALE * scale, countries, now)
    partner_ids = _bulk(Partner, partners)
    _insert_batches(SearchToken.__table__, bulk_rows("partner", partner_ids, [row["search_text"] for row in partners]))
    _insert_batches(Assignment.__table__, assignments)
    return len(defenders), len(partners)


def _defender_rows(rng: random.Random, count: int, countries: dict[str, int], now) -> list[dict[str, Any]]:
    rows, used = [], set()
    for index in range(count):
        region = rng.choice(list(NAMES))
        firsts, lasts, codes = NAMES[region]
        person = rng.random() < 0.85
        if person:
            name = f"{rng.choice(firsts)} {rng.choice(lasts)}"
            if index >= len(firsts) * len(lasts):  # keep names distinct as the scale grows
                name = f"{name} {rng.choice(lasts)}"
            while name in used:  # namesakes are real, but in the demo they would stop its publications for a decision
                name = f"{name} {rng.choice(lasts)}"
            used.add(name)
        else:
            name = f"{rng.choice(ORGANISATION_WORDS[0])} {rng.choice(ORGANISATION_WORDS[1])} {index}"
        consent = rng.random() < 0.6
        confidentiality = rng.choices(["public", "internal", "restricted"], weights=[2, 6, 2])[0]
        rows.append({
            "kind": Defender.PERSON if person else Defender.ORGANISATION, "name": name, "name_key": name_key(name),
            "search_text": search_text(name), "aliases": "", "country_id": countries[rng.choice(codes)],
            "gender": rng.choice(["woman", "man", None]) if person else None,
            "profession": rng.choice(PROFESSIONS) if person else "", "risk_level": rng.choice(Defender.RISK_LEVELS),
            "consent_to_publish": consent, "publication_name": "" if consent else "".join(w[0] + "." for w in name.split()[:2]),
            "confidentiality": confidentiality, "summary": "", "email": f"contact{index}@example.org" if person else "",
            "phone": "", "address": "", "exact_location": "", "family": "",
            "created_at": now - timedelta(days=rng.randint(0, 900)), "updated_at": now,
        })
    return rows


def _partner_rows(rng: random.Random, count: int, countries: dict[str, int], now) -> list[dict[str, Any]]:
    rows = []
    for index in range(count):
        region = rng.choice(list(NAMES))
        code = rng.choice(NAMES[region][2])
        name = f"{rng.choice(ORGANISATION_WORDS[0])} {rng.choice(ORGANISATION_WORDS[1])} ({code} {index})"
        rows.append({
            "name": name, "name_key": name_key(name), "search_text": search_text(name), "acronym": "", "aliases": "",
            "country_id": countries[code], "network": rng.choice(NETWORKS), "description": "", "contacts": "",
            "confidentiality": rng.choices(["public", "internal", "restricted"], weights=[3, 6, 1])[0],
            "created_at": now - timedelta(days=rng.randint(0, 900)), "updated_at": now,
        })
    return rows


def _bulk(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows in batches; returns their new ids, in the order of the rows."""
    before = db.session.scalar(select(db.func.max(model.id))) or 0
    _insert_batches(model.__table__, rows)
    return list(db.session.scalars(select(model.id).where(model.id > before).order_by(model.id)))


def _insert_batches(table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start:start + BATCH])
