"""Demo editorial content: last year's annual report with a foreword and a thematic chapter (the chapter only in
English and French, so the Spanish report shows the marked fallback), and an introduction to last month's
bulletin. Fictional, like all demo data."""
from __future__ import annotations

from ..database.models import utcnow
from ..extensions import db
from . import previous_month
from .models import AnnualChapter, AnnualReport, Bulletin

FOREWORD = {
    "en": "This fictional report shows how the Observatory's year is told: the figures, the urgent interventions "
          "by region and country, the missions, the advocacy and the assistance given.",
    "fr": "Ce rapport fictif montre comment l’année de l’Observatoire est racontée : les chiffres, les "
          "interventions urgentes par région et par pays, les missions, le plaidoyer et l’assistance apportée.",
    "es": "Este informe ficticio muestra cómo se cuenta el año del Observatorio: las cifras, las intervenciones "
          "urgentes por región y país, las misiones, la incidencia y la asistencia prestada.",
}
CHAPTER = {
    "title_en": "Judicial harassment, the year's first threat",
    "title_fr": "Le harcèlement judiciaire, première menace de l’année",
    "body_en": "Defenders were prosecuted for their work more than for anything else.\n\nThis chapter is "
               "written by the editors in the application, in each language.",
    "body_fr": "Les défenseurs ont été poursuivis pour leur travail plus que pour toute autre raison.\n\nCe "
               "chapitre est rédigé par les éditeurs dans l’application, dans chaque langue.",
}


def load() -> str:
    today = utcnow().date()
    report = AnnualReport(year=today.year - 1, **{f"foreword_{code}": text for code, text in FOREWORD.items()})
    report.chapters.append(AnnualChapter(position=1, **CHAPTER))
    year, month = previous_month(today)
    db.session.add_all([report, Bulletin(year=year, month=month, introduction_en=(
        "A month of arbitrary detentions and of releases won (fictional demo introduction)."))])
    db.session.flush()
    return "an annual report's foreword and chapter, a bulletin introduction"
