"""The demo data is something a new user can work through: nothing dated after today but what is planned, texts
in French and Spanish written in those languages, an appeal waiting for the coordinator's review, and a committee
whose votes decide."""
from __future__ import annotations

import html
from datetime import date, datetime

from sqlalchemy import Date, DateTime, func, select

from core.database.models import Role, User, user_roles
from core.extensions import db

from .conftest import login

#: Dates that may be ahead: what is planned or expected, never what happened.
PLANNED = {("advocacy_actions", "reply_expected_by"), ("advocacy_sessions", "starts_on"),
           ("advocacy_sessions", "ends_on"), ("missions_missions", "start_date"), ("missions_missions", "end_date"),
           ("missions_hearings", "held_on"), ("assistance_requests", "report_due_on"),
           ("assistance_requests", "vote_deadline")}
#: Words of English that a French or Spanish demo text must not hold (a placeholder left in English).
ENGLISH = (" the ", " of ", "Fictional", "Findings", "Report of", "trial observation", "Cas ", "Caso ")


def _demo(app) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output


def test_nothing_in_the_demo_happened_after_today(app):
    _demo(app)
    today = date.today()
    with app.app_context():
        ahead = []
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                kind = getattr(column.type, "impl", column.type)
                if not isinstance(kind, (Date, DateTime)) or (table.name, column.name) in PLANNED:
                    continue
                latest = db.session.scalar(select(func.max(column)))
                if isinstance(latest, str):
                    latest = date.fromisoformat(latest[:10])
                if latest is not None and (latest.date() if isinstance(latest, datetime) else latest) > today:
                    ahead.append((table.name, column.name, latest))
        assert ahead == []
        from plugins.missions.models import Hearing

        assert set(db.session.scalars(select(Hearing.outcome).where(Hearing.held_on > today))) <= {"scheduled"}


def test_the_demo_texts_are_written_in_each_language(app):
    _demo(app)
    from plugins.advocacy.models import AdvocacyAction
    from plugins.interventions.models import Action
    from plugins.missions.models import ReportText

    with app.app_context():
        texts = []
        for action in db.session.scalars(select(Action)):
            for lang in ("fr", "es"):
                assert action.title(lang) and getattr(action, f"body_{lang}") and getattr(action, f"requested_{lang}")
                texts.append(" ".join((action.title(lang), getattr(action, f"body_{lang}"),
                                       getattr(action, f"requested_{lang}"))))
        fr = texts[0::2]
        assert any("L’Observatoire a été informé" in text for text in fr)
        assert any("d’un défenseur des droits humains" in text or "Détention arbitraire de " in text for text in fr)
        reports = db.session.scalars(select(ReportText).where(ReportText.language.in_(("fr", "es")))).all()
        assert {report.language for report in reports} == {"fr", "es"}
        texts += [f" {report.title} {report.summary} {report.findings} " for report in reports]
        advocacy = db.session.scalars(select(AdvocacyAction).where(AdvocacyAction.language.in_(("fr", "es")))).all()
        assert advocacy
        texts += [" ".join([action.text, *(str(value) for value in action.details.values())])
                  for action in advocacy]
        mixed = [text for text in texts if any(word in f" {text} " for word in ENGLISH)]
        assert mixed == []


def test_a_coordinator_finds_an_appeal_to_review_and_the_committee_can_decide(app, make_user):
    _demo(app)
    from plugins.assistance import services
    from plugins.assistance.models import GrantRequest, Vote
    from plugins.interventions.models import Action

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Action).where(Action.status == "in_review")) >= 1
    client = app.test_client()
    login(client, make_user("coordinator", email="new-coordinator@example.org"))
    page = html.unescape(client.get("/").get_data(as_text=True))
    mine = page.split('id="waiting-for-me"')[1].split("</section>")[0]
    assert "To review" in mine and "/interventions/actions/" in mine

    with app.app_context():  # each request before the committee is decided once its members have voted
        members = db.session.scalars(select(User).join(user_roles, user_roles.c.user_id == User.id)
                                     .join(Role, Role.id == user_roles.c.role_id)
                                     .where(Role.name == "committee")).all()
        assert len(members) >= app.config["ASSISTANCE_QUORUM"]
        waiting = db.session.scalars(select(GrantRequest.id).where(GrantRequest.status == "submitted")).all()
        assert waiting
        for request_id in waiting:
            voted = set(db.session.scalars(select(Vote.member_id).where(Vote.request_id == request_id)))
            for member in members:
                grant = db.session.get(GrantRequest, request_id)
                if member.id in voted or grant.status != "submitted" or any(
                        c.member_id == member.id for c in grant.conflicts):
                    continue
                services.declare(request_id, member, False)
                services.vote(request_id, member, "approve", "")
            assert db.session.get(GrantRequest, request_id).status == "approved", request_id
