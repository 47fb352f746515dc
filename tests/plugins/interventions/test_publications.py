"""What the interventions give the bulletin and the annual report: public actions of cases that are not
restricted, in the requested language or visibly another, grouped by region for the year."""
from __future__ import annotations

from datetime import datetime, timezone

from core.extensions import db
from core.plugin_host import gather
from plugins.interventions.models import Action, Case, Outcome

from .helpers import add_action, add_case


def _publish_on(app, action_id, moment, reference):
    with app.app_context():
        action = db.session.get(Action, action_id)
        action.status, action.published_at, action.reference = "published", moment, reference
        action.case.year, action.case.obs_number, action.case.country_number, action.case.first_issued = (
            moment.year, int(reference.split("OBS ")[1].split(".")[0]), int(reference.split()[1]),
            f"{moment.month:02d}{moment.year % 100}")
        db.session.commit()


def test_bulletin_and_annual_report_sections(app, make_user):
    user = make_user("coordinator")
    march = datetime(2026, 3, 4, tzinfo=timezone.utc)
    turkey = add_case(app, user, country="TUR")
    appeal = add_action(app, turkey, user, title_fr="Turquie : détention de A. K.")
    _publish_on(app, appeal, march, "TUR 001 / 0326 / OBS 001")
    follow = add_action(app, turkey, user, kind="follow_up", title_en="Turkey: A. K. released")
    _publish_on(app, follow, datetime(2026, 5, 2, tzinfo=timezone.utc), "TUR 001 / 0326 / OBS 001.1")
    colombia = add_case(app, user, country="COL")
    _publish_on(app, add_action(app, colombia, user, title_en="Colombia: threats", title_fr=""),
                datetime(2026, 3, 20, tzinfo=timezone.utc), "COL 001 / 0326 / OBS 002")
    secret = add_case(app, user, country="TUR", confidentiality="restricted")
    _publish_on(app, add_action(app, secret, user, title_en="Secret appeal"), march, "TUR 002 / 0326 / OBS 003")
    letter = add_action(app, colombia, user, kind="private_letter", title_en="Private letter")
    with app.app_context():
        db.session.get(Action, letter).status = "published"
        db.session.get(Action, letter).published_at = march
        turkish_case = db.session.get(Case, turkey)
        turkish_case.outcomes.append(Outcome(kind="released", occurred_on=march.date()))
        db.session.commit()
        add_action(app, colombia, user, status="draft", title_en="Draft appeal")

        [section] = [s for s in gather.bulletin_sections(2026, 3, "fr") if s.key == "interventions"]
        assert section.title == "Interventions urgentes"
        items = {item.reference: item for item in section.items}
        assert set(items) == {"TUR 001 / 0326 / OBS 001", "COL 001 / 0326 / OBS 002"}
        assert items["TUR 001 / 0326 / OBS 001"].title == "Turquie : détention de A. K."
        assert not items["TUR 001 / 0326 / OBS 001"].fallback
        colombian = items["COL 001 / 0326 / OBS 002"]
        assert (colombian.title, colombian.language, colombian.fallback) == ("Colombia: threats", "en", True)
        assert colombian.place == "Colombie" and colombian.key.startswith("case-action:")
        assert not [s for s in gather.bulletin_sections(2026, 4, "fr") if s.key == "interventions"]

        [report] = [s for s in gather.annual_report_sections(2026, "es") if s.key == "interventions"]
        assert [item.reference for item in report.items] == ["COL 001 / 0326 / OBS 002",
                                                             "TUR 001 / 0326 / OBS 001"]  # Americas first
        turkish = report.items[1]
        assert turkish.details[0].startswith("TUR 001 / 0326 / OBS 001.1, ")
        assert turkish.details[-1].startswith("Liberado/a, ")
        assert "Secret appeal" not in repr(report.items) and "Private letter" not in repr(report.items)


def test_a_case_source_named_in_a_published_text_stays_out_of_the_bulletin(app, make_user):
    """The bulletin is about the cases it publishes: their confidential source is in its disclosure register,
    so a source named in an appeal's title is masked there (without being a defender of the Observatory)."""
    from core.publications import bulletin
    from core.publications.jobs import public_guard

    user = make_user("coordinator")
    case_id = add_case(app, user, country="TUR")
    with app.app_context():
        db.session.get(Case, case_id).source_details = "Brother Ahmet Yildizoglu, by phone"
        db.session.commit()
    appeal = add_action(app, case_id, user, title_en="Arrest told by Brother Ahmet Yildizoglu, by phone")
    _publish_on(app, appeal, datetime(2026, 3, 4, tzinfo=timezone.utc), "TUR 001 / 0326 / OBS 001")
    with app.test_request_context():
        document = bulletin(2026, 3, "en")
        assert ("case", case_id) in document.about
        text = public_guard(None).release(document)
    flat = str(text)
    assert "Yildizoglu" not in flat and "Arrest told by" in flat
