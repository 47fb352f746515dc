"""The statistics page: every plugin's figures for a year and a region, drawn as SVG on this machine, with
their tables, each chart downloadable as an image and as CSV; counts respect who may see what."""
from __future__ import annotations

import csv
import html
import io
from datetime import date

from sqlalchemy import select

from core import statistics
from core.disclosure import Guard
from core.extensions import db
from core.models import User
from plugins.interventions.models import Case, Outcome

from .conftest import login
from .plugins.interventions.helpers import add_case
from .records_helpers import add_defender


def _page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _published(app, case_id: int, year: int, violation: str | None = None) -> None:
    """Number a case as if published in ``year`` (its intervention), with a violation."""
    from core.records.models import Term

    with app.app_context():
        case = db.session.get(Case, case_id)
        case.year, case.obs_number, case.country_number, case.first_issued = year, case_id, case_id, f"01{year % 100}"
        if violation:
            case.violations.append(db.session.scalar(select(Term).where(Term.vocabulary == "violations",
                                                                        Term.key == violation)))
        db.session.commit()


def _value(chart, category: str) -> int:
    return dict(zip(chart.categories, chart.values)).get(category, 0)


def _charts(app, user_id: int | None, year: int | None, region: str = "", locale: str = "en"):
    with app.test_request_context():
        user = db.session.get(User, user_id) if user_id else None
        return {chart.key: chart for chart in statistics.charts(user, year, region, locale)}


def test_hook_observatory_statistics(app, make_user):
    """Each plugin contributes its charts; restricted records count only for those who may see them, and never
    in the public report (no user). (Small counts are not withheld here: see the tests below.)"""
    app.config["STATISTICS_SMALL_COUNT"] = 1
    officer, other = make_user("case_officer"), make_user("case_officer", email="other@example.org")
    defender = add_defender(app, "Aylin Kaya")
    for title, country, year, violation in (("A", "TUR", 2025, "arbitrary_detention"),
                                            ("B", "TUR", 2026, "arbitrary_detention"),
                                            ("C", "COL", 2026, "judicial_harassment")):
        _published(app, add_case(app, officer, title=title, country=country, defenders=(defender,)), year, violation)
    secret = add_case(app, officer, title="Secret", country="TUR", confidentiality="restricted")
    _published(app, secret, 2026, "torture")
    with app.app_context():
        db.session.add(Outcome(case_id=secret, kind="released", occurred_on=date(2026, 5, 1)))
        db.session.commit()
    mine = _charts(app, officer.id, 2026)
    assert list(mine)[:4] == ["interventions_by_year", "interventions_by_region", "violations", "outcomes"]
    assert {"missions_by_type", "assistance_by_type", "assistance_by_region", "advocacy_by_mechanism"} <= set(mine)
    assert _value(mine["interventions_by_year"], "2026") == 3 and _value(mine["interventions_by_year"], "2025") == 1
    assert _value(mine["interventions_by_region"], "Europe and Central Asia") == 2
    assert _value(mine["interventions_by_region"], "Americas") == 1
    assert _value(mine["violations"], "Torture and ill-treatment") == 1 and _value(mine["outcomes"], "Released") == 1
    theirs = _charts(app, other.id, 2026)
    assert _value(theirs["interventions_by_year"], "2026") == 2 and _value(theirs["outcomes"], "Released") == 0
    public = _charts(app, None, 2026, locale="fr")
    assert _value(public["interventions_by_region"], "Europe et Asie centrale") == 1
    assert "Torture et mauvais traitements" not in public["violations"].categories
    americas = _charts(app, officer.id, 2026, "americas")
    assert americas["interventions_by_region"].total == 1
    assert _value(americas["violations"], "Judicial harassment") == 1
    committee = _charts(app, make_user("committee", email="c@example.org").id, 2026)
    assert set(committee) == {"assistance_by_type", "assistance_by_region"}


def test_the_page_draws_charts_without_scripts_and_offers_images_and_data(app, client, make_user):
    app.config["STATISTICS_SMALL_COUNT"] = 1  # the drawing of exact counts (withheld ones: see below)
    officer = make_user("case_officer")
    _published(app, add_case(app, officer, title="A", country="TUR"), 2026, "arbitrary_detention")
    login(client, officer)
    page = _page(client.get("/statistics/?year=2026"))
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page and 'role="img"' in page
    assert "Interventions per region" in page and "<script" not in page.split("<main", 1)[-1].split("</main>")[0]
    assert 'href="/statistics/violations.csv?year=2026' in page
    assert "Interventions per region, 2026, all regions: 1 in all." in page  # the description for screen readers
    image = client.get("/statistics/interventions_by_region.svg?year=2026&region=")
    assert image.headers["Content-Type"].startswith("image/svg+xml")
    assert image.headers["Content-Disposition"] == 'attachment; filename="interventions_by_region-2026.svg"'
    assert image.data.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"') and b"Europe and Central Asia" in image.data
    data = client.get("/statistics/violations.csv?year=2026")
    rows = list(csv.reader(io.StringIO(data.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Category", "Interventions"] and ["Arbitrary arrest and detention", "1"] in rows
    assert client.get("/statistics/nothing.csv").status_code == 404
    assert client.get("/statistics/?year=abc&region=mars").status_code == 200
    every = _page(client.get("/statistics/?year=all"))
    assert "all years" in every


def test_the_page_follows_the_users_language(app, client, make_user):
    officer = make_user("readonly")
    with app.app_context():
        db.session.get(User, officer.id).locale = "es"
        db.session.commit()
    login(client, officer)
    page = _page(client.get("/statistics/"))
    assert "Estadísticas" in page and "Intervenciones por región" in page and "Descargar los datos (CSV)" in page


def test_the_statistics_page_keeps_its_statement_count_as_data_grows(app, client, make_user, count_queries):
    from core.records.demo import load as load_core_demo
    from plugins.interventions.demo import load as load_cases

    login(client, make_user("coordinator"))
    client.get("/statistics/")
    with count_queries() as few:
        assert client.get("/statistics/?year=all").status_code == 200
    with app.app_context():
        load_core_demo(1)
        load_cases(3)
        db.session.commit()
    with count_queries() as many:
        assert client.get("/statistics/?year=all").status_code == 200
    assert len(few) == len(many) <= 12, (len(few), len(many))


def test_dashboard_widgets_show_their_chart_as_an_image_fetched_on_its_own(app, client, make_user):
    login(client, make_user("case_officer"))
    page = _page(client.get("/"))
    year = date.today().year
    source = f"/statistics/interventions_by_region.svg?year={year}&inline=1"
    assert f'src="{source}"' in page and f"Chart: Interventions per region, {year}." in page
    image = client.get(source)
    assert image.status_code == 200 and image.headers["Content-Disposition"].startswith("inline;")
    assert f'src="/statistics/advocacy_by_mechanism.svg?year={year}&inline=1"' in page


def test_small_counts_are_withheld_and_the_totals_cannot_give_them_back(app):
    from core.contributions import Chart

    chart = Chart("k", "Title", ("A", "B", "C", "D"), (12, 3, 0, 40))
    withheld = statistics.suppressed(chart, 5, "fewer than 5", "withheld")
    # B is small; A (12) is withheld with it, so that 55 - 40 cannot give B back, and says so.
    assert withheld.figures == [("A", "withheld"), ("B", "fewer than 5"), ("C", 0), ("D", 40)]
    assert withheld.values == (0, 0, 0, 40)  # a drawing, a table or a file cannot print what it does not hold
    assert withheld.total_shown == 55  # minus the 40 shown: the two withheld cells only together
    alone = statistics.suppressed(Chart("k", "Title", ("A", "B"), (2, 0)), 5, "fewer than 5")
    assert alone.figures == [("A", "fewer than 5"), ("B", 0)] and alone.total_shown == "fewer than 5"
    assert statistics.suppressed(Chart("k", "T", ("A", "B"), (5, 9)), 5, "x") == Chart("k", "T", ("A", "B"), (5, 9))
    svg = str(statistics.as_svg(withheld))
    assert "fewer than 5" in svg and ">12<" not in svg and ">3<" not in svg
    with app.app_context():
        written = statistics.as_csv(withheld, "Category", "Count", Guard(None, external=False, unattended=True))
    rows = list(csv.reader(io.StringIO(written.decode("utf-8-sig"))))
    assert rows[1:3] == [["A", "withheld"], ["B", "fewer than 5"]]


def test_figures_for_everyone_but_admins_and_the_public_withhold_small_counts(app, make_user):
    officer, admin = make_user("case_officer"), make_user("admin")
    defender = add_defender(app, "Aylin Kaya")
    for index in range(6):
        _published(app, add_case(app, officer, title=f"T{index}", country="TUR", defenders=(defender,)), 2026,
                   "arbitrary_detention")
    _published(app, add_case(app, officer, title="One", country="COL", defenders=(defender,)), 2026,
               "judicial_harassment")
    mine = _charts(app, officer.id, 2026)["interventions_by_region"]
    # The one case in the Americas is withheld, and so is Europe's 6 (complementary): 7 minus 6 would give it back.
    assert dict(mine.figures)["Americas"] == "fewer than 5" and dict(mine.figures)["Europe and Central Asia"] == \
        "withheld" and mine.total_shown == 7
    french = _charts(app, None, 2026, locale="fr")["interventions_by_region"]
    assert dict(french.figures)["Amériques"] == "moins de 5"
    everything = _charts(app, admin.id, 2026)["interventions_by_region"]
    assert dict(everything.figures)["Americas"] == 1
    client = app.test_client()
    login(client, officer)
    page = html.unescape(client.get("/statistics/?year=2026").get_data(as_text=True))
    assert "Small counts are shown as “fewer than 5”" in page
    assert "Interventions per region, 2026, all regions: 7 in all." in page
    data = client.get("/statistics/interventions_by_region.csv?year=2026").get_data(as_text=True)
    assert "Americas,fewer than 5" in data


def test_an_unassigned_officer_does_not_count_restricted_grant_requests(app, make_user):
    """Grant requests are restricted: the statistics of someone not assigned to one leave it out."""
    from datetime import datetime, timezone

    from plugins.assistance.models import Decision, GrantRequest

    from .plugins.assistance.helpers import add_request

    app.config["STATISTICS_SMALL_COUNT"] = 1  # the count itself, not its withholding, is tested here
    assigned, unassigned = make_user("case_officer"), make_user("case_officer", email="u@example.org")
    request_id = add_request(app, assigned, assignees=(assigned.id,))
    with app.app_context():
        db.session.get(GrantRequest, request_id).status = GrantRequest.APPROVED
        db.session.add(Decision(request_id=request_id, kind="committee", outcome=Decision.APPROVED,
                                decided_at=datetime(2026, 4, 1, tzinfo=timezone.utc)))
        db.session.commit()
    assert _charts(app, assigned.id, 2026)["assistance_by_region"].total == 1
    assert _charts(app, unassigned.id, 2026)["assistance_by_region"].total == 0
    assert _charts(app, None, 2026)["assistance_by_region"].total == 1  # anonymised, in the public report
