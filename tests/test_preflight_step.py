"""The preflight before a letter, a mission report or a defender's file is built: the page shows a protected name
typed in the text highlighted in context, what will be masked and what is left out; the build is refused (and
its button disabled) while a name that may be someone else's waits; deciding it, with a reason, writes an audit
row, keeps the decision in the core's table (per person, step and hit: no cap, kept after a log-out) and lets
the build through, applying the decision; the build is audited with the decisions it applied."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.database.models import PreflightDecision
from core.extensions import db
from plugins.interventions.models import Authority

from .conftest import login, post_form
from .plugins.interventions.helpers import add_action, add_case
from .plugins.missions.helpers import add_mission
from .records_helpers import add_defender

MINISTER = {"country": "TUR", "office_en": "Minister of Justice", "person": "", "salutation_en": "Your Excellency,",
            "address_en": "Adalet Bakanlığı\n06659 Ankara", "email": "", "fax": "", "position": "10", "active": "y"}
REASON = "The building is named after a poet"


def _letter(app, client, user) -> tuple[str, str]:
    """A letter whose text names "Blanco" (a protected defender's surname, and a common word) and her full name."""
    assert post_form(client, "/interventions/authorities/new", MINISTER).status_code == 302
    with app.app_context():
        minister = db.session.scalar(select(Authority.id))
    case_id = add_case(app, user, verified=True)
    action_id = add_action(app, case_id, user, body_en="Observers met at the Blanco building. Rosa Blanco was "
                                                        "not heard.")
    post_form(client, f"/interventions/actions/{action_id}/authorities", {"authorities": [minister]})
    base = f"/interventions/actions/{action_id}/letter/{minister}/en"
    return base, f"{base}.pdf"


def _report(app, client, user) -> tuple[str, str]:
    mission_id = add_mission(app, user)
    post_form(client, f"/missions/{mission_id}/report", {
        "title_en": "A hearing observed", "summary_en": "Observers met at the Blanco building.",
        "findings_en": "Rosa Blanco was not heard.", "published_on": "2027-02-01"})
    return (f"/missions/{mission_id}/report/check?language=en",
            f"/missions/{mission_id}/report/download?language=en&format=html")


def _file(app, client, user) -> tuple[str, str]:
    """A defender's file (kept inside) read by someone who may not see a restricted defender named Blanco."""
    defender_id = add_defender(app, "Aylin Kaya", summary="She met observers at the Blanco building.",
                               publication_name="A. K.")
    return f"/defenders/{defender_id}/file", f"/defenders/{defender_id}/file.html"


OUTPUTS = {"letter": (_letter, "Build the letter (PDF)"), "report": (_report, "Build the report (HTML)"),
           "file": (_file, "Build the file (HTML)")}


@pytest.mark.parametrize("output", OUTPUTS)
def test_the_preflight_shows_the_hit_refuses_the_build_until_it_is_decided_and_audits_the_decision(
        app, client, make_user, output):
    officer = make_user("coordinator" if output == "letter" else "case_officer")
    add_defender(app, "Rosa Blanco", publication_name="R. B.",
                 **({"confidentiality": "restricted"} if output == "file" else {}))
    login(client, officer)
    make, build_label = OUTPUTS[output]
    step, build = make(app, client, officer)

    page = client.get(step)
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    waiting = text[text.index('id="preflight-waiting"'):text.index('id="preflight-build"')]
    assert "<mark>Blanco</mark>" in waiting and "it is also a common word" in waiting
    assert "at the Blanco building" in re.sub(r"<[^>]+>", "", waiting)  # in context
    assert 'id="left-out"' in text
    button = re.search(r"<button[^>]*>" + re.escape(build_label) + "</button>", text)
    assert button and "disabled" in button.group(0), "the build waits for the decision"
    if output != "file":  # her full name is certain: masked without a question
        assert "<mark>Rosa Blanco</mark>" in text[text.index('id="preflight-masked"'):]

    forced = post_form(client, build, token_from=step)  # the build asked for all the same
    refused = html.unescape(forced.get_data(as_text=True))
    assert forced.status_code == 422 and "Nothing was built" in refused and "attachment" not in str(forced.headers)
    assert f'href="{step.replace("&", "&amp;")}"'.replace("&amp;", "&") in refused.replace("&amp;", "&")
    assert client.get(build).status_code == 422  # a link followed directly is refused too

    key = re.search(r'data-key="([0-9a-f]+)"', waiting).group(1)
    no_reason = post_form(client, step, {f"disclose-{key}": "other"}, token_from=step)
    assert no_reason.status_code == 422 and "Say why you decided as you did" in no_reason.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "disclose")) is None
    posted = post_form(client, build, {f"disclose-{key}": "other", "disclose_reason": "forged"}, token_from=step)
    assert posted.status_code == 422, "a decision travels only through the preflight, where it is audited"

    decided = post_form(client, step, {f"disclose-{key}": "other", "disclose_reason": REASON}, token_from=step)
    assert decided.status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "disclose"))
        assert entry.changes["decision"] == "another person" and entry.changes["found"] == "Blanco"
        assert entry.changes["why"] == REASON and entry.user_id == officer.id and entry.changes["key"] == key
        kept = db.session.scalars(select(PreflightDecision)).all()  # in the core's table, not in the cookie
        assert [(row.user_id, row.step, row.hit_key, row.decision, row.reason) for row in kept] == [
            (officer.id, step.split("?")[0], key, "other", REASON)]  # the path: a query may hold typed text
    with client.session_transaction() as cookie:
        assert key not in str(dict(cookie))
    text = html.unescape(client.get(step).get_data(as_text=True))
    assert "Your decisions were kept in the audit trail" in text and 'id="build-waits"' not in text
    button = re.search(r"<button[^>]*>" + re.escape(build_label) + "</button>", text)
    assert button and "disabled" not in button.group(0)

    done = post_form(client, build, token_from=step)
    assert done.status_code == 200 and "attachment" in done.headers["Content-Disposition"]
    if build.endswith("html"):
        body = html.unescape(done.get_data(as_text=True))
        assert "at the Blanco building" in body and "Rosa" not in body
    with app.app_context():  # the build used the decision; it was audited once, when it was taken
        assert len(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "disclose")).all()) == 1
        built = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "build")).all()
        assert len(built) == 1 and built[0].user_id == officer.id and built[0].record_type == "output"
        assert built[0].changes == {"step": step.split("?")[0], "decisions": {key: "kept"}}


def test_a_decision_to_mask_is_applied_and_kept_only_for_its_output(app, client, make_user):
    officer = make_user("case_officer")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    login(client, officer)
    step, build = _report(app, client, officer)
    text = html.unescape(client.get(step).get_data(as_text=True))
    key = re.search(r'data-key="([0-9a-f]+)"', text).group(1)
    assert post_form(client, step, {f"disclose-{key}": "mask", "disclose_reason": "Her family's building"},
                     token_from=step).status_code == 302
    body = html.unescape(post_form(client, build, token_from=step).get_data(as_text=True))
    assert "met at the R. B. building" in body and "Blanco" not in body
    findings = step + "&part=findings"  # another output of the same mission: decided on its own
    assert client.get(findings).status_code == 200
    other = client.get(findings.replace("/check", "/download") + "&format=html")
    assert other.status_code == 200  # the findings do not hold the summary's "Blanco building"
    stranger = client.get(step.replace("/check", "/download") + "&format=html")
    assert stranger.status_code == 200
    reader = app.test_client()
    login(reader, make_user("case_officer"))
    assert reader.get(build).status_code == 422, "another person decides for themselves"


def test_the_preflight_speaks_the_users_language(app, client, make_user):
    from core.database.models import User

    officer = make_user("case_officer")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    login(client, officer)
    step, build = _report(app, client, officer)
    for language, words in (("fr", ("Laissé de côté, et pourquoi", "Rien n’a été produit")),
                            ("es", ("Lo que queda fuera, y por qué", "No se generó nada"))):
        with app.app_context():
            db.session.get(User, officer.id).locale = language
            db.session.commit()
        page = html.unescape(client.get(step).get_data(as_text=True))
        assert words[0] in page
        refused = html.unescape(post_form(client, build, token_from=step).get_data(as_text=True))
        assert words[1] in refused


def test_the_preflight_never_shows_its_reader_a_name_they_may_not_see(app, client, make_user):
    """A mission report titled and written with a restricted partner's name, checked by a case officer who is not
    assigned to that partner: the preflight shows what will be masked as its replacement (in the title, the
    context and the place found), never the name; an admin sees it, to decide with all in view."""
    from .records_helpers import add_partner

    officer, admin = make_user("case_officer"), make_user("admin")
    add_partner(app, "Kelpelqar Voshulvxan League", acronym="KELVOS", confidentiality="restricted")
    login(client, officer)
    mission_id = add_mission(app, officer)
    post_form(client, f"/missions/{mission_id}/report", {
        "title_en": "The Kelpelqar Voshulvxan League reported the arrest", "summary_en": "KELVOS was there.",
        "findings_en": "The Kelpelqar Voshulvxan League was heard.", "published_on": "2027-02-01"})
    step = f"/missions/{mission_id}/report/check?language=en"
    text = html.unescape(client.get(step).get_data(as_text=True))
    assert "Kelpelqar" not in text and "KELVOS" not in text
    assert "<mark>[…]</mark>" in text and "The […] reported the arrest" in text
    other = app.test_client()
    login(other, admin)
    assert "<mark>Kelpelqar Voshulvxan League</mark>" in html.unescape(other.get(step).get_data(as_text=True))


def _decide_all(client, step: str, decision: str, reason: str) -> list[str]:
    """Decide every hit waiting on the step as a person does, with one reason; returns their keys."""
    keys = re.findall(r'data-key="([0-9a-f]+)"', client.get(step).get_data(as_text=True))
    assert keys
    response = post_form(client, step, {**{f"disclose-{key}": decision for key in keys}, "disclose_reason": reason},
                         token_from=step)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return keys


def test_well_over_a_hundred_decisions_are_kept_and_the_build_applies_every_one(app, client, make_user):
    """A report naming "Blanco" (a common word, and a protected defender's surname) in 150 places: each is a
    decision of its own; all are kept, the report is built with every one masked, and the build's audit row
    lists every decision it applied, by key, without the name."""
    officer = make_user("case_officer")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    login(client, officer)
    mission_id = add_mission(app, officer)
    findings = " ".join(f"Witness {number} met observers at the Blanco building on day {number}."
                        for number in range(1, 151))
    post_form(client, f"/missions/{mission_id}/report", {
        "title_en": "A hearing observed", "summary_en": "A closed hearing.", "findings_en": findings,
        "published_on": "2027-02-01"})
    step = f"/missions/{mission_id}/report/check?language=en"
    build = f"/missions/{mission_id}/report/download?language=en&format=html"
    assert post_form(client, build, token_from=step).status_code == 422

    keys = _decide_all(client, step, "mask", "Her family's building, in every witness statement")
    assert len(set(keys)) == 150
    page = client.get(step).get_data(as_text=True)
    assert 'id="build-waits"' not in page
    done = post_form(client, build, token_from=step)
    assert done.status_code == 200 and "attachment" in done.headers["Content-Disposition"]
    body = html.unescape(done.get_data(as_text=True))
    assert body.count("met observers at the R. B. building") == 150 and "Blanco" not in body
    with app.app_context():
        assert db.session.scalar(select(func.count(PreflightDecision.id))) == 150
        built = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "build"))
        assert built.changes["decisions"] == {key: "masked" for key in keys}
        assert "Blanco" not in str(built.changes) and "Rosa" not in built.record_label + str(built.changes)


def test_decisions_outlive_a_log_out_and_never_apply_to_another_person(app, client, make_user):
    officer, colleague = make_user("case_officer"), make_user("case_officer")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    login(client, officer)
    step, build = _report(app, client, officer)
    _decide_all(client, step, "other", REASON)
    assert post_form(client, "/logout", token_from=step).status_code == 302
    assert client.get(step).status_code == 302, "logged out"
    login(client, officer)
    assert post_form(client, build, token_from=step).status_code == 200  # the decision was kept

    other = app.test_client()
    login(other, colleague)
    page = other.get(step).get_data(as_text=True)
    assert 'id="build-waits"' in page and "Blanco" in page  # the colleague decides for themselves
    assert post_form(other, build, token_from=step).status_code == 422


def test_a_decision_on_a_hit_no_longer_there_is_unused(app, client, make_user):
    """The text around a decided hit changed: the decision covers the place the person saw, not the new one,
    which waits; once it is decided, the build applies (and its audit lists) that decision only."""
    officer = make_user("case_officer")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    login(client, officer)
    step, build = _report(app, client, officer)
    [old] = _decide_all(client, step, "other", REASON)
    mission_id = int(step.split("/")[2])
    post_form(client, f"/missions/{mission_id}/report", {
        "title_en": "A hearing observed", "summary_en": "Observers waited outside the Blanco tower.",
        "findings_en": "Rosa Blanco was not heard.", "published_on": "2027-02-01"})
    page = client.get(step).get_data(as_text=True)
    assert 'id="build-waits"' in page and old not in page
    assert post_form(client, build, token_from=step).status_code == 422
    [new] = _decide_all(client, step, "mask", "Her family's tower")
    body = html.unescape(post_form(client, build, token_from=step).get_data(as_text=True))
    assert "waited outside the R. B. tower" in body
    with app.app_context():
        assert {row.hit_key for row in db.session.scalars(select(PreflightDecision))} == {old, new}
        built = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "build"))
        assert built.changes["decisions"] == {new: "masked"}


def test_decisions_older_than_the_configured_age_are_no_longer_applied_and_are_deleted(app, client, make_user):
    """A decision is kept PREFLIGHT_DECISIONS_DAYS (30 by default): an older one no longer lets a build through,
    and the next decision anyone keeps deletes every row that old, the colleague's as much as one's own."""
    from datetime import timedelta

    from core.database.models import utcnow

    assert app.config["PREFLIGHT_DECISIONS_DAYS"] == 30
    officer, colleague = make_user("case_officer"), make_user("case_officer")
    add_defender(app, "Rosa Blanco", publication_name="R. B.")
    login(client, officer)
    step, build = _report(app, client, officer)
    _decide_all(client, step, "other", REASON)
    assert post_form(client, build, token_from=step).status_code == 200
    with app.app_context():
        db.session.execute(PreflightDecision.__table__.update().values(decided_at=utcnow() - timedelta(days=31)))
        db.session.commit()
    assert post_form(client, build, token_from=step).status_code == 422, "too old: asked again"
    assert 'id="build-waits"' in client.get(step).get_data(as_text=True)
    other = app.test_client()
    login(other, colleague)
    with app.app_context():
        recent = db.session.scalar(select(PreflightDecision.decided_at))
    _decide_all(other, step, "mask", "Her family's building")
    with app.app_context():
        kept = db.session.execute(select(PreflightDecision.user_id, PreflightDecision.decided_at)).all()
        assert [user_id for user_id, _when in kept] == [colleague.id] and recent < kept[0][1]
    app.config["PREFLIGHT_DECISIONS_DAYS"] = 40  # the age is a setting
    _decide_all(client, step, "other", REASON)
    with app.app_context():
        db.session.execute(PreflightDecision.__table__.update().where(PreflightDecision.user_id == officer.id)
                           .values(decided_at=utcnow() - timedelta(days=35)))
        db.session.commit()
    assert post_form(client, build, token_from=step).status_code == 200
